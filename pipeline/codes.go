package pipeline

// Reject reasons (SPEC §3–§4), in priority order: a row that breaks several
// rules carries the first that applies.
const (
	ReasonNIKMissing       = "NIK_MISSING"
	ReasonNIKPrecisionLost = "NIK_PRECISION_LOST"
	ReasonNIKBadLength     = "NIK_BAD_LENGTH"
	ReasonNIKNotDigits     = "NIK_NOT_DIGITS"
	ReasonNIKBadProvince   = "NIK_BAD_PROVINCE"
	ReasonNIKBadDate       = "NIK_BAD_DATE"
	ReasonNIKBadSerial     = "NIK_BAD_SERIAL"
	ReasonNameMissing      = "NAME_MISSING"
	ReasonEventMissing     = "EVENT_MISSING"
	ReasonEventUnknown     = "EVENT_UNKNOWN"
	ReasonRegionUnknown    = "REGION_UNKNOWN"
)

// Reasons lists every reject reason in priority order.
func Reasons() []string {
	return []string{
		ReasonNIKMissing, ReasonNIKPrecisionLost, ReasonNIKBadLength,
		ReasonNIKNotDigits, ReasonNIKBadProvince, ReasonNIKBadDate,
		ReasonNIKBadSerial, ReasonNameMissing, ReasonEventMissing,
		ReasonEventUnknown, ReasonRegionUnknown,
	}
}

// Row warnings: the row is kept and listed for review (SPEC §3).
const (
	WarnNIKDOBMismatch   = "NIK_DOB_MISMATCH"
	WarnNIKSexMismatch   = "NIK_SEX_MISMATCH"
	WarnNIKNumericCell   = "NIK_NUMERIC_CELL"
	WarnDateUnparseable  = "DATE_UNPARSEABLE"
	WarnDistrictUnknown  = "DISTRICT_UNKNOWN"
	WarnDestUnknown      = "DESTINATION_UNKNOWN" // kabupaten_tujuan names no known regency
	WarnFormulaNoCache   = "FORMULA_NO_VALUE"    // a formula cell without a cached value
	WarnBirthAfterAsOf   = "BIRTH_AFTER_AS_OF"   // tanggal_lahir later than the as-of date
	WarnBirthBefore1900  = "BIRTH_BEFORE_1900"   // tanggal_lahir before 1900-01-01
	WarnDateAfterAsOf    = "DATE_AFTER_AS_OF"    // tanggal_pengajuan or tanggal_layanan later than the as-of date
	WarnCellTooLong      = "CELL_TOO_LONG"       // cell text over 32,767 characters, cut
	WarnExcelLeapDay1900 = "EXCEL_1900_LEAP_DAY" // serial 60, Excel's fictitious 1900-02-29
)

// Warnings lists every row warning.
func Warnings() []string {
	return []string{
		WarnNIKDOBMismatch, WarnNIKSexMismatch, WarnNIKNumericCell, WarnDateUnparseable,
		WarnDistrictUnknown, WarnDestUnknown, WarnFormulaNoCache, WarnBirthAfterAsOf,
		WarnBirthBefore1900, WarnDateAfterAsOf, WarnCellTooLong, WarnExcelLeapDay1900,
	}
}

// Person flags (SPEC §5–§6), beside the warnings of the person's rows.
const (
	FlagNIKConflict     = "NIK_CONFLICT"
	FlagEventAfterDeath = "EVENT_AFTER_DEATH"
	FlagK3Candidate     = "K3_CANDIDATE" // a probable duplicate of another NIK (K3): see k3_with
)

// Canonical events (SPEC §4).
const (
	EventMati     = "MATI"
	EventPindah   = "PINDAH"
	EventKawin    = "KAWIN"
	EventCerai    = "CERAI"
	EventUbahData = "UBAH_DATA"
	EventRusak    = "RUSAK"
	EventHilang   = "HILANG"
	EventSuket    = "SUKET"
	EventRekam    = "REKAM"
)

// Events lists the canonical events in SPEC §4 order.
func Events() []string {
	return []string{
		EventMati, EventPindah, EventKawin, EventCerai, EventUbahData,
		EventRusak, EventHilang, EventSuket, EventRekam,
	}
}

// NeedsCard reports whether a request needs a new card (every event but a
// death; REKAM needs recording first).
func NeedsCard(event string) bool { return event != "" && event != EventMati }

// Service states (SPEC §2 status_layanan).
const (
	StateBelumRekam = "BELUM REKAM"
	StateSudahRekam = "SUDAH REKAM"
	StateSudahCetak = "SUDAH CETAK"
	StateSelesai    = "SELESAI"
)

// Done reports whether a service state means the card was printed.
func Done(state string) bool { return state == StateSudahCetak || state == StateSelesai }

// Recorded reports whether a service state means biometrics were recorded.
func Recorded(state string) bool { return state == StateSudahRekam || Done(state) }

// Marital states (SPEC §2 status_kawin).
const (
	MaritalBelumKawin = "BELUM KAWIN"
	MaritalKawin      = "KAWIN"
	MaritalCeraiHidup = "CERAI HIDUP"
	MaritalCeraiMati  = "CERAI MATI"
)

// Person statuses (SPEC §6), in the order the rules apply.
const (
	StatusDeceased       = "DECEASED"
	StatusIneligible     = "INELIGIBLE"
	StatusNeedsRecording = "NEEDS_RECORDING"
	StatusNeedsPrint     = "NEEDS_PRINT"
	StatusReady          = "READY"
)

// Statuses lists the person statuses in rule order.
func Statuses() []string {
	return []string{
		StatusDeceased, StatusIneligible, StatusNeedsRecording, StatusNeedsPrint, StatusReady,
	}
}
