"""deploy/prometheus/: promtool checks the configuration and the rules and runs their unit tests
(every alert firing and not firing); the rules name only metrics the player exports."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import warnings
from pathlib import Path

import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from signage.core.model import Snapshot
from signage.ops.metrics import Metrics
from signage.sources.feed.poller import FeedBoard, FeedState

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "deploy" / "prometheus"
RULES = HERE / "signage.rules.yml"
RULE_TESTS = HERE / "signage.rules.test.yml"


@pytest.fixture(scope="module")
def promtool() -> str:
    found = shutil.which("promtool")
    if found is None:
        message = ("\n" + "!" * 78 + "\n!! promtool NOT FOUND: the alert rules were NOT checked. "
                   "`bash scripts/setup.sh --test` installs\n!! Debian's `prometheus` package, which "
                   "provides it.\n" + "!" * 78)
        warnings.warn(message, stacklevel=1)
        print(message)
        pytest.skip("promtool is not installed (see the warning above)")
    return found


def run(*args: str, cwd: Path = HERE) -> str:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_promtool_checks_the_rules_and_their_unit_tests_pass(promtool):
    assert "SUCCESS" in run(promtool, "check", "rules", RULES.name)
    assert "SUCCESS" in run(promtool, "test", "rules", RULE_TESTS.name)


def test_promtool_checks_the_scrape_configuration(promtool, tmp_path):
    folder = tmp_path / "prometheus"
    shutil.copytree(HERE, folder)
    (folder / "signage.token").write_text("a-long-random-string\n", encoding="utf-8")
    assert "SUCCESS" in run(promtool, "check", "config", "prometheus.yml", cwd=folder)
    config = yaml.safe_load((folder / "prometheus.yml").read_text(encoding="utf-8"))
    (job,) = config["scrape_configs"]
    assert job["file_sd_configs"][0]["files"] == ["boxes/*.yml"]
    boxes = yaml.safe_load((folder / "boxes" / "example-station.yml").read_text(encoding="utf-8"))
    assert all(t.endswith(":8787") for group in boxes for t in group["targets"])


def alerts() -> list[dict]:
    groups = yaml.safe_load(RULES.read_text(encoding="utf-8"))["groups"]
    return [r for g in groups for r in g["rules"] if "alert" in r]


def test_every_alert_has_a_chinese_summary_and_tests_firing_and_not_firing():
    named = {r["alert"] for r in alerts()}
    assert named >= {"SignageBoxDown", "SignageScreenDarkOrFrozen", "SignageNoContent",
                     "SignageContentStale", "SignageFeedFailing", "SignageFilesWithErrors",
                     "SignageMemoryGrowing", "SignageClockNotSynchronised"}
    for rule in alerts():
        assert re.search(r"[\u4e00-\u9fff]{4}", rule["annotations"]["summary"]), rule["alert"]
    cases = [c for t in yaml.safe_load(RULE_TESTS.read_text(encoding="utf-8"))["tests"]
             for c in t.get("alert_rule_test", [])]
    for name in named:
        mine = [c for c in cases if c["alertname"] == name]
        assert any(c["exp_alerts"] for c in mine), f"{name}: no test where it fires"
        assert any(not c["exp_alerts"] for c in mine), f"{name}: no test where it stays quiet"


def test_the_rules_name_only_metrics_the_player_exports(tmp_path):
    m = Metrics()
    board = FeedBoard()
    board.put(FeedState("https://county/feed.json", data_time=1.0, max_stale=60))
    m.feed_boards.append(board.states)
    m.follow(lambda: Snapshot(), lambda now: False, tmp_path)
    _, _, body = m.render()
    exported = {s.name for fam in text_string_to_metric_families(body.decode()) for s in fam.samples}
    dashboard = json.loads((HERE / "grafana-dashboard.json").read_text(encoding="utf-8"))
    exprs = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    used = set(re.findall(r"\bsignage_[a-z_]+", RULES.read_text(encoding="utf-8") + "\n".join(exprs)))
    assert used and used <= exported, used - exported
