"""signage: the waiting-room display of a gig-work station (零工驿站)."""

import os

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

__version__ = "0.1.0"
