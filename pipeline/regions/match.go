package regions

import (
	"sort"
	"strings"
	"unicode"
)

// matcher finds regencies by name.
type matcher struct {
	full map[string]string // "KAB SELUMA", "KABUPATEN SELUMA", "KOTA BENGKULU" → code
	bare map[string]string // "SELUMA" → code; "" when ambiguous
	keys []string          // every key, longest first, for find
}

func newMatcher(regs []Region, provinces []string) *matcher {
	m := &matcher{full: map[string]string{}, bare: map[string]string{}}
	for _, g := range regs {
		kind, bare := split(normName(g.Name))
		if bare == "" {
			continue
		}
		var prefixes []string
		switch kind {
		case "KOTA":
			prefixes = []string{"KOTA ", "KOTAMADYA "}
		case "KAB":
			prefixes = []string{"KAB ", "KABUPATEN "}
		}
		for _, b := range []string{bare, compact(bare)} {
			for _, p := range prefixes {
				m.full[p+b] = g.Code
			}
			if prev, seen := m.bare[b]; seen && prev != g.Code {
				m.bare[b] = ""
			} else {
				m.bare[b] = g.Code
			}
		}
	}
	for _, p := range provinces {
		_, bare := split(normName(p))
		m.bare[bare] = ""
		m.bare[compact(bare)] = ""
	}
	for k := range m.full {
		m.keys = append(m.keys, k)
	}
	for k := range m.bare {
		m.keys = append(m.keys, k)
	}
	sortLongestFirst(m.keys)
	return m
}

func (m *matcher) lookup(key string) (string, bool) {
	if c, ok := m.full[key]; ok {
		return c, true
	}
	c, ok := m.bare[key]
	return c, ok && c != ""
}

// match resolves a whole cell.
func (m *matcher) match(text string) (string, bool) {
	norm := normName(text)
	if c, ok := m.lookup(norm); ok {
		return c, true
	}
	if c, ok := m.lookup(compact(norm)); ok {
		return c, true
	}
	return "", false
}

// find resolves the longest key standing as whole words inside norm. When
// the longest key found is ambiguous, nothing matches.
func (m *matcher) find(norm string) (string, bool) {
	padded := " " + norm + " "
	for _, k := range m.keys {
		if strings.Contains(padded, " "+k+" ") {
			return m.lookup(k)
		}
	}
	return "", false
}

// normName upper-cases and turns punctuation into single spaces.
func normName(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToUpper(r)
		}
		return ' '
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// split separates a regency kind prefix from the bare name.
func split(norm string) (kind, bare string) {
	for _, p := range []struct{ prefix, kind string }{
		{"KABUPATEN ", "KAB"}, {"KAB ", "KAB"},
		{"KOTAMADYA ", "KOTA"}, {"KOTA ", "KOTA"},
		{"PROVINSI ", "PROV"}, {"PROV ", "PROV"},
	} {
		if strings.HasPrefix(norm, p.prefix) {
			return p.kind, norm[len(p.prefix):]
		}
	}
	return "", norm
}

func compact(s string) string { return strings.ReplaceAll(s, " ", "") }

func sortLongestFirst(keys []string) {
	// Longest first; equal lengths by text so the order is deterministic.
	sortStrings(keys, func(a, b string) bool {
		if len(a) != len(b) {
			return len(a) > len(b)
		}
		return a < b
	})
}

func sortStrings(s []string, less func(a, b string) bool) {
	sort.Slice(s, func(i, j int) bool { return less(s[i], s[j]) })
}
