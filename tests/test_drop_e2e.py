"""End to end: the real ``signage run`` process, its real watcher, and its /status endpoint."""

from __future__ import annotations

from drophelpers import eventually, listing_yaml, report_of

from tests.playerproc import PlayerProcess


def test_signage_run_takes_in_drop_folder_changes(drop, tmp_path):
    drop("a.yaml", listing_yaml("开场岗位"))
    player = PlayerProcess(tmp_path, "station: {name: 测试驿站, hotline: 028-2333 1234}\ncontent: jobs\n"
                                     "status: {port: 0}\nwatch: native\npages: {transition: none}\n",
                           seconds=60, size="640x360")
    status = player.status
    try:
        eventually(lambda: status().get("listings_loaded") == 1, timeout=30)
        drop("b.yaml", listing_yaml("新来的岗位"))
        eventually(lambda: status().get("listings_loaded") == 2)
        drop("c.csv", "岗位,电话\n坏电话,12\n")
        state = eventually(lambda: (s := status()) and s["errors"] and s)
        assert state["errors"][0]["file"] == "c.csv" and state["errors"][0]["column"] == 2
        assert "c.csv 第 2 行 B 列" in eventually(lambda: report_of(drop.folder))
        (drop.folder / "c.csv").unlink()
        eventually(lambda: (s := status()) and not s["errors"])
        eventually(lambda: report_of(drop.folder) is None)
        (drop.folder / "a.yaml").unlink()
        eventually(lambda: status().get("listings_loaded") == 1)
    finally:
        player.stop()
