package sink

import (
	"context"
	"fmt"
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
	PrintDays          int
	RegionNames        map[string]string // region code → name, for the lists
	ProvinceCode       string            // the province total row's code; regions outside it are other provinces
	Deliveries         []Delivery        // incoming deliveries of the what-if, shown on the allocation sheet
}

// Delivery is an incoming delivery to the provincial buffer.
type Delivery struct {
	Quantity int
	Arrives  time.Time
}

// Report writes report.xlsx for election coordinators, in Indonesian by
// default. Its sheets, in order:
//
//   - Ringkasan (Summary): as-of date, election date and print days; the
//     summary table under human headers, the province total in bold;
//     a bar chart of needs against stock per region.
//   - Cetak KTP (Print cards): NEEDS_PRINT persons, in print order: by
//     region, then the order the region uses its blanks (print_order:
//     tier, then oldest request), persons without a blank last; with
//     their tier and the blank (own stock, provincial buffer).
//   - Perekaman (Recording): NEEDS_RECORDING persons, in the same order.
//   - Meninggal (Deceased): DECEASED persons, to remove from the voter list.
//   - Pindah (Transfers): persons with an origin region or living outside
//     the province, origin → destination.
//   - Tinjauan (Review): persons with any flag, with their source rows.
//   - Ditolak (Rejected): rejected rows with reason and original cells.
//   - Alokasi (Allocation): the buffer and the deliveries; per region and
//     tier, blanks needed, served from own stock, from the buffer, from
//     the delivery (what-if) and not served, with the reason in a
//     sentence; the what-if per region (report_allocation.go).
//
// The lists are streamed as batches arrive, but for the print and
// recording lists, kept until Close to be written in print order; the
// summary and allocation sheets are filled at Close. Every text cell is stored as a string, never a formula,
// so a name such as "=HYPERLINK(…)" is shown, not evaluated; NIKs are text
// cells with the text format, so Excel never turns them into 1.77E+15.
// A list longer than Excel's 1,048,576 rows is cut with a note pointing to
// persons.parquet and exceptions.csv.
//
// excelize assembles the whole file in memory on Close (about the size of
// the finished file); stream buffers over 16 MB go to temporary files in
// the output folder.
type Report struct {
	dir       string
	info      ReportInfo
	lb        *labels
	f         *excelize.File
	st        reportStyles
	lists     [numLists]*sheetList
	summary   []summaryRow
	alloc     allocationTables
	held      [numLists][]heldRow // rows of the print and recording lists, written in print order at Close
	seq       int                 // persons seen: the last tie-break of the print order
	started   bool
	done      bool
	committed bool
}

var _ pipeline.Sink = (*Report)(nil)

// NewReport returns a sink writing dir/report.xlsx.
func NewReport(dir string, info ReportInfo) *Report {
	return &Report{dir: dir, info: info, lb: labelsFor(info.Lang)}
}

// Name implements pipeline.Sink.
func (r *Report) Name() string { return ReportFile }

// Files implements pipeline.Sink.
func (r *Report) Files() []string {
	if r.committed {
		return []string{ReportFile}
	}
	return nil
}

// start creates the workbook with every sheet in order and opens the list
// streams with their headers.
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
	names := r.sheetNames()
	if err := r.f.SetSheetName(r.f.GetSheetName(0), names[0]); err != nil {
		return err
	}
	for _, n := range names[1:] {
		if _, err := r.f.NewSheet(n); err != nil {
			return err
		}
	}
	// SetActiveSheet reads every worksheet: do it while they are empty, not
	// after the lists were streamed (it would load them all back).
	r.f.SetActiveSheet(0)
	for k := listKind(0); k < numLists; k++ {
		l, err := r.openList(names[k+1], r.listColumns(k))
		if err != nil {
			return fmt.Errorf("sheet %q: %w", names[k+1], err)
		}
		r.lists[k] = l
	}
	title := r.lb.title
	if p := r.provinceName(); p != "" {
		title += " — " + p
	}
	return r.f.SetDocProps(&excelize.DocProperties{
		Title:    title,
		Subject:  r.lb.title,
		Creator:  "readiness",
		Language: r.lb.lang,
	})
}

// Write implements pipeline.Sink: rejected rows and persons go to the
// lists as they arrive; the summary is kept for Close.
func (r *Report) Write(ctx context.Context, t pipeline.Table, rec arrow.Record) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := r.start(); err != nil {
		return r.fail(err)
	}
	var err error
	switch t {
	case pipeline.TableRows:
		err = r.writeRejected(rec)
	case pipeline.TablePersons:
		err = r.writePersons(rec)
	case pipeline.TableSummary:
		var rows []summaryRow
		rows, err = readSummary(rec)
		r.summary = append(r.summary, rows...)
	case pipeline.TableAllocation:
		err = r.alloc.readAllocation(rec)
	case pipeline.TableWhatIf:
		err = r.alloc.readWhatIf(rec)
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

// Close implements pipeline.Sink: it ends the lists, fills the summary
// and allocation sheets and writes the workbook.
func (r *Report) Close(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		r.Abort()
		return err
	}
	if err := r.start(); err != nil {
		return r.fail(err)
	}
	if err := r.finish(); err != nil {
		return r.fail(err)
	}
	out, err := createAtomic(r.dir, ReportFile)
	if err != nil {
		return r.fail(err)
	}
	if _, err := r.f.WriteTo(out); err != nil {
		out.abort()
		return r.fail(err)
	}
	if err := out.commit(); err != nil {
		return r.fail(err)
	}
	r.done, r.committed = true, true
	return r.f.Close()
}

func (r *Report) finish() error {
	for k, held := range r.held {
		if err := r.writeHeld(listKind(k), held); err != nil {
			return fmt.Errorf("sheet %q: %w", r.lists[k].name, err)
		}
	}
	for _, l := range r.lists {
		if err := r.endList(l); err != nil {
			return fmt.Errorf("sheet %q: %w", l.name, err)
		}
	}
	if err := r.fillSummary(); err != nil {
		return fmt.Errorf("sheet %q: %w", r.lb.sheetSummary, err)
	}
	if err := r.fillAllocation(); err != nil {
		return fmt.Errorf("sheet %q: %w", r.lb.sheetAllocation, err)
	}
	return nil
}

// Abort implements pipeline.Sink: it drops the workbook and its temporary
// files. It does nothing after a successful Close.
func (r *Report) Abort() {
	if r.done {
		return
	}
	r.done = true
	if r.f != nil {
		_ = r.f.Close()
	}
}
