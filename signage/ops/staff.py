"""The staff page, ``http://<box>:<port>/``: files in and out, previews, the urgent notice, reports.

In Chinese, for a phone. From the box itself (loopback) no password; from the LAN the
station password (``status.password_hash`` in config.yaml, made by ``signage passwd``),
then a session cookie. Every form carries a CSRF token (Flask-WTF); LOCK_FAILURES wrong
passwords from one address lock it out for LOCK_MINUTES. Large request bodies from the
LAN are refused before they are read unless the session cookie is good (``WebServer.gate``).

The handlers are thin: the drop folder's operations are in ``dropfolder``, the report in
``playlog``, the preview in ``preview`` (run in a child process), the urgent file's
format in ``playlist``.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml
from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from werkzeug.security import check_password_hash

from signage.core.model import Location
from signage.parse import playlists as playlist
from signage.sources.folder.decode import printable
from signage.sources.folder.report import where_text

from . import dropfolder, playlog

log = logging.getLogger(__name__)

STAFF = "staff"  # the session key of a logged-in browser
LOCK_FAILURES = 5
LOCK_MINUTES = 10
PREVIEW_SECONDS = 60
URGENT_FILE = "urgent.yaml"


@dataclass(frozen=True)
class Site:
    """What the staff page works on (from the settings at start)."""

    drop_dir: Path
    playlists_dir: Path | None
    playlog_dir: Path
    password_hash: str | None
    station: str = ""
    config_path: Path | None = None


def staff_site(settings) -> Site:
    return Site(settings.content_dir, settings.playlists_dir, settings.playlog_dir,
                settings.status_password_hash, settings.station_name, settings.config_path)


class Lockout:
    """Wrong passwords per address: LOCK_FAILURES in LOCK_MINUTES lock the address out."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self.failures: dict[str, list[float]] = {}
        self.lock = threading.Lock()

    def _recent(self, peer: str) -> list[float]:
        since = self.clock() - LOCK_MINUTES * 60
        recent = [t for t in self.failures.get(peer, []) if t > since]
        self.failures[peer] = recent
        return recent

    def locked(self, peer: str) -> bool:
        with self.lock:
            return len(self._recent(peer)) >= LOCK_FAILURES

    def failed(self, peer: str) -> None:
        with self.lock:
            self._recent(peer).append(self.clock())
            if len(self.failures) > 1000:  # many addresses: forget the oldest
                oldest = min(self.failures, key=lambda p: max(self.failures[p], default=0))
                del self.failures[oldest]

    def succeeded(self, peer: str) -> None:
        with self.lock:
            self.failures.pop(peer, None)


def host_name(host: str) -> str:
    """``127.0.0.1:8787`` -> ``127.0.0.1``; ``[::1]:8787`` -> ``::1``."""
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def file_id(key: str) -> str:
    """A form value naming a file whatever bytes its name has."""
    return key.encode("utf-8", "surrogateescape").hex()


def file_key(ident: str) -> str:
    try:
        return bytes.fromhex(ident).decode("utf-8", "surrogateescape")
    except ValueError:
        abort(400)


def file_states(keys: list[str], state: dict, drop_dir: Path) -> list[dict]:
    """Each file's state for the page: OK, being read, or its problems by line (in Chinese)."""
    problems = state.get("errors", []) + state.get("warnings", [])
    loaded = state.get("loaded_at")
    out = []
    for key in keys:
        mine = [p for p in problems if p.get("file", "").split(" [")[0] == key]
        lines = []
        for p in mine:
            where, _ = where_text(Location(p["file"], p.get("line"), p.get("column")))
            tag = "错误" if p.get("severity") == "error" else "提醒"
            lines.append(f"【{tag}】{where}：{p.get('zh', '')}")
        try:
            changed = dt.datetime.fromtimestamp((drop_dir / key).stat().st_mtime)
        except OSError:
            changed = None
        reading = loaded is None or (changed is not None and changed.isoformat(timespec="seconds") > loaded)
        out.append({"id": file_id(key), "name": key, "problems": lines,
                    "error": any(p.get("severity") == "error" for p in mine),
                    "stale": key in state.get("stale_sources", []), "reading": reading,
                    "changed": changed.strftime("%m-%d %H:%M") if changed else ""})
    return out


def urgent_yaml(title: str, text: str, until: dt.datetime) -> str:
    return yaml.safe_dump({"title": title, "text": text, "until": until.strftime("%Y-%m-%d %H:%M")},
                          allow_unicode=True, sort_keys=False)


def frame_routes(routes: dict) -> list[str]:
    """The screenshot routes of the box's screens, in order (one per HDMI output)."""
    shots = [p for p in routes if p == "/screenshot.png" or p.startswith("/screenshot-")]
    return sorted(shots, key=lambda p: (len(p), p))


def blueprint(site: Site, state: Callable[[], dict], routes: dict,
              is_loopback: Callable[[str], bool]) -> Blueprint:
    bp = Blueprint("staff", __name__, template_folder="templates")
    lockout = Lockout()
    previewing = threading.Semaphore(1)

    def page(template: str, code: int = 200, **context) -> Response:
        html = render_template(template, station=site.station, **context)
        return Response(printable(html), status=code, content_type="text/html; charset=utf-8",
                        headers={"Cache-Control": "no-store"})

    def here() -> bool:
        """From the box itself, by a loopback name (not a page's domain rebound to 127.0.0.1)."""
        return is_loopback(request.remote_addr or "") and is_loopback(host_name(request.host))

    @bp.before_request
    def guard():
        if request.endpoint == "staff.login" or here() or session.get(STAFF):
            return None
        if not site.password_hash:
            return page("message.html", 403, title="需要设置密码",
                        lines=["从别的电脑或手机使用这个页面，需要先在 config.yaml 里设置密码：",
                               "在播放机上运行 signage passwd，按提示把结果放进 config.yaml 的 status: 下面，再重启播放。"])
        if request.method == "GET":
            return redirect(url_for("staff.login"))
        return page("message.html", 401, title="请先登录", lines=["登录已过期，请重新登录。"])

    @bp.route("/login", methods=["GET", "POST"])
    def login():
        peer = request.remote_addr or ""
        error = None
        if here():
            return redirect(url_for("staff.home"))
        if request.method == "POST":
            if lockout.locked(peer):
                error = f"密码错误次数太多，请 {LOCK_MINUTES} 分钟后再试。"
            elif site.password_hash and check_password_hash(site.password_hash,
                                                            request.form.get("password", "")):
                lockout.succeeded(peer)
                session.clear()
                session[STAFF] = True
                session.permanent = True
                return redirect(url_for("staff.home"))
            else:
                lockout.failed(peer)
                error = "密码不对。" if not lockout.locked(peer) else \
                    f"密码错误次数太多，请 {LOCK_MINUTES} 分钟后再试。"
                log.warning("staff page: wrong password from %s", peer)
        return page("login.html", 429 if error and lockout.locked(peer) else 200, error=error,
                    no_password=not site.password_hash)

    @bp.post("/logout")
    def logout():
        session.clear()
        return redirect(url_for("staff.login"))

    @bp.get("/")
    def home():
        now = dt.datetime.now()
        dropfolder.prune(site.drop_dir, now)
        current = state()
        keys = dropfolder.files(site.drop_dir) if site.drop_dir.is_dir() else []
        urgent = None
        if site.playlists_dir is not None:
            found = playlist.load_dir(site.playlists_dir).urgent
            if found is not None and found.active(now):
                urgent = found
        return page("index.html", state=current, files=file_states(keys, current, site.drop_dir),
                    binned=dropfolder.binned(site.drop_dir)[:30], urgent=urgent,
                    has_playlists=site.playlists_dir is not None, logged_in=bool(session.get(STAFF)),
                    periods=playlog.PERIODS, file_id=file_id, bin_days=dropfolder.BIN_DAYS,
                    default_until=(now + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
                    screens=len(frame_routes(routes)),
                    stamp=int(time.time()))

    @bp.get("/frame/<int:n>.png")
    def frame_png(n: int):
        shots = frame_routes(routes)
        if not 1 <= n <= len(shots):
            abort(404)
        code, ctype, body = routes[shots[n - 1]]()
        return Response(body, status=code, content_type=ctype, headers={"Cache-Control": "no-store"})

    def uploaded() -> tuple[str, bytes] | None:
        f = request.files.get("file")
        if f is None or not f.filename:
            flash("请先选一个文件。", "error")
            return None
        return f.filename, f.read()

    @bp.post("/upload")
    def upload():
        got = uploaded()
        if got is not None:
            try:
                name = dropfolder.store(site.drop_dir, *got)
            except dropfolder.Refused as exc:
                flash(f"没有上传：{exc.zh}", "error")
            else:
                log.info("staff page: uploaded %s (%d bytes) from %s", name, len(got[1]),
                         request.remote_addr)
                flash(f"已上传“{name}”，几秒后屏幕上就会出现。", "ok")
        return redirect(url_for("staff.home"))

    @bp.post("/preview")
    def preview():
        got = uploaded()
        if got is None:
            return redirect(url_for("staff.home"))
        try:
            name = dropfolder.safe_name(got[0])
            dropfolder.check_size(name, len(got[1]))
        except dropfolder.Refused as exc:
            flash(f"不能预览：{exc.zh}", "error")
            return redirect(url_for("staff.home"))
        if not previewing.acquire(blocking=False):
            flash("正在生成另一个预览，请稍后再试。", "error")
            return redirect(url_for("staff.home"))
        try:
            result = _render_preview(site, name, got[1])
        finally:
            previewing.release()
        if result is None:
            flash("预览没有做出来（文件可能太复杂），请直接上传后看屏幕。", "error")
            return redirect(url_for("staff.home"))
        return page("preview.html", name=name, result=result)

    @bp.post("/delete")
    def delete():
        key = file_key(request.form.get("id", ""))
        try:
            dropfolder.discard(site.drop_dir, key)
        except (dropfolder.Refused, OSError):
            flash("没有删除：文件已经不在了。", "error")
        else:
            log.info("staff page: %s moved to the bin by %s", key, request.remote_addr)
            flash(f"“{key}”已移到回收站，{dropfolder.BIN_DAYS} 天内可以恢复。", "ok")
        return redirect(url_for("staff.home"))

    @bp.post("/restore")
    def restore():
        try:
            key = dropfolder.restore(site.drop_dir, file_key(request.form.get("id", "")))
        except dropfolder.Refused as exc:
            flash(f"没有恢复：{exc.zh}", "error")
        else:
            flash(f"“{key}”已恢复。", "ok")
        return redirect(url_for("staff.home"))

    @bp.post("/urgent")
    def urgent_post():
        if site.playlists_dir is None:
            abort(404)
        title = request.form.get("title", "").strip()[:40]
        text = request.form.get("text", "").strip()[:300]
        until = playlist.parse_moment(request.form.get("until", ""))
        if not title:
            flash("紧急通知要有标题。", "error")
        elif until is None or until <= dt.datetime.now():
            flash("结束时间要在现在之后。", "error")
        else:
            site.playlists_dir.mkdir(parents=True, exist_ok=True)
            _withdraw(site.playlists_dir)
            dropfolder.write_atomic(site.playlists_dir / URGENT_FILE, urgent_yaml(title, text, until).encode())
            log.info("staff page: urgent notice %r until %s", title, until)
            flash(f"紧急通知已发布，到 {until:%m-%d %H:%M} 结束。", "ok")
        return redirect(url_for("staff.home"))

    @bp.post("/urgent/withdraw")
    def urgent_withdraw():
        if site.playlists_dir is not None and _withdraw(site.playlists_dir):
            flash("紧急通知已撤下。", "ok")
        return redirect(url_for("staff.home"))

    @bp.get("/report")
    def report():
        name = request.args.get("period", "week")
        kind = request.args.get("format", "csv")
        if name not in playlog.PERIODS or kind not in ("csv", "xlsx"):
            abort(400)
        start, end = playlog.period(name, dt.date.today())
        records = playlog.read_records(site.playlog_dir, start, end)
        sheets = playlog.report_sheets(*playlog.tally(records))
        title = f"{site.station} 播放报表 {start} 至 {end}"
        stem = f"播放报表-{playlog.PERIODS[name]}-{start}-{end}"
        if kind == "csv":
            data, mime = playlog.report_excel_csv(sheets, title), "text/csv; charset=utf-8"
        else:
            data = playlog.report_xlsx(sheets, title)
            mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return send_file(io.BytesIO(data), mimetype=mime, as_attachment=True,
                         download_name=f"{stem}.{kind}", max_age=0)

    return bp


def _withdraw(folder: Path) -> bool:
    gone = False
    for name in playlist.URGENT_NAMES:
        for path in folder.glob("*.y*ml"):
            if path.stem.lower() == name and path.suffix.lower() in (".yaml", ".yml"):
                path.unlink(missing_ok=True)
                gone = True
    return gone


def _render_preview(site: Site, name: str, data: bytes) -> dict | None:
    """Run ``signage preview`` on the upload in a child process; the pages as data: URLs."""
    with tempfile.TemporaryDirectory(prefix="signage-preview-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        cmd = [sys.executable, "-m", "signage"]
        if site.config_path is not None:
            cmd += ["--config", str(site.config_path)]
        cmd += ["preview", str(path), "--out", str(Path(tmp) / "pages")]
        env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
        try:
            done = subprocess.run(cmd, capture_output=True, timeout=PREVIEW_SECONDS, env=env,
                                  cwd=tmp, check=False)
            result = json.loads(done.stdout.decode("utf-8", "replace").strip().splitlines()[-1])
        except (subprocess.TimeoutExpired, OSError, ValueError, IndexError):
            log.exception("preview of %s failed", name)
            return None
        result["images"] = ["data:image/png;base64," + base64.b64encode(Path(p).read_bytes()).decode()
                            for p in result.pop("pages")]
        return result
