package pipeline

import "github.com/apache/arrow/go/v17/arrow"

// Column names of the canonical input fields (SPEC §2). A source maps each
// file's own headers onto these names through the alias table.
const (
	ColNIK              = "nik"
	ColNKK              = "nkk"
	ColNama             = "nama"
	ColTempatLahir      = "tempat_lahir"
	ColTanggalLahir     = "tanggal_lahir"
	ColJenisKelamin     = "jenis_kelamin"
	ColStatusKawin      = "status_kawin"
	ColNamaIbu          = "nama_ibu"
	ColAlamat           = "alamat"
	ColRT               = "rt"
	ColRW               = "rw"
	ColKelurahan        = "kelurahan"
	ColKecamatan        = "kecamatan"
	ColKabupatenKota    = "kabupaten_kota"
	ColJenisPerubahan   = "jenis_perubahan"
	ColTanggalPengajuan = "tanggal_pengajuan"
	ColStatusLayanan    = "status_layanan"
	ColTanggalLayanan   = "tanggal_layanan"
	ColKabupatenTujuan  = "kabupaten_tujuan"
)

// InputColumns lists the canonical input fields in the order they appear in
// RawSchema. A source fills each with the cell's text, empty when the cell
// is empty and null when the file has no such column.
func InputColumns() []string {
	return []string{
		ColNIK, ColNKK, ColNama, ColTempatLahir, ColTanggalLahir, ColJenisKelamin,
		ColStatusKawin, ColNamaIbu, ColAlamat, ColRT, ColRW, ColKelurahan,
		ColKecamatan, ColKabupatenKota, ColJenisPerubahan, ColTanggalPengajuan,
		ColStatusLayanan, ColTanggalLayanan, ColKabupatenTujuan,
	}
}

// RequiredColumns are the input fields a header must have.
func RequiredColumns() []string { return []string{ColNIK, ColNama, ColJenisPerubahan} }

// Provenance columns, first in every row schema.
const (
	ColFile         = "file"          // input path as given, slash-separated
	ColSheet        = "sheet"         // sheet name; empty for CSV
	ColRow          = "row"           // row number as a spreadsheet program shows it
	ColOriginal     = "original"      // the row's cells as JSON keyed by the file's own headers; may be null but in a rejected row (see Runner)
	ColNIKNumeric   = "nik_numeric"   // the NIK came from a numeric cell
	ColCellWarnings = "cell_warnings" // warnings the source found in the row's cells
)

// Columns added by the normalize stage.
const (
	ColNIKClean       = "nik_clean"        // NIK without spaces, dots, hyphens and leading apostrophe
	ColNameDisplay    = "name_display"     // name trimmed, spaces collapsed, upper case
	ColNameNorm       = "name_norm"        // name normalised for matching (SPEC §5)
	ColMotherNorm     = "mother_norm"      // mother's name normalised for matching
	ColBirthDate      = "birth_date"       // tanggal_lahir parsed; null if empty, unreadable or implausible (before 1900, after as-of)
	ColSex            = "sex"              // "L" or "P"; null if empty or unknown
	ColMarital        = "marital"          // BELUM KAWIN, KAWIN, CERAI HIDUP, CERAI MATI; null if unknown
	ColEvent          = "event"            // canonical event (SPEC §4); null if missing or unknown
	ColRequestDate    = "request_date"     // tanggal_pengajuan parsed
	ColServiceState   = "service_state"    // BELUM REKAM, SUDAH REKAM, SUDAH CETAK, SELESAI; null if none
	ColServiceDate    = "service_date"     // tanggal_layanan parsed
	ColRegionCode     = "region_code"      // submitting region; null if it cannot be found
	ColDestRegionCode = "dest_region_code" // destination regency of a move, any province; null if none
)

// Columns added by the validate stage.
const (
	ColReason   = "reason"   // reject code (SPEC §3–§4); null when the row is accepted
	ColDetail   = "detail"   // human explanation of the reject, never holding a NIK or name
	ColWarnings = "warnings" // warning codes of an accepted row
)

// ColDuplicate is added by the dedupe stage: true when the row repeats an
// earlier request (same NIK, event and request date; SPEC §5 K1).
const ColDuplicate = "duplicate"

var (
	str     = arrow.BinaryTypes.String
	strList = arrow.ListOf(arrow.BinaryTypes.String)
	date    = arrow.FixedWidthTypes.Date32
	i64     = arrow.PrimitiveTypes.Int64
)

func field(name string, t arrow.DataType) arrow.Field {
	return arrow.Field{Name: name, Type: t, Nullable: true}
}

func rawFields() []arrow.Field {
	fs := []arrow.Field{
		field(ColFile, str),
		field(ColSheet, str),
		field(ColRow, arrow.PrimitiveTypes.Int32),
		field(ColOriginal, str),
		field(ColNIKNumeric, arrow.FixedWidthTypes.Boolean),
		field(ColCellWarnings, strList),
	}
	for _, c := range InputColumns() {
		fs = append(fs, field(c, str))
	}
	return fs
}

// NormColumns returns the columns the normalize stage appends.
func NormColumns() []arrow.Field {
	return []arrow.Field{
		field(ColNIKClean, str),
		field(ColNameDisplay, str),
		field(ColNameNorm, str),
		field(ColMotherNorm, str),
		field(ColBirthDate, date),
		field(ColSex, str),
		field(ColMarital, str),
		field(ColEvent, str),
		field(ColRequestDate, date),
		field(ColServiceState, str),
		field(ColServiceDate, date),
		field(ColRegionCode, str),
		field(ColDestRegionCode, str),
	}
}

// ValidColumns returns the columns the validate stage appends.
func ValidColumns() []arrow.Field {
	return []arrow.Field{
		field(ColReason, str),
		field(ColDetail, str),
		field(ColWarnings, strList),
	}
}

// DuplicateColumn returns the column the dedupe stage appends.
func DuplicateColumn() arrow.Field { return field(ColDuplicate, arrow.FixedWidthTypes.Boolean) }

func normFields() []arrow.Field  { return append(rawFields(), NormColumns()...) }
func validFields() []arrow.Field { return append(normFields(), ValidColumns()...) }

// The row schemas, each a prefix of the next: a source emits RawSchema,
// normalize appends its columns (NormSchema), validate its verdict
// (ValidSchema) and dedupe the duplicate mark (RowSchema). Text input
// columns keep their names through all four; normalize may clean them.
// They name and type every column; stages find columns by name, so a
// batch may carry more columns than these, in any order.
var (
	RawSchema   = arrow.NewSchema(rawFields(), nil)
	NormSchema  = arrow.NewSchema(normFields(), nil)
	ValidSchema = arrow.NewSchema(validFields(), nil)
	RowSchema   = arrow.NewSchema(append(validFields(), DuplicateColumn()), nil)
)

// Columns of PersonSchema beyond the SPEC §8 list.
const (
	ColOriginRegionCode = "origin_region_code"
	ColStatus           = "status"
	ColEvents           = "events"
	ColFirstRequestDate = "first_request_date"
	ColLastRequestDate  = "last_request_date"
	ColFlags            = "flags"
	ColDeathDate        = "death_date"        // request date of the MATI row
	ColLastPrintDate    = "last_print_date"   // latest service date of a done row
	ColCardEvent        = "card_event"        // the request the blank is for (NEEDS_PRINT, NEEDS_RECORDING)
	ColCardRequestDate  = "card_request_date" // that request's date
	ColRowCount         = "rows"              // accepted rows merged into the person, duplicates excluded
	ColSources          = "sources"           // every accepted row as "file|sheet|row", duplicates included
)

// PersonSchema is one row per person (SPEC §5–§6), the table every person
// count of the report is computed from. It is also persons.parquet.
var PersonSchema = arrow.NewSchema([]arrow.Field{
	field(ColNIK, str),
	field(ColNKK, str),
	field(ColNama, str),
	field(ColTempatLahir, str),
	field(ColTanggalLahir, date),
	field(ColJenisKelamin, str),
	field(ColStatusKawin, str),
	field(ColNamaIbu, str),
	field(ColAlamat, str),
	field(ColKecamatan, str),
	field(ColKelurahan, str),
	field(ColRegionCode, str),
	field(ColOriginRegionCode, str),
	field(ColStatus, str),
	field(ColEvents, strList),
	field(ColFirstRequestDate, date),
	field(ColLastRequestDate, date),
	field(ColFlags, strList),
	field(ColDeathDate, date),
	field(ColLastPrintDate, date),
	field(ColCardEvent, str),
	field(ColCardRequestDate, date),
	field(ColRowCount, arrow.PrimitiveTypes.Int32),
	field(ColSources, strList),
}, nil)

// Columns the allocate stage appends to the persons (SPEC §7).
const (
	ColTier             = "tier"               // priority tier 1–3 of the blank the person needs; null when none is needed
	ColBlank            = "blank"              // BlankStock, BlankBuffer, or null: no blank printable by election day
	ColBlankIfDelivered = "blank_if_delivered" // the same with the incoming deliveries (what-if): also BlankDelivery
	ColPrintOrder       = "print_order"        // 1-based position in the region's print order; null without a blank
)

// Blank sources (ColBlank, ColBlankIfDelivered).
const (
	BlankStock    = "STOCK"    // the region's own stock
	BlankBuffer   = "BUFFER"   // the provincial buffer in hand
	BlankDelivery = "DELIVERY" // an incoming delivery (what-if only)
)

// AllocationColumns returns the columns the allocate stage appends to the
// persons.
func AllocationColumns() []arrow.Field {
	return []arrow.Field{
		field(ColTier, arrow.PrimitiveTypes.Int8),
		field(ColBlank, str),
		field(ColBlankIfDelivered, str),
		field(ColPrintOrder, arrow.PrimitiveTypes.Int32),
	}
}

// ColK3With is the column the ganda stage appends to the persons (SPEC
// §5, §8): the NIKs the person is a K3 candidate with, in increasing
// order; an empty list when none.
const ColK3With = "k3_with"

// GandaColumns returns the columns the ganda stage appends to the persons.
func GandaColumns() []arrow.Field {
	return []arrow.Field{field(ColK3With, strList)}
}

// Tables the ganda (K3) stage adds.
const (
	// TableCandidates: one row per K3 candidate pair (CandidateSchema),
	// ordered by score, highest first, then nik_a, then nik_b.
	TableCandidates Table = "candidates"
	// TableCandidateStats: one row, the figures of the candidate search
	// (CandidateStatsSchema), for the manifest.
	TableCandidateStats Table = "candidate_stats"
)

// Columns of CandidateSchema. The first twelve, in this order, are
// candidates.csv (CandidateCSVColumns); the others show both persons side
// by side on the review sheet.
const (
	CandNIKA         = "nik_a" // the smaller NIK of the pair
	CandNIKB         = "nik_b"
	CandScore        = "score" // 0–100, one decimal: see transforms.Ganda
	CandNama         = "nama"  // agreement of each field: FieldAgree, FieldDisagree or FieldMissing
	CandTanggalLahir = "tanggal_lahir"
	CandTempatLahir  = "tempat_lahir"
	CandJenisKelamin = "jenis_kelamin"
	CandNamaIbu      = "nama_ibu"
	CandNKK          = "nkk"
	CandRegionA      = "region_a" // current region of nik_a
	CandRegionB      = "region_b"
	CandKeputusan    = "keputusan" // the reviewer's decision: always empty here

	CandNamaA         = "nama_a"
	CandNamaB         = "nama_b"
	CandTanggalLahirA = "tanggal_lahir_a"
	CandTanggalLahirB = "tanggal_lahir_b"
	CandTempatLahirA  = "tempat_lahir_a"
	CandTempatLahirB  = "tempat_lahir_b"
	CandJenisKelaminA = "jenis_kelamin_a"
	CandJenisKelaminB = "jenis_kelamin_b"
	CandNamaIbuA      = "nama_ibu_a"
	CandNamaIbuB      = "nama_ibu_b"
	CandStatusA       = "status_a"
	CandStatusB       = "status_b"
)

// Agreement of one field of a candidate pair.
const (
	FieldAgree    = "agree"
	FieldDisagree = "disagree"
	FieldMissing  = "missing" // missing on either side: neither agrees nor disagrees
)

// CandidateFields returns the columns of CandidateSchema that hold a
// field's agreement, in order.
func CandidateFields() []string {
	return []string{CandNama, CandTanggalLahir, CandTempatLahir, CandJenisKelamin, CandNamaIbu, CandNKK}
}

// CandidateSchema is one K3 candidate pair (SPEC §5): both NIKs, the
// score, each field's agreement, both regions, an empty column for the
// reviewer's decision, then both persons' values for the review sheet.
var CandidateSchema = arrow.NewSchema([]arrow.Field{
	field(CandNIKA, str),
	field(CandNIKB, str),
	field(CandScore, arrow.PrimitiveTypes.Float64),
	field(CandNama, str),
	field(CandTanggalLahir, str),
	field(CandTempatLahir, str),
	field(CandJenisKelamin, str),
	field(CandNamaIbu, str),
	field(CandNKK, str),
	field(CandRegionA, str),
	field(CandRegionB, str),
	field(CandKeputusan, str),
	field(CandNamaA, str),
	field(CandNamaB, str),
	field(CandTanggalLahirA, date),
	field(CandTanggalLahirB, date),
	field(CandTempatLahirA, str),
	field(CandTempatLahirB, str),
	field(CandJenisKelaminA, str),
	field(CandJenisKelaminB, str),
	field(CandNamaIbuA, str),
	field(CandNamaIbuB, str),
	field(CandStatusA, str),
	field(CandStatusB, str),
}, nil)

// CandidateCSVColumns is the header of candidates.csv (SPEC §8).
func CandidateCSVColumns() []string { return ColumnNames(CandidateSchema)[:12] }

// Columns of CandidateStatsSchema.
const (
	StatPersons         = "persons"          // persons searched
	StatPersonsCompared = "persons_compared" // of them with a birth date, the only ones that can pair
	StatBlocks          = "blocks"           // distinct birth-date blocks (year, {day, month})
	StatLargestBlock    = "largest_block"    // persons in the largest block
	StatComparisons     = "comparisons"      // pairs within the blocks (the search space)
	StatCandidates      = "candidates"       // pairs meeting the K3 rule
)

// CandidateStatsSchema is the one-row table of the candidate search's
// figures.
var CandidateStatsSchema = arrow.NewSchema([]arrow.Field{
	field(StatPersons, i64),
	field(StatPersonsCompared, i64),
	field(StatBlocks, i64),
	field(StatLargestBlock, i64),
	field(StatComparisons, i64),
	field(StatCandidates, i64),
}, nil)

// Tables the allocation adds.
const (
	// TableAllocation: one row per region of the reference and tier, how
	// its need was met and why (AllocationSchema).
	TableAllocation Table = "allocation"
	// TableWhatIf: with incoming deliveries, one row per region and the
	// province, the projection with and without them (WhatIfSchema).
	TableWhatIf Table = "what_if"
)

// Columns of AllocationSchema.
const (
	AllocRegionCode       = "region_code"
	AllocTier             = "tier"
	AllocNeed             = "need"
	AllocFromStock        = "from_stock"
	AllocFromBuffer       = "from_buffer"
	AllocFromDelivery     = "from_delivery"
	AllocUnmet            = "unmet"
	AllocUnmetIfDelivered = "unmet_if_delivered"
	AllocReason           = "reason"
)

// AllocationSchema explains the allocation: per region (by code) and tier
// (1–3), the persons needing a blank, those served from the region's own
// stock, from the buffer, from the deliveries (what-if), those left
// without, and a reason code (the Reason… constants).
var AllocationSchema = arrow.NewSchema([]arrow.Field{
	field(AllocRegionCode, str),
	field(AllocTier, arrow.PrimitiveTypes.Int8),
	field(AllocNeed, i64),
	field(AllocFromStock, i64),
	field(AllocFromBuffer, i64),
	field(AllocFromDelivery, i64),
	field(AllocUnmet, i64),
	field(AllocUnmetIfDelivered, i64),
	field(AllocReason, str),
}, nil)

// Columns of WhatIfSchema.
const (
	WhatIfRegionCode         = "region_code"
	WhatIfRegionName         = "region_name"
	WhatIfDelivered          = "delivery_allocation"
	WhatIfPrintable          = "printable_by_election"
	WhatIfPrintableDelivered = "printable_if_delivered"
	WhatIfPct                = "projected_ready_pct"
	WhatIfPctDelivered       = "projected_ready_pct_if_delivered"
	WhatIfTooLate            = "delivery_too_late"
	WhatIfSurplus            = "delivery_surplus"
)

// WhatIfSchema answers "what if the incoming deliveries arrive as
// planned?" (SPEC §7): per region and for the province (last row), the
// delivery blanks it gets, printable by election day and projected
// readiness without and with the deliveries. On the province row only:
// delivery_too_late counts delivered blanks no region can print in time
// for someone still waiting, delivery_surplus those beyond everyone
// waiting.
var WhatIfSchema = arrow.NewSchema([]arrow.Field{
	field(WhatIfRegionCode, str),
	field(WhatIfRegionName, str),
	field(WhatIfDelivered, i64),
	field(WhatIfPrintable, i64),
	field(WhatIfPrintableDelivered, i64),
	field(WhatIfPct, arrow.PrimitiveTypes.Float64),
	field(WhatIfPctDelivered, arrow.PrimitiveTypes.Float64),
	field(WhatIfTooLate, i64),
	field(WhatIfSurplus, i64),
}, nil)

// Columns of the summary (SPEC §7–§8), in summary.csv order.
const (
	SumRegionCode     = "region_code"
	SumRegionName     = "region_name"
	SumRowsIn         = "rows_in"
	SumRowsRejected   = "rows_rejected"
	SumDuplicateRows  = "duplicate_rows"
	SumPersons        = "persons"
	SumDeceased       = "deceased"
	SumIneligible     = "ineligible"
	SumNeedsRecording = "needs_recording"
	SumNeedsPrint     = "needs_print"
	SumReady          = "ready"
	SumEligible       = "eligible"
	SumMovedIn        = "moved_in"
	SumMovedOut       = "moved_out"
	SumBlanksNeeded   = "blanks_needed"
	SumStock          = "stock"
	SumAllocation     = "allocation"
	SumShortfall      = "shortfall"
	SumPrintable      = "printable_by_election"
	SumPct            = "projected_ready_pct"
)

// SummarySchema is the summary's shape, defined here once: one row per
// region of the reference, ordered by code, then the province total; the
// two codes are strings, the percentage a float64 (null when eligible is
// 0), every other column an int64 count. Everyone else finds its columns
// by name.
var SummarySchema = arrow.NewSchema([]arrow.Field{
	field(SumRegionCode, str),
	field(SumRegionName, str),
	field(SumRowsIn, i64),
	field(SumRowsRejected, i64),
	field(SumDuplicateRows, i64),
	field(SumPersons, i64),
	field(SumDeceased, i64),
	field(SumIneligible, i64),
	field(SumNeedsRecording, i64),
	field(SumNeedsPrint, i64),
	field(SumReady, i64),
	field(SumEligible, i64),
	field(SumMovedIn, i64),
	field(SumMovedOut, i64),
	field(SumBlanksNeeded, i64),
	field(SumStock, i64),
	field(SumAllocation, i64),
	field(SumShortfall, i64),
	field(SumPrintable, i64),
	field(SumPct, arrow.PrimitiveTypes.Float64),
}, nil)

// SummaryColumns returns the names of SummarySchema's columns, in order
// (the header of summary.csv).
func SummaryColumns() []string { return ColumnNames(SummarySchema) }

// ColumnNames returns the field names of s, in order.
func ColumnNames(s *arrow.Schema) []string {
	names := make([]string, s.NumFields())
	for i, f := range s.Fields() {
		names[i] = f.Name
	}
	return names
}
