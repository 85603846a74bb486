"""Command line: ``signage run | render | validate | report | init``.

Every command takes ``--config PATH`` (default ``./config.yaml``), before or after
the command's name; paths inside the file are relative to it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from signage.core.theme_names import THEME_NAMES

from . import logs  # the standard library only

if TYPE_CHECKING:
    from signage.core.model import Problem, Snapshot, SourceResult

# The rest is imported by the command that needs it, so that `run` catches SIGTERM and
# SIGINT (lifecycle.StopSignals) a few milliseconds after Python starts, not after
# pydantic, pygame and the readers have loaded.

log = logging.getLogger("signage")


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError("size must look like 1920x1080") from None
    if w < 64 or h < 64:
        raise argparse.ArgumentTypeError("size too small")
    return w, h


def _instant(text: str) -> float:
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).timestamp()
        except ValueError:
            continue
    raise argparse.ArgumentTypeError("time must look like '2026-11-09 18:30'")


def _screen(text: str) -> tuple[int, int]:
    """``2/3`` (screen 2 of 3) -> (1, 3): 0-based index, count."""
    try:
        k, n = (int(v) for v in text.split("/"))
    except ValueError:
        raise argparse.ArgumentTypeError("screen must look like 2/3 (screen 2 of 3)") from None
    if n < 1 or not 1 <= k <= n:
        raise argparse.ArgumentTypeError("screen must be 1/n to n/n")
    return k - 1, n


DESCRIPTION = "signage: job listings in large Chinese print on the station's TVs."
EXAMPLES = """\
examples:
  signage run                                 full screen, as ./config.yaml says
  signage run --windowed --size 1280x720      in a window
  signage validate --config /srv/signage/config.yaml
                                              check the listing files, explain mistakes
  signage render --out page.png --page 2      a page as a picture, without a screen
  signage report --from yesterday --csv > plays.csv
                                              how often each job was shown (opens in Excel)
  signage init /srv/signage                   a new station folder: config.yaml, drop folder

Every command takes --config PATH (default ./config.yaml) and -v, before or after its name.
Guide: README.md and docs/deploy.md.
"""


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("signage")
    except PackageNotFoundError:
        return "unknown (not installed)"


def _common(top: bool) -> argparse.ArgumentParser:
    """--config and -v, for the top level and (without defaults, so as not to undo it) each command."""
    common = argparse.ArgumentParser(add_help=False)
    default = (lambda value: value) if top else (lambda _value: argparse.SUPPRESS)
    common.add_argument("--config", default=default("config.yaml"),
                        help="settings file (default ./config.yaml)")
    common.add_argument("-v", "--verbose", action="store_true", default=default(False),
                        help="log more")
    return common


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="signage", description=DESCRIPTION, epilog=EXAMPLES,
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     parents=[_common(top=True)])
    parser.add_argument("--version", action="version", version=f"signage {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = [_common(top=False)]

    def command(name: str, help: str, example: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help, description=help, parents=common,
                              epilog=f"example:\n  {example}",
                              formatter_class=argparse.RawDescriptionHelpFormatter)

    run = command("run", "show the listings on the screen", "signage run --windowed --size 1280x720")
    run.add_argument("--windowed", action="store_true", help="a window instead of full screen")
    run.add_argument("--size", type=_size, help="window size, e.g. 1280x720")
    run.add_argument("--display", type=int, help="which monitor (0 = first)")
    run.add_argument("--seconds", type=float, help="stop after this many seconds (for tests)")

    render = command("render", "draw one page to a PNG file, without a screen",
                     'signage render --at "2026-11-09 18:30" --screen 2/3 --out p.png')
    render.add_argument("--out", required=True, help="PNG file to write")
    render.add_argument("--page", type=int, default=None, help="page number (1 = first)")
    render.add_argument("--size", type=_size, help="e.g. 1920x1080 (default: display.size)")
    render.add_argument("--at", type=_instant, help="draw what is shown at this time")
    render.add_argument("--theme", choices=THEME_NAMES)
    render.add_argument("--screen", type=_screen,
                        help="draw what screen K of N shows, e.g. 2/3 (default: screen in config.yaml)")

    validate = command("validate", "check listing files and explain what is wrong",
                       "signage validate --config /srv/signage/config.yaml")
    validate.add_argument("paths", nargs="*", help="files or folders (default: the content folder)")
    validate.add_argument("--json", action="store_true", help="machine-readable output")
    validate.add_argument("--at", type=_instant, help="say what shows at this time (default: now)")

    report = command("report", "how often each listing and employer was shown",
                     "signage report --from 2026-11-01 --to 2026-11-30 --csv > nov.csv")
    report.add_argument("--from", dest="start", type=_date, help="first day: 2026-11-01, today "
                        "or yesterday (default: six days before --to)")
    report.add_argument("--to", dest="end", type=_date, help="last day (default: today)")
    report.add_argument("--csv", action="store_true",
                        help="CSV for Excel (UTF-8 with BOM, Chinese and English headers)")

    preview = command("preview", "draw the pages one listing file would make, as PNG files",
                      "signage preview 厨房帮工.xlsx --out previews/")
    preview.add_argument("file", help="a listing file or poster (it need not be in the drop folder)")
    preview.add_argument("--out", required=True, help="folder for page-1.png, page-2.png ...")
    preview.add_argument("--size", type=_size, help="page size (default 960x540)")

    command("passwd", "make the staff page's password hash for config.yaml", "signage passwd")

    init = command("init", "make a station folder: config.yaml, drop folder, playlists "
                   "(never overwrites)", "sudo signage init /srv/signage")
    init.add_argument("folder", help="the station's folder, outside the checkout")
    return parser


DAY_WORDS = {"today": 0, "今天": 0, "yesterday": 1, "昨天": 1}


def _date(text: str) -> dt.date:
    word = text.strip().lower()
    if word in DAY_WORDS:
        return dt.date.today() - dt.timedelta(days=DAY_WORDS[word])
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("a day must look like 2026-11-09, today or yesterday") from None


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logs.setup(logging.DEBUG if args.verbose else logging.INFO)
    if args.command == "init":
        return cmd_init(args)
    if args.command != "run":
        return _command(args, None)
    from . import lifecycle

    with lifecycle.StopSignals() as stop:  # from the first moment: a stop in start-up holds
        return _command(args, stop)


def _command(args, stop) -> int:
    from . import config as config_mod

    try:
        settings = config_mod.load(args.config if args.config != "config.yaml" or
                                   Path("config.yaml").exists() else None)
    except config_mod.ConfigError as exc:
        logs.say_error(f"signage: {exc}")
        return 2
    logging.getLogger().setLevel(logging.DEBUG if args.verbose else settings.log_level.upper())
    if args.command == "validate":
        return cmd_validate(settings, args)
    if args.command == "render":
        return cmd_render(settings, args)
    if args.command == "report":
        return cmd_report(settings, args)
    if args.command == "preview":
        from signage.ops.preview import cmd_preview

        return cmd_preview(settings, args, _fonts)
    if args.command == "passwd":
        return cmd_passwd()
    return cmd_run(settings, args, stop)


def cmd_init(args) -> int:
    from . import station

    folder = Path(args.folder).absolute()
    try:
        created, kept = station.init(folder)
    except OSError as exc:
        print(f"signage: cannot make the station folder {folder}: {exc}", file=sys.stderr)
        return 2
    for path in created:
        print(f"created {path}")
    for path in kept:
        print(f"kept    {path} (already there)")
    print(f"next: edit {folder / 'config.yaml'} (station name, hotline), then "
          f"signage validate --config {folder / 'config.yaml'}")
    return 0


def cmd_report(settings, args) -> int:
    from signage.ops import playlog

    end = args.end or dt.date.today()
    start = args.start or end - dt.timedelta(days=6)
    if start > end:
        print("signage: --from is after --to", file=sys.stderr)
        return 2
    by_listing, by_employer = playlog.tally(playlog.read_records(settings.playlog_dir, start, end))
    if not by_listing and not by_employer:
        print(f"signage: 从 {start} 到 {end} 没有播放记录 / nothing was recorded as shown from "
              f"{start} to {end} in {settings.playlog_dir}", file=sys.stderr)
    if args.csv:  # with a BOM: Excel in Chinese reads UTF-8 only with one
        sys.stdout.flush()
        sys.stdout.buffer.write(playlog.report_csv(by_listing, by_employer).encode("utf-8-sig"))
        sys.stdout.buffer.flush()
    else:
        print(f"{settings.playlog_dir}  {start} .. {end}")
        sys.stdout.write(playlog.report_table(by_listing, by_employer))
    return 0


def cmd_passwd() -> int:
    import getpass

    from werkzeug.security import generate_password_hash

    first = getpass.getpass("新密码 / new password: ")
    if len(first) < 8:
        print("signage: 密码至少 8 个字符 / at least 8 characters", file=sys.stderr)
        return 2
    if getpass.getpass("再输一遍 / again: ") != first:
        print("signage: 两次不一样 / the two differ", file=sys.stderr)
        return 2
    print("把下面这行放进 config.yaml 的 status: 下面 / put this under status: in config.yaml:")
    print(f"  password_hash: \"{generate_password_hash(first)}\"")
    return 0


def _fonts(settings):
    """The fonts to draw with, or None after saying clearly why there are none."""
    from signage.render import fonts

    try:
        return fonts.load(settings.font, settings.lang)
    except fonts.FontError as exc:
        logs.say_error(f"signage: {exc}")
        return None


def _quiet_fonts(settings):
    """The screen's fonts, or None (validate still checks the files without them)."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    from signage.render import fonts

    try:
        return fonts.load(settings.font, settings.lang)
    except fonts.FontError as exc:
        log.warning("%s", exc)
        return None


def cmd_render(settings, args) -> int:
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    import pygame

    from signage.core import schedule
    from signage.core.store import ContentStore
    from signage.parse import playlists as playlist
    from signage.render import pages
    from signage.render.look import look

    from . import content

    pygame.display.init()
    fonts = _fonts(settings)
    if fonts is None:
        return 2
    size = args.size or settings.size
    if settings.rotation in (90, 270) and not args.size:
        size = (size[1], size[0])
    store = ContentStore()
    snap = store.apply_many(content.initial_results(settings))
    # --theme beats everything; a playlist's theme beats config.yaml's, the station's default
    shape = look(settings, fonts, size, args.theme or None)
    programme = shape.programme
    instant = args.at if args.at is not None else time.time()
    playlists = playlist.load_dir(settings.playlists_dir, settings.content_dir)
    screen = args.screen or (settings.screen_index, settings.screen_count)
    on = schedule.at(instant, snap, programme, playlists=playlists, screen=screen)
    if args.page is not None:  # page N of what is on: the schedule's own cycle, stepped through
        if not 1 <= args.page <= on.count:
            print(f"signage: there are {on.count} pages; --page must be 1 to {on.count}",
                  file=sys.stderr)
            return 2
        on = schedule.at(instant, snap, programme, step=args.page - 1 - on.index,
                         playlists=playlists, screen=screen)
    slide = on.slide
    surface = pages.compose(slide, size, fonts, shape.style, dt.datetime.fromtimestamp(instant))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    pygame.image.save(surface, str(out))
    for problem in snap.problems + playlists.problems:
        print(f"  {problem}", file=sys.stderr)
    what = f"{on.playlist}, " if on.playlist and args.page is None else ""
    print(f"wrote {out} ({size[0]}x{size[1]}, {what}screen {screen[0] + 1}/{screen[1]}, {slide.kind} "
          f"page {slide.page + 1}/{slide.pages}, {len(slide.listings)} listings)")
    return 0


WHY_ZH = {"expired": "已过截止日期", "not yet valid": "还没到开始日期", "duplicate": "和别的招聘重复",
          "error": "有错误", "hidden": "被隐藏"}


def listing_rows(results, snap, today: dt.date) -> list[dict]:
    """Every listing found, in the store's order: where, what is drawn, and whether it shows now."""
    from signage.core.model import FEED_PREFIX
    from signage.sources.folder.report import TABLE_SUFFIXES, where_text

    on = {id(x) for x in snap.listings}
    hidden = {i for r in results for i in r.hidden_ids}
    rows = []

    def row(where, title: str, pay: str, shows: bool, why: str | None, when: dt.date | None = None):
        source, _, sheet = where.source.partition(" [")
        table = source.lower().endswith(TABLE_SUFFIXES)
        zh = (WHY_ZH.get(why, "") if why else "") + (f" {when}" if when else "")
        rows.append({"file": source, "sheet": sheet.rstrip("]") or None,
                     "row": where.line if table else None, "line": None if table else where.line,
                     "where": where_text(where)[0], "title": title, "pay": pay, "shows": shows,
                     "why": why, "why_zh": zh})

    for result in sorted(results, key=lambda r: (r.key.startswith(FEED_PREFIX), r.key)):
        for x in result.listings:
            if id(x) in on:
                why, when = None, None
                if x.starts is not None and today < x.starts:
                    why, when = "not yet valid", x.starts
                elif x.expires is not None and today > x.expires:
                    why, when = "expired", x.expires
                row(x.origin, x.title, x.pay_display, why is None, why, when)
            else:
                row(x.origin, x.title, x.pay_display, False, "hidden" if x.id in hidden else "duplicate")
        for where, title in result.rejected:
            row(where, title, "", False, "error")
    return rows


def cmd_validate(settings, args) -> int:
    from signage.core.model import Severity
    from signage.core.store import ContentStore

    from . import content

    results = _read_targets([Path(p) for p in args.paths] or [settings.content_dir])
    files = len(results)
    if not args.paths:  # what the screens show: the feeds' last good copies too
        results += content.feed_cached_results(settings)
    snap = ContentStore().apply_many(results)  # the player's own merge: duplicates, hidden ids
    problems = list(snap.problems) + _more_problems(settings, snap, playlists=not args.paths)
    today = dt.date.fromtimestamp(args.at) if args.at is not None else dt.date.today()
    rows = listing_rows(results, snap, today)
    shown = sum(r["shows"] for r in rows)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if args.json:
        from signage.sources.folder.decode import printable

        print(printable(json.dumps({  # file names in any bytes
            "ok": not errors,
            "files": files,
            "shown": shown,
            "listings": rows,
            "problems": [p.as_dict() for p in problems],
        }, ensure_ascii=False, indent=2)))
    else:
        _print_validation(rows, problems, files, shown, len(errors))
    return 1 if errors else 0


def _read_targets(targets: list[Path]) -> list[SourceResult]:
    """A SourceResult for every file in each folder, each file named, and each missing path."""
    from signage.sources.folder import read as folder

    results: list[SourceResult] = []
    for target in targets:
        if target.is_dir():
            results += list(folder.scan(target).values())
        elif target.exists():
            results.append(folder.load_file(target, target.parent))
        else:
            results.append(folder.missing(target))
    return results


def _more_problems(settings, snap: Snapshot, playlists: bool) -> list[Problem]:
    """Characters the screens cannot draw, QR codes the pages of ``display.size`` leave out, and
    (when asked) the playlists' problems."""
    problems: list[Problem] = []
    screen_fonts = _quiet_fonts(settings)
    if screen_fonts is not None:
        from signage.render.fonts import glyph_problems

        problems += glyph_problems(snap.listings, screen_fonts.missing)
        from signage.render.layout import code_problems

        w, h = settings.size[::-1] if settings.rotation in (90, 270) else settings.size
        problems += code_problems(snap.listings, w, h, settings.theme, screen_fonts, settings.lang)
    if playlists and settings.playlists_dir is not None:
        from signage.parse import playlists as playlist

        problems += playlist.load_dir(settings.playlists_dir, settings.content_dir).problems
    return problems


def _print_validation(rows: list[dict], problems: list[Problem], files: int, shown: int, errors: int) -> None:
    from signage.sources.folder.report import problem_lines

    for r in rows:
        mark = "显示  " if r["shows"] else f"不显示（{r['why_zh']}）"
        print(f"{mark} {r['where']}  {r['title'] or '（没有岗位）'}  {r['pay']}")
    if rows:
        print()
    for p in problems:
        print("\n".join(problem_lines(p)))
    print(f"{files} 个文件, {len(rows)} 条招聘, {shown} 条正在显示, {errors} 个错误 / "
          f"{files} files, {len(rows)} listings, {shown} shown now, {errors} errors")


def _overrides(args):
    """The command line's display options, applied over (re)loaded settings."""

    def adjust(settings):
        if args.windowed:
            settings = settings.replace(fullscreen=False)
        if args.size:
            settings = settings.replace(size=args.size)
        if args.display is not None:
            settings = settings.replace(display_index=args.display)
        return settings

    return adjust


NO_SCREEN_PAUSE = 30.0  # seconds


def _pause_under_systemd() -> None:
    """Under systemd, wait a while before exiting for want of a screen.

    The unit restarts the player 2 s after it ends: without a pause, a box whose TV is
    off or whose driver is missing would log the same lines every 2 s, all day. A stop
    (SIGTERM) during the pause ends the process at once.
    """
    if os.environ.get("INVOCATION_ID"):  # set by systemd for every service it starts
        log.info("trying again in %.0f s (systemd restarts the player)", NO_SCREEN_PAUSE)
        time.sleep(NO_SCREEN_PAUSE)


def cmd_run(settings, args, stop) -> int:
    """Start up and show the listings until ``stop`` (SIGTERM/SIGINT) or ``--seconds``.

    A stop before the fonts are loaded ends the process at once; one after is checked
    between the steps and held by the player, whose loop then ends before a frame."""
    import pygame

    from signage.ops.staff import staff_site
    from signage.ops.web import StatusRefused, WebServer
    from signage.player import driver
    from signage.player.contain import Faults
    from signage.player.loop import Player

    from . import content, lifecycle, wiring

    adjust = _overrides(args)
    settings = adjust(settings)
    wiring.fixed_mmap_threshold()
    try:
        got = driver.open_video()
    except driver.NoScreen as exc:
        log.error("%s", exc)
        _pause_under_systemd()
        return 3
    log.info("SDL video driver: %s", got)
    fonts = _fonts(settings)
    if fonts is None:
        return 2
    stop.hold()  # threads start from here: a stop now is checked between the steps
    faults = Faults(log)
    faults.install_thread_hook()
    status = None
    try:
        status = WebServer(settings.status_port, settings.status_host, settings.status_token,
                           staff_site(settings)).start()
    except StatusRefused as exc:
        log.error("%s", exc)
    except OSError as exc:
        log.error("status port %d unavailable (%s); running without /status", settings.status_port, exc)
    player = Player(settings, fonts, status=status, faults=faults)  # a screen per output
    stop.attach(player)
    from signage.sources.feed.poller import FeedBoard

    feeds = FeedBoard()
    ops = wiring.attach(player, status, feeds=feeds)
    config_path = args.config if Path(args.config).exists() else None
    lifecycle.install_reload(lambda: player.post(
        lifecycle.reload_job(config_path, adjust, ops.notifier)))
    if not stop.requested:
        player.load(content.initial_results(settings))
    stops = [] if stop.requested else content.start_sources(settings, player.post, fonts, feeds)
    try:
        if not stop.requested:
            player.open_display()
    except pygame.error as exc:
        log.error("%s", driver.explain(str(exc), os.environ))
        lifecycle.stop_all(stops, faults=faults)
        return 3
    try:
        player.run(max_seconds=args.seconds)
    finally:
        lifecycle.stop_all(stops, faults=faults)
        if status:
            status.stop()
        pygame.quit()
        log.info("stopped")
    return 0
