package match

import (
	"slices"
	"strings"
)

// OpenInvoice is a customer invoice with an amount still to be paid.
type OpenInvoice struct {
	ID         int64
	Number     string
	CustomerID int64
	Currency   string
	OpenMinor  int64
}

// Allocation is the part of a payment that goes to one invoice.
type Allocation struct {
	InvoiceID   int64
	Number      string
	AmountMinor int64
}

// Proposal applies one received payment to the invoices it names.
type Proposal struct {
	StatementLineID int64
	CustomerID      int64
	Allocations     []Allocation
}

// Named returns the invoices of open that line names (an invoice number
// appears in it as a reference appears: see the package comment), each once
// and in the order of open. Invoices with nothing open are left out.
func Named(l StatementLine, open []OpenInvoice) []OpenInvoice {
	n := nameSet(l)
	var out []OpenInvoice
	seen := map[int64]bool{}
	for _, inv := range open {
		if k := Norm(inv.Number); inv.OpenMinor > 0 && k != "" && n.keys[k] && !seen[inv.ID] {
			seen[inv.ID] = true
			out = append(out, inv)
		}
	}
	return out
}

// Propose proposes cash application for received payments (Amount > 0):
// when the open invoices in currency that a line names all belong to one
// customer and their open amounts add up to exactly the payment, each is
// allocated its open amount. A short or over payment, or invoices of two
// customers, get no proposal: how to split them is a person's decision.
// Nor do two lines that name the same invoice (a double payment): only one
// of them can pay it. Proposals are sorted by statement line id.
func Propose(st []StatementLine, open []OpenInvoice, currency string) []Proposal {
	currency = strings.ToUpper(strings.TrimSpace(currency))
	var inCcy []OpenInvoice
	for _, inv := range open {
		if strings.ToUpper(inv.Currency) == currency {
			inCcy = append(inCcy, inv)
		}
	}
	var props []Proposal
	claims := map[int64]int{}
	for _, l := range st {
		if l.Amount <= 0 {
			continue
		}
		named := Named(l, inCcy)
		if len(named) == 0 {
			continue
		}
		// Every line naming an invoice claims it, whether its amount fits
		// or not: a 100 and a 50 both naming an invoice of 100 are for a
		// person to sort out, not the 100 alone.
		for _, inv := range named {
			claims[inv.ID]++
		}
		p := Proposal{StatementLineID: l.ID, CustomerID: named[0].CustomerID}
		vs := make([]int64, len(named))
		oneCustomer := true
		for k, inv := range named {
			vs[k] = inv.OpenMinor
			oneCustomer = oneCustomer && inv.CustomerID == p.CustomerID
			p.Allocations = append(p.Allocations, Allocation{InvoiceID: inv.ID, Number: inv.Number, AmountMinor: inv.OpenMinor})
		}
		if total, ok := sum(vs); !ok || !oneCustomer || total != l.Amount {
			continue
		}
		props = append(props, p)
	}
	props = slices.DeleteFunc(props, func(p Proposal) bool {
		return slices.ContainsFunc(p.Allocations, func(a Allocation) bool { return claims[a.InvoiceID] > 1 })
	})
	slices.SortStableFunc(props, func(a, b Proposal) int {
		switch {
		case a.StatementLineID < b.StatementLineID:
			return -1
		case a.StatementLineID > b.StatementLineID:
			return 1
		}
		return 0
	})
	return props
}
