package ganda

import (
	"cmp"
	"encoding/csv"
	"io"
	"slices"
	"strconv"
	"time"
)

// InputHeader is the header of the input WriteInput writes: readiness's
// canonical column names (SPEC §2).
var InputHeader = []string{"nik", "nkk", "nama", "tempat_lahir", "tanggal_lahir", "jenis_kelamin", "status_kawin",
	"nama_ibu", "kabupaten_kota", "jenis_perubahan", "tanggal_pengajuan", "status_layanan"}

// WriteInput writes the population as one readiness input CSV, a row a
// person: a printed card request (READY), or a death. Birth dates are
// written day first (dd/mm/yyyy); everyone born before 2000 is married.
func (p *Population) WriteInput(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(InputHeader); err != nil {
		return err
	}
	events := []string{"KTP RUSAK", "KTP HILANG", "PERUBAHAN DATA", "SUKET"}
	for i, x := range p.Persons {
		marital := "KAWIN"
		if x.Birth.Year() >= 2000 {
			marital = "BELUM KAWIN"
		}
		event, state := events[i%len(events)], "SELESAI"
		if x.Deceased {
			event, state = "MENINGGAL", ""
		}
		request := time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%150)
		err := cw.Write([]string{x.NIK, x.NKK, x.Name, x.BirthPlace, x.Birth.Format("02/01/2006"), string(x.Sex), marital,
			x.Mother, x.Region, event, request.Format(time.DateOnly), state})
		if err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// TruthHeader is the header of the truth WriteTruth writes.
var TruthHeader = []string{"nik_a", "nik_b", "kind", "change", "duplicate", "expected"}

// WriteTruth writes every pair of the truth, NIKs in increasing order: the
// planted pairs, then the coincidences; expected says whether the SPEC
// rule makes the pair a candidate, duplicate whether it is one resident.
func (p *Population) WriteTruth(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(TruthHeader); err != nil {
		return err
	}
	rows := make([][]string, 0, len(p.Pairs))
	for _, x := range p.Pairs {
		a, b := p.Persons[x.A].NIK, p.Persons[x.B].NIK
		rows = append(rows, []string{min(a, b), max(a, b), x.Kind, x.Change,
			strconv.FormatBool(x.Duplicate), strconv.FormatBool(x.Expected)})
	}
	kinds := []string{KindDuplicate, KindTwins, KindCommonName, KindNamesake, KindSiblings, KindCoincidence}
	slices.SortStableFunc(rows, func(x, y []string) int {
		return cmp.Or(cmp.Compare(slices.Index(kinds, x[2]), slices.Index(kinds, y[2])), cmp.Compare(x[0], y[0]), cmp.Compare(x[1], y[1]))
	})
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	return cw.Error()
}
