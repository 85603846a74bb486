"""Load time of a 10,000-listing workbook: openpyxl (read-only, full) against python-calamine.

    .venv/bin/python bench/xlsx_load.py [ROWS] [--record]

Builds a staff-like workbook (merged title row, Excel dates, phone numbers stored as
numbers) in a temporary folder, then times, best of 3: reading the cells only with each
library, and the whole drop-folder load (``folder.load_file``). Figures go to stdout;
``--record`` rewrites this bench's section of docs/benchmarks.md from the run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import tempfile
import time
from pathlib import Path

import openpyxl
from benchlib import machine_line, record

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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=int, nargs="?", default=10_000)
    parser.add_argument("--record", action="store_true",
                        help="rewrite the workbook section of docs/benchmarks.md from this run")
    args = parser.parse_args()
    rows = args.rows
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

    print(f"machine: {machine_line()}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "jobs.xlsx"
        path.write_bytes(data)

        def whole_load():
            result = folder.load_file(path, Path(tmp))
            assert len(result.listings) == rows, (len(result.listings), result.problems[:3])

        results = [("openpyxl, read-only mode, cells only", best(openpyxl_read_only)),
                   ("openpyxl, full mode (the only mode that reports merged cells)", best(openpyxl_full))]
        try:
            results.append(("python-calamine, cells and merged cells", best(calamine)))
        except ImportError:
            print("python-calamine: not installed")
        results.append(("whole load: `folder.load_file` (calamine, headers, normalising, checks)",
                        best(whole_load)))
    print(f"workbook: {rows} listings, {len(data) / 1e6:.2f} MB")
    for what, seconds in results:
        print(f"{what}: {seconds:.3f} s")
    if args.record:
        table = "\n".join(f"| {what} | {seconds:.3f} s |" for what, seconds in results)
        record("xlsx_load", f"`.venv/bin/python bench/xlsx_load.py {rows} --record`: best of 3.\n\n"
               f"| {rows:,} listings, {len(data) / 1e6:.2f} MB | result |\n|---|---|\n{table}")


if __name__ == "__main__":
    main()
