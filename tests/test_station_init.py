"""`signage init`: a station folder outside the checkout, with nothing of the demo in it."""

from __future__ import annotations

import re

from signage.app.cli import main
from signage.app.config import load


def test_init_makes_a_clean_station_that_validates_and_runs(tmp_path, capsys):
    station = tmp_path / "srv" / "signage"
    assert main(["init", str(station)]) == 0
    assert (station / "jobs").is_dir() and list((station / "jobs").glob("*.*")) == []
    assert sorted(p.name for p in (station / "playlists").iterdir()) == [
        "day.yaml", "night-market.yaml", "sleep.yaml"]
    for path in [station / "config.yaml", *(station / "playlists").iterdir()]:
        live = "\n".join(line.split("#")[0] for line in path.read_text(encoding="utf-8").splitlines())
        assert not re.search(r"https?://|qr:", live), path  # no sample links outside comments
    settings = load(station / "config.yaml")
    assert settings.content_dir == station / "jobs"
    assert settings.playlists_dir == station / "playlists"
    assert settings.playlog_dir == station / "var" / "playlog"
    capsys.readouterr()
    assert main(["validate", "--config", str(station / "config.yaml")]) == 0
    out = capsys.readouterr().out
    assert "0 errors" in out and "0 listings," in out  # no demo listings
    assert main(["render", "--config", str(station / "config.yaml"), "--out",
                 str(tmp_path / "p.png"), "--size", "640x360", "--at", "2026-11-09 10:00"]) == 0
    assert "empty" in capsys.readouterr().out


def test_init_again_keeps_what_the_station_edited(tmp_path, capsys):
    main(["init", str(tmp_path)])
    (tmp_path / "config.yaml").write_text("station: {name: 天池驿站}\ncontent: jobs\n", encoding="utf-8")
    (tmp_path / "playlists" / "sleep.yaml").unlink()
    capsys.readouterr()
    assert main(["init", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "created" in out and "sleep.yaml" in out
    assert "天池驿站" in (tmp_path / "config.yaml").read_text(encoding="utf-8")
    assert (tmp_path / "playlists" / "sleep.yaml").is_file()
