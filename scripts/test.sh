#!/usr/bin/env bash
# Set everything up, then run the linter and the whole test suite headless.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test || exit 1
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy
.venv/bin/ruff check . || exit 1
.venv/bin/mypy signage || exit 1
.venv/bin/lint-imports || exit 1
.venv/bin/python -m pytest "$@"
status=$?
if [ $status -eq 5 ]; then
    echo "pytest collected no tests: that is a failure here" >&2
    exit 1
fi
exit $status
