package transforms

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"readiness/pipeline"
)

func newTestClassify(t *testing.T, batch int) *Classify {
	t.Helper()
	return storeCases[0].newClassify(t, testClassifyConfig(batch, 0))
}

func testClassifyConfig(batch, workers int) ClassifyConfig {
	return ClassifyConfig{
		AsOf: day("2020-06-30"), ElectionDate: day("2020-12-09"),
		NameThreshold: 0.92, BatchSize: batch, Workers: workers,
	}
}

// NIKs of the cases: a man born 1990-01-05, a woman born 1985-03-12, a
// girl born 2004-01-01, a boy born 2003-12-09 (17 on election day).
const (
	nikMan   = "1771010501900001"
	nikWoman = "1771015203850002"
	nikGirl  = "1771014101040003"
	nikBoy   = "1771010912030004"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		name string
		rows string // RowSchema rows of one NIK... or several
		want []map[string]any
	}{
		{
			name: "printed after the request: ready",
			rows: `[{"nik_clean":"` + nikMan + `","name_display":"BUDI","name_norm":"BUDI","region_code":"1771","event":"RUSAK","request_date":"2020-03-01","service_state":"SUDAH CETAK","service_date":"2020-04-01"}]`,
			want: []map[string]any{{"status": "READY", "region_code": "1771", "last_print_date": "2020-04-01", "card_event": nil}},
		},
		{
			name: "recorded, not printed: needs print",
			rows: `[{"nik_clean":"` + nikMan + `","name_norm":"BUDI","region_code":"1771","event":"RUSAK","request_date":"2020-03-01","service_state":"SUDAH REKAM"}]`,
			want: []map[string]any{{"status": "NEEDS_PRINT", "card_event": "RUSAK"}},
		},
		{
			name: "a request after the last print needs a new card",
			rows: `[
				{"nik_clean":"` + nikMan + `","name_norm":"BUDI","region_code":"1771","event":"HILANG","request_date":"2020-02-01","service_state":"SELESAI","service_date":"2020-03-01"},
				{"nik_clean":"` + nikMan + `","name_norm":"BUDI","region_code":"1771","event":"KAWIN","request_date":"2020-05-01"}]`,
			want: []map[string]any{{"status": "NEEDS_PRINT", "card_event": "KAWIN", "events": []any{"HILANG", "KAWIN"},
				"first_request_date": "2020-02-01", "last_request_date": "2020-05-01"}},
		},
		{
			name: "a request before the last print is covered by it",
			rows: `[
				{"nik_clean":"` + nikMan + `","name_norm":"BUDI","region_code":"1771","event":"KAWIN","request_date":"2020-02-01"},
				{"nik_clean":"` + nikMan + `","name_norm":"BUDI","region_code":"1771","event":"HILANG","request_date":"2020-02-15","service_state":"SELESAI","service_date":"2020-03-01"}]`,
			want: []map[string]any{{"status": "READY"}},
		},
		{
			name: "latest service state BELUM REKAM: needs recording",
			rows: `[
				{"nik_clean":"` + nikMan + `","name_norm":"BUDI","region_code":"1771","event":"SUKET","request_date":"2020-02-01","service_state":"SUDAH REKAM","service_date":"2020-02-01"},
				{"nik_clean":"` + nikMan + `","name_norm":"BUDI","region_code":"1771","event":"UBAH_DATA","request_date":"2020-04-01","service_state":"BELUM REKAM"}]`,
			want: []map[string]any{{"status": "NEEDS_RECORDING", "card_event": "REKAM"}},
		},
		{
			name: "REKAM request not recorded: needs recording",
			rows: `[{"nik_clean":"` + nikMan + `","name_norm":"BUDI","region_code":"1771","event":"REKAM","request_date":"2020-04-01"}]`,
			want: []map[string]any{{"status": "NEEDS_RECORDING"}},
		},
		{
			name: "REKAM followed by a recorded row: needs print",
			rows: `[
				{"nik_clean":"` + nikMan + `","name_norm":"BUDI","region_code":"1771","event":"REKAM","request_date":"2020-04-01"},
				{"nik_clean":"` + nikMan + `","name_norm":"BUDI","region_code":"1771","event":"SUKET","request_date":"2020-05-01","service_state":"SUDAH REKAM","service_date":"2020-05-03"}]`,
			want: []map[string]any{{"status": "NEEDS_PRINT", "card_event": "SUKET"}},
		},
		{
			name: "death wins, later requests flagged",
			rows: `[
				{"nik_clean":"` + nikWoman + `","name_norm":"SITI","region_code":"1705","event":"RUSAK","request_date":"2020-06-10"},
				{"nik_clean":"` + nikWoman + `","name_norm":"SITI","region_code":"1705","event":"MATI","request_date":"2020-05-01"}]`,
			want: []map[string]any{{"status": "DECEASED", "death_date": "2020-05-01", "flags": []any{"EVENT_AFTER_DEATH"}}},
		},
		{
			name: "under 17 on election day and never married: ineligible",
			rows: `[{"nik_clean":"` + nikGirl + `","name_norm":"RINA","region_code":"1705","event":"REKAM","request_date":"2020-06-01","marital":"BELUM KAWIN"}]`,
			want: []map[string]any{{"status": "INELIGIBLE", "tanggal_lahir": "2004-01-01", "jenis_kelamin": "P"}},
		},
		{
			name: "under 17 but married: eligible",
			rows: `[{"nik_clean":"` + nikGirl + `","name_norm":"RINA","region_code":"1705","event":"KAWIN","request_date":"2020-06-01","marital":"KAWIN"}]`,
			want: []map[string]any{{"status": "NEEDS_PRINT"}},
		},
		{
			name: "17 on election day itself: eligible",
			rows: `[{"nik_clean":"` + nikBoy + `","name_norm":"ANDI","region_code":"1705","event":"REKAM","request_date":"2020-06-01"}]`,
			want: []map[string]any{{"status": "NEEDS_RECORDING", "tanggal_lahir": "2003-12-09", "jenis_kelamin": "L"}},
		},
		{
			name: "same NIK, different birth dates: one person, flagged",
			rows: `[
				{"nik_clean":"` + nikMan + `","name_norm":"BUDI","birth_date":"1990-01-05","region_code":"1771","event":"RUSAK","request_date":"2020-03-01"},
				{"nik_clean":"` + nikMan + `","name_norm":"BUDI","birth_date":"1991-07-05","region_code":"1702","event":"HILANG","request_date":"2020-04-01"}]`,
			want: []map[string]any{{"flags": []any{"NIK_CONFLICT"}, "region_code": "1771", "rows": 2.0}},
		},
		{
			name: "same NIK, dissimilar names: flagged",
			rows: `[
				{"nik_clean":"` + nikMan + `","name_norm":"BUDI SANTOSO","region_code":"1771","event":"RUSAK","request_date":"2020-03-01"},
				{"nik_clean":"` + nikMan + `","name_norm":"AGUS PRATAMA","region_code":"1771","event":"HILANG","request_date":"2020-04-01"}]`,
			want: []map[string]any{{"flags": []any{"NIK_CONFLICT"}}},
		},
		{
			name: "same NIK, a typo in the name: not a conflict",
			rows: `[
				{"nik_clean":"` + nikMan + `","name_norm":"BUDI SANTOSO","region_code":"1771","event":"RUSAK","request_date":"2020-03-01"},
				{"nik_clean":"` + nikMan + `","name_norm":"BUDI SANTOSA","region_code":"1771","event":"HILANG","request_date":"2020-04-01"}]`,
			want: []map[string]any{{"flags": []any{}}},
		},
		{
			name: "attributes: latest request wins, empty values never win",
			rows: `[
				{"nik_clean":"` + nikMan + `","name_display":"BUDI S","name_norm":"BUDI S","nkk":"1771010101900001","tempat_lahir":"CURUP","region_code":"1771","event":"KAWIN","request_date":"2020-05-01","marital":"KAWIN"},
				{"nik_clean":"` + nikMan + `","name_display":"BUDI","name_norm":"BUDI","nkk":"","tempat_lahir":"MANNA","region_code":"1771","event":"RUSAK","request_date":"2020-03-01","marital":"BELUM KAWIN"}]`,
			want: []map[string]any{{"nama": "BUDI S", "nkk": "1771010101900001", "tempat_lahir": "CURUP", "status_kawin": "KAWIN",
				"tanggal_lahir": "1990-01-05", "jenis_kelamin": "L"}},
		},
		{
			name: "move reported by origin and destination",
			rows: `[
				{"nik_clean":"` + nikMan + `","name_norm":"BUDI","region_code":"1705","event":"PINDAH","request_date":"2020-05-02","dest_region_code":"1771"},
				{"nik_clean":"` + nikMan + `","name_norm":"BUDI","region_code":"1771","event":"PINDAH","request_date":"2020-05-02","dest_region_code":"1771","duplicate":true}]`,
			want: []map[string]any{{"region_code": "1771", "origin_region_code": "1705", "rows": 1.0,
				"sources": []any{"a.csv||2", "b.csv||3"}}},
		},
		{
			name: "move reported only by its destination: origin unknown",
			rows: `[{"nik_clean":"` + nikMan + `","name_norm":"BUDI","region_code":"1771","event":"PINDAH","request_date":"2020-05-02","dest_region_code":"1771"}]`,
			want: []map[string]any{{"region_code": "1771", "origin_region_code": nil}},
		},
		{
			name: "move out of the province",
			rows: `[
				{"nik_clean":"` + nikMan + `","name_norm":"BUDI","region_code":"1705","event":"RUSAK","request_date":"2020-03-01"},
				{"nik_clean":"` + nikMan + `","name_norm":"BUDI","region_code":"1705","event":"PINDAH","request_date":"2020-05-02","dest_region_code":"1671"}]`,
			want: []map[string]any{{"region_code": "1671", "origin_region_code": "1705"}},
		},
		{
			name: "row warnings travel with the person, rejected rows are ignored",
			rows: `[
				{"nik_clean":"` + nikMan + `","name_norm":"BUDI","region_code":"1771","event":"RUSAK","request_date":"2020-03-01","warnings":["NIK_DOB_MISMATCH"]},
				{"nik_clean":"` + nikWoman + `","name_norm":"SITI","region_code":"1771","event":"RUSAK","request_date":"2020-03-01","reason":"REGION_UNKNOWN"}]`,
			want: []map[string]any{{"nik": nikMan, "flags": []any{"NIK_DOB_MISMATCH"}}},
		},
		{
			name: "persons in order of first appearance",
			rows: `[
				{"nik_clean":"` + nikWoman + `","name_norm":"SITI","region_code":"1771","event":"RUSAK","request_date":"2020-03-01"},
				{"nik_clean":"` + nikMan + `","name_norm":"BUDI","region_code":"1771","event":"RUSAK","request_date":"2020-03-01"},
				{"nik_clean":"` + nikWoman + `","name_norm":"SITI","region_code":"1771","event":"HILANG","request_date":"2020-04-01"}]`,
			want: []map[string]any{{"nik": nikWoman, "rows": 2.0}, {"nik": nikMan, "rows": 1.0}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mem := checkedMem(t)
			c := newTestClassify(t, 1)
			in := recordJSON(t, mem, pipeline.RowSchema, withSources(t, tc.rows))
			out := emitted{}
			applyTable(t, mem, c, pipeline.TableRows, in, out)
			in.Release()
			if len(out) != 0 {
				t.Fatalf("Apply emitted %v; want nothing", out)
			}
			var got []map[string]any
			for _, r := range finish(t, mem, c, out)[pipeline.TablePersons] {
				if !r.Schema().Equal(pipeline.PersonSchema) {
					t.Errorf("schema %v", r.Schema())
				}
				got = append(got, rowsOf(t, r)...)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("%d persons, want %d: %v", len(got), len(tc.want), got)
			}
			for i, w := range tc.want {
				for k, v := range w {
					g := got[i][k]
					if k == "flags" && g == nil {
						g = []any{}
					}
					if !reflect.DeepEqual(g, v) {
						t.Errorf("person %d: %s = %#v, want %#v", i, k, g, v)
					}
				}
			}
		})
	}
}

// withSources gives row i the provenance file "a.csv", "b.csv"… and row i+2.
func withSources(t *testing.T, rows string) string {
	t.Helper()
	var list []map[string]any
	if err := jsonUnmarshal(rows, &list); err != nil {
		t.Fatal(err)
	}
	for i, r := range list {
		if _, ok := r["file"]; !ok {
			r["file"] = fmt.Sprintf("%c.csv", 'a'+i)
			r["sheet"] = ""
			r["row"] = i + 2
		}
	}
	return jsonMarshal(list)
}

func TestClassifyBatchesAndRelease(t *testing.T) {
	mem := checkedMem(t)
	c := newTestClassify(t, 2)
	out := emitted{}
	for i := 0; i < 5; i++ {
		nik := fmt.Sprintf("17710105019000%02d", i+1)
		in := recordJSON(t, mem, pipeline.RowSchema, withSources(t, `[{"nik_clean":"`+nik+`","name_norm":"BUDI","region_code":"1771","event":"RUSAK","request_date":"2020-03-01"}]`))
		applyTable(t, mem, c, pipeline.TableRows, in, out)
		in.Release()
	}
	var sizes []int64
	for _, r := range finish(t, mem, c, out)[pipeline.TablePersons] {
		sizes = append(sizes, r.NumRows())
	}
	if !reflect.DeepEqual(sizes, []int64{2, 2, 1}) {
		t.Errorf("batch sizes %v, want [2 2 1]", sizes)
	}
}

func TestClassifyConfig(t *testing.T) {
	if _, err := NewClassify(ClassifyConfig{}); err == nil {
		t.Error("empty config accepted")
	}
}

// runPersons passes raw rows through normalize, validate, dedupe and
// classify and returns the persons.
func runPersons(t *testing.T, mem memory.Allocator, rows ...map[string]any) []map[string]any {
	t.Helper()
	in := batchOf(t, mem, pipeline.RawSchema, rows...)
	defer in.Release()
	deduped := applyStages(t, mem, in, newTestNormalize(t), newTestValidate(t), NewDedupe())
	defer deduped.Release()
	c := newTestClassify(t, 100)
	out := emitted{}
	applyTable(t, mem, c, pipeline.TableRows, deduped, out)
	var got []map[string]any
	for _, r := range finish(t, mem, c, out)[pipeline.TablePersons] {
		got = append(got, rowsOf(t, r)...)
	}
	return got
}

// Cell-level traps, from the raw cell to the person: a birth date that
// cannot be true is not used (the NIK's is), a request dated after the
// as-of date is used but flagged, long names do not stall the comparison.
// validRow's NIK is a man born 1990-05-12.
func TestClassifyCellTraps(t *testing.T) {
	long := func(head, fill, tail string) string {
		return head + strings.Repeat(fill, 32767-len(head)-len(tail)) + tail
	}
	tests := []struct {
		name string
		rows []map[string]any
		want map[string]any
	}{
		{"Excel's 1900-02-29: the NIK's birth date",
			[]map[string]any{with(validRow, "tanggal_lahir", "60")},
			map[string]any{"tanggal_lahir": "1990-05-12", "status": "NEEDS_PRINT",
				"flags": []any{pipeline.WarnDateUnparseable, pipeline.WarnExcelLeapDay1900}}},
		{"a bare year: the NIK's birth date",
			[]map[string]any{with(validRow, "tanggal_lahir", "1990")},
			map[string]any{"tanggal_lahir": "1990-05-12", "flags": []any{pipeline.WarnDateUnparseable}}},
		{"birth typo 2030: the NIK's birth date, not ineligible",
			[]map[string]any{with(validRow, "tanggal_lahir", "12/05/2030")},
			map[string]any{"tanggal_lahir": "1990-05-12", "status": "NEEDS_PRINT",
				"flags": []any{pipeline.WarnNIKDOBMismatch, pipeline.WarnBirthAfterAsOf}}},
		{"birth before 1900: the NIK's birth date",
			[]map[string]any{with(validRow, "tanggal_lahir", "12/05/1890")},
			map[string]any{"tanggal_lahir": "1990-05-12", "flags": []any{pipeline.WarnBirthBefore1900}}},
		{"a plausible date of another row wins over the NIK",
			[]map[string]any{
				with(validRow, "row", 2, "tanggal_lahir", "13/05/1990", "tanggal_pengajuan", "01/03/2020"),
				with(validRow, "row", 3, "tanggal_lahir", "13/05/2030", "tanggal_pengajuan", "01/04/2020", "jenis_perubahan", "HILANG")},
			map[string]any{"tanggal_lahir": "1990-05-13",
				"flags": []any{pipeline.WarnNIKDOBMismatch, pipeline.WarnBirthAfterAsOf}}},
		{"a birth typo on one row is no NIK conflict",
			[]map[string]any{
				with(validRow, "row", 2, "tanggal_lahir", "12/05/1990", "tanggal_pengajuan", "01/03/2020"),
				with(validRow, "row", 3, "tanggal_lahir", "12/05/2090", "tanggal_pengajuan", "01/04/2020", "jenis_perubahan", "HILANG")},
			map[string]any{"tanggal_lahir": "1990-05-12", "rows": 2.0, "flags": []any{pipeline.WarnBirthAfterAsOf}}},
		{"a girl's real birth date still makes her ineligible",
			[]map[string]any{with(validRow, "nik", "1771014101040003", "tanggal_lahir", "01/01/2004")},
			map[string]any{"tanggal_lahir": "2004-01-01", "status": "INELIGIBLE", "flags": []any{}}},
		{"a request after the as-of date is used and flagged",
			[]map[string]any{with(validRow, "tanggal_pengajuan", "01/07/2030")},
			map[string]any{"last_request_date": "2030-07-01", "status": "NEEDS_PRINT",
				"flags": []any{pipeline.WarnDateAfterAsOf}}},
		{"32k-character names that agree on their first 256 runes: same name",
			[]map[string]any{
				with(validRow, "row", 2, "nama", long("BUDI ", "A", "X"), "cell_warnings", []string{pipeline.WarnCellTooLong}),
				with(validRow, "row", 3, "nama", long("BUDI ", "A", "Y"), "jenis_perubahan", "HILANG", "cell_warnings", []string{pipeline.WarnCellTooLong})},
			map[string]any{"rows": 2.0, "flags": []any{pipeline.WarnCellTooLong}}},
		{"32k-character names that differ early: conflict",
			[]map[string]any{
				with(validRow, "row", 2, "nama", long("BUDI ", "A", ""), "cell_warnings", []string{pipeline.WarnCellTooLong}),
				with(validRow, "row", 3, "nama", long("SITI ", "B", ""), "jenis_perubahan", "HILANG", "cell_warnings", []string{pipeline.WarnCellTooLong})},
			map[string]any{"rows": 2.0, "flags": []any{pipeline.FlagNIKConflict, pipeline.WarnCellTooLong}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := checkedMem(t)
			got := runPersons(t, mem, tt.rows...)
			if len(got) != 1 {
				t.Fatalf("%d persons, want 1", len(got))
			}
			for k, v := range tt.want {
				g := got[0][k]
				if k == "flags" && g == nil {
					g = []any{}
				}
				if !reflect.DeepEqual(g, v) {
					t.Errorf("%s = %#v, want %#v", k, g, v)
				}
			}
		})
	}
}

// The compact store gives person resolution the very rows the previous
// gathering (refGather: the Arrow columns retained) gave it, on random
// batches: the same NIKs in the same order, the same rows field by field,
// the same persons.
func TestClassifyMatchesPreviousGathering(t *testing.T) {
	for _, sc := range storeCases {
		for seed := range uint64(24) {
			t.Run(fmt.Sprint(sc.name, "/", seed), func(t *testing.T) {
				testClassifyMatchesPreviousGathering(t, sc, seed)
			})
		}
	}
}

func testClassifyMatchesPreviousGathering(t *testing.T, sc storeCase, seed uint64) {
	mem := checkedMem(t)
	r := rand.New(rand.NewPCG(seed, 7))
	c := sc.newClassify(t, testClassifyConfig(1+r.IntN(40), 0))
	defer c.Release()
	var ref refGather
	defer ref.release()
	out := emitted{}
	for range 1 + r.IntN(20) {
		in := randomRows(mem, r, 1+r.IntN(300))
		applyTable(t, mem, c, pipeline.TableRows, in, out)
		ref.apply(in)
		in.Release()
	}
	niks, groups := ref.groups()
	c.rows.seal() // as Finish does first; it seals again, which does nothing
	if len(c.rows.heads) != len(niks) {
		t.Fatalf("%d NIKs gathered, the reference has %d", len(c.rows.heads), len(niks))
	}
	for k, head := range c.rows.heads {
		got, nik, err := c.rows.group(head, nil)
		if err != nil {
			t.Fatalf("NIK %d: %v", k, err)
		}
		if nik != niks[k] {
			t.Fatalf("NIK %d: %q, the reference has %q", k, nik, niks[k])
		}
		if len(got) != len(groups[k]) {
			t.Fatalf("NIK %d: %d rows, the reference has %d", k, len(got), len(groups[k]))
		}
		for i := range got {
			if f := differingField(got[i], groups[k][i]); f != "" {
				t.Fatalf("NIK %d row %d: %s differs from the reference", k, i, f)
			}
		}
	}

	pb := newPersonBuilder(mem)
	defer pb.release()
	for k := range niks {
		var sc resolveScratch // fresh each time: the reference shares nothing
		p := c.resolve(niks[k], groups[k], &sc)
		pb.append(&p)
	}
	wantRec := pb.newRecord()
	defer wantRec.Release()
	want := rowsOf(t, wantRec)
	var got []map[string]any
	for _, rec := range finish(t, mem, c, out)[pipeline.TablePersons] {
		got = append(got, rowsOf(t, rec)...)
	}
	if len(got) != len(want) {
		t.Fatalf("%d persons, the reference gives %d", len(got), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Fatalf("person %d differs from the reference's", i)
		}
	}
}

// nkkText returns a row's NKK as text, packed or not.
func nkkText(r row) string {
	if r.nkkNum != 0 {
		return string(appendDigits16(nil, r.nkkNum-1))
	}
	return r.nkk
}

// differingField names the first field in which two rows differ, "" when
// they are equal.
func differingField(a, b row) string {
	for _, f := range []struct {
		name string
		a, b any
	}{
		{"seq", a.seq, b.seq}, {"dup", a.dup, b.dup}, {"name", a.name, b.name},
		{"nameNorm", a.nameNorm, b.nameNorm}, {"nkk", nkkText(a), nkkText(b)},
		{"birthPlace", a.birthPlace, b.birthPlace}, {"mother", a.mother, b.mother},
		{"address", a.address, b.address}, {"kecamatan", a.kecamatan, b.kecamatan},
		{"kelurahan", a.kelurahan, b.kelurahan}, {"sex", a.sex, b.sex},
		{"marital", a.marital, b.marital}, {"event", a.event, b.event},
		{"state", a.state, b.state}, {"region", a.region, b.region}, {"dest", a.dest, b.dest},
		{"birth", a.birth, b.birth}, {"request", a.request, b.request},
		{"service", a.service, b.service}, {"warnings", a.warnings, b.warnings},
		{"source", a.source, b.source},
	} {
		if !reflect.DeepEqual(f.a, f.b) {
			return f.name
		}
	}
	a.nkk, a.nkkNum, b.nkk, b.nkkNum = "", 0, "", 0
	if !reflect.DeepEqual(a, b) {
		return "a field differingField does not list"
	}
	return ""
}

// Classify copies what it needs of a batch: once Apply returns, the batch
// can go, and nothing Arrow allocated is held until Finish.
func TestClassifyRetainsNoBatch(t *testing.T) {
	mem := checkedMem(t)
	c := newTestClassify(t, 10)
	in := randomRows(mem, rand.New(rand.NewPCG(1, 2)), 500)
	applyTable(t, mem, c, pipeline.TableRows, in, emitted{})
	in.Release()
	if n := mem.CurrentAlloc(); n != 0 {
		t.Errorf("%d bytes of Arrow memory held after Apply", n)
	}
	if c.rows.len() == 0 {
		t.Fatal("nothing gathered")
	}
	finish(t, mem, c, emitted{})
}

// classifyRandom gathers the same random rows into a classify stage of the
// given batch size and workers, its rows kept as sc says.
func classifyRandom(t *testing.T, mem memory.Allocator, sc storeCase, seed uint64, batch, workers int) *Classify {
	t.Helper()
	c := sc.newClassify(t, testClassifyConfig(batch, workers))
	r := rand.New(rand.NewPCG(seed, 11))
	pick := func(vs ...string) string { return vs[r.IntN(len(vs))] }
	out := emitted{}
	for range 6 {
		var rows []map[string]any
		for range 200 {
			rows = append(rows, map[string]any{
				"nik_clean":     fmt.Sprintf("1771010501900%03d", 1+r.IntN(300)),
				"name_display":  pick("Budi", "Budi Santoso", "Siti"),
				"name_norm":     pick("BUDI", "BUDI SANTOSO", "SITI"),
				"region_code":   pick("1771", "1702"),
				"event":         pick("RUSAK", "HILANG", "SUKET", "REKAM", "MATI", "PINDAH"),
				"request_date":  fmt.Sprintf("2020-0%d-1%d", 1+r.IntN(6), r.IntN(10)),
				"service_state": pick("", "SUDAH CETAK", "BELUM REKAM"),
			})
		}
		in := recordJSON(t, mem, pipeline.RowSchema, withSources(t, jsonMarshal(rows)))
		applyTable(t, mem, c, pipeline.TableRows, in, out)
		in.Release()
	}
	return c
}

// Persons are resolved a batch per goroutine and emitted in order: the
// batches are the same whatever the number of workers.
func TestClassifyWorkersEmitTheSameBatches(t *testing.T) {
	var want [][]map[string]any
	for _, sc := range storeCases {
		t.Run(sc.name, func(t *testing.T) {
			mem := checkedMem(t)
			for _, workers := range []int{1, 2, 3, 8} {
				c := classifyRandom(t, mem, sc, 5, 7, workers)
				var got [][]map[string]any
				for _, rec := range finish(t, mem, c, emitted{})[pipeline.TablePersons] {
					got = append(got, rowsOf(t, rec))
				}
				if len(got) < 10 {
					t.Fatalf("%d batches: too few to resolve in parallel", len(got))
				}
				if want == nil {
					want = got // the first store case's, with one worker
					continue
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("%d workers: the batches differ from one worker's in memory", workers)
				}
			}
		})
	}
}

// A failed emit, or a cancelled run, stops Finish: every batch resolved
// ahead is released, and no goroutine is left reading the store.
func TestClassifyFinishStops(t *testing.T) {
	errEmit := errors.New("sink full")
	for _, tc := range []struct {
		name   string
		failAt int // the emit that fails; 0: the context is cancelled at the second
		want   error
	}{
		{"emit fails first", 1, errEmit},
		{"emit fails later", 3, errEmit},
		{"cancelled", 0, context.Canceled},
	} {
		for _, sc := range storeCases {
			t.Run(sc.name+"/"+tc.name, func(t *testing.T) {
				testClassifyFinishStops(t, sc, tc.failAt, tc.want, errEmit)
			})
		}
	}
}

func testClassifyFinishStops(t *testing.T, sc storeCase, failAt int, want, errEmit error) {
	mem := checkedMem(t)
	c := classifyRandom(t, mem, sc, 9, 5, 4)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n := 0
	err := c.Finish(ctx, mem, func(pipeline.Table, arrow.Record) error {
		n++
		switch {
		case failAt == 0 && n == 2:
			cancel()
		case n == failAt:
			return errEmit
		}
		return nil
	})
	c.Release()
	if !errors.Is(err, want) {
		t.Fatalf("Finish: %v, want %v", err, want)
	}
}

// errDiskFull is the failure of a faultyScratch.
var errDiskFull = errors.New("disk full")

// faultyScratch is a scratch file whose writes or reads fail.
type faultyScratch struct {
	pipeline.Scratch
	failWrite, failRead bool
}

func (f *faultyScratch) WriteAt(p []byte, off int64) (int, error) {
	if f.failWrite {
		return 0, errDiskFull
	}
	return f.Scratch.WriteAt(p, off)
}

func (f *faultyScratch) ReadAt(p []byte, off int64) (int, error) {
	if f.failRead {
		return 1, errDiskFull // a short read, with part of the bytes
	}
	return f.Scratch.ReadAt(p, off)
}

// A scratch file that cannot be created, written or read fails the run
// with an error saying so, in Apply or in Finish; nothing is left on disk
// and nothing Arrow allocated is held.
func TestClassifySpillFails(t *testing.T) {
	for _, tc := range []struct {
		name                string
		create, write, read bool // what fails
		inFinish            bool // the error comes from Finish, not Apply
	}{
		{name: "create", create: true},
		{name: "write", write: true},
		{name: "read", read: true, inFinish: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem := checkedMem(t)
			dir := emptiedDir(t)
			disk := pipeline.DiskScratch(dir)
			sc := storeCase{name: tc.name, chunk: 300, spill: func(*testing.T) pipeline.NewScratch {
				return func() (pipeline.Scratch, error) {
					if tc.create {
						return nil, errDiskFull
					}
					s, err := disk()
					return &faultyScratch{Scratch: s, failWrite: tc.write, failRead: tc.read}, err
				}
			}}
			c := sc.newClassify(t, testClassifyConfig(5, 4))
			defer c.Release()
			var err error
			r := rand.New(rand.NewPCG(3, 4))
			for range 5 {
				in := randomRows(mem, r, 200)
				err = c.Apply(context.Background(), mem, pipeline.TableRows, in, emitted{}.emit(t))
				in.Release()
				if err != nil {
					break
				}
			}
			if tc.inFinish {
				if err != nil {
					t.Fatalf("Apply: %v", err)
				}
				err = c.Finish(context.Background(), mem, func(_ pipeline.Table, rec arrow.Record) error { return nil })
			}
			if !errors.Is(err, errDiskFull) || !strings.HasPrefix(err.Error(), "classify: ") {
				t.Fatalf("got %v, want a classify error wrapping %v", err, errDiskFull)
			}
			c.Release()
			if es, err := os.ReadDir(dir); err != nil || len(es) != 0 {
				t.Errorf("scratch folder holds %v (%v) after Release", es, err)
			}
		})
	}
}

// TestResolveScratchRows checks the kept rows and their order by request
// date that resolve works from against their plain definitions, with one
// scratch reused across groups as resolveBatch does: groups with and
// without duplicates (the first row too), sorted and not, with missing
// dates and ties.
func TestResolveScratchRows(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	var sc resolveScratch
	for g := range 2000 {
		n := 1 + r.IntN(6)
		if g%10 == 0 {
			n = 1 + r.IntN(40) // beyond where a sort is stable anyway
		}
		all := make([]row, n)
		for i := range all {
			all[i] = row{seq: i, dup: r.IntN(4) == 0, request: int32(r.IntN(4))}
			if r.IntN(5) == 0 {
				all[i].request = noDate
			}
		}
		input := slices.Clone(all)
		wantKept := slices.DeleteFunc(slices.Clone(all), func(r row) bool { return r.dup })
		wantByDate := slices.Clone(wantKept)
		slices.SortStableFunc(wantByDate, func(a, b row) int { return cmpInt32(a.request, b.request) })

		kept := sc.keptRows(all)
		if !slices.EqualFunc(kept, wantKept, sameRow) {
			t.Fatalf("group %d: kept %v, want %v", g, kept, wantKept)
		}
		byDate := sc.byRequestDate(kept)
		if !slices.EqualFunc(byDate, wantByDate, sameRow) {
			t.Fatalf("group %d: by date %v, want %v", g, byDate, wantByDate)
		}
		if !slices.EqualFunc(kept, wantKept, sameRow) {
			t.Fatalf("group %d: sorting changed the kept rows to %v", g, kept)
		}
		if !slices.EqualFunc(all, input, sameRow) {
			t.Fatalf("group %d: the group's rows changed to %v", g, all)
		}
	}
}

func sameRow(a, b row) bool { return a.seq == b.seq && a.dup == b.dup && a.request == b.request }
