package job

import (
	"context"
	"fmt"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"readiness/pipeline"
)

// tables is a sink keeping the rows of some tables as text, by column name.
type tables struct {
	want map[pipeline.Table]bool
	rows map[pipeline.Table][]map[string]string
}

func (*tables) Name() string                    { return "tables" }
func (*tables) Files() []string                 { return nil }
func (*tables) Close(ctx context.Context) error { return nil }
func (*tables) Abort()                          {}
func (s *tables) Write(ctx context.Context, t pipeline.Table, rec arrow.Record) error {
	if !s.want[t] {
		return nil
	}
	for i := 0; i < int(rec.NumRows()); i++ {
		row := map[string]string{}
		for j, f := range rec.Schema().Fields() {
			if c := rec.Column(j); c.IsValid(i) {
				row[f.Name] = c.ValueStr(i)
			}
		}
		s.rows[t] = append(s.rows[t], row)
	}
	return nil
}

// TestScenarioAllocation replays the reference scenario (SPEC §1): 1,650
// blanks in the provincial buffer, the regions' own stock, 116 print days,
// and 25,000 blanks requested for 2020-09-15.
//
// Own stock first, tier 1 first: Kota Bengkulu (1771) has 95 blanks for
// 205 tier-1 persons (190 to record, 15 first prints after REKAM), so 110
// wait; Lebong (1707) has 350 for 222 needs and serves all three tiers.
//
// Tier 1's unmet need is 15 + 22 + 17 + 5 + 4 + 51 + 110 = 224 (1701,
// 1704, 1705, 1706, 1708, 1709, 1771); the buffer covers it all, leaving
// 1,650 − 224 = 1,426 for tier 2, whose unmet need is 3,299 (195, 178,
// 206, 94, 156, 104, 0, 141, 168, 2,057). Shares of 1,426 in proportion:
// 1701 84.29, 1702 76.94, 1703 89.04, 1704 40.63, 1705 67.43, 1706 44.95,
// 1708 60.95, 1709 72.62, 1771 889.15; the floors sum to 1,421, and the
// five blanks left go to the largest remainders: 1706 and 1708 (.95), 1702
// (.94), 1704 (.63), 1709 (.62). No region is near its capacity (Kota
// Bengkulu: 150 a day × 116 days = 17,400). Tier 3 gets nothing: "buffer
// ran out in tier 2".
//
// The delivery arrives on Tuesday 2020-09-15; from the 16th to the day
// before the election are 60 print days (11 in September, 22 in October,
// 21 in November, 6 in December), so 56 pass before it. Kota Bengkulu can
// then still print 150 × 60 − max(0, 1,094 − 150 × 56) = 9,000 cards, more
// than its 3,519 waiting; every region likewise. So all 6,377 persons
// waiting get a blank: readiness 53.1 % → 100.0 %, no blank too late and
// 25,000 − 6,377 = 18,623 beyond the need.
func TestScenarioAllocation(t *testing.T) {
	spec, ins := fixtureRun(t, 4096)
	got := &tables{want: map[pipeline.Table]bool{pipeline.TableAllocation: true, pipeline.TableWhatIf: true, pipeline.TableSummary: true},
		rows: map[pipeline.Table][]map[string]string{}}
	spec.Sinks = []pipeline.Sink{got}
	r, err := New(spec)
	if err != nil {
		t.Fatal(err)
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	if _, err := r.Run(context.Background(), mem, ins); err != nil {
		t.Fatal(err)
	}

	// region: tier → need, from stock, from buffer, unmet, reason
	type tier struct {
		need, stock, buffer, unmet int
		reason                     string
	}
	want := map[string][3]tier{
		"1701": {{165, 150, 15, 0, "BUFFER"}, {195, 0, 84, 111, "BUFFER_OUT"}, {318, 0, 0, 318, "BUFFER_OUT_EARLIER"}},
		"1702": {{179, 179, 0, 0, "OWN_STOCK"}, {219, 41, 77, 101, "BUFFER_OUT"}, {352, 0, 0, 352, "BUFFER_OUT_EARLIER"}},
		"1703": {{169, 169, 0, 0, "OWN_STOCK"}, {217, 11, 89, 117, "BUFFER_OUT"}, {334, 0, 0, 334, "BUFFER_OUT_EARLIER"}},
		"1704": {{82, 60, 22, 0, "BUFFER"}, {94, 0, 41, 53, "BUFFER_OUT"}, {165, 0, 0, 165, "BUFFER_OUT_EARLIER"}},
		"1705": {{137, 120, 17, 0, "BUFFER"}, {156, 0, 67, 89, "BUFFER_OUT"}, {321, 0, 0, 321, "BUFFER_OUT_EARLIER"}},
		"1706": {{95, 90, 5, 0, "BUFFER"}, {104, 0, 45, 59, "BUFFER_OUT"}, {192, 0, 0, 192, "BUFFER_OUT_EARLIER"}},
		"1707": {{62, 62, 0, 0, "OWN_STOCK"}, {53, 53, 0, 0, "OWN_STOCK"}, {107, 107, 0, 0, "OWN_STOCK"}},
		"1708": {{114, 110, 4, 0, "BUFFER"}, {141, 0, 61, 80, "BUFFER_OUT"}, {226, 0, 0, 226, "BUFFER_OUT_EARLIER"}},
		"1709": {{126, 75, 51, 0, "BUFFER"}, {168, 0, 73, 95, "BUFFER_OUT"}, {245, 0, 0, 245, "BUFFER_OUT_EARLIER"}},
		"1771": {{205, 95, 110, 0, "BUFFER"}, {2057, 0, 889, 1168, "BUFFER_OUT"}, {2351, 0, 0, 2351, "BUFFER_OUT_EARLIER"}},
	}
	rows := got.rows[pipeline.TableAllocation]
	if len(rows) != 3*len(want) {
		t.Fatalf("%d allocation rows, want %d", len(rows), 3*len(want))
	}
	for _, row := range rows {
		w := want[row[pipeline.AllocRegionCode]][row[pipeline.AllocTier][0]-'1']
		g := tier{atoi(t, row[pipeline.AllocNeed]), atoi(t, row[pipeline.AllocFromStock]),
			atoi(t, row[pipeline.AllocFromBuffer]), atoi(t, row[pipeline.AllocUnmet]), row[pipeline.AllocReason]}
		if g != w {
			t.Errorf("region %s tier %s: got %+v, want %+v", row[pipeline.AllocRegionCode], row[pipeline.AllocTier], g, w)
		}
		// With the delivery everyone waiting is served.
		if row[pipeline.AllocFromDelivery] != row[pipeline.AllocUnmet] || row[pipeline.AllocUnmetIfDelivered] != "0" {
			t.Errorf("region %s tier %s what-if: %v", row[pipeline.AllocRegionCode], row[pipeline.AllocTier], row)
		}
	}

	whatIf := got.rows[pipeline.TableWhatIf]
	prov := whatIf[len(whatIf)-1]
	for col, v := range map[string]string{
		pipeline.WhatIfRegionCode: "17", pipeline.WhatIfDelivered: "6377", pipeline.WhatIfPrintable: "2972",
		pipeline.WhatIfPrintableDelivered: "9349", pipeline.WhatIfPct: "53.1", pipeline.WhatIfPctDelivered: "100",
		pipeline.WhatIfTooLate: "0", pipeline.WhatIfSurplus: "18623",
	} {
		if prov[col] != v {
			t.Errorf("what-if province %s = %q, want %s", col, prov[col], v)
		}
	}
	// The summary is the plan with the blanks in hand: Kota Bengkulu's
	// allocation is its 110 + 889 buffer blanks.
	for _, s := range got.rows[pipeline.TableSummary] {
		if s[pipeline.SumRegionCode] == "1771" && (s[pipeline.SumAllocation] != "999" || s[pipeline.SumPrintable] != "1094") {
			t.Errorf("Kota Bengkulu summary %v", s)
		}
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	var n int
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return n
}
