"""Reading the drop folder's files: YAML, CSV, Excel, images, encodings and hostile files."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from pathlib import Path

import openpyxl
import pytest
from drophelpers import listing_yaml

from signage.app.cli import main
from signage.core.model import PayUnit, Settlement, Severity
from signage.sources.folder import read as folder
from signage.sources.folder import report
from signage.sources.folder.decode import Undecodable, decode_text

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108020000009077"
    "53de0000000c4944415408d763f8cfc0000003010100c9fe92ef0000000049454e44ae426082"
)


def load(path: Path):
    return folder.load_file(path, path.parent)


def errors(result):
    return [p for p in result.problems if p.severity is Severity.ERROR]


# ------------------------------------------------------------------ YAML


def test_yaml_one_listing_a_list_and_several_documents(drop):
    one = load(drop("one.yaml", listing_yaml("厨房帮工", 工资="150元/天", 结算方式="日结")))
    assert [x.title for x in one.listings] == ["厨房帮工"]
    assert one.listings[0].pay.unit is PayUnit.DAY and one.listings[0].settlement is Settlement.DAILY
    many = load(drop("many.yaml", """
        - 岗位: 甲
          电话: 13812345678
        - 岗位: 乙
          电话: 13812345679
        """))
    assert [x.title for x in many.listings] == ["甲", "乙"]
    assert [x.origin.line for x in many.listings] == [1, 3]
    docs = load(drop("docs.yml", "title: A\nphone: 13812345678\n---\ntitle: B\nphone: 13812345678\n"))
    assert [x.title for x in docs.listings] == ["A", "B"]


# ------------------------------------------------------------------ encodings


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_yaml_and_csv_in_every_encoding_staff_save_in(drop, encoding):
    y = drop(f"y-{encoding}.yaml", listing_yaml("物流装卸工", 地点="乐至县城北物流园"), encoding=encoding)
    result = load(y)
    assert result.listings[0].title == "物流装卸工" and result.listings[0].place == "乐至县城北物流园"
    c = drop(f"c-{encoding}.csv", "岗位,工资,电话\n蜀绣工,2元/件,13812345678\n", encoding=encoding)
    result = load(c)
    assert [(x.title, x.pay_display) for x in result.listings] == [("蜀绣工", "2元/件")]


def test_undecodable_text_is_refused_not_garbled(drop):
    path = drop.folder / "big5.csv"
    path.write_bytes("崗位,工資\n餐廳服務員,3000\n".encode("big5"))
    result = load(path)
    assert not result.ok and not result.listings
    assert "编码" in result.problems[0].zh and "UTF-8" in result.problems[0].en
    with pytest.raises(Undecodable):
        decode_text(bytes(range(0x80, 0x100)) * 4)


def test_binary_file_named_yaml_is_refused(drop):
    path = drop.folder / "prog.yaml"
    path.write_bytes(b"\x7fELF\x02\x01\x01\x00" + os.urandom(2000))
    result = load(path)
    assert not result.ok and "不是文字文件" in result.problems[0].zh


# ------------------------------------------------------------------ CSV


def test_csv_english_header_under_a_title_row_with_located_problems(drop):
    path = drop("list.csv", """
        乐至县零工驿站 11月招聘,,,
        Title,Pay,Phone,Colour
        Cleaner,3000-4500元/月,13912345678,blue
        ,150元/天,13912345678,
        Porter,200元/天,12345,
        "Night
        guard",面议,028-23331234,
        """)
    result = load(path)
    assert [x.title for x in result.listings] == ["Cleaner", "Night guard"]
    assert result.listings[1].origin.line == 6  # a quoted cell over two lines starts on line 6
    where = {(p.where.line, p.where.column): p for p in result.problems}
    assert where[(2, 4)].severity is Severity.WARNING and "Colour" in where[(2, 4)].zh  # unknown column D
    assert where[(4, None)].severity is Severity.ERROR and "岗位" in where[(4, None)].zh
    assert where[(5, 3)].severity is Severity.ERROR and "12345" in where[(5, 3)].zh  # phone in column C
    assert report.where_text(where[(5, 3)].where)[0] == "list.csv 第 5 行 C 列"


def test_csv_without_a_header_is_an_error(drop):
    result = load(drop("nohead.csv", "a,b,c\n1,2,3\n"))
    assert not result.ok and "表头" in result.problems[0].zh


def test_tab_separated_text_from_excel(drop):
    result = load(drop("tab.csv", "岗位\t电话\n装卸工\t17783201152\n", encoding="utf-16"))
    assert [x.phone for x in result.listings] == ["17783201152"]


def test_phone_in_scientific_notation_explains_the_excel_fix(drop):
    result = load(drop("sci.csv", "岗位,电话\n保洁,1.38123E+10\n"))
    assert "科学计数法" in errors(result)[0].zh


# ------------------------------------------------------------------ Excel


def test_real_xlsx_with_dates_numbers_and_times(drop):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["招聘信息（2026年11月）"])
    ws.append(["岗位", "单位", "工资", "电话", "人数", "工作时间", "截止日期", "开始日期"])
    ws.append(["装卸工", "顺通物流", "200元/天", 17783201152, 10, dt.time(7, 30),
               dt.datetime(2026, 12, 31), 46000])
    ws.append(["分拣员", None, 4000, "028-2333-1234", "3人", "8:00-17:00", "2026年12月1日", None])
    ws.append(["坏电话", None, None, 12, None, None, None, None])
    hidden = wb.create_sheet("草稿")
    hidden.append(["岗位", "电话"])
    hidden.append(["不该显示", 13812345678])
    hidden.sheet_state = "hidden"
    path = drop.folder / "表.xlsx"
    wb.save(path)
    result = load(path)
    first, second = result.listings
    assert (first.title, first.phone, first.headcount, first.hours) == ("装卸工", "17783201152", 10, "7:30")
    assert first.expires == dt.date(2026, 12, 31) and first.starts == dt.date(2025, 12, 9)
    assert second.phone == "028-23331234" and second.headcount == 3 and second.pay.text() == "4000元/月"
    assert second.expires == dt.date(2026, 12, 1)
    (bad,) = errors(result)
    assert (bad.where.line, bad.where.column) == (5, 4)
    assert report.where_text(bad.where) == ("表.xlsx [Sheet] 第 5 行 D 列", "表.xlsx [Sheet] row 5, column D")


def test_second_visible_sheet_is_read_and_named(drop):
    wb = openpyxl.Workbook()
    wb.active.append(["岗位", "电话"])
    wb.active.append(["一", 13812345678])
    other = wb.create_sheet("二月")
    other.append(["岗位", "电话"])
    other.append(["二", 1])
    path = drop.folder / "book.xlsx"
    wb.save(path)
    result = load(path)
    assert [x.title for x in result.listings] == ["一"]
    assert errors(result)[0].where.source == "book.xlsx [二月]"


def test_not_really_xlsx(drop):
    path = drop.folder / "old.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)  # an old .xls renamed
    result = load(path)
    assert not result.ok and "另存为" in result.problems[0].zh
    xls = drop.folder / "old.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0")  # cut short
    result = load(xls)
    assert not result.ok and "另存为" in result.problems[0].zh
    doc = drop.folder / "old.et"
    doc.write_bytes(b"\xd0\xcf\x11\xe0")
    result = load(doc)
    assert result.ok and result.problems[0].severity is Severity.WARNING and ".xlsx" in result.problems[0].zh


def test_xlsx_zip_bomb_is_refused(drop):
    import zipfile

    path = drop.folder / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"0" * (120 * 1024 * 1024))
    assert path.stat().st_size < folder.MAX_XLSX_BYTES
    started = time.monotonic()
    result = load(path)
    assert not result.ok and "太大" in result.problems[0].zh
    assert time.monotonic() - started < 30  # generous: it must not hang


# ------------------------------------------------------------------ images


def test_image_alone_becomes_a_poster(drop):
    import pygame

    path = drop.folder / "招工海报.jpg"
    pygame.image.save(pygame.Surface((320, 180)), str(path))
    result = load(path)
    assert result.posters[0].image == str(path.resolve()) and not result.listings
    fake = drop.folder / "fake.png"
    fake.write_text("not an image")
    assert not load(fake).ok
    truncated = drop.folder / "cut.jpg"
    truncated.write_bytes(path.read_bytes()[:8])
    assert not load(truncated).ok


def test_image_that_would_decode_to_gigabytes_is_refused(drop):
    import struct
    import zlib

    ihdr = struct.pack(">II5B", 60000, 60000, 8, 2, 0, 0, 0)
    png = (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + ihdr
           + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr)) + b"\x00" * 100)
    path = drop.folder / "bomb.png"
    path.write_bytes(png)
    result = load(path)
    assert not result.ok and "60000" in result.problems[0].zh


def test_scan_drops_posters_named_by_listings(drop):
    (drop.folder / "pic.png").write_bytes(PNG)
    (drop.folder / "solo.png").write_bytes(PNG)
    drop("a.yaml", listing_yaml("带图", image="pic.png"))
    results = folder.scan(drop.folder)
    assert [p.image for r in results.values() for p in r.posters] == [str((drop.folder / "solo.png").resolve())]


# ------------------------------------------------------------------ hostile files


def test_billion_laughs_is_refused_quickly(drop):
    names = "abcdefghi"
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"{n}: &{n} [" + ", ".join([f"*{p}"] * 10) + "]" for p, n in zip(names, names[1:], strict=False)]
    started = time.monotonic()
    result = load(drop("laughs.yaml", "\n".join(lines) + "\n"))
    assert time.monotonic() - started < 2
    assert not result.ok and "引用" in result.problems[0].zh


def test_few_aliases_expanding_to_millions_are_refused(drop):
    lines = ["a0: &a0 [x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 5) + "]" for i in range(1, 10)]
    lines += ["岗位: x", "要求: *a9"]
    started = time.monotonic()
    result = load(drop("five.yaml", "\n".join(lines) + "\n"))
    assert time.monotonic() - started < 2
    assert not result.ok and "展开后太大" in result.problems[0].zh


def test_deep_nesting_is_refused(drop):
    result = load(drop("deep.yaml", "岗位: " + "[" * 5000 + "]" * 5000 + "\n"))
    assert not result.ok and "嵌套" in result.problems[0].zh
    result = load(drop("deep2.yaml", "".join(f"{'  ' * i}k{i}:\n" for i in range(60)) + "  " * 60 + "x\n"))
    assert not result.ok


def test_file_over_the_size_cap_is_refused_without_reading(drop):
    path = drop.folder / "huge.yaml"
    with open(path, "wb") as f:
        f.truncate(folder.MAX_FILE_BYTES + 1)
    result = load(path)
    assert not result.ok and "太大" in result.problems[0].zh


def test_symlink_leading_outside_is_refused_inside_is_fine(drop, tmp_path):
    secret = tmp_path / "secret.yaml"
    secret.write_text(listing_yaml("外面"), encoding="utf-8")
    (drop.folder / "out.yaml").symlink_to(secret)
    inner = drop("inner.yaml", listing_yaml("里面"))
    (drop.folder / "alias.yaml").symlink_to(inner)
    (drop.folder / "outdir").symlink_to(tmp_path, target_is_directory=True)
    results = folder.scan(drop.folder)
    assert not results["out.yaml"].ok and "外面" in results["out.yaml"].problems[0].zh
    assert not results["outdir"].ok
    assert results["alias.yaml"].listings[0].title == "里面"


def test_a_fifo_does_not_freeze_the_loader(drop):
    fifo = drop.folder / "pipe.yaml"
    os.mkfifo(fifo)
    result = load(fifo)
    assert not result.ok and "普通文件" in result.problems[0].zh


def test_ignored_names(drop):
    for name in [".hidden.yaml", "~$book.xlsx", "a.yaml~", ".a.yaml.swp", "x.tmp", "_draft.yaml",
                 ".goutputstream-AB12CD", folder.REPORT_NAME]:
        assert not folder.wanted(drop.folder / name), name
    drop("_old/a.yaml", listing_yaml("旧"))
    drop(".git/b.yaml", listing_yaml("藏"))
    drop("sub/c.yaml", listing_yaml("子"))
    assert set(folder.scan(drop.folder)) == {"sub/c.yaml"}


# ------------------------------------------------------------------ the report and validate


def test_report_text_lists_errors_with_places_in_both_languages(drop):
    drop("ok.yaml", listing_yaml("好"))
    drop("bad.yaml", "岗位: 坏\n电话: 12\n")
    drop("warn.yaml", "岗位: 提醒\n")
    results = folder.scan(drop.folder)
    text = report.report_text(results, stale={"bad.yaml"}, now=dt.datetime(2026, 11, 9, 18, 30))
    assert "2026-11-09 18:30:00" in text
    assert "【错误】bad.yaml 第 2 行：电话号码“12”不对" in text
    assert "Error: bad.yaml line 2: phone '12'" in text
    assert "继续显示" in text and "【提醒】warn.yaml" in text and "ok.yaml" not in text
    assert text.endswith("\r\n")
    assert report.report_text({"ok.yaml": results["ok.yaml"]}) is None


def test_write_report_is_atomic_and_removed_when_fine(drop):
    assert report.write_report(drop.folder, "第一版\r\n")
    assert (drop.folder / folder.REPORT_NAME).read_bytes().startswith(b"\xef\xbb\xbf")
    assert report.write_report(drop.folder, "第二版\r\n")
    assert (drop.folder / folder.REPORT_NAME).read_bytes().decode("utf-8-sig") == "第二版\r\n"
    assert sorted(p.name for p in drop.folder.iterdir()) == [folder.REPORT_NAME]  # no temp left
    assert report.write_report(drop.folder, None)
    assert not any(drop.folder.iterdir())


def test_validate_covers_every_format(drop, config_file, capsys):
    cfg = config_file()
    drop("a.yaml", listing_yaml("甲"))
    drop("b.csv", "岗位,电话\n乙,13812345678\n", encoding="gbk")
    wb = openpyxl.Workbook()
    wb.active.append(["title", "phone"])
    wb.active.append(["丙", 13812345678])
    wb.save(drop.folder / "c.xlsx")
    (drop.folder / "d.png").write_bytes(PNG)
    assert main(["--config", str(cfg), "validate", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] and out["files"] == 4 and out["shown"] == len(out["listings"]) == 3
    drop("e.csv", "岗位,电话\n丁,1\n")
    assert main(["--config", str(cfg), "validate", str(drop.folder / "e.csv")]) == 1
    text = capsys.readouterr().out
    assert "e.csv 第 2 行 B 列" in text and "row 2, column B" in text
    assert main(["--config", str(cfg), "validate", str(drop.folder / "nope.yaml")]) == 1


def test_pure_python_yaml_loader_has_the_same_guards(drop, monkeypatch):
    """Without libyaml the pure-Python parser is used; it must refuse the same files."""
    from signage.parse import yamlsafe

    monkeypatch.setattr(yamlsafe, "_FastLoader", yamlsafe._Loader)
    assert load(drop("ok.yaml", listing_yaml("纯 Python"))).listings[0].title == "纯 Python"
    names = "abcdefghi"
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"{n}: &{n} [" + ", ".join([f"*{p}"] * 10) + "]" for p, n in zip(names, names[1:], strict=False)]
    assert not load(drop("laughs.yaml", "\n".join(lines) + "\n")).ok
    assert not load(drop("deep.yaml", "岗位: " + "[" * 5000 + "]" * 5000 + "\n")).ok
    bad = load(drop("bad.yaml", "岗位: x\n电话 13812345678\n  工资: [\n"))
    assert not bad.ok and bad.problems[0].where.line is not None
