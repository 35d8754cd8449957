package sink

// Laying out the workbook and writing it: excelize builds every sheet but
// the lists' rows — the summary and allocation sheets whole, each list
// sheet with its header, column widths, frozen header, table and print
// setup — and assemble copies its parts into the output, splicing each
// list's stored rows into its sheet and putting right what excelize
// leaves out (a true dimension, ascending column definitions, Excel's
// "number stored as text" flags on NIK and code columns). The lists'
// rows refer to the run's shared string table (xlsxstrings.go): it goes
// first in xl/sharedStrings.xml, excelize's strings after it, and every
// cell excelize wrote with a shared string is moved by the table's
// length.

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/klauspost/compress/flate"
	"github.com/xuri/excelize/v2"
)

// maxListRows is the number of data rows a list sheet holds: Excel's
// 1,048,576 rows, less the header.
const maxListRows = excelize.TotalRows - 1

// listPart is what goes into one list sheet: rows [from, to) of a store.
type listPart struct {
	store    *rowStore
	from, to int
	cols     []colSpec
}

// sheetFix is what assemble adds to a sheet excelize wrote.
type sheetFix struct {
	list     *listPart
	lastRow  int      // the sheet's last row, for its dimension
	lastCol  int      // the sheet's last column
	textCols []string // ranges of digits stored as text, e.g. "A2:A100"
}

// layout builds the workbook's sheets in order and returns, per sheet,
// what assemble must add.
func (r *Report) layout() (map[string]*sheetFix, error) {
	names := r.sheetNames()
	f := r.f
	if err := f.SetSheetName(f.GetSheetName(0), names[0]); err != nil {
		return nil, err
	}
	fixes := map[string]*sheetFix{}
	perSheet := r.listRows()
	for k := listKind(0); k < numLists; k++ {
		s := r.stores[k]
		s.order()
		n := s.rows()
		sheets := max(1, (n+perSheet-1)/perSheet)
		for j := range sheets {
			name := names[k+1]
			if j > 0 {
				name = fmt.Sprintf("%s (%d)", names[k+1], j+1)
				r.findings.ContinuedSheets = append(r.findings.ContinuedSheets, name)
			}
			if _, err := f.NewSheet(name); err != nil {
				return nil, err
			}
			part := &listPart{store: s, from: j * perSheet, to: min(n, (j+1)*perSheet), cols: s.cols}
			outside := 0
			if part.to == n {
				outside = r.outsideRows[k]
			}
			fix, err := r.layoutList(name, part, outside)
			if err != nil {
				return nil, fmt.Errorf("sheet %q: %w", name, err)
			}
			fixes[name] = fix
		}
	}
	if _, err := f.NewSheet(r.lb.sheetAllocation); err != nil {
		return nil, err
	}
	ganda, err := r.gandaStore()
	if err != nil {
		return nil, err
	}
	r.extra = append(r.extra, ganda)
	if _, err := f.NewSheet(r.lb.sheetGanda); err != nil {
		return nil, err
	}
	fix, err := r.layoutList(r.lb.sheetGanda, &listPart{store: ganda, to: ganda.rows(), cols: ganda.cols}, 0)
	if err != nil {
		return nil, fmt.Errorf("sheet %q: %w", r.lb.sheetGanda, err)
	}
	fixes[r.lb.sheetGanda] = fix
	f.SetActiveSheet(0)
	if err := r.fillSummary(); err != nil {
		return nil, fmt.Errorf("sheet %q: %w", r.lb.sheetSummary, err)
	}
	if err := r.fillAllocation(); err != nil {
		return nil, fmt.Errorf("sheet %q: %w", r.lb.sheetAllocation, err)
	}
	if err := r.gandaNote(); err != nil {
		return nil, fmt.Errorf("sheet %q: %w", r.lb.sheetSummary, err)
	}
	for _, name := range []string{r.lb.sheetSummary, r.lb.sheetAllocation} {
		rows, err := f.GetRows(name)
		if err != nil {
			return nil, err
		}
		// Column A holds the region codes.
		fixes[name] = &sheetFix{textCols: []string{"A1:A" + strconv.Itoa(max(1, len(rows)))}}
	}
	if err := r.layoutHistory(fixes); err != nil {
		return nil, err
	}
	for _, s := range r.stores {
		r.findings.CutTexts += s.cut
	}
	return fixes, r.docProps()
}

// listRows is the number of data rows per list sheet.
func (r *Report) listRows() int {
	if r.maxRows > 0 {
		return r.maxRows
	}
	return maxListRows
}

// layoutList lays out one list sheet: header, widths, frozen header,
// table (or a note that the list is empty), a note on the persons outside
// the province it holds, print setup.
func (r *Report) layoutList(name string, part *listPart, outside int) (*sheetFix, error) {
	f, s := r.f, part.store
	w := &cellWriter{f: f, sheet: name}
	n := part.to - part.from
	for i, c := range part.cols {
		w.set(i+1, 1, c.label, r.st.header)
		col, _ := excelize.ColumnNumberToName(i + 1)
		w.do(f.SetColWidth(name, col, col, s.widths[i]))
	}
	w.do(f.SetRowHeight(name, 1, 30))
	w.do(f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}))
	last := len(part.cols)
	lastCol, _ := excelize.ColumnNumberToName(last)
	fix := &sheetFix{list: part, lastRow: n + 1, lastCol: last}
	if n == 0 {
		w.set(1, 2, r.lb.none, r.st.none)
		fix.lastRow = 2
	} else {
		w.do(f.AddTable(name, &excelize.Table{
			Range: "A1:" + lastCol + strconv.Itoa(n+1), Name: tableName(name), StyleName: "TableStyleLight9",
		}))
		for i, c := range part.cols {
			if c.digits {
				col, _ := excelize.ColumnNumberToName(i + 1)
				fix.textCols = append(fix.textCols, fmt.Sprintf("%s2:%s%d", col, col, n+1))
			}
		}
	}
	if outside > 0 {
		note := fmt.Sprintf(r.lb.outsideNote, r.thousands(int64(outside)))
		w.set(1, fix.lastRow+2, note, r.st.note)
		fix.lastRow += 2
	}
	if w.err != nil {
		return nil, w.err
	}
	return fix, r.printSetupList(name, s.widths)
}

// printSetupList prints a list on A4 landscape at a readable size: fitted
// to one page wide when that keeps the 11 pt text at 8 pt or more,
// otherwise at 73 % (8 pt) across as many pages as it takes, page by page
// across before down, the header row and the first two columns (NIK,
// name) repeated on every page.
func (r *Report) printSetupList(name string, widths []float64) error {
	// A4 landscape less the default margins is about 261 mm; a column of
	// w characters is about 7w + 5 pixels at 96 dpi (0.2646 mm each). At
	// 11 pt, 8 pt is a scale of 8/11.
	px := 0.0
	for _, w := range widths {
		px += 7*w + 5
	}
	fits := px*0.2646 <= 261*11.0/8.0
	landscape, a4, one, any, across, readable := "landscape", 9, 1, 0, "overThenDown", uint(73)
	if err := r.f.SetSheetProps(name, &excelize.SheetPropsOptions{FitToPage: &fits}); err != nil {
		return err
	}
	layout := &excelize.PageLayoutOptions{Size: &a4, Orientation: &landscape}
	if fits {
		layout.FitToWidth, layout.FitToHeight = &one, &any
	} else {
		layout.AdjustTo, layout.PageOrder = &readable, &across
	}
	if err := r.f.SetPageLayout(name, layout); err != nil {
		return err
	}
	titles := quoteSheet(name) + "!$1:$1"
	if !fits {
		titles = quoteSheet(name) + "!$A:$B," + titles
	}
	if err := r.f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: titles, Scope: name}); err != nil {
		return err
	}
	return r.f.SetHeaderFooter(name, &excelize.HeaderFooterOptions{OddFooter: r.lb.footer})
}

// docProps sets the document properties: the title with the province
// (and the regency of a regency's workbook), the as-of date, the run.
func (r *Report) docProps() error {
	title := r.lb.title
	if p := r.provinceName(); p != "" {
		title += " — " + p
	}
	if r.info.Scope != "" {
		title += " — " + r.regionName(r.info.Scope)
	}
	created := r.info.RunTime
	if created.IsZero() {
		created = time.Now()
	}
	return r.f.SetDocProps(&excelize.DocProperties{
		Title:       title,
		Subject:     r.lb.title,
		Description: fmt.Sprintf(r.lb.docDescription, r.info.AsOf.Format(time.DateOnly), created.UTC().Format(time.RFC3339)),
		Creator:     "readiness",
		Created:     created.UTC().Format(time.RFC3339),
		Modified:    created.UTC().Format(time.RFC3339),
		Language:    r.lb.lang,
	})
}

// sstPart is where excelize puts the shared string table.
const sstPart = "xl/sharedStrings.xml"

// assemble writes the workbook to w: excelize's parts as they are, but
// the worksheets, which get their fixes, for the lists their rows, and
// their shared strings moved after the lists' table, and the shared
// string part, written last with its counts.
func (r *Report) assemble(w io.Writer, fixes map[string]*sheetFix) error {
	var buf bytes.Buffer
	if _, err := r.f.WriteTo(&buf); err != nil {
		return err
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		return err
	}
	sheetOf, err := sheetParts(zr)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(w)
	// Speed over size: level 1 deflates the lists several times faster
	// than the default for a file about a fifth larger. klauspost's
	// flate (already in the build through Arrow's Parquet) is about a
	// third faster than the standard library's at level 1 and smaller
	// (1M rows: report.xlsx 43.4 MB against 47.0).
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestSpeed)
	})
	strs := &sharedStrings{table: r.sst}
	if r.sst == nil {
		strs.table = &stringTable{}
	}
	strs.shift = strs.table.len()
	for _, s := range append(r.stores[:], r.extra...) {
		strs.refs += s.shared
	}
	var sst *zip.File
	for _, zf := range zr.File {
		sheet, isSheet := sheetOf[zf.Name]
		switch {
		case zf.Name == sstPart:
			sst = zf
		case isSheet:
			if err := r.writeSheet(zw, zf, fixes[sheet], strs); err != nil {
				return fmt.Errorf("sheet %q: %w", sheet, err)
			}
		default:
			if err := zw.Copy(zf); err != nil {
				return err
			}
		}
	}
	if sst == nil {
		return fmt.Errorf("workbook has no %s", sstPart)
	}
	if err := strs.write(zw, sst); err != nil {
		return fmt.Errorf("%s: %w", sstPart, err)
	}
	return zw.Close()
}

// sharedStrings is what assemble needs to write a workbook's shared
// strings: the lists' table, put first, and the cells referring to it;
// excelize's strings are moved by shift (the table's length) and their
// cells counted as the worksheets go by (excelize's own count is that of
// its strings, not of the cells).
type sharedStrings struct {
	table *stringTable
	shift int
	refs  int // cells referring to a shared string, the lists' and excelize's
}

// sharedCellRE is a cell excelize wrote with a shared string, its index
// the second submatch.
var sharedCellRE = regexp.MustCompile(`(<c\b[^>]*\st="s"[^>]*>)<v>(\d+)</v>`)

// move moves the shared strings of a worksheet excelize wrote (without
// the lists' rows) after the lists' table and counts them.
func (s *sharedStrings) move(doc string) (string, error) {
	n := 0
	doc = sharedCellRE.ReplaceAllStringFunc(doc, func(c string) string {
		m := sharedCellRE.FindStringSubmatchIndex(c)
		i, _ := strconv.Atoi(c[m[4]:m[5]])
		n++
		return c[:m[4]] + strconv.Itoa(i+s.shift) + c[m[5]:]
	})
	if want := strings.Count(doc, ` t="s"`); n != want {
		return "", fmt.Errorf("%d of %d shared string cells understood", n, want)
	}
	s.refs += n
	return doc, nil
}

// partText is a part of the workbook excelize wrote, inflated.
func partText(zf *zip.File) (string, error) {
	rc, err := zf.Open()
	if err != nil {
		return "", err
	}
	src, err := io.ReadAll(rc)
	if cerr := rc.Close(); err == nil {
		err = cerr
	}
	return string(src), err
}

// sstOpenRE is the opening tag of the shared string part excelize wrote.
var sstOpenRE = regexp.MustCompile(`<sst\b[^>]*?\suniqueCount="(\d+)"[^>]*>`)

// write writes the shared string part: the lists' table, then the
// strings of excelize's part zf, with the counts of both.
func (s *sharedStrings) write(zw *zip.Writer, zf *zip.File) error {
	doc, err := partText(zf)
	if err != nil {
		return err
	}
	open := sstOpenRE.FindStringSubmatchIndex(doc)
	end := strings.LastIndex(doc, "</sst>")
	if open == nil || end < open[1] {
		return fmt.Errorf("shared string table not understood")
	}
	theirs := doc[open[1]:end]
	unique, _ := strconv.Atoi(doc[open[2]:open[3]])
	if n := strings.Count(theirs, "<si>"); n != unique {
		return fmt.Errorf("%d shared strings, %d counted", n, unique)
	}
	hdr := zf.FileHeader
	hdr.Method, hdr.Flags, hdr.CRC32, hdr.CompressedSize64, hdr.UncompressedSize64 = zip.Deflate, 0, 0, 0, 0
	w, err := zw.CreateHeader(&hdr)
	if err != nil {
		return err
	}
	head := xml.Header + `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="` +
		strconv.Itoa(s.refs) + `" uniqueCount="` + strconv.Itoa(s.table.len()+unique) + `">`
	if _, err := io.WriteString(w, head); err != nil {
		return err
	}
	if _, err := w.Write(s.table.xml); err != nil {
		return err
	}
	_, err = io.WriteString(w, theirs+"</sst>")
	return err
}

// sheetParts maps each worksheet part of the workbook to its sheet name.
func sheetParts(zr *zip.Reader) (map[string]string, error) {
	read := func(name string, v any) error {
		f, err := zr.Open(name)
		if err != nil {
			return err
		}
		defer func() { _ = f.Close() }() // in memory
		return xml.NewDecoder(f).Decode(v)
	}
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			ID   string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := read("xl/workbook.xml", &wb); err != nil {
		return nil, err
	}
	if err := read("xl/_rels/workbook.xml.rels", &rels); err != nil {
		return nil, err
	}
	target := map[string]string{}
	for _, rel := range rels.Rels {
		t := rel.Target
		if !strings.HasPrefix(t, "/") {
			t = path.Join("xl", t)
		}
		target[rel.ID] = strings.TrimPrefix(t, "/")
	}
	out := map[string]string{}
	for _, s := range wb.Sheets {
		out[target[s.ID]] = s.Name
	}
	return out, nil
}

var (
	dimensionRE = regexp.MustCompile(`<dimension ref="[^"]*"\s*(/>|></dimension>)`)
	colsRE      = regexp.MustCompile(`(?s)<cols>(.*?)</cols>`)
	colRE       = regexp.MustCompile(`<col [^>]*?min="(\d+)"[^>]*?(/>|></col>)`)
	// Elements that follow ignoredErrors in a worksheet (CT_Worksheet).
	afterIgnoredRE = regexp.MustCompile(`<(smartTags|drawing|legacyDrawing|legacyDrawingHF|drawingHF|picture|oleObjects|controls|webPublishItems|tableParts|extLst)[ >/]|</worksheet>`)
)

// writeSheet writes one worksheet part with its fixes (nil: none), its
// shared strings moved after the lists' table.
func (r *Report) writeSheet(zw *zip.Writer, zf *zip.File, fix *sheetFix, strs *sharedStrings) error {
	doc, err := partText(zf)
	if err != nil {
		return err
	}
	if doc, err = strs.move(doc); err != nil {
		return err
	}
	if fix == nil {
		fix = &sheetFix{}
	} else {
		doc = colsRE.ReplaceAllStringFunc(doc, sortCols)
	}
	if fix.list != nil {
		lastCol, _ := excelize.ColumnNumberToName(fix.lastCol)
		doc = dimensionRE.ReplaceAllLiteralString(doc, `<dimension ref="A1:`+lastCol+strconv.Itoa(fix.lastRow)+`"/>`)
	}
	if len(fix.textCols) > 0 {
		loc := afterIgnoredRE.FindStringIndex(doc)
		if loc == nil {
			return fmt.Errorf("worksheet XML has no end")
		}
		ignored := `<ignoredErrors><ignoredError sqref="` + strings.Join(fix.textCols, " ") + `" numberStoredAsText="1"/></ignoredErrors>`
		doc = doc[:loc[0]] + ignored + doc[loc[0]:]
	}
	hdr := zf.FileHeader
	hdr.Method, hdr.Flags, hdr.CRC32, hdr.CompressedSize64, hdr.UncompressedSize64 = zip.Deflate, 0, 0, 0, 0
	if fix.list == nil {
		w, err := zw.CreateHeader(&hdr)
		if err != nil {
			return err
		}
		_, err = io.WriteString(w, doc)
		return err
	}
	// The list's rows go right after the header row, before any note
	// excelize wrote below where the list ends.
	data := strings.Index(doc, "<sheetData>")
	if data < 0 {
		return fmt.Errorf("worksheet XML has no sheetData")
	}
	header := strings.Index(doc[data:], "</row>")
	if header < 0 {
		return fmt.Errorf("worksheet XML has no header row")
	}
	at := data + header + len("</row>")
	if fix.list.store.runs != nil {
		return writeSharedSheet(zw, &hdr, doc[:at], fix.list, doc[at:])
	}
	w, err := zw.CreateHeader(&hdr)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, doc[:at]); err != nil {
		return err
	}
	if err := fix.list.store.writeRows(w, fix.list.from, fix.list.to); err != nil {
		return err
	}
	_, err = io.WriteString(w, doc[at:])
	return err
}

// writeSharedSheet writes a list sheet whose rows hold runs shared with
// another workbook (xlsxshare.go): head, the rows, tail, deflated as one
// stream around the runs' segments, as a raw entry whose CRC-32 and
// sizes follow it in a data descriptor (flag 8).
func writeSharedSheet(zw *zip.Writer, hdr *zip.FileHeader, head string, list *listPart, tail string) error {
	hdr.Flags = 0x8
	raw, err := zw.CreateRaw(hdr)
	if err != nil {
		return err
	}
	w, err := newSegmentWriter(raw)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, head); err != nil {
		return err
	}
	if err := list.store.writeRuns(w, list.from, list.to); err != nil {
		return err
	}
	if _, err := io.WriteString(w, tail); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	// The zip writer reads these when the entry ends (at the next entry
	// or its Close), for the data descriptor and the central directory.
	hdr.CRC32, hdr.CompressedSize64, hdr.UncompressedSize64 = w.crc, uint64(w.out.n), uint64(w.n)
	// The 32-bit sizes are what the writer puts in a data descriptor and
	// directory entry without ZIP64; it sets them itself only for the
	// entries it deflates.
	hdr.CompressedSize, hdr.UncompressedSize = uint32(min(w.out.n, uint32max)), uint32(min(w.n, uint32max)) //nolint:staticcheck // see above
	if w.out.n >= uint32max || w.n >= uint32max {
		hdr.ReaderVersion = 45 // ZIP64, as archive/zip marks it
	}
	return nil
}

// uint32max is the largest size a zip header holds without ZIP64.
const uint32max = 1<<32 - 1

// sortCols puts a <cols> element's column definitions in ascending order,
// as Excel expects.
func sortCols(cols string) string {
	defs := colRE.FindAllStringSubmatch(cols, -1)
	slices.SortStableFunc(defs, func(a, b []string) int {
		x, _ := strconv.Atoi(a[1])
		y, _ := strconv.Atoi(b[1])
		return x - y
	})
	var b strings.Builder
	b.WriteString("<cols>")
	for _, d := range defs {
		b.WriteString(d[0])
	}
	b.WriteString("</cols>")
	return b.String()
}
