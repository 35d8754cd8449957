package sink

// The person lists: cards to print, residents to record, deceased,
// transfers, review.

import (
	"fmt"
	"math"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/xuri/excelize/v2"

	"readiness/pipeline"
)

func (r *Report) listColumns(k listKind) []colSpec {
	lb := r.lb
	person := []colSpec{{lb.nik, 19}, {lb.name, 28}, {lb.birth, 17}, {lb.region, 20}, {lb.kecamatan, 18}, {lb.kelurahan, 18}}
	switch k {
	case listPrint, listRecording:
		return append(person, colSpec{lb.address, 28}, colSpec{lb.cardEvent, 16}, colSpec{lb.events, 26},
			colSpec{lb.firstReq, 17}, colSpec{lb.lastReq, 17}, colSpec{lb.lastPrint, 17}, colSpec{lb.notes, 36},
			colSpec{lb.printOrder, 10}, colSpec{lb.tier, 6}, colSpec{lb.blank, 22})
	case listDeceased:
		return append(person, colSpec{lb.address, 28}, colSpec{lb.deathDate, 17}, colSpec{lb.events, 26}, colSpec{lb.notes, 36})
	case listMoves:
		return []colSpec{{lb.nik, 19}, {lb.name, 28}, {lb.birth, 17}, {lb.origin, 20}, {lb.dest, 20},
			{lb.destCode, 11}, {lb.moveKind, 20}, {lb.kecamatan, 18}, {lb.kelurahan, 18}, {lb.status, 16}, {lb.lastReq, 17}}
	case listReview:
		return []colSpec{{lb.nik, 19}, {lb.name, 28}, {lb.birth, 17}, {lb.region, 20}, {lb.status, 16},
			{lb.flagCodes, 26}, {lb.notes, 40}, {lb.sources, 60}}
	case listRejected:
		return []colSpec{{lb.file, 30}, {lb.sheet, 14}, {lb.row, 8}, {lb.reason, 20}, {lb.reasonText, 36},
			{lb.detail, 36}, {lb.original, 100}}
	}
	return nil
}

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

func (r *Report) writePersons(rec arrow.Record) error {
	p, err := readPersonCols(rec)
	if err != nil {
		return err
	}
	lb := r.lb
	defer func() { r.seq += int(rec.NumRows()) }()
	for i := 0; i < int(rec.NumRows()); i++ {
		nik := excelize.Cell{StyleID: r.st.nik, Value: p.nik.at(i)}
		birth := r.date(p.birth.at(i))
		region := p.region.at(i)
		events := r.text(r.codes(p.events.at(i), ", "))
		flags := p.flags.at(i)
		notes := r.wrapText(r.codes(flags, "; "))
		status := p.status.at(i)
		base := []any{nik, r.text(p.nama.at(i)), birth, r.text(r.regionName(region)), r.text(p.kec.at(i)), r.text(p.kel.at(i))}

		var list listKind = -1
		var row []any
		switch status {
		case pipeline.StatusNeedsPrint, pipeline.StatusNeedsRecording:
			list = listPrint
			if status == pipeline.StatusNeedsRecording {
				list = listRecording
			}
			row = append(base, r.text(p.alamat.at(i)), r.text(lb.code(p.cardEvent.at(i))), events,
				r.date(p.first.at(i)), r.date(p.last.at(i)), r.date(p.lastPrint.at(i)), notes)
			h := heldRow{outside: r.outsideProvince(region), region: region, order: math.MaxInt32, seq: r.seq + i}
			if p.order.a != nil && p.order.a.IsValid(i) {
				h.order = p.order.a.Value(i)
				row = append(row, h.order)
			} else {
				row = append(row, nil)
			}
			if p.tier.a != nil && p.tier.a.IsValid(i) {
				row = append(row, int64(p.tier.a.Value(i)), r.text(lb.code(p.blank.at(i))))
			}
			h.cells = row
			r.held[list] = append(r.held[list], h)
			list = -1 // written in print order at Close
		case pipeline.StatusDeceased:
			list = listDeceased
			row = append(base, r.text(p.alamat.at(i)), r.date(p.death.at(i)), events, notes)
		}
		if list >= 0 {
			if err := r.lists[list].add(row); err != nil {
				return err
			}
		}

		if origin := p.origin.at(i); origin != "" || r.outsideProvince(region) {
			from := lb.originUnknown
			if origin != "" {
				from = r.regionName(origin)
			}
			kind := lb.withinProvince
			if r.outsideProvince(region) {
				kind = lb.outsideProvince
			}
			err := r.lists[listMoves].add([]any{nik, r.text(p.nama.at(i)), birth, r.text(from),
				r.text(r.regionName(region)), r.text(region), r.text(kind), r.text(p.kec.at(i)),
				r.text(p.kel.at(i)), r.text(lb.code(status)), r.date(p.last.at(i))})
			if err != nil {
				return err
			}
		}

		if len(flags) > 0 {
			err := r.lists[listReview].add([]any{nik, r.text(p.nama.at(i)), birth, r.text(r.regionName(region)),
				r.text(lb.code(status)), r.wrapText(strings.Join(flags, ", ")), notes,
				r.wrapText(r.formatSources(p.sources.at(i)))})
			if err != nil {
				return err
			}
		}
	}
	return nil
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
