"""Putting it together: settings, lifecycle, wiring, the command line."""
