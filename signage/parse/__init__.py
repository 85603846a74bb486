"""Text to data: safe YAML, field aliases and value parsers, playlists."""
