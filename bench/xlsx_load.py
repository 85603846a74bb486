"""Load time of a 10,000-listing workbook: openpyxl (read-only, full) against python-calamine.

    .venv/bin/python bench/xlsx_load.py [ROWS]

Builds a staff-like workbook (merged title row, Excel dates, phone numbers stored as
numbers) in a temporary folder, then times, best of 3: reading the cells only with each
library, and the whole drop-folder load (``folder.load_file``). Figures go to stdout.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
import tempfile
import time
from pathlib import Path

import openpyxl

from signage.sources.folder import read as folder


def build(rows: int) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["蓬安县零工驿站招聘信息"])
    ws.merge_cells("A1:H1")
    ws.append(["岗位", "单位", "工资", "结算方式", "电话", "工作地点", "开始日期", "截止日期"])
    for n in range(rows):
        ws.append([f"装卸工{n}", f"物流{n % 50}", f"{150 + n % 50}元/天", "日结", 13800000000 + n,
                   "城南物流园", dt.datetime(2026, 11, 1), dt.datetime(2027, 12, 31)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def best(fn, times: int = 3) -> float:
    spans = []
    for _ in range(times):
        began = time.perf_counter()
        fn()
        spans.append(time.perf_counter() - began)
    return min(spans)


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    data = build(rows)

    def openpyxl_read_only():
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        n = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
        book.close()
        return n

    def openpyxl_full():  # what reading merged cells needs (ws.merged_cells)
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
        ws = book.worksheets[0]
        return sum(1 for _ in ws.iter_rows(values_only=True)), list(ws.merged_cells.ranges)

    def calamine():
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = book.get_sheet_by_index(0)
        return len(sheet.to_python(skip_empty_area=False)), sheet.merged_cell_ranges

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "jobs.xlsx"
        path.write_bytes(data)

        def whole_load():
            result = folder.load_file(path, Path(tmp))
            assert len(result.listings) == rows, (len(result.listings), result.problems[:3])

        print(f"workbook: {rows} listings, {len(data) / 1e6:.2f} MB")
        print(f"openpyxl read-only, cells only: {best(openpyxl_read_only):.3f} s")
        print(f"openpyxl full (merged cells):   {best(openpyxl_full):.3f} s")
        try:
            print(f"python-calamine, cells+merges:  {best(calamine):.3f} s")
        except ImportError:
            print("python-calamine: not installed")
        print(f"folder.load_file (whole load):  {best(whole_load):.3f} s")


if __name__ == "__main__":
    main()
