package sink

import "testing"

// The fast reading of a row's original cells agrees with encoding/json,
// and anything it does not take falls back to it.
func TestHeaderLines(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"NIK":"1.77E+15","NAMA":"BUDI"}`, "NIK: 1.77E+15\nNAMA: BUDI"},
		{`{"nik":"","nama":"=HYPERLINK(\"x\")"}`, "nik: \nnama: =HYPERLINK(\"x\")"},
		{`{"a, b":"c: d","é":"\u00e9\n\\"}`, "a, b: c: d\né: é\n\\"},
		{`{"A":1,"B":null}`, "A: 1\nB: null"},
		{`{}`, ""},
		{`not json`, "not json"},
		{`{"a":"b"`, "a: b"}, // cut short: what can be read
	} {
		if got := headerLines(tc.in); got != tc.want {
			t.Errorf("headerLines(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
