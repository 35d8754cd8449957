package main

import (
	"context"
	"strconv"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"readiness/pipeline"
)

// summaryTable is a sink keeping the summary rows for the console.
type summaryTable struct {
	rows []map[string]string
}

var _ pipeline.Sink = (*summaryTable)(nil)

func (*summaryTable) Name() string                    { return "console summary" }
func (*summaryTable) Close(ctx context.Context) error { return nil }
func (*summaryTable) Abort()                          {}
func (*summaryTable) Files() []string                 { return nil }

func (t *summaryTable) Write(ctx context.Context, table pipeline.Table, rec arrow.Record) error {
	if table != pipeline.TableSummary {
		return nil
	}
	for i := 0; i < int(rec.NumRows()); i++ {
		row := map[string]string{}
		for j, f := range rec.Schema().Fields() {
			col := rec.Column(j)
			switch {
			case col.IsNull(i):
				row[f.Name] = ""
			case f.Type.ID() == arrow.FLOAT64:
				row[f.Name] = strconv.FormatFloat(col.(*array.Float64).Value(i), 'f', 1, 64)
			default:
				row[f.Name] = col.ValueStr(i)
			}
		}
		t.rows = append(t.rows, row)
	}
	return nil
}
