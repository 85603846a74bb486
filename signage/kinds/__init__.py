"""Slide kinds: one module each (jobs, poster, announcement, live, join, figures, urgent,
black, empty), registered in :mod:`signage.kinds.registry`, which the parser, the schedule
and the renderer consult. Importing this package imports no kind: the registry loads the
built-in ones the first time it is read.
"""
