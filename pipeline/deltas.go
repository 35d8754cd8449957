package pipeline

import (
	"time"

	"github.com/apache/arrow/go/v17/arrow"
)

// TableDeltas is what changed since the latest earlier run of the history
// (--history): one row per person and change (DeltaSchema), emitted by the
// deltas stage when it finishes.
const TableDeltas Table = "deltas"

// Columns of DeltaSchema. The first five are deltas.csv; the others serve
// the workbook's alarm list.
const (
	DeltaNIK         = "nik"
	DeltaRegionCode  = "region_code" // the person's region now; for VANISHED, in the earlier run
	DeltaChange      = "change"      // one of Changes()
	DeltaBefore      = "before"      // the value in the earlier run ("" when none)
	DeltaAfter       = "after"       // the value now ("" when none)
	DeltaName        = "nama"
	DeltaCardEvent   = "card_event"        // the request the person's blank is (or was) for
	DeltaLastRequest = "last_request_date" // the person's latest request date
	DeltaSources     = "sources"           // the person's rows, "file|sheet|row" (for VANISHED, of the earlier run)
)

// The kinds of change, in the order the outputs show them. Every kind but
// NEW_REQUEST and VANISHED is of a person in both runs (by NIK).
const (
	// ChangeNewRequest: a person not in the earlier run (before "", after
	// the status), or one who needed no blank then (READY, INELIGIBLE) and
	// needs one now (before and after the statuses).
	ChangeNewRequest = "NEW_REQUEST"
	// ChangePrinted: the last print date is later than before, or set for
	// the first time: a request was printed or handed over (before and
	// after the dates, YYYY-MM-DD).
	ChangePrinted = "PRINTED"
	// ChangeRecorded: NEEDS_RECORDING before, NEEDS_PRINT or READY now.
	ChangeRecorded = "RECORDED"
	// ChangeDeceased: DECEASED now and not before.
	ChangeDeceased = "DECEASED"
	// ChangeMoved: the current region differs (before and after the codes).
	ChangeMoved = "MOVED"
	// ChangeTier: the priority tier of a person who needs a blank in both
	// runs differs (both runs with the allocation).
	ChangeTier = "TIER_CHANGED"
	// ChangeBlank: the blank (STOCK, BUFFER or none) of a person who needs
	// one in both runs differs (both runs with the allocation).
	ChangeBlank = "BLANK_CHANGED"
	// ChangeVanished: the data-quality alarm. A person who needed a blank
	// in the earlier run (NEEDS_PRINT, NEEDS_RECORDING) is in no
	// submission now, without the request having been resolved.
	ChangeVanished = "VANISHED"
)

// Changes lists the kinds of change in output order.
func Changes() []string {
	return []string{ChangeNewRequest, ChangePrinted, ChangeRecorded, ChangeDeceased,
		ChangeMoved, ChangeTier, ChangeBlank, ChangeVanished}
}

// DeltaSchema is the deltas table.
var DeltaSchema = arrow.NewSchema([]arrow.Field{
	field(DeltaNIK, str),
	field(DeltaRegionCode, str),
	field(DeltaChange, str),
	field(DeltaBefore, str),
	field(DeltaAfter, str),
	field(DeltaName, str),
	field(DeltaCardEvent, str),
	field(DeltaLastRequest, date),
	field(DeltaSources, strList),
}, nil)

// DeltaColumns returns the header of deltas.csv: the first five columns
// of DeltaSchema.
func DeltaColumns() []string { return ColumnNames(DeltaSchema)[:5] }

// PriorRun is a stored earlier run as the deltas stage compares with it:
// every person's state, in the order of that run's persons table. It is
// data, read from the history by the command (stages never open files).
type PriorRun struct {
	AsOf time.Time
	// Allocated: the run's persons carry the allocation (tier, blank).
	Allocated bool
	Persons   []PriorPerson
}

// PriorPerson is one person of an earlier run. Dates are days since
// 1970-01-01, NoDate when empty.
type PriorPerson struct {
	NIK, Region, Status string
	LastPrint           int32
	Tier                int8   // 0: no blank needed
	Blank               string // BlankStock, BlankBuffer or ""
	// For the alarm list, kept only for persons who needed a blank.
	Name, CardEvent string
	LastRequest     int32
	Sources         []string
}

// NoDate marks an empty date of a PriorPerson.
const NoDate int32 = -1 << 31
