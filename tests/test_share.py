"""The drop folder shared over Samba, as `install-service.sh --share` writes it, served by a real
smbd on 127.0.0.1 (a private smb.conf on a high port): a file put with smbclient reaches the
player's /status; the player's error report can be fetched back over the share."""

from __future__ import annotations

import grp
import os
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from test_deploy import run_installer
from test_kiosk_run import KIOSK_CONFIG, Run, wait_for

pytestmark = pytest.mark.skipif(
    shutil.which("smbd") is None or shutil.which("smbclient") is None or os.geteuid() != 0,
    reason="needs smbd and smbclient (apt-get install samba smbclient) and root")

STAFF = "www-data"  # an account that exists on every Debian, standing in for a staff member
PASSWORD = "staff-Pass-1234"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def share(tmp_path):
    """The installer's share section, served by smbd; yields (player, smbclient runner)."""
    root = tmp_path / "root"
    run_installer(root, "--share", "--user", STAFF, "--group", STAFF, "--station", "/station")
    section = (root / "etc/samba/smb.conf").read_text(encoding="utf-8")
    assert "[jobs]" in section and "path = /station/jobs" in section

    # pytest's tmp_path sits under a 0700 folder of root's: the staff could not reach it
    station = Path(tempfile.mkdtemp(prefix="signage-share-"))
    station.chmod(0o755)
    player = Run(station, KIOSK_CONFIG)  # its drop folder: station/jobs
    jobs = station / "jobs"
    # what install-service.sh does on a real box: the staff's group, setgid folders
    gid = grp.getgrnam(STAFF).gr_gid
    for path in [jobs, *jobs.rglob("*")]:
        os.chown(path, -1, gid)
        path.chmod(0o2775 if path.is_dir() else 0o664)

    private = tmp_path / "samba"
    for d in ("private", "lock", "state", "cache", "pid", "ncalrpc"):
        (private / d).mkdir(parents=True)
    port = free_port()
    conf = tmp_path / "smb.conf"
    conf.write_text(f"""[global]
   interfaces = 127.0.0.1
   bind interfaces only = yes
   smb ports = {port}
   disable netbios = yes
   server role = standalone server
   passdb backend = tdbsam:{private}/private/passdb.tdb
   private dir = {private}/private
   lock directory = {private}/lock
   state directory = {private}/state
   cache directory = {private}/cache
   pid directory = {private}/pid
   ncalrpc dir = {private}/ncalrpc
   log file = {private}/log.%m
   load printers = no
   printing = bsd
   printcap name = /dev/null
   disable spoolss = yes
{section.replace("path = /station/jobs", f"path = {jobs}")}
""", encoding="utf-8")
    subprocess.run(["smbpasswd", "-c", str(conf), "-s", "-a", STAFF], input=f"{PASSWORD}\n{PASSWORD}\n",
                   text=True, check=True, capture_output=True, timeout=30)
    # A session of its own (made by Popen; --no-process-group: smbd makes none itself): on
    # SIGTERM smbd signals its whole process group, which must not be pytest's.
    smbd = subprocess.Popen(["smbd", "--foreground", "--no-process-group", "--debug-stdout",
                             "-s", str(conf)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)

    def smbclient(*commands: str, cwd: Path = tmp_path) -> subprocess.CompletedProcess:
        return subprocess.run(["smbclient", "//127.0.0.1/jobs", "-p", str(port), "-s", str(conf),
                               "-U", f"{STAFF}%{PASSWORD}", "-c", "; ".join(commands)],
                              cwd=cwd, capture_output=True, text=True, timeout=30)

    def listening():
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", port)) == 0

    try:
        wait_for(listening, "smbd to listen")
        wait_for(lambda: player.get("/status").json().get("frames"), "the first frame")
        yield player, smbclient, jobs
    finally:
        os.killpg(smbd.pid, signal.SIGTERM)  # smbd and the children it forked
        smbd.wait(timeout=10)
        if player.proc.poll() is None:
            player.finish()
        shutil.rmtree(station, ignore_errors=True)


def test_a_file_put_on_the_share_reaches_the_screen_and_the_report_comes_back(share, tmp_path):
    player, smbclient, jobs = share
    assert player.get("/status").json()["listings_loaded"] == 12
    upload = tmp_path / "upload"
    upload.mkdir()
    (upload / "new.yaml").write_text("岗位: 共享文件夹测试岗\n单位: 天池商业广场\n电话: 13800000000\n",
                                     encoding="utf-8")
    (upload / "bad.yaml").write_text("岗位 保安\n电话: 1\n", encoding="utf-8")
    done = smbclient("put new.yaml 共享岗位.yaml", cwd=upload)
    assert done.returncode == 0, done.stdout + done.stderr
    wait_for(lambda: player.get("/status").json()["listings_loaded"] == 13, "the listing on screen")
    st = (jobs / "共享岗位.yaml").stat()
    assert stat.S_IMODE(st.st_mode) == 0o664 and st.st_gid == grp.getgrnam(STAFF).gr_gid

    assert smbclient("put bad.yaml 坏文件.yaml", cwd=upload).returncode == 0
    wait_for(lambda: (jobs / "_错误报告.txt").exists(), "the error report")
    time.sleep(0.2)
    report = jobs / "_错误报告.txt"
    assert stat.S_IMODE(report.stat().st_mode) & 0o040  # the staff's group may read it
    done = smbclient("get _错误报告.txt report.txt", cwd=upload)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "坏文件.yaml" in (upload / "report.txt").read_text(encoding="utf-8-sig")
