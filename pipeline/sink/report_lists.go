package sink

// The person lists: cards to print, residents to record, deceased,
// transfers, review.

import (
	"fmt"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"readiness/pipeline"
)

// personCols are the PersonSchema columns the lists show, and the
// allocation's when the persons carry them.
type personCols struct {
	nik, nama, alamat, kec, kel, region, origin, status, cardEvent strCol
	birth, first, last, death, lastPrint                           dateCol
	events, flags, sources                                         listCol
	blank                                                          strCol
	tier                                                           struct{ a *array.Int8 }
	order                                                          struct{ a *array.Int32 }
}

func readPersonCols(rec arrow.Record) (personCols, error) {
	c := colReader{rec: rec}
	p := personCols{
		nik: c.str(pipeline.ColNIK), nama: c.str(pipeline.ColNama), alamat: c.str(pipeline.ColAlamat),
		kec: c.str(pipeline.ColKecamatan), kel: c.str(pipeline.ColKelurahan),
		region: c.str(pipeline.ColRegionCode), origin: c.str(pipeline.ColOriginRegionCode),
		status: c.str(pipeline.ColStatus), cardEvent: c.str(pipeline.ColCardEvent),
		birth: c.date(pipeline.ColTanggalLahir), first: c.date(pipeline.ColFirstRequestDate),
		last: c.date(pipeline.ColLastRequestDate), death: c.date(pipeline.ColDeathDate),
		lastPrint: c.date(pipeline.ColLastPrintDate),
		events:    c.list(pipeline.ColEvents), flags: c.list(pipeline.ColFlags), sources: c.list(pipeline.ColSources),
	}
	if rec.Schema().HasField(pipeline.ColTier) {
		p.blank = c.str(pipeline.ColBlank)
		p.tier.a, _ = column[*array.Int8](rec, pipeline.ColTier)
		p.order.a, _ = column[*array.Int32](rec, pipeline.ColPrintOrder)
		if p.tier.a == nil || p.order.a == nil {
			return p, fmt.Errorf("allocation columns tier and print_order: %w", ErrSchema)
		}
	}
	return p, c.err
}

// writePersons adds each person of rec to the lists it belongs on, as far
// as the workbook's scope takes them.
func (r *Report) writePersons(rec arrow.Record) error {
	p, err := readPersonCols(rec)
	if err != nil {
		return err
	}
	defer func() { r.seq += int(rec.NumRows()) }()
	for i := 0; i < int(rec.NumRows()); i++ {
		region, origin := p.region.at(i), p.origin.at(i)
		if r.inScope(region) {
			r.hasData = true
			switch p.status.at(i) {
			case pipeline.StatusNeedsPrint:
				r.addPrint(listPrint, &p, i)
			case pipeline.StatusNeedsRecording:
				r.addPrint(listRecording, &p, i)
			case pipeline.StatusDeceased:
				r.addDeceased(&p, i)
			}
			if len(p.flags.at(i)) > 0 {
				r.addReview(&p, i)
			}
		}
		if (origin != "" || r.outsideProvince(region)) && (r.inScope(region) || r.inScope(origin)) {
			r.hasData = true
			r.addMove(&p, i)
		}
	}
	return nil
}

// personBase is the first cells of every person list: who and where.
func (r *Report) personBase(p *personCols, i int) []xcell {
	return []xcell{
		textCell(r.st.nik, p.nik.at(i)), textCell(r.st.text, p.nama.at(i)),
		p.birth.cell(r.st.listDate, i), textCell(r.st.text, r.regionName(p.region.at(i))),
		textCell(r.st.text, p.kec.at(i)), textCell(r.st.text, p.kel.at(i)),
	}
}

// personColumns are the columns of personBase.
func (r *Report) personColumns() []colSpec {
	lb := r.lb
	return []colSpec{
		{label: lb.nik, min: 17, max: 17, digits: true}, {label: lb.name, min: 12, max: 30, wrap: true},
		{label: lb.birth, min: 11, max: 11}, {label: lb.region, min: 12, max: 30, wrap: true},
		{label: lb.kecamatan, min: 10, max: 22, wrap: true}, {label: lb.kelurahan, min: 10, max: 22, wrap: true},
	}
}

// formatSources turns "file|sheet|row" references into
// "file, sheet, baris 12" joined by "; ".
func (r *Report) formatSources(refs []string) string {
	out := make([]string, 0, len(refs))
	for _, ref := range refs {
		parts := strings.Split(ref, "|")
		if len(parts) < 3 {
			out = append(out, ref)
			continue
		}
		row, sheet := parts[len(parts)-1], parts[len(parts)-2]
		file := strings.Join(parts[:len(parts)-2], "|")
		s := file
		if sheet != "" {
			s += ", " + sheet
		}
		out = append(out, s+", "+r.lb.rowWord+" "+row)
	}
	return strings.Join(out, "; ")
}
