package transforms

import (
	"cmp"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// codedPerson is an allocPerson as the tests write it: its region a code,
// not an index.
type codedPerson struct {
	Region  string
	Tier    int8
	Request int32
	Seq     int
}

// codedInput is an allocInput of codedPersons.
type codedInput struct {
	Regions    []allocRegion
	Persons    []codedPerson
	Buffer     int
	PrintDays  int
	Deliveries []allocDelivery
}

// compact returns in as planAllocation takes it, each person's region
// the index of the first region of its code, noRegion for a code of no
// region, as the planner stage notes them.
func (in codedInput) compact() allocInput {
	index := map[string]uint16{}
	for r, reg := range slices.Backward(in.Regions) {
		index[reg.Code] = uint16(r)
	}
	out := allocInput{Regions: in.Regions, Buffer: in.Buffer, PrintDays: in.PrintDays, Deliveries: in.Deliveries}
	for _, p := range in.Persons {
		r, ok := index[p.Region]
		if !ok {
			r = noRegion
		}
		out.Persons = append(out.Persons, allocPerson{Region: r, Tier: p.Tier, Request: p.Request, Seq: int32(p.Seq)})
	}
	return out
}

// persons returns n persons of one region and tier, requested on
// consecutive days from day, with Seq from seq on.
func persons(region string, tier int8, n int, day int32, seq int) []codedPerson {
	ps := make([]codedPerson, n)
	for i := range ps {
		ps[i] = codedPerson{Region: region, Tier: tier, Request: day + int32(i), Seq: seq + i}
	}
	return ps
}

// tier builds a tierPlan from its counts; Unmet and UnmetWhatIf follow.
func tier(need, stock, buffer, delivery int, reason string) tierPlan {
	return tierPlan{
		Need: need, FromStock: stock, FromBuffer: buffer, FromDelivery: delivery,
		Unmet: need - stock - buffer, UnmetWhatIf: need - stock - buffer - delivery, Reason: reason,
	}
}

func TestPlanAllocationWorked(t *testing.T) {
	noNeed := tier(0, 0, 0, 0, reasonNoNeed)
	tests := []struct {
		name        string
		in          codedInput
		want        []regionPlan
		bufferLeft  int
		deliveries  []deliveryPlan
		wantBlanks  map[int]int8 // Seq → Blank, for a few persons worth naming
		wantWhatIfs map[int]int8 // Seq → BlankWhatIf
	}{
		{
			// Largest remainder with a cap and redistribution. Print days
			// 10, so capacities 200, 10 and 200.
			//
			// Stock: 1701 serves its 10 oldest tier-1 persons; tier-1
			// unmet need is 40, 30, 10 (80 in all) > buffer 41.
			// Shares 41 × 40/80 = 20.5, 41 × 30/80 = 15.375, 41 × 10/80 =
			// 5.125. 1702 can print only 10: capped at 10, and the other
			// 31 go to 1701 and 1703 in proportion 40:10: 31 × 40/50 = 24.8,
			// 31 × 10/50 = 6.2. Floors 24 + 6 = 30; the one blank left goes
			// to the largest remainder, 1701 (.8 > .2): 25, 10, 6. Blank
			// by blank (apportion) gives the same: 25 + 10 + 6 = 41.
			// Nothing is left for tier 2.
			//
			// Delivery of 30 after 4 print days (6 left):
			// 1701: room 20×6 − max(0, 35 − 20×4) = 120;
			// 1702: 1×6 − max(0, 10 − 1×4) = 0 (its blanks in hand fill
			// every day left); 1703: 20×6 − max(0, 6 − 80) = 120.
			// Tier 1 waiting: 15, 20, 4, limits 15, 0, 4: 19 given. Tier 2
			// waiting: 5 and 4: 9 given. 30 − 28 = 2 unusable.
			name: "largest remainder with a cap and redistribution",
			in: codedInput{
				Regions: []allocRegion{
					{Code: "1703", Stock: 0, CapPerDay: 20},
					{Code: "1701", Stock: 10, CapPerDay: 20},
					{Code: "1702", Stock: 0, CapPerDay: 1},
				},
				Persons: slices.Concat(
					persons("1701", 1, 50, 18000, 0),   // Seq 0–49
					persons("1701", 2, 5, 18000, 100),  // Seq 100–104
					persons("1702", 1, 30, 18000, 200), // Seq 200–229
					persons("1703", 1, 10, 18000, 300), // Seq 300–309
					persons("1703", 2, 4, 18000, 400),  // Seq 400–403
				),
				Buffer:     41,
				PrintDays:  10,
				Deliveries: []allocDelivery{{Quantity: 30, DaysBefore: 4}},
			},
			want: []regionPlan{
				{Code: "1703", Capacity: 200, Allocation: 6, Printable: 6, DeliveryAllocation: 8, PrintableWhatIf: 14,
					Tiers:          [3]tierPlan{tier(10, 0, 6, 4, reasonBufferOut), tier(4, 0, 0, 4, reasonBufferOutEarlier), noNeed},
					FromDeliveries: []int{8}},
				{Code: "1701", Capacity: 200, Allocation: 25, Printable: 35, DeliveryAllocation: 20, PrintableWhatIf: 55,
					Tiers:          [3]tierPlan{tier(50, 10, 25, 15, reasonBufferOut), tier(5, 0, 0, 5, reasonBufferOutEarlier), noNeed},
					FromDeliveries: []int{20}},
				{Code: "1702", Capacity: 10, Allocation: 10, Printable: 10, PrintableWhatIf: 10,
					Tiers:          [3]tierPlan{tier(30, 0, 10, 0, reasonCapacity), noNeed, noNeed},
					FromDeliveries: []int{0}},
			},
			deliveries:  []deliveryPlan{{Quantity: 30, Given: 28, Unusable: 2}},
			wantBlanks:  map[int]int8{0: blankStock, 9: blankStock, 10: blankBuffer, 34: blankBuffer, 35: blankNone, 100: blankNone, 209: blankBuffer, 210: blankNone},
			wantWhatIfs: map[int]int8{35: blankDelivery, 49: blankDelivery, 100: blankDelivery, 210: blankNone, 403: blankDelivery},
		},
		{
			// Alabama paradox, buffer 5. Need 1, 5, 5 (11); shares 5/11,
			// 25/11, 25/11 = .45, 2.27, 2.27. Floors 0, 2, 2; the blank
			// left goes to 1701 (.45): 1, 2, 2, as one-shot largest
			// remainder would give. Blank by blank: the h-th blank goes to
			// the largest remainder h×need/11 − held:
			// h=1 1702 (.45 tie with 1703, lower code), h=2 1703 (.91),
			// h=3 1702 (.36 tie, lower code), h=4 1703 (.82), h=5 1701 (.45).
			name: "alabama paradox, buffer 5",
			in: codedInput{
				Regions: []allocRegion{{Code: "1701", CapPerDay: 9}, {Code: "1702", CapPerDay: 9}, {Code: "1703", CapPerDay: 9}},
				Persons: slices.Concat(persons("1701", 1, 1, 18000, 0), persons("1702", 1, 5, 18000, 10), persons("1703", 1, 5, 18000, 20)),
				Buffer:  5, PrintDays: 1,
			},
			want: []regionPlan{
				{Code: "1701", Capacity: 9, Allocation: 1, Printable: 1, PrintableWhatIf: 1, Tiers: [3]tierPlan{tier(1, 0, 1, 0, reasonBuffer), noNeed, noNeed}, FromDeliveries: []int{}},
				{Code: "1702", Capacity: 9, Allocation: 2, Printable: 2, PrintableWhatIf: 2, Tiers: [3]tierPlan{tier(5, 0, 2, 0, reasonBufferOut), noNeed, noNeed}, FromDeliveries: []int{}},
				{Code: "1703", Capacity: 9, Allocation: 2, Printable: 2, PrintableWhatIf: 2, Tiers: [3]tierPlan{tier(5, 0, 2, 0, reasonBufferOut), noNeed, noNeed}, FromDeliveries: []int{}},
			},
			deliveries: []deliveryPlan{},
		},
		{
			// Alabama paradox, buffer 6. Shares 6/11, 30/11, 30/11 = .55,
			// 2.73, 2.73. One-shot largest remainder: floors 0, 2, 2, the
			// two blanks left to the remainders .73, .73: 0, 3, 3: 1701
			// would lose the blank it had with a buffer of 5. Blank by
			// blank, the 6th blank goes to 1702 (.73, tie with 1703, lower
			// code): 1, 3, 2, within one blank of every share.
			name: "alabama paradox, buffer 6",
			in: codedInput{
				Regions: []allocRegion{{Code: "1701", CapPerDay: 9}, {Code: "1702", CapPerDay: 9}, {Code: "1703", CapPerDay: 9}},
				Persons: slices.Concat(persons("1701", 1, 1, 18000, 0), persons("1702", 1, 5, 18000, 10), persons("1703", 1, 5, 18000, 20)),
				Buffer:  6, PrintDays: 1,
			},
			want: []regionPlan{
				{Code: "1701", Capacity: 9, Allocation: 1, Printable: 1, PrintableWhatIf: 1, Tiers: [3]tierPlan{tier(1, 0, 1, 0, reasonBuffer), noNeed, noNeed}, FromDeliveries: []int{}},
				{Code: "1702", Capacity: 9, Allocation: 3, Printable: 3, PrintableWhatIf: 3, Tiers: [3]tierPlan{tier(5, 0, 3, 0, reasonBufferOut), noNeed, noNeed}, FromDeliveries: []int{}},
				{Code: "1703", Capacity: 9, Allocation: 2, Printable: 2, PrintableWhatIf: 2, Tiers: [3]tierPlan{tier(5, 0, 2, 0, reasonBufferOut), noNeed, noNeed}, FromDeliveries: []int{}},
			},
			deliveries: []deliveryPlan{},
		},
		{
			// Tiers in turn. Capacity 5×2 = 10 each. 1701: stock 4 covers
			// tier 1 (3) and one of tier 2 (2): 1 waiting in tier 2.
			// 1702: no stock; tier 1 needs 2, tier 2 needs 3, tier 3 needs 8.
			// Buffer 9: tier 1 takes 2 (1702), 7 left; tier 2 takes 1 + 3,
			// 3 left; tier 3: 1702 waits 8 and can still print 10−5 = 5:
			// it takes the 3 left, and the buffer runs out there.
			// 1701's tier 3 (1 person) shares it: weights 1 (1701) and 8
			// (1702), limits 1 and 5, budget 3: shares 1/3, 8/3 = .33,
			// 2.67; floors 0 + 2, the blank left to 1702 (.67): 0, 3.
			name: "tiers in turn",
			in: codedInput{
				Regions: []allocRegion{{Code: "1701", Stock: 4, CapPerDay: 5}, {Code: "1702", CapPerDay: 5}},
				Persons: slices.Concat(
					persons("1701", 3, 1, 18000, 0), persons("1701", 2, 2, 18000, 1), persons("1701", 1, 3, 18000, 3),
					persons("1702", 1, 2, 18000, 10), persons("1702", 2, 3, 18000, 12), persons("1702", 3, 8, 18000, 15),
				),
				Buffer: 9, PrintDays: 2,
			},
			want: []regionPlan{
				{Code: "1701", Capacity: 10, Allocation: 1, Printable: 5, PrintableWhatIf: 5, FromDeliveries: []int{},
					Tiers: [3]tierPlan{tier(3, 3, 0, 0, reasonOwnStock), tier(2, 1, 1, 0, reasonBuffer), tier(1, 0, 0, 0, reasonBufferOut)}},
				{Code: "1702", Capacity: 10, Allocation: 8, Printable: 8, PrintableWhatIf: 8, FromDeliveries: []int{},
					Tiers: [3]tierPlan{tier(2, 0, 2, 0, reasonBuffer), tier(3, 0, 3, 0, reasonBuffer), tier(8, 0, 3, 0, reasonBufferOut)}},
			},
			deliveries: []deliveryPlan{},
			wantBlanks: map[int]int8{0: blankNone, 1: blankStock, 2: blankBuffer, 3: blankStock, 17: blankBuffer, 18: blankNone},
		},
		{
			// Stock beyond capacity, no buffer: 1701 prints 2×3 = 6 of its
			// 10 stock, 1702 has neither stock nor buffer. A late delivery
			// (DaysBefore past PrintDays) is unusable everywhere.
			name: "capacity and no buffer",
			in: codedInput{
				Regions:    []allocRegion{{Code: "1701", Stock: 10, CapPerDay: 2}, {Code: "1702", CapPerDay: 2}},
				Persons:    slices.Concat(persons("1701", 1, 8, 18000, 0), persons("1702", 2, 1, 18000, 10)),
				PrintDays:  3,
				Deliveries: []allocDelivery{{Quantity: 5, DaysBefore: 7}},
			},
			want: []regionPlan{
				{Code: "1701", Capacity: 6, Printable: 6, PrintableWhatIf: 6, FromDeliveries: []int{0},
					Tiers: [3]tierPlan{tier(8, 6, 0, 0, reasonCapacity), noNeed, noNeed}},
				{Code: "1702", Capacity: 6, FromDeliveries: []int{0},
					Tiers: [3]tierPlan{noNeed, tier(1, 0, 0, 0, reasonNoBuffer), noNeed}},
			},
			deliveries: []deliveryPlan{{Quantity: 5, Given: 0, Unusable: 5}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := planAllocation(tt.in.compact())
			if !reflect.DeepEqual(got.Regions, tt.want) {
				t.Errorf("regions:\n got %+v\nwant %+v", got.Regions, tt.want)
			}
			if !reflect.DeepEqual(got.Deliveries, tt.deliveries) {
				t.Errorf("deliveries: got %+v, want %+v", got.Deliveries, tt.deliveries)
			}
			if got.BufferLeft != tt.bufferLeft {
				t.Errorf("BufferLeft = %d, want %d", got.BufferLeft, tt.bufferLeft)
			}
			bySeq := map[int]int{}
			for i, p := range tt.in.Persons {
				bySeq[p.Seq] = i
			}
			for seq, want := range tt.wantBlanks {
				if b := got.Blank[bySeq[seq]]; b != want {
					t.Errorf("Blank of Seq %d = %d, want %d", seq, b, want)
				}
			}
			for seq, want := range tt.wantWhatIfs {
				if b := got.BlankWhatIf[bySeq[seq]]; b != want {
					t.Errorf("BlankWhatIf of Seq %d = %d, want %d", seq, b, want)
				}
			}
			checkPlan(t, tt.in, got)
		})
	}
}

func TestPlanAllocationPrintOrder(t *testing.T) {
	in := codedInput{
		Regions: []allocRegion{{Code: "1701", Stock: 3, CapPerDay: 10}},
		Persons: []codedPerson{
			{Region: "1701", Tier: 2, Request: 100, Seq: 0},
			{Region: "1701", Tier: 1, Request: noDate, Seq: 1},
			{Region: "1701", Tier: 1, Request: 300, Seq: 2},
			{Region: "1701", Tier: 1, Request: -5, Seq: 3}, // before 1970: still a date
			{Region: "1701", Tier: 1, Request: 300, Seq: -7},
			{Region: "1701", Tier: 3, Request: 1, Seq: 5},
			{Region: "9999", Tier: 1, Request: 1, Seq: 6}, // unknown region
			{Region: "1701", Tier: 0, Request: 1, Seq: 7}, // no tier
		},
		PrintDays: 1,
	}
	got := planAllocation(in.compact())
	wantRank := []int32{4, 3, 2, 0, 1, 5, -1, -1}
	wantBlank := []int8{blankNone, blankNone, blankStock, blankStock, blankStock, blankNone, blankNone, blankNone}
	if !slices.Equal(got.Rank, wantRank) {
		t.Errorf("Rank = %v, want %v", got.Rank, wantRank)
	}
	if !slices.Equal(got.Blank, wantBlank) {
		t.Errorf("Blank = %v, want %v", got.Blank, wantBlank)
	}
	checkPlan(t, in, got)
}

func TestPlanAllocationOddInput(t *testing.T) {
	tests := []struct {
		name string
		in   codedInput
		want func(t *testing.T, p allocPlan)
	}{
		{"empty", codedInput{}, func(t *testing.T, p allocPlan) {
			if len(p.Regions) != 0 || p.BufferGiven != 0 || p.BufferLeft != 0 {
				t.Errorf("got %+v", p)
			}
		}},
		{"no regions, buffer and persons", codedInput{
			Persons: persons("1701", 1, 3, 0, 0), Buffer: 5, PrintDays: 3,
			Deliveries: []allocDelivery{{Quantity: 4}},
		}, func(t *testing.T, p allocPlan) {
			if p.BufferLeft != 5 || p.DeliveryUnusable != 4 || !slices.Equal(p.Rank, []int32{-1, -1, -1}) {
				t.Errorf("got %+v", p)
			}
		}},
		{"negatives count as zero", codedInput{
			Regions:    []allocRegion{{Code: "1701", Stock: -4, CapPerDay: -3}, {Code: "1702", Stock: 2, CapPerDay: 1}},
			Persons:    slices.Concat(persons("1701", 1, 2, 0, 0), persons("1702", 1, 4, 0, 10)),
			Buffer:     -9,
			PrintDays:  3,
			Deliveries: []allocDelivery{{Quantity: -2, DaysBefore: -1}},
		}, func(t *testing.T, p allocPlan) {
			if p.Regions[0].Capacity != 0 || p.Regions[0].Printable != 0 || p.Regions[1].Printable != 2 ||
				p.BufferLeft != 0 || p.Deliveries[0] != (deliveryPlan{}) {
				t.Errorf("got %+v", p)
			}
		}},
		{"negative print days", codedInput{
			Regions: []allocRegion{{Code: "1701", Stock: 9, CapPerDay: 3}},
			Persons: persons("1701", 1, 2, 0, 0), Buffer: 4, PrintDays: -2,
		}, func(t *testing.T, p allocPlan) {
			if p.Regions[0].Capacity != 0 || p.Regions[0].Printable != 0 || p.BufferLeft != 4 ||
				p.Regions[0].Tiers[0].Reason != reasonCapacity {
				t.Errorf("got %+v", p)
			}
		}},
		{"huge capacity saturates", codedInput{
			Regions: []allocRegion{{Code: "1701", CapPerDay: math.MaxInt}},
			Persons: persons("1701", 1, 2, 0, 0), Buffer: 4, PrintDays: math.MaxInt,
			Deliveries: []allocDelivery{{Quantity: math.MaxInt, DaysBefore: 1}},
		}, func(t *testing.T, p allocPlan) {
			if p.Regions[0].Capacity != math.MaxInt64 || p.Regions[0].Allocation != 2 || p.BufferLeft != 2 ||
				p.DeliveryUnusable != math.MaxInt {
				t.Errorf("got %+v", p)
			}
		}},
		{"duplicate region code: the first takes the persons", codedInput{
			Regions: []allocRegion{{Code: "1701", CapPerDay: 5}, {Code: "1701", Stock: 50, CapPerDay: 5}},
			Persons: persons("1701", 1, 3, 0, 0), Buffer: 2, PrintDays: 1,
		}, func(t *testing.T, p allocPlan) {
			if p.Regions[0].Allocation != 2 || p.Regions[1].Tiers[0].Need != 0 || p.Regions[1].Printable != 0 {
				t.Errorf("got %+v", p)
			}
		}},
		{"invalid tiers are unplanned", codedInput{
			Regions: []allocRegion{{Code: "1701", Stock: 5, CapPerDay: 5}},
			Persons: []codedPerson{{Region: "1701", Tier: 4}, {Region: "1701", Tier: -1, Seq: 1}, {Region: "1701", Tier: 3, Seq: 2}},
			Buffer:  2, PrintDays: 1,
		}, func(t *testing.T, p allocPlan) {
			if !slices.Equal(p.Blank, []int8{blankNone, blankNone, blankStock}) || !slices.Equal(p.Rank, []int32{-1, -1, 0}) {
				t.Errorf("got %+v", p)
			}
		}},
		{"equal Seq falls back to input order", codedInput{
			Regions: []allocRegion{{Code: "1701", Stock: 1, CapPerDay: 5}},
			Persons: []codedPerson{{Region: "1701", Tier: 1, Seq: 3}, {Region: "1701", Tier: 1, Seq: 3}},
			Buffer:  0, PrintDays: 1,
		}, func(t *testing.T, p allocPlan) {
			if !slices.Equal(p.Rank, []int32{0, 1}) || !slices.Equal(p.Blank, []int8{blankStock, blankNone}) {
				t.Errorf("got %+v", p)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := planAllocation(tt.in.compact())
			tt.want(t, p)
			checkPlan(t, tt.in, p)
		})
	}
}

func TestApportion(t *testing.T) {
	tests := []struct {
		name                string
		budget              int
		weight, limit, want []int
	}{
		{"exact proportions", 6, []int{2, 4}, []int{2, 4}, []int{2, 4}},
		// Shares 4.2, 2.1, 0.7: floors 4 + 2, the blank left to .7.
		{"largest remainder", 7, []int{6, 3, 1}, []int{6, 3, 1}, []int{4, 2, 1}},
		// Shares 7×5/10 = 3.5 and 3.5: the tie goes to the lower index.
		{"tie to the lower index", 7, []int{5, 5}, []int{5, 5}, []int{4, 3}},
		// Shares 4, 4, 2 of 10, but the first can take only 2; the other 8
		// go 8:4 to the rest: 5.33 and 2.67; floors 5 + 2, the blank left
		// to .67.
		{"cap redistributes", 10, []int{8, 8, 4}, []int{2, 20, 20}, []int{2, 5, 3}},
		{"budget beyond every limit", 50, []int{3, 2}, []int{1, 2}, []int{1, 2}},
		{"limit above weight is clamped", 9, []int{2, 3}, []int{9, 9}, []int{2, 3}},
		{"zero weights", 5, []int{0, 0}, []int{0, 0}, []int{0, 0}},
		{"negative budget and limits", -3, []int{2, 2}, []int{-1, 2}, []int{0, 0}},
		{"nobody", 5, nil, nil, []int{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := apportion(tt.budget, tt.weight, tt.limit); !slices.Equal(got, tt.want) {
				t.Errorf("apportion(%d, %v, %v) = %v, want %v", tt.budget, tt.weight, tt.limit, got, tt.want)
			}
		})
	}
}

// TestApportionProperties checks on random claimants and increasing
// budgets that no claimant's count ever drops as the budget grows (house
// monotone), that every count is within one blank of the exact capped
// share (quota), that limits hold and nothing stays idle.
func TestApportionProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for c := range 3000 {
		n := 1 + rng.IntN(12)
		weight, limit := make([]int, n), make([]int, n)
		for k := range n {
			weight[k] = []int{rng.IntN(4), rng.IntN(30), rng.IntN(120)}[rng.IntN(3)]
			limit[k] = weight[k]
			if rng.IntN(2) == 0 {
				limit[k] = rng.IntN(weight[k] + 1)
			}
		}
		total := 0
		for _, l := range limit {
			total += l
		}
		// Budgets in increasing order, each with its successor.
		var budgets []int
		for range 6 {
			b := rng.IntN(total + 2)
			budgets = append(budgets, b, b+1)
		}
		slices.Sort(budgets)
		prev, prevBudget := make([]int, n), 0
		for _, b := range budgets {
			x := apportion(b, weight, limit)
			sum, grew := 0, 0
			for k := range x {
				sum += x[k]
				grew += x[k] - prev[k]
				if x[k] < prev[k] || x[k] > limit[k] {
					t.Fatalf("case %d: budget %d gives %v, budget %d gave %v (weights %v, limits %v)", c, b, x, prevBudget, prev, weight, limit)
				}
			}
			if sum != min(b, total) || grew != min(b, total)-min(prevBudget, total) {
				t.Fatalf("case %d budget %d: gave %d (%v)", c, b, sum, x)
			}
			if k, ok := withinQuota(min(b, total), weight, limit, x); !ok {
				t.Fatalf("case %d budget %d: claimant %d got %d, outside its share (weights %v, limits %v, counts %v)",
					c, b, k, x[k], weight, limit, x)
			}
			prev, prevBudget = x, b
		}
	}
}

// exactShares is the capped proportional share of each claimant when b
// blanks (b ≤ Σ min(limit, weight)) are shared by weight: proportional
// rounds, each capping the claimants whose share passes their limit and
// sharing their surplus among the rest, until none passes.
func exactShares(b int, weight, limit []int) []*big.Rat {
	shares := make([]*big.Rat, len(weight))
	active := map[int]bool{}
	for k := range weight {
		shares[k] = new(big.Rat)
		if weight[k] > 0 {
			active[k] = true
		}
	}
	left := int64(b)
	for len(active) > 0 {
		var sum int64
		for k := range active {
			sum += int64(weight[k])
		}
		capped := false
		for k := range active {
			if u := int64(min(max(limit[k], 0), weight[k])); left*int64(weight[k]) >= u*sum {
				shares[k].SetInt64(u)
				left -= u
				delete(active, k)
				capped = true
			}
		}
		if !capped {
			for k := range active {
				shares[k].SetFrac64(left*int64(weight[k]), sum)
			}
			break
		}
	}
	return shares
}

// withinQuota reports whether ⌊share⌋ ≤ x ≤ ⌈share⌉ for every claimant,
// and the first that is not.
func withinQuota(b int, weight, limit, x []int) (int, bool) {
	for k, s := range exactShares(b, weight, limit) {
		lo := new(big.Int).Quo(s.Num(), s.Denom()) // shares are ≥ 0: Quo is the floor
		hi := new(big.Int).Set(lo)
		if !s.IsInt() {
			hi.Add(hi, big.NewInt(1))
		}
		xk := big.NewInt(int64(x[k]))
		if xk.Cmp(lo) < 0 || xk.Cmp(hi) > 0 {
			return k, false
		}
	}
	return -1, true
}

// randomInput draws a case in the ranges of the brief: 1–12 regions,
// stock 0–500, 0–50 cards a day, 0–130 print days, 0–3000 persons,
// buffer 0–5000, 0–2 deliveries. Some persons belong to no region.
func randomInput(rng *rand.Rand) codedInput {
	in := codedInput{PrintDays: rng.IntN(131), Buffer: rng.IntN(5001)}
	codes := rng.Perm(40)
	n := 1 + rng.IntN(12)
	share := make([]int, n)
	for r := range n {
		capDay := rng.IntN(51)
		if rng.IntN(3) == 0 {
			capDay = rng.IntN(4) // tight capacity, so that caps bind often
		}
		in.Regions = append(in.Regions, allocRegion{Code: fmt.Sprintf("17%02d", codes[r]), Stock: rng.IntN(501), CapPerDay: capDay})
		share[r] = 1 + rng.IntN(10)
	}
	tierOdds := [3]int{1 + rng.IntN(5), 1 + rng.IntN(5), 1 + rng.IntN(5)}
	np := rng.IntN(3001)
	seqs := rng.Perm(np)
	for i := range np {
		p := codedPerson{Seq: 3*seqs[i] + 7, Request: int32(17900 + rng.IntN(300))}
		if rng.IntN(10) == 0 {
			p.Request = noDate
		}
		if rng.IntN(100) == 0 {
			p.Region = "9999"
		} else {
			r := pickWeighted(rng, share)
			p.Region = in.Regions[r].Code
		}
		p.Tier = int8(1 + pickWeighted(rng, tierOdds[:]))
		in.Persons = append(in.Persons, p)
	}
	for range rng.IntN(3) {
		in.Deliveries = append(in.Deliveries, allocDelivery{Quantity: rng.IntN(5001), DaysBefore: rng.IntN(141)})
	}
	return in
}

func pickWeighted(rng *rand.Rand, w []int) int {
	sum := 0
	for _, v := range w {
		sum += v
	}
	x := rng.IntN(sum)
	for k, v := range w {
		if x < v {
			return k
		}
		x -= v
	}
	return len(w) - 1
}

// TestPlanAllocationProperties runs checkPlan on 2,200 random cases, and
// on each: determinism, deliveries leaving the plan in hand alone, a larger
// buffer never taking a blank away, and input order beyond Seq not
// mattering.
func TestPlanAllocationProperties(t *testing.T) {
	cases := 1100
	if testing.Short() {
		cases = 100
	}
	for _, seed := range []uint64{1, 2} {
		rng := rand.New(rand.NewPCG(seed, 42))
		for c := range cases {
			in := randomInput(rng)
			name := fmt.Sprintf("seed %d case %d", seed, c)
			got := planAllocation(in.compact())
			if !checkPlan(t, in, got) {
				t.Fatalf("%s: plan fails its checks (input %+v)", name, summarize(in))
			}

			// Deterministic.
			if again := planAllocation(in.compact()); !reflect.DeepEqual(again, got) {
				t.Fatalf("%s: two runs differ", name)
			}

			// Deliveries never change the plan in hand.
			inHand := in
			inHand.Deliveries = nil
			alone := planAllocation(inHand.compact())
			if !slices.Equal(alone.Blank, got.Blank) || alone.BufferGiven != got.BufferGiven {
				t.Fatalf("%s: deliveries change the plan in hand", name)
			}

			// More buffer never takes a blank away.
			more := in
			more.Buffer += []int{1, 1 + rng.IntN(20), 1 + rng.IntN(2000)}[rng.IntN(3)]
			bigger := planAllocation(more.compact())
			for r := range got.Regions {
				g, b := got.Regions[r], bigger.Regions[r]
				if b.Allocation < g.Allocation || b.Printable < g.Printable {
					t.Fatalf("%s: buffer %d → %d: region %s allocation %d → %d, printable %d → %d",
						name, in.Buffer, more.Buffer, g.Code, g.Allocation, b.Allocation, g.Printable, b.Printable)
				}
			}
			for i := range got.Blank {
				if got.Blank[i] != blankNone && bigger.Blank[i] == blankNone {
					t.Fatalf("%s: person %d loses its blank when the buffer grows", name, i)
				}
			}

			// Input order beyond Seq does not matter: shuffle persons and
			// regions, or put the persons in Seq order (as the planner
			// stage notes them: sortPrintOrder's packed path).
			shuffled := in
			shuffled.Persons = slices.Clone(in.Persons)
			shuffled.Regions = slices.Clone(in.Regions)
			rng.Shuffle(len(shuffled.Persons), func(i, j int) {
				shuffled.Persons[i], shuffled.Persons[j] = shuffled.Persons[j], shuffled.Persons[i]
			})
			rng.Shuffle(len(shuffled.Regions), func(i, j int) {
				shuffled.Regions[i], shuffled.Regions[j] = shuffled.Regions[j], shuffled.Regions[i]
			})
			inSeqOrder := in
			inSeqOrder.Persons = slices.SortedFunc(slices.Values(in.Persons), func(a, b codedPerson) int { return cmp.Compare(a.Seq, b.Seq) })
			type outcome struct {
				blank, whatIf int8
				rank          int32
			}
			bySeq := map[int]outcome{}
			for i, p := range in.Persons {
				bySeq[p.Seq] = outcome{got.Blank[i], got.BlankWhatIf[i], got.Rank[i]}
			}
			byCode := map[string]regionPlan{}
			for _, rp := range got.Regions {
				byCode[rp.Code] = rp
			}
			for _, o := range []struct {
				how   string
				other codedInput
			}{{"after shuffling", shuffled}, {"in Seq order", inSeqOrder}} {
				how, other := o.how, o.other
				sp := planAllocation(other.compact())
				for i, p := range other.Persons {
					if o := (outcome{sp.Blank[i], sp.BlankWhatIf[i], sp.Rank[i]}); o != bySeq[p.Seq] {
						t.Fatalf("%s: Seq %d: %+v %s, %+v before", name, p.Seq, o, how, bySeq[p.Seq])
					}
				}
				for _, rp := range sp.Regions {
					if !reflect.DeepEqual(rp, byCode[rp.Code]) {
						t.Fatalf("%s: region %s: %+v %s, %+v before", name, rp.Code, rp, how, byCode[rp.Code])
					}
				}
			}
		}
	}
}

func summarize(in codedInput) string {
	return fmt.Sprintf("regions %+v, %d persons, buffer %d, print days %d, deliveries %+v",
		in.Regions, len(in.Persons), in.Buffer, in.PrintDays, in.Deliveries)
}

// mulSatTest returns a × b saturated at math.MaxInt64, by big.Int.
func mulSatTest(a, b int64) int64 {
	p := new(big.Int).Mul(big.NewInt(a), big.NewInt(b))
	if !p.IsInt64() {
		return math.MaxInt64
	}
	return p.Int64()
}

// checkPlan checks every property of the plan p of in that holds for any
// input, recomputing from the persons rather than trusting p's totals. It
// reports whether all held.
func checkPlan(t *testing.T, in codedInput, p allocPlan) bool {
	t.Helper()
	ok := true
	fail := func(format string, args ...any) {
		t.Helper()
		t.Errorf(format, args...)
		ok = false
	}
	np, nr := len(in.Persons), len(in.Regions)
	if len(p.Blank) != np || len(p.BlankWhatIf) != np || len(p.Rank) != np || len(p.Regions) != nr || len(p.Deliveries) != len(in.Deliveries) {
		fail("lengths: %d blanks, %d what-if, %d ranks for %d persons; %d regions for %d; %d deliveries for %d",
			len(p.Blank), len(p.BlankWhatIf), len(p.Rank), np, len(p.Regions), nr, len(p.Deliveries), len(in.Deliveries))
		return false
	}
	printDays := max(in.PrintDays, 0)

	// The print order, recomputed; the served persons are a prefix of it.
	index := map[string]int{}
	for r, reg := range in.Regions {
		if _, dup := index[reg.Code]; !dup {
			index[reg.Code] = r
		}
	}
	queue := make([][]int, nr)
	for i, q := range in.Persons {
		r, known := index[q.Region]
		if !known || q.Tier < 1 || q.Tier > 3 {
			if p.Rank[i] != -1 || p.Blank[i] != blankNone || p.BlankWhatIf[i] != blankNone {
				fail("unplanned person %d: rank %d, blank %d, what-if %d", i, p.Rank[i], p.Blank[i], p.BlankWhatIf[i])
			}
			continue
		}
		queue[r] = append(queue[r], i)
	}
	missingLast := func(d int32) int64 {
		if d == noDate {
			return math.MaxInt64
		}
		return int64(d)
	}
	type counts struct{ need, stock, buffer, delivery int }
	tiers := make([][3]counts, nr)
	for r := range queue {
		slices.SortStableFunc(queue[r], func(a, b int) int {
			pa, pb := in.Persons[a], in.Persons[b]
			return cmp.Or(cmp.Compare(pa.Tier, pb.Tier), cmp.Compare(missingLast(pa.Request), missingLast(pb.Request)), cmp.Compare(pa.Seq, pb.Seq))
		})
		stage := map[int8]int{blankStock: 0, blankBuffer: 1, blankDelivery: 2, blankNone: 3}
		last := 0
		for k, i := range queue[r] {
			if p.Rank[i] != int32(k) {
				fail("region %s: person %d has rank %d, print order puts it at %d", in.Regions[r].Code, i, p.Rank[i], k)
			}
			b, w := p.Blank[i], p.BlankWhatIf[i]
			if w == blankDelivery && b != blankNone || w != blankDelivery && b != w {
				fail("person %d: blank %d but what-if %d", i, b, w)
			}
			if stage[w] < last {
				fail("region %s: served persons are not a prefix of the print order (rank %d: %d after %d)", in.Regions[r].Code, k, w, last)
			}
			last = stage[w]
			c := &tiers[r][in.Persons[i].Tier-1]
			c.need++
			switch w {
			case blankStock:
				c.stock++
			case blankBuffer:
				c.buffer++
			case blankDelivery:
				c.delivery++
			}
		}
	}

	// Per region: the counts, stock use, capacity.
	given, delGiven := 0, 0
	printed := make([]int, nr) // in hand
	waiting := make([]int, nr) // after the plan in hand
	for r, reg := range in.Regions {
		rp := p.Regions[r]
		capacity := mulSatTest(int64(max(reg.CapPerDay, 0)), int64(printDays))
		if rp.Code != reg.Code || rp.Capacity != capacity {
			fail("region %d: code %q capacity %d, want %q %d", r, rp.Code, rp.Capacity, reg.Code, capacity)
		}
		var stock, buffer, delivery, need int
		for t, c := range tiers[r] {
			tp := rp.Tiers[t]
			if tp.Need != c.need || tp.FromStock != c.stock || tp.FromBuffer != c.buffer || tp.FromDelivery != c.delivery ||
				tp.Unmet != c.need-c.stock-c.buffer || tp.UnmetWhatIf != tp.Unmet-c.delivery {
				fail("region %s tier %d: %+v, persons say %+v", reg.Code, t+1, tp, c)
			}
			stock += c.stock
			buffer += c.buffer
			delivery += c.delivery
			need += c.need
		}
		if want := int(min(int64(max(reg.Stock, 0)), capacity, int64(need))); stock != want {
			fail("region %s: stock serves %d, want min(stock, capacity, need) = %d", reg.Code, stock, want)
		}
		if rp.Allocation != buffer || rp.Printable != stock+buffer || rp.DeliveryAllocation != delivery ||
			rp.PrintableWhatIf != stock+buffer+delivery {
			fail("region %s: allocation %d printable %d delivery %d what-if %d; persons: stock %d buffer %d delivery %d",
				reg.Code, rp.Allocation, rp.Printable, rp.DeliveryAllocation, rp.PrintableWhatIf, stock, buffer, delivery)
		}
		if int64(rp.PrintableWhatIf) > capacity {
			fail("region %s prints %d (what-if) beyond its capacity %d", reg.Code, rp.PrintableWhatIf, capacity)
		}
		if rp.PrintableWhatIf < rp.Printable {
			fail("region %s: the what-if lowers readiness", reg.Code)
		}
		if len(rp.FromDeliveries) != len(in.Deliveries) {
			fail("region %s: %d delivery counts for %d deliveries", reg.Code, len(rp.FromDeliveries), len(in.Deliveries))
			return false
		}
		given += buffer
		delGiven += delivery
		printed[r] = stock + buffer
		waiting[r] = need - stock - buffer
	}

	// The buffer: never more than there is, never idle while a region has
	// room and someone waiting.
	buffer := max(in.Buffer, 0)
	if p.BufferGiven != given || given > buffer || p.BufferLeft != buffer-given {
		fail("buffer %d: given %d (persons say %d), left %d", buffer, p.BufferGiven, given, p.BufferLeft)
	}
	if p.BufferLeft > 0 {
		for r := range in.Regions {
			if waiting[r] > 0 && int64(printed[r]) < p.Regions[r].Capacity {
				fail("buffer %d left while region %s has room and %d waiting", p.BufferLeft, in.Regions[r].Code, waiting[r])
			}
		}
	}

	// Tier by tier: each tier's share is min(buffer left, what the regions
	// can take) in capped proportion to unmet need, within one blank of
	// the exact share; a later tier gets blanks only when every region's
	// earlier tiers are served or capped.
	left := buffer
	through := make([]int64, nr) // printed through the tier: stock, then buffer of tiers so far
	for r := range in.Regions {
		for _, c := range tiers[r] {
			through[r] += int64(c.stock)
		}
	}
	var atTier [3]int
	for t := range 3 {
		atTier[t] = left
		weight, limit, x := make([]int, nr), make([]int, nr), make([]int, nr)
		takes, got := 0, 0
		for r := range in.Regions {
			c := tiers[r][t]
			weight[r] = c.need - c.stock
			limit[r] = int(min(int64(weight[r]), p.Regions[r].Capacity-through[r]))
			x[r] = c.buffer
			takes += limit[r]
			got += c.buffer
		}
		if got != min(left, takes) {
			fail("tier %d: %d given of %d left, regions can take %d", t+1, got, left, takes)
		}
		if k, within := withinQuota(got, weight, limit, x); !within {
			fail("tier %d: region %s gets %d, not within one blank of its share (weights %v, limits %v, counts %v)",
				t+1, in.Regions[k].Code, x[k], weight, limit, x)
		}
		for r := range in.Regions {
			if x[r] > limit[r] {
				fail("tier %d: region %s gets %d beyond what it can take, %d", t+1, in.Regions[r].Code, x[r], limit[r])
			}
			through[r] += int64(x[r])
			if t < 2 && tiers[r][t].need-tiers[r][t].stock-x[r] > 0 && through[r] < p.Regions[r].Capacity {
				for s := t + 1; s < 3; s++ {
					for q := range in.Regions {
						if tiers[q][s].buffer > 0 {
							fail("tier %d gets buffer blanks (region %s) while region %s waits in tier %d with room",
								s+1, in.Regions[q].Code, in.Regions[r].Code, t+1)
						}
					}
				}
			}
		}
		left -= got
	}

	// Reasons, by the documented precedence.
	for r, rp := range p.Regions {
		for t, tp := range rp.Tiers {
			var want string
			switch {
			case tp.Need == 0:
				want = reasonNoNeed
			case tp.Unmet == 0 && tp.FromBuffer == 0:
				want = reasonOwnStock
			case tp.Unmet == 0:
				want = reasonBuffer
			case int64(printed[r]) == rp.Capacity:
				want = reasonCapacity
			case buffer == 0:
				want = reasonNoBuffer
			case atTier[t] == 0:
				want = reasonBufferOutEarlier
			default:
				want = reasonBufferOut
			}
			if tp.Reason != want {
				fail("region %s tier %d: reason %s, want %s (%+v)", rp.Code, t+1, tp.Reason, want, tp)
			}
		}
	}

	// Deliveries: each region takes no more than it can print after the
	// arrival; blanks are unusable only when no region has both room and
	// someone waiting.
	sumDel := make([]int, nr)
	totalGiven, totalUnusable := 0, 0
	for d, del := range in.Deliveries {
		dp := p.Deliveries[d]
		qty, before := max(del.Quantity, 0), max(del.DaysBefore, 0)
		after := max(printDays-before, 0)
		sum := 0
		for r, reg := range in.Regions {
			capDay := int64(max(reg.CapPerDay, 0))
			room := max(0, mulSatTest(capDay, int64(after))-max(0, int64(printed[r])-mulSatTest(capDay, int64(before))))
			g := p.Regions[r].FromDeliveries[d]
			sum += g
			if g < 0 || int64(sumDel[r]+g) > max(room, int64(sumDel[r])) {
				fail("delivery %d: region %s gets %d after %d, room %d", d, reg.Code, g, sumDel[r], room)
			}
			sumDel[r] += g
			if dp.Unusable > 0 && int64(sumDel[r]) < room && waiting[r]-sumDel[r] > 0 {
				fail("delivery %d: %d unusable while region %s has room and %d waiting", d, dp.Unusable, reg.Code, waiting[r]-sumDel[r])
			}
		}
		if dp.Quantity != qty || dp.Given != sum || dp.Given+dp.Unusable != qty {
			fail("delivery %d: %+v, regions got %d of %d", d, dp, sum, qty)
		}
		totalGiven += dp.Given
		totalUnusable += dp.Unusable
	}
	if p.DeliveryGiven != totalGiven || p.DeliveryGiven != delGiven || p.DeliveryUnusable != totalUnusable {
		fail("deliveries: given %d (per delivery %d, persons %d), unusable %d (per delivery %d)",
			p.DeliveryGiven, totalGiven, delGiven, p.DeliveryUnusable, totalUnusable)
	}
	for r := range in.Regions {
		if sumDel[r] != p.Regions[r].DeliveryAllocation {
			fail("region %s: deliveries %d, per delivery %d", in.Regions[r].Code, p.Regions[r].DeliveryAllocation, sumDel[r])
		}
	}
	return ok
}

// comparePrintOrder is print order written as a comparison of two
// persons, the reference for sortPrintOrder.
func comparePrintOrder(ps []allocPerson, a, b int) int {
	pa, pb := ps[a], ps[b]
	if c := cmp.Compare(pa.Tier, pb.Tier); c != 0 {
		return c
	}
	if (pa.Request == noDate) != (pb.Request == noDate) {
		if pa.Request == noDate {
			return 1
		}
		return -1
	}
	return cmp.Or(cmp.Compare(pa.Request, pb.Request), cmp.Compare(pa.Seq, pb.Seq), cmp.Compare(a, b))
}

// sortPrintOrder orders persons as comparePrintOrder does: random regions
// with few tiers and dates (so that every key decides some comparisons),
// missing dates, dates at the ends of int32, and Seq out of index order.
// Queues in index order with Seq not decreasing along them, as
// planAllocation's are of the planner stage's persons, take the packed
// path; the others the general one.
func TestSortPrintOrder(t *testing.T) {
	wide := []int32{noDate, noDate + 1, -1, 0, 1, 18000, 18001, math.MaxInt32}
	narrow := []int32{noDate, -3, 17999, 18000, 18001, 18400}
	dense := []int32{noDate, 18000, 18001, 18002, 18003, 18005, 18008}
	tests := []struct {
		name    string
		dates   []int32
		inOrder bool // the queue in index order, Seq not decreasing along the persons
	}{
		{"shuffled queue, Seq out of index order", wide, false},
		{"queue in index order, dates at the ends of int32", wide, true},
		{"queue in index order, dates over years (sorted as integers)", narrow, true},
		{"queue in index order, dates over days (sorted by counting)", dense, true},
	}
	r := rand.New(rand.NewPCG(5, 8))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 200 {
				n := r.IntN(300)
				ps := make([]allocPerson, n)
				seqs := r.Perm(n)
				if tt.inOrder {
					slices.Sort(seqs)
				}
				for i := range ps {
					ps[i] = allocPerson{Tier: int8(1 + r.IntN(3)), Request: tt.dates[r.IntN(len(tt.dates))], Seq: int32(seqs[i] / 2)}
				}
				var q []int32
				for _, i := range r.Perm(n) {
					if r.IntN(4) > 0 { // one region's persons among others'
						q = append(q, int32(i))
					}
				}
				if tt.inOrder {
					slices.Sort(q)
				}
				want := slices.Clone(q)
				slices.SortFunc(want, func(a, b int32) int { return comparePrintOrder(ps, int(a), int(b)) })
				// The packed path takes the queues in index order with Seq
				// not decreasing (whatever the dates: the indexes here are
				// small) and only those; a shuffled queue of two or three
				// may happen to be one.
				inOrder := true
				for k := 1; k < len(q); k++ {
					inOrder = inOrder && q[k-1] < q[k] && ps[q[k-1]].Seq <= ps[q[k]].Seq
				}
				got := slices.Clone(q)
				if packed := sortPrintOrderPacked(ps, got); packed != inOrder {
					t.Fatalf("%d persons: packed path taken %v, want %v", len(q), packed, inOrder)
				} else if !packed && !slices.Equal(got, q) {
					t.Fatalf("%d persons: the packed path declined but changed the queue", len(q))
				}
				got = slices.Clone(q)
				sortPrintOrder(ps, got)
				if !slices.Equal(got, want) {
					t.Fatalf("%d persons: print order %v, want %v", len(q), got, want)
				}
			}
		})
	}
}

// A queue in index order whose Seq decreases once is sorted by the
// general path, with Seq breaking the tie the index would break the
// other way.
func TestSortPrintOrderSeqAgainstIndex(t *testing.T) {
	ps := []allocPerson{{Tier: 1, Request: 5, Seq: 1}, {Tier: 1, Request: 5, Seq: 0}, {Tier: 1, Request: 4, Seq: 2}}
	q := []int32{0, 1, 2}
	if sortPrintOrderPacked(ps, slices.Clone(q)) {
		t.Fatal("the packed path took a queue whose Seq decreases")
	}
	sortPrintOrder(ps, q)
	if want := []int32{2, 1, 0}; !slices.Equal(q, want) {
		t.Errorf("print order %v, want %v", q, want)
	}
}
