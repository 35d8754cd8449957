// Package sink writes the outputs of one run (SPEC §8): summary.csv,
// exceptions.csv, persons.parquet, report.xlsx and the regencies'
// workbooks (Workbooks), and manifest.json.
//
// Every sink implements [pipeline.Sink] and reports its files. A sink
// creates its file owner-only (0600) as a hidden temporary file in the
// output folder (".summary.csv.tmp-123456"), writes it as batches arrive,
// and in Close flushes, fsyncs, closes and renames it to its final name,
// so a reader never sees a half-written output under the final name.
// Abort removes the temporary file; after a successful Close it does
// nothing. Write borrows the record; no sink keeps a reference to it.
// Outputs lists what the sinks wrote, checked against the folder, for the
// manifest.
//
// The workbooks' lists are written as sheet XML by this package
// (xlsxrows.go, their repeated texts as shared strings: xlsxstrings.go)
// and spliced into the workbook excelize lays out (report_assemble.go).
//
// Sinks never log and never hold a NIK or a name in an error message.
package sink
