package source

import (
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/xuri/excelize/v2"
)

func TestDateFormat(t *testing.T) {
	for code, want := range map[string]bool{
		"dd/mm/yyyy": true, "d-mmm-yy": true, "mmmm": true, `[$-421]d mmmm yyyy`: true, "yyyy-mm-dd hh:mm": true,
		`[Red]dd/mm/yy;@`: true, "h:mm": false, "[h]:mm:ss": false, "mm:ss": false, "[mm]:ss": false,
		"0.00": false, "#,##0": false, "General": false, "@": false, `"day "0`: false, `0\d`: false, "0.00E+00": false,
	} {
		if got := dateFormat(code); got != want {
			t.Errorf("dateFormat(%q) = %v, want %v", code, got, want)
		}
	}
	for id, want := range map[int]bool{0: false, 1: false, 14: true, 17: true, 18: false, 21: false, 22: true, 45: false, 49: false, 57: true} {
		if got := builtinDate(id); got != want {
			t.Errorf("builtinDate(%d) = %v, want %v", id, got, want)
		}
	}
}

func TestShiftSerial(t *testing.T) {
	for in, want := range map[string]string{
		"31592": "33054", "31592.5": "33054.5", "0": "1462", "3.1592E4": "33054", "abc": "abc", "-1": "-1", "": "",
	} {
		if got, _ := shiftSerial(in); got != want {
			t.Errorf("shiftSerial(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestXLSX1904 reads date cells of a workbook in the 1904 date system as
// the 1900 system's serials, with the fast reader and with excelize alone;
// numbers that are not dates stay as written.
func TestXLSX1904(t *testing.T) {
	for _, date1904 := range []bool{false, true} {
		f := excelize.NewFile()
		if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &date1904}); err != nil {
			t.Fatal(err)
		}
		f.SetSheetRow("Sheet1", "A1", &[]any{"NIK", "NAMA", "Jenis Perubahan", "TGL_LHR", "NOMOR"})
		f.SetSheetRow("Sheet1", "A2", &[]any{"1705014101900001", "SITI", "RUSAK", time.Date(1990, 6, 30, 12, 0, 0, 0, time.UTC), 31592})
		custom := "dd/mm/yyyy"
		style, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &custom})
		f.SetCellStyle("Sheet1", "D2", "D2", style)
		buf, err := f.WriteToBuffer()
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
		for _, excelizeOnly := range []bool{false, true} {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			rows, _, err := readWith(t, excelizeOnly, "w.xlsx", buf.Bytes())
			mem.AssertSize(t, 0)
			if err != nil || len(rows) != 1 {
				t.Fatalf("1904 %v: %d rows, %v", date1904, len(rows), err)
			}
			// 1990-06-30 12:00 is 33054.5 in the 1900 system; excelize
			// writes it as 31592.5 in a 1904 workbook.
			if got := rows[0].Cols["tanggal_lahir"]; got != "33054.5" {
				t.Errorf("1904 %v, excelize only %v: tanggal_lahir %q, want 33054.5", date1904, excelizeOnly, got)
			}
			if want := `{"NIK":"1705014101900001","NAMA":"SITI","Jenis Perubahan":"RUSAK","TGL_LHR":"33054.5","NOMOR":"31592"}`; rows[0].Original != want {
				t.Errorf("1904 %v: original %s, want %s", date1904, rows[0].Original, want)
			}
		}
	}
}
