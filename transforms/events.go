package transforms

import (
	"strings"
	"unicode"

	"readiness/pipeline"
)

// Free-text codes (SPEC §2, §4) are read through the tables below: each
// canonical value with the texts that mean it. A cell matches when its
// key — upper case, invisible characters (see invisible) dropped, every
// other character that is not a letter or digit turned into a space,
// spaces collapsed — equals a text's key exactly. Nothing
// is guessed: a text not in a table is unknown. To accept a new spelling,
// add it to its table.

// vocabEntry is one canonical value and the texts that mean it.
type vocabEntry struct {
	canon string
	texts []string
}

// eventTable maps jenis_perubahan texts to events (SPEC §4). Each
// canonical name matches itself ("UBAH_DATA" has the key "UBAH DATA").
var eventTable = []vocabEntry{
	{pipeline.EventMati, []string{"MENINGGAL", "MENINGGAL DUNIA", "KEMATIAN", "MATI", "WAFAT"}},
	{pipeline.EventPindah, []string{"PINDAH", "PINDAH DOMISILI", "PINDAH DATANG", "PINDAH KELUAR", "PINDAH ALAMAT"}},
	{pipeline.EventKawin, []string{"KAWIN", "MENIKAH", "PERKAWINAN", "PERUBAHAN STATUS KAWIN"}},
	{pipeline.EventCerai, []string{"CERAI", "CERAI HIDUP", "CERAI MATI", "PERCERAIAN"}},
	{pipeline.EventUbahData, []string{"UBAH_DATA", "PERUBAHAN DATA", "PERBAIKAN ELEMEN DATA", "PERUBAHAN ELEMEN DATA", "PERBAIKAN DATA", "UBAH DATA"}},
	{pipeline.EventRusak, []string{"RUSAK", "KTP RUSAK", "KTP EL RUSAK"}},
	{pipeline.EventHilang, []string{"HILANG", "KTP HILANG", "KTP EL HILANG"}},
	{pipeline.EventSuket, []string{"SUKET", "SURAT KETERANGAN", "PENUKARAN SUKET"}},
	{pipeline.EventRekam, []string{"REKAM", "BELUM REKAM", "PEREKAMAN", "REKAM BARU"}},
}

// sexTable maps jenis_kelamin texts to "L" (laki-laki) or "P" (perempuan).
var sexTable = []vocabEntry{
	{"L", []string{"L", "LAKI-LAKI", "LAKI LAKI", "LAKI", "PRIA", "1"}},
	{"P", []string{"P", "PEREMPUAN", "WANITA", "2"}},
}

// maritalTable maps status_kawin texts to marital states; the numbers are
// the Dukcapil codes.
var maritalTable = []vocabEntry{
	{pipeline.MaritalBelumKawin, []string{"BELUM KAWIN", "BELUM MENIKAH", "B", "1"}},
	{pipeline.MaritalKawin, []string{"KAWIN", "MENIKAH", "K", "2"}},
	{pipeline.MaritalCeraiHidup, []string{"CERAI HIDUP", "CH", "3"}},
	{pipeline.MaritalCeraiMati, []string{"CERAI MATI", "CM", "4"}},
}

// stateTable maps status_layanan texts to service states.
var stateTable = []vocabEntry{
	{pipeline.StateBelumRekam, []string{"BELUM REKAM"}},
	{pipeline.StateSudahRekam, []string{"SUDAH REKAM", "REKAM", "TEREKAM"}},
	{pipeline.StateSudahCetak, []string{"SUDAH CETAK", "DICETAK", "CETAK"}},
	{pipeline.StateSelesai, []string{"SELESAI", "DISERAHKAN", "SUDAH DISERAHKAN"}},
}

// vocab is a table indexed by key.
type vocab map[string]string

func newVocab(table []vocabEntry) vocab {
	v := vocab{}
	for _, e := range table {
		v[vocabKey(e.canon)] = e.canon
		for _, t := range e.texts {
			k := vocabKey(t)
			if prev, dup := v[k]; dup && prev != e.canon {
				panic("transforms: " + t + " means both " + prev + " and " + e.canon) // a table defect, caught by tests
			}
			v[k] = e.canon
		}
	}
	return v
}

// lookup returns the canonical value of a cell, or false when the cell is
// empty or its text is not in the table.
func (v vocab) lookup(text string) (string, bool) {
	c, ok := v[vocabKey(text)]
	return c, ok
}

// vocabKey upper-cases text, reads full-width digits as ASCII, drops
// invisible runes, turns every other rune that is not a letter or a digit
// into a space and collapses spaces.
func vocabKey(text string) string {
	s := strings.Map(func(r rune) rune {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			return unicode.ToUpper(asciiDigit(r))
		case invisible(r):
			return -1
		}
		return ' '
	}, text)
	return strings.Join(strings.Fields(s), " ")
}

// The tables, indexed. They are read-only.
var (
	eventVocab   = newVocab(eventTable)
	sexVocab     = newVocab(sexTable)
	maritalVocab = newVocab(maritalTable)
	stateVocab   = newVocab(stateTable)
)

// lookupEvent returns the canonical event (SPEC §4) of a jenis_perubahan text.
func lookupEvent(text string) (string, bool) { return eventVocab.lookup(text) }

// lookupSex returns "L" or "P" for a jenis_kelamin text.
func lookupSex(text string) (string, bool) { return sexVocab.lookup(text) }

// lookupMarital returns the marital state of a status_kawin text.
func lookupMarital(text string) (string, bool) { return maritalVocab.lookup(text) }

// lookupState returns the service state of a status_layanan text.
func lookupState(text string) (string, bool) { return stateVocab.lookup(text) }
