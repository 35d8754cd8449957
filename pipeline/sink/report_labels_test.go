package sink

import (
	"slices"

	"github.com/apache/arrow/go/v17/arrow"
	"testing"

	"readiness/pipeline"
)

// TestLabelsCoverEveryCode: the workbook never shows a bare code to a
// coordinator, in either language.
func TestLabelsCoverEveryCode(t *testing.T) {
	codes := slices.Concat(pipeline.Reasons(), pipeline.Warnings(), pipeline.Events(), pipeline.Statuses(),
		[]string{pipeline.FlagNIKConflict, pipeline.FlagEventAfterDeath, pipeline.FlagK3Candidate})
	for _, lang := range []string{"id", "en"} {
		lb := labelsFor(lang)
		for _, c := range codes {
			if lb.code(c) == c {
				t.Errorf("%s: no label for %s", lang, c)
			}
		}
		if _, ok := lb.codes[""]; ok { // code("") is "" without a look-up
			t.Errorf("%s: a label for no code", lang)
		}
	}
}

// listCodes labels a list of codes as codes does the list gathered:
// null, empty, one code, one with a null beside it, several.
func TestListCodes(t *testing.T) {
	mem := newMem(t)
	rec := fromJSON(t, mem, arrow.NewSchema([]arrow.Field{{Name: "l", Type: arrow.ListOf(arrow.BinaryTypes.String), Nullable: true}}, nil),
		`[{"l": null}, {"l": []}, {"l": ["SUKET"]}, {"l": [null, "SUKET"]}, {"l": ["SUKET", "XYZ", "SUKET"]}, {"l": [null]}, {"l": [""]}]`)
	defer rec.Release()
	c := colReader{rec: rec}
	l := c.list("l")
	if c.err != nil {
		t.Fatal(c.err)
	}
	r := &Report{lb: &labelsID}
	for i := range int(rec.NumRows()) {
		if got, want := r.listCodes(l, i, "; "), r.codes(l.at(i), "; "); got != want {
			t.Errorf("row %d: %q, want %q", i, got, want)
		}
	}
	if got := r.listCodes(l, 4, "; "); got != labelsID.code("SUKET")+"; XYZ; "+labelsID.code("SUKET") {
		t.Errorf("several codes: %q", got)
	}
}
