package stock

import (
	"errors"
	"strings"
	"testing"
	"time"

	"readiness/pipeline"
	"readiness/pipeline/regions"
)

func TestRead(t *testing.T) {
	text := "\ufeffregion_code,region_name,stock,print_capacity_per_day,arrives\n" +
		"1771,KOTA BENGKULU,120,80,\n" +
		"1705,KAB. SELUMA,010,20,\n" +
		"17,PROVINSI BENGKULU,1650,0,\n" +
		"17,PROVINSI BENGKULU,25000,0,2020-09-15\n" +
		"17,PROVINSI BENGKULU,500,0,2020-08-01\n"
	plan, err := Read(strings.NewReader(text), "stock.csv", regions.Default())
	if err != nil {
		t.Fatal(err)
	}
	if got := plan.Stock("1771"); got != (Region{Stock: 120, CapacityDay: 80}) {
		t.Errorf("1771 = %+v", got)
	}
	if got := plan.Stock("1705").Stock; got != 10 {
		t.Errorf("leading zero read as %d, want 10 (not octal)", got)
	}
	if got := plan.Stock("1701"); got != (Region{}) {
		t.Errorf("region without a row = %+v", got)
	}
	if plan.BufferInHand != 1650 {
		t.Errorf("buffer = %d", plan.BufferInHand)
	}
	want := []Delivery{
		{500, time.Date(2020, 8, 1, 0, 0, 0, 0, time.UTC)},
		{25000, time.Date(2020, 9, 15, 0, 0, 0, 0, time.UTC)},
	}
	if len(plan.Deliveries) != 2 || plan.Deliveries[0] != want[0] || plan.Deliveries[1] != want[1] {
		t.Errorf("deliveries = %+v", plan.Deliveries)
	}
}

func TestReadErrors(t *testing.T) {
	head := "region_code,region_name,stock,print_capacity_per_day,arrives\n"
	tests := []struct {
		name string
		text string
		want []string // every problem, reported at once
	}{
		{"unknown region", head + "1671,KOTA PALEMBANG,5,5,\n", []string{"line 2", `"1671" is not a regency`}},
		{"negative", head + "1771,K,-5,-1,\n", []string{"stock: -5 is negative", "print_capacity_per_day: -1 is negative"}},
		{"not a number", head + "1771,K,many,5,\n", []string{`"many" is not a whole number`}},
		{"bad arrival", head + "17,P,25000,0,15/09/2020\n", []string{"not a YYYY-MM-DD date"}},
		{"delivery to a region", head + "1771,K,5,5,2020-09-15\n", []string{"only for deliveries"}},
		{"twice", head + "1771,K,5,5,\n1771,K,6,5,\n", []string{"line 3", "appears twice"}},
		{"all at once", head + "1671,X,1,1,\n1771,K,-1,1,\n", []string{"line 2", "line 3"}},
		{"missing column", "region_code,stock\n1771,5\n", []string{"print_capacity_per_day"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tc.text), "stock.csv", regions.Default())
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, pipeline.ErrUsage) {
				t.Errorf("error %v does not match ErrUsage", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}
