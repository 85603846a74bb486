"""The play log: daily JSON Lines, flushed by time, rotated, pruned, read back despite torn lines."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from signage.app.cli import main
from signage.core.model import Listing
from signage.ops.playlog import PlayLog, read_records, tally

COOK = Listing("cook", "厨房帮工", employer="蜀香人家餐馆")
CLEAN = Listing("clean", "商场保洁员", employer="天池商业广场")
SORT = Listing("sort", "快递分拣员", employer="蜀香人家餐馆")


def at(day: str, hms: str = "09:00:00") -> float:
    return dt.datetime.fromisoformat(f"{day}T{hms}").timestamp()


def lines(path):
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


def test_lines_are_written_per_listing_and_flushed_by_time(tmp_path):
    mono = [0.0]
    log = PlayLog(tmp_path, "tv1", flush_every=1.0, monotonic=lambda: mono[0])
    log.shown(at("2026-11-09"), "jobs", [COOK, CLEAN], 12)
    log.tick()
    assert not (tmp_path / "2026-11-09.jsonl").exists()  # buffered ...
    mono[0] = 1.0
    log.tick()  # ... until a second has passed
    rows = lines(tmp_path / "2026-11-09.jsonl")
    assert [(r["listing"], r["employer"], r["slide"], r["screen"], r["seconds"]) for r in rows] == [
        ("cook", "蜀香人家餐馆", "jobs", "tv1", 12), ("clean", "天池商业广场", "jobs", "tv1", 12)]
    log.shown(at("2026-11-09", "09:00:12"), "poster", [], 12)
    log.close(at("2026-11-09", "09:00:20"))  # stopped 4 s early: a correction follows
    rows = lines(tmp_path / "2026-11-09.jsonl")
    assert rows[2]["listing"] is None and rows[2]["slide"] == "poster"
    assert rows[3] == {"t": rows[2]["t"], "screen": "tv1", "fix": True, "seconds": 8.0}
    records = list(read_records(tmp_path, dt.date(2026, 11, 9), dt.date(2026, 11, 9)))
    assert [r["seconds"] for r in records] == [12, 12, 8.0]


def test_daily_files_and_pruning(tmp_path):
    log = PlayLog(tmp_path, "tv1", keep_days=3, flush_every=0)
    for day in range(1, 8):
        log.shown(at(f"2026-11-{day:02d}"), "jobs", [COOK], 12)
        log.tick()
    log.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "2026-11-05.jsonl", "2026-11-06.jsonl", "2026-11-07.jsonl"]


def test_torn_last_line_is_skipped_and_the_next_run_starts_a_new_line(tmp_path):
    log = PlayLog(tmp_path, "tv1", flush_every=0)
    log.shown(at("2026-11-09"), "jobs", [COOK], 12)
    log.close()
    path = tmp_path / "2026-11-09.jsonl"
    with open(path, "a", encoding="utf-8") as f:
        f.write('{"t": "2026-11-09T09:00:12", "screen": "tv1", "listing": "cle')  # killed here
    day = dt.date(2026, 11, 9)
    assert [r["listing"] for r in read_records(tmp_path, day, day)] == ["cook"]
    again = PlayLog(tmp_path, "tv1", flush_every=0)
    again.shown(at("2026-11-09", "10:00:00"), "jobs", [SORT], 12)
    again.close()
    assert [r["listing"] for r in read_records(tmp_path, day, day)] == ["cook", "sort"]


def test_tally_per_listing_and_employer(tmp_path):
    log = PlayLog(tmp_path, "tv1", flush_every=0)
    t = at("2026-11-09")
    for i in range(3):
        log.shown(t + 24 * i, "jobs", [COOK, CLEAN], 12)
        log.shown(t + 24 * i + 12, "jobs", [SORT], 12)
    log.close()
    by_listing, by_employer = tally(read_records(tmp_path, dt.date(2026, 11, 1), dt.date(2026, 11, 30)))
    assert {k: v.impressions for k, v in by_listing.items()} == {"cook": 3, "clean": 3, "sort": 3}
    assert by_employer["蜀香人家餐馆"].impressions == 6
    assert by_employer["蜀香人家餐馆"].listings == {"cook", "sort"}
    assert by_employer["蜀香人家餐馆"].seconds == 72


def test_report_command_table_and_csv(tmp_path, capsys):
    folder = tmp_path / "plays"
    log = PlayLog(folder, "tv1", flush_every=0)
    log.shown(at("2026-11-08"), "jobs", [COOK, CLEAN], 12)
    log.shown(at("2026-11-09"), "jobs", [COOK], 12)
    log.shown(at("2026-11-10"), "jobs", [SORT], 12)  # outside the range asked for
    log.close()
    cfg = tmp_path / "config.yaml"
    cfg.write_text("playlog:\n  folder: plays\n", encoding="utf-8")
    assert main(["--config", str(cfg), "report", "--from", "2026-11-08", "--to", "2026-11-09"]) == 0
    out = capsys.readouterr().out
    assert "厨房帮工" in out and "蜀香人家餐馆" in out and "快递分拣员" not in out
    assert main(["--config", str(cfg), "report", "--from", "2026-11-08", "--to", "2026-11-09",
                 "--csv"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("\ufeff")  # Excel in Chinese reads UTF-8 only with a BOM
    rows = list(csv.DictReader(io.StringIO(out.removeprefix("\ufeff"))))
    assert [(r["类别 by"], r["编号 listing"], r["单位 employer"], r["次数 impressions"])
            for r in rows] == [
        ("listing", "cook", "蜀香人家餐馆", "2"),
        ("listing", "clean", "天池商业广场", "1"),
        ("employer", "", "蜀香人家餐馆", "2"),
        ("employer", "", "天池商业广场", "1"),
    ]
