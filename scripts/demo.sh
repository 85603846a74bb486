#!/usr/bin/env bash
# Set everything up, then show the bundled demo listings (q or Esc quits, f toggles full screen).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    exec .venv/bin/signage --config config.yaml run --windowed "$@"
fi
exec .venv/bin/signage --config config.yaml run "$@"   # on the console: full screen through KMS
