"""The shell around the screen: the pygame loop, its outputs, fault containment."""
