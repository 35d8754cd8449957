package sink

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
)

// A sorted store past its memory share spills to a temporary file and
// still writes its rows in key order; the file is gone after close.
func TestRowStoreSpillsAndSorts(t *testing.T) {
	dir := t.TempDir()
	s := newRowStore(dir, []colSpec{{label: "x", min: 5, max: 30}}, true, "…")
	const n = 40_000
	for i := range n {
		s.add([]xcell{textCell(1, fmt.Sprintf("row %06d %s", i, strings.Repeat("x", 20)))},
			rowKey{region: "1771", order: int32(n - i), seq: i})
	}
	if s.spill == nil {
		t.Fatalf("%d bytes stored, nothing spilled", s.size)
	}
	s.order()
	var buf bytes.Buffer
	if err := s.writeRows(&buf, 10, 13); err != nil {
		t.Fatal(err)
	}
	want := ""
	for _, i := range []int{n - 11, n - 12, n - 13} {
		want += fmt.Sprintf(`<row><c s="1" t="inlineStr"><is><t>row %06d %s</t></is></c></row>`, i, strings.Repeat("x", 20))
	}
	if buf.String() != want {
		t.Errorf("rows 10-12 in key order:\n got %.200s\nwant %.200s", buf.String(), want)
	}
	if err := s.close(); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}
