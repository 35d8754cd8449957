// Package pipeline holds what every part of readiness agrees on: the stage
// and sink contracts, the canonical Arrow schemas, the run configuration,
// the reason codes and the error types. It imports no transform; sources
// (pipeline/source), sinks (pipeline/sink) and stages (transforms) import
// it, and cmd/job wires them together for the command, the tests and the
// bench.
//
// A run, as the Runner drives it: batches of named tables flow down one
// chain of stages and then into every sink.
//
//	inputs (xlsx, csv; by path, then sheet, then row; each read once and hashed)
//	   │ Source                      rows: cells as text + provenance (RawSchema)
//	   ▼
//	normalize ─▶ validate             rewrite rows, appending their columns
//	   │                              (NormColumns, ValidColumns); row-local:
//	   │                              run per input in the reading workers
//	   ▼ · · · · · · · · · · · · · ·  from here on one goroutine, inputs in order
//	dedupe                            marks repeats (DuplicateColumn)
//	   │
//	   ▼
//	classify     reads rows (they pass on); gathers them by NIK;
//	   │         Finish ▶ persons (PersonSchema)
//	   ▼
//	[person stages: read persons, or rewrite them (add columns); may
//	 gather every person first, may emit tables of their own:
//	   allocate_plan  reads persons (they pass on); Finish ▶ the plan
//	   ganda          gathers persons (spooled); Finish ▶ persons + k3_with,
//	                  candidates
//	   allocate       persons + tier, blank… as they come, from the plan;
//	                  Finish ▶ allocation
//	   deltas         with a history: reads persons; Finish ▶ deltas]
//	   │
//	   ▼
//	aggregate    reads rows and persons; Finish ▶ summary (SummarySchema)
//	   │
//	   ▼
//	sinks: exceptions.csv (rows), persons.parquet (persons), summary.csv
//	       (summary), candidates.csv (candidates), report.xlsx (all of
//	       them); each reports the files it wrote
//	   ▼
//	manifest.json (inputs and their hashes, outputs as the folder holds them,
//	stage figures, nothing-lost accounting)
//
// Inputs are read several at once (Runner.Workers). The Source and the
// leading stages that declare themselves row-local (Ports.RowLocal:
// normalize and validate; what they emit for a batch depends only on that
// batch) run in one worker goroutine per input; everything after them
// (dedupe keeps the first row in input order, classify orders persons by
// first appearance, the sinks write in order) runs in one goroutine that
// takes each input's batches strictly in input order, so it sees exactly
// the batches of a run reading one input after the other. A row-local
// stage's Apply must be safe to call from several goroutines at once;
// every other stage and every sink is called from one goroutine at a
// time. A sink wrapped in Async encodes in a goroutine of its own, and
// the Async sinks are closed at the same time (a workbook is laid out
// and zipped as it closes), so they must not share a file; a row
// Stage with state across batches (a FlushStage: dedupe's keys) lets go
// of it once the rows are done.
//
// Stages and sinks see tables by name (Table), and columns by name: a
// stage requires the columns it reads, with their types, and passes every
// other column through; a later stage appends its own. A stage is a
// TableStage whose Ports say which tables it reads (they pass on
// unchanged) and which it rewrites (they go on only as it emits them).
// After the inputs, the runner finishes each stage in chain order, so a
// stage finishes only after everything before it has emitted all it will.
//
// Ownership of Arrow memory is stated once, here:
//
//   - A record passed to a function (Stage.Apply, TableStage.Apply, an
//     Emit, Sink.Write) is borrowed: the callee must not release it and
//     must Retain whatever it keeps after returning.
//   - A record returned by a function (Stage.Apply, a builder's NewRecord)
//     is owned by the caller, who releases it. A stage that emits a record
//     it made releases it after Emit returns.
//   - A gathering stage (any stage that holds batches until Finish)
//     retains what it keeps and releases it in Finish or in Release,
//     whichever comes first. Classify keeps nothing of a batch: it copies
//     what it needs into a compact store, which spills to a Scratch file.
//     A person stage that must see every person first (ganda) hands the
//     batches to a Spool, which keeps them in memory or writes them to a
//     temporary file, and keeps only the compact keys it computes on. The
//     persons are spooled once in a run: the allocation, which must also
//     know every person before it annotates one, is two stages around
//     ganda (its planner notes compact keys as the persons go in, its
//     annotator annotates them as ganda gives them back), relying on the
//     order in which the runner finishes stages (TableStage). The runner
//     calls Release on every stage exactly once when the run ends —
//     succeeded, failed, cancelled — so nothing a stage holds outlives a
//     failed run.
//   - Anything made with New… or Copy… is released by whoever made it.
//
// Row problems are data: a rejected row carries a reason code through the
// stages into exceptions.csv and the report, with its original cells
// (ColOriginal), which the runner writes from the Source's Originals for
// the rows that need them (see Runner). A Go error means the run (or
// one input file, for a Source) cannot go on; an unreadable input keeps
// its typed error (*InputError) in the Result, and the manifest gives its
// kind (ErrorKind).
package pipeline
