package sink

// The rejected-rows list.

import (
	"github.com/apache/arrow/go/v17/arrow"
	"github.com/xuri/excelize/v2"

	"readiness/pipeline"
)

func (r *Report) writeRejected(rec arrow.Record) error {
	c := colReader{rec: rec}
	file, sheet, row := c.str(pipeline.ColFile), c.str(pipeline.ColSheet), c.int32(pipeline.ColRow)
	reason, detail, original := c.str(pipeline.ColReason), c.str(pipeline.ColDetail), c.str(pipeline.ColOriginal)
	if c.err != nil {
		return c.err
	}
	l := r.lists[listRejected]
	for i := 0; i < int(rec.NumRows()); i++ {
		if !reason.valid(i) {
			continue
		}
		var rowNum any
		if row.IsValid(i) {
			rowNum = excelize.Cell{StyleID: r.st.rowNum, Value: int64(row.Value(i))}
		}
		err := l.add([]any{
			r.text(file.at(i)), r.text(sheet.at(i)), rowNum, r.text(reason.at(i)),
			r.wrapText(r.lb.code(reason.at(i))), r.wrapText(detail.at(i)), r.text(original.at(i)),
		})
		if err != nil {
			return err
		}
	}
	return nil
}
