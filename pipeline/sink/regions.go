package sink

import (
	"strings"
	"unicode"
)

// RegionsDir is the folder of the regencies' workbooks in the output
// folder.
const RegionsDir = "regions"

// Regency is a regency of the province, for its own workbook.
type Regency struct {
	Code, Name string
}

// RegionFile is the path of a regency's workbook in the output folder:
// "regions/<code> <name>.xlsx", the name cleaned so that no text of a
// --regions file can leave the folder or trouble a file system: no path
// separators, no "..", no control characters, at most 60 characters.
func RegionFile(code, name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == ' ' || r == '-' || r == '(' || r == ')' || r == ',':
			b.WriteRune(r)
		case r == '.':
			if !strings.HasSuffix(b.String(), ".") {
				b.WriteRune(r)
			}
		default:
			b.WriteRune('_')
		}
	}
	clean := strings.Trim(b.String(), " ._-")
	if rs := []rune(clean); len(rs) > 60 {
		clean = strings.TrimRight(string(rs[:60]), " ._-")
	}
	code = strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, code)
	file := code
	if clean != "" {
		file += " " + clean
	}
	return RegionsDir + "/" + file + ".xlsx"
}
