package sink

import (
	"slices"
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
	}
}
