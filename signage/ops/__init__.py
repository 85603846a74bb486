"""Operating the box: status HTTP, metrics, screenshots, play log, systemd notify."""
