package history

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet/file"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"

	"readiness/pipeline"
)

// SummaryRow is one row of a stored summary.
type SummaryRow struct {
	Code, Name string
	Counts     map[string]int64 // the integer columns of pipeline.SummarySchema by name
	Pct        *float64         // projected_ready_pct; nil when empty
}

// Count returns the count in column name.
func (r SummaryRow) Count(name string) int64 { return r.Counts[name] }

// ReadSummary reads a stored summary.parquet.
func ReadSummary(path string) ([]SummaryRow, error) {
	var rows []SummaryRow
	err := readColumns(path, pipeline.ColumnNames(pipeline.SummarySchema), func(rec arrow.Record) error {
		cols := map[string]arrow.Array{}
		for i, f := range rec.Schema().Fields() {
			want, _ := pipeline.SummarySchema.FieldsByName(f.Name)
			if len(want) != 1 || !arrow.TypeEqual(want[0].Type, f.Type) {
				return fmt.Errorf("column %s has type %s", f.Name, f.Type)
			}
			cols[f.Name] = rec.Column(i)
		}
		for i := 0; i < int(rec.NumRows()); i++ {
			r := SummaryRow{Counts: map[string]int64{}}
			for name, a := range cols {
				switch a := a.(type) {
				case *array.String:
					if name == pipeline.SumRegionCode {
						r.Code = strings.Clone(a.Value(i))
					} else {
						r.Name = strings.Clone(a.Value(i))
					}
				case *array.Int64:
					if a.IsValid(i) {
						r.Counts[name] = a.Value(i)
					}
				case *array.Float64:
					if a.IsValid(i) {
						v := a.Value(i)
						r.Pct = &v
					}
				}
			}
			rows = append(rows, r)
		}
		return nil
	})
	return rows, err
}

// ReadPrior reads the persons of the stored day in dir as the deltas
// stage compares with them. Name, request and sources are kept only for
// persons who needed a blank (the alarm list's rows).
func ReadPrior(dir string, asOf time.Time) (*pipeline.PriorRun, error) {
	prior := &pipeline.PriorRun{AsOf: asOf}
	// Regions, statuses and blanks are few: one copy of each.
	interned := map[string]string{}
	intern := func(s string) string {
		if v, ok := interned[s]; ok {
			return v
		}
		v := strings.Clone(s)
		interned[v] = v
		return v
	}
	names := []string{pipeline.ColNIK, pipeline.ColNama, pipeline.ColRegionCode, pipeline.ColStatus,
		pipeline.ColLastPrintDate, pipeline.ColCardEvent, pipeline.ColLastRequestDate, pipeline.ColSources,
		pipeline.ColTier, pipeline.ColBlank}
	err := readColumns(filepath.Join(dir, PersonsFile), names, func(rec arrow.Record) error {
		c := cols{rec: rec}
		nik, name, region, status := c.str(pipeline.ColNIK), c.str(pipeline.ColNama), c.str(pipeline.ColRegionCode), c.str(pipeline.ColStatus)
		event := c.str(pipeline.ColCardEvent)
		lastPrint, lastReq := c.date(pipeline.ColLastPrintDate), c.date(pipeline.ColLastRequestDate)
		sources := c.list(pipeline.ColSources)
		var tier *array.Int8
		var blank *array.String
		if rec.Schema().HasField(pipeline.ColTier) {
			prior.Allocated = true
			tier, blank = c.int8(pipeline.ColTier), c.str(pipeline.ColBlank)
		}
		if c.err != nil {
			return c.err
		}
		for i := 0; i < int(rec.NumRows()); i++ {
			// Copies: the strings would otherwise hold the batch's buffers.
			p := pipeline.PriorPerson{NIK: strings.Clone(nik.Value(i)), Region: intern(region.Value(i)), Status: intern(status.Value(i)),
				LastPrint: dateAt(lastPrint, i), LastRequest: pipeline.NoDate}
			if tier != nil {
				if tier.IsValid(i) {
					p.Tier = tier.Value(i)
				}
				p.Blank = intern(blank.Value(i))
			}
			if p.Status == pipeline.StatusNeedsPrint || p.Status == pipeline.StatusNeedsRecording {
				p.Name, p.CardEvent, p.LastRequest = strings.Clone(name.Value(i)), intern(event.Value(i)), dateAt(lastReq, i)
				start, end := sources.ValueOffsets(i)
				v := sources.ListValues().(*array.String)
				for j := start; j < end; j++ {
					p.Sources = append(p.Sources, strings.Clone(v.Value(int(j))))
				}
			}
			prior.Persons = append(prior.Persons, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return prior, nil
}

func dateAt(a *array.Date32, i int) int32 {
	if a.IsNull(i) {
		return pipeline.NoDate
	}
	return int32(a.Value(i))
}

// readColumns reads the top-level columns called names (those the file
// has) of a Parquet file, batch by batch.
func readColumns(path string, names []string, each func(arrow.Record) error) (err error) {
	pf, err := file.OpenParquetFile(path, false)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := pf.Close(); err == nil {
			err = cerr
		}
	}()
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: 64 << 10}, memory.DefaultAllocator)
	if err != nil {
		return err
	}
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	var leaves []int
	for _, f := range fr.Manifest.Fields {
		if want[f.Field.Name] {
			leaves = appendLeaves(leaves, f)
		}
	}
	rr, err := fr.GetRecordReader(context.Background(), leaves, nil)
	if err != nil {
		return err
	}
	defer rr.Release()
	for rr.Next() {
		if err := each(rr.Record()); err != nil {
			return fmt.Errorf("%s: %w", filepath.Base(path), err)
		}
	}
	if err := rr.Err(); err != nil && !errors.Is(err, io.EOF) { // the v17 reader ends with io.EOF
		return err
	}
	return nil
}

// appendLeaves appends the leaf columns of f. A nested field's ColIndex
// is 0 in v17's manifest, not -1, so IsLeaf cannot tell: its children can.
func appendLeaves(leaves []int, f pqarrow.SchemaField) []int {
	if len(f.Children) == 0 {
		return append(leaves, f.ColIndex)
	}
	for _, c := range f.Children {
		leaves = appendLeaves(leaves, c)
	}
	return leaves
}

// cols reads typed columns of a batch by name, keeping the first error.
type cols struct {
	rec arrow.Record
	err error
}

func get[T arrow.Array](c *cols, name string) T {
	var zero T
	idx := c.rec.Schema().FieldIndices(name)
	if len(idx) != 1 {
		if c.err == nil {
			c.err = fmt.Errorf("column %s missing", name)
		}
		return zero
	}
	a, ok := c.rec.Column(idx[0]).(T)
	if !ok && c.err == nil {
		c.err = fmt.Errorf("column %s has type %s", name, c.rec.Column(idx[0]).DataType())
	}
	return a
}

func (c *cols) str(name string) *array.String  { return get[*array.String](c, name) }
func (c *cols) date(name string) *array.Date32 { return get[*array.Date32](c, name) }
func (c *cols) list(name string) *array.List {
	l := get[*array.List](c, name)
	if l != nil {
		if _, ok := l.ListValues().(*array.String); !ok && c.err == nil {
			c.err = fmt.Errorf("column %s is not a list of strings", name)
		}
	}
	return l
}
func (c *cols) int8(name string) *array.Int8 { return get[*array.Int8](c, name) }
