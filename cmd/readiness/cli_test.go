package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"readiness/pipeline"
)

// newUserFile rewrites a fixture CSV as a new regional office might send
// it: headers in another alias set (SPEC §2) and no kabupaten_kota column,
// so the region comes only from the file name.
func newUserFile(t *testing.T, dir string) (path string, dataRows int) {
	t.Helper()
	f, err := os.Open("../../fixtures/inputs/1709_bengkulu_tengah.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	alias := map[string]string{
		"nik": "Nomor Induk Kependudukan", "nkk": "Nomor KK", "nama": "Nama Lengkap",
		"tempat_lahir": "Tempat Lahir", "tanggal_lahir": "Tgl. Lahir", "jenis_kelamin": "Jenis Kelamin",
		"status_kawin": "Status Perkawinan", "nama_ibu": "Nama Ibu Kandung", "alamat": "ALAMAT",
		"rt": "RT", "rw": "RW", "kelurahan": "DESA", "kecamatan": "KEC",
		"jenis_perubahan": "JENIS_PERUBAHAN", "tanggal_pengajuan": "TANGGAL_PENGAJUAN",
		"status_layanan": "STATUS_LAYANAN", "tanggal_layanan": "TANGGAL_LAYANAN",
		"kabupaten_tujuan": "KABUPATEN_TUJUAN",
	}
	drop := -1
	for i, h := range recs[0] {
		if h == "kabupaten_kota" {
			drop = i
			continue
		}
		a, ok := alias[h]
		if !ok {
			t.Fatalf("fixture header %q has no alias in the test", h)
		}
		recs[0][i] = a
	}
	if drop < 0 {
		t.Fatal("fixture has no kabupaten_kota column")
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	for _, rec := range recs {
		blank := strings.TrimSpace(strings.Join(rec, "")) == ""
		if len(rec) > drop {
			rec = append(rec[:drop:drop], rec[drop+1:]...)
		}
		if !blank {
			dataRows++
		}
		w.Write(rec)
	}
	w.Flush()
	path = filepath.Join(dir, "Kiriman Kab Bengkulu Tengah Juli.csv")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, dataRows - 1
}

// TestRunNewUser runs the command as a new user would, on a file the tool
// has never seen, with every setting given.
func TestRunNewUser(t *testing.T) {
	dir := t.TempDir()
	in, rows := newUserFile(t, dir)
	stock := filepath.Join(dir, "stok.csv")
	os.WriteFile(stock, []byte("region_code,region_name,stock,print_capacity_per_day,arrives\n1709,KAB. BENGKULU TENGAH,40,10,\n17,PROVINSI,100,0,\n"), 0o600)
	out := filepath.Join(dir, "hasil")
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"run", "--in", in, "--out", out, "--stock", stock,
		"--as-of", "2020-06-30", "--election-date", "2020-12-09", "--log-format", "json"}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	sum := readCSV(t, filepath.Join(out, "summary.csv"))
	var row, province []string
	for _, r := range sum[1:] {
		switch r[0] {
		case "1709":
			row = r
		case "17":
			province = r
		}
	}
	_, files := expectedTable(t, "files")
	var planted []string
	for _, f := range files {
		if f[0] == "inputs/1709_bengkulu_tengah.csv" {
			planted = f
		}
	}
	// Every row lands in 1709 by the file name alone, with the same
	// rejects and duplicates as the original fixture.
	if row == nil || row[2] != itoa(rows) || row[2] != planted[1] || row[3] != planted[4] || row[4] != planted[3] {
		t.Errorf("1709 row %v; want rows_in %d, rejected %s, duplicates %s", row, rows, planted[4], planted[3])
	}
	if province[2] != row[2] || row[15] != "40" || province[15] != "140" {
		t.Errorf("province %v", province)
	}
	m := readManifest(t, out)
	if !m.Accounting.Balanced || m.Accounting.RowsIn != rows || len(m.Inputs) != 1 {
		t.Errorf("manifest accounting %+v over %d inputs", m.Accounting, len(m.Inputs))
	}
}

// TestValidate reports the problems a run would find and writes nothing.
func TestValidate(t *testing.T) {
	dir := t.TempDir()
	in, _ := newUserFile(t, dir)
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"validate", "--in", in, "--as-of", "2020-06-30", "--log-format", "json"}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("validate: %v\n%s", err, stderr.String())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("validate wrote files: %v", entries)
	}
	if _, err := os.Stat("out"); err == nil {
		t.Error("validate created ./out")
	}
	// The same rejects as a run on the same file.
	out := filepath.Join(dir, "..", filepath.Base(dir)+"-run")
	defer os.RemoveAll(out)
	var rs bytes.Buffer
	if err := run(context.Background(), []string{"run", "--in", in, "--out", out, "--as-of", "2020-06-30",
		"--election-date", "2020-12-09", "--log-format", "json"}, &rs, &rs); err != nil {
		t.Fatal(err)
	}
	exc := readCSV(t, filepath.Join(out, "exceptions.csv"))
	if len(exc) < 2 {
		t.Fatal("the run rejected nothing: nothing to compare")
	}
	for _, r := range exc[1:] {
		line := "row " + r[2] + ": " + r[3] + ": " + r[4]
		if !strings.Contains(stdout.String(), line) {
			t.Errorf("validate does not report %q\n%s", line, stdout.String())
		}
	}
}

// TestBadSettings fails before reading anything and names every problem.
func TestBadSettings(t *testing.T) {
	dir := t.TempDir()
	stock := filepath.Join(dir, "stock.csv")
	os.WriteFile(stock, []byte("region_code,region_name,stock,print_capacity_per_day,arrives\n9999,X,-1,5,\n"), 0o600)
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"run", "--in", filepath.Join(dir, "missing.xlsx"), "--out", filepath.Join(dir, "out"),
		"--stock", stock, "--regions", filepath.Join(dir, "none.csv"), "--as-of", "2020-12-10",
		"--election-date", "2020-12-09", "--lang", "fr", "--name-threshold", "0", "--batch-size", "0"}, &stdout, &stderr)
	if !errors.Is(err, pipeline.ErrUsage) {
		t.Fatalf("err = %v, want a usage error", err)
	}
	for _, want := range []string{"--election-date", "--lang", "--regions", "missing.xlsx",
		"--name-threshold: 0 is outside (0, 1]", "--batch-size: 0 is not positive"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if code := exitCode(err, &stderr); code != exitUsage {
		t.Errorf("exit code %d, want %d", code, exitUsage)
	}
	if _, err := os.Stat(filepath.Join(dir, "out")); err == nil {
		t.Error("output folder created despite bad settings")
	}
	// With good regions, the stock file's problems are all reported.
	err = run(context.Background(), []string{"run", "--out", filepath.Join(dir, "out"), "--stock", stock}, &stdout, &stderr)
	for _, want := range []string{`"9999" is not a regency`, "-1 is negative"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
}

// TestUnreadableInput: a file that cannot be read is named, the others are
// processed, and the exit code says so.
func TestUnreadableInput(t *testing.T) {
	dir := t.TempDir()
	in, rows := newUserFile(t, dir)
	os.WriteFile(filepath.Join(dir, "kosong.xlsx"), nil, 0o600)
	os.WriteFile(filepath.Join(dir, "lama.xls"), []byte("\xd0\xcf\x11\xe0 not really"), 0o600)
	out := filepath.Join(dir, "out")
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"run", "--in", dir, "--out", out, "--as-of", "2020-06-30",
		"--election-date", "2020-12-09", "--log-format", "json"}, &stdout, &stderr)
	if !errors.Is(err, pipeline.ErrPartial) || exitCode(err, &stderr) != exitPartial {
		t.Fatalf("err = %v, want ErrPartial", err)
	}
	m := readManifest(t, out)
	failed := map[string]string{}
	for _, i := range m.Inputs {
		failed[filepath.Base(i.Path)] = i.Error
	}
	if failed["kosong.xlsx"] == "" || failed["lama.xls"] == "" || failed[filepath.Base(in)] != "" {
		t.Errorf("input errors %v", failed)
	}
	if m.Accounting.RowsIn != rows {
		t.Errorf("rows in %d, want %d from the readable file", m.Accounting.RowsIn, rows)
	}
}

func TestSubcommandHelpListsExitCodes(t *testing.T) {
	for _, cmd := range []string{"run", "validate"} {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), []string{cmd, "--help"}, &stdout, &stderr)
		if exitCode(err, &stderr) != exitOK {
			t.Errorf("%s --help: %v", cmd, err)
		}
		for _, want := range []string{"--in", "Exit codes:", "4  another run"} {
			if !strings.Contains(stderr.String(), strings.TrimPrefix(want, "-")) {
				t.Errorf("%s --help lacks %q:\n%s", cmd, want, stderr.String())
			}
		}
	}
}

func TestCommands(t *testing.T) {
	tests := []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"version"}, exitOK, "readiness " + version},
		{[]string{"help"}, exitOK, "Exit codes:"},
		{[]string{"frobnicate"}, exitUsage, ""},
		{[]string{"run", "--no-such-flag"}, exitUsage, ""},
		{[]string{"run", "stray"}, exitUsage, ""},
		{[]string{"run", "--help"}, exitOK, ""},
	}
	for _, tc := range tests {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), tc.args, &stdout, &stderr)
		if code := exitCode(err, &stderr); code != tc.code || !strings.Contains(stdout.String(), tc.out) {
			t.Errorf("%v: exit %d, stdout %q; want %d and %q", tc.args, code, stdout.String(), tc.code, tc.out)
		}
	}
}

// A hostile --regions file: a regency named "../../x" gets its workbook
// inside regions/, and a name that looks like a formula stays text in
// summary.csv. --outputs leaves out what is not asked for, and the
// manifest says so.
func TestHostileRegionNamesAndOutputs(t *testing.T) {
	dir := t.TempDir()
	user, _ := newUserFile(t, dir)
	in := filepath.Join(dir, "1709_submission.csv") // the region comes from the code in the file name
	if err := os.Rename(user, in); err != nil {
		t.Fatal(err)
	}
	regionsCSV := filepath.Join(dir, "regions.csv")
	os.WriteFile(regionsCSV, []byte("code,name,level\n17,BENGKULU,1\n1709,../../x,2\n1771,\"=HYPERLINK(\"\"http://x\"\")\",2\n"), 0o600)
	stock := filepath.Join(dir, "stock.csv")
	os.WriteFile(stock, []byte("region_code,region_name,stock,print_capacity_per_day,arrives\n1709,X,10,5,\n17,P,100,0,\n"), 0o600)
	out := filepath.Join(dir, "nested", "out")
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"run", "--in", in, "--out", out, "--regions", regionsCSV, "--stock", stock,
		"--as-of", "2020-06-30", "--election-date", "2020-12-09", "--outputs", "regions,summary"}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	files := walkFiles(t, out)
	// 1771 has data too: movers from the submission.
	if !slices.Equal(files, []string{"manifest.json", "regions/1709 x.xlsx", "regions/1771 HYPERLINK(_http___x_).xlsx", "summary.csv"}) {
		t.Errorf("output folder holds %q", files)
	}
	for _, p := range []string{filepath.Join(dir, "x"), filepath.Join(dir, "x.xlsx"), filepath.Join(dir, "nested", "x.xlsx")} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s written outside the output folder", p)
		}
	}
	summary, _ := os.ReadFile(filepath.Join(out, "summary.csv"))
	if !strings.Contains(string(summary), `1771,"'=HYPERLINK(""http://x"")"`) {
		t.Errorf("formula-like region name not made inert:\n%s", summary)
	}
	m := readManifest(t, out)
	if !slices.Equal(m.SkippedOutputs, []string{"exceptions", "persons", "candidates", "report"}) {
		t.Errorf("skipped outputs %q", m.SkippedOutputs)
	}
	err = run(context.Background(), []string{"run", "--out", out, "--outputs", "report,pdf"}, &stdout, &stderr)
	if !errors.Is(err, pipeline.ErrUsage) || !strings.Contains(err.Error(), `--outputs: "pdf" is not one of`) {
		t.Errorf("unknown output: %v", err)
	}
}
