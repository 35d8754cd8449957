package sink

import (
	"testing"

	"github.com/apache/arrow/go/v17/arrow"

	"readiness/pipeline"
)

// A list column has a string at a row exactly when at gathers one: a
// null list, an empty one and one of nulls have none.
func TestListColHas(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{{Name: pipeline.ColFlags, Type: arrow.ListOf(arrow.BinaryTypes.String), Nullable: true}}, nil)
	rec := fromJSON(t, newMem(t), schema, `[{"flags":null},{"flags":[]},{"flags":[null]},{"flags":["A"]},{"flags":[null,"B"]},{"flags":[null,null]}]`)
	defer rec.Release()
	c := colReader{rec: rec}
	flags := c.list(pipeline.ColFlags)
	if c.err != nil {
		t.Fatal(c.err)
	}
	for i, want := range []bool{false, false, false, true, true, false} {
		if got := flags.has(i); got != want || got != (len(flags.at(i)) > 0) {
			t.Errorf("row %d: has %v, want %v (at: %q)", i, got, want, flags.at(i))
		}
	}
}
