"""The YAML mistakes staff make most, explained at the line they have to fix."""

from signage.sources.folder.read import load_yaml_text


def test_chinese_colons_after_field_names_are_accepted():
    result = load_yaml_text("岗位：服务员\n电话：13812345678\n工资：150元/天\n说明: 工作时间：8点\n", "a.yaml")
    assert result.problems == ()
    (listing,) = result.listings
    assert (listing.title, listing.phone, listing.description) == ("服务员", "13812345678", "工作时间：8点")


def test_a_field_without_its_colon_is_named_at_its_own_line():
    text = "岗位: 服务员\n工资: 150元/天\n电话 13812345678\n结算方式: 日结\n"
    (problem,) = load_yaml_text(text, "a.yaml").problems
    assert problem.where.line == 3
    assert "少了冒号" in problem.zh and "电话: 13812345678" in problem.zh
    assert "no colon" in problem.en


def test_other_syntax_errors_still_give_a_line():
    (problem,) = load_yaml_text("岗位: [服务员\n", "a.yaml").problems
    assert problem.where.line and "格式有误" in problem.zh
