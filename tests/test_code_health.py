"""Guard rails on the code itself (issue 11 item 5): no function of cyclomatic complexity grade
D or worse, except the few named in .radon-allow, and that list only shrinks."""

from __future__ import annotations

from pathlib import Path

from radon.complexity import cc_rank, cc_visit, sorted_results

ROOT = Path(__file__).resolve().parents[1]


def too_complex(package: Path) -> dict[str, str]:
    """``path:function`` -> ``grade (complexity)`` for every block graded D or worse."""
    found = {}
    for path in sorted(package.rglob("*.py")):
        blocks = sorted_results(cc_visit(path.read_text(encoding="utf-8")))
        for block in blocks:
            grade = cc_rank(block.complexity)
            if grade >= "D":
                found[f"{path.relative_to(package.parent).as_posix()}:{block.fullname}"] = (
                    f"{grade} ({block.complexity})")
    return found


def allowed(path: Path) -> set[str]:
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return {line for line in lines if line}


def test_the_check_sees_a_complex_function(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    branches = "\n".join(f"    if x == {i}:\n        return {i}" for i in range(25))
    (package / "mod.py").write_text(f"def tangled(x):\n{branches}\n    return -1\n\n"
                                    "def plain(x):\n    return x\n", encoding="utf-8")
    assert too_complex(package) == {"pkg/mod.py:tangled": "D (26)"}


def test_no_function_is_grade_d_or_worse_unless_allowed():
    found = too_complex(ROOT / "signage")
    allow = allowed(ROOT / ".radon-allow")
    new = {name: grade for name, grade in found.items() if name not in allow}
    assert not new, f"split these into smaller named functions: {new}"
    stale = sorted(allow - set(found))
    assert not stale, f"no longer grade D or worse: remove them from .radon-allow: {stale}"
