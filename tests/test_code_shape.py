"""The shape of the code: no class over 250 lines, no function of cyclomatic complexity grade D or worse."""

from __future__ import annotations

import ast
from pathlib import Path

from radon.complexity import cc_rank, cc_visit

SIGNAGE = Path(__file__).resolve().parent.parent / "signage"
MAX_CLASS_LINES = 250


def sources():
    for path in sorted(SIGNAGE.rglob("*.py")):
        yield path.relative_to(SIGNAGE).as_posix(), path.read_text(encoding="utf-8")


def too_complex(files) -> dict[tuple[str, str], str]:
    """(file, function) -> where and how complex, for every function graded D or worse."""
    found = {}
    for name, text in files:
        for block in cc_visit(text):
            for fn in [block, *getattr(block, "methods", [])]:
                if cc_rank(fn.complexity) >= "D":
                    found[(name, fn.name)] = f"{name}:{fn.lineno} {fn.name} ({cc_rank(fn.complexity)}, {fn.complexity})"
    return found


def test_the_check_sees_a_complex_function_and_method():
    def tangled(indent: str) -> str:
        body = "".join(f"{indent}if x == {i}:\n{indent}    return {i}\n" for i in range(25))
        return body + f"{indent}return -1\n"

    text = ("class C:\n    def plain(self):\n        return 1\n\n    def tangled(self, x):\n" + tangled(" " * 8)
            + "\ndef plain(x):\n    return x\n\ndef knotted(x):\n" + tangled(" " * 4))
    assert set(too_complex([("m.py", text)])) == {("m.py", "tangled"), ("m.py", "knotted")}


def test_no_function_of_complexity_grade_d_or_worse():
    assert not list(too_complex(sources()).values())


def test_no_class_is_over_250_lines():
    found = []
    for name, text in sources():
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ClassDef) and node.end_lineno - node.lineno + 1 > MAX_CLASS_LINES:
                found.append(f"{name}:{node.lineno} {node.name} ({node.end_lineno - node.lineno + 1} lines)")
    assert not found
