"""The drop folder: read, decode, tabulate, report back to staff, watch for changes."""
