package sink

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"readiness/pipeline"
)

// The lists written with their low-cardinality texts as shared strings
// read back exactly as the same lists written inline: every cell of every
// sheet of every workbook has the same value and style when excelize
// opens them, and with each shared string put back in its cell the
// worksheets are the same bytes. On the fixtures and on a generated set
// with the texts that must stay inline (white space to preserve, over the
// cell limit) and the ones that need escaping.
func TestSharedStringsReadBackAsInline(t *testing.T) {
	for _, tc := range []struct {
		name    string
		batches []batch
	}{
		{"fixtures", append(slices.Clone(sharedBatches), batch{pipeline.TableRows, rowsJSON})},
		{"generated", generatedBatches(t, 3000)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sharedDir, inlineDir := t.TempDir(), t.TempDir()
			shared := NewWorkbooks(sharedDir, testInfo, true, sharedRegencies)
			if err := run(t, shared, tc.batches); err != nil {
				t.Fatal(err)
			}
			inline := NewWorkbooks(inlineDir, testInfo, true, sharedRegencies)
			inline.lists.inline()
			if err := run(t, inline, tc.batches); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(shared.Files(), inline.Files()) || len(shared.Files()) < 2 {
				t.Fatalf("files: shared %q, inline %q", shared.Files(), inline.Files())
			}
			if shared.lists.sst.len() == 0 {
				t.Fatal("nothing written as a shared string")
			}
			for _, f := range shared.Files() {
				a, b := filepath.Join(sharedDir, f), filepath.Join(inlineDir, f)
				sameCells(t, f, openRaw(t, a), openRaw(t, b))
				pa, pb := zipParts(t, a), zipParts(t, b)
				if n := listSharedCells(pa); n == 0 {
					t.Errorf("%s: no list cell refers to a shared string", f)
				}
				if n := listSharedCells(pb); n != 0 {
					t.Errorf("%s written inline: %d list cells refer to a shared string", f, n)
				}
				sameParts(t, f, resolveShared(t, f, pa), resolveShared(t, f, pb))
			}
		})
	}
}

// inline has the lists written with every text inline, as before the
// shared string table.
func (l *listRows) inline() {
	l.sst = nil
	for _, r := range append([]*Report{l.province}, slices.Collect(maps.Values(l.regencies))...) {
		if r != nil {
			r.sst = nil
		}
	}
}

// sameCells compares every cell of every sheet of two workbooks: value
// (as excelize shows it and raw), style, and every row's height and
// column's width.
func sameCells(t *testing.T, name string, a, b *excelize.File) {
	t.Helper()
	sheets := a.GetSheetList()
	if !slices.Equal(sheets, b.GetSheetList()) {
		t.Fatalf("%s: sheets %q and %q", name, sheets, b.GetSheetList())
	}
	for _, sh := range sheets {
		ra, rb := rows(t, a, sh), rows(t, b, sh)
		if len(ra) != len(rb) {
			t.Errorf("%s %s: %d and %d rows", name, sh, len(ra), len(rb))
		}
		cols := 0
		for _, r := range append(ra, rb...) {
			cols = max(cols, len(r))
		}
		for row := 1; row <= max(len(ra), len(rb)); row++ {
			ha, _ := a.GetRowHeight(sh, row)
			hb, _ := b.GetRowHeight(sh, row)
			if ha != hb {
				t.Errorf("%s %s row %d: height %v and %v", name, sh, row, ha, hb)
			}
			for col := 1; col <= cols; col++ {
				ref, _ := excelize.CoordinatesToCellName(col, row)
				va, err1 := a.GetCellValue(sh, ref, excelize.Options{RawCellValue: false})
				vb, err2 := b.GetCellValue(sh, ref, excelize.Options{RawCellValue: false})
				sa, err3 := a.GetCellStyle(sh, ref)
				sb, err4 := b.GetCellStyle(sh, ref)
				if va != vb || sa != sb || err1 != nil || err2 != nil || err3 != nil || err4 != nil {
					t.Errorf("%s %s %s: %.40q style %d and %.40q style %d (%v %v %v %v)",
						name, sh, ref, va, sa, vb, sb, err1, err2, err3, err4)
				}
				if ra, rb := cellAt(ra, row, col), cellAt(rb, row, col); ra != rb {
					t.Errorf("%s %s %s: raw %.40q and %.40q", name, sh, ref, ra, rb)
				}
			}
		}
		for col := 1; col <= cols; col++ {
			c, _ := excelize.ColumnNumberToName(col)
			wa, _ := a.GetColWidth(sh, c)
			wb, _ := b.GetColWidth(sh, c)
			if wa != wb {
				t.Errorf("%s %s column %s: width %v and %v", name, sh, c, wa, wb)
			}
		}
	}
}

func cellAt(rs [][]string, row, col int) string {
	if row > len(rs) || col > len(rs[row-1]) {
		return ""
	}
	return rs[row-1][col-1]
}

// sameParts compares the parts of two workbooks but for their time of
// writing (docProps) and the order of their content types.
func sameParts(t *testing.T, name string, a, b map[string][]byte) {
	t.Helper()
	if !slices.Equal(slices.Sorted(maps.Keys(a)), slices.Sorted(maps.Keys(b))) {
		t.Errorf("%s: parts %q and %q", name, slices.Sorted(maps.Keys(a)), slices.Sorted(maps.Keys(b)))
	}
	for part, data := range a {
		if strings.HasPrefix(part, "docProps/") || part == "[Content_Types].xml" {
			continue
		}
		if string(data) != string(b[part]) {
			t.Errorf("%s: part %s differs", name, part)
		}
	}
}

var (
	siRE         = regexp.MustCompile(`(?s)<si>(.*?)</si>`)
	sstCountsRE  = regexp.MustCompile(`<sst [^>]*count="(\d+)" uniqueCount="(\d+)">`)
	sharedCellTR = regexp.MustCompile(`(<c\b[^>]*?) t="s"([^>]*)><v>(\d+)</v></c>`)
)

// resolveShared puts each shared string back in its cell, as an inline
// string, and drops the shared string part, after checking its counts:
// uniqueCount its strings, count the cells referring to one.
func resolveShared(t *testing.T, name string, parts map[string][]byte) map[string][]byte {
	t.Helper()
	sst := string(parts[sstPart])
	var strs []string
	for _, m := range siRE.FindAllStringSubmatch(sst, -1) {
		strs = append(strs, m[1])
	}
	counts := sstCountsRE.FindStringSubmatch(sst)
	if counts == nil {
		t.Fatalf("%s: shared strings without counts: %.200s", name, sst)
	}
	out, refs := map[string][]byte{}, 0
	for part, data := range parts {
		if part == sstPart {
			continue
		}
		if strings.HasPrefix(part, "xl/worksheets/") {
			data = sharedCellTR.ReplaceAllFunc(data, func(c []byte) []byte {
				m := sharedCellTR.FindSubmatch(c)
				i, _ := strconv.Atoi(string(m[3]))
				if i >= len(strs) {
					t.Errorf("%s %s: shared string %d of %d", name, part, i, len(strs))
					return c
				}
				refs++
				return []byte(string(m[1]) + ` t="inlineStr"` + string(m[2]) + "><is>" + strs[i] + "</is></c>")
			})
			if n := strings.Count(string(data), ` t="s"`); n != 0 {
				t.Errorf("%s %s: %d shared string cells not understood", name, part, n)
			}
		}
		out[part] = data
	}
	if counts[1] != strconv.Itoa(refs) || counts[2] != strconv.Itoa(len(strs)) {
		t.Errorf("%s: count %s uniqueCount %s; %d cells refer to %d strings", name, counts[1], counts[2], refs, len(strs))
	}
	return out
}

// listSharedCells counts the cells of list rows (without a reference,
// as this package writes them) that refer to a shared string.
func listSharedCells(parts map[string][]byte) int {
	n := 0
	for part, data := range parts {
		if strings.HasPrefix(part, "xl/worksheets/") {
			n += strings.Count(string(data), `<c s="6" t="s">`) + strings.Count(string(data), `<c s="7" t="s">`)
		}
	}
	return n
}

// generatedBatches are n persons and n/10 rejected rows over the
// regencies of sharedRegencies, another province and one unknown
// region, with repeated kecamatan and kelurahan among which texts to
// escape, to keep inline (leading, trailing and double spaces; over the
// cell limit) and to cut; seeded, so every run writes the same.
func generatedBatches(t *testing.T, n int) []batch {
	t.Helper()
	rnd := rand.New(rand.NewPCG(1, 2))
	pick := func(s ...string) string { return s[rnd.IntN(len(s))] }
	places := []string{"GADING CEMPAKA", "RATU AGUNG", "SELEBAR", "MUARA BANGKAHULU", "A & B <C>", "\"KUTIP\"",
		"_x0041_ DESA", " SPASI DEPAN", "SPASI BELAKANG ", "DUA  SPASI", "BARIS\nDUA", "ÑANDÚ ÇAMPUR", "TAB\tDI SINI",
		"KONTROL\x01", strings.Repeat("PANJANG ", maxCellChars/8+10)}
	codes := []string{"RUSAK", "REKAM", "PINDAH", "MATI", "HILANG", "UBAH"}
	flags := []string{"NIK_DOB_MISMATCH", "EVENT_AFTER_DEATH", "NIK_CONFLICT", "NIK_NUMERIC_CELL"}
	statuses := []string{pipeline.StatusNeedsPrint, pipeline.StatusNeedsPrint, pipeline.StatusNeedsRecording,
		pipeline.StatusDeceased, pipeline.StatusReady, pipeline.StatusIneligible}
	regions := []string{"1701", "1702", "1709", "1771", "1771", "3171", "1799"}
	some := func(from []string, most int) []string {
		out := []string{}
		for range rnd.IntN(most + 1) {
			out = append(out, pick(from...))
		}
		return out
	}
	var persons, rejected []map[string]any
	for i := range n {
		region := pick(regions...)
		p := map[string]any{
			"nik": fmt.Sprintf("%s%012d", region, i), "nama": fmt.Sprintf("NAMA %d %s", i, pick("SITI", "AHMAD", " RINA", "A&B")),
			"tanggal_lahir": fmt.Sprintf("19%02d-%02d-%02d", 40+rnd.IntN(60), 1+rnd.IntN(12), 1+rnd.IntN(28)),
			"region_code":   region, "kecamatan": pick(places...), "kelurahan": pick(places...),
			"alamat": fmt.Sprintf("JL. %d", rnd.IntN(50)), "status": pick(statuses...), "events": some(codes, 3),
			"flags": some(flags, 2), "card_event": pick(codes...), "rows": 1, "sources": []string{fmt.Sprintf("in/%s.csv||%d", region, i)},
			"first_request_date": "2020-02-01", "last_request_date": "2020-04-01",
		}
		if rnd.IntN(8) == 0 {
			p["origin_region_code"] = pick(regions...)
		}
		if p["status"] == pipeline.StatusDeceased {
			p["death_date"] = "2020-03-10"
		}
		persons = append(persons, p)
		if i%10 == 0 {
			r := map[string]any{"file": "in/" + pick("a.csv", "b.xlsx", "c d.csv"), "sheet": pick("", "Data", "Lembar 2"),
				"row": i, "original": `{"nik":"x"}`, "reason": pick("NIK_MISSING", "NIK_INVALID", "NIK_PRECISION_LOST"),
				"detail": pick("", "-- empty", "scientific notation")}
			if rnd.IntN(3) > 0 {
				r["region_code"] = pick(regions...)
			}
			rejected = append(rejected, r)
		}
	}
	js := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	half := len(persons) / 2
	return []batch{
		{pipeline.TableRows, js(rejected)},
		{pipeline.TablePersons, js(persons[:half])},
		{pipeline.TablePersons, js(persons[half:])},
		{pipeline.TableSummary, summaryJSON},
	}
}

// The table stops growing when full: a new text is then written inline,
// a text already in it still as its id; texts to keep inline never go in.
func TestStringTableFull(t *testing.T) {
	sst := newStringTable()
	for i := range maxSharedStrings {
		if _, ok := sst.id(strconv.Itoa(i)); !ok {
			t.Fatalf("text %d not taken", i)
		}
	}
	cols := []colSpec{{label: "a", min: 5, max: 10, shared: true}, {label: "b", min: 5, max: 10, shared: true}}
	var x rowXML
	x.encode(cols, "…", sst, []xcell{textCell(6, "new"), textCell(7, "17")})
	if want := `<row><c s="6" t="inlineStr"><is><t>new</t></is></c><c s="7" t="s"><v>17</v></c></row>`; string(x.xml) != want || x.shared != 1 {
		t.Errorf("full table: %s (%d shared), want %s", x.xml, x.shared, want)
	}
	for _, s := range []string{" lead", "trail ", "two  spaces", strings.Repeat("é", maxCellChars+1)} {
		if _, ok := newStringTable().id(s); ok {
			t.Errorf("%.20q taken into the table", s)
		}
	}
	big := newStringTable()
	long := strings.Repeat("x", 1000)
	n := 0
	for ; ; n++ {
		if _, ok := big.id(long + strconv.Itoa(n)); !ok {
			break
		}
	}
	if len(big.xml) > maxSharedXML+1100 || n < maxSharedXML/1100 {
		t.Errorf("table of %d texts, %d bytes of XML: want it stopped at about %d bytes", n, len(big.xml), maxSharedXML)
	}
}

// A text written as its shared string id asks for the width and the row
// height it asks for inline: the table measures it once, when it is
// added, as the row would (longest line, wrapped lines), and a cell of
// any style, however large its number, starts as it would inline.
func TestSharedTextMeasuredAsInline(t *testing.T) {
	cols := []colSpec{
		{label: "a", min: 5, max: 10, wrap: true, shared: true},
		{label: "b", min: 5, max: 12, shared: true},
		{label: "c", min: 5, max: 30, wrap: true},
	}
	rows := [][]xcell{
		{textCell(6, "KECAMATAN SELEBAR SELATAN"), textCell(7, "Wm"), textCell(6, "x")},
		{textCell(6, "DUA\nBARIS PANJANG SEKALI LAGI"), textCell(1234, "é ü"), numCell(3, 5)},
		{textCell(6, "KECAMATAN SELEBAR SELATAN"), {}, textCell(70000, "JL. MERDEKA\nNO. 5")},
		{textCell(6, "Wm"), textCell(7, "DUA\nBARIS PANJANG SEKALI LAGI")},
	}
	sst := newStringTable()
	var shared, inline rowXML
	all := ""
	for _, cells := range rows {
		shared.encode(cols, "…", sst, cells)
		inline.encode(cols, "…", nil, cells)
		all += string(inline.xml)
		if !slices.Equal(shared.need, inline.need) {
			t.Errorf("%q: widths %v shared, %v inline", cells[0].text, shared.need, inline.need)
		}
		sharedHt := regexp.MustCompile(`^<row[^>]*>`).FindString(string(shared.xml))
		inlineHt := regexp.MustCompile(`^<row[^>]*>`).FindString(string(inline.xml))
		if sharedHt != inlineHt {
			t.Errorf("%q: %s shared, %s inline", cells[0].text, sharedHt, inlineHt)
		}
		// Each shared cell put back inline gives the inline row.
		back := regexp.MustCompile(`<c s="(\d+)" t="s"><v>(\d+)</v></c>`).ReplaceAllStringFunc(string(shared.xml), func(c string) string {
			m := regexp.MustCompile(`<c s="(\d+)" t="s"><v>(\d+)</v></c>`).FindStringSubmatch(c)
			id, _ := strconv.Atoi(m[2])
			text := ""
			for s, i := range sst.ids {
				if int(i) == id {
					text = s
				}
			}
			return `<c s="` + m[1] + `" t="inlineStr"><is><t>` + string(appendXMLText(nil, text)) + `</t></is></c>`
		})
		if back != string(inline.xml) {
			t.Errorf("shared row put back inline:\n%s\nwant\n%s", back, inline.xml)
		}
	}
	if want := []int32{0, 1, 2, 3}; !slices.Equal(slices.Sorted(maps.Values(sst.ids)), want) || sst.ids["Wm"] != 1 {
		t.Errorf("ids %v: want four texts numbered as first seen", sst.ids)
	}
	if !strings.Contains(all, `<c s="70000" t="inlineStr">`) || !strings.Contains(all, `<c s="1234" t="inlineStr">`) {
		t.Errorf("large styles: %s", all)
	}
}
