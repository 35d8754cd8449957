package sink

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"readiness/pipeline"
)

// TestSampleReport writes an id and an en report of the reference
// scenario's shape; with $SINK_SAMPLE_DIR set it keeps them there, for
// looking at them in a spreadsheet program:
//
//	SINK_SAMPLE_DIR=/tmp/rep go test ./pipeline/sink -run SampleReport
//	HOME=$(mktemp -d) soffice --headless --convert-to pdf --outdir /tmp/rep /tmp/rep/report.xlsx
func TestSampleReport(t *testing.T) {
	dir := os.Getenv("SINK_SAMPLE_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	regions := []struct {
		code, name           string
		print, record, stock int64
	}{
		{"1701", "KAB. BENGKULU SELATAN", 820, 310, 120},
		{"1702", "KAB. REJANG LEBONG", 1450, 520, 150},
		{"1703", "KAB. BENGKULU UTARA", 1320, 610, 140},
		{"1704", "KAB. KAUR", 540, 260, 90},
		{"1705", "KAB. SELUMA", 760, 330, 110},
		{"1706", "KAB. MUKOMUKO", 610, 280, 100},
		{"1707", "KAB. LEBONG", 430, 190, 80},
		{"1708", "KAB. KEPAHIANG", 580, 240, 90},
		{"1709", "KAB. BENGKULU TENGAH", 640, 270, 100},
		{"1771", "KOTA BENGKULU", 3000, 1400, 200},
	}
	names := map[string]string{"17": "Bengkulu"}
	var b strings.Builder
	b.WriteString("[")
	var tot [4]int64
	for i, r := range regions {
		names[r.code] = strings.TrimPrefix(strings.TrimPrefix(r.name, "KAB. "), "KOTA ")
		need := r.print + r.record
		ready := need / 3
		eligible := need + ready
		printable := min(need, r.stock)
		pct := float64(int64(1000*float64(ready+printable)/float64(eligible)+0.5)) / 10
		fmt.Fprintf(&b, `{"region_code":%q,"region_name":%q,"rows_in":%d,"rows_rejected":%d,"duplicate_rows":%d,"persons":%d,"deceased":%d,"ineligible":%d,"needs_recording":%d,"needs_print":%d,"ready":%d,"eligible":%d,"moved_in":%d,"moved_out":%d,"blanks_needed":%d,"stock":%d,"allocation":0,"shortfall":%d,"printable_by_election":%d,"projected_ready_pct":%g},`,
			r.code, r.name, eligible+40, 12+i, 5, eligible+30, 25, 5, r.record, r.print, ready, eligible, i, 2, need, r.stock, need-r.stock, printable, pct)
		tot[0] += r.print
		tot[1] += r.record
		tot[2] += r.stock
		tot[3] += ready
	}
	need := tot[0] + tot[1]
	stock := tot[2] + 470
	fmt.Fprintf(&b, `{"region_code":"17","region_name":"PROVINSI BENGKULU","rows_in":%d,"rows_rejected":140,"duplicate_rows":50,"persons":%d,"deceased":250,"ineligible":50,"needs_recording":%d,"needs_print":%d,"ready":%d,"eligible":%d,"moved_in":3,"moved_out":4,"blanks_needed":%d,"stock":%d,"allocation":0,"shortfall":%d,"printable_by_election":%d,"projected_ready_pct":%g}]`,
		need+tot[3]+400, need+tot[3]+300, tot[1], tot[0], tot[3], need+tot[3], need, stock, need-tot[2], tot[2], 41.3)

	var persons strings.Builder
	persons.WriteString("[")
	for i := range 60 {
		status := []string{"NEEDS_PRINT", "NEEDS_RECORDING", "DECEASED", "READY"}[i%4]
		origin := "null"
		if i%7 == 0 {
			origin = `"1771"`
		}
		region := regions[i%len(regions)].code
		if i%11 == 0 {
			region = "3171"
		}
		flags := `[]`
		if i%5 == 0 {
			flags = `["NIK_CONFLICT","NIK_DOB_MISMATCH"]`
		}
		if i > 0 {
			persons.WriteString(",")
		}
		fmt.Fprintf(&persons, `{"nik":"17710145068%05d","nama":"PENDUDUK NOMOR %d","tanggal_lahir":"1980-06-%02d","region_code":%q,"origin_region_code":%s,"kecamatan":"GADING CEMPAKA","kelurahan":"JALAN GEDANG","alamat":"JL. MERDEKA NO. %d","status":%q,"events":["RUSAK","PINDAH"],"first_request_date":"2020-02-01","last_request_date":"2020-03-%02d","death_date":"2020-03-01","flags":%s,"card_event":"RUSAK","rows":2,"sources":["in/kota.xlsx|Data|%d","in/seluma.csv||%d"]}`,
			i, i, 1+i%28, region, origin, i, status, 1+i%28, flags, i+2, i+5)
	}
	persons.WriteString(`,{"nik":"1771010101900002","nama":"=HYPERLINK(\"http://x\",\"klik\")","tanggal_lahir":"1990-01-01","region_code":"1771","status":"NEEDS_RECORDING","events":["REKAM"],"flags":[],"card_event":"REKAM","rows":1,"sources":["in/kota.xlsx|Data|7"]}]`)

	for _, lang := range []string{"id", "en"} {
		info := testInfo
		info.Lang, info.RegionNames = lang, names
		out := dir + "/" + lang
		if err := os.MkdirAll(out, 0o700); err != nil {
			t.Fatal(err)
		}
		r := NewWorkbooks(out, info, true, nil)
		if err := run(t, r, []batch{
			{pipeline.TableRows, rowsJSON},
			{pipeline.TablePersons, persons.String()},
			{pipeline.TableSummary, b.String()},
		}); err != nil {
			t.Fatal(err)
		}
		if err := r.Close(context.Background()); err == nil {
			t.Error("second Close succeeded")
		}
	}
}
