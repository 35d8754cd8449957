package sink

import (
	"slices"
	"testing"

	"readiness/pipeline"
)

// candidatesJSON are two candidate pairs as the ganda stage emits them,
// by score; the second has formula-like text where text can be.
const candidatesJSON = `[
{"nik_a":"1709011403790002","nik_b":"1771015403790001","score":60,"nama":"agree","tanggal_lahir":"agree","tempat_lahir":"agree","jenis_kelamin":"agree","nama_ibu":"agree","nkk":"disagree","region_a":"1709","region_b":"1771","nama_a":"H. SUPRIADI GUMAY","nama_b":"SUPRIADI GUMAY","tanggal_lahir_a":"1979-03-14","tanggal_lahir_b":"1979-03-14","tempat_lahir_a":"BENGKULU","tempat_lahir_b":"BENGKULU","jenis_kelamin_a":"L","jenis_kelamin_b":"L","nama_ibu_a":"SITI AMINAH","nama_ibu_b":"SITI AMINAH","status_a":"DECEASED","status_b":"NEEDS_PRINT"},
{"nik_a":"1702010507850003","nik_b":"1702010705850004","score":55.04,"nama":"agree","tanggal_lahir":"agree","tempat_lahir":"disagree","jenis_kelamin":"agree","nama_ibu":"missing","nkk":"agree","region_a":"=1702","region_b":"1702","nama_a":"M. YUSUF","nama_b":"=HYPERLINK(\"x\")","tanggal_lahir_a":"1985-07-05","tanggal_lahir_b":"1985-05-07","tempat_lahir_a":"CURUP","tempat_lahir_b":"MANNA","jenis_kelamin_a":"L","jenis_kelamin_b":"L","nama_ibu_a":"HALIMAH","status_a":"READY","status_b":"READY"}
]`

func TestCandidatesCSV(t *testing.T) {
	tests := []struct {
		name    string
		batches []batch
		want    [][]string
	}{
		{"no batch writes the header only", nil, nil},
		{"no candidate writes the header only", []batch{{pipeline.TableCandidates, `[]`}}, nil},
		{"pairs in order, score with one decimal, formula text inert", []batch{
			{pipeline.TablePersons, personsJSON},
			{pipeline.TableCandidates, candidatesJSON},
		}, [][]string{
			{"1709011403790002", "1771015403790001", "60.0", "agree", "agree", "agree", "agree", "agree", "disagree", "1709", "1771", ""},
			{"1702010507850003", "1702010705850004", "55.0", "agree", "agree", "disagree", "agree", "missing", "agree", "'=1702", "1702", ""},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			s := NewCandidatesCSV(dir)
			if err := run(t, s, tc.batches); err != nil {
				t.Fatal(err)
			}
			assertFiles(t, dir, CandidatesFile)
			if got := s.Files(); !slices.Equal(got, []string{CandidatesFile}) {
				t.Errorf("Files() = %q", got)
			}
			recs := readCSV(t, onlyFile(t, dir, s))
			want := []string{"nik_a", "nik_b", "score", "nama", "tanggal_lahir", "tempat_lahir", "jenis_kelamin",
				"nama_ibu", "nkk", "region_a", "region_b", "keputusan"}
			if !slices.Equal(recs[0], want) {
				t.Errorf("header = %q, want %q", recs[0], want)
			}
			if got := recs[1:]; !slices.EqualFunc(got, tc.want, slices.Equal[[]string]) {
				t.Errorf("rows:\ngot  %q\nwant %q", got, tc.want)
			}
		})
	}
}
