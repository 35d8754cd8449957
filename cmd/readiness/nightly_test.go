package main

// The nightly batch over three nights (2020-06-30, 07-01, 07-02) with
// --history: the fixtures the first night, then Bengkulu Tengah's file
// changed as a regency's would be — cards printed, residents recorded, a
// death, a move, a new resident, a request gone without being resolved.

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	arrowlib "github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet/file"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"

	"readiness/pipeline"
)

// The nights of the scenario.
var nights = []string{"2020-06-30", "2020-07-01", "2020-07-02"}

// nightlyFile is the input the scenario changes between nights.
const nightlyFile = "1709_bengkulu_tengah.csv"

// nightlyPlan names the persons each change is planted on (by NIK), chosen
// from the first night's persons: Bengkulu Tengah residents with one row
// in its own file, no flag and no move.
type nightlyPlan struct {
	printed2, recorded2 []string // night 2: printed, recorded
	died2, moved2       string   // night 2: a death, a move to Kota Bengkulu (1771)
	newNIK              string   // night 2: a new resident, needs a card
	printed3            []string // night 3: printed
	vanished3           string   // night 3: the request's row is gone
}

// nightlyScenario is the scenario's result: the history folder and a copy
// of each night's output folder.
type nightlyScenario struct {
	dir, in, out, hist string
	nights             []string // copies of the output folder, one per night
	stdout, stderr     []string
	plan               nightlyPlan
	err                error
}

var (
	nightlyOnce   sync.Once
	nightlyResult nightlyScenario
)

// nightly runs the scenario once per test binary.
func nightly(t *testing.T) *nightlyScenario {
	t.Helper()
	nightlyOnce.Do(func() { nightlyResult = runNightly() })
	if nightlyResult.err != nil {
		t.Fatalf("nightly scenario: %v", nightlyResult.err)
	}
	return &nightlyResult
}

func runNightly() (s nightlyScenario) {
	dir, err := os.MkdirTemp("", "readiness-nightly-")
	if err != nil {
		return nightlyScenario{err: err}
	}
	s = nightlyScenario{dir: dir, in: filepath.Join(dir, "in"), out: filepath.Join(dir, "out"), hist: filepath.Join(dir, "history")}
	if s.err = os.CopyFS(s.in, os.DirFS("../../fixtures/inputs")); s.err != nil {
		return s
	}
	for i, asOf := range nights {
		switch i {
		case 1:
			if s.plan, s.err = planNightly(s.nights[0]); s.err == nil {
				s.err = editNightly(filepath.Join(s.in, nightlyFile), s.plan, 2)
			}
		case 2:
			s.err = editNightly(filepath.Join(s.in, nightlyFile), s.plan, 3)
		}
		if s.err != nil {
			return s
		}
		var stdout, stderr bytes.Buffer
		if err := run(context.Background(), nightlyArgs(&s, asOf), &stdout, &stderr); err != nil {
			s.err = fmt.Errorf("night %s: %w\n%s", asOf, err, stderr.String())
			return s
		}
		copyTo := filepath.Join(dir, "night-"+asOf)
		if s.err = os.CopyFS(copyTo, os.DirFS(s.out)); s.err != nil {
			return s
		}
		s.nights, s.stdout, s.stderr = append(s.nights, copyTo), append(s.stdout, stdout.String()), append(s.stderr, stderr.String())
	}
	return s
}

// nightlyArgs are the arguments of the night asOf.
func nightlyArgs(s *nightlyScenario, asOf string) []string {
	return []string{"run", "--in", s.in, "--out", s.out, "--history", s.hist, "--as-of", asOf,
		"--election-date", "2020-12-09", "--log-format", "json"}
}

// planNightly picks the persons of the changes from the first night.
func planNightly(out string) (nightlyPlan, error) {
	var plan nightlyPlan
	persons, err := readPersonStates(out)
	if err != nil {
		return plan, err
	}
	var print, record []string
	for _, p := range persons {
		if p.region != "1709" || p.rows != "1" || p.flags != 0 || p.origin != "" || p.cardEvent == pipeline.EventPindah ||
			len(p.sources) != 1 || !strings.Contains(p.sources[0], nightlyFile) {
			continue
		}
		switch p.status {
		case pipeline.StatusNeedsPrint:
			print = append(print, p.nik)
		case pipeline.StatusNeedsRecording:
			record = append(record, p.nik)
		}
	}
	sort.Strings(print)
	sort.Strings(record)
	if len(print) < 11 || len(record) < 2 {
		return plan, fmt.Errorf("too few candidates: %d to print, %d to record", len(print), len(record))
	}
	plan = nightlyPlan{printed2: print[:5], died2: print[5], moved2: print[6], printed3: print[7:10], vanished3: print[10],
		recorded2: record[:2]}
	// A new NIK of the regency: a known one's district, a birth date and
	// serial no one has.
	plan.newNIK = print[0][:6] + "150390" + "9871"
	if slices.ContainsFunc(persons, func(p personState) bool { return p.nik == plan.newNIK }) {
		return plan, fmt.Errorf("the new NIK exists")
	}
	return plan, nil
}

// editNightly changes the regency's file for night n (2 or 3) as the plan
// says; the changes of night 2 stay in night 3's file.
func editNightly(path string, plan nightlyPlan, night int) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	var recs [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		recs = append(recs, rec)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	nik := func(rec []string) string {
		return strings.NewReplacer("'", "", " ", "", ".", "").Replace(rec[col["nik"]])
	}
	find := func(n string) int {
		for i, rec := range recs[1:] {
			if len(rec) > col["nik"] && nik(rec) == n {
				return i + 1
			}
		}
		panic("nightly plan: NIK not in " + nightlyFile)
	}
	date := map[int]string{2: "01-07-2020", 3: "02-07-2020"}[night]
	set := func(n string, state string) {
		rec := recs[find(n)]
		rec[col["status_layanan"]], rec[col["tanggal_layanan"]] = state, date
	}
	request := func(n, event, dest string) {
		rec := slices.Clone(recs[find(n)])
		rec[col["jenis_perubahan"]], rec[col["tanggal_pengajuan"]] = event, date
		rec[col["status_layanan"]], rec[col["tanggal_layanan"]], rec[col["kabupaten_tujuan"]] = "", "", dest
		recs = append(recs, rec)
	}
	switch night {
	case 2:
		for _, n := range plan.printed2 {
			set(n, "SUDAH CETAK")
		}
		for _, n := range plan.recorded2 {
			set(n, "SUDAH REKAM")
		}
		request(plan.died2, "KEMATIAN", "")
		request(plan.moved2, "PINDAH DOMISILI", "1771")
		rec := make([]string, len(recs[0]))
		for h, v := range map[string]string{
			"nik": plan.newNIK, "nama": "TESTA PENDUDUK BARU", "tempat_lahir": "KARANG TINGGI", "tanggal_lahir": "15/03/1990",
			"jenis_kelamin": "1", "status_kawin": "KAWIN", "kabupaten_kota": "1709", "jenis_perubahan": "KTP HILANG",
			"tanggal_pengajuan": date,
		} {
			rec[col[h]] = v
		}
		recs = append(recs, rec)
	case 3:
		for _, n := range plan.printed3 {
			set(n, "SELESAI")
		}
		i := find(plan.vanished3)
		recs = append(recs[:i], recs[i+1:]...)
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.WriteAll(recs); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o600)
}

// personState is what the deltas compare of a person, read back from a
// persons.parquet.
type personState struct {
	nik, region, origin, status, cardEvent, blank string
	tier, lastPrint, rows                         string // as text; "" when null
	flags                                         int
	sources                                       []string
}

// readPersonStates reads the persons of an output folder.
func readPersonStates(out string) ([]personState, error) {
	pf, err := file.OpenParquetFile(filepath.Join(out, "persons.parquet"), false)
	if err != nil {
		return nil, err
	}
	defer pf.Close()
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: 1 << 16}, memory.NewGoAllocator())
	if err != nil {
		return nil, err
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		return nil, err
	}
	defer tbl.Release()
	tr := array.NewTableReader(tbl, -1)
	defer tr.Release()
	var persons []personState
	for tr.Next() {
		rec := tr.Record()
		col := func(name string) textCol { return textCol{rec.Column(rec.Schema().FieldIndices(name)[0])} }
		for i := 0; i < int(rec.NumRows()); i++ {
			p := personState{
				nik: col(pipeline.ColNIK).str(i), region: col(pipeline.ColRegionCode).str(i),
				origin: col(pipeline.ColOriginRegionCode).str(i), status: col(pipeline.ColStatus).str(i),
				cardEvent: col(pipeline.ColCardEvent).str(i), blank: col(pipeline.ColBlank).str(i),
				lastPrint: col(pipeline.ColLastPrintDate).str(i), sources: col(pipeline.ColSources).list(i),
				flags: len(col(pipeline.ColFlags).list(i)), tier: col(pipeline.ColTier).str(i),
				rows: col(pipeline.ColRowCount).str(i),
			}
			persons = append(persons, p)
		}
	}
	return persons, nil
}

// textCol reads one column's values as text.
type textCol struct{ a arrowlib.Array }

func (c textCol) str(i int) string {
	if c.a.IsNull(i) {
		return ""
	}
	return c.a.ValueStr(i)
}

func (c textCol) list(i int) []string {
	l := c.a.(*array.List)
	if l.IsNull(i) {
		return nil
	}
	start, end := l.ValueOffsets(i)
	v := l.ListValues().(*array.String)
	var out []string
	for j := start; j < end; j++ {
		out = append(out, v.Value(int(j)))
	}
	return out
}
