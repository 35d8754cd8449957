package transforms

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"unsafe"

	"readiness/pipeline"
)

// storeInput is a row as given to rowStore.add, with the source its
// file, sheet and line make.
type storeInput struct {
	nik, file, sheet string
	line             int32
	r                row
}

func TestRowStoreRoundTrip(t *testing.T) {
	for _, sc := range storeCases {
		t.Run(sc.name, func(t *testing.T) { testRowStoreRoundTrip(t, sc) })
	}
}

func testRowStoreRoundTrip(t *testing.T, sc storeCase) {
	long := strings.Repeat("JALAN PANJANG Ñ ", 5000)             // 80 KB
	huge := strings.Repeat("x", storeChunkSize+storeChunkSize/2) // longer than a chunk
	full := row{
		name: "BUDI SANTOSO", nameNorm: "BUDI SANTOSO", nkk: "1771010101900001",
		birthPlace: "BENGKULU", mother: "SITI AMINAH", address: "JL. MELATI NO. 5",
		kecamatan: "GADING CEMPAKA", kelurahan: "CEMPAKA PERMAI", sex: "L", marital: "KAWIN",
		event: "RUSAK", state: "SUDAH CETAK", region: "1771", dest: "1705",
		birth: 7309, request: 18322, service: 18353,
	}
	with := func(f func(*row)) row {
		r := full
		f(&r)
		return r
	}
	tests := []struct {
		name string
		in   storeInput
	}{
		{"every field", storeInput{"1771010501900001", "a.csv", "", 2, full}},
		{"every field empty, no dates", storeInput{"1771010501900001", "", "", 0,
			row{birth: noDate, request: noDate, service: noDate}}},
		{"a duplicate", storeInput{"1771010501900001", "a.csv", "", 3, with(func(r *row) { r.dup = true })}},
		{"NIK with leading zeros", storeInput{"0000000000000001", "a.csv", "", 4, full}},
		{"NIK not 16 digits", storeInput{"177101050190000", "a.csv", "", 5, full}},
		{"NIK of 16 letters", storeInput{"ABCDEFGHIJKLMNOP", "a.csv", "", 5, full}},
		{"empty NIK", storeInput{"", "a.csv", "", 5, full}},
		{"normalised name differs", storeInput{"1771010501900001", "b.xlsx", "Sheet1", 6,
			with(func(r *row) { r.name, r.nameNorm = "Budi S.", "BUDI S" })}},
		{"only a normalised name", storeInput{"1771010501900001", "b.xlsx", "Sheet1", 6,
			with(func(r *row) { r.name, r.nameNorm = "", "BUDI" })}},
		{"NKK with leading zeros", storeInput{"1771010501900001", "b.xlsx", "Sheet1", 7,
			with(func(r *row) { r.nkk = "0000000000000007" })}},
		{"NKK not 16 digits", storeInput{"1771010501900001", "b.xlsx", "Sheet1", 7,
			with(func(r *row) { r.nkk = "17710101019000AB" })}},
		{"non-ASCII text", storeInput{"1771010501900001", "kota ü.csv", "Data Ü", 8,
			with(func(r *row) { r.name, r.nameNorm, r.mother, r.birthPlace = "ŞİTİ 名前", "SITI", "Ñ", "MÜNCHEN" })}},
		{"text longer than 64 KiB", storeInput{"1771010501900001", "a.csv", "", 9,
			with(func(r *row) { r.address, r.kelurahan = long, long })}},
		{"a row longer than a chunk", storeInput{"1771010501900001", "a.csv", "", 10,
			with(func(r *row) { r.mother = huge })}},
		{"dates before 1970 and the extremes", storeInput{"1771010501900001", "a.csv", "", -1,
			with(func(r *row) { r.birth, r.request, r.service = -25000, noDate+1, 1<<31-1 })}},
		{"one date missing", storeInput{"1771010501900001", "a.csv", "", 1 << 30,
			with(func(r *row) { r.request = noDate })}},
		{"warnings", storeInput{"1771010501900001", "a.csv", "", 11,
			with(func(r *row) { r.warnings = []string{"NIK_DOB_MISMATCH", "CELL_TOO_LONG"} })}},
		{"the same warnings again", storeInput{"1771010501900001", "a.csv", "", 12,
			with(func(r *row) { r.warnings = []string{"NIK_DOB_MISMATCH", "CELL_TOO_LONG"} })}},
		{"other warnings", storeInput{"1771010501900001", "a.csv", "", 13,
			with(func(r *row) { r.warnings = []string{"CELL_TOO_LONG", "", "NIK_DOB_MISMATCH"} })}},
	}
	s := newRowStore(sc.spill(t), 0)
	s.chunkSize = sc.chunk
	defer s.release()
	var want []row
	var niks []string
	for _, tc := range tests {
		// The input's text aliases a buffer that is overwritten once add
		// returns, as an Arrow batch's would be when it is released.
		in := tc.in
		buf, alias := newAliasing()
		r := in.r
		for _, p := range []*string{&in.nik, &in.file, &in.sheet, &r.name, &r.nameNorm, &r.nkk,
			&r.birthPlace, &r.mother, &r.address, &r.kecamatan, &r.kelurahan, &r.sex,
			&r.marital, &r.event, &r.state, &r.region, &r.dest} {
			*p = alias(*p)
		}
		r.warnings = nil
		for _, w := range in.r.warnings {
			r.warnings = append(r.warnings, alias(w))
		}
		if err := s.add(in.nik, in.file, in.sheet, in.line, &r); err != nil {
			t.Fatal(err)
		}
		for i := range *buf {
			(*buf)[i] = '#'
		}
		w := tc.in.r
		w.seq, w.source = len(want), source{file: tc.in.file, sheet: tc.in.sheet, line: tc.in.line}
		want, niks = append(want, w), append(niks, tc.in.nik)
	}
	s.seal() // heads, groups and loads are read once every row is in
	if s.len() != len(tests) {
		t.Fatalf("%d rows stored, want %d", s.len(), len(tests))
	}
	for i, tc := range tests {
		got, nik, err := s.load(int32(i))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if f := differingField(got, want[i]); f != "" {
			t.Errorf("%s: %s differs", tc.name, f)
		}
		isHead := false
		for _, h := range s.heads {
			isHead = isHead || h == int32(i)
		}
		if wantNIK := map[bool]string{true: niks[i]}[isHead]; nik != wantNIK {
			t.Errorf("%s: NIK %q, want %q", tc.name, nik, wantNIK)
		}
	}
	// Groups: by NIK, in order of first appearance.
	var order []string
	count := map[string]int{}
	for _, nik := range niks {
		if count[nik] == 0 {
			order = append(order, nik)
		}
		count[nik]++
	}
	if len(s.heads) != len(order) {
		t.Fatalf("%d NIKs, want %d", len(s.heads), len(order))
	}
	for k, head := range s.heads {
		rows, nik, err := s.group(head, nil)
		if err != nil {
			t.Fatalf("NIK %d: %v", k, err)
		}
		if nik != order[k] || len(rows) != count[nik] {
			t.Errorf("NIK %d: %q with %d rows, want %q with %d", k, nik, len(rows), order[k], count[order[k]])
		}
		for i := 1; i < len(rows); i++ {
			if rows[i].seq <= rows[i-1].seq || niks[rows[i].seq] != nik {
				t.Errorf("NIK %q: row %d is row %d of the input", nik, i, rows[i].seq)
			}
		}
	}
}

// newAliasing returns a buffer and a function that copies a string into it
// and returns a string aliasing the copy.
func newAliasing() (*[]byte, func(string) string) {
	buf := make([]byte, 0, 4<<20)
	return &buf, func(s string) string {
		if s == "" {
			return ""
		}
		start := len(buf)
		buf = append(buf, s...)
		return unsafe.String(&buf[start], len(s))
	}
}

// More distinct values than an interned field's table holds are stored
// inline; rows spread over many chunks are all found.
func TestRowStoreManyValues(t *testing.T) {
	var s rowStore
	n := internLimit + 5000
	for i := range n {
		r := row{birthPlace: fmt.Sprintf("PLACE %d", i), mother: strings.Repeat("M", i%200),
			event: "RUSAK", birth: int32(i), request: noDate, service: noDate}
		if i%3 == 0 {
			r.warnings = []string{fmt.Sprint("W", i)}
		}
		if err := s.add(fmt.Sprintf("%016d", i%1000), "a.csv", "", int32(i), &r); err != nil {
			t.Fatal(err)
		}
	}
	s.seal()
	if len(s.chunks) < 3 {
		t.Fatalf("%d chunks; the test wants rows over several", len(s.chunks))
	}
	if len(s.fields[internBirthPlace].values) != internLimit {
		t.Errorf("%d places interned, want the limit %d", len(s.fields[internBirthPlace].values), internLimit)
	}
	for i := range n {
		r, _, err := s.load(int32(i))
		if err != nil {
			t.Fatal(err)
		}
		if r.birthPlace != fmt.Sprintf("PLACE %d", i) || len(r.mother) != i%200 || r.birth != int32(i) ||
			r.source != (source{file: "a.csv", line: int32(i)}) || (i%3 == 0) != (len(r.warnings) == 1) ||
			i%3 == 0 && r.warnings[0] != fmt.Sprint("W", i) {
			t.Fatalf("row %d: %+v", i, r)
		}
	}
	if len(s.heads) != 1000 {
		t.Fatalf("%d NIKs, want 1000", len(s.heads))
	}
	// Groups read in order while the chunks before the next head go.
	for k, head := range s.heads {
		rows, nik, err := s.group(head, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if r.seq%1000 != k || nik != fmt.Sprintf("%016d", k) || r.birthPlace != fmt.Sprintf("PLACE %d", r.seq) {
				t.Fatalf("NIK %d: row %d: %+v", k, r.seq, r)
			}
		}
		if k+1 < len(s.heads) {
			s.dropBefore(s.heads[k+1])
		}
	}
	if s.dropped != 0 {
		t.Errorf("%d chunks dropped though every NIK has rows in the last chunk", s.dropped)
	}
}

// Chunks go once every NIK with a row in them is read.
func TestRowStoreDropBefore(t *testing.T) {
	var s rowStore
	n := 2 * (3 * storeChunkSize / 200) // pairs of ~100-byte rows over 3 chunks
	for i := range n {
		r := row{mother: strings.Repeat("M", 90), birth: noDate, request: noDate, service: noDate}
		if err := s.add(fmt.Sprintf("%016d", i/2), "a.csv", "", int32(i), &r); err != nil {
			t.Fatal(err)
		}
	}
	s.seal()
	for k, head := range s.heads {
		rows, _, err := s.group(head, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2 || rows[0].seq != 2*k || rows[1].seq != 2*k+1 || len(rows[1].mother) != 90 {
			t.Fatalf("NIK %d: %+v", k, rows)
		}
		if k+1 < len(s.heads) {
			s.dropBefore(s.heads[k+1])
		}
	}
	if s.dropped != len(s.chunks)-1 || len(s.chunks) < 3 {
		t.Errorf("%d of %d chunks dropped, want all but the last", s.dropped, len(s.chunks))
	}
	for k := range s.dropped {
		if s.chunks[k] != nil {
			t.Errorf("chunk %d kept", k)
		}
	}
}

// spillRows adds n rows to s: NIK i%nNIK for the first n-nNIK rows and
// one more row of each NIK at the end, so that every NIK with an early
// head has a row far ahead; every 7th row is longer than a chunk of
// chunk bytes. It returns the rows as load must give them back.
func spillRows(t *testing.T, s *rowStore, n, nNIK, chunk int) []row {
	t.Helper()
	var want []row
	for i := range n {
		nik := i % nNIK
		if i >= n-nNIK {
			nik = i - (n - nNIK)
		}
		r := row{name: fmt.Sprint("NAMA ", i), nameNorm: fmt.Sprint("NAMA ", i),
			mother: strings.Repeat("M", i%50), address: fmt.Sprint("JL. ", i),
			birth: int32(i), request: noDate, service: int32(-i)}
		if i%7 == 0 {
			r.address = strings.Repeat("A", chunk+i%100)
		}
		if err := s.add(fmt.Sprintf("%016d", nik), "a.csv", "", int32(i+2), &r); err != nil {
			t.Fatalf("row %d: %v", i, err)
		}
		r.seq, r.source = i, source{file: "a.csv", line: int32(i + 2)}
		want = append(want, r)
	}
	s.seal()
	return want
}

// Rows spilled to disk come back as they went, read in Finish's order:
// heads in input order, each spilled chunk the sweep reaches read back
// once, rows far ahead read alone; the file is its owner's only, and gone
// once the store is released.
func TestRowStoreSpills(t *testing.T) {
	const chunk = 256
	for _, tc := range []struct {
		name string
		held int // chunks kept in memory
	}{
		{"budget 0", 0},
		{"budget of 5 chunks", 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := emptiedDir(t)
			s := newRowStore(pipeline.DiskScratch(dir), int64(tc.held*chunk))
			s.chunkSize = chunk
			defer s.release()
			const n, nNIK = 3000, 40
			want := spillRows(t, &s, n, nNIK, chunk)

			// The first full chunks, within the budget, stay in memory, and
			// the chunk being filled; every other goes to disk.
			spilled, kept := 0, int64(0)
			for k := range s.chunks {
				onDisk := s.pos[k] >= 0
				if onDisk != (s.chunks[k] == nil) {
					t.Fatalf("chunk %d: on disk %v, in memory %v", k, onDisk, s.chunks[k] != nil)
				}
				last := k == len(s.chunks)-1
				fits := spilled == 0 && kept+int64(s.size[k]) <= int64(tc.held*chunk)
				if onDisk == (last || fits) {
					t.Fatalf("chunk %d of %d (%d bytes, %d kept before): on disk %v", k, len(s.chunks), s.size[k], kept, onDisk)
				}
				if onDisk {
					spilled++
				} else {
					kept += int64(s.size[k])
				}
			}
			if tc.held > 0 && kept == 0 {
				t.Fatal("no chunk kept in memory within the budget")
			}
			if spilled < 100 {
				t.Fatalf("%d chunks spilled; the test wants many", spilled)
			}
			es, err := os.ReadDir(dir)
			if err != nil || len(es) != 1 {
				t.Fatalf("scratch folder holds %v (%v), want one file", es, err)
			}
			if fi, err := es[0].Info(); err != nil || fi.Mode().Perm() != 0o600 {
				t.Fatalf("scratch file mode %v (%v), want 0600", fi.Mode(), err)
			}

			seen := 0
			for k, head := range s.heads {
				rows, nik, err := s.group(head, nil)
				if err != nil {
					t.Fatalf("NIK %d: %v", k, err)
				}
				if nik != fmt.Sprintf("%016d", k) {
					t.Fatalf("NIK %d is %q", k, nik)
				}
				for _, r := range rows {
					if f := differingField(r, want[r.seq]); f != "" {
						t.Fatalf("NIK %d, row %d: %s differs", k, r.seq, f)
					}
				}
				seen += len(rows)
				if k+1 < len(s.heads) {
					s.dropBefore(s.heads[k+1])
				}
			}
			if seen != n {
				t.Errorf("%d rows grouped, want %d", seen, n)
			}
			// Only the heads' chunks and the next are read back whole: the
			// heads are all in the first chunks, so the last rows are far.
			if got := s.chunkReads.Load(); got == 0 || got > int64(spilled) {
				t.Errorf("%d chunks read back whole, want 1 to %d", got, spilled)
			}
			if got := s.farReads.Load(); got < nNIK/2 {
				t.Errorf("%d rows read alone, want at least %d", got, nNIK/2)
			}
			s.release()
			if es, err := os.ReadDir(dir); err != nil || len(es) != 0 {
				t.Errorf("scratch folder holds %v (%v) after release", es, err)
			}
		})
	}
}

// Groups load from several goroutines at once while another drops the
// chunks behind them, as in Classify.Finish (run with -race).
func TestRowStoreConcurrentLoads(t *testing.T) {
	const chunk = 256
	s := newRowStore(pipeline.DiskScratch(emptiedDir(t)), 0)
	s.chunkSize = chunk
	defer s.release()
	want := spillRows(t, &s, 4000, 1500, chunk)

	const size, ahead = 25, 4
	nb := (len(s.heads) + size - 1) / size
	results := make([]chan error, nb)
	for k := range results {
		results[k] = make(chan error, 1)
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	started := 0
	for k := range nb {
		for ; started < nb && started-k < ahead; started++ {
			wg.Add(1)
			go func(b int) {
				defer wg.Done()
				results[b] <- func() error {
					var cc chunkCache // across the batch's groups, as resolveBatch reads
					for _, head := range s.heads[b*size : min((b+1)*size, len(s.heads))] {
						rows, _, err := s.groupWith(head, nil, &cc)
						if err != nil {
							return err
						}
						for _, r := range rows {
							if f := differingField(r, want[r.seq]); f != "" {
								return fmt.Errorf("row %d: %s differs", r.seq, f)
							}
						}
					}
					return nil
				}()
			}(started)
		}
		if err := <-results[k]; err != nil {
			t.Errorf("batch %d: %v", k, err)
		}
		if k+1 < nb {
			s.dropBefore(s.heads[(k+1)*size])
		}
	}
	if s.dropped == 0 {
		t.Error("no chunk dropped")
	}
}

// seal links the groups (16-digit NIKs and others, mixed) and drops what
// only add uses; a second seal changes nothing, and a row added after it
// is an error, not a silent regrouping.
func TestRowStoreSeal(t *testing.T) {
	var s rowStore
	for i := range 50 {
		r := row{name: fmt.Sprint("N", i%7), kecamatan: fmt.Sprint("K", i%3), birth: noDate, request: noDate, service: noDate,
			warnings: []string{"W"}}
		nik := fmt.Sprintf("%016d", i%10)
		if i%5 == 0 {
			nik = fmt.Sprint("X", i%10)
		}
		if err := s.add(nik, "a.csv", "", int32(i), &r); err != nil {
			t.Fatal(err)
		}
	}
	s.seal()
	if s.niks != nil || s.otherTails != nil || s.otherHeads != nil || s.fields[internKecamatan].ids != nil || s.warnings.ids != nil {
		t.Error("seal kept a lookup table")
	}
	check := func(when string) {
		t.Helper()
		if !reflect.DeepEqual(s.heads, []int32{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}) {
			t.Fatalf("%s: heads %v", when, s.heads)
		}
		for k, head := range s.heads {
			rows, nik, err := s.group(head, nil)
			if err != nil {
				t.Fatal(err)
			}
			wantNIK := fmt.Sprintf("%016d", k)
			if k%5 == 0 {
				wantNIK = fmt.Sprint("X", k)
			}
			if nik != wantNIK || len(rows) != 5 {
				t.Fatalf("%s: NIK %d is %q with %d rows", when, k, nik, len(rows))
			}
			for j, r := range rows {
				i := k + 10*j
				if r.seq != i || r.name != fmt.Sprint("N", i%7) || r.kecamatan != fmt.Sprint("K", i%3) {
					t.Fatalf("%s: NIK %d row %d: %+v", when, k, j, r)
				}
			}
		}
	}
	check("sealed")
	s.seal()
	check("sealed twice")
	r := row{birth: noDate, request: noDate, service: noDate}
	if err := s.add("0000000000000001", "a.csv", "", 99, &r); !errors.Is(err, errSealed) {
		t.Errorf("add after seal: %v, want errSealed", err)
	}
}

// TestInterner asks for values that share a slot of the cache of recent
// values, and others, in an order that makes the cache hit, miss and
// evict: each value keeps the id it got first, and once the table is full
// only the values in it have one.
func TestInterner(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	var values []string
	for i := range 3000 {
		values = append(values, fmt.Sprint("V", i))
	}
	// The same length and first, middle and last bytes: one slot.
	values = append(values, "AXYB", "AZYB", "AQYB", "", "A", "AAB")
	if recentSlot("AXYB") != recentSlot("AZYB") || recentSlot("AXYB") != recentSlot("AQYB") {
		t.Fatal("the test wants values sharing a slot")
	}
	var in interner
	ids := map[string]uint32{}
	for range 20000 {
		v := values[r.IntN(len(values))]
		if r.IntN(2) == 0 {
			v = values[len(values)-1-r.IntN(6)] // the colliding ones, often
		}
		buf := []byte(v) // v may alias reused memory
		id, ok := in.id(string(buf))
		clear(buf)
		if !ok {
			t.Fatalf("%q has no id", v)
		}
		if want, seen := ids[v]; seen && id != want {
			t.Fatalf("%q: id %d, earlier %d", v, id, want)
		}
		ids[v] = id
		if in.values[id] != v {
			t.Fatalf("%q: id %d is %q", v, id, in.values[id])
		}
	}
	if len(in.values) != len(ids) {
		t.Fatalf("%d values for %d distinct ones", len(in.values), len(ids))
	}

	var full interner
	for i := range internLimit {
		if id, ok := full.id(fmt.Sprint("F", i)); !ok || id != uint32(i) {
			t.Fatalf("value %d: id %d, %v", i, id, ok)
		}
	}
	if _, ok := full.id("NEW"); ok {
		t.Fatal("a value beyond the limit got an id")
	}
	for _, i := range []int{0, 1, internLimit - 1, 12345} {
		if id, ok := full.id(fmt.Sprint("F", i)); !ok || id != uint32(i) {
			t.Fatalf("value %d once full: id %d, %v", i, id, ok)
		}
	}
}
