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
#      the service, for boxes that boot to a desktop;
#   7. with --share: installs Samba and shares the drop folder as \\<box>\jobs to the
#      staff's group (--group, default: the user's); new files are 0664, new folders 2775,
#      owned by that group, so the player reads what staff put there and staff read the
#      error report. With --share-user NAME it also makes NAME a staff account (asks
#      for its Samba password).
#
# For testing, SIGNAGE_ROOT=/some/dir writes every file under that folder and skips
# user creation, setup.sh, ownership and systemctl.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
root=${SIGNAGE_ROOT:-}
user=signage
station=/srv/signage
group=""
desktop=no
start=yes
share=no
share_user=""
while [ $# -gt 0 ]; do
    case "$1" in
        --user) user=$2; shift 2 ;;
        --station) station=$(realpath -m "$2"); shift 2 ;;
        --group) group=$2; shift 2 ;;
        --share) share=yes; shift ;;
        --share-user) share=yes; share_user=$2; shift 2 ;;
        --desktop) desktop=yes; shift ;;
        --no-start) start=no; shift ;;
        -h|--help) sed -n '2,29p' "$0"; exit 0 ;;
        *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
    esac
done
if [ -z "$root" ] && [ "$(id -u)" -ne 0 ]; then
    echo "run it as root: sudo $0 $*" >&2
    exit 1
fi
real() { [ -z "$root" ]; }
group=${group:-$user}

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
    for device_group in video render input tty; do
        getent group "$device_group" >/dev/null || groupadd --system "$device_group"
    done
    usermod -a -G video,render,input "$user"
    # What the player writes: the play log and the feed cache (var/); and, shared with the
    # staff (the user's group), the drop folder, where it keeps the error report. setgid
    # folders: whatever anyone puts there belongs to the group, so both sides can read it.
    install -d -o "$user" -g "$user" "${station}/var" "${station}/var/playlog" "${station}/var/cache"
    chown -R "$user:$user" "${station}/var"
    getent group "$group" >/dev/null || groupadd --system "$group"
    [ "$group" = "$user" ] || usermod -a -G "$group" "$user"
    for shared in jobs playlists; do  # playlists/: the staff page writes the urgent notice there
        chgrp -R "$group" "${station}/${shared}"
        find "${station}/${shared}" -type d -exec chmod 2775 {} +
        find "${station}/${shared}" -type f -exec chmod g+rw {} +
    done
fi

# The Samba share of the drop folder: a section of smb.conf between markers, replaced on
# every run. Files are made 0664 and folders 2775 in the staff's group, whoever puts them.
share_section() {
    cat <<EOF_SHARE
# BEGIN signage: the drop folder for the staff (scripts/install-service.sh --share)
[jobs]
   comment = 招聘文件 / job listings for the screens
   path = ${station}/jobs
   valid users = @${group}
   force group = ${group}
   read only = no
   browseable = yes
   create mask = 0664
   force create mode = 0664
   directory mask = 2775
   force directory mode = 2775
   veto files = /._*/.DS_Store/Thumbs.db/desktop.ini/
   delete veto files = yes
# END signage
EOF_SHARE
}

if [ "$share" = yes ]; then
    echo "== sharing ${station}/jobs over Samba as \\\\$(hostname)\\jobs for the group ${group}"
    if real; then
        if ! command -v smbd >/dev/null; then
            apt-get update -qq
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends samba >/dev/null
        fi
    fi
    conf="${root}/etc/samba/smb.conf"
    install -d "$(dirname "$conf")"
    touch "$conf"
    sed -i '/^# BEGIN signage/,/^# END signage/d' "$conf"
    share_section >> "$conf"
    if real; then
        testparm -s "$conf" >/dev/null 2>&1 || { echo "smb.conf has a mistake: testparm -s" >&2; exit 1; }
        if [ -n "$share_user" ]; then
            id "$share_user" >/dev/null 2>&1 || useradd --no-create-home --shell /usr/sbin/nologin "$share_user"
            usermod -a -G "$group" "$share_user"
            echo "== the Samba password of ${share_user}:"
            smbpasswd -a "$share_user"
        fi
        systemctl enable --now smbd
        systemctl reload smbd || systemctl restart smbd
    fi
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
