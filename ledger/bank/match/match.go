// Package match proposes which bank statement lines and ledger lines of a
// bank account belong together (Auto), and which open invoices a received
// payment pays (Propose). It is pure: it reads its arguments and returns
// groups; the caller stores them. It only matches what is unambiguous;
// anything else is left for a person.
//
// # References
//
// A reference is compared in normal form: upper case, only A-Z and 0-9
// ("inv-2026/0003 " and "INV 2026-0003" are both "INV20260003"). A ledger
// reference R appears in a statement line when norm(R) is
//   - the normal form of one of the line's Refs (the bank's end-to-end id
//     and structured reference; "NOTPROVIDED" is ignored), or
//   - the normal form of one remittance token, or of two adjacent tokens
//     joined, so that "INV 2026-0003" names INV-2026-0003, or
//   - the normal form of a part of a token between slashes, so that
//     "/INV/INV-2026-0003/" and "INV-1/INV-2" name their references.
//
// Tokens are the remittance split at every character that is not a letter,
// digit, '-', '_', '.' or '/'. There is no substring search: "INV-1" does
// not appear in "INV-12".
//
// A ledger line and a statement line agree strongly when the ledger line's
// reference appears in the statement line. They conflict when the ledger
// line has a reference, the statement line has Refs, and the reference
// does not appear: the bank says what was paid, and it is something else.
// Otherwise they are neutral. A conflicting pair is never matched.
//
// # Rules of Auto, in order
//
// Each rule works on the lines no earlier rule used; the window is
// Options.WindowDays (default 5) between booking date and ledger date.
//
//  1. "reference": a statement line and a ledger line with the same amount,
//     within the window, that agree strongly, where each is the other's
//     only such candidate.
//  2. "amount_date": candidates are same amount, within the window, not
//     conflicting. Lines linked by candidate pairs form components; in a
//     component of at most five lines on one side, the pairing with the
//     most pairs and the least total distance in days is matched when it
//     is the only best one. A tie, or a larger component, is left alone.
//  3. "one_to_many": one statement line to two or more ledger lines within
//     the window, not conflicting, summing to its amount, found by the
//     first of these that yields a group: (a) all ledger lines whose
//     reference appears in the statement line; (b) all lines of one
//     entry; (c) all lines of one date with the statement line's sign.
//     If a rule yields more than one qualifying group (two entries, two
//     dates), the line gets none and later rules are not tried.
//  4. "many_to_one": symmetric, one ledger line to two or more statement
//     lines: (a) all statement lines in which its reference appears;
//     (b) all statement lines of one booking date with its sign.
//
// Rules 3 and 4 leave out every line that still has a one-to-one
// candidate after rule 2 (a tie rule 2 left for a person). In them every
// statement line (ledger line) is considered against the same remaining
// lines, and a group that shares a line with another line's group is
// dropped with it: the outcome does not depend on the order of the input.
package match

import (
	"slices"
	"strings"
	"time"

	"backoffice/ledger"
)

// StatementLine is a bank statement line as the matcher sees it.
type StatementLine struct {
	ID           int64
	Date         ledger.Date // booking date
	Amount       int64       // signed minor units, credit > 0
	Refs         []string    // references the bank gave: end-to-end id, structured reference (no bank ref)
	Remittance   string      // free text
	Counterparty string
}

// LineKey names a ledger line: its entry and its line number.
type LineKey struct {
	EntryID int64
	LineNo  int
}

func (k LineKey) compare(o LineKey) int {
	if k.EntryID != o.EntryID {
		if k.EntryID < o.EntryID {
			return -1
		}
		return 1
	}
	return k.LineNo - o.LineNo
}

// LedgerLine is a line on the bank account in the ledger not yet matched.
type LedgerLine struct {
	Key       LineKey
	Date      ledger.Date
	Amount    int64  // signed: debit on the bank account > 0
	Reference string // the entry's reference ("" when none)
	Text      string // entry description and line description, for display only
}

// Group is a proposed match: the statement lines and ledger lines have
// equal sums.
type Group struct {
	Statement []int64   // statement line ids, ascending
	Ledger    []LineKey // ascending
	Rule      string    // "reference", "amount_date", "one_to_many", "many_to_one"
}

// Rules, as Group.Rule.
const (
	RuleReference  = "reference"
	RuleAmountDate = "amount_date"
	RuleOneToMany  = "one_to_many"
	RuleManyToOne  = "many_to_one"
)

// Options tune Auto.
type Options struct {
	WindowDays int // less than 0 means DefaultWindowDays; 0 is the same day only
}

// DefaultWindowDays is how far a booking date and a ledger date may be
// apart: a payment booked on a Friday is on the statement on Monday, and
// entries are often dated by the document rather than the payment.
const DefaultWindowDays = 5

// Norm is the normal form of a reference: upper case, A-Z and 0-9 only.
func Norm(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			b.WriteByte(c)
		case c >= 'a' && c <= 'z':
			b.WriteByte(c - 'a' + 'A')
		}
	}
	return b.String()
}

func tokenChar(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' || r == '/'
}

// names holds the normal forms a statement line names, and whether the bank
// gave references at all (which makes a missing reference a conflict).
type names struct {
	keys    map[string]bool
	hasRefs bool
}

func nameSet(l StatementLine) names {
	n := names{keys: map[string]bool{}}
	for _, r := range l.Refs {
		if k := Norm(r); k != "" && k != "NOTPROVIDED" {
			n.keys[k] = true
			n.hasRefs = true
		}
	}
	toks := strings.FieldsFunc(l.Remittance, func(r rune) bool { return !tokenChar(r) })
	norms := make([]string, len(toks))
	for i, t := range toks {
		norms[i] = Norm(t)
	}
	for i, t := range toks {
		if norms[i] != "" {
			n.keys[norms[i]] = true
		}
		if i+1 < len(toks) && norms[i] != "" && norms[i+1] != "" {
			n.keys[norms[i]+norms[i+1]] = true
		}
		if strings.Contains(t, "/") {
			for _, part := range strings.Split(t, "/") {
				if k := Norm(part); k != "" {
					n.keys[k] = true
				}
			}
		}
	}
	return n
}

type agreement int

const (
	neutral agreement = iota
	strong
	conflict
)

func agree(n names, ref string) agreement {
	r := Norm(ref)
	switch {
	case r == "":
		return neutral
	case n.keys[r]:
		return strong
	case n.hasRefs:
		return conflict
	default:
		return neutral
	}
}

// days is the number of days between two dates, never negative.
func days(a, b ledger.Date) int {
	ta := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC)
	tb := time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, time.UTC)
	d := int(ta.Sub(tb).Hours() / 24)
	if d < 0 {
		return -d
	}
	return d
}

func sign(v int64) int {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

// sum adds amounts; ok is false on overflow, which no group can match.
func sum(vs []int64) (int64, bool) {
	var s int64
	for _, v := range vs {
		if (v > 0 && s > (1<<63-1)-v) || (v < 0 && s < (-1<<63)-v) {
			return 0, false
		}
		s += v
	}
	return s, true
}

type matcher struct {
	st     []StatementLine
	ll     []LedgerLine
	names  []names
	window int
	usedS  []bool
	usedL  []bool
	groups []Group
	// tiedS, tiedL: lines with a one-to-one candidate left after rule 2,
	// which rules 3 and 4 leave alone.
	tiedS, tiedL []bool
}

func (m *matcher) agreement(i, j int) agreement { return agree(m.names[i], m.ll[j].Reference) }

func (m *matcher) within(i, j int) bool { return days(m.st[i].Date, m.ll[j].Date) <= m.window }

// candidate: a one-to-one candidate pair.
func (m *matcher) candidate(i, j int) bool {
	return m.st[i].Amount == m.ll[j].Amount && m.within(i, j) && m.agreement(i, j) != conflict
}

func (m *matcher) add(rule string, is, js []int) {
	g := Group{Rule: rule}
	for _, i := range is {
		m.usedS[i] = true
		g.Statement = append(g.Statement, m.st[i].ID)
	}
	for _, j := range js {
		m.usedL[j] = true
		g.Ledger = append(g.Ledger, m.ll[j].Key)
	}
	slices.Sort(g.Statement)
	slices.SortFunc(g.Ledger, LineKey.compare)
	m.groups = append(m.groups, g)
}

// Auto returns the groups the rules in the package comment find, sorted by
// their first statement line id. A line is in at most one group.
func Auto(st []StatementLine, ll []LedgerLine, o Options) []Group {
	m := &matcher{st: st, ll: ll, window: o.WindowDays, usedS: make([]bool, len(st)), usedL: make([]bool, len(ll))}
	if m.window < 0 {
		m.window = DefaultWindowDays
	}
	m.names = make([]names, len(st))
	for i, s := range st {
		m.names[i] = nameSet(s)
	}
	byAmount := map[int64][]int{}
	for j, l := range ll {
		byAmount[l.Amount] = append(byAmount[l.Amount], j)
	}

	m.byReference(byAmount)
	m.byAmountDate(byAmount)
	m.tiedS, m.tiedL = m.pairable(byAmount)
	m.oneToMany()
	m.manyToOne()

	slices.SortFunc(m.groups, func(a, b Group) int {
		switch {
		case a.Statement[0] < b.Statement[0]:
			return -1
		case a.Statement[0] > b.Statement[0]:
			return 1
		}
		return 0
	})
	return m.groups
}

// byReference is rule 1.
func (m *matcher) byReference(byAmount map[int64][]int) {
	strongS := make([][]int, len(m.st))
	strongL := make([][]int, len(m.ll))
	for i, s := range m.st {
		for _, j := range byAmount[s.Amount] {
			if m.within(i, j) && m.agreement(i, j) == strong {
				strongS[i] = append(strongS[i], j)
				strongL[j] = append(strongL[j], i)
			}
		}
	}
	for i := range m.st {
		if len(strongS[i]) == 1 {
			if j := strongS[i][0]; len(strongL[j]) == 1 {
				m.add(RuleReference, []int{i}, []int{j})
			}
		}
	}
}

// byAmountDate is rule 2. The candidate pairs (same amount, within the
// window, not conflicting) of the unused lines fall apart into components:
// lines linked by candidate pairs, directly or through others. In each
// small component it takes the pairings with the most pairs and, among
// them, the least total distance in days; when exactly one pairing is
// best, its pairs are matched, and otherwise the component is left alone.
// So two payments of 100 on the 1st and 4th against entries on the 3rd and
// 6th pair 1-3 and 4-6 (4 days in all, not 1 + 5), and two equal lines on
// one day against two entries on another day stay for a person.
func (m *matcher) byAmountDate(byAmount map[int64][]int) {
	cand := make([][]int, len(m.st)) // statement line -> its candidate ledger lines
	candL := make([][]int, len(m.ll))
	for i, s := range m.st {
		if m.usedS[i] {
			continue
		}
		for _, j := range byAmount[s.Amount] {
			if !m.usedL[j] && m.candidate(i, j) {
				cand[i] = append(cand[i], j)
				candL[j] = append(candL[j], i)
			}
		}
	}
	seenS, seenL := make([]bool, len(m.st)), make([]bool, len(m.ll))
	for start := range m.st {
		if seenS[start] || len(cand[start]) == 0 {
			continue
		}
		// The component of start, by breadth-first search.
		is, js := []int{start}, []int(nil)
		seenS[start] = true
		for k := 0; k < len(is); k++ {
			for _, j := range cand[is[k]] {
				if seenL[j] {
					continue
				}
				seenL[j] = true
				js = append(js, j)
				for _, i := range candL[j] {
					if !seenS[i] {
						seenS[i] = true
						is = append(is, i)
					}
				}
			}
		}
		if min(len(is), len(js)) > maxPairing || len(is)+len(js) > 2*maxPairing+2 {
			continue // too many alike to tell apart: left for a person
		}
		if pairs, ok := m.bestPairing(is, cand); ok {
			for _, p := range pairs {
				m.add(RuleAmountDate, []int{p[0]}, []int{p[1]})
			}
		}
	}
}

// maxPairing bounds the components rule 2 pairs (the pairings are tried
// one by one).
const maxPairing = 5

// bestPairing tries every pairing of the component's statement lines is
// with their candidates, each ledger line used once, and returns the one
// with the most pairs and the least total distance, if exactly one is best.
func (m *matcher) bestPairing(is []int, cand [][]int) ([][2]int, bool) {
	var best [][2]int
	bestN, bestCost, ties := -1, 0, 0
	used := map[int]bool{}
	var cur [][2]int
	var try func(k, cost int)
	try = func(k, cost int) {
		if k == len(is) {
			switch n := len(cur); {
			case n > bestN || (n == bestN && cost < bestCost):
				best, bestN, bestCost, ties = slices.Clone(cur), n, cost, 1
			case n == bestN && cost == bestCost:
				ties++
			}
			return
		}
		i := is[k]
		for _, j := range cand[i] {
			if used[j] {
				continue
			}
			used[j] = true
			cur = append(cur, [2]int{i, j})
			try(k+1, cost+days(m.st[i].Date, m.ll[j].Date))
			cur = cur[:len(cur)-1]
			used[j] = false
		}
		try(k+1, cost) // i stays unpaired
	}
	try(0, 0)
	return best, bestN > 0 && ties == 1
}

// pairable reports whether a line still has a one-to-one candidate after
// rule 2: such a line is left out of rules 3 and 4, so that a group never
// takes a line whose own equal partner is waiting for a person to choose.
func (m *matcher) pairable(byAmount map[int64][]int) (s, l []bool) {
	s, l = make([]bool, len(m.st)), make([]bool, len(m.ll))
	for i, st := range m.st {
		if m.usedS[i] {
			continue
		}
		for _, j := range byAmount[st.Amount] {
			if !m.usedL[j] && m.candidate(i, j) {
				s[i], l[j] = true, true
			}
		}
	}
	return s, l
}

// proposal is a group found for one line in rules 3 and 4, before groups
// that share lines are dropped.
type proposal struct {
	is, js []int
}

// oneToMany is rule 3.
func (m *matcher) oneToMany() {
	var props []proposal
	for i, s := range m.st {
		if m.usedS[i] || m.tiedS[i] {
			continue
		}
		var pool []int
		for j := range m.ll {
			if !m.usedL[j] && !m.tiedL[j] && m.within(i, j) && m.agreement(i, j) != conflict {
				pool = append(pool, j)
			}
		}
		amount := func(j int) int64 { return m.ll[j].Amount }
		rules := []func(j int) (any, bool){
			func(j int) (any, bool) { return nil, m.agreement(i, j) == strong },
			func(j int) (any, bool) { return m.ll[j].Key.EntryID, true },
			func(j int) (any, bool) { return m.ll[j].Date.String(), sign(m.ll[j].Amount) == sign(s.Amount) },
		}
		if js, ok := pick(pool, rules, amount, s.Amount); ok {
			props = append(props, proposal{is: []int{i}, js: js})
		}
	}
	for _, p := range disjoint(props, len(m.ll), func(p proposal) []int { return p.js }) {
		m.add(RuleOneToMany, p.is, p.js)
	}
}

// manyToOne is rule 4.
func (m *matcher) manyToOne() {
	var props []proposal
	for j, l := range m.ll {
		if m.usedL[j] || m.tiedL[j] {
			continue
		}
		var pool []int
		for i := range m.st {
			if !m.usedS[i] && !m.tiedS[i] && m.within(i, j) && m.agreement(i, j) != conflict {
				pool = append(pool, i)
			}
		}
		amount := func(i int) int64 { return m.st[i].Amount }
		rules := []func(i int) (any, bool){
			func(i int) (any, bool) { return nil, m.agreement(i, j) == strong },
			func(i int) (any, bool) { return m.st[i].Date.String(), sign(m.st[i].Amount) == sign(l.Amount) },
		}
		if is, ok := pick(pool, rules, amount, l.Amount); ok {
			props = append(props, proposal{is: is, js: []int{j}})
		}
	}
	for _, p := range disjoint(props, len(m.st), func(p proposal) []int { return p.is }) {
		m.add(RuleManyToOne, p.is, p.js)
	}
}

// pick applies grouping rules in order to pool. A rule says for each
// member whether it takes part and in which group (its key). A group
// qualifies with two or more members summing to target. The first rule
// with any qualifying group decides: one group is the answer, more is
// ambiguous and gives none.
func pick(pool []int, rules []func(int) (any, bool), amount func(int) int64, target int64) ([]int, bool) {
	for _, rule := range rules {
		groups := map[any][]int{}
		var order []any
		for _, x := range pool {
			key, in := rule(x)
			if !in {
				continue
			}
			if _, seen := groups[key]; !seen {
				order = append(order, key)
			}
			groups[key] = append(groups[key], x)
		}
		var found [][]int
		for _, key := range order {
			g := groups[key]
			if len(g) < 2 {
				continue
			}
			vs := make([]int64, len(g))
			for k, x := range g {
				vs[k] = amount(x)
			}
			if s, ok := sum(vs); ok && s == target {
				found = append(found, g)
			}
		}
		switch len(found) {
		case 0:
			continue
		case 1:
			return found[0], true
		default:
			return nil, false
		}
	}
	return nil, false
}

// disjoint keeps the proposals none of whose many-side lines is claimed by
// another proposal.
func disjoint(props []proposal, n int, side func(proposal) []int) []proposal {
	claims := make([]int, n)
	for _, p := range props {
		for _, x := range side(p) {
			claims[x]++
		}
	}
	var out []proposal
	for _, p := range props {
		ok := true
		for _, x := range side(p) {
			if claims[x] > 1 {
				ok = false
			}
		}
		if ok {
			out = append(out, p)
		}
	}
	return out
}
