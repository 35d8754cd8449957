package sink

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
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
//   - Ganda: K3 candidate pairs for review, both persons on one row
//     (report_ganda.go).
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
	ganda     gandaRows
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

// listKind names the streamed action lists, in sheet order.
type listKind int

const (
	listPrint listKind = iota
	listRecording
	listDeceased
	listMoves
	listReview
	listRejected
	numLists
)

// colSpec is one column of a list: header and width in characters.
type colSpec struct {
	label string
	width float64
}

// sheetList is one streamed list sheet.
type sheetList struct {
	name    string
	sw      *excelize.StreamWriter
	widths  []float64
	wrap    int // style of wrapped text cells, whose rows get a height
	row     int // last row written; 1 is the header
	dropped int // rows past Excel's limit
}

// add writes one row, or counts it when the sheet is full (the last row
// is kept for the note saying so).
func (l *sheetList) add(cells []any) error {
	if l.row >= excelize.TotalRows-1 {
		l.dropped++
		return nil
	}
	l.row++
	cell, err := excelize.CoordinatesToCellName(1, l.row)
	if err != nil {
		return err
	}
	if lines := l.lines(cells); lines > 1 {
		return l.sw.SetRow(cell, cells, excelize.RowOpts{Height: 15 * float64(min(lines, 20))})
	}
	return l.sw.SetRow(cell, cells)
}

// lines estimates how many lines the row's wrapped cells take. Spreadsheet
// programs do not all fit row heights on opening (LibreOffice does not),
// so a row with wrapped text gets its height written.
func (l *sheetList) lines(cells []any) int {
	n := 1
	for i, c := range cells {
		cell, ok := c.(excelize.Cell)
		if !ok || cell.StyleID != l.wrap || i >= len(l.widths) {
			continue
		}
		s, _ := cell.Value.(string)
		perLine := max(int(l.widths[i]*0.95)-1, 1)
		n = max(n, (utf8.RuneCountInString(s)+perLine-1)/perLine)
	}
	return n
}

type reportStyles struct {
	title, label, header, note, none    int
	text, wrap, nik, date, num, numLeft int
	boxText, rowNum                     int
	totalText, totalNum, totalPct, pct  int
}

func (r *Report) sheetNames() []string {
	lb := r.lb
	return []string{
		lb.sheetSummary, lb.sheetPrint, lb.sheetRecording, lb.sheetDeceased,
		lb.sheetMoves, lb.sheetReview, lb.sheetRejected, lb.sheetAllocation, lb.sheetGanda,
	}
}

func (r *Report) listColumns(k listKind) []colSpec {
	lb := r.lb
	person := []colSpec{{lb.nik, 19}, {lb.name, 28}, {lb.birth, 17}, {lb.region, 20}, {lb.kecamatan, 18}, {lb.kelurahan, 18}}
	switch k {
	case listPrint, listRecording:
		return append(person, colSpec{lb.address, 28}, colSpec{lb.cardEvent, 16}, colSpec{lb.events, 26},
			colSpec{lb.firstReq, 17}, colSpec{lb.lastReq, 17}, colSpec{lb.lastPrint, 17}, colSpec{lb.notes, 36},
			colSpec{lb.printOrder, 10}, colSpec{lb.tier, 6}, colSpec{lb.blank, 22})
	case listDeceased:
		return append(person, colSpec{lb.address, 28}, colSpec{lb.deathDate, 17}, colSpec{lb.events, 26}, colSpec{lb.notes, 36})
	case listMoves:
		return []colSpec{{lb.nik, 19}, {lb.name, 28}, {lb.birth, 17}, {lb.origin, 20}, {lb.dest, 20},
			{lb.destCode, 11}, {lb.moveKind, 20}, {lb.kecamatan, 18}, {lb.kelurahan, 18}, {lb.status, 16}, {lb.lastReq, 17}}
	case listReview:
		return []colSpec{{lb.nik, 19}, {lb.name, 28}, {lb.birth, 17}, {lb.region, 20}, {lb.status, 16},
			{lb.flagCodes, 26}, {lb.notes, 40}, {lb.sources, 60}}
	case listRejected:
		return []colSpec{{lb.file, 30}, {lb.sheet, 14}, {lb.row, 8}, {lb.reason, 20}, {lb.reasonText, 36},
			{lb.detail, 36}, {lb.original, 100}}
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

// printSetup sets landscape A4, fit to one page wide, and a footer with
// the sheet name and page numbers. Call it before opening a stream: the
// sheet properties are written when the stream opens.
func (r *Report) printSetup(sheet string) error {
	landscape, a4, one, any := "landscape", 9, 1, 0
	fit := true
	if err := r.f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	if err := r.f.SetPageLayout(sheet, &excelize.PageLayoutOptions{
		Size: &a4, Orientation: &landscape, FitToWidth: &one, FitToHeight: &any,
	}); err != nil {
		return err
	}
	return r.f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{OddFooter: r.lb.footer})
}

func (r *Report) openList(sheet string, cols []colSpec) (*sheetList, error) {
	if err := r.printSetup(sheet); err != nil {
		return nil, err
	}
	if err := r.f.SetDefinedName(&excelize.DefinedName{
		Name: "_xlnm.Print_Titles", RefersTo: quoteSheet(sheet) + "!$1:$1", Scope: sheet,
	}); err != nil {
		return nil, err
	}
	sw, err := r.f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	for i, c := range cols {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return nil, err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	header := make([]any, len(cols))
	for i, c := range cols {
		header[i] = excelize.Cell{StyleID: r.st.header, Value: c.label}
	}
	if err := sw.SetRow("A1", header, excelize.RowOpts{Height: 30}); err != nil {
		return nil, err
	}
	widths := make([]float64, len(cols))
	for i, c := range cols {
		widths[i] = c.width
	}
	return &sheetList{name: sheet, sw: sw, widths: widths, wrap: r.st.wrap, row: 1}, nil
}

func quoteSheet(name string) string {
	return "'" + strings.ReplaceAll(name, "'", "''") + "'"
}

func (r *Report) newStyles() error {
	var err error
	style := func(s *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = r.f.NewStyle(s)
		return id
	}
	thin := []excelize.Border{
		{Type: "left", Color: "BFBFBF", Style: 1}, {Type: "right", Color: "BFBFBF", Style: 1},
		{Type: "top", Color: "BFBFBF", Style: 1}, {Type: "bottom", Color: "BFBFBF", Style: 1},
	}
	totalBorder := []excelize.Border{{Type: "top", Color: "000000", Style: 2}, {Type: "bottom", Color: "000000", Style: 1}}
	totalFill := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F2F2F2"}}
	// Every font names its family: without it LibreOffice falls back to a
	// serif face.
	font := func(f excelize.Font) *excelize.Font {
		f.Family = "Calibri"
		if f.Size == 0 {
			f.Size = 11
		}
		return &f
	}
	bold := font(excelize.Font{Bold: true})
	dateFmt, pctFmt, textFmt := r.lb.dateFmt, "0.0", 49
	r.st = reportStyles{
		title: style(&excelize.Style{Font: font(excelize.Font{Bold: true, Size: 14})}),
		label: style(&excelize.Style{Font: font(excelize.Font{Color: "595959"})}),
		header: style(&excelize.Style{
			Font:      font(excelize.Font{Bold: true, Color: "FFFFFF"}),
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"1F4E78"}},
			Alignment: &excelize.Alignment{WrapText: true, Vertical: "center", Horizontal: "center"},
			Border:    thin,
		}),
		note:      style(&excelize.Style{Font: font(excelize.Font{Italic: true, Color: "595959", Size: 9})}),
		none:      style(&excelize.Style{Font: font(excelize.Font{Italic: true, Color: "808080"})}),
		text:      style(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top"}}),
		wrap:      style(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}),
		nik:       style(&excelize.Style{NumFmt: textFmt, Alignment: &excelize.Alignment{Vertical: "top"}}),
		date:      style(&excelize.Style{CustomNumFmt: &dateFmt, Alignment: &excelize.Alignment{Vertical: "top", Horizontal: "left"}}),
		num:       style(&excelize.Style{NumFmt: 3, Border: thin}),
		boxText:   style(&excelize.Style{Border: thin}),
		rowNum:    style(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top"}}),
		numLeft:   style(&excelize.Style{NumFmt: 3, Alignment: &excelize.Alignment{Horizontal: "left"}}),
		pct:       style(&excelize.Style{CustomNumFmt: &pctFmt, Border: thin}),
		totalText: style(&excelize.Style{Font: bold, Border: totalBorder, Fill: totalFill}),
		totalNum:  style(&excelize.Style{Font: bold, NumFmt: 3, Border: totalBorder, Fill: totalFill}),
		totalPct:  style(&excelize.Style{Font: bold, CustomNumFmt: &pctFmt, Border: totalBorder, Fill: totalFill}),
	}
	return err
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
	case pipeline.TableCandidates:
		err = r.ganda.read(rec)
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

func (r *Report) text(s string) any {
	if s == "" {
		return nil
	}
	return excelize.Cell{StyleID: r.st.text, Value: s}
}

// wrapText is a text cell that wraps within its column.
func (r *Report) wrapText(s string) any {
	if s == "" {
		return nil
	}
	return excelize.Cell{StyleID: r.st.wrap, Value: s}
}

func (r *Report) date(t time.Time, ok bool) any {
	if !ok {
		return nil
	}
	return excelize.Cell{StyleID: r.st.date, Value: t}
}

func (r *Report) codes(cs []string, sep string) string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = r.lb.code(c)
	}
	return strings.Join(out, sep)
}

// regionName returns the name of a region code, or the code itself.
func (r *Report) regionName(code string) string {
	if n, ok := r.info.RegionNames[code]; ok && n != "" {
		return n
	}
	return code
}

// outsideProvince reports whether a region code lies in another province.
func (r *Report) outsideProvince(code string) bool {
	return code != "" && r.info.ProvinceCode != "" && !strings.HasPrefix(code, r.info.ProvinceCode)
}

func (r *Report) writeRejected(rec arrow.Record) error {
	c := colReader{rec: rec}
	file, sheet, row := c.str(pipeline.ColFile), c.str(pipeline.ColSheet), c.int32(pipeline.ColRow)
	reason, detail, original := c.str(pipeline.ColReason), c.str(pipeline.ColDetail), c.str(pipeline.ColOriginal)
	if c.err != nil {
		return c.err
	}
	l := r.lists[listRejected]
	for i := 0; i < int(rec.NumRows()); i++ {
		if !reason.valid(i) {
			continue
		}
		var rowNum any
		if row.IsValid(i) {
			rowNum = excelize.Cell{StyleID: r.st.rowNum, Value: int64(row.Value(i))}
		}
		err := l.add([]any{
			r.text(file.at(i)), r.text(sheet.at(i)), rowNum, r.text(reason.at(i)),
			r.wrapText(r.lb.code(reason.at(i))), r.wrapText(detail.at(i)), r.text(original.at(i)),
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// personCols are the PersonSchema columns the lists show, and the
// allocation's when the persons carry them.
type personCols struct {
	nik, nama, alamat, kec, kel, region, origin, status, cardEvent strCol
	birth, first, last, death, lastPrint                           dateCol
	events, flags, sources                                         listCol
	blank                                                          strCol
	tier                                                           struct{ a *array.Int8 }
	order                                                          struct{ a *array.Int32 }
}

func readPersonCols(rec arrow.Record) (personCols, error) {
	c := colReader{rec: rec}
	p := personCols{
		nik: c.str(pipeline.ColNIK), nama: c.str(pipeline.ColNama), alamat: c.str(pipeline.ColAlamat),
		kec: c.str(pipeline.ColKecamatan), kel: c.str(pipeline.ColKelurahan),
		region: c.str(pipeline.ColRegionCode), origin: c.str(pipeline.ColOriginRegionCode),
		status: c.str(pipeline.ColStatus), cardEvent: c.str(pipeline.ColCardEvent),
		birth: c.date(pipeline.ColTanggalLahir), first: c.date(pipeline.ColFirstRequestDate),
		last: c.date(pipeline.ColLastRequestDate), death: c.date(pipeline.ColDeathDate),
		lastPrint: c.date(pipeline.ColLastPrintDate),
		events:    c.list(pipeline.ColEvents), flags: c.list(pipeline.ColFlags), sources: c.list(pipeline.ColSources),
	}
	if rec.Schema().HasField(pipeline.ColTier) {
		p.blank = c.str(pipeline.ColBlank)
		p.tier.a, _ = column[*array.Int8](rec, pipeline.ColTier)
		p.order.a, _ = column[*array.Int32](rec, pipeline.ColPrintOrder)
		if p.tier.a == nil || p.order.a == nil {
			return p, fmt.Errorf("allocation columns tier and print_order: %w", ErrSchema)
		}
	}
	return p, c.err
}

func (r *Report) writePersons(rec arrow.Record) error {
	p, err := readPersonCols(rec)
	if err != nil {
		return err
	}
	lb := r.lb
	defer func() { r.seq += int(rec.NumRows()) }()
	for i := 0; i < int(rec.NumRows()); i++ {
		nik := excelize.Cell{StyleID: r.st.nik, Value: p.nik.at(i)}
		birth := r.date(p.birth.at(i))
		region := p.region.at(i)
		events := r.text(r.codes(p.events.at(i), ", "))
		flags := p.flags.at(i)
		notes := r.wrapText(r.codes(flags, "; "))
		status := p.status.at(i)
		base := []any{nik, r.text(p.nama.at(i)), birth, r.text(r.regionName(region)), r.text(p.kec.at(i)), r.text(p.kel.at(i))}

		var list listKind = -1
		var row []any
		switch status {
		case pipeline.StatusNeedsPrint, pipeline.StatusNeedsRecording:
			list = listPrint
			if status == pipeline.StatusNeedsRecording {
				list = listRecording
			}
			row = append(base, r.text(p.alamat.at(i)), r.text(lb.code(p.cardEvent.at(i))), events,
				r.date(p.first.at(i)), r.date(p.last.at(i)), r.date(p.lastPrint.at(i)), notes)
			h := heldRow{outside: r.outsideProvince(region), region: region, order: math.MaxInt32, seq: r.seq + i}
			if p.order.a != nil && p.order.a.IsValid(i) {
				h.order = p.order.a.Value(i)
				row = append(row, h.order)
			} else {
				row = append(row, nil)
			}
			if p.tier.a != nil && p.tier.a.IsValid(i) {
				row = append(row, int64(p.tier.a.Value(i)), r.text(lb.code(p.blank.at(i))))
			}
			h.cells = row
			r.held[list] = append(r.held[list], h)
			list = -1 // written in print order at Close
		case pipeline.StatusDeceased:
			list = listDeceased
			row = append(base, r.text(p.alamat.at(i)), r.date(p.death.at(i)), events, notes)
		}
		if list >= 0 {
			if err := r.lists[list].add(row); err != nil {
				return err
			}
		}

		if origin := p.origin.at(i); origin != "" || r.outsideProvince(region) {
			from := lb.originUnknown
			if origin != "" {
				from = r.regionName(origin)
			}
			kind := lb.withinProvince
			if r.outsideProvince(region) {
				kind = lb.outsideProvince
			}
			err := r.lists[listMoves].add([]any{nik, r.text(p.nama.at(i)), birth, r.text(from),
				r.text(r.regionName(region)), r.text(region), r.text(kind), r.text(p.kec.at(i)),
				r.text(p.kel.at(i)), r.text(lb.code(status)), r.date(p.last.at(i))})
			if err != nil {
				return err
			}
		}

		if len(flags) > 0 {
			err := r.lists[listReview].add([]any{nik, r.text(p.nama.at(i)), birth, r.text(r.regionName(region)),
				r.text(lb.code(status)), r.wrapText(strings.Join(flags, ", ")), notes,
				r.wrapText(r.formatSources(p.sources.at(i)))})
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// formatSources turns "file|sheet|row" references into
// "file, sheet, baris 12" joined by "; ".
func (r *Report) formatSources(refs []string) string {
	out := make([]string, 0, len(refs))
	for _, ref := range refs {
		parts := strings.Split(ref, "|")
		if len(parts) < 3 {
			out = append(out, ref)
			continue
		}
		row, sheet := parts[len(parts)-1], parts[len(parts)-2]
		file := strings.Join(parts[:len(parts)-2], "|")
		s := file
		if sheet != "" {
			s += ", " + sheet
		}
		out = append(out, s+", "+r.lb.rowWord+" "+row)
	}
	return strings.Join(out, "; ")
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
	if err := r.fillGanda(); err != nil {
		return fmt.Errorf("sheet %q: %w", r.lb.sheetGanda, err)
	}
	return nil
}

func (r *Report) endList(l *sheetList) error {
	last := l.row
	switch l.row {
	case 1:
		if err := l.add([]any{excelize.Cell{StyleID: r.st.none, Value: r.lb.none}}); err != nil {
			return err
		}
	default:
		ref, err := excelize.CoordinatesToCellName(len(l.widths), last)
		if err != nil {
			return err
		}
		if err := l.sw.AddTable(&excelize.Table{
			Range: "A1:" + ref, Name: tableName(l.name), StyleName: "TableStyleLight9",
		}); err != nil {
			return err
		}
	}
	if l.dropped > 0 {
		msg := fmt.Sprintf(r.lb.truncated, r.thousands(int64(l.dropped)))
		cell, _ := excelize.CoordinatesToCellName(1, excelize.TotalRows)
		if err := l.sw.SetRow(cell, []any{excelize.Cell{StyleID: r.st.note, Value: msg}}); err != nil {
			return err
		}
	}
	return l.sw.Flush()
}

// tableName makes an Excel table name from a sheet name.
func tableName(sheet string) string {
	var b strings.Builder
	b.WriteString("tbl")
	for _, c := range sheet {
		if c < 128 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// thousands formats n with the language's thousands separator.
func (r *Report) thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(r.lb.thousand)
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func (r *Report) isProvince(row *summaryRow) bool {
	if r.info.ProvinceCode != "" {
		return row.code == r.info.ProvinceCode
	}
	return len(row.code) == 2
}

func (r *Report) provinceName() string {
	if n := r.info.RegionNames[r.info.ProvinceCode]; n != "" {
		return n
	}
	for i := range r.summary {
		if r.isProvince(&r.summary[i]) {
			return r.summary[i].name
		}
	}
	return ""
}

// cellWriter sets cells of one normal sheet, keeping the first error.
type cellWriter struct {
	f     *excelize.File
	sheet string
	err   error
}

func (w *cellWriter) set(col, row int, v any, style int) {
	if w.err != nil {
		return
	}
	cell, err := excelize.CoordinatesToCellName(col, row)
	if err == nil {
		if s, ok := v.(string); ok {
			err = w.f.SetCellStr(w.sheet, cell, s)
		} else if v != nil {
			err = w.f.SetCellValue(w.sheet, cell, v)
		}
	}
	if err == nil && style != 0 {
		err = w.f.SetCellStyle(w.sheet, cell, cell, style)
	}
	w.err = err
}

func (w *cellWriter) do(err error) {
	if w.err == nil {
		w.err = err
	}
}

// Layout of the summary sheet.
const (
	summarySheetHeaderRow = 6
	summarySheetFirstRow  = summarySheetHeaderRow + 1
)

func (r *Report) fillSummary() error {
	sheet := r.lb.sheetSummary
	w := &cellWriter{f: r.f, sheet: sheet}
	lb := r.lb
	title := lb.title
	if p := r.provinceName(); p != "" {
		title += " — " + p
	}
	w.set(1, 1, title, r.st.title)
	w.do(r.f.SetRowHeight(sheet, 1, 22))
	info := []struct {
		label string
		value any
		style int
	}{
		{lb.asOf, r.info.AsOf, r.st.date},
		{lb.election, r.info.ElectionDate, r.st.date},
		{lb.printDays, int64(r.info.PrintDays), r.st.numLeft},
	}
	for i, in := range info {
		row := 2 + i
		w.set(1, row, in.label, r.st.label)
		if t, ok := in.value.(time.Time); ok && t.IsZero() {
			continue
		}
		w.set(3, row, in.value, in.style)
		w.do(r.f.MergeCell(sheet, cellName(3, row), cellName(4, row)))
	}
	cols := pipeline.SummaryColumns()
	for i, c := range cols {
		w.set(i+1, summarySheetHeaderRow, lb.summaryCols[c], r.st.header)
	}
	w.do(r.f.SetRowHeight(sheet, summarySheetHeaderRow, 45))
	row := summarySheetHeaderRow
	regions := 0
	for i := range r.summary {
		s := &r.summary[i]
		row++
		total := r.isProvince(s)
		if !total {
			regions++
		}
		textStyle, numStyle, pctStyle := r.st.boxText, r.st.num, r.st.pct
		if total {
			textStyle, numStyle, pctStyle = r.st.totalText, r.st.totalNum, r.st.totalPct
		}
		for j, c := range cols {
			switch c {
			case pipeline.SumRegionCode:
				w.set(j+1, row, s.code, textStyle)
			case pipeline.SumRegionName:
				w.set(j+1, row, s.name, textStyle)
			case pipeline.SumPct:
				var v any
				if s.hasPct {
					v = s.pct
				}
				w.set(j+1, row, v, pctStyle)
			default:
				var v any
				if n, ok := s.ints[c]; ok {
					v = n
				}
				w.set(j+1, row, v, numStyle)
			}
		}
	}
	w.set(1, row+2, lb.summaryNote, r.st.note)
	w.do(r.f.SetColWidth(sheet, "A", "A", 8))
	w.do(r.f.SetColWidth(sheet, "B", "B", 24))
	w.do(r.f.SetColWidth(sheet, "C", "T", 11.5))
	w.do(r.f.SetPanes(sheet, &excelize.Panes{
		Freeze: true, XSplit: 2, YSplit: summarySheetHeaderRow, TopLeftCell: cellName(3, summarySheetFirstRow), ActivePane: "bottomRight",
	}))
	if w.err != nil {
		return w.err
	}
	if regions > 0 {
		pct := summaryCol(pipeline.SumPct)
		pctRange := cellName(pct, summarySheetFirstRow) + ":" + cellName(pct, summarySheetFirstRow+regions-1)
		w.do(r.f.SetConditionalFormat(sheet, pctRange, []excelize.ConditionalFormatOptions{{
			Type: "3_color_scale", Criteria: "=",
			MinType: "num", MinValue: "50", MinColor: "#F8696B",
			MidType: "num", MidValue: "80", MidColor: "#FFEB84",
			MaxType: "num", MaxValue: "100", MaxColor: "#63BE7B",
		}}))
		w.do(r.addChart(sheet, regions, row+4))
	}
	w.do(r.printSetup(sheet))
	return w.err
}

// summaryCol is the 1-based sheet column of a summary column: the summary
// sheet lays the columns out in pipeline.SummarySchema's order.
func summaryCol(name string) int {
	return pipeline.SummarySchema.FieldIndices(name)[0] + 1
}

func cellName(col, row int) string {
	s, _ := excelize.CoordinatesToCellName(col, row)
	return s
}

// addChart puts a clustered bar chart of needs against stock per region
// below the table, at row at.
func (r *Report) addChart(sheet string, regions, at int) error {
	ref := func(col int) string {
		c, _ := excelize.ColumnNumberToName(col)
		return fmt.Sprintf("%s!$%s$%d:$%s$%d", quoteSheet(sheet), c, summarySheetFirstRow, c, summarySheetFirstRow+regions-1)
	}
	head := func(col int) string {
		c, _ := excelize.ColumnNumberToName(col)
		return fmt.Sprintf("%s!$%s$%d", quoteSheet(sheet), c, summarySheetHeaderRow)
	}
	series := []struct {
		col   int
		color string
	}{
		{summaryCol(pipeline.SumNeedsPrint), "2E75B6"},
		{summaryCol(pipeline.SumNeedsRecording), "ED7D31"},
		{summaryCol(pipeline.SumStock), "70AD47"},
	}
	var ss []excelize.ChartSeries
	for _, s := range series {
		ss = append(ss, excelize.ChartSeries{
			Name: head(s.col), Categories: ref(summaryCol(pipeline.SumRegionName)), Values: ref(s.col),
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{s.color}},
		})
	}
	height := uint(120 + 22*regions*len(series)/2)
	if height < 320 {
		height = 320
	}
	return r.f.AddChart(sheet, cellName(1, at), &excelize.Chart{
		Type:      excelize.Bar,
		Series:    ss,
		Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: r.lb.chartTitle, Font: &excelize.Font{Bold: true, Size: 12}}}},
		Legend:    excelize.ChartLegend{Position: "bottom"},
		Dimension: excelize.ChartDimension{Width: 900, Height: height},
		XAxis:     excelize.ChartAxis{ReverseOrder: true, Font: excelize.Font{Color: "404040", Size: 9}},
		YAxis: excelize.ChartAxis{MajorGridLines: true, NumFmt: excelize.ChartNumFmt{CustomNumFmt: "#,##0"},
			Font: excelize.Font{Color: "404040", Size: 9}},
		Format: excelize.GraphicOptions{OffsetX: 5, OffsetY: 5},
	})
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
