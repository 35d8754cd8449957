// Package transforms holds the stages of the pipeline (pipeline.Stage)
// and the row-level parsers they share.
//
// The stages run in this order, each taking the schema the previous one
// returns (pipeline/schema.go):
//
//	source ─RawSchema→ normalize ─NormSchema→ validate ─ValidSchema→ dedupe ─RowSchema→ classify ─PersonSchema→
//	       allocate_plan ─persons→ ganda ─persons (+ k3_with), candidates→ allocate ─persons (+ tier, blank), allocation→
//	       aggregate ─SummarySchema→
//
// normalize reads values (NIKs, dates, names, codes, regions) without
// judging them; validate marks every row with a reject reason or its
// warnings (SPEC §3); dedupe marks repeated requests (SPEC §5 K1);
// classify resolves persons and their status (SPEC §5–§6); ganda lists
// probable duplicates across NIKs (SPEC §5 K3; gandamatch.go the rule,
// gandablock.go the search within a block); allocate shares the blanks
// (SPEC §7) in two stages around ganda, which
// holds the persons for both (Allocate); with a run history, deltas
// compares the persons with the latest earlier run (deltas.go); aggregate
// counts per region (SPEC §7). A bad row is data: it travels on with its
// reason. An error from Apply means the run cannot go on.
//
// The parsers are pure functions of user input, table-tested and fuzzed.
// The cleaners among them (cleanNIK, displayName, normalizeName,
// punctToSpace, the date folding) take a byte-wise path for ASCII text
// and a rune-wise one for any other; FuzzCleaners holds the two to the
// same results.
//
//	cleanNIK, scientific, nikBirth         nik.go      NIK text and its embedded birth date and sex
//	parseDate, parseDay                    dates.go    Excel serials and day-first dates, Indonesian and English months;
//	                                                   dates as date32 days (dayOf, civil, asOfDay)
//	normalizeName, displayName, jaroWinkler names.go   name matching (titles in titles.txt);
//	                                                   similarNames, the one threshold rule
//	invisible, asciiDigit                  text.go     invisible characters and full-width digits, shared by the above;
//	                                                   the ASCII classes of the cleaners' fast paths
//	lookupEvent, lookupSex, lookupMarital, lookupState
//	                                       events.go   free text to canonical codes, by table
//
// Nothing here logs, exits or opens files, and no parser guesses: a value
// that can be read two ways (06/07/2020 read month first, an unknown
// request text) is not read.
package transforms
