package sink

import (
	"fmt"
	"strings"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/xuri/excelize/v2"

	"readiness/pipeline"
)

// The Ganda sheet: the K3 candidate pairs (SPEC §5) for a reviewer, one
// pair a row, in the order of the candidates table (score, highest
// first). Both NIKs, names, birth dates and regions side by side; then
// the agreement of each field as a coloured word (same in green, differ in
// red, missing in grey; "swapped", in amber, for a birth date with day
// and month swapped); then the
// differences spelled out (birthplaces, sexes and mothers' names that
// differ or are missing, a death under either NIK); and an empty
// Keputusan column for the reviewer's decision. The summary sheet gets a
// line with the number of pairs.

// gandaRows are the candidate pairs, kept for the Ganda sheet.
type gandaRows struct {
	rows []gandaRow
}

// gandaRow is one candidate pair, as the sheet shows it.
type gandaRow struct {
	nik, name, region, place, sex, mother, status [2]string
	birth                                         [2]time.Time
	hasBirth                                      [2]bool
	score                                         float64
	agree                                         []string // pipeline.CandidateFields order
}

// read keeps the rows of one candidates batch whose pair keep accepts
// (a regency's workbook keeps the pairs with a person of its own).
func (g *gandaRows) read(rec arrow.Record, keep func(a, b string) bool) error {
	c := colReader{rec: rec}
	pairCols := func(a, b string) [2]strCol { return [2]strCol{c.str(a), c.str(b)} }
	nik := pairCols(pipeline.CandNIKA, pipeline.CandNIKB)
	name := pairCols(pipeline.CandNamaA, pipeline.CandNamaB)
	region := pairCols(pipeline.CandRegionA, pipeline.CandRegionB)
	place := pairCols(pipeline.CandTempatLahirA, pipeline.CandTempatLahirB)
	sex := pairCols(pipeline.CandJenisKelaminA, pipeline.CandJenisKelaminB)
	mother := pairCols(pipeline.CandNamaIbuA, pipeline.CandNamaIbuB)
	status := pairCols(pipeline.CandStatusA, pipeline.CandStatusB)
	birth := [2]dateCol{c.date(pipeline.CandTanggalLahirA), c.date(pipeline.CandTanggalLahirB)}
	score := c.float64(pipeline.CandScore)
	var agree []strCol
	for _, f := range pipeline.CandidateFields() {
		agree = append(agree, c.str(f))
	}
	if c.err != nil {
		return c.err
	}
	for i := 0; i < int(rec.NumRows()); i++ {
		var row gandaRow
		for k := range 2 {
			row.nik[k], row.name[k], row.region[k] = nik[k].at(i), name[k].at(i), region[k].at(i)
			row.place[k], row.sex[k], row.mother[k], row.status[k] = place[k].at(i), sex[k].at(i), mother[k].at(i), status[k].at(i)
			row.birth[k], row.hasBirth[k] = birth[k].at(i)
		}
		if !keep(row.region[0], row.region[1]) {
			continue
		}
		if score.IsValid(i) {
			row.score = score.Value(i)
		}
		for _, a := range agree {
			row.agree = append(row.agree, a.at(i))
		}
		g.rows = append(g.rows, row)
	}
	return nil
}

// gandaStyles are the fills of the agreement words.
type gandaStyles struct {
	agree, swapped, differ, missing, score int
}

func (r *Report) newGandaStyles() (gandaStyles, error) {
	var err error
	style := func(fill, font string) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = r.f.NewStyle(&excelize.Style{
			Font:      &excelize.Font{Family: "Calibri", Size: 11, Color: font},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{fill}},
			Alignment: &excelize.Alignment{Vertical: "top", Horizontal: "center"},
		})
		return id
	}
	st := gandaStyles{agree: style("C6EFCE", "006100"), swapped: style("FFEB9C", "9C5700"),
		differ: style("FFC7CE", "9C0006"), missing: style("EDEDED", "595959")}
	if err == nil {
		format := "0.0"
		st.score, err = r.f.NewStyle(&excelize.Style{CustomNumFmt: &format, Font: &excelize.Font{Family: "Calibri", Size: 11, Bold: true},
			Alignment: &excelize.Alignment{Vertical: "top", Horizontal: "center"}})
	}
	return st, err
}

func (r *Report) gandaColumns() []colSpec {
	lb := r.lb
	return []colSpec{
		{label: lb.gandaScore, min: 7, max: 7},
		{label: lb.nikA, min: 17, max: 17, digits: true}, {label: lb.nikB, min: 17, max: 17, digits: true},
		{label: lb.nameA, min: 14, max: 27, wrap: true}, {label: lb.nameB, min: 14, max: 27, wrap: true},
		{label: lb.birthA, min: 11, max: 11}, {label: lb.birthB, min: 11, max: 11},
		{label: lb.regionA, min: 12, max: 24, wrap: true}, {label: lb.regionB, min: 12, max: 24, wrap: true},
		{label: lb.agreeName, min: 9, max: 9}, {label: lb.agreeBirth, min: 9, max: 9}, {label: lb.agreePlace, min: 9, max: 9},
		{label: lb.agreeSex, min: 9, max: 9}, {label: lb.agreeMother, min: 9, max: 9}, {label: lb.agreeNKK, min: 9, max: 9},
		{label: lb.gandaDetail, min: 20, max: 50, wrap: true}, {label: lb.gandaDecision, min: 14, max: 14},
	}
}

// gandaStore puts the candidate pairs into a list store, in the order of
// the candidates table.
func (r *Report) gandaStore() (*rowStore, error) {
	st, err := r.newGandaStyles()
	if err != nil {
		return nil, err
	}
	s := newRowStore(r.dir, r.gandaColumns(), false, r.lb.cutMark)
	for _, g := range r.ganda.rows {
		cells := []xcell{numCell(st.score, g.score),
			textCell(r.st.nik, g.nik[0]), textCell(r.st.nik, g.nik[1]),
			textCell(r.st.wrap, g.name[0]), textCell(r.st.wrap, g.name[1]),
			dateCell(r.st.listDate, g.birth[0], g.hasBirth[0]), dateCell(r.st.listDate, g.birth[1], g.hasBirth[1]),
			textCell(r.st.wrap, r.regionName(g.region[0])), textCell(r.st.wrap, r.regionName(g.region[1]))}
		for f, a := range g.agree {
			cells = append(cells, r.agreementCell(st, a, f == 1 && g.swapped()))
		}
		cells = append(cells, textCell(r.st.wrap, r.gandaDetails(g)), xcell{})
		s.add(cells, rowKey{})
	}
	return s, nil
}

// gandaNote writes the number of pairs under the summary's note.
func (r *Report) gandaNote() error {
	if len(r.summary) == 0 {
		return nil
	}
	w := &cellWriter{f: r.f, sheet: r.lb.sheetSummary}
	w.set(1, summarySheetHeaderRow+len(r.summary)+3,
		fmt.Sprintf(r.lb.gandaNote, r.thousands(int64(len(r.ganda.rows)))), r.st.note)
	return w.err
}

// swapped reports whether the birth dates agree only with day and month
// swapped.
func (g *gandaRow) swapped() bool {
	return g.hasBirth[0] && g.hasBirth[1] && !g.birth[0].Equal(g.birth[1])
}

// agreementCell is a field's agreement as a coloured word.
func (r *Report) agreementCell(st gandaStyles, a string, swapped bool) xcell {
	switch a {
	case pipeline.FieldAgree:
		if swapped {
			return textCell(st.swapped, r.lb.agreeSwapped)
		}
		return textCell(st.agree, r.lb.agreeYes)
	case pipeline.FieldDisagree:
		return textCell(st.differ, r.lb.agreeNo)
	case pipeline.FieldMissing:
		return textCell(st.missing, r.lb.agreeMissing)
	}
	return textCell(r.st.text, a)
}

// gandaDetails spells out what a reviewer needs beyond the columns: the
// values of the fields that differ or are missing, a swapped birth date,
// a death under either NIK.
func (r *Report) gandaDetails(g gandaRow) string {
	lb := r.lb
	var out []string
	value := func(s string) string {
		if s == "" {
			return lb.emptyValue
		}
		return s
	}
	if g.swapped() {
		out = append(out, lb.birthSwapped)
	}
	for _, f := range []struct {
		agree int // index into g.agree
		label string
		vals  [2]string
	}{
		{2, lb.agreePlace, g.place},
		{3, lb.agreeSex, g.sex},
		{4, lb.agreeMother, g.mother},
	} {
		if f.agree < len(g.agree) && g.agree[f.agree] != pipeline.FieldAgree {
			out = append(out, fmt.Sprintf("%s: %s / %s", f.label, value(f.vals[0]), value(f.vals[1])))
		}
	}
	if len(g.agree) > 5 && g.agree[5] == pipeline.FieldDisagree {
		out = append(out, lb.nkkDiffers)
	}
	for k, d := range [2]string{lb.deceasedA, lb.deceasedB} {
		if g.status[k] == pipeline.StatusDeceased {
			out = append(out, d)
		}
	}
	return strings.Join(out, "; ")
}
