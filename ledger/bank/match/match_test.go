package match

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"backoffice/ledger"
)

func day(d int) ledger.Date { return ledger.NewDate(2026, time.March, d) }

func sl(id int64, d int, amount int64, remittance string, refs ...string) StatementLine {
	return StatementLine{ID: id, Date: day(d), Amount: amount, Remittance: remittance, Refs: refs}
}

func ll(entry int64, line int, d int, amount int64, ref string) LedgerLine {
	return LedgerLine{Key: LineKey{entry, line}, Date: day(d), Amount: amount, Reference: ref}
}

// show writes groups compactly: "rule:1,2|10.1,11.1".
func show(gs []Group) string {
	var parts []string
	for _, g := range gs {
		var s, l []string
		for _, id := range g.Statement {
			s = append(s, fmt.Sprint(id))
		}
		for _, k := range g.Ledger {
			l = append(l, fmt.Sprintf("%d.%d", k.EntryID, k.LineNo))
		}
		parts = append(parts, g.Rule+":"+strings.Join(s, ",")+"|"+strings.Join(l, ","))
	}
	return strings.Join(parts, " ")
}

func TestNames(t *testing.T) {
	tests := []struct {
		remittance string
		refs       []string
		ref        string
		want       agreement
	}{
		{"Factuur INV-2026-0003", nil, "INV-2026-0003", strong},
		{"factuur inv-2026-0003.", nil, "INV-2026-0003", strong},
		{"INV 2026-0003", nil, "INV-2026-0003", strong},
		{"INV2026 0003", nil, "inv-2026-0003", strong},
		{"/TRTP/SEPA/REMI/INV-2026-0003/EREF/x", nil, "INV-2026-0003", strong},
		{"INV-1/INV-2", nil, "INV-2", strong},
		{"INV-1, INV-2", nil, "INV-2", strong},
		{"", []string{"inv 2026 0003"}, "INV-2026-0003", strong},
		{"INV-12", nil, "INV-1", neutral},                      // no substring search
		{"INV 2026 0003", nil, "INV-2026-0003", neutral},       // three tokens are not joined
		{"INV-12", []string{"E2E-9"}, "INV-1", conflict},       // the bank's reference names something else
		{"nothing", []string{"NOTPROVIDED"}, "INV-1", neutral}, // no reference given
		{"INV-1", []string{"E2E-9"}, "", neutral},
		{"INV-1", []string{"E2E-9"}, "--", neutral}, // a reference with nothing to compare
	}
	for _, tt := range tests {
		got := agree(nameSet(StatementLine{Remittance: tt.remittance, Refs: tt.refs}), tt.ref)
		if got != tt.want {
			t.Errorf("agree(%q %q, %q) = %d; want %d", tt.remittance, tt.refs, tt.ref, got, tt.want)
		}
	}
}

func TestAuto(t *testing.T) {
	tests := []struct {
		name   string
		st     []StatementLine
		ll     []LedgerLine
		window int
		want   string
	}{
		{"reference beats a nearer date",
			[]StatementLine{sl(1, 10, 100, "", "INV-1")},
			[]LedgerLine{ll(10, 1, 10, 100, ""), ll(11, 1, 13, 100, "INV-1")}, 0,
			"reference:1|11.1"},
		{"reference in remittance spelled differently",
			[]StatementLine{sl(1, 10, 100, "Factuur INV 2026-0003")},
			[]LedgerLine{ll(10, 1, 10, 100, ""), ll(11, 1, 12, 100, "inv-2026-0003")}, 0,
			"reference:1|11.1"},
		{"same reference twice: nearest date decides",
			[]StatementLine{sl(1, 10, 100, "", "INV-1")},
			[]LedgerLine{ll(10, 1, 8, 100, "INV-1"), ll(11, 1, 11, 100, "INV-1")}, 0,
			"amount_date:1|11.1"},
		{"same reference twice, same date: left alone",
			[]StatementLine{sl(1, 10, 100, "", "INV-1")},
			[]LedgerLine{ll(10, 1, 11, 100, "INV-1"), ll(11, 1, 11, 100, "INV-1")}, 0,
			""},
		{"amount and date",
			[]StatementLine{sl(1, 10, -4599, "KPN")},
			[]LedgerLine{ll(10, 2, 9, -4599, ""), ll(11, 1, 9, 4599, "")}, 0,
			"amount_date:1|10.2"},
		{"tie on the ledger side",
			[]StatementLine{sl(1, 10, 50, "")},
			[]LedgerLine{ll(10, 1, 11, 50, ""), ll(11, 1, 9, 50, "")}, 0,
			""},
		{"tie on the statement side",
			[]StatementLine{sl(1, 9, 50, ""), sl(2, 11, 50, "")},
			[]LedgerLine{ll(10, 1, 10, 50, "")}, 0,
			""},
		{"nearest pairs",
			[]StatementLine{sl(2, 4, 50, ""), sl(1, 1, 50, "")},
			[]LedgerLine{ll(11, 1, 5, 50, ""), ll(10, 1, 2, 50, "")}, 0,
			"amount_date:1|10.1 amount_date:2|11.1"},
		{"the least total distance, not the nearest first",
			[]StatementLine{sl(1, 1, 100, ""), sl(2, 4, 100, "")},
			[]LedgerLine{ll(10, 1, 3, 100, ""), ll(11, 1, 6, 100, "")}, 5,
			"amount_date:1|10.1 amount_date:2|11.1"},
		{"two alike on one day against two alike on another: left alone",
			[]StatementLine{sl(1, 4, 100, ""), sl(2, 4, 100, "")},
			[]LedgerLine{ll(10, 1, 3, 100, ""), ll(11, 1, 3, 100, "")}, 0,
			""},
		{"a tie is not taken by a group",
			[]StatementLine{sl(1, 5, 200, ""), sl(2, 5, 100, ""), sl(3, 5, 100, "")},
			[]LedgerLine{ll(10, 1, 5, 100, ""), ll(11, 1, 5, 100, "")}, 0,
			""},
		{"a tie is not taken by a group, the other way",
			[]StatementLine{sl(1, 5, 100, ""), sl(2, 5, 100, "")},
			[]LedgerLine{ll(10, 1, 5, 200, ""), ll(11, 1, 5, 100, ""), ll(12, 1, 5, 100, "")}, 0,
			""},
		{"a pair found frees a tie",
			// s1-l2 pair first; l1 was tied between s1 and s2.
			[]StatementLine{sl(1, 10, 50, ""), sl(2, 12, 50, "")},
			[]LedgerLine{ll(10, 1, 11, 50, ""), ll(11, 1, 10, 50, "")}, 0,
			"amount_date:1|11.1 amount_date:2|10.1"},
		{"conflicting reference refused",
			[]StatementLine{sl(1, 10, 100, "INV-2", "E2E-77")},
			[]LedgerLine{ll(10, 1, 10, 100, "INV-1")}, 0,
			""},
		{"ledger reference missing from free text is no conflict",
			[]StatementLine{sl(1, 10, 100, "thanks")},
			[]LedgerLine{ll(10, 1, 10, 100, "INV-1")}, 0,
			"amount_date:1|10.1"},
		{"outside the window",
			[]StatementLine{sl(1, 10, 100, "", "INV-1")},
			[]LedgerLine{ll(10, 1, 4, 100, "INV-1")}, 0,
			""},
		{"wider window",
			[]StatementLine{sl(1, 10, 100, "", "INV-1")},
			[]LedgerLine{ll(10, 1, 4, 100, "INV-1")}, 6,
			"reference:1|10.1"},
		{"one to many by references",
			[]StatementLine{sl(1, 10, 300, "INV-1 and INV-2")},
			[]LedgerLine{ll(10, 1, 8, 100, "INV-1"), ll(11, 1, 9, 200, "INV-2"), ll(12, 1, 10, 200, "")}, 0,
			"one_to_many:1|10.1,11.1"},
		{"one to many by entry",
			[]StatementLine{sl(1, 10, -300, "salaries")},
			[]LedgerLine{ll(10, 1, 10, -100, ""), ll(10, 2, 10, -200, ""), ll(11, 1, 10, -200, "")}, 0,
			"one_to_many:1|10.1,10.2"},
		{"one to many by entry, two entries qualify: none, date not tried",
			[]StatementLine{sl(1, 10, -300, "")},
			// Date 11 alone would qualify in (c).
			[]LedgerLine{ll(10, 1, 9, -100, ""), ll(10, 2, 9, -200, ""), ll(11, 1, 9, -150, ""), ll(11, 2, 9, -150, ""), ll(12, 1, 11, -100, ""), ll(13, 1, 11, -200, "")}, 0,
			""},
		{"one to many by date with the sign",
			[]StatementLine{sl(1, 10, 300, "card batch")},
			[]LedgerLine{ll(10, 1, 9, 100, ""), ll(11, 1, 9, 200, ""), ll(12, 1, 9, -50, ""), ll(13, 1, 8, 100, "")}, 0,
			"one_to_many:1|10.1,11.1"},
		{"one to many skips conflicting lines",
			[]StatementLine{sl(1, 10, 300, "", "E2E-1")},
			[]LedgerLine{ll(10, 1, 10, 100, "INV-1"), ll(10, 2, 10, 200, "INV-1")}, 0,
			""},
		{"one to many: two statement lines want the same lines",
			[]StatementLine{sl(1, 10, 300, ""), sl(2, 10, 300, "")},
			[]LedgerLine{ll(10, 1, 10, 100, ""), ll(10, 2, 10, 200, "")}, 0,
			""},
		{"many to one by reference",
			[]StatementLine{sl(1, 8, 100, "INV-1 part 1"), sl(2, 12, 200, "rest INV-1"), sl(3, 12, 100, "")},
			[]LedgerLine{ll(10, 1, 10, 300, "INV-1")}, 0,
			"many_to_one:1,2|10.1"},
		{"many to one by date",
			[]StatementLine{sl(1, 11, -100, ""), sl(2, 11, -200, ""), sl(3, 11, 50, "")},
			[]LedgerLine{ll(10, 1, 10, -300, "")}, 0,
			"many_to_one:1,2|10.1"},
		{"many to one, two dates qualify: none",
			[]StatementLine{sl(1, 11, -100, ""), sl(2, 11, -200, ""), sl(3, 12, -150, ""), sl(4, 12, -150, "")},
			[]LedgerLine{ll(10, 1, 10, -300, "")}, 0,
			""},
		{"rules in order, output sorted",
			[]StatementLine{sl(5, 10, 300, "INV-1 INV-2"), sl(3, 3, 75, ""), sl(1, 20, 40, "", "INV-7"), sl(7, 22, -10, ""), sl(8, 22, -5, "")},
			[]LedgerLine{ll(30, 1, 10, 100, "INV-1"), ll(31, 1, 10, 200, "INV-2"), ll(20, 1, 4, 75, ""), ll(21, 1, 21, 40, "INV-7"), ll(22, 1, 21, 40, ""), ll(40, 1, 23, -15, "")}, 0,
			"reference:1|21.1 amount_date:3|20.1 one_to_many:5|30.1,31.1 many_to_one:7,8|40.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := tt.window
			if w == 0 {
				w = -1 // the table's zero: the default window
			}
			got := show(Auto(tt.st, tt.ll, Options{WindowDays: w}))
			if got != tt.want {
				t.Errorf("Auto = %q\nwant   %q", got, tt.want)
			}
		})
	}
}

// TestAutoProperties runs Auto on random inputs drawn from small sets, so
// that amounts, dates and references collide, and checks what must hold
// for any input: sums agree, no line twice, the window and conflicts are
// respected, output is sorted, and the input order does not matter.
func TestAutoProperties(t *testing.T) {
	rules := map[string]bool{RuleReference: true, RuleAmountDate: true, RuleOneToMany: true, RuleManyToOne: true}
	refs := []string{"", "", "INV-1", "INV-2", "inv 3", "E2E-4"}
	amounts := []int64{-300, -200, -100, 100, 100, 200, 300, 50}
	seen := map[string]int{}
	for seed := uint64(0); seed < 400; seed++ {
		r := rand.New(rand.NewPCG(seed, 7))
		var st []StatementLine
		for i := range r.IntN(12) {
			s := sl(int64(i+1), 1+r.IntN(20), amounts[r.IntN(len(amounts))], "")
			if ref := refs[r.IntN(len(refs))]; ref != "" {
				if r.IntN(2) == 0 {
					s.Refs = []string{ref}
				} else {
					s.Remittance = "payment " + ref
				}
			}
			st = append(st, s)
		}
		var lls []LedgerLine
		for e := range r.IntN(8) {
			ref, d := refs[r.IntN(len(refs))], 1+r.IntN(20)
			for n := range 1 + r.IntN(3) {
				lls = append(lls, ll(int64(e+1), n+1, d, amounts[r.IntN(len(amounts))], ref))
			}
		}
		window := r.IntN(8)
		groups := Auto(st, lls, Options{WindowDays: window})
		byID := map[int64]StatementLine{}
		for _, s := range st {
			byID[s.ID] = s
		}
		byKey := map[LineKey]LedgerLine{}
		for _, l := range lls {
			byKey[l.Key] = l
		}
		usedS, usedL := map[int64]bool{}, map[LineKey]bool{}
		for gi, g := range groups {
			seen[g.Rule]++
			if !rules[g.Rule] || len(g.Statement) == 0 || len(g.Ledger) == 0 {
				t.Fatalf("seed %d: bad group %+v", seed, g)
			}
			if gi > 0 && groups[gi-1].Statement[0] >= g.Statement[0] {
				t.Errorf("seed %d: groups not sorted: %s", seed, show(groups))
			}
			if !slices.IsSorted(g.Statement) || !slices.IsSortedFunc(g.Ledger, LineKey.compare) {
				t.Errorf("seed %d: group lines not sorted: %+v", seed, g)
			}
			var ss, ls int64
			for _, id := range g.Statement {
				if usedS[id] {
					t.Errorf("seed %d: statement line %d used twice", seed, id)
				}
				usedS[id] = true
				ss += byID[id].Amount
			}
			for _, k := range g.Ledger {
				if usedL[k] {
					t.Errorf("seed %d: ledger line %v used twice", seed, k)
				}
				usedL[k] = true
				ls += byKey[k].Amount
			}
			if ss != ls {
				t.Errorf("seed %d: group %+v sums %d and %d", seed, g, ss, ls)
			}
			for _, id := range g.Statement {
				n := nameSet(byID[id])
				for _, k := range g.Ledger {
					if days(byID[id].Date, byKey[k].Date) > window {
						t.Errorf("seed %d: group %+v outside the window %d", seed, g, window)
					}
					if agree(n, byKey[k].Reference) == conflict {
						t.Errorf("seed %d: group %+v pairs conflicting references", seed, g)
					}
				}
			}
		}
		r.Shuffle(len(st), func(i, j int) { st[i], st[j] = st[j], st[i] })
		r.Shuffle(len(lls), func(i, j int) { lls[i], lls[j] = lls[j], lls[i] })
		if again := show(Auto(st, lls, Options{WindowDays: window})); again != show(groups) {
			t.Errorf("seed %d: input order changed the result:\n%s\n%s", seed, show(groups), again)
		}
	}
	// The random inputs must exercise every rule, or the test proves little.
	for rule := range rules {
		if seen[rule] == 0 {
			t.Errorf("no random input produced a %s group", rule)
		}
	}
}

func TestPropose(t *testing.T) {
	open := []OpenInvoice{
		{ID: 1, Number: "INV-2026-0004", CustomerID: 7, Currency: "EUR", OpenMinor: 12100},
		{ID: 2, Number: "INV-2026-0005", CustomerID: 7, Currency: "EUR", OpenMinor: 5000},
		{ID: 3, Number: "INV-2026-0006", CustomerID: 8, Currency: "EUR", OpenMinor: 5000},
		{ID: 4, Number: "INV-2026-0001", CustomerID: 7, Currency: "EUR", OpenMinor: 0}, // paid
		{ID: 5, Number: "INV-2026-0009", CustomerID: 7, Currency: "USD", OpenMinor: 9900},
	}
	tests := []struct {
		name string
		st   []StatementLine
		want string
	}{
		{"one invoice", []StatementLine{sl(1, 10, 12100, "Factuur INV-2026-0004")}, "1:c7[1=12100]"},
		{"lower case", []StatementLine{sl(1, 10, 12100, "inv-2026-0004")}, "1:c7[1=12100]"},
		{"split token", []StatementLine{sl(1, 10, 12100, "INV 2026-0004")}, "1:c7[1=12100]"},
		{"in refs", []StatementLine{sl(1, 10, 12100, "", "INV20260004")}, "1:c7[1=12100]"},
		{"two invoices", []StatementLine{sl(1, 10, 17100, "INV-2026-0004 INV-2026-0005")}, "1:c7[1=12100 2=5000]"},
		{"named twice", []StatementLine{sl(1, 10, 12100, "INV-2026-0004", "INV-2026-0004")}, "1:c7[1=12100]"},
		{"short paid", []StatementLine{sl(1, 10, 12000, "INV-2026-0004")}, ""},
		{"over paid", []StatementLine{sl(1, 10, 12200, "INV-2026-0004")}, ""},
		{"two customers", []StatementLine{sl(1, 10, 10000, "INV-2026-0005 INV-2026-0006")}, ""},
		{"paid invoice ignored", []StatementLine{sl(1, 10, 12100, "INV-2026-0004 INV-2026-0001")}, "1:c7[1=12100]"},
		{"other currency ignored", []StatementLine{sl(1, 10, 9900, "INV-2026-0009")}, ""},
		{"money out ignored", []StatementLine{sl(1, 10, -12100, "INV-2026-0004")}, ""},
		{"nothing named", []StatementLine{sl(1, 10, 12100, "INV-2026-0044")}, ""},
		{"paid twice: neither", []StatementLine{sl(2, 10, 12100, "INV-2026-0004"), sl(1, 11, 12100, "INV-2026-0004")}, ""},
		{"a second, smaller line naming it: neither", []StatementLine{sl(1, 10, 12100, "INV-2026-0004"), sl(2, 11, 5000, "INV-2026-0004")}, ""},
		{"sorted", []StatementLine{sl(9, 10, 5000, "INV-2026-0006"), sl(3, 11, 12100, "INV-2026-0004")}, "3:c7[1=12100] 9:c8[3=5000]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var parts []string
			for _, p := range Propose(tt.st, open, "eur") {
				var as []string
				for _, a := range p.Allocations {
					as = append(as, fmt.Sprintf("%d=%d", a.InvoiceID, a.AmountMinor))
				}
				parts = append(parts, fmt.Sprintf("%d:c%d[%s]", p.StatementLineID, p.CustomerID, strings.Join(as, " ")))
			}
			if got := strings.Join(parts, " "); got != tt.want {
				t.Errorf("Propose = %q; want %q", got, tt.want)
			}
		})
	}
}

func TestNamed(t *testing.T) {
	open := []OpenInvoice{
		{ID: 1, Number: "INV-2026-0004", CustomerID: 7, OpenMinor: 100},
		{ID: 2, Number: "INV-2026-0005", CustomerID: 8, OpenMinor: 100},
		{ID: 3, Number: "INV-2026-0006", CustomerID: 8, OpenMinor: 0},
	}
	got := Named(sl(1, 1, -5, "INV 2026-0005, inv-2026-0004 and INV-2026-0006"), open)
	if len(got) != 2 || got[0].ID != 1 || got[1].ID != 2 {
		t.Errorf("Named = %+v; want invoices 1 and 2", got)
	}
}
