package reports

import (
	"backoffice/ledger"
)

// maxColumns is the most amount columns a grouped report has: the report's
// date or period and the one it is compared with.
const maxColumns = 2

// cols are amounts of one row, one per column.
type cols [maxColumns]int64

// AccountAmount is an account in a grouped report (balance sheet, income
// statement) with its amount on its natural side: its own lines (Amount)
// and with its sub-accounts (Total). Compare fields are there only when
// the report compares two dates or periods.
type AccountAmount struct {
	Code          string          `json:"code"`
	Name          string          `json:"name"`
	Amount        string          `json:"amount"`
	CompareAmount *string         `json:"compare_amount,omitempty"`
	Total         string          `json:"total"`
	CompareTotal  *string         `json:"compare_total,omitempty"`
	Children      []AccountAmount `json:"children"`
}

// node is an account with its amounts while a tree is built.
type node struct {
	acc      *ledger.Account
	own      cols
	total    cols
	children []*node
}

// maxDepth bounds parent chains (a chart is a few levels deep; this keeps a
// corrupt chart from recursing without end).
const maxDepth = 32

// buildTree arranges the accounts of one type as trees by parent, in code
// order (accounts comes sorted by code), with amount(a) as each account's
// own amounts. Subtrees that are zero in every column are left out unless
// includeZero. It returns the roots and the type's total.
func buildTree(accounts []*ledger.Account, typ ledger.AccountType, amount func(*ledger.Account) cols, includeZero bool) ([]*node, cols, error) {
	byID := map[int64]*node{}
	var order []*node
	for _, a := range accounts {
		if a.Type != typ {
			continue
		}
		n := &node{acc: a, own: amount(a)}
		byID[a.ID] = n
		order = append(order, n)
	}
	var roots []*node
	for _, n := range order {
		parent := (*node)(nil)
		if n.acc.ParentID != nil {
			parent = byID[*n.acc.ParentID] // nil when the parent is of another type (not allowed) or missing
		}
		if parent == nil {
			roots = append(roots, n)
		} else {
			parent.children = append(parent.children, n)
		}
	}
	var sum func(n *node, depth int) error
	sum = func(n *node, depth int) error {
		if depth > maxDepth {
			return ledger.Errorf(ledger.CodeInternal, ledger.ReasonChartTooDeep, "the chart's parent accounts nest more than %d levels", maxDepth)
		}
		n.total = n.own
		for _, c := range n.children {
			if err := sum(c, depth+1); err != nil {
				return err
			}
			for i := range n.total {
				if !add(&n.total[i], c.total[i]) {
					return overflow()
				}
			}
		}
		return nil
	}
	var total cols
	for _, r := range roots {
		if err := sum(r, 0); err != nil {
			return nil, total, err
		}
		for i := range total {
			if !add(&total[i], r.total[i]) {
				return nil, total, overflow()
			}
		}
	}
	if !includeZero {
		roots = pruneZero(roots)
	}
	return roots, total, nil
}

// pruneZero drops the subtrees whose every amount is zero.
func pruneZero(nodes []*node) []*node {
	out := nodes[:0]
	for _, n := range nodes {
		if !anyNonZero(n) {
			continue
		}
		n.children = pruneZero(n.children)
		out = append(out, n)
	}
	return out
}

// anyNonZero reports whether an account or one below it has a non-zero
// amount (a parent's total can be zero while its children's are not).
func anyNonZero(n *node) bool {
	if n.own != (cols{}) {
		return true
	}
	for _, c := range n.children {
		if anyNonZero(c) {
			return true
		}
	}
	return false
}

// views turns nodes into their JSON form; compare says whether the second
// column is shown.
func views(a *amounts, nodes []*node, compare bool) []AccountAmount {
	out := make([]AccountAmount, len(nodes))
	for i, n := range nodes {
		out[i] = AccountAmount{
			Code: n.acc.Code, Name: n.acc.Name,
			Amount: a.format(n.own[0]), CompareAmount: optional(a, n.own[1], compare),
			Total: a.format(n.total[0]), CompareTotal: optional(a, n.total[1], compare),
			Children: views(a, n.children, compare),
		}
	}
	return out
}

// treeRows writes nodes as table rows: an account without sub-accounts is
// one line; one with them is its own line (a heading when its own amounts
// are zero), its sub-accounts one level in, and a subtotal.
func treeRows(a *amounts, nodes []*node, ncols int, depth int, lang string) []Row {
	var rows []Row
	for _, n := range nodes {
		if len(n.children) == 0 {
			rows = append(rows, Row{Cells: amountCells(a, n.acc.Code, n.acc.Name, n.own, ncols), Level: depth})
			continue
		}
		if n.own == (cols{}) {
			cells := make([]string, 2+ncols)
			cells[0], cells[1] = n.acc.Code, n.acc.Name
			rows = append(rows, Row{Cells: cells, Style: Heading, Level: depth})
		} else {
			rows = append(rows, Row{Cells: amountCells(a, n.acc.Code, n.acc.Name, n.own, ncols), Level: depth})
		}
		rows = append(rows, treeRows(a, n.children, ncols, depth+1, lang)...)
		rows = append(rows, Row{Cells: amountCells(a, "", tr(lang, "Totaal ", "Total ")+n.acc.Code+" "+n.acc.Name, n.total, ncols),
			Style: Subtotal, Level: depth})
	}
	return rows
}

// amountCells is a row of code, name and ncols amounts.
func amountCells(a *amounts, code, name string, v cols, ncols int) []string {
	cells := make([]string, 0, 2+ncols)
	cells = append(cells, code, name)
	for i := range ncols {
		cells = append(cells, a.format(v[i]))
	}
	return cells
}

// amountColumns are the columns of a grouped report: account, name and one
// amount column per date or period, titled by it.
func amountColumns(lang string, titles ...string) []Column {
	c := []Column{
		{Key: "account", Title: tr(lang, "Rekening", "Account"), Kind: Text, Width: 1.2},
		{Key: "name", Title: tr(lang, "Naam", "Name"), Kind: Text, Width: 4},
	}
	keys := []string{"amount", "compare_amount"}
	for i, t := range titles {
		c = append(c, Column{Key: keys[i], Title: t, Kind: Money, Width: 1.6})
	}
	return c
}
