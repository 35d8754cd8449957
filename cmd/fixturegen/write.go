package main

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
)

// writeFile renders and writes one input file under dir.
func (g *gen) writeFile(dir string, f *file) error {
	var data []byte
	var err error
	if f.spec.kind == csvFile {
		data, err = g.csvBytes(f)
	} else {
		data, err = g.xlsxBytes(f)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", f.spec.path, err)
	}
	path := filepath.Join(dir, filepath.FromSlash(f.spec.path))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}

// layout walks a sheet's lines in order: titles, header, data rows with
// blank rows between them, trailing empty rows. emit gets the row's
// cells (nil for a blank row; blankLine says whether a CSV writes it as an
// empty line rather than a record of empty fields).
func (g *gen) layout(sh *sheet, emit func(cells []cell, blankLine bool)) {
	sp := sh.spec
	for _, t := range sp.titles {
		if t == "" {
			emit(nil, true)
			continue
		}
		emit([]cell{{s: t}}, false)
	}
	if sp.notes != nil {
		for _, t := range sp.notes {
			emit([]cell{{s: t}}, false)
		}
		return
	}
	hdr := make([]cell, len(sp.dialect))
	for i, c := range sp.dialect {
		hdr[i] = cell{s: c.header}
	}
	emit(hdr, false)
	blanks := 0
	for i, r := range sh.rows {
		if sp.blankEvery > 0 && i > 0 && i%sp.blankEvery == 0 {
			emit(nil, blanks%2 == 1)
			blanks++
		}
		m := g.renderRow(r)
		cells := make([]cell, len(sp.dialect))
		for j, c := range sp.dialect {
			cells[j] = m[c.canon]
		}
		emit(cells, false)
	}
	for range sp.trailing {
		emit(nil, false)
	}
}

// blankRows is how many blank rows layout puts between data rows.
func blankRows(sh *sheet) int {
	if sh.spec.blankEvery == 0 || len(sh.rows) == 0 {
		return 0
	}
	return (len(sh.rows) - 1) / sh.spec.blankEvery
}

func csvField(s string, delim rune) string {
	if s == "" {
		return s
	}
	if strings.ContainsRune(s, delim) || strings.ContainsAny(s, "\"\r\n") || s[0] == ' ' {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

func (g *gen) csvBytes(f *file) ([]byte, error) {
	var b bytes.Buffer
	eol := "\n"
	if f.spec.cp1252 {
		eol = "\r\n"
	}
	if f.spec.bom {
		b.WriteString("\ufeff")
	}
	sh := f.sheets[0]
	ncols := len(sh.spec.dialect)
	delim := string(f.spec.delim)
	g.layout(sh, func(cells []cell, blankLine bool) {
		switch {
		case cells == nil && blankLine:
		case cells == nil:
			b.WriteString(strings.Repeat(delim, ncols-1))
		default:
			fs := make([]string, len(cells))
			for i, c := range cells {
				if c.isNum || c.formula != "" {
					panic("number or formula in a CSV")
				}
				fs[i] = csvField(c.s, f.spec.delim)
			}
			b.WriteString(strings.Join(fs, delim))
		}
		b.WriteString(eol)
	})
	if !f.spec.cp1252 {
		return b.Bytes(), nil
	}
	out, err := charmap.Windows1252.NewEncoder().Bytes(b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("encode Windows-1252: %w", err)
	}
	return out, nil
}

func (g *gen) xlsxBytes(f *file) ([]byte, error) {
	x := excelize.NewFile()
	defer func() { _ = x.Close() }() // in memory: Close only drops temporary parts
	for i, sh := range f.sheets {
		if i == 0 {
			if err := x.SetSheetName("Sheet1", sh.spec.name); err != nil {
				return nil, err
			}
			continue
		}
		if _, err := x.NewSheet(sh.spec.name); err != nil {
			return nil, err
		}
	}
	ds := &excelize.Style{NumFmt: f.spec.dateFmt}
	if f.spec.custom != "" {
		ds = &excelize.Style{CustomNumFmt: &f.spec.custom}
	}
	dateStyle, err := x.NewStyle(ds)
	if err != nil {
		return nil, err
	}
	for _, sh := range f.sheets {
		if f.spec.stream {
			err = g.streamSheet(x, sh, dateStyle)
		} else {
			err = g.plainSheet(x, sh, dateStyle)
		}
		if err != nil {
			return nil, fmt.Errorf("sheet %s: %w", sh.spec.name, err)
		}
	}
	x.SetActiveSheet(0)
	buf, err := x.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return normalizeZip(buf.Bytes())
}

// plainSheet writes through the cell API (shared strings).
func (g *gen) plainSheet(x *excelize.File, sh *sheet, dateStyle int) error {
	var err error
	n := 0
	set := func(ref string, c cell) {
		if err != nil {
			return
		}
		switch {
		case c.formula != "":
			panic("formula outside a stream sheet")
		case c.isNum:
			if err = x.SetCellInt(sh.spec.name, ref, c.num); err == nil && c.date {
				err = x.SetCellStyle(sh.spec.name, ref, ref, dateStyle)
			}
		case c.s != "":
			err = x.SetCellStr(sh.spec.name, ref, c.s)
		}
	}
	g.layout(sh, func(cells []cell, blankLine bool) {
		n++
		if cells == nil {
			if !blankLine { // an empty row that still has (empty) cells
				for j := 1; j <= 3; j++ {
					ref, _ := excelize.CoordinatesToCellName(j, n)
					if err == nil {
						err = x.SetCellStr(sh.spec.name, ref, "")
					}
				}
			}
			return
		}
		for j, c := range cells {
			ref, _ := excelize.CoordinatesToCellName(j+1, n)
			set(ref, c)
		}
	})
	return err
}

// streamSheet writes through the StreamWriter (inline strings, formulas
// with cached values).
func (g *gen) streamSheet(x *excelize.File, sh *sheet, dateStyle int) error {
	sw, err := x.NewStreamWriter(sh.spec.name)
	if err != nil {
		return err
	}
	n := 0
	g.layout(sh, func(cells []cell, blankLine bool) {
		n++
		if err != nil {
			return
		}
		if cells == nil {
			if !blankLine {
				err = sw.SetRow(fmt.Sprintf("A%d", n), []any{"", "", ""})
			}
			return
		}
		vals := make([]any, len(cells))
		for j, c := range cells {
			switch {
			case c.formula != "":
				vals[j] = excelize.Cell{Formula: c.formula, Value: c.s}
			case c.date:
				vals[j] = excelize.Cell{StyleID: dateStyle, Value: c.num}
			case c.isNum:
				vals[j] = c.num
			case c.s != "":
				vals[j] = c.s
			}
		}
		err = sw.SetRow(fmt.Sprintf("A%d", n), vals)
	})
	if err != nil {
		return err
	}
	return sw.Flush()
}

var overrideRE = regexp.MustCompile(`<Override [^>]*>(</Override>)?`)

// normalizeZip rewrites an xlsx so that identical content gives identical
// bytes: parts sorted by name ([Content_Types].xml first), content-type
// overrides sorted, a fixed modification time.
func normalizeZip(in []byte) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(in), int64(len(in)))
	if err != nil {
		return nil, err
	}
	files := append([]*zip.File(nil), zr.File...)
	sort.Slice(files, func(i, j int) bool {
		a, b := files[i].Name, files[j].Name
		if (a == "[Content_Types].xml") != (b == "[Content_Types].xml") {
			return a == "[Content_Types].xml"
		}
		return a < b
	})
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	mod := time.Date(2020, 6, 30, 8, 0, 0, 0, time.UTC)
	for _, zf := range files {
		rc, err := zf.Open()
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(rc)
		if cerr := rc.Close(); err == nil {
			err = cerr // a zip entry's Close reports a checksum mismatch
		}
		if err != nil {
			return nil, err
		}
		if zf.Name == "[Content_Types].xml" {
			data = sortOverrides(data)
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: zf.Name, Method: zip.Deflate, Modified: mod})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(data); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

func sortOverrides(data []byte) []byte {
	s := string(data)
	locs := overrideRE.FindAllStringIndex(s, -1)
	if len(locs) == 0 {
		return data
	}
	var parts []string
	for _, l := range locs {
		parts = append(parts, s[l[0]:l[1]])
	}
	// the overrides are contiguous in excelize's output; keep what surrounds them
	start, end := locs[0][0], locs[len(locs)-1][1]
	if strings.Join(parts, "") != s[start:end] {
		return data
	}
	sort.Strings(parts)
	return []byte(s[:start] + strings.Join(parts, "") + s[end:])
}
