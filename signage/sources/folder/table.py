"""Spreadsheets in the drop folder: CSV and Excel ``.xlsx``, one listing per row.

The header row (field names in Chinese or English, see ``normalise.FIELD_ALIASES``)
may sit below a title row: the first of the top rows that names at least two known
fields (or the job title) is taken as the header. Every problem is located at the
row's line in the file and, where it concerns one cell, at the cell's column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from signage.core.model import Listing, Location, Problem, Severity, SourceResult
from signage.parse.normalise import FIELD_ZH, canonical_field, listing_from_mapping, suggest_field

if TYPE_CHECKING:
    from python_calamine import CalamineWorkbook

HEADER_SEARCH_ROWS = 10
MAX_ROWS = 20_000
MAX_XLSX_UNPACKED = 100 * 1024 * 1024  # a zip bomb unpacks to far more
Row = tuple[int, Sequence[Any]]  # (1-based line or row number, cell values)


def column_name(col: int) -> str:
    """``3`` -> ``"C"``, ``27`` -> ``"AA"``: how Excel and WPS name a column."""
    name = ""
    while col > 0:
        col, rest = divmod(col - 1, 26)
        name = chr(ord("A") + rest) + name
    return name


def rows_to_result(key: str, rows: Iterable[Row], source: str | None = None,
                   base_dir: str | None = None, sheet: str | None = None) -> SourceResult:
    """Listings from spreadsheet rows (pure; ``rows`` yields ``(line, cells)``).

    A listing's automatic id is its file, sheet and row (``jobs.xlsx[夜班]#3``), so no
    two rows anywhere share one; a ``序号`` column numbers rows within this file and sheet.
    """
    source = source or key
    scope = f"{key}[{sheet}]" if sheet else key
    problems: list[Problem] = []
    listings: list[Listing] = []
    rejected: list[tuple[Location, str]] = []
    header: dict[int, str] | None = None  # column index (0-based) -> header text
    upper: Sequence[Any] = ()  # the header row's cells
    header_line = 0
    seen_before_header = 0
    for line, cells in rows:
        if line > MAX_ROWS:
            problems.append(Problem(Location(source, line),
                                    f"表格超过 {MAX_ROWS} 行，后面的行没有读取，请分成几个文件",
                                    f"more than {MAX_ROWS} rows; the rest was not read. Split the file"))
            break
        if not any(_filled(c) for c in cells):
            continue
        if header is None:
            seen_before_header += 1
            found = _header(cells)
            if found is not None:
                header, header_line = found, line
                upper = cells
            elif seen_before_header >= HEADER_SEARCH_ROWS:
                break
            continue
        if line == header_line + 1 and _is_lower_header(cells):
            header = _combined_header(upper, cells)  # a two-row header: the lower names count
            upper = [c if not _filled(lower) else lower for c, lower in
                     zip(list(upper) + [None] * (len(cells) - len(upper)), cells, strict=False)]
            header_line = line
            continue
        mapping, columns = _row_mapping(header, cells)
        if all(canonical_field(name) in ("serial", "id") for name in mapping):
            continue  # a numbered row never filled in
        where = Location(source, line)
        listing, row_problems = listing_from_mapping(
            mapping, where, f"{scope}#{line}", _cell_locator(line, columns), base_dir)
        problems.extend(_for_rows(p) for p in row_problems)
        if listing is not None:
            listings.append(listing)
        else:
            rejected.append((where, _title_of(mapping)))
    if header is None:
        return SourceResult(key, problems=(*problems, Problem(
            Location(source, 1),
            "找不到表头：第一行应写字段名，例如 岗位、单位、工资、结算方式、地点、电话",
            "no header row found: the first row must name the columns, e.g. 岗位 (title), "
            "单位 (employer), 工资 (pay), 电话 (phone)",
        )), ok=False)
    problems[:0] = _header_problems(upper, header, source, header_line)
    return _table_result(key, Location(source, header_line), listings, rejected, problems)


def _table_result(key: str, header_at: Location, listings: list[Listing],
                  rejected: list[tuple[Location, str]], problems: list[Problem]) -> SourceResult:
    """The result of a table with a header; a warning when nothing stands under it."""
    if not listings and not rejected and not any(p.severity is Severity.ERROR for p in problems):
        problems.append(Problem(header_at,
                                "表头下面没有招聘，表格是空的", "no listings under the header row",
                                Severity.WARNING))
    return SourceResult(key, tuple(listings), (), tuple(problems), ok=True, rejected=tuple(rejected))


def _row_mapping(header: dict[int, str], cells: Sequence[Any]) -> tuple[dict[str, Any], dict[str, int]]:
    """(header name -> the row's value, header name -> 1-based column) for the filled cells;
    of two columns with one name the first counts."""
    mapping: dict[str, Any] = {}
    columns: dict[str, int] = {}
    for index, name in header.items():
        value = cells[index] if index < len(cells) else None
        if _filled(value) and name not in mapping:
            mapping[name] = _cell_value(value, canonical_field(name))
            columns[name] = index + 1
    return mapping, columns


def _cell_locator(line: int, columns: dict[str, int]) -> Callable[[Any], tuple[int, int | None]]:
    """``field name -> (row, column)`` for the normaliser's problems."""
    return lambda name: (line, columns.get(name))


def _title_of(mapping: dict[str, Any]) -> str:
    return next((str(v) for k, v in mapping.items() if canonical_field(k) == "title"), "")


def _is_lower_header(cells: Sequence[Any]) -> bool:
    """The second row of a two-row header: every filled cell names a field."""
    filled = [c for c in cells if _filled(c)]
    return bool(filled) and all(canonical_field(c) for c in filled)


def _combined_header(upper: Sequence[Any], lower: Sequence[Any]) -> dict[int, str]:
    """Under a merged upper cell (联系方式) the lower names (联系人, 手机号码) count."""
    names = {}
    for i in range(max(len(upper), len(lower))):
        below = lower[i] if i < len(lower) else None
        above = upper[i] if i < len(upper) else None
        name = below if _filled(below) else above
        if _filled(name) and canonical_field(name):
            names[i] = str(name).strip()
    return names


def _for_rows(problem: Problem) -> Problem:
    """The normaliser speaks of YAML lines; in a table a missing title is an empty cell."""
    if problem.en.startswith("missing 'title'"):
        return Problem(problem.where, "这一行没有填“岗位”，这条招聘不会显示。请在“岗位”那一列填上岗位名称",
                       "this row has no title (岗位); it is not shown. Fill in the title column",
                       problem.severity)
    return problem


def _filled(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _header(cells: Sequence[Any]) -> dict[int, str] | None:
    known = {i: str(c).strip() for i, c in enumerate(cells) if _filled(c) and canonical_field(c)}
    fields = {canonical_field(name) for name in known.values()}
    if len(fields) >= 2 or "title" in fields:
        return known
    return None


def _header_problems(cells: Sequence[Any], header: dict[int, str], source: str, line: int
                     ) -> list[Problem]:
    problems = []
    for i, c in enumerate(cells):
        if _filled(c) and i not in header:
            hint = suggest_field(str(c))
            problems.append(Problem(
                Location(source, line, i + 1),
                f"不认识的列名“{c}”（{column_name(i + 1)} 列），这一列没有读取。"
                + (f"是不是想写“{hint}”？" if hint else "可用的列名有：" + "、".join(FIELD_ZH.values())),
                f"unknown column '{c}' (column {column_name(i + 1)}) ignored"
                + (f"; did you mean '{hint}'?" if hint else ""),
                Severity.WARNING,
            ))
    if "title" not in {canonical_field(n) for n in header.values()}:
        problems.append(Problem(Location(source, line),
                                "表头里没有“岗位”这一列，招聘不会显示。请加一列“岗位”",
                                "the header has no 'title' (岗位) column; no listing can be shown"))
    return problems


def _cell_value(value: Any, field: str | None) -> Any:
    """Excel cell values in the forms the normaliser reads."""
    if isinstance(value, dt.datetime) and field not in ("starts", "expires"):
        if (value.hour, value.minute, value.second) == (0, 0, 0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime) and field not in ("starts", "expires"):
        return value.isoformat()
    if isinstance(value, dt.timedelta):  # calamine gives a time of day as a duration
        minutes = int(value.total_seconds() // 60)
        return f"{minutes // 60}:{minutes % 60:02d}"
    if isinstance(value, dt.time):
        return f"{value.hour}:{value.minute:02d}"
    if isinstance(value, str):
        return value.strip()
    return value


# ------------------------------------------------------------------ CSV

def csv_rows(text: str) -> Iterable[Row]:
    """Rows of CSV text with the line each starts on; comma, tab or semicolon separated."""
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    delimiter = max(",\t;", key=first.count) if first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    for cells in reader:
        yield start, cells
        start = reader.line_num + 1


def load_csv_text(text: str, key: str, base_dir: str | None = None) -> SourceResult:
    try:
        return rows_to_result(key, csv_rows(text), base_dir=base_dir)
    except csv.Error as exc:
        return SourceResult(key, problems=(Problem(
            Location(key), f"表格格式有误，没有读取（{exc}）。请在 Excel 或 WPS 中重新另存为 CSV",
            f"malformed CSV ({exc}); save it again from Excel or WPS"),), ok=False)


# ------------------------------------------------------------------ Excel

OLE2_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")  # old Excel .xls files


def load_xlsx_bytes(data: bytes, key: str, base_dir: str | None = None) -> SourceResult:
    """Every visible sheet that has a header row (of an .xlsx or an old .xls); hidden sheets are skipped.

    Read with python-calamine: ten times faster than openpyxl on a 10,000-row sheet
    (bench/xlsx_load.py), and it reports merged cells, which openpyxl's fast read-only
    mode does not. A merged cell's value is given to every cell it covers, so a
    two-row header under a merged cell and an employer merged down its rows read right.
    """
    def refused(zh: str, en: str) -> SourceResult:
        return SourceResult(key, problems=(Problem(Location(key), zh, en),), ok=False)

    wrong = _not_a_workbook(data)
    if wrong is not None:
        return refused(*wrong)

    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception:  # calamine raises several kinds for damaged files
        return refused(*_NOT_XLSX)
    try:
        results = _read_sheets(book, key, base_dir)
    except Exception as exc:
        return refused(f"Excel 文件读到一半出错（{type(exc).__name__}），请重新另存为 .xlsx",
                       f"the workbook could not be read ({exc}); save it again as .xlsx")
    finally:
        book.close()
    with_header = [r for r in results if r.ok]
    if not with_header:
        return results[0] if results else refused("Excel 文件里没有填内容的工作表", "the workbook has no filled sheet")
    listings = tuple(x for r in with_header for x in r.listings)
    problems = tuple(p for r in with_header for p in r.problems) + tuple(
        Problem(p.where, p.zh + "。这张工作表没有读取；如果它不是招聘，可以把它隐藏",
                p.en + "; this sheet was not read (hide it if it holds no listings)", Severity.WARNING)
        for r in results if not r.ok for p in r.problems)
    rejected = tuple(x for r in with_header for x in r.rejected)
    return SourceResult(key, listings, (), problems, ok=True, rejected=rejected)


_NOT_XLSX = ("这不是有效的 Excel 文件，可能设了密码、改错了扩展名或文件已损坏。"
             "请在 Excel 或 WPS 中打开，另存为“Excel 工作簿 (*.xlsx)”",
             "not a valid Excel workbook (password-protected, misnamed or damaged); "
             "open it and save as 'Excel Workbook (*.xlsx)'")


def _not_a_workbook(data: bytes) -> tuple[str, str] | None:
    """(zh, en) when ``data`` is no workbook, or an .xlsx that unpacks to too much; else None."""
    if data.startswith(b"PK"):  # .xlsx: a zip, whose unpacked size is checked before reading
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                unpacked = sum(info.file_size for info in archive.infolist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return _NOT_XLSX
        if unpacked > MAX_XLSX_UNPACKED:
            return ("这个 Excel 文件解开后太大，已拒绝读取", "the workbook unpacks to too much data; refused")
        return None
    if not data.startswith(OLE2_MAGIC):  # an old .xls (or an .xlsx named .xls, and back)
        return _NOT_XLSX
    return None


def _read_sheets(book: CalamineWorkbook, key: str, base_dir: str | None) -> list[SourceResult]:
    """A result for each visible sheet with anything in it (blank sheets: Sheet2, Sheet3)."""
    from python_calamine import SheetVisibleEnum

    results = []
    visible = [m.name for m in book.sheets_metadata if m.visible == SheetVisibleEnum.Visible]
    for name in visible:
        rows = list(sheet_rows(book.get_sheet_by_name(name)))
        if any(_filled(c) for _line, cells in rows for c in cells):
            results.append(rows_to_result(key, rows, f"{key} [{name}]", base_dir, name))
    return results


def sheet_rows(sheet) -> Iterator[Row]:
    """A calamine sheet's rows as ``(row number, cells)``, merged cells filled in."""
    top, left = sheet.start or (0, 0)
    rows = sheet.to_python(skip_empty_area=False)
    fill: dict[int, list[tuple[int, Any]]] = {}  # row -> (column, value) of covered cells
    for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or ():
        if (r1 - r0 + 1) * (c1 - c0 + 1) > 10_000:
            continue  # a whole column merged: nothing a listing needs
        try:
            value = rows[r0 - top][c0 - left] if r0 >= top and c0 >= left else None
        except IndexError:
            continue
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    fill.setdefault(r, []).append((c, value))
    for i, row in enumerate(rows[:MAX_ROWS + 1]):
        cells = [None] * left + list(row)
        r = top + i
        for c, value in fill.get(r, ()):
            if c < len(cells):
                cells[c] = value
        yield r + 1, cells
