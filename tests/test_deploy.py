"""The systemd unit, the installer (into a scratch root) and the desktop entry."""

from __future__ import annotations

import configparser
import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def unit_entries(text: str) -> dict[str, list[str]]:
    entries: dict[str, list[str]] = {}
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith(("#", ";", "[")):
            key, _, value = line.partition("=")
            entries.setdefault(key, []).append(value)
    return entries


def test_unit_runs_on_the_console_with_a_watchdog():
    e = unit_entries((ROOT / "deploy" / "signage.service").read_text())
    assert e["Type"] == ["notify"]
    assert e["Restart"] == ["always"]
    assert int(e["WatchdogSec"][0]) >= 10
    assert e["User"] == ["signage"] and e["Group"] == ["signage"]
    assert set(e["SupplementaryGroups"][0].split()) == {"video", "render", "input", "tty"}
    assert "SDL_VIDEODRIVER=kmsdrm" in e["Environment"]
    assert e["WorkingDirectory"] == ["/srv/signage"]  # the station folder, not the checkout
    assert e["StandardOutput"] == ["journal"] and e["StandardError"] == ["journal"]
    assert e["ExecStart"] == ["/opt/signage/.venv/bin/signage run --config /srv/signage/config.yaml"]
    assert "setterm --blank 0" in e["ExecStartPre"][0] and "--cursor off" in e["ExecStartPre"][0]
    assert e["WantedBy"] == ["multi-user.target"]
    assert int(e["LimitNOFILE"][0]) >= 4096  # the watcher's room beside the HTTP server's


def run_installer(root: Path, *args: str) -> str:
    env = dict(os.environ, SIGNAGE_ROOT=str(root))
    done = subprocess.run(["bash", str(ROOT / "scripts" / "install-service.sh"), *args], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_installer_writes_the_unit_and_the_kernel_command_line_once(tmp_path):
    cmdline = tmp_path / "boot" / "firmware" / "cmdline.txt"
    cmdline.parent.mkdir(parents=True)
    cmdline.write_text("console=serial0,115200 console=tty1 root=PARTUUID=ab-02 rootwait\n")
    run_installer(tmp_path)
    run_installer(tmp_path, "--user", "kiosk")  # again: nothing doubled
    assert cmdline.read_text() == ("console=serial0,115200 console=tty1 root=PARTUUID=ab-02 "
                                   "rootwait consoleblank=0 vt.global_cursor_default=0\n")
    e = unit_entries((tmp_path / "etc/systemd/system/signage.service").read_text())
    assert e["WorkingDirectory"] == ["/srv/signage"]
    assert e["ExecStart"] == [f"{ROOT}/.venv/bin/signage run --config /srv/signage/config.yaml"]
    assert e["User"] == ["kiosk"]
    assert (tmp_path / "srv/signage/config.yaml").is_file()  # made by `signage init`
    assert (tmp_path / "srv/signage/jobs").is_dir()


def test_installer_with_another_station_folder(tmp_path):
    run_installer(tmp_path, "--station", "/var/lib/signage/station")
    e = unit_entries((tmp_path / "etc/systemd/system/signage.service").read_text())
    assert e["WorkingDirectory"] == ["/var/lib/signage/station"]
    assert e["ExecStart"] == [f"{ROOT}/.venv/bin/signage run --config /var/lib/signage/station/config.yaml"]
    assert (tmp_path / "var/lib/signage/station/playlists/day.yaml").is_file()


def test_installer_on_a_grub_machine(tmp_path):
    grub = tmp_path / "etc" / "default" / "grub"
    grub.parent.mkdir(parents=True)
    grub.write_text('GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT="quiet"\n')
    run_installer(tmp_path)
    run_installer(tmp_path)
    assert 'GRUB_CMDLINE_LINUX_DEFAULT="quiet consoleblank=0 vt.global_cursor_default=0"' \
        in grub.read_text()


def test_desktop_autostart_entry(tmp_path):
    run_installer(tmp_path, "--desktop")
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(tmp_path / "etc/xdg/autostart/signage.desktop", encoding="utf-8")
    d = entry["Desktop Entry"]
    assert d["Type"] == "Application"
    assert f"cd /srv/signage && exec {ROOT}/.venv/bin/signage run --config config.yaml" in d["Exec"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_systemd_accepts_the_unit(tmp_path):
    project = tmp_path / "project"
    (project / ".venv" / "bin").mkdir(parents=True)
    (project / ".venv" / "bin" / "signage").write_text("#!/bin/sh\n")  # only must exist
    (project / ".venv" / "bin" / "signage").chmod(0o755)
    station = tmp_path / "station"
    station.mkdir()
    text = (ROOT / "deploy" / "signage.service").read_text().replace("/opt/signage", str(project))
    text = text.replace("/srv/signage", str(station))
    unit = tmp_path / "signage.service"
    unit.write_text(text)
    done = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr


def exposure(unit: Path) -> float:
    done = subprocess.run(["systemd-analyze", "security", "--offline=yes", str(unit)],
                          capture_output=True, text=True, timeout=60)
    m = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", done.stdout + done.stderr)
    assert m, done.stdout + done.stderr
    return float(m.group(1))


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_unit_is_sandboxed_but_keeps_the_screen_keys_and_console(tmp_path):
    unit = tmp_path / "signage.service"
    unit.write_text((ROOT / "deploy" / "signage.service").read_text())
    assert exposure(unit) <= 5.0
    e = unit_entries(unit.read_text())
    assert e["ProtectSystem"] == ["strict"] and e["NoNewPrivileges"] == ["yes"]
    assert e["PrivateTmp"] == ["yes"] and e["ProtectHome"] == ["yes"]
    assert set(e["ReadWritePaths"][0].split()) == {"/srv/signage/var", "/srv/signage/jobs",
                                                    "/srv/signage/playlists"}
    assert set(e["DeviceAllow"]) == {"char-drm rw", "char-input r", "/dev/tty1 rw", "char-cec rw",
                                     "char-video4linux rw"}
    assert set(e["RestrictAddressFamilies"][0].split()) == {"AF_UNIX", "AF_INET", "AF_INET6",
                                                             "AF_NETLINK"}
    assert e["LimitNOFILE"] == ["4096"] and e["UMask"] == ["0002"]
    # the unsandboxed unit of before, for comparison: the test can fail
    bare = tmp_path / "bare.service"
    bare.write_text("[Service]\nExecStart=/bin/true\n")
    assert exposure(bare) > 9.0


def test_error_report_is_readable_by_the_staff_group(tmp_path):
    """Issue 9 item 8: the report was 0600 (mkstemp), so staff could not open it."""
    from signage.sources.folder.report import REPORT_NAME, write_report

    folder = tmp_path / "jobs"
    folder.mkdir()
    if os.geteuid() == 0:  # a staff group of its own, as install-service.sh sets up
        os.chown(folder, -1, 100)
    folder.chmod(0o2775)
    old = os.umask(0o002)  # the unit's UMask=0002
    try:
        assert write_report(folder, "报告\r\n")
    finally:
        os.umask(old)
    st = (folder / REPORT_NAME).stat()
    assert stat.S_IMODE(st.st_mode) == 0o664
    assert st.st_gid == folder.stat().st_gid
    old = os.umask(0o022)
    try:
        assert write_report(folder, "报告 2\r\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE((folder / REPORT_NAME).stat().st_mode) == 0o644
