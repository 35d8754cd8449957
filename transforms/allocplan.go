package transforms

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
)

// This file holds the allocation of the provincial buffer of blank ID
// cards (SPEC §7) as a pure function over slices. It knows nothing of
// Arrow; a stage wraps it.

// Blank sources: what a person's card is printed on.
const (
	blankNone     int8 = iota // no blank by election day
	blankStock                // the region's own stock
	blankBuffer               // the provincial buffer in hand
	blankDelivery             // an incoming delivery (what-if only)
)

// Reason codes: why a region's tier got the number it got in the plan in
// hand. planAllocation gives each region and tier exactly one, the first
// that applies in this order (the precedence):
//
//  1. reasonNoNeed: nobody in the tier needs a blank.
//  2. reasonOwnStock: the region's own stock serves the whole tier.
//  3. reasonBuffer: stock and buffer together serve the whole tier
//     (the buffer gave at least one blank).
//
// The rest leave someone waiting (Unmet > 0):
//
//  4. reasonCapacity: the region prints its full capacity: more blanks
//     would not help. It comes first because it is the binding limit
//     whatever the buffer.
//  5. reasonNoBuffer: the province had no buffer in hand at all.
//  6. reasonBufferOutEarlier: the buffer was used up by higher tiers
//     before this tier's turn.
//  7. reasonBufferOut: the buffer ran out while this tier was shared.
//
// No other case exists: a region with room left and someone waiting means
// the buffer was spent before or during the tier (the buffer is never idle
// while such a region exists).
const (
	reasonNoNeed           = "NO_NEED"
	reasonOwnStock         = "OWN_STOCK"
	reasonBuffer           = "BUFFER"
	reasonCapacity         = "CAPACITY"
	reasonNoBuffer         = "NO_BUFFER"
	reasonBufferOutEarlier = "BUFFER_OUT_EARLIER"
	reasonBufferOut        = "BUFFER_OUT"
)

// allocPerson is one person who needs a blank. It is 12 bytes and holds
// no pointer: the planner notes one for every such person of the run, and
// the collector never scans a slice of them.
type allocPerson struct {
	Request int32  // request date, days since 1970-01-01; noDate when missing (sorts after every date)
	Seq     int32  // input order, unique; the final tie-break
	Region  uint16 // current region, an index into allocInput.Regions; an index out of range (noRegion) leaves the person unplanned
	Tier    int8   // 1, 2 or 3 (1 = highest priority); any other value leaves the person unplanned
}

// noRegion is the region of a person whose region code is not in the
// reference: such a person is planned nowhere.
const noRegion = math.MaxUint16

// allocRegion is a region's own means.
type allocRegion struct {
	Code      string // regions are taken in code (byte) order wherever a tie must be broken
	Stock     int    // own blanks in hand
	CapPerDay int    // cards it can print per working day
}

// allocDelivery is an incoming delivery of blanks (what-if).
type allocDelivery struct {
	Quantity   int
	DaysBefore int // print days that pass before the blanks can be used; PrintDays-DaysBefore (floored at 0) remain
}

// allocInput is everything the allocation looks at. Negative numbers
// count as 0.
type allocInput struct {
	Regions    []allocRegion
	Persons    []allocPerson
	Buffer     int // provincial buffer in hand
	PrintDays  int
	Deliveries []allocDelivery // what-if, in the order they are shared; may be empty
}

// tierPlan is one tier of one region.
type tierPlan struct {
	Need         int // persons of the tier
	FromStock    int
	FromBuffer   int
	FromDelivery int    // what-if
	Unmet        int    // after the plan in hand: Need-FromStock-FromBuffer
	UnmetWhatIf  int    // Unmet-FromDelivery
	Reason       string // for the plan in hand; see the reason constants
}

// regionPlan is the plan of one region.
type regionPlan struct {
	Code               string
	Capacity           int64       // CapPerDay × PrintDays
	Tiers              [3]tierPlan // index tier-1
	Allocation         int         // buffer blanks given (sum of FromBuffer)
	Printable          int         // persons with a blank in hand (stock + buffer)
	DeliveryAllocation int         // delivery blanks given (what-if; sum of FromDelivery)
	PrintableWhatIf    int         // Printable + DeliveryAllocation
	FromDeliveries     []int       // delivery blanks given, per allocInput.Deliveries
}

// deliveryPlan is what became of one delivery (what-if).
type deliveryPlan struct {
	Quantity int // as given, negative counted as 0
	Given    int // placed at regions that can print them in time
	Unusable int // Quantity-Given: too late everywhere, or nobody waiting
}

// allocPlan is the outcome of planAllocation.
type allocPlan struct {
	Blank       []int8  // per person (index of allocInput.Persons): blankNone, blankStock or blankBuffer
	BlankWhatIf []int8  // per person: Blank, plus blankDelivery for persons served by deliveries
	Rank        []int32 // per person: 0-based place in its region's print order; -1 when unplanned
	Regions     []regionPlan
	BufferGiven int
	BufferLeft  int
	Deliveries  []deliveryPlan // per allocInput.Deliveries

	DeliveryGiven    int
	DeliveryUnusable int // delivered blanks that cannot be printed in time anywhere, or for which nobody waits
}

// planAllocation decides who gets a blank by election day (SPEC §7).
//
// Each region prints in its print order: tier 1, 2, 3; within a tier by
// request date, oldest first, missing last; then Seq. Rank is that order.
// It prints at most Capacity = CapPerDay × PrintDays cards.
//
//  1. A region's own stock serves its own people first: the first
//     min(Stock, Capacity, need) persons of its print order.
//  2. The buffer is then shared tier by tier: every region's unmet need in
//     tier 1 is served (or its region capped) before any of tier 2, and so
//     on. Within a tier the blanks go in proportion to the regions' unmet
//     need in that tier, never more than a region can still print; what a
//     capped region cannot use goes to the others (see apportion for the
//     rounding). The buffer is never left unused while a region with room
//     has someone waiting.
//  3. Deliveries (what-if), one after the other in the order given, are
//     shared by the same tier rule among the persons still waiting, each
//     region taking only what it can still print after the blank arrives:
//     CapPerDay×(PrintDays−DaysBefore) less the backlog of blanks in hand it
//     has not printed by then, max(0, Printable − CapPerDay×DaysBefore),
//     less the delivery blanks it already got. What cannot be placed is
//     Unusable: a finding, not an error.
//
// The persons served in a region are always a prefix of its print order:
// stock persons, then buffer persons, then delivery persons (what-if).
// Why: the stock takes a prefix by construction, and each later step gives
// a region blanks for one tier at a time and hands them to the next persons
// in order, so the only risk is a region getting tier t+1 blanks while one
// of its tier-t persons waits. That cannot happen: tier t+1 gets anything
// only if blanks are left after tier t, which means apportion handed every
// region its full limit in tier t (it hands out min(budget, Σ limit)), so
// each region either served all its tier-t need or used all its room, and
// a region without room takes nothing in later tiers. The same holds for
// each delivery. The tests assert the prefix on every case.
//
// Each person's outcome and each region's plan depend only on the input
// values, never on the order of Regions (the persons' Region following
// them) or Persons beyond Seq (persons with equal Seq, which the caller
// must not pass, fall back to their index); Regions of the plan follow
// allocInput.Regions. Persons whose Region is out of range or whose tier
// is outside 1–3 get blankNone and Rank −1 and count nowhere. There are at
// most math.MaxInt32 persons (the planner stage sees to it).
// planAllocation never panics.
func planAllocation(in allocInput) allocPlan {
	nr := len(in.Regions)
	printDays := max(in.PrintDays, 0)
	plan := allocPlan{
		Blank:       make([]int8, len(in.Persons)),
		BlankWhatIf: make([]int8, len(in.Persons)),
		Rank:        make([]int32, len(in.Persons)),
		Regions:     make([]regionPlan, nr),
		Deliveries:  make([]deliveryPlan, len(in.Deliveries)),
	}

	// byCode is the region indices in code order, the order every tie is
	// broken in; apportion favours the lower position.
	byCode := make([]int, nr)
	for r := range byCode {
		byCode[r] = r
	}
	slices.SortStableFunc(byCode, func(a, b int) int { return cmp.Compare(in.Regions[a].Code, in.Regions[b].Code) })

	// Print order per region. The queues are sized first: grown one
	// person at a time, they took most of the plan's time at 1M persons.
	sizes := make([]int, nr)
	for i, p := range in.Persons {
		plan.Rank[i] = -1
		if int(p.Region) < nr && p.Tier >= 1 && p.Tier <= 3 {
			sizes[p.Region]++
		}
	}
	queue := make([][]int32, nr)
	for r, n := range sizes {
		queue[r] = make([]int32, 0, n)
	}
	for i, p := range in.Persons {
		if int(p.Region) < nr && p.Tier >= 1 && p.Tier <= 3 {
			queue[p.Region] = append(queue[p.Region], int32(i))
		}
	}
	for r := range queue {
		sortPrintOrder(in.Persons, queue[r])
		for k, i := range queue[r] {
			plan.Rank[i] = int32(k)
		}
	}

	// Stock.
	room := make([]int64, nr) // cards a region can still print
	for r, reg := range in.Regions {
		rp := &plan.Regions[r]
		rp.Code = reg.Code
		rp.Capacity = mulSat(max(reg.CapPerDay, 0), printDays)
		rp.FromDeliveries = make([]int, len(in.Deliveries))
		for _, i := range queue[r] {
			rp.Tiers[in.Persons[i].Tier-1].Need++
		}
		used := int(min(int64(max(reg.Stock, 0)), rp.Capacity, int64(len(queue[r]))))
		for _, i := range queue[r][:used] {
			rp.Tiers[in.Persons[i].Tier-1].FromStock++
		}
		rp.Printable = used
		room[r] = rp.Capacity - int64(used)
	}

	// Buffer, tier by tier.
	buffer := max(in.Buffer, 0)
	var bufferAtTier [3]int // buffer left when the tier's turn came
	weight := make([]int, nr)
	limit := make([]int, nr)
	for t := range 3 {
		bufferAtTier[t] = buffer
		for k, r := range byCode {
			tp := plan.Regions[r].Tiers[t]
			weight[k] = tp.Need - tp.FromStock
			limit[k] = int(min(int64(weight[k]), room[r]))
		}
		for k, x := range apportion(buffer, weight, limit) {
			r := byCode[k]
			rp := &plan.Regions[r]
			rp.Tiers[t].FromBuffer = x
			rp.Allocation += x
			rp.Printable += x
			room[r] -= int64(x)
			buffer -= x
		}
	}
	plan.BufferLeft = buffer
	plan.BufferGiven = max(in.Buffer, 0) - buffer

	// Deliveries (what-if), after the plan in hand.
	for d, del := range in.Deliveries {
		qty, before := max(del.Quantity, 0), max(del.DaysBefore, 0)
		after := max(printDays-before, 0)
		left := qty
		droom := make([]int64, nr)
		for r, reg := range in.Regions {
			capDay := max(reg.CapPerDay, 0)
			rp := &plan.Regions[r]
			backlog := max(0, int64(rp.Printable)-mulSat(capDay, before))
			droom[r] = max(0, mulSat(capDay, after)-backlog-int64(rp.DeliveryAllocation))
		}
		for t := range 3 {
			for k, r := range byCode {
				tp := plan.Regions[r].Tiers[t]
				weight[k] = tp.Need - tp.FromStock - tp.FromBuffer - tp.FromDelivery
				limit[k] = int(min(int64(weight[k]), droom[r]))
			}
			for k, x := range apportion(left, weight, limit) {
				r := byCode[k]
				rp := &plan.Regions[r]
				rp.Tiers[t].FromDelivery += x
				rp.FromDeliveries[d] += x
				rp.DeliveryAllocation += x
				droom[r] -= int64(x)
				left -= x
			}
		}
		plan.Deliveries[d] = deliveryPlan{Quantity: qty, Given: qty - left, Unusable: left}
		plan.DeliveryGiven += qty - left
		plan.DeliveryUnusable += left
	}

	// Persons, tiers' totals and reasons.
	for r := range plan.Regions {
		rp := &plan.Regions[r]
		rp.PrintableWhatIf = rp.Printable + rp.DeliveryAllocation
		for k, i := range queue[r] {
			switch {
			case k < rp.Printable-rp.Allocation:
				plan.Blank[i], plan.BlankWhatIf[i] = blankStock, blankStock
			case k < rp.Printable:
				plan.Blank[i], plan.BlankWhatIf[i] = blankBuffer, blankBuffer
			case k < rp.PrintableWhatIf:
				plan.BlankWhatIf[i] = blankDelivery
			}
		}
		for t := range rp.Tiers {
			tp := &rp.Tiers[t]
			tp.Unmet = tp.Need - tp.FromStock - tp.FromBuffer
			tp.UnmetWhatIf = tp.Unmet - tp.FromDelivery
			tp.Reason = tierReason(*tp, room[r] == 0, max(in.Buffer, 0), bufferAtTier[t])
		}
	}
	return plan
}

// tierReason picks the reason code of a tier by the precedence documented
// at the reason constants. full tells that the region has no print room
// left; buffer is the buffer in hand, atTier what was left of it when the
// tier's turn came.
func tierReason(tp tierPlan, full bool, buffer, atTier int) string {
	switch {
	case tp.Need == 0:
		return reasonNoNeed
	case tp.Unmet == 0 && tp.FromBuffer == 0:
		return reasonOwnStock
	case tp.Unmet == 0:
		return reasonBuffer
	case full:
		return reasonCapacity
	case buffer == 0:
		return reasonNoBuffer
	case atTier == 0:
		return reasonBufferOutEarlier
	default:
		return reasonBufferOut
	}
}

// sortPrintOrder sorts the indexes q of persons of one region into print
// order: tier, then request date oldest first with missing dates last,
// then Seq, then index. It sorts the persons' keys packed side by side,
// not the indexes: a comparison then reads two adjacent entries instead of
// two persons anywhere in ps.
//
// When q is in index order and Seq does not decrease along it (as
// planAllocation's queues of the planner stage's persons are: Seq is the
// person's place in the input), the index alone breaks the ties Seq and
// index break, and tier, date and index are packed into one uint64 if
// they fit (dates spanning fewer than 2^35 days at a million persons), to
// be sorted as plain integers.
func sortPrintOrder(ps []allocPerson, q []int32) {
	if sortPrintOrderPacked(ps, q) {
		return
	}
	type entry struct {
		key uint64 // tier, then whether the request date is missing, then the date
		seq int32
		i   int32
	}
	es := make([]entry, len(q))
	for k, i := range q {
		p := &ps[i]
		key := uint64(uint8(p.Tier)) << 34
		if p.Request == noDate {
			key |= 1 << 33
		} else {
			key |= uint64(uint32(p.Request) ^ 1<<31) // int32 order as uint32 order
		}
		es[k] = entry{key, p.Seq, i}
	}
	slices.SortFunc(es, func(a, b entry) int {
		return cmp.Or(cmp.Compare(a.key, b.key), cmp.Compare(a.seq, b.seq), cmp.Compare(a.i, b.i))
	})
	for k := range es {
		q[k] = es[k].i
	}
}

// sortPrintOrderPacked is sortPrintOrder's fast path: it sorts q and
// reports true if q is in index order, Seq does not decrease along it, and
// each person's class (tier, missing date, date less the earliest: under
// 9+d bits for dates spanning fewer than 2^d days) and index (b bits) fit
// 64 bits; otherwise it leaves q alone and reports false. The keys are
// sorted by counting when their classes span fewer than four per key
// (a region's persons over a few years of request dates), as integers
// otherwise.
func sortPrintOrderPacked(ps []allocPerson, q []int32) bool {
	if len(q) < 2 {
		return true
	}
	lo, hi := int64(math.MaxInt32), int64(math.MinInt32)
	prev := q[0]
	for k, i := range q {
		if k > 0 && (i <= prev || ps[i].Seq < ps[prev].Seq) {
			return false
		}
		prev = i
		if d := ps[i].Request; d != noDate {
			lo, hi = min(lo, int64(d)), max(hi, int64(d))
		}
	}
	lo = min(lo, hi) // no date at all: every span is 0
	span := uint64(hi-lo) + 1
	iBits := bits.Len32(uint32(q[len(q)-1]))
	if 9+bits.Len64(span-1)+iBits > 64 {
		return false
	}
	keys := make([]uint64, len(q))
	cLo, cHi := uint64(math.MaxUint64), uint64(0)
	for k, i := range q {
		p := &ps[i]
		c := uint64(uint8(p.Tier)) * 2 * span // below 2^(9+d): 256·2·span
		if p.Request == noDate {
			c += span
		} else {
			c += uint64(int64(p.Request) - lo)
		}
		cLo, cHi = min(cLo, c), max(cHi, c)
		keys[k] = c<<iBits | uint64(i)
	}
	if cHi-cLo < 4*uint64(len(q)) {
		// Counting: the keys of a class stay in the order given, index
		// order, which is what a key's low bits would decide.
		start := make([]int, cHi-cLo+2)
		for _, key := range keys {
			start[key>>iBits-cLo+1]++
		}
		for c := 1; c < len(start); c++ {
			start[c] += start[c-1]
		}
		for _, key := range keys {
			c := key>>iBits - cLo
			q[start[c]] = int32(key & (1<<iBits - 1))
			start[c]++
		}
		return true
	}
	slices.Sort(keys)
	for k, key := range keys {
		q[k] = int32(key & (1<<iBits - 1))
	}
	return true
}

// mulSat returns a × b for a, b ≥ 0, saturated at math.MaxInt64.
func mulSat(a, b int) int64 {
	if a == 0 || b == 0 {
		return 0
	}
	if int64(a) > math.MaxInt64/int64(b) {
		return math.MaxInt64
	}
	return int64(a) * int64(b)
}

// apportion shares up to budget blanks among claimants in proportion to
// weight (their unmet need), claimant k taking at most limit[k] (what it
// can still use; a limit above the weight, or below 0, is clamped). It
// hands out min(budget, Σ limit) blanks, so none stays idle while some
// claimant has room, and returns each claimant's count. Ties go to the
// lower index: callers list claimants in region-code order.
//
// The exact share of claimant k when h blanks are shared is its capped
// proportional share q_k(h) = min(limit_k, λ·weight_k), λ chosen so that
// the shares sum to h (water-filling). It is what "proportional, capped,
// the capped claimants' surplus redistributed to the others, round after
// round" converges to before rounding.
//
// Rounding. One-shot largest remainder (at the final budget, capping and
// redistributing round after round) is not monotone: as in the Alabama
// paradox, one more blank in the buffer can take a blank away from a
// region (need 1, 5, 5: a budget of 5 gives 1, 2, 2, a budget of 6 gives
// 0, 3, 3), and capping makes it common: in random trials like those of
// allocplan_test.go it happened at about 6% of the sampled budgets. A
// region must never get less because the province has more, so apportion
// is largest remainder done one blank at a time: the h-th blank goes to
// the claimant with the largest remainder q_k(h) − x_k (its exact share at
// h blanks less what it holds), ties to the lower index. The counts for
// budget b+1 are the counts for b plus one blank, whatever b: monotone by
// construction, and the capped claimants' surplus goes to the others
// because a claimant at its limit is skipped.
//
// Done naively, that can leave a claimant a whole blank below its exact
// share (two claimants owed a blank at the same step; about one step in
// 1,500 in those trials). So the choice is restricted as in Still's quota
// method (J. W. Still, 1979; Balinski & Young, "Fair Representation"): a
// claimant may take the blank only if it stays within ⌈q_k(h)⌉ and enough
// blanks remain to lift every other claimant to ⌊q_j(h')⌋ at each later
// total h' until k's own share catches up with its new count (eligible).
// Among the eligible, the largest remainder wins. Every count then stays
// within quota, ⌊q_k(h)⌋ ≤ x_k ≤ ⌈q_k(h)⌉, as with one-shot largest
// remainder; Still proved it without limits, allocplan_test.go checks it
// with limits on random cases. The two agree at about three budgets in
// four in those trials; elsewhere a few regions differ by one blank.
func apportion(budget int, weight, limit []int) []int {
	q := newQuotas(weight, limit)
	x := make([]int, len(weight))
	budget = int(min(int64(max(budget, 0)), q.total))
	num := make([]int64, len(weight))
	look := make([]int64, len(weight))
	tried := make([]bool, len(weight))
	for h := int64(1); h <= int64(budget); h++ {
		den := q.at(h, num)
		clear(tried)
		pick := -1
		for {
			best := -1
			var bestRem int64
			for k := range x {
				if tried[k] || int64(x[k]) >= q.limit[k] || int64(x[k])*den >= num[k] {
					continue // tried, at its limit, or would pass its upper quota
				}
				if rem := num[k] - int64(x[k])*den; best < 0 || rem > bestRem {
					best, bestRem = k, rem
				}
			}
			if best < 0 {
				break
			}
			if pick < 0 {
				pick = best // the plain largest remainder, kept should no claimant pass Still's test
			}
			tried[best] = true
			if q.eligible(best, h, x, look) {
				pick = best
				break
			}
		}
		if pick < 0 {
			// Unreachable: the shares at h sum to h, one more than
			// handed out, so some claimant is below its share.
			break
		}
		x[pick]++
	}
	return x
}

// quotas computes capped proportional shares (water-filling) exactly, as
// fractions over a common denominator.
type quotas struct {
	weight, limit []int64
	byRatio       []int // claimants with weight > 0 by limit/weight, the order in which they reach their limit
	weightSum     int64
	total         int64 // Σ limit: the most that can be handed out
}

func newQuotas(weight, limit []int) *quotas {
	q := &quotas{weight: make([]int64, len(weight)), limit: make([]int64, len(weight))}
	for k := range weight {
		w := int64(max(weight[k], 0))
		q.weight[k], q.limit[k] = w, min(int64(max(limit[k], 0)), w)
		q.weightSum += w
		q.total += q.limit[k]
		if w > 0 {
			q.byRatio = append(q.byRatio, k)
		}
	}
	slices.SortStableFunc(q.byRatio, func(a, b int) int {
		return cmp.Compare(q.limit[a]*q.weight[b], q.limit[b]*q.weight[a])
	})
	return q
}

// at fills num with every claimant's exact share at h blanks handed out
// (0 ≤ h ≤ total), num[k]/den, and returns den > 0.
func (q *quotas) at(h int64, num []int64) int64 {
	capped, capSum, free := 0, int64(0), q.weightSum
	for ; capped < len(q.byRatio); capped++ {
		k := q.byRatio[capped]
		if (h-capSum)*q.weight[k] < q.limit[k]*free {
			break // λ = (h−capSum)/free is below k's limit/weight, so below all the rest
		}
		capSum += q.limit[k]
		free -= q.weight[k]
	}
	den := max(free, 1)
	for k := range num {
		num[k] = (h - capSum) * q.weight[k]
	}
	for _, k := range q.byRatio[:capped] {
		num[k] = q.limit[k] * den
	}
	return den
}

// eligible is Still's test: whether giving claimant k the h-th blank
// leaves, at every later total h' until k's lower quota reaches its new
// count, enough blanks (h'−h) to lift every claimant to its lower quota
// ⌊q_j(h')⌋. num is scratch space.
func (q *quotas) eligible(k int, h int64, x []int, num []int64) bool {
	x[k]++
	defer func() { x[k]-- }()
	for hp := h; hp <= q.total; hp++ {
		den := q.at(hp, num)
		if num[k]/den >= int64(x[k]) {
			return true
		}
		var owed int64
		for j := range x {
			owed += max(0, num[j]/den-int64(x[j]))
		}
		if owed > hp-h {
			return false
		}
	}
	return true
}
