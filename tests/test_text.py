from hypothesis import given, settings
from hypothesis import strategies as st

from signage.render.text import NO_LINE_END, NO_LINE_START, _push_out, break_lines, fit, tokens


def square(text, size):  # every character one em wide: the rules, not the font, are under test
    return len(text) * size


def test_closing_punctuation_never_starts_a_line():
    lines = break_lines("你好，世界。这是一个测试", 5 * 10, 10, square)
    assert "".join(lines) == "你好，世界。这是一个测试"
    assert all(line[0] not in NO_LINE_START for line in lines)


def test_opening_bracket_never_ends_a_line():
    lines = break_lines("一二三四（五六）七八", 5 * 10, 10, square)
    assert all(line[-1] not in NO_LINE_END for line in lines)
    assert "".join(lines) == "一二三四（五六）七八"


def test_numbers_and_latin_words_are_not_split():
    assert "3000-4500元/月" in tokens("工资3000-4500元/月")  # a number keeps its unit
    assert all("4人" in t or "4" not in t for t in tokens("每天招4人"))
    lines = break_lines("月薪3000-4500元", 10 * 10, 10, square)
    assert any("3000-4500" in line for line in lines)


def test_a_number_written_in_words_keeps_its_unit():
    """A pay as staff type it: 二十五元, never 二十五 / 元 at a line's end."""
    pieces = tokens("熟练工每小时二十五元到三十五元另加全勤奖")
    assert all("五元" in p for p in pieces if "元" in p), pieces
    for width in range(4, 12):
        lines = break_lines("每小时二十五元到三十五元", width * 10, 10, square)
        assert not any(line.startswith("元") for line in lines), lines


def test_shrinks_before_wrapping_and_stops_at_the_floor():
    one_line = fit("厨房帮工厨房帮工", 8 * 80, 2, 100, 72, square)
    assert one_line.lines == ("厨房帮工厨房帮工",) and 72 <= one_line.size <= 80
    two_lines = fit("厨房帮工厨房帮工厨房", 8 * 72, 2, 100, 72, square)
    assert len(two_lines.lines) == 2 and two_lines.size >= 72


def test_a_last_line_of_one_character_takes_one_more():
    assert break_lines("要求：身体健康", 6 * 10, 10, square) == ["要求：身体", "健康"]


def test_the_last_line_takes_no_character_from_behind_an_opening_bracket():
    # found by hypothesis: a space between the bracket and the word hid the bracket from the rule
    lines = break_lines("11111「 件1！", 9 * 10, 10, square)
    assert all(line[-1] not in NO_LINE_END for line in lines), lines


def test_too_long_at_the_floor_is_cut_with_an_ellipsis():
    f = fit("一" * 100, 400, 2, 44, 36, square)
    assert f.truncated and f.size == 36 and len(f.lines) == 2
    assert f.lines[-1].endswith("…")
    assert all(square(line, 36) <= 400 for line in f.lines)


cjk_text = st.text(
    alphabet=st.sampled_from(list("招聘工资日结月结计件厨房帮工电话") + list("，。、；：？！）」』（「『") + list("ab12 -")),
    min_size=1, max_size=80,
)


@settings(max_examples=300, deadline=None)
@given(cjk_text, st.integers(min_value=3, max_value=20))
def test_line_breaking_rules_hold_for_any_text(text, chars_per_line):
    width = chars_per_line * 10
    lines = break_lines(text, width, 10, square)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    # the unbreakable pieces as the breaker saw them, in the whole text (phrases depend on context)
    starts, pos = {}, 0
    for tok in tokens(text):
        starts[pos] = tok
        pos += len(tok)
    offsets, pos = [], 0
    for line in lines:
        found = text.find(line, pos)
        offsets.append(found if found >= 0 else -1)  # a space given up at a break: not checked
        pos = max(pos, found + len(line))

    def pieces(i):
        if offsets[i] < 0:
            return []
        lo, hi = offsets[i], offsets[i] + len(lines[i])
        return [t for s, t in starts.items() if lo <= s and s + len(t) <= hi]

    for i, line in enumerate(lines):
        assert square(line, 10) <= width
        first = starts.get(offsets[i])
        if i > 0 and line[0] in NO_LINE_START and first is not None and offsets[i - 1] >= 0:
            # allowed only when nothing could move down with it without overflowing
            keep, moved = _push_out(pieces(i - 1))
            assert not moved or square("".join(moved) + first, 10) > width
        nxt = starts.get(offsets[i + 1]) if i < len(lines) - 1 else None
        if nxt is not None and len(pieces(i)) > 1 and line[-1] in NO_LINE_END \
                and pieces(i)[-1][-1] == line[-1]:
            # allowed only when the bracket could not move down without overflowing
            assert square(pieces(i)[-1] + nxt, 10) > width


def test_chinese_words_are_not_split():
    """The words the demo split where a text block narrowed beside the QR code (issue 10)."""
    for text, word, width in (("要求：身体健康，能吃苦", "健康", 6), ("会用手机扫码报名", "手机", 3),
                              ("零基础可以学，有人带", "零基础", 4),
                              ("居家烘焙订单（蛋糕、月饼）", "蛋糕", 7)):
        lines = break_lines(text, width * 10, 10, square)
        assert "".join(lines) == text
        assert any(word in line for line in lines), (word, lines)
