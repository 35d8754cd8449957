// Package stock reads the blank-card stock file (SPEC §2): one row per
// region with its blanks in hand and printing capacity per day, a row for
// the provincial buffer (the province code), and optional incoming
// deliveries to the buffer (province code, quantity in stock, expected date
// in arrives; an empty arrives means in hand).
//
//	region_code,region_name,stock,print_capacity_per_day,arrives
//	1771,KOTA BENGKULU,120,80,
//	17,PROVINSI BENGKULU,1650,0,
//	17,PROVINSI BENGKULU,25000,0,2020-09-15
//
// Every problem in the file is reported at once, as *pipeline.SettingError
// values naming the line.
package stock

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gocarina/gocsv"

	"readiness/pipeline"
	"readiness/pipeline/regions"
)

// Region is one region's stock.
type Region struct {
	Stock       int // blanks in hand
	CapacityDay int // cards it can print per working day
}

// Delivery is an expected delivery to the provincial buffer.
type Delivery struct {
	Quantity int
	Arrives  time.Time
}

// Plan is the stock file read and checked against the region reference.
type Plan struct {
	Regions      map[string]Region // by regency code; regions without a row have none
	BufferInHand int               // provincial buffer in hand
	Deliveries   []Delivery        // incoming, by arrival date
}

// Stock returns a region's stock, zero when the file has no row for it.
func (p *Plan) Stock(code string) Region { return p.Regions[code] }

type row struct {
	RegionCode string `csv:"region_code"`
	RegionName string `csv:"region_name"`
	Stock      string `csv:"stock"`
	Capacity   string `csv:"print_capacity_per_day"`
	Arrives    string `csv:"arrives"`
}

// Read parses a stock file. name is how errors refer to it.
func Read(r io.Reader, name string, ref *regions.Reference) (*Plan, error) {
	// Codes and numbers stay strings: gocsv parses integers with base 0.
	var rows []row
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, &pipeline.SettingError{Setting: name, Err: err}
	}
	text := strings.TrimPrefix(string(data), "\ufeff")
	if err := gocsv.UnmarshalString(text, &rows); err != nil {
		return nil, &pipeline.SettingError{Setting: name, Err: fmt.Errorf("not a stock CSV (want header region_code,region_name,stock,print_capacity_per_day,arrives): %w", err)}
	}
	if err := checkHeader(text); err != nil {
		return nil, &pipeline.SettingError{Setting: name, Err: err}
	}
	plan := &Plan{Regions: map[string]Region{}}
	var errs []error
	prov := ref.Province().Code
	for i, rw := range rows {
		line := i + 2
		bad := func(format string, a ...any) {
			errs = append(errs, &pipeline.SettingError{
				Setting: fmt.Sprintf("%s: line %d", name, line),
				Err:     fmt.Errorf(format, a...),
			})
		}
		code := strings.TrimSpace(rw.RegionCode)
		qty, err := count(rw.Stock)
		if err != nil {
			bad("stock: %v", err)
		}
		capDay, err := count(rw.Capacity)
		if err != nil {
			bad("print_capacity_per_day: %v", err)
		}
		arrives := strings.TrimSpace(rw.Arrives)
		switch {
		case code == prov && arrives == "":
			plan.BufferInHand += qty
		case code == prov:
			d, err := time.Parse(time.DateOnly, arrives)
			if err != nil {
				bad("arrives %q is not a YYYY-MM-DD date", arrives)
				continue
			}
			plan.Deliveries = append(plan.Deliveries, Delivery{Quantity: qty, Arrives: d})
		case !ref.InProvince(code):
			bad("region_code %q is not a regency of province %s", code, prov)
		case arrives != "":
			bad("arrives is only for deliveries to the provincial buffer (region_code %s)", prov)
		default:
			if _, dup := plan.Regions[code]; dup {
				bad("region_code %s appears twice", code)
				continue
			}
			plan.Regions[code] = Region{Stock: qty, CapacityDay: capDay}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	sort.SliceStable(plan.Deliveries, func(i, j int) bool {
		return plan.Deliveries[i].Arrives.Before(plan.Deliveries[j].Arrives)
	})
	return plan, nil
}

func checkHeader(text string) error {
	first, _, _ := strings.Cut(text, "\n")
	have := map[string]bool{}
	for _, h := range strings.Split(strings.TrimRight(first, "\r"), ",") {
		have[strings.TrimSpace(h)] = true
	}
	var missing []string
	for _, want := range []string{"region_code", "stock", "print_capacity_per_day"} {
		if !have[want] {
			missing = append(missing, want)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("header lacks %s", strings.Join(missing, ", "))
	}
	return nil
}

// count parses a non-negative whole number; empty is zero.
func count(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a whole number", s)
	}
	if n < 0 {
		return 0, fmt.Errorf("%d is negative", n)
	}
	return n, nil
}
