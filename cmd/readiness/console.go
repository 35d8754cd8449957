package main

import (
	"context"
	"fmt"
	"io"
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

// errWriter keeps the first error of its writes, so that a report of many
// lines is checked once, where it ends.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

// printf writes a formatted line part; its error is kept in e.err.
func (e *errWriter) printf(format string, a ...any) { _, _ = fmt.Fprintf(e, format, a...) }
