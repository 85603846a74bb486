#!/usr/bin/env bash
# Install signage as a system service that starts at boot on the console TV (no desktop).
#
#   sudo scripts/install-service.sh [--station DIR] [--user NAME] [--desktop] [--no-start]
#
# Safe to run again; to upgrade: `git pull`, then this script again. It:
#   1. sets up the project for production (scripts/setup.sh --production: packages, CJK
#      font, the package in .venv, not editable, without the test tools);
#   2. creates the system user (default "signage") in the video, render and input groups;
#      its group is the staff's group too (add staff accounts to it);
#   3. makes the station folder (default /srv/signage) with `signage init` when it has no
#      config.yaml yet: the station's config.yaml, drop folder jobs/, playlists/, var/;
#      lets the user write var/ (play log, feed cache) and, with the staff, jobs/ (setgid);
#   4. installs deploy/signage.service as /etc/systemd/system/signage.service, pointed at
#      this folder and the station folder, enables it and (unless --no-start) starts it;
#   5. turns console blanking and the console cursor off, now and on every boot
#      (consoleblank=0 vt.global_cursor_default=0 on the kernel command line);
#   6. with --desktop: installs deploy/signage.desktop in /etc/xdg/autostart instead of
#      the service, for boxes that boot to a desktop.
#
# For testing, SIGNAGE_ROOT=/some/dir writes every file under that folder and skips
# user creation, setup.sh, ownership and systemctl.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
root=${SIGNAGE_ROOT:-}
user=signage
station=/srv/signage
desktop=no
start=yes
while [ $# -gt 0 ]; do
    case "$1" in
        --user) user=$2; shift 2 ;;
        --station) station=$(realpath -m "$2"); shift 2 ;;
        --desktop) desktop=yes; shift ;;
        --no-start) start=no; shift ;;
        -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
        *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
    esac
done
if [ -z "$root" ] && [ "$(id -u)" -ne 0 ]; then
    echo "run it as root: sudo $0 $*" >&2
    exit 1
fi
real() { [ -z "$root" ]; }

# Put this folder, the station folder and the user into a template.
render() {
    sed -e "/^#/!s#/opt/signage#${here}#g" -e "/^#/!s#/srv/signage#${station}#g" \
        -e "s#^User=signage#User=${user}#" -e "s#^Group=signage#Group=${user}#" "$1"
}

if real; then
    echo "== setting up ${here} for production"
    "${here}/scripts/setup.sh" --production
fi
if [ -x "${here}/.venv/bin/signage" ]; then
    echo "== the station folder ${station}"
    "${here}/.venv/bin/signage" init "${root}${station}" | grep -v '^kept' || true
fi

if [ "$desktop" = yes ]; then
    install -d "${root}/etc/xdg/autostart"
    render "${here}/deploy/signage.desktop" > "${root}/etc/xdg/autostart/signage.desktop"
    echo "== installed ${root}/etc/xdg/autostart/signage.desktop: signage starts with the desktop"
    exit 0
fi

if real; then
    if ! id "$user" >/dev/null 2>&1; then
        echo "== creating system user ${user}"
        useradd --system --user-group --home-dir "/var/lib/${user}" --create-home \
            --shell /usr/sbin/nologin "$user"
    fi
    for group in video render input tty; do
        getent group "$group" >/dev/null || groupadd --system "$group"
    done
    usermod -a -G video,render,input "$user"
    # What the player writes: the play log and the feed cache (var/); and, shared with the
    # staff (the user's group), the drop folder, where it keeps the error report. setgid
    # folders: whatever anyone puts there belongs to the group, so both sides can read it.
    install -d -o "$user" -g "$user" "${station}/var" "${station}/var/playlog" "${station}/var/cache"
    chown -R "$user:$user" "${station}/var"
    chgrp -R "$user" "${station}/jobs"
    find "${station}/jobs" -type d -exec chmod 2775 {} +
    find "${station}/jobs" -type f -exec chmod g+rw {} +
fi

echo "== installing the systemd unit"
install -d "${root}/etc/systemd/system"
render "${here}/deploy/signage.service" > "${root}/etc/systemd/system/signage.service"

# Kernel command line: no console blanking, no cursor; Raspberry Pi OS or GRUB.
cmdline=""
for f in /boot/firmware/cmdline.txt /boot/cmdline.txt; do
    if [ -f "${root}${f}" ]; then cmdline="${root}${f}"; break; fi
done
if [ -n "$cmdline" ]; then
    line=$(head -n1 "$cmdline")
    for opt in consoleblank=0 vt.global_cursor_default=0; do
        case " $line " in *" $opt "*) ;; *) line="$line $opt" ;; esac
    done
    printf '%s\n' "$line" > "$cmdline"
    echo "== kernel command line (${cmdline}): $line"
elif [ -f "${root}/etc/default/grub" ]; then
    grub="${root}/etc/default/grub"
    for opt in consoleblank=0 vt.global_cursor_default=0; do
        grep -q "^GRUB_CMDLINE_LINUX_DEFAULT=.*${opt}" "$grub" ||
            sed -i "s/^GRUB_CMDLINE_LINUX_DEFAULT=\"\(.*\)\"/GRUB_CMDLINE_LINUX_DEFAULT=\"\1 ${opt}\"/" "$grub"
    done
    echo "== kernel command line (${grub}): $(grep '^GRUB_CMDLINE_LINUX_DEFAULT=' "$grub")"
    if real && command -v update-grub >/dev/null; then update-grub; fi
else
    echo "== no cmdline.txt or /etc/default/grub found: add consoleblank=0" \
         "vt.global_cursor_default=0 to the kernel command line yourself" >&2
fi

if real; then
    # For now, until the next boot.
    setterm --blank 0 --powerdown 0 --cursor off </dev/tty1 >/dev/tty1 2>/dev/null || true
    echo 0 > /sys/class/graphics/fbcon/cursor_blink 2>/dev/null || true
    systemctl daemon-reload
    systemctl enable signage.service
    if [ "$start" = yes ]; then
        systemctl restart signage.service
        echo "== started; follow it with: journalctl -u signage -f"
    fi
fi
echo "== done"
