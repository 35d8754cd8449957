package source

import (
	"reflect"
	"testing"
)

// plainCellCases are cells after a cell in column A, and whether
// plainCell takes them (the rest are left to cell).
var plainCellCases = []struct {
	name  string
	cell  string
	plain bool
}{
	{"shared string", `<c r="B2" t="s"><v>0</v></c>`, true},
	{"number with a style", `<c r="C2" s="1"><v>27447</v></c>`, true},
	{"attributes in another order", `<c s="3" t="n" r="D2"><v>1.5</v></c>`, true},
	{"no attributes", `<c><v>x</v></c>`, true},
	{"empty", `<c r="B2" s="1"/>`, true},
	{"empty, no attributes", `<c/>`, true},
	{"empty shared string", `<c r="B2" t="s"><v>1</v></c>`, true},
	{"index in spaces", `<c r="B2" t="s"><v> 2 </v></c>`, true},
	{"empty value", `<c r="B2" t="s"><v></v></c>`, true},
	{"text before it", "\n  <c r=\"B2\"><v>1</v></c>", true},
	{"formula text type", `<c r="B2" t="str"><v>a b</v></c>`, true},
	{"lower-case column", `<c r="b2"><v>1</v></c>`, true},
	{"entity", `<c r="B2" t="str"><v>a&amp;b</v></c>`, false},
	{"carriage return", "<c r=\"B2\" t=\"str\"><v>a\rb</v></c>", false},
	{"formula", `<c r="B2"><f>A1</f><v>1</v></c>`, false},
	{"inline string", `<c r="B2" t="inlineStr"><is><t>x</t></is></c>`, false},
	{"prefixed", `<x:c r="B2"><x:v>1</x:v></x:c>`, false},
	{"another attribute", `<c r="B2" cm="1"><v>1</v></c>`, false},
	{"prefixed attribute", `<c x:r="B2"><v>1</v></c>`, false},
	{"single quotes", `<c r='B2'><v>1</v></c>`, false},
	{"space before the end", `<c r="B2" ><v>1</v></c>`, false},
	{"no space between attributes", `<c r="B2"t="s"><v>0</v></c>`, false},
	{"r twice", `<c r="B2" r="C2"><v>1</v></c>`, false},
	{"s twice", `<c s="1" s="1"><v>1</v></c>`, false},
	{"bad style", `<c r="B2" s="x"><v>1</v></c>`, false},
	{"bad reference", `<c r="2B"><v>1</v></c>`, false},
	{"column not after the previous", `<c r="A2"><v>1</v></c>`, false},
	{"index out of range", `<c t="s"><v>3</v></c>`, false},
	{"index not a number", `<c t="s"><v>x</v></c>`, false},
	{"type with an entity", `<c t="&quot;"><v>1</v></c>`, false},
	{"cut short", `<c r="B2" t="s"><v>0</v></`, false},
	{"cut in the value", `<c r="B2" t="s"><v>0`, false},
	{"cut in an attribute", `<c r="B2`, false},
	{"end tag with a space", `<c r="B2"><v>1</v ></c>`, false},
	{"no value", `<c r="B2"></c>`, false},
	{"two values", `<c r="B2"><v>1</v><v>2</v></c>`, false},
	{"another element", `<col r="B2"/>`, false},
	{"end of the row", `</row>`, false},
}

// plainCellSST is the shared strings of plainCellCases: "NIK", "", "ab".
var plainCellSST = &sharedStrings{text: "NIKab", off: []int{0, 3, 3, 5}}

// The one-pass reading of the usual cells takes the forms it is meant to
// take, and reads them as cell does.
func TestPlainCell(t *testing.T) {
	for _, tt := range plainCellCases {
		t.Run(tt.name, func(t *testing.T) {
			if took := comparePlainCell(t, []byte(tt.cell)); took != tt.plain {
				t.Errorf("plainCell took it: %v, want %v", took, tt.plain)
			}
		})
	}
}

// FuzzPlainCell checks that what plainCell takes, cell takes the same
// way: the same cursor, column, texts, values and cellMeta.
func FuzzPlainCell(f *testing.F) {
	for _, tt := range plainCellCases {
		f.Add([]byte(tt.cell))
	}
	f.Fuzz(func(t *testing.T, cell []byte) {
		comparePlainCell(t, cell)
	})
}

// comparePlainCell reads the cell at the start of x (after one in column
// A) with plainCell and with cell, and reports whether plainCell took it.
func comparePlainCell(t *testing.T, x []byte) bool {
	t.Helper()
	fp := &fastSheet{c: xcur{b: x}, sst: plainCellSST}
	colP := 1
	if !fp.plainCell(&colP) {
		if fp.c.i != 0 || colP != 1 || len(fp.arena)+len(fp.vals)+len(fp.meta) != 0 {
			t.Fatalf("plainCell refused %q but moved on: at %d, column %d, %q %v %v", x, fp.c.i, colP, fp.arena, fp.vals, fp.meta)
		}
		return false
	}
	fg := &fastSheet{c: xcur{b: x}, sst: plainCellSST}
	colG := 1
	var tag xtag
	if fg.c.next(&tag) != tokTag || tag.kind == tagEnd || string(tag.local) != "c" || !fg.cell(&tag, &colG) {
		t.Fatalf("plainCell took %q, cell refuses it", x)
	}
	if fp.c.i != fg.c.i || colP != colG || string(fp.arena) != string(fg.arena) ||
		!reflect.DeepEqual(fp.vals, fg.vals) || !reflect.DeepEqual(fp.meta, fg.meta) {
		t.Fatalf("%q: plainCell read it to %d, column %d, %q %v %v; cell to %d, column %d, %q %v %v",
			x, fp.c.i, colP, fp.arena, fp.vals, fp.meta, fg.c.i, colG, fg.arena, fg.vals, fg.meta)
	}
	return true
}
