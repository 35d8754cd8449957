// Package pipeline holds what every part of readiness agrees on: the stage
// and sink contracts, the canonical Arrow schemas, the run configuration,
// the reason codes and the error types. It imports no transform; sources
// (pipeline/source), sinks (pipeline/sink) and stages (transforms) import
// it, and cmd/readiness wires them together.
//
// A run, as the Runner drives it:
//
//	inputs (xlsx, csv; by path, then sheet, then row)
//	   │ Source                         RawSchema: cells as text + provenance
//	   ▼
//	normalize ──▶ validate ──▶ dedupe    NormSchema ▶ ValidSchema ▶ RowSchema
//	   │                        │
//	   │                        ├──▶ sinks (TableRows): exceptions.csv, report.xlsx
//	   │                        ├──▶ aggregate (row counts per submitting region)
//	   │                        ▼
//	   │                    classify    gathers rows by NIK; Flush ▶ PersonSchema
//	   │                        ├──▶ sinks (TablePersons): persons.parquet, report.xlsx
//	   │                        ▼
//	   │                    aggregate   Flush ▶ SummarySchema
//	   │                        └──▶ sinks (TableSummary): summary.csv, report.xlsx
//	   ▼
//	manifest.json (inputs, outputs, stage timings, nothing-lost accounting)
//
// Ownership of Arrow memory is stated once, here:
//
//   - A record passed to a function is borrowed: the callee must not
//     release it and must Retain whatever it keeps after returning.
//   - A record returned by a function (Stage.Apply, Flusher.Flush, a
//     builder's NewRecord) is owned by the caller, who releases it.
//   - Anything made with New… or Copy… is released by whoever made it.
//
// Row problems are data: a rejected row carries a reason code through the
// stages into exceptions.csv and the report. A Go error means the run (or
// one input file, for a Source) cannot go on.
package pipeline
