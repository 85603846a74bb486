#!/usr/bin/env bash
# Set up signage on Debian/Ubuntu: system packages (a CJK font among them), a virtual
# environment in .venv, and the package with its dependencies. Safe to run again.
# Works as root, or as a user with sudo.  Usage: scripts/setup.sh [--test | --bench | --production]
#   (nothing)     the demo: the package editable, with the test tools
#   --test        the same, and the system packages the tests need
#   --bench       the same, and Xvfb, Chromium and ImageMagick for bench/display_x11.py
#   --production  what a station's box runs (scripts/install-service.sh): the package itself,
#                 not editable, no test tools; reinstalled whenever the sources changed,
#                 so that upgrading is `git pull` and this script again.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-demo}
case "$mode" in demo|--test|--bench|--production) ;;
    *) echo "usage: $0 [--test | --bench | --production]" >&2; exit 2 ;;
esac

packages=(python3 python3-venv fontconfig fonts-noto-cjk fonts-symbola fonts-arphic-ukai v4l-utils
          libgbm1 libegl1 libgles2 libgl1-mesa-dri)
# symbola: emoji and symbols; arphic-ukai: the night market's handwritten titles; v4l-utils:
# cec-ctl, the TV's power; libgbm1 ... libgl1-mesa-dri: what SDL's kmsdrm driver loads at run
# time to draw on the console without a desktop (GBM, EGL, GLES and Mesa's DRI drivers)
if [ "$mode" = "--test" ] || [ "$mode" = "--bench" ]; then
    packages+=(zbar-tools libzbar0)   # decoding QR codes from rendered pages in the tests
    packages+=(tesseract-ocr tesseract-ocr-chi-sim)   # reading pages back from across the room
    packages+=(chromium chromium-driver)   # the staff page driven in a real browser (selenium)
    packages+=(prometheus)            # promtool: checks and unit-tests deploy/prometheus/
    packages+=(systemd)               # systemd-analyze: the unit's syntax and sandbox score
    packages+=(samba smbclient)       # the staff's share, served by a private smbd in a test
fi
if [ "$mode" = "--bench" ]; then
    packages+=(xvfb chromium imagemagick)   # the player against a browser on an X server
fi

if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
missing=()
for pkg in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "== installing system packages: ${missing[*]}"
    "${sudo[@]}" apt-get update -qq
    if [[ " ${missing[*]} " == *" prometheus "* ]] && [ -d /run/systemd/system ]; then
        # only promtool is wanted: the Prometheus server must not start (it would listen on
        # every address, port 9090). Masked before it is installed, it never runs.
        echo "== masking prometheus.service (the tests need only promtool)"
        "${sudo[@]}" systemctl mask prometheus.service >/dev/null
    fi
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    if [[ " ${missing[*]} " == *" samba "* ]] && command -v systemctl >/dev/null; then
        # installed for the tests only: no file server left running on this machine
        "${sudo[@]}" systemctl disable --now smbd nmbd >/dev/null 2>&1 || true
    fi
fi

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "signage needs Python 3.11 or newer; $("$python" --version) found" >&2
    exit 1
fi
if [ ! -x .venv/bin/python ]; then
    echo "== creating .venv"
    "$python" -m venv .venv
fi
# Offline or through a mirror: PIP_INDEX_URL / PIP_FIND_LINKS + PIP_NO_INDEX (docs/deploy.md).
if [ "$mode" = "--production" ]; then
    sources=$(find pyproject.toml signage -type f ! -path '*/__pycache__/*' -print0 | sort -z |
              xargs -0 sha1sum | sha1sum)
    stamp=.venv/.installed-production-$(printf '%s' "$sources" | cut -c1-12)
    install=(".")
else
    stamp=.venv/.installed-$(sha1sum pyproject.toml | cut -c1-12)
    install=(-e ".[test]")
fi
if [ ! -f "$stamp" ]; then
    echo "== installing Python packages (${install[*]})"
    .venv/bin/python -m pip install -q --upgrade pip || echo "(pip not upgraded; going on)"
    if [ "$mode" = "--production" ]; then  # no test tools and no editable link on a station's box
        .venv/bin/python -m pip uninstall -q -y signage >/dev/null 2>&1 || true
    fi
    .venv/bin/python -m pip install -q "${install[@]}"
    rm -f .venv/.installed-* && touch "$stamp"
fi
