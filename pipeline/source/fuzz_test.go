package source

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"

	"readiness/pipeline"
)

// Fuzz targets of this package: FuzzCSV (csv_test.go), FuzzMatchHeader
// (header_test.go), FuzzCanonical (here), FuzzCountControls (scan_test.go),
// FuzzSheetScanner and FuzzCheckChunk (xlsx_test.go) and FuzzFastReader
// (equiv_test.go). Run one with, for example,
//
//	go test ./pipeline/source -run '^$' -fuzz '^FuzzCSV$' -fuzztime 30s
//
// or all of them with `make fuzz`. The seeds (f.Add and the files of
// testdata/fuzz/<Target>/) run with every plain `go test`.

// csvLines returns the number of lines of a CSV file's text, decoded the
// way the source documents (byte-order mark, else UTF-8, else
// Windows-1252) but without its code: an upper bound for row numbers.
func csvLines(data []byte) int {
	text := data
	var err error
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		text, err = xunicode.UTF16(xunicode.LittleEndian, xunicode.ExpectBOM).NewDecoder().Bytes(data)
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		text, err = xunicode.UTF16(xunicode.BigEndian, xunicode.ExpectBOM).NewDecoder().Bytes(data)
	case !utf8.Valid(data):
		text, err = charmap.Windows1252.NewDecoder().Bytes(data)
	}
	if err != nil {
		text = data // every decoded '\n' comes from a 0x0A byte
	}
	return bytes.Count(text, []byte("\n")) + 1
}

// checkRow checks one emitted CSV row against the source's contract: its
// provenance, its original cells as a JSON object of unique string keys
// and string values, and every non-empty canonical cell among them.
func checkRow(t *testing.T, file string, r gotRow) {
	t.Helper()
	if r.File != file || r.Sheet != "" || r.NIKNumeric {
		t.Fatalf("row %d: file %q, sheet %q, nik_numeric %v", r.Row, r.File, r.Sheet, r.NIKNumeric)
	}
	if !utf8.ValidString(r.Original) || !json.Valid([]byte(r.Original)) {
		t.Fatalf("row %d: original is not valid JSON: %q", r.Row, r.Original)
	}
	orig, err := jsonStringObject(r.Original)
	if err != nil {
		t.Fatalf("row %d: original %q: %v", r.Row, r.Original, err)
	}
	for _, c := range pipeline.RequiredColumns() {
		if r.Cols[c] == null {
			t.Fatalf("row %d: required column %s is null", r.Row, c)
		}
	}
	for c, v := range r.Cols {
		if !utf8.ValidString(v) {
			t.Fatalf("row %d: %s = %q, not UTF-8", r.Row, c, v)
		}
		if v == null || v == "" {
			continue
		}
		if !slices.ContainsFunc(orig, func(o string) bool { return strings.TrimSuffix(o, "\r") == v }) {
			t.Fatalf("row %d: %s = %q, not among the original cells %s", r.Row, c, v, r.Original)
		}
	}
}

// jsonStringObject decodes a JSON object whose values are all strings and
// whose keys are unique, and returns its values in order.
func jsonStringObject(s string) ([]string, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("not an object: %v, %v", tok, err)
	}
	keys := map[string]bool{}
	var values []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		k := tok.(string) // the decoder gives only string keys in an object
		if keys[k] {
			return nil, fmt.Errorf("key %q twice", k)
		}
		keys[k] = true
		var raw json.RawMessage
		var v string
		if err := dec.Decode(&raw); err != nil {
			return nil, err
		}
		if raw[0] != '"' { // null would decode into a string silently
			return nil, fmt.Errorf("key %q: value %s is not a string", k, raw)
		}
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, err
		}
		values = append(values, v)
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return nil, fmt.Errorf("object not closed: %v, %v", tok, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the object")
	}
	return values, nil
}

// aliasCase is one header text of the alias table and the column it names.
type aliasCase struct{ text, col string }

// allAliases lists every header text of the alias table, canonical names
// included, in a fixed order.
func allAliases() []aliasCase {
	var all []aliasCase
	for _, c := range pipeline.InputColumns() {
		all = append(all, aliasCase{c, c})
		for _, a := range aliases[c] {
			all = append(all, aliasCase{a, c})
		}
	}
	return all
}

// headerNoise are texts header matching ignores: spaces, punctuation,
// line breaks, a combining mark, a byte that is never UTF-8.
var headerNoise = []string{" ", ".", "_", "/", "-", "\n", "\r\n", "\t", "\u00a0", "(", ")", ":", "#", "*", "'", "\u0301", "\xff"}

// dirtyHeader writes text as a region might: each noise byte (up to 64)
// puts one piece of headerNoise into one gap between its runes, and its
// high bit swaps the case of the ASCII letter after that gap.
func dirtyHeader(text string, noise []byte) string {
	runes := []rune(text)
	gaps := make([]string, len(runes)+1)
	for _, b := range noise[:min(len(noise), 64)] {
		i := int(b&0x7f) % len(gaps)
		gaps[i] += headerNoise[int(b&0x7f)/len(gaps)%len(headerNoise)]
		if b&0x80 != 0 && i < len(runes) {
			runes[i] = swapASCIICase(runes[i])
		}
	}
	var sb strings.Builder
	for i, r := range runes {
		sb.WriteString(gaps[i])
		sb.WriteRune(r)
	}
	sb.WriteString(gaps[len(runes)])
	return sb.String()
}

func swapASCIICase(r rune) rune {
	switch {
	case 'a' <= r && r <= 'z':
		return r - 'a' + 'A'
	case 'A' <= r && r <= 'Z':
		return r - 'A' + 'a'
	}
	return r
}

// FuzzCanonical checks header canonicalisation: headerKey is idempotent,
// a text names the column its key names, a column's canonical name names
// itself, ASCII case never matters, and every alias still names its column
// with spaces, punctuation and case changes added.
func FuzzCanonical(f *testing.F) {
	for i, s := range []string{"Nomor Induk Kependudukan", "NO_NIK", "L/P", "Tgl. Lahir", "", "Ǆ", "\xff", "K\u0301EC",
		"\u212aEC", "TGL_LAH\u0130R", strings.Repeat("Nomor Induk ", 8) + "NIK",
		"1701096206570001,1701092604190615,UMI ARDIANSYAH,BINTUHAN,22/06/1957,PEREMPUAN"} {
		f.Add(s, uint16(i*7), []byte{byte(i), 0x80 | byte(i*13), 42})
	}
	all := allAliases()
	f.Fuzz(func(t *testing.T, text string, pick uint16, noise []byte) {
		k := headerKey(text)
		if kk := headerKey(k); kk != k {
			t.Fatalf("headerKey(%q) = %q, then %q", text, k, kk)
		}
		col, ok := Canonical(text)
		if rc, rok := aliasIndex[k]; rc != col || rok != ok { // Canonical folds text itself
			t.Fatalf("Canonical(%q) = %q, %v but its key %q is alias %q, %v", text, col, ok, k, rc, rok)
		}
		if kc, kok := Canonical(k); kc != col || kok != ok {
			t.Fatalf("Canonical(%q) = %q, %v but its key %q gives %q, %v", text, col, ok, k, kc, kok)
		}
		if ok {
			if !slices.Contains(pipeline.InputColumns(), col) {
				t.Fatalf("Canonical(%q) = %q, not an input column", text, col)
			}
			if cc, _ := Canonical(col); cc != col {
				t.Fatalf("Canonical(%q) = %q, which names %q", text, col, cc)
			}
		}
		swapped := strings.Map(swapASCIICase, text)
		if sc, sok := Canonical(swapped); sc != col || sok != ok {
			t.Fatalf("Canonical(%q) = %q, %v but Canonical(%q) = %q, %v", text, col, ok, swapped, sc, sok)
		}

		a := all[int(pick)%len(all)]
		dirty := dirtyHeader(a.text, noise)
		if got, ok := Canonical(dirty); !ok || got != a.col {
			t.Fatalf("Canonical(%q) = %q, %v; want %q (alias %q)", dirty, got, ok, a.col, a.text)
		}
	})
}

// sameRows reports whether two reads emitted the same rows.
func sameRows(a, b []gotRow) bool { return reflect.DeepEqual(a, b) }
