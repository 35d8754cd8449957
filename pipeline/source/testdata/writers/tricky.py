#!/usr/bin/python3
"""Writes the equivalence tests' tricky workbook with openpyxl or XlsxWriter.

    /usr/bin/python3 tricky.py openpyxl|xlsxwriter OUT.xlsx [1904]

Two sheets of a submission (a visible one and a hidden one) holding texts,
numbers, booleans, dates, formulas, rich text (XlsxWriter), merged cells and
blank rows; with a third argument, the 1904 date system. Debian packages:
python3-openpyxl, python3-xlsxwriter.
"""
import datetime
import sys

TEXTS = [
    "plain", " leading and trailing spaces ", "tab\tinside", "line\nbreak", "crlf\r\nbreak",
    "&<>\"'", "ampersand & entity &amp; text", "é ñ ü ß", "日本語テキスト", "emoji 😀👍",
    "_x0041_ looks escaped", "_x005F_x0041_", "under_score_x_", "   ", "0123",
    "1705014101900001", "'1705014101900001", "]]> in text", "long " * 2000,
]
NUMBERS = [1705014101900001, 1.5, -0.25, 1e20, 3.14159265358979, 0, 7]
HEADER = ["NIK", "NAMA", "Jenis Perubahan", "TGL_LHR", "KETERANGAN"]


def rows():
    """Yields (values, kinds) per row; None leaves a cell (or row) empty."""
    yield HEADER
    for i, t in enumerate(TEXTS):
        yield ["170501410190%04d" % i, t, "RUSAK", datetime.date(1990, 6, 30) + datetime.timedelta(days=i), i]
    yield None  # a blank row
    for n in NUMBERS:
        yield [n, "NUM", "HILANG", n, True]
    yield ["1705014101909999", "FALSE", "SUKET", datetime.datetime(2020, 6, 30, 13, 45), False]


def with_openpyxl(out, date1904):
    import openpyxl
    wb = openpyxl.Workbook()
    if date1904:
        from openpyxl.utils.datetime import CALENDAR_MAC_1904
        wb.epoch = CALENDAR_MAC_1904
    for name, hidden in (("Data", False), ("Tersembunyi", True)):
        ws = wb.active if name == "Data" else wb.create_sheet(name)
        ws.title = name
        if hidden:
            ws.sheet_state = "hidden"
        r = 0
        for row in rows():
            r += 1
            if row is None:
                continue
            for c, v in enumerate(row, start=1):
                if isinstance(v, str):
                    v = v.replace("\r", "")  # openpyxl refuses no text, but keep it XML 1.0
                ws.cell(row=r, column=c, value=v)
        ws.cell(row=r + 2, column=1, value="1705014101900555")
        ws.cell(row=r + 2, column=2, value="=UPPER(\"formula\")")
        ws.merge_cells(start_row=r + 3, start_column=2, end_row=r + 4, end_column=3)
        ws.cell(row=r + 3, column=2, value="merged")
    wb.save(out)


def with_xlsxwriter(out, date1904):
    import xlsxwriter
    wb = xlsxwriter.Workbook(out, {"date_1904": date1904, "strings_to_numbers": False})
    date = wb.add_format({"num_format": "dd/mm/yyyy"})
    bold = wb.add_format({"bold": True, "font_color": "red"})
    italic = wb.add_format({"italic": True})
    for name, hidden in (("Data", False), ("Tersembunyi", True)):
        ws = wb.add_worksheet(name)
        if hidden:
            ws.hide()
        r = -1
        for row in rows():
            r += 1
            if row is None:
                continue
            for c, v in enumerate(row):
                if isinstance(v, (datetime.date, datetime.datetime)):
                    ws.write_datetime(r, c, v, date)
                elif isinstance(v, str):
                    ws.write_string(r, c, v)
                else:
                    ws.write(r, c, v)
        ws.write_string(r + 2, 0, "1705014101900555")
        ws.write_formula(r + 2, 1, '=UPPER("formula")', None, "FORMULA")
        ws.write_formula(r + 2, 2, "=1+1", None, 2)
        ws.write_rich_string(r + 3, 1, "rich ", bold, "bold", " and ", italic, "italic_x0042_", " end")
        ws.merge_range(r + 4, 1, r + 5, 2, "merged")
        ws.write_string(r + 6, 1, "ctrl\x01char")
    wb.close()


if __name__ == "__main__":
    lib, out = sys.argv[1], sys.argv[2]
    date1904 = len(sys.argv) > 3 and sys.argv[3] == "1904"
    {"openpyxl": with_openpyxl, "xlsxwriter": with_xlsxwriter}[lib](out, date1904)
