package main

import (
	"archive/zip"
	"bufio"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Bulk mode (-rows N): a large synthetic submission set for benchmarks,
// not a fixture. Rows are spread evenly over the ten regencies of
// Bengkulu, one file each (split into numbered parts when a regency has
// more than bulkFileRows rows), every file in the canonical dialect with
// kabupaten_kota as a code. About one person in eight has two requests (a
// duplicate for dedupe), one row in a hundred is a reject (a 15-digit NIK
// or no jenis_perubahan). A workbook is written the way Excel writes one:
// shared strings, r on every row and cell, date cells as serial numbers
// with built-in format 14, some NIKs in numeric cells. The output is
// deterministic for a given N and format; nothing of it is planted or
// checked against expected outputs.

// bulkFileRows is the most data rows a bulk file holds: a sheet of 250,000
// rows inflates to about 90 MiB, inside the default per-part unzip limit.
const bulkFileRows = 250_000

// bulkRow is one generated row: the canonical columns in canonOrder, and
// which of them are dates (a serial-number cell in a workbook).
type bulkRow struct {
	cells  [19]string
	dates  [19]time.Time
	numNIK bool // write the NIK as a number in a workbook
}

// bulkGen generates the rows of one regency.
type bulkGen struct {
	rng    *rand.Rand
	region region
	dists  []district
	serial map[uint64]int // (district, birth date) → last serial used
	row    bulkRow
	second *bulkRow // the next row is this person's second request
	spare  bulkRow
}

// writeBulk writes n rows as csv or xlsx files of at most perFile rows
// into dir and returns the number of files written.
func writeBulk(dir string, n int, format string, perFile int) (int, error) {
	if format != "csv" && format != "xlsx" {
		return 0, fmt.Errorf("-format %q: want csv or xlsx", format)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	files := 0
	for i, r := range regions {
		share := n / len(regions)
		if i < n%len(regions) {
			share++
		}
		g := &bulkGen{
			rng:    rand.New(rand.NewPCG(seed1+uint64(i), seed2)),
			region: r,
			dists:  districtsOf(r.code),
			serial: map[uint64]int{},
		}
		base := r.code + "_" + strings.ReplaceAll(strings.ToLower(strings.TrimPrefix(strings.TrimPrefix(r.name, "KAB. "), "KOTA ")), " ", "_")
		if r.code == "1771" {
			base = r.code + "_kota_bengkulu"
		}
		for part := 1; share > 0; part++ {
			rows := min(share, perFile)
			share -= rows
			name := base
			if part > 1 || share > 0 {
				name += fmt.Sprintf("_%d", part)
			}
			path := filepath.Join(dir, name+"."+format)
			var err error
			if format == "csv" {
				err = g.writeCSV(path, rows)
			} else {
				err = g.writeXLSX(path, rows)
			}
			if err != nil {
				return files, fmt.Errorf("%s: %w", path, err)
			}
			files++
		}
	}
	return files, nil
}

// next returns the next row; the same *bulkRow is reused.
func (g *bulkGen) next() *bulkRow {
	if g.second != nil {
		r := g.second
		g.second = nil
		return r
	}
	g.person(&g.row)
	if g.rng.IntN(8) == 0 {
		g.spare = g.row
		g.request(&g.spare)
		g.second = &g.spare
	}
	return &g.row
}

var bulkEvents = []string{evRusak, evHilang, evUbah, evKawin, evCerai, evSuket, evRekam, evMati, evPindah}

// person fills r with a new resident and a first request.
func (g *bulkGen) person(r *bulkRow) {
	*r = bulkRow{}
	d := g.dists[g.rng.IntN(len(g.dists))]
	female := g.rng.IntN(2) == 1
	dob := day(1940, 1, 1).AddDate(0, 0, g.rng.IntN(22_800))
	key := uint64(len(d.code))<<60 | mustUint(d.code)<<20 | uint64(dob.Unix()/86400)
	g.serial[key]++
	dd := dob.Day()
	sex, first := "LAKI-LAKI", maleFirst
	if female {
		dd += 40
		sex, first = "PEREMPUAN", femaleFirst
	}
	nik := fmt.Sprintf("%s%02d%02d%02d%04d", d.code, dd, int(dob.Month()), dob.Year()%100, g.serial[key]%10000)
	if g.rng.IntN(100) == 0 {
		nik = nik[:15] // a reject: NIK_LENGTH
	}
	c := &r.cells
	c[0] = nik
	c[1] = fmt.Sprintf("%s%02d%02d%02d%04d", d.code, 1+g.rng.IntN(28), 1+g.rng.IntN(12), g.rng.IntN(20), 1+g.rng.IntN(9999))
	c[2] = g.pick(first) + " " + g.pick(lastNames)
	c[3] = g.pick(birthPlaces)
	r.dates[4] = dob
	c[5] = sex
	c[6] = []string{mBelum, mKawin, mKawin, mKawin, mCeraiHidup}[g.rng.IntN(5)]
	c[7] = g.pick(femaleFirst) + " " + g.pick(lastNames)
	c[8] = fmt.Sprintf("%s NO. %d", g.pick(streets), 1+g.rng.IntN(120))
	c[9], c[10] = fmt.Sprintf("%03d", 1+g.rng.IntN(25)), fmt.Sprintf("%03d", 1+g.rng.IntN(8))
	c[11] = strings.ToUpper(g.pick(d.villages))
	c[12] = strings.ToUpper(d.name)
	c[13] = g.region.code
	r.numNIK = len(nik) == 16 && g.rng.IntN(50) == 0
	g.request(r)
}

// request fills the request columns of r: event, dates, state.
func (g *bulkGen) request(r *bulkRow) {
	c := &r.cells
	ev := bulkEvents[g.rng.IntN(len(bulkEvents))]
	c[14] = g.pick(eventTexts[ev])
	if g.rng.IntN(100) == 0 {
		c[14] = "" // a reject: EVENT_MISSING
	}
	req := reqLo.AddDate(0, 0, g.rng.IntN(int(reqHi.Sub(reqLo).Hours()/24)+1))
	r.dates[15] = req
	c[16], c[17], r.dates[17], c[18] = "", "", time.Time{}, ""
	switch g.rng.IntN(4) {
	case 0:
		if req.Before(doneHi) {
			c[16] = stSelesai
			r.dates[17] = req.AddDate(0, 0, 3+g.rng.IntN(38))
		}
	case 1:
		c[16] = stSudahRekam
	case 2:
		c[16] = stBelumRekam
	}
	if ev == evPindah {
		c[18] = regions[g.rng.IntN(len(regions))].code
	}
}

func (g *bulkGen) pick(xs []string) string { return xs[g.rng.IntN(len(xs))] }

func mustUint(s string) uint64 {
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		panic(err) // the district table is ours
	}
	return n
}

// writeCSV writes rows rows to path: comma-separated, UTF-8, dates as
// dd/mm/yyyy or yyyy-mm-dd.
func (g *bulkGen) writeCSV(path string, rows int) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	w := bufio.NewWriterSize(f, 1<<20)
	if _, err := w.WriteString(strings.Join(canonOrder, ",") + "\n"); err != nil {
		return err
	}
	var line []byte
	for range rows {
		r := g.next()
		line = line[:0]
		for i := range r.cells {
			if i > 0 {
				line = append(line, ',')
			}
			switch {
			case !r.dates[i].IsZero() && i == 4:
				line = r.dates[i].AppendFormat(line, "02/01/2006")
			case !r.dates[i].IsZero():
				line = r.dates[i].AppendFormat(line, time.DateOnly)
			default:
				line = append(line, csvField(r.cells[i], ',')...)
			}
		}
		line = append(line, '\n')
		if _, err := w.Write(line); err != nil {
			return err
		}
	}
	return w.Flush()
}

// The fixed parts of a bulk workbook.
const (
	bulkContentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`
	bulkRootRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`
	bulkWorkbook = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>`
	bulkWorkbookRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`
	bulkStyles = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`
)

// writeXLSX writes rows rows to path as a one-sheet workbook.
func (g *bulkGen) writeXLSX(path string, rows int) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	zw := zip.NewWriter(bufio.NewWriterSize(f, 1<<20))
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestSpeed)
	})
	mod := time.Date(2020, 6, 30, 8, 0, 0, 0, time.UTC)
	part := func(name string) (io.Writer, error) {
		return zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: mod})
	}
	for _, p := range []struct{ name, body string }{
		{"[Content_Types].xml", bulkContentTypes}, {"_rels/.rels", bulkRootRels},
		{"xl/workbook.xml", bulkWorkbook}, {"xl/_rels/workbook.xml.rels", bulkWorkbookRels},
		{"xl/styles.xml", bulkStyles},
	} {
		w, err := part(p.name)
		if err != nil {
			return err
		}
		if _, err := io.WriteString(w, p.body); err != nil {
			return err
		}
	}
	w, err := part("xl/worksheets/sheet1.xml")
	if err != nil {
		return err
	}
	sst := &bulkSST{index: map[string]int{}}
	bw := bufio.NewWriterSize(w, 1<<20)
	if _, err := fmt.Fprintf(bw, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:S%d"/><sheetData>`, rows+1); err != nil {
		return err
	}
	var buf []byte
	header := bulkRow{}
	copy(header.cells[:], canonOrder)
	for n := 1; n <= rows+1; n++ {
		r := &header
		if n > 1 {
			r = g.next()
		}
		buf = appendBulkRow(buf[:0], n, r, sst)
		if _, err := bw.Write(buf); err != nil {
			return err
		}
	}
	if _, err := bw.WriteString(`</sheetData></worksheet>`); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	w, err = part("xl/sharedStrings.xml")
	if err != nil {
		return err
	}
	if err := sst.write(w); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return nil
}

// appendBulkRow appends row n as sheet XML.
func appendBulkRow(b []byte, n int, r *bulkRow, sst *bulkSST) []byte {
	b = append(b, `<row r="`...)
	b = strconv.AppendInt(b, int64(n), 10)
	b = append(b, `" spans="1:19">`...)
	for i, v := range r.cells {
		d := r.dates[i]
		if v == "" && d.IsZero() {
			continue
		}
		b = append(b, `<c r="`...)
		b = append(b, byte('A'+i))
		b = strconv.AppendInt(b, int64(n), 10)
		switch {
		case !d.IsZero():
			b = append(b, `" s="1"><v>`...)
			b = strconv.AppendInt(b, excelSerial(d), 10)
		case i == 0 && r.numNIK:
			b = append(b, `"><v>`...)
			b = append(b, v...)
		default:
			b = append(b, `" t="s"><v>`...)
			b = strconv.AppendInt(b, int64(sst.id(v)), 10)
		}
		b = append(b, `</v></c>`...)
	}
	return append(b, `</row>`...)
}

// bulkSST is a workbook's shared string table.
type bulkSST struct {
	index map[string]int
	list  []string
	count int
}

func (s *bulkSST) id(v string) int {
	s.count++
	if i, ok := s.index[v]; ok {
		return i
	}
	s.index[v] = len(s.list)
	s.list = append(s.list, v)
	return len(s.list) - 1
}

func (s *bulkSST) write(w io.Writer) error {
	b := fmt.Appendf(nil, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
		`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, s.count, len(s.list))
	for _, v := range s.list {
		if strings.ContainsAny(v, "&<>") {
			return errors.New("bulk text needs escaping: " + v) // the generator's lists have none
		}
		b = append(append(append(b, "<si><t>"...), v...), "</t></si>"...)
	}
	_, err := w.Write(append(b, "</sst>"...))
	return err
}
