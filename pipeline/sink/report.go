package sink

import (
	"context"
	"errors"
	"os"
	"path"
	"path/filepath"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/xuri/excelize/v2"

	"readiness/pipeline"
)

// ReportFile is the file name of the coordinators' workbook.
const ReportFile = "report.xlsx"

// ReportInfo is what the workbook says besides the tables.
type ReportInfo struct {
	Lang               string // "id" (default) or "en"
	AsOf, ElectionDate time.Time
	RunTime            time.Time // when the run started, for the document properties
	PrintDays          int
	RegionNames        map[string]string   // region code → name, for the lists
	Names              func(string) string // names of any other code (other provinces' regencies); may be nil
	ProvinceCode       string              // the province total row's code; regions outside it are other provinces
	Deliveries         []Delivery          // incoming deliveries of the what-if, shown on the allocation sheet
	// Scope is a regency's code for its own workbook: its summary row,
	// allocation and lists only. Empty means the province's workbook.
	Scope string
	// File is the workbook's path relative to the output folder;
	// empty means ReportFile.
	File string
	// History adds the "Sejak run terakhir" and "Tren" sheets
	// (report_deltas.go, report_trend.go); nil without --history.
	History *History
}

// Delivery is an incoming delivery to the provincial buffer.
type Delivery struct {
	Quantity int
	Arrives  time.Time
}

// Report is one workbook, written through Workbooks: report.xlsx for
// election coordinators, in Indonesian by default, or a regency's own
// (ReportInfo.Scope). Workbooks adds the rows of its lists (listRows) and
// hands it the other tables; Report keeps what is its own and lays the
// workbook out at Close. Its sheets, in order:
//
//   - Ringkasan (Summary): as-of date, election date and print days; the
//     summary table under human headers, the province total in bold;
//     charts of blanks needed against stock and allocation, and of the
//     projected readiness against 100 % (report_summary.go).
//   - Cetak KTP (Print cards): NEEDS_PRINT persons, in print order: by
//     region, then the order the region uses its blanks (print_order:
//     tier, then oldest request), persons without a blank after, persons
//     who moved out of the province last (report_print.go).
//   - Perekaman (Recording): NEEDS_RECORDING persons, in the same order.
//   - Meninggal (Deceased): DECEASED persons, to remove from the voter list.
//   - Pindah (Transfers): persons with an origin region or living outside
//     the province, origin → destination (report_moves.go).
//   - Tinjauan (Review): persons with any flag, with their source rows.
//   - Ditolak (Rejected): rejected rows with reason, detail in the
//     workbook's language, and the original cells as "header: value"
//     lines (report_rejected.go).
//   - Alokasi (Allocation): the buffer and the deliveries; per region and
//     tier where the blanks come from and why; the what-if
//     (report_allocation.go).
//   - Ganda: K3 candidate pairs for review, both persons on one row
//     (report_ganda.go).
//   - Sejak run terakhir (Since the last run) and Tren (Trend): with a
//     run history only (ReportInfo.History; report_deltas.go,
//     report_trend.go).
//
// The lists' rows are written as sheet XML as persons and rows arrive,
// once for the province's workbook and its regency's (xlsxrows.go,
// report_lists.go), and spliced into the workbook excelize lays out at
// Close (report_assemble.go); a list longer than a sheet holds continues
// on numbered sheets ("Cetak KTP (2)"). Every text cell is stored as a
// string, never a formula, so a name such as "=HYPERLINK(…)" is shown,
// not evaluated. The lists' repeated texts (region names, kecamatan,
// kelurahan, labels of codes) are shared strings, one table for all the
// workbooks of a run (xlsxstrings.go); the others (names, NIKs,
// addresses, details) are inline. NIKs and codes are text cells with the
// text format, marked so Excel does not flag them as numbers stored as
// text. Text over 32,767 characters is cut visibly ("…[dipotong]") and
// counted (Findings).
type Report struct {
	dir         string
	info        ReportInfo
	lb          *labels
	f           *excelize.File
	st          reportStyles
	stores      [numLists]*rowStore
	extra       []*rowStore   // stores of other sheets (Ganda), made at Close
	sst         *stringTable  // the shared strings the lists' rows refer to (xlsxstrings.go); nil: none
	outsideRows [numLists]int // rows of persons outside the province
	summary     []summaryRow
	alloc       allocationTables
	ganda       gandaRows
	deltas      deltaTables
	hasData     bool // a person or row of the scope was seen
	findings    Findings
	maxRows     int     // data rows per list sheet; 0 means maxListRows (tests set fewer)
	cells       []xcell // the cells of the list row being built (personBase)
	started     bool
	done        bool
	committed   bool
}

// Findings are what a workbook had to adapt to Excel's limits.
type Findings struct {
	ContinuedSheets []string // sheets a list continued on past Excel's row limit
	CutTexts        int      // texts cut at 32,767 characters
}

var _ pipeline.Sink = (*Report)(nil)

// newReport returns a workbook writing into dir, whose lists' rows a
// listRows adds.
func newReport(dir string, info ReportInfo) *Report {
	if info.File == "" {
		info.File = ReportFile
	}
	return &Report{dir: dir, info: info, lb: labelsFor(info.Lang)}
}

// Name implements pipeline.Sink.
func (r *Report) Name() string { return r.info.File }

// Files implements pipeline.Sink.
func (r *Report) Files() []string {
	if r.committed {
		return []string{r.info.File}
	}
	return nil
}

// Findings returns what the workbook had to adapt, after Close.
func (r *Report) Findings() Findings { return r.findings }

// inScope reports whether a region belongs in this workbook.
func (r *Report) inScope(region string) bool {
	return r.info.Scope == "" || region == r.info.Scope
}

// start creates the workbook's styles and the lists' row stores.
func (r *Report) start() error {
	if r.done {
		return ErrClosed
	}
	if r.started {
		return nil
	}
	r.started = true
	r.f = excelize.NewFile(excelize.Options{TmpDir: r.dir})
	if err := r.newStyles(); err != nil {
		return err
	}
	for k := listKind(0); k < numLists; k++ {
		r.stores[k] = newRowStore(r.dir, r.listColumns(k), k == listPrint || k == listRecording, r.lb.cutMark)
	}
	return nil
}

// listColumns are the columns of list k.
func (r *Report) listColumns(k listKind) []colSpec {
	switch k {
	case listPrint, listRecording:
		return r.printColumns()
	case listDeceased:
		return r.deceasedColumns()
	case listMoves:
		return r.movesColumns()
	case listReview:
		return r.reviewColumns()
	case listRejected:
		return r.rejectedColumns()
	}
	return nil
}

// Write implements pipeline.Sink for the tables other than the lists'
// (Workbooks adds the rows and persons to the lists): the summary,
// allocation, what-if, candidates and deltas of its scope are kept for
// Close.
func (r *Report) Write(ctx context.Context, t pipeline.Table, rec arrow.Record) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := r.start(); err != nil {
		return r.fail(err)
	}
	var err error
	switch t {
	case pipeline.TableSummary:
		var rows []summaryRow
		rows, err = readSummary(rec)
		for _, s := range rows {
			if r.inScope(s.code) || r.isProvince(&s) {
				r.summary = append(r.summary, s)
			}
		}
	case pipeline.TableAllocation:
		err = r.alloc.readAllocation(rec, r.inScope)
	case pipeline.TableWhatIf:
		err = r.alloc.readWhatIf(rec, func(code string) bool { return r.inScope(code) || code == r.info.ProvinceCode })
	case pipeline.TableCandidates:
		err = r.ganda.read(rec, func(a, b string) bool { return r.inScope(a) || r.inScope(b) })
	case pipeline.TableDeltas:
		err = r.readDeltas(rec)
	}
	if err != nil {
		return r.fail(err)
	}
	return nil
}

func (r *Report) fail(err error) error {
	r.Abort()
	return err
}

// Close implements pipeline.Sink: it lays out the workbook, splices in
// the lists and writes it. A regency's workbook without any data of the
// regency is not written.
func (r *Report) Close(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		r.Abort()
		return err
	}
	if err := r.start(); err != nil {
		return r.fail(err)
	}
	if r.info.Scope != "" && !r.hasData {
		r.Abort()
		return nil
	}
	parts, err := r.layout()
	if err != nil {
		return r.fail(err)
	}
	dir, name := r.dir, r.info.File
	if sub := path.Dir(r.info.File); sub != "." {
		dir = filepath.Join(r.dir, filepath.FromSlash(sub))
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return r.fail(err)
		}
		name = path.Base(r.info.File)
	}
	out, err := createAtomic(dir, name)
	if err != nil {
		return r.fail(err)
	}
	if err := r.assemble(out, parts); err != nil {
		out.abort()
		return r.fail(err)
	}
	if err := out.commit(); err != nil {
		return r.fail(err)
	}
	r.done, r.committed = true, true
	return errors.Join(r.f.Close(), r.closeStores())
}

// Abort implements pipeline.Sink: it drops the workbook and its temporary
// files. It does nothing after a successful Close.
func (r *Report) Abort() {
	if r.done {
		return
	}
	r.done = true
	if r.f != nil {
		_ = r.f.Close() // temporary parts only; nothing to report
	}
	_ = r.closeStores() // removing temporary files of a failed run
}

func (r *Report) closeStores() error {
	var errs []error
	for _, s := range append(r.stores[:], r.extra...) {
		if s != nil {
			errs = append(errs, s.close())
		}
	}
	return errors.Join(errs...)
}
