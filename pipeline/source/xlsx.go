package source

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/klauspost/compress/flate"
	"github.com/xuri/excelize/v2"

	"readiness/pipeline"
)

// readXLSX reads a workbook. excelize opens it and checks it, and keeps
// every part but the worksheets inflated in memory (the unzip limits
// bound how much); each worksheet is read once, a window at a time, when
// the workbook opens (fastpart.go), and held only if excelize must read
// it. Each sheet's rows then come from the fast reader (fastsheet.go), a
// byte-level scan of the sheet part, which gives the same cells as
// excelize's streaming Rows with RawCellValue. What the fast reader does
// not take (a shared strings part it cannot read, a sheet part failing
// the byte checks, anything unusual from some row on) excelize reads:
// Rows with RawCellValue (a 16-digit NIK in a text cell stays intact, a
// date cell is its serial number), and what Rows does not tell (cell
// types, formulas without a cached value) from sheetScanner walking the
// same part in step (sheetxml.go).
func (s *reader) readXLSX(ctx context.Context, mem memory.Allocator, in pipeline.Input, batchSize int, emit func(arrow.Record, pipeline.Originals) error) (_ []pipeline.SheetResult, err error) {
	total, part := s.opts.limits()
	data, whole, size, done, err := readInput(in, total)
	if err != nil {
		return nil, err
	}
	defer done()
	head := make([]byte, min(size, 64))
	if _, err := data.ReadAt(head, 0); err != nil && err != io.EOF {
		return nil, openErr(in.Path, err)
	}
	switch {
	case size == 0:
		return nil, unreadable(in.Path, "empty file")
	case bytes.HasPrefix(head, magicOLE):
		return nil, unreadable(in.Path, "binary .xls or password-protected workbook; save it as an unprotected .xlsx")
	case notSpreadsheet(head) != "":
		return nil, unreadable(in.Path, notSpreadsheet(head))
	case !bytes.HasPrefix(head, magicZip):
		return nil, unreadable(in.Path, "not an xlsx workbook (not a zip archive)")
	}
	if whole != nil {
		data = bytes.NewReader(whole) // what inflater knows the parts' bytes by
	}
	zr, err := zip.NewReader(data, size)
	if err != nil {
		return nil, unreadable(in.Path, "corrupt zip archive")
	}
	zr.RegisterDecompressor(zip.Deflate, inflater(data, whole))
	parts := make(map[string]*zip.File, len(zr.File))
	var sum uint64
	for _, zf := range zr.File {
		name := strings.ReplaceAll(zf.Name, "\\", "/")
		if zf.UncompressedSize64 > uint64(part) {
			return nil, unreadable(in.Path, fmt.Sprintf("part %s inflates to %s, over the limit of %s per part (half the %s unzip limit); not inflated",
				name, mib(zf.UncompressedSize64), mib(uint64(part)), mib(uint64(total))))
		}
		if sum += zf.UncompressedSize64; sum > uint64(total) {
			return nil, unreadable(in.Path, fmt.Sprintf("workbook inflates to over the %s unzip limit; not inflated", mib(uint64(total))))
		}
		parts[name] = zf
	}
	sheets, err := workbookSheets(parts)
	if err != nil {
		return nil, unreadable(in.Path, "not an xlsx workbook: "+err.Error())
	}
	if len(sheets) == 0 {
		return nil, unreadable(in.Path, "workbook has no worksheets")
	}

	// Every part is within the per-part limit (checked above), so excelize
	// keeps them all in memory, where the fast reader finds them; the
	// worksheets are read once here and held only when excelize reads them.
	f, worksheets, err := openWorkbook(zr, excelize.Options{
		RawCellValue:      true,
		UnzipSizeLimit:    total,
		UnzipXMLSizeLimit: part,
		TmpDir:            s.opts.TmpDir,
	})
	if err != nil {
		return nil, unreadable(in.Path, "cannot open workbook: "+err.Error())
	}
	// Close removes excelize's temporary files. They hold personal data:
	// one left behind is an error of the run, not of the input.
	defer func() {
		if cerr := f.Close(); cerr != nil {
			err = errors.Join(err, fmt.Errorf("removing the temporary files of %s: %w", in.Path, cerr))
		}
	}()
	var sst *sharedStrings
	if !s.excelizeOnly {
		sst = fastSST(f, sheets)
	}
	window, limit := partWindow, maxWindow
	if s.window > 0 {
		window, limit = s.window, s.windowLimit
	}
	reads, err := readParts(worksheets, parts, sheets, sst, window, limit)
	if err != nil {
		return nil, unreadable(in.Path, "cannot open workbook: "+err.Error())
	}
	dates := workbookDates(f)

	b := newBatch(ctx, mem, batchSize, emit)
	defer b.release()
	var (
		results                []pipeline.SheetResult
		read, noHeader, broken int
	)
	for _, sh := range sheets {
		if err := ctx.Err(); err != nil {
			return results, err
		}
		st := &sheetRows{file: in.Path, sheet: sh.name, b: b, dates: dates}
		err := readSheet(f, sst, parts[sh.part], sh.part, reads[sh.part], st)
		res := st.res
		res.Hidden = sh.hidden
		results = append(results, res)
		if err != nil {
			return results, err
		}
		switch {
		case res.Err == nil || res.DataRows > 0:
			read++
		case errors.Is(res.Err, pipeline.ErrNoHeader):
			noHeader++
		default:
			broken++
		}
	}
	if err := b.flush(); err != nil {
		return results, err
	}
	if read == 0 {
		sentinel := pipeline.ErrNoHeader
		if noHeader == 0 {
			sentinel = pipeline.ErrUnreadable
		}
		return results, &pipeline.InputError{File: in.Path, Err: fmt.Errorf("no sheet could be read: %w", sentinel)}
	}
	return results, nil
}

// openWorkbook opens a workbook with excelize, which keeps every part
// inflated in memory (File.Pkg). excelize inflates a part into a buffer
// of its size that doubles as it meets the part's end (bytes.Buffer's
// ReadFrom wants room to spare), after copying the whole file: a
// workbook of a 62 MB sheet held 124 MB for it, two such workbooks being
// read at once. So excelize opens a copy of the archive whose worksheet
// parts (those excelize counts as worksheets, returned in archive order)
// are empty. readParts then reads each of them once; holdPart puts one
// in File.Pkg, in place of the empty part, for excelize to read it.
func openWorkbook(zr *zip.Reader, opts excelize.Options) (*excelize.File, []*zip.File, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	var sheets []*zip.File
	for _, zf := range zr.File {
		if !strings.HasPrefix(strings.ToLower(strings.ReplaceAll(zf.Name, "\\", "/")), "xl/worksheets/sheet") {
			if err := zw.Copy(zf); err != nil {
				return nil, nil, err
			}
			continue
		}
		sheets = append(sheets, zf)
		if _, err := zw.CreateHeader(&zip.FileHeader{Name: zf.Name, Method: zip.Store}); err != nil {
			return nil, nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, nil, err
	}
	f, err := excelize.OpenReader(&buf, opts)
	if err != nil {
		return nil, nil, err
	}
	return f, sheets, nil
}

// readParts makes the pass of readPart over each worksheet part
// openWorkbook left out of excelize's copy, in archive order, scanning
// those a sheet reads (parts, by name, and sheets) when sst is not nil,
// through a window of window bytes at first, grown to hold a stretch of
// limit bytes (partWindow, maxWindow). The error is the first part's
// whose deflate stream is corrupt: excelize would not have opened the
// workbook. The passes are returned by part name.
func readParts(worksheets []*zip.File, parts map[string]*zip.File, sheets []wbSheet, sst *sharedStrings, window, limit int) (map[string]*partRead, error) {
	reads := make(map[string]*partRead, len(worksheets))
	for _, zf := range worksheets {
		name := strings.ReplaceAll(zf.Name, "\\", "/")
		uses := 0
		for _, sh := range sheets {
			if sh.part == name && parts[name] == zf {
				uses++
			}
		}
		scanSST := sst
		if uses == 0 {
			scanSST = nil
		}
		pr, err := readPart(zf, scanSST, window, limit)
		if err != nil {
			return nil, err
		}
		if uses > 0 {
			pr.sheetsLeft = uses
			reads[name] = pr
		}
	}
	return reads, nil
}

// holdPart inflates a worksheet part openWorkbook left empty and puts it
// in File.Pkg, where excelize reads it: the bytes excelize would hold,
// what inflates before a corrupt stream's error included (readParts
// found none). A part held already is returned as it is.
func holdPart(f *excelize.File, zf *zip.File, name string) []byte {
	if v, ok := f.Pkg.Load(name); ok {
		if x, _ := v.([]byte); len(x) > 0 {
			return x
		}
	}
	x, _ := inflatePart(zf)
	f.Pkg.Store(name, x)
	return x
}

// inflatePart inflates a part of at most the per-part limit (checked by
// the caller) as excelize does: it reads the part to the end of its
// stream, keeps what inflates before an error reading it, and fails with
// the error opening or closing it (a corrupt deflate stream).
func inflatePart(zf *zip.File) ([]byte, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	x := make([]byte, zf.UncompressedSize64)
	n, err := io.ReadFull(rc, x)
	if err == nil {
		_, _ = io.Copy(io.Discard, rc) // to the stream's end, where its errors show
	}
	return x[:n], rc.Close()
}

// fastSST returns the workbook's shared strings for the fast reader, nil
// when it must leave the workbook to excelize: shared strings it does not
// read exactly as excelize does, or sheet names excelize would confuse
// (it looks sheets up by name, case-insensitively).
func fastSST(f *excelize.File, sheets []wbSheet) *sharedStrings {
	for i := range sheets {
		for j := range i {
			if strings.EqualFold(sheets[i].name, sheets[j].name) {
				return nil
			}
		}
	}
	// excelize reads the shared strings from this fixed path, whatever
	// the workbook's relationships say.
	x, _ := f.Pkg.Load("xl/sharedStrings.xml")
	b, _ := x.([]byte)
	sst, ok := parseSST(b)
	if !ok {
		return nil
	}
	return sst
}

// sheetRows turns the rows of one sheet, from whichever reader, into data
// rows: title rows and the header first, then data rows into the batch.
type sheetRows struct {
	file, sheet string
	b           *batch
	dates       *dateShift // the workbook's date cells need moving to the 1900 system; nil if not
	res         pipeline.SheetResult
	lay         *layout
	nonBlank    bool
	lost        bool // a row read as blank holds cells with a value
	warns       []string
}

// row takes one row: n its sheet row number, cells as excelize's Rows
// gives them, meta what sheetScanner tells of its cells. stop means the
// sheet's result is known; err (from emit or ctx) stops the file.
func (st *sheetRows) row(n int, cells []string, meta []cellMeta) (stop bool, err error) {
	if st.dates != nil {
		st.dates.apply(cells, meta)
	}
	if isBlank(cells) {
		for _, c := range meta {
			st.lost = st.lost || c.value && (c.col >= len(cells) || cells[c.col] == "")
		}
		return false, nil
	}
	st.nonBlank = true
	if st.lay == nil {
		m, ok := MatchHeader(cells)
		if !ok {
			return false, nil // a title row
		}
		if miss := missingRequired(m); len(miss) > 0 {
			st.res.Err = &pipeline.InputError{File: st.file, Sheet: st.sheet, Row: n, Err: &MissingColumnsError{Columns: miss}}
			return true, nil
		}
		st.lay = newLayout(st.file, st.sheet, cells, m)
		return false, nil
	}
	lay := st.lay
	nikNumeric := false
	st.warns = st.warns[:0]
	for _, c := range meta {
		if c.formula && !c.value {
			st.warns = appendOnce(st.warns, pipeline.WarnFormulaNoCache)
		}
		if c.col == lay.nik && c.numeric && c.value && lay.nik < len(cells) && cells[lay.nik] != "" {
			nikNumeric = true
		}
	}
	if err := st.b.add(lay, n, cells, nikNumeric, st.warns); err != nil {
		return true, err
	}
	st.res.DataRows++
	return false, nil
}

// finish sets the result of a sheet read to its end.
func (st *sheetRows) finish() {
	switch {
	case st.res.Err != nil || st.lay != nil:
	case !st.nonBlank && st.lost:
		// excelize drops a cell whose value it cannot resolve (a shared
		// string that is missing) without an error.
		st.res.Err = sheetUnreadable(st.file, st.sheet, 0, "the sheet's cells hold values that cannot be read (shared strings missing or broken)")
	case !st.nonBlank:
		st.res.Err = &pipeline.InputError{File: st.file, Sheet: st.sheet, Err: fmt.Errorf("empty sheet: %w", pipeline.ErrNoHeader)}
	default:
		st.res.Err = &pipeline.InputError{File: st.file, Sheet: st.sheet, Err: pipeline.ErrNoHeader}
	}
}

// readSheet streams one sheet into st: the fast reader first, excelize
// for what it leaves. pr is the pass of readParts over the sheet's part,
// nil for a part excelize holds whole (not named as a worksheet). A
// problem of the sheet goes into st.res; the returned error (from emit or
// ctx) stops the file.
func readSheet(f *excelize.File, sst *sharedStrings, zf *zip.File, partName string, pr *partRead, st *sheetRows) error {
	st.res = pipeline.SheetResult{Name: st.sheet}
	if zf == nil {
		st.res.Err = sheetUnreadable(st.file, st.sheet, 0, "worksheet part is missing")
		return nil
	}
	var x []byte
	switch {
	case pr != nil && pr.regular:
		pr.sheetsLeft--
		if !pr.scanned {
			holdPart(f, zf, partName)
			return readSheetExcelize(f, zf, nil, st, 0)
		}
		st.b.expect(pr.hint)
		st.b.validUTF8 = true
		done, last, err := pr.log.replay(sst, st.row, pr.done, pr.last, pr.sheetsLeft == 0)
		return fastRead(f, zf, partName, st, done, last, err)
	case pr != nil:
		x = holdPart(f, zf, partName)
	default:
		if v, ok := f.Pkg.Load(partName); ok {
			x, _ = v.([]byte)
		}
	}
	if sst == nil || len(x) == 0 || !fastChecked(x) {
		return readSheetExcelize(f, zf, nil, st, 0)
	}
	st.b.expect(sheetRowsHint(x))
	st.b.validUTF8 = true
	done, last, err := scanRows(x, sst, st.row)
	return fastRead(f, zf, partName, st, done, last, err)
}

// fastRead ends a sheet the fast reader read (done, last and err as
// scanRows returns them): its result, or excelize reading on from the row
// after last.
func fastRead(f *excelize.File, zf *zip.File, partName string, st *sheetRows, done bool, last int, err error) error {
	st.b.expect(0)
	st.b.validUTF8 = false
	if err != nil || done {
		if err == nil {
			st.finish()
		}
		return err
	}
	return readSheetExcelize(f, zf, holdPart(f, zf, partName), st, last)
}

// readSheetExcelize streams a sheet through excelize's Rows, with
// sheetScanner over the same part (x, or zf inflated) for the cell types.
// Rows numbered up to skip were read by the fast reader already, from x,
// which passed checkPart's tests; with skip 0 and x nil it reads the
// whole sheet and runs checkPart first.
func readSheetExcelize(f *excelize.File, zf *zip.File, x []byte, st *sheetRows, skip int) error {
	file, sheet := st.file, st.sheet
	if x == nil {
		if err := checkPart(zf); err != nil {
			st.res.Err = sheetUnreadable(file, sheet, 0, err.Error())
			return nil
		}
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		st.res.Err = sheetUnreadable(file, sheet, 0, "cannot read worksheet")
		return nil
	}
	// Close reports rows.Error(), checked after the loop, or closes a
	// temporary file excelize only reads.
	defer func() { _ = rows.Close() }()
	var part io.Reader = bytes.NewReader(x)
	if x == nil {
		rc, err := zf.Open()
		if err != nil {
			st.res.Err = sheetUnreadable(file, sheet, 0, "cannot read worksheet")
			return nil
		}
		defer func() { _ = rc.Close() }() // read only
		part = rc
	}
	scan := newSheetScanner(part)

	n := 0
	for rows.Next() {
		n++ // Next stops at every row number, gaps included
		if n <= skip {
			continue // read by the fast reader
		}
		cells, err := rows.Columns()
		if err != nil {
			st.res.Err = sheetUnreadable(file, sheet, n, "cell cannot be read")
			return nil
		}
		if stop, err := st.row(n, cells, scan.at(n)); stop || err != nil {
			return err
		}
	}
	if err := rows.Error(); err != nil {
		st.res.Err = sheetUnreadable(file, sheet, n+1, "the rows from here on cannot be read: "+err.Error())
		return nil
	}
	if last := scan.rest(); last > n || scan.err != nil {
		st.res.Err = sheetUnreadable(file, sheet, n+1, "sheet XML is malformed; the rows from here on were not read")
		return nil
	}
	st.finish()
	return nil
}

// checkPart runs checkXML over a worksheet part and checks that the part
// ends with the worksheet's end tag. A part cut short, or one holding
// something else than a worksheet, makes excelize's Rows stop early (or
// never start) without an error.
func checkPart(zf *zip.File) error {
	rc, err := zf.Open()
	if err != nil {
		return err
	}
	defer func() { _ = rc.Close() }() // read only
	t := &tailReader{r: rc}
	if err := checkXML(t); err != nil {
		return err
	}
	return checkEnd(t.tail)
}

// readInput returns the bytes of a whole input of at most limit bytes
// and their number: in place when the reader its Open gives is an
// io.ReaderAt with a Size (the runner's snapshot, see pipeline.Input),
// else read into memory. whole is them too, in a slice, when the reader
// gives them so (the snapshot's Bytes) or they were read into memory; nil
// otherwise. done closes the reader once the bytes are read.
func readInput(in pipeline.Input, limit int64) (_ io.ReaderAt, whole []byte, size int64, done func(), err error) {
	tooLarge := unreadable(in.Path, fmt.Sprintf("file is larger than the %s unzip limit", mib(uint64(limit))))
	if in.Size > limit {
		return nil, nil, 0, nil, tooLarge
	}
	rc, err := in.Open()
	if err != nil {
		return nil, nil, 0, nil, openErr(in.Path, err)
	}
	done = func() { _ = rc.Close() } // read only
	if ra, ok := rc.(interface {
		io.ReaderAt
		Size() int64
	}); ok {
		if ra.Size() > limit {
			done()
			return nil, nil, 0, nil, tooLarge
		}
		if b, ok := rc.(interface{ Bytes() []byte }); ok && int64(len(b.Bytes())) == ra.Size() {
			whole = b.Bytes()
		}
		return ra, whole, ra.Size(), done, nil
	}
	defer done()
	data, err := readAllLimit(in.Path, rc, in.Size, limit)
	if err != nil {
		return nil, nil, 0, nil, err
	}
	return bytes.NewReader(data), data, int64(len(data)), func() {}, nil
}

// inflater returns the decompressor of the deflated parts of a zip
// archive read from data: klauspost's inflate, which gives the same bytes
// as compress/flate's in about two thirds of the time. When data is a
// bytes.Reader of whole, a part's deflated bytes are read in place from
// whole through a bytes.Reader of their own, from which klauspost's
// inflate takes a byte at a time about a quarter faster than through the
// bufio.Reader it puts around any other reader; the bytes, and so what
// inflates and every error, are the same.
func inflater(data io.ReaderAt, whole []byte) zip.Decompressor {
	return func(r io.Reader) io.ReadCloser {
		if b, ok := sectionBytes(data, whole, r); ok {
			return flate.NewReader(bytes.NewReader(b))
		}
		return flate.NewReader(r)
	}
}

// sectionBytes returns the bytes r reads, in place in whole, when data is
// a bytes.Reader of whole and r a SectionReader of data, as archive/zip
// reads a part's deflated bytes.
func sectionBytes(data io.ReaderAt, whole []byte, r io.Reader) ([]byte, bool) {
	br, _ := data.(*bytes.Reader)
	sr, _ := r.(*io.SectionReader)
	if br == nil || sr == nil || br.Size() != int64(len(whole)) {
		return nil, false
	}
	ra, off, n := sr.Outer()
	if ra != io.ReaderAt(br) || off < 0 || n < 0 || off > int64(len(whole))-n {
		return nil, false
	}
	return whole[off : off+n], true
}

// wbSheet is one worksheet of a workbook: its name, the path of its part,
// and whether it is hidden. A hidden sheet is read like any other: it is
// still part of the submission.
type wbSheet struct {
	name, part string
	hidden     bool
}

// Relationship types of the parts a workbook refers to.
const (
	relOfficeDocument = "/officeDocument"
	relWorksheet      = "/worksheet"
)

type xmlRels struct {
	Rels []struct {
		ID     string `xml:"Id,attr"`
		Type   string `xml:"Type,attr"`
		Target string `xml:"Target,attr"`
	} `xml:"Relationship"`
}

type xmlWorkbook struct {
	Sheets []struct {
		Name  string `xml:"name,attr"`
		RID   string `xml:"id,attr"`
		State string `xml:"state,attr"` // "", "visible", "hidden" or "veryHidden"
	} `xml:"sheets>sheet"`
}

// workbookSheets lists the worksheets in workbook order with their part
// paths, resolving them the way excelize does. Chart sheets and dialog
// sheets hold no rows and are left out.
func workbookSheets(parts map[string]*zip.File) ([]wbSheet, error) {
	var root xmlRels
	if err := readXMLPart(parts, "_rels/.rels", &root); err != nil {
		return nil, err
	}
	wbPath := ""
	for _, r := range root.Rels {
		if strings.HasSuffix(r.Type, relOfficeDocument) {
			wbPath = strings.TrimPrefix(r.Target, "/")
			break
		}
	}
	if wbPath == "" {
		return nil, errors.New("no workbook part")
	}
	var wb xmlWorkbook
	if err := readXMLPart(parts, wbPath, &wb); err != nil {
		return nil, err
	}
	dir := path.Dir(wbPath)
	var rels xmlRels
	if err := readXMLPart(parts, strings.TrimPrefix(path.Join(dir, "_rels", path.Base(wbPath)+".rels"), "/"), &rels); err != nil {
		return nil, err
	}
	var out []wbSheet
	for _, sh := range wb.Sheets {
		for _, r := range rels.Rels {
			if r.ID != sh.RID {
				continue
			}
			if strings.HasSuffix(r.Type, relWorksheet) {
				p := path.Clean(dir + "/" + r.Target)
				if strings.HasPrefix(r.Target, "/") {
					p = path.Clean(r.Target)
				}
				out = append(out, wbSheet{name: sh.Name, part: strings.TrimPrefix(p, "/"),
					hidden: sh.State == "hidden" || sh.State == "veryHidden"})
			}
			break
		}
	}
	return out, nil
}

// readXMLPart decodes a small XML part of the workbook.
func readXMLPart(parts map[string]*zip.File, name string, v any) error {
	zf := parts[name]
	if zf == nil {
		return fmt.Errorf("part %s is missing", name)
	}
	rc, err := zf.Open()
	if err != nil {
		return err
	}
	defer func() { _ = rc.Close() }() // read only
	if err := xml.NewDecoder(io.LimitReader(rc, 64<<20)).Decode(v); err != nil {
		return fmt.Errorf("part %s: %w", name, err)
	}
	return nil
}
