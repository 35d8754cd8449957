// Writes the SheetJS samples of testdata/xlsx (see its README.md):
//
//	npm install xlsx@0.18.5 && node sheetjs.js OUTDIR
//
// The same tricky content as tricky.py: inline strings (SheetJS's default,
// t="str"), then shared strings (bookSST), dates as cells, the 1904 date
// system, formulas with cached values, merged cells, a hidden sheet.
const XLSX = require("xlsx");
const path = require("path");
const out = process.argv[2];

const texts = [
  "plain", " leading and trailing spaces ", "tab\tinside", "line\nbreak", "crlf\r\nbreak",
  "&<>\"'", "ampersand & entity &amp; text", "é ñ ü ß", "日本語テキスト", "emoji 😀👍",
  "_x0041_ looks escaped", "_x005F_x0041_", "under_score_x_", "   ", "0123",
  "1705014101900001", "'1705014101900001", "]]> in text", "long ".repeat(2000),
];

function sheet() {
  const rows = [["NIK", "NAMA", "Jenis Perubahan", "TGL_LHR", "KETERANGAN"]];
  texts.forEach((t, i) => rows.push(["170501410190" + String(i).padStart(4, "0"), t, "RUSAK", new Date(Date.UTC(1990, 5, 30 + i)), i]));
  rows.push([]);
  for (const n of [1705014101900001, 1.5, -0.25, 1e20, 3.14159265358979, 0, 7]) rows.push([n, "NUM", "HILANG", n, true]);
  rows.push(["1705014101909999", "FALSE", "SUKET", new Date(Date.UTC(2020, 5, 30, 13, 45)), false]);
  const ws = XLSX.utils.aoa_to_sheet(rows, { cellDates: true });
  const r = rows.length + 1;
  XLSX.utils.sheet_add_aoa(ws, [["1705014101900555", { t: "s", f: 'UPPER("formula")', v: "FORMULA" }, { t: "n", f: "1+1", v: 2 }]], { origin: "A" + r });
  XLSX.utils.sheet_add_aoa(ws, [[null, "merged"]], { origin: "A" + (r + 1) });
  ws["!merges"] = [{ s: { r: r, c: 1 }, e: { r: r + 1, c: 2 } }];
  return ws;
}

function book(date1904) {
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, sheet(), "Data");
  XLSX.utils.book_append_sheet(wb, sheet(), "Tersembunyi");
  wb.Workbook = { Sheets: [{ Hidden: 0 }, { Hidden: 1 }], WBProps: { date1904 } };
  return wb;
}

XLSX.writeFile(book(false), path.join(out, "sheetjs-inline.xlsx"), { bookSST: false, cellDates: true });
XLSX.writeFile(book(false), path.join(out, "sheetjs-shared.xlsx"), { bookSST: true });
XLSX.writeFile(book(true), path.join(out, "sheetjs-1904.xlsx"), { bookSST: true, cellDates: false });
