// Package regions is the region reference: the province whose submissions
// are reconciled (its regencies and districts, SPEC §2) and the national
// list of provinces and regencies that decides which NIK province codes
// exist and where a move out of the province goes.
//
// The default is embedded: Bengkulu (17) as published for 2020 and the
// current national list, both taken unchanged from Kemendagri code lists
// (cahyadsn/wilayah, MIT). A province table in the same CSV form
// (code,name,level) can replace the Bengkulu one.
//
// Names match whatever a regional office types: case, dots, hyphens and
// underscores are ignored, "KAB.", "KABUPATEN" and "KOTA" are understood,
// and a bare name ("SELUMA") matches when exactly one regency carries it
// and no province does — a bare "BENGKULU" is both the province and the
// city, so it matches nothing.
package regions

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
)

//go:embed bengkulu-2020.csv
var bengkulu2020 []byte

//go:embed national.csv
var national []byte

// Region is one administrative unit.
type Region struct {
	Code string
	Name string
}

// Reference is the province table plus the national list. It is read-only
// after construction and safe for concurrent use.
type Reference struct {
	province  Region
	regencies []Region          // of the province, by code
	names     map[string]string // code → name: province, its regencies and districts
	districts map[string]bool   // 6-digit codes of the province
	local     *matcher          // names of the province's regencies
	provinces map[string]string // national: 2-digit code → name
	province2 [100]bool         // provinces' codes, by their number: validate asks for every row
	national  map[string]string // national: 4-digit code → name (and the province's own)
	nat       *matcher          // names of every regency in the country
}

// Default returns the embedded Bengkulu reference.
func Default() *Reference {
	ref, err := Load(bytes.NewReader(bengkulu2020))
	if err != nil {
		panic("regions: embedded table: " + err.Error()) // a build defect, caught by tests
	}
	return ref
}

// Load reads a province table: CSV with header code,name,level holding
// exactly one province (level 1), its regencies (level 2) and optionally
// districts (level 3); villages (level 4) are ignored. Every problem is
// reported at once.
func Load(r io.Reader) (*Reference, error) {
	rows, err := readTable(r)
	if err != nil {
		return nil, err
	}
	ref := &Reference{
		names:     map[string]string{},
		districts: map[string]bool{},
		provinces: map[string]string{},
		national:  map[string]string{},
	}
	var errs []error
	for _, row := range rows {
		code, name := row.code, row.name
		switch row.level {
		case "1":
			if ref.province.Code != "" {
				errs = append(errs, fmt.Errorf("line %d: a second province %s", row.line, code))
				continue
			}
			ref.province = Region{code, name}
		case "2":
			ref.regencies = append(ref.regencies, Region{code, name})
		case "3":
			ref.districts[code] = true
		case "4":
			continue
		default:
			errs = append(errs, fmt.Errorf("line %d: level %q is not 1 to 4", row.line, row.level))
			continue
		}
		if want := map[string]int{"1": 2, "2": 4, "3": 6}[row.level]; len(code) != want || !digits(code) {
			errs = append(errs, fmt.Errorf("line %d: code %q of level %s must be %d digits", row.line, code, row.level, want))
		}
		ref.names[code] = name
	}
	if ref.province.Code == "" {
		errs = append(errs, errors.New("no province row (level 1)"))
	}
	if len(ref.regencies) == 0 {
		errs = append(errs, errors.New("no regency rows (level 2)"))
	}
	for _, g := range ref.regencies {
		if !strings.HasPrefix(g.Code, ref.province.Code) {
			errs = append(errs, fmt.Errorf("regency %s is not in province %s", g.Code, ref.province.Code))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	sort.Slice(ref.regencies, func(i, j int) bool { return ref.regencies[i].Code < ref.regencies[j].Code })

	nrows, err := readTable(bytes.NewReader(national))
	if err != nil {
		panic("regions: embedded national list: " + err.Error())
	}
	for _, row := range nrows {
		switch row.level {
		case "1":
			ref.provinces[row.code] = row.name
		case "2":
			ref.national[row.code] = row.name
		}
	}
	// The province table wins over the national list for its own codes.
	for code := range ref.national {
		if strings.HasPrefix(code, ref.province.Code) {
			delete(ref.national, code)
		}
	}
	for _, g := range ref.regencies {
		ref.national[g.Code] = g.Name
	}
	ref.provinces[ref.province.Code] = ref.province.Name
	for code := range ref.provinces {
		if n, ok := twoDigits(code); ok {
			ref.province2[n] = true
		}
	}

	ref.local = newMatcher(ref.regencies, []string{ref.province.Name})
	var all []Region
	for code, name := range ref.national {
		all = append(all, Region{code, name})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Code < all[j].Code })
	var provNames []string
	for _, n := range ref.provinces {
		provNames = append(provNames, n)
	}
	ref.nat = newMatcher(all, provNames)
	return ref, nil
}

// Province returns the province of the table.
func (r *Reference) Province() Region { return r.province }

// Regencies returns the province's regencies ordered by code. The slice
// must not be modified.
func (r *Reference) Regencies() []Region { return r.regencies }

// Name returns the name of a province, regency or district code: the
// province table's own name, else the national list's; "" if unknown.
func (r *Reference) Name(code string) string {
	if n, ok := r.names[code]; ok {
		return n
	}
	if n, ok := r.national[code]; ok {
		return n
	}
	return r.provinces[code]
}

// InProvince reports whether code is one of the province's regencies.
func (r *Reference) InProvince(code string) bool {
	_, ok := r.names[code]
	return ok && len(code) == 4
}

// IsProvinceCode reports whether a 2-digit code is a province of the
// national list.
func (r *Reference) IsProvinceCode(code string) bool {
	n, ok := twoDigits(code)
	return ok && r.province2[n]
}

// twoDigits returns the number of a code of two ASCII digits.
func twoDigits(code string) (int, bool) {
	if len(code) != 2 || code[0] < '0' || code[0] > '9' || code[1] < '0' || code[1] > '9' {
		return 0, false
	}
	return int(code[0]-'0')*10 + int(code[1]-'0'), true
}

// HasDistricts reports whether the table lists districts at all.
func (r *Reference) HasDistricts() bool { return len(r.districts) > 0 }

// IsDistrict reports whether a 6-digit code is a district of the province.
func (r *Reference) IsDistrict(code string) bool { return r.districts[code] }

// Resolve finds the province regency a cell names, by code ("1771",
// "17.71") or by name ("Kota Bengkulu", "KAB. SELUMA", "seluma").
func (r *Reference) Resolve(text string) (string, bool) {
	if code, ok := codeOf(text); ok {
		return code, r.InProvince(code)
	}
	return r.local.match(text)
}

// ResolveAny finds a regency anywhere in the country, by code or name: the
// destination of a move may lie outside the province.
func (r *Reference) ResolveAny(text string) (string, bool) {
	if code, ok := codeOf(text); ok {
		_, known := r.national[code]
		return code, known
	}
	return r.nat.match(text)
}

// FindIn finds the province regency a sheet or file name points to (for a
// path, its last element only): a
// regency code standing as its own token ("1771_juni.xlsx"), else the
// longest regency name in it ("kab-kaur-2020.csv"). Ambiguous names
// match nothing.
func (r *Reference) FindIn(name string) (string, bool) {
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	norm := normName(name)
	for _, tok := range strings.Fields(norm) {
		if r.InProvince(tok) {
			return tok, true
		}
	}
	return r.local.find(norm)
}

// codeOf returns the digits of a cell that is a code: "1771", "17.71",
// "17 71". Anything with letters is a name.
func codeOf(text string) (string, bool) {
	var b strings.Builder
	for _, c := range strings.TrimSpace(text) {
		switch {
		case c >= '0' && c <= '9':
			b.WriteRune(c)
		case c == '.' || c == ' ':
		default:
			return "", false
		}
	}
	if b.Len() == 0 {
		return "", false
	}
	return b.String(), true
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

type tableRow struct {
	line              int
	code, name, level string
}

func readTable(r io.Reader) ([]tableRow, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("reading header: %w", err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	for _, want := range []string{"code", "name", "level"} {
		if _, ok := col[want]; !ok {
			return nil, fmt.Errorf("header has no %q column (want code,name,level)", want)
		}
	}
	var rows []tableRow
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		get := func(k string) string {
			if i := col[k]; i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		rows = append(rows, tableRow{line, strings.ReplaceAll(get("code"), ".", ""), get("name"), get("level")})
	}
}
