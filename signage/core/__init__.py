"""The pure heart: listings and slides as data, the content store, the schedule."""
