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

// listRows builds each row of the lists once and adds its XML to the
// lists of every workbook it belongs in: the province's workbook takes
// every row; a regency's the persons of its region, the transfers from
// or to it, and the rejected rows of its region or of the files it sent.
// The workbooks share their labels, styles, names and shared string
// table, so a row's cells and XML are the same in each; what is per
// workbook (widths, cut texts, shared cells, rows outside the province,
// whether it has data) is kept by the workbook's own stores and counts.
type listRows struct {
	cells      *Report            // builds the cells: one of the workbooks
	sst        *stringTable       // the workbooks' shared strings; nil writes every text inline
	province   *Report            // the province's workbook; nil without
	regencies  map[string]*Report // the regencies' workbooks by code
	fileRegion map[string]string  // input file → region of its first row with one
	pending    []pendingRow       // region-less rejected rows, for their file's regency
	seq        int                // persons seen: the last tie-break of the print order
	row        rowXML             // the row being encoded
}

func newListRows(cells, province *Report, regencies []*Report) *listRows {
	l := &listRows{cells: cells, sst: newStringTable(), province: province, regencies: map[string]*Report{}, fileRegion: map[string]string{}}
	for _, r := range regencies {
		l.regencies[r.info.Scope] = r
		r.sst = l.sst
	}
	if province != nil {
		province.sst = l.sst
	}
	return l
}

// add adds the row just encoded to list k of each workbook given (nil
// ones skipped).
//
// The sorted lists (print, recording) of a regency's workbook keep only
// their keys, borrowing the rows of the province's lists
// (rowStore.borrow), to which every row of theirs is added first.
func (l *listRows) add(k listKind, key rowKey, to ...*Report) {
	for _, r := range to {
		if r == nil {
			continue
		}
		r.hasData = true
		if st := r.stores[k]; st.src != nil {
			st.addBorrowed(&l.row, key)
		} else {
			st.addXML(&l.row, key)
		}
		if key.outside {
			r.outsideRows[k]++
		}
	}
}

// writePersons adds each person of rec to the lists it belongs on, in
// the workbooks it belongs in.
func (l *listRows) writePersons(rec arrow.Record) error {
	p, err := readPersonCols(rec)
	if err != nil {
		return err
	}
	defer func() { l.seq += int(rec.NumRows()) }()
	r, lb := l.cells, l.cells.lb
	encode := func(k listKind, cells []xcell) { l.row.encode(r.stores[k].cols, lb.cutMark, l.sst, cells) }
	for i := 0; i < int(rec.NumRows()); i++ {
		region, origin := p.region.at(i), p.origin.at(i)
		home := l.regencies[region]
		if home != nil {
			home.hasData = true
		}
		if l.province != nil || home != nil {
			switch status := p.status.at(i); status {
			case pipeline.StatusNeedsPrint, pipeline.StatusNeedsRecording:
				k := listPrint
				if status == pipeline.StatusNeedsRecording {
					k = listRecording
				}
				cells, key := r.printRow(&p, i, l.seq+i)
				encode(k, cells)
				l.add(k, key, l.province, home)
			case pipeline.StatusDeceased:
				encode(listDeceased, r.deceasedRow(&p, i))
				l.add(listDeceased, rowKey{}, l.province, home)
			}
			if p.flags.has(i) {
				encode(listReview, r.reviewRow(&p, i))
				l.add(listReview, rowKey{}, l.province, home)
			}
		}
		if origin != "" || r.outsideProvince(region) {
			from := l.regencies[origin]
			if from == home {
				from = nil
			}
			if l.province != nil || home != nil || from != nil {
				encode(listMoves, r.moveRow(&p, i))
				l.add(listMoves, rowKey{}, l.province, home, from)
			}
		}
	}
	return nil
}

// personBase is the first cells of every person list: who and where. It
// reuses the report's cell buffer: the cells, and those the caller
// appends, are valid until the next row is built.
func (r *Report) personBase(p *personCols, i int) []xcell {
	if r.cells == nil {
		r.cells = make([]xcell, 0, 32)
	}
	r.cells = append(r.cells[:0],
		textCell(r.st.nik, p.nik.at(i)), textCell(r.st.text, p.nama.at(i)),
		p.birth.cell(r.st.listDate, i), textCell(r.st.text, r.regionName(p.region.at(i))),
		textCell(r.st.text, p.kec.at(i)), textCell(r.st.text, p.kel.at(i)),
	)
	return r.cells
}

// personColumns are the columns of personBase.
func (r *Report) personColumns() []colSpec {
	lb := r.lb
	return []colSpec{
		{label: lb.nik, min: 17, max: 17, digits: true}, {label: lb.name, min: 12, max: 30, wrap: true},
		{label: lb.birth, min: 11, max: 11}, {label: lb.region, min: 12, max: 30, wrap: true, shared: true},
		{label: lb.kecamatan, min: 10, max: 22, wrap: true, shared: true}, {label: lb.kelurahan, min: 10, max: 22, wrap: true, shared: true},
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
