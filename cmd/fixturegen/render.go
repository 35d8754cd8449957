package main

import (
	"fmt"
	"strings"
	"time"
	"unicode"
)

// Rendering: how a planted row is written into cells. Every choice is
// drawn from the generator's rng in a fixed order, so the output is
// deterministic.

// cell is one written value.
type cell struct {
	s       string // text
	num     int64  // numeric value (NIK number or date serial)
	isNum   bool
	date    bool   // num is a date serial: give it the file's date format
	formula string // formula whose cached value is s
}

var eventTexts = map[string][]string{
	evMati:   {"MENINGGAL", "KEMATIAN", "MATI", "WAFAT"},
	evPindah: {"PINDAH DOMISILI", "PINDAH KELUAR"},
	evKawin:  {"KAWIN", "MENIKAH", "PERUBAHAN STATUS KAWIN"},
	evCerai:  {"CERAI HIDUP", "CERAI MATI"},
	evUbah:   {"PERUBAHAN DATA", "PERBAIKAN ELEMEN DATA"},
	evRusak:  {"KTP RUSAK", "RUSAK"},
	evHilang: {"KTP HILANG", "HILANG"},
	evSuket:  {"SUKET", "SURAT KETERANGAN"},
	evRekam:  {"BELUM REKAM", "PEREKAMAN"},
}

var (
	monthsLong  = []string{"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"}
	monthsShort = []string{"Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agustus", "Sep", "Okt", "Nov", "Des"}
)

// titleCase writes "KAB. BENGKULU UTARA" as "Kab. Bengkulu Utara".
func titleCase(s string) string {
	rs := []rune(strings.ToLower(s))
	for i := range rs {
		if i == 0 || !unicode.IsLetter(rs[i-1]) && rs[i-1] != '\'' {
			rs[i] = unicode.ToUpper(rs[i])
		}
	}
	return string(rs)
}

// excelSerial is the Excel 1900 date system serial of t.
func excelSerial(t time.Time) int64 {
	return int64(t.Sub(day(1899, 12, 30)).Hours() / 24)
}

func (g *gen) renderDate(t time.Time, forms []dateForm, xlsx bool) cell {
	f := forms[g.rng.IntN(len(forms))]
	if f == dSerial && !xlsx {
		panic("date serial in a CSV")
	}
	switch f {
	case dSerial:
		return cell{num: excelSerial(t), isNum: true, date: true}
	case dSlash:
		return cell{s: t.Format("02/01/2006")}
	case dISO:
		return cell{s: t.Format("2006-01-02")}
	case dDash:
		return cell{s: t.Format("02-01-2006")}
	case dLong:
		return cell{s: fmt.Sprintf("%d %s %d", t.Day(), monthsLong[t.Month()-1], t.Year())}
	default: // August has no abbreviation every reader agrees on: written in full
		return cell{s: fmt.Sprintf("%d %s %d", t.Day(), monthsShort[t.Month()-1], t.Year())}
	}
}

// renderName writes a base name with titles and in some case.
func (g *gen) renderName(base string, sex byte, st style) string {
	n := base
	if g.chance(st.titleP) {
		switch g.rng.IntN(3) {
		case 0:
			pre := prefixTitlesMale
			if sex == 'P' {
				pre = prefixTitlesFemale
			}
			n = g.pick(pre) + " " + n
		case 1:
			n = n + ", " + g.pick(suffixTitles)
		default:
			pre := prefixTitlesMale
			if sex == 'P' {
				pre = prefixTitlesFemale
			}
			n = g.pick(pre) + " " + n + ", " + g.pick(suffixTitles)
		}
	}
	if g.chance(st.caseP) {
		if g.chance(0.7) {
			n = titleCase(n)
		} else {
			n = strings.ToLower(n)
		}
	}
	if normName(n) != normName(base) {
		panic(fmt.Sprintf("name %q does not normalise to %q", n, base))
	}
	return n
}

func (g *gen) caseOf(s string, st style) string {
	if g.chance(st.caseP) {
		return titleCase(s)
	}
	return s
}

func placeCase(s string, st style) string {
	if st.upper {
		return strings.ToUpper(s)
	}
	return titleCase(s)
}

func sexText(sex byte, form string) string {
	switch form {
	case "full":
		if sex == 'L' {
			return "LAKI-LAKI"
		}
		return "PEREMPUAN"
	case "num":
		if sex == 'L' {
			return "1"
		}
		return "2"
	}
	return string(sex)
}

// renderRow writes a row into cells keyed by canonical column.
func (g *gen) renderRow(r *row) map[string]cell {
	sp := r.sheet.spec
	st := sp.style
	xlsx := r.sheet.file.spec.kind == xlsxFile
	p := r.p
	c := map[string]cell{}

	form := r.nikForm
	if form == nikAuto {
		form = st.niks[g.rng.IntN(len(st.niks))]
	}
	n := r.nik
	switch form {
	case nikPlain, nikRaw:
		c["nik"] = cell{s: n}
	case nikApostrophe:
		c["nik"] = cell{s: "'" + n}
	case nikSpaces:
		c["nik"] = cell{s: n[:6] + " " + n[6:12] + " " + n[12:]}
	case nikDots:
		c["nik"] = cell{s: n[:2] + "." + n[2:4] + "." + n[4:6] + "." + n[6:12] + "." + n[12:]}
	case nikNumber:
		if !xlsx {
			panic("numeric NIK in a CSV")
		}
		var v int64
		if _, err := fmt.Sscan(n, &v); err != nil {
			panic(fmt.Sprintf("generated NIK %s: %v", n, err)) // the generator made it: a bug
		}
		c["nik"] = cell{num: v, isNum: true}
	case nikEmpty:
	}
	c["nkk"] = cell{s: p.nkk}
	if r.name != "" {
		nm := g.renderName(r.name, p.sex, st)
		if r.formula {
			c["nama"] = cell{s: r.name, formula: fmt.Sprintf("UPPER(%q)", strings.ToLower(r.name))}
		} else {
			c["nama"] = cell{s: nm}
		}
	}
	c["tempat_lahir"] = cell{s: placeCase(p.pob, st)}
	if r.dobText != "" {
		c["tanggal_lahir"] = cell{s: r.dobText}
	} else {
		c["tanggal_lahir"] = g.renderDate(r.dob, st.dates, xlsx)
	}
	c["jenis_kelamin"] = cell{s: sexText(r.sex, st.sex)}
	if r.marital != "" {
		c["status_kawin"] = cell{s: g.caseOf(r.marital, st)}
	}
	c["nama_ibu"] = cell{s: g.caseOf(p.mother, st)}
	c["alamat"] = cell{s: g.caseOf(p.address, st)}
	c["rt"], c["rw"] = cell{s: p.rt}, cell{s: p.rw}
	c["kelurahan"] = cell{s: placeCase(p.village, st)}
	c["kecamatan"] = cell{s: placeCase(p.district.name, st)}

	switch {
	case r.regionCell != nil:
		c["kabupaten_kota"] = cell{s: *r.regionCell}
	case sp.regionCol == rcCode:
		c["kabupaten_kota"] = cell{s: r.region}
	case sp.regionCol == rcName:
		c["kabupaten_kota"] = cell{s: placeCase(regionName(r.region), st)}
	case sp.regionCol == rcMixed:
		if g.chance(0.6) {
			c["kabupaten_kota"] = cell{s: r.region}
		} else if g.chance(0.5) {
			c["kabupaten_kota"] = cell{s: titleCase(regionName(r.region))}
		} else {
			c["kabupaten_kota"] = cell{s: regionName(r.region)}
		}
	}

	switch {
	case r.eventText != "":
		c["jenis_perubahan"] = cell{s: r.eventText}
	case r.event == evPindah && r.dest == r.region:
		c["jenis_perubahan"] = cell{s: g.caseOf("PINDAH DATANG", st)}
	case r.event != "":
		t := g.pick(eventTexts[r.event])
		if t == "CERAI MATI" {
			c["status_kawin"] = cell{s: g.caseOf("CERAI MATI", st)}
		}
		c["jenis_perubahan"] = cell{s: g.caseOf(t, st)}
	}
	c["tanggal_pengajuan"] = g.renderDate(r.req, st.dates, xlsx)
	if r.state != "" {
		c["status_layanan"] = cell{s: g.caseOf(r.state, st)}
	}
	if !r.svc.IsZero() {
		c["tanggal_layanan"] = g.renderDate(r.svc, st.dates, xlsx)
	}
	if r.destText != "" {
		c["kabupaten_tujuan"] = cell{s: r.destText}
	}
	return c
}
