package reports

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"

	"backoffice/ledger"
)

// GeneralLedger is every line of one account or of all accounts over a
// period, per account in code order: the opening balance, the lines in
// date and entry order with a running balance, and the closing balance.
// Balances are debits minus credits (positive: a debit balance).
//
// A general ledger can have millions of lines, so it is never built whole:
// the JSON answer is a page of lines (ReadPage), and the Table streams
// every line of the period from database cursors (CSV in constant memory).
type GeneralLedger struct {
	Entity     int64           `json:"entity"`
	From       string          `json:"from"`
	To         string          `json:"to"`
	Currency   string          `json:"currency"`
	Accounts   []LedgerAccount `json:"accounts"`
	HasMore    bool            `json:"has_more"`
	NextCursor *string         `json:"next_cursor"`

	ctx      context.Context
	st       Store
	ent      *ledger.Entity
	from, to ledger.Date
	only     *ledger.Account
}

// LedgerAccount is one account of a general ledger page. Its opening,
// closing and period totals are the whole period's; Lines are the page's
// (an account whose lines run over into the next page comes again there
// with the rest).
type LedgerAccount struct {
	Code           string             `json:"code"`
	Name           string             `json:"name"`
	Type           ledger.AccountType `json:"type"`
	OpeningBalance string             `json:"opening_balance"`
	Debit          string             `json:"debit"`
	Credit         string             `json:"credit"`
	ClosingBalance string             `json:"closing_balance"`
	Lines          []LedgerLine       `json:"lines"`
}

// LedgerLine is one line of a general ledger with the balance after it.
type LedgerLine struct {
	Date        string `json:"date"`
	EntryID     int64  `json:"entry_id"`
	EntryNumber string `json:"entry_number"`
	LineNo      int    `json:"line_no"`
	Description string `json:"description"`
	Reference   string `json:"reference"`
	Debit       string `json:"debit"`
	Credit      string `json:"credit"`
	Balance     string `json:"balance"`
	Currency    string `json:"currency"`
	Amount      string `json:"amount"`
}

// NewGeneralLedger prepares the general ledger of one account (or all when
// account is nil) over from..to. It reads nothing yet; ReadPage and the
// Table's stream read with ctx.
func NewGeneralLedger(ctx context.Context, st Store, ent *ledger.Entity, from, to ledger.Date, account *ledger.Account) *GeneralLedger {
	return &GeneralLedger{Entity: ent.ID, From: from.String(), To: to.String(), Currency: ent.Currency, Accounts: []LedgerAccount{},
		ctx: ctx, st: st, ent: ent, from: from, to: to, only: account}
}

// LedgerPosition is where a page of the general ledger continues: at the
// start of an account, or after a line of it.
type LedgerPosition struct {
	Account string
	After   *ledger.LedgerCursor
}

// String is the cursor's text: "8000" or "8000 2026-03-31 42 2".
func (p *LedgerPosition) String() string {
	if p.After == nil {
		return p.Account
	}
	return fmt.Sprintf("%s %s %d %d", p.Account, p.After.Date, p.After.EntryID, p.After.LineNo)
}

// ParseLedgerPosition reads what String wrote.
func ParseLedgerPosition(s string) (*LedgerPosition, error) {
	f := strings.Fields(s)
	switch len(f) {
	case 1:
		return &LedgerPosition{Account: f[0]}, nil
	case 4:
		var c ledger.LedgerCursor
		if err := c.Date.UnmarshalText([]byte(f[1])); err != nil {
			return nil, err
		}
		if _, err := fmt.Sscanf(f[2]+" "+f[3], "%d %d", &c.EntryID, &c.LineNo); err != nil {
			return nil, err
		}
		return &LedgerPosition{Account: f[0], After: &c}, nil
	}
	return nil, errors.New("not a general ledger cursor")
}

// ledgerAccount is an account with its balances for the period.
type ledgerAccount struct {
	acc              *ledger.Account
	opening, closing int64
	period           ledger.Totals
}

// accounts lists the accounts the ledger shows, in code order: the one
// asked for, or every account with lines in the period or a balance at its
// start. Call it within a snapshot.
func (gl *GeneralLedger) accounts(ctx context.Context, st Store) ([]ledgerAccount, error) {
	chart := []*ledger.Account{gl.only}
	if gl.only == nil {
		var err error
		if chart, err = st.Accounts(ctx, gl.ent.ID, true); err != nil {
			return nil, err
		}
	}
	var id int64
	if gl.only != nil {
		id = gl.only.ID
	}
	before, err := st.Balances(ctx, gl.ent.ID, gl.from.AddDays(-1), id)
	if err != nil {
		return nil, err
	}
	after, err := st.Balances(ctx, gl.ent.ID, gl.to, id)
	if err != nil {
		return nil, err
	}
	period := movement(before, after)
	out := make([]ledgerAccount, 0, len(chart))
	for _, a := range chart {
		la := ledgerAccount{acc: a, opening: before[a.ID].Net(), closing: after[a.ID].Net(), period: period[a.ID]}
		if gl.only == nil && la.opening == 0 && la.period == (ledger.Totals{}) {
			continue
		}
		out = append(out, la)
	}
	return out, nil
}

func (la *ledgerAccount) view(a *amounts) LedgerAccount {
	return LedgerAccount{Code: la.acc.Code, Name: la.acc.Name, Type: la.acc.Type,
		OpeningBalance: a.format(la.opening), ClosingBalance: a.format(la.closing),
		Debit: a.format(la.period.DebitMinor), Credit: a.format(la.period.CreditMinor), Lines: []LedgerLine{}}
}

// ReadPage reads at most limit lines from the position after (nil: the
// start), with every account they belong to, and the cursor of the next
// page when there is more.
func (gl *GeneralLedger) ReadPage(after *LedgerPosition, limit int) error {
	a := newAmounts(gl.ent.Currency)
	return gl.st.LedgerSnapshot(gl.ctx, func(st Store) error {
		ctx := gl.ctx
		list, err := gl.accounts(ctx, st)
		if err != nil {
			return err
		}
		remaining := limit
		// The cursor's account is found by its place in the list, not by
		// comparing codes in Go: the list is in the database's collation
		// order, which need not be Go's byte order.
		start := 0
		if after != nil {
			start = slices.IndexFunc(list, func(la ledgerAccount) bool { return la.acc.Code == after.Account })
			if start < 0 {
				var p ledger.Problems
				p.Add("cursor", ledger.ReasonCursorInvalid, "cursor is not one this API returned for this report")
				return p.Err()
			}
		}
		for i := start; i < len(list); i++ {
			la := &list[i]
			var from *ledger.LedgerCursor
			if after != nil && i == start {
				from = after.After
			}
			if remaining == 0 {
				gl.HasMore = true
				next := (&LedgerPosition{Account: la.acc.Code}).String()
				gl.NextCursor = &next
				return nil
			}
			v := la.view(a)
			if la.period == (ledger.Totals{}) { // no lines: nothing to read
				gl.Accounts = append(gl.Accounts, v)
				continue
			}
			running, lines, err := st.AccountLedger(ctx, gl.ent.ID, la.acc.ID, gl.from, gl.to, from, remaining)
			if err != nil {
				return err
			}
			more := len(lines) > remaining
			if more {
				lines = lines[:remaining]
			}
			for _, l := range lines {
				running += l.DebitMinor - l.CreditMinor
				v.Lines = append(v.Lines, LedgerLine{Date: l.Date.String(), EntryID: l.EntryID,
					EntryNumber: ledger.FormatEntryNumber(l.FiscalYear, l.Number), LineNo: l.LineNo,
					Description: firstNonEmpty(l.Description, l.EntryText), Reference: l.Reference,
					Debit: a.format(l.DebitMinor), Credit: a.format(l.CreditMinor), Balance: a.format(running),
					Currency: l.Currency, Amount: newAmounts(l.Currency).format(l.AmountMinor)})
			}
			gl.Accounts = append(gl.Accounts, v)
			remaining -= len(lines)
			if more {
				last := lines[len(lines)-1]
				gl.HasMore = true
				next := (&LedgerPosition{Account: la.acc.Code, After: &ledger.LedgerCursor{Date: last.Date, EntryID: last.EntryID, LineNo: last.LineNo}}).String()
				gl.NextCursor = &next
				return nil
			}
		}
		return nil
	})
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// ledgerColumns are the general ledger's table columns.
func ledgerColumns(lang string) []Column {
	return []Column{
		// The PDF heads each account's lines with its code and name
		// (Group), so the other widths are millimetres of the 170 of an A4
		// page: dates, entry numbers and amounts fit whole, references
		// mostly; descriptions take what is left and wrap.
		{Key: "account", Title: tr(lang, "Rekening", "Account"), Kind: Text, Width: 13, Group: true},
		{Key: "account_name", Title: tr(lang, "Rekeningnaam", "Account name"), Kind: Text, Width: 20, Group: true},
		{Key: "date", Title: tr(lang, "Datum", "Date"), Kind: Date, Width: 21.5},
		{Key: "entry", Title: tr(lang, "Boeking", "Entry"), Kind: Text, Width: 21.5},
		{Key: "description", Title: tr(lang, "Omschrijving", "Description"), Kind: Text, Width: 45},
		{Key: "reference", Title: tr(lang, "Referentie", "Reference"), Kind: Text, Width: 21},
		{Key: "debit", Title: tr(lang, "Debet", "Debit"), Kind: Money, Width: 20},
		{Key: "credit", Title: tr(lang, "Credit", "Credit"), Kind: Money, Width: 20},
		{Key: "balance", Title: tr(lang, "Saldo", "Balance"), Kind: Money, Width: 21},
	}
}

// Table is the whole period's general ledger for CSV and PDF. Its rows
// stream: per account an opening balance row, one row per line (amount in
// its debit or credit column, the running balance) and a closing row with
// the period's totals. All reads happen in one snapshot while the rows are
// consumed, with the context the ledger was made with.
func (gl *GeneralLedger) Table(lang string) *Table {
	var header []string
	if gl.only != nil {
		// Under the title, not in it: an account's name can be long.
		header = []string{tr(lang, "Rekening ", "Account ") + gl.only.Code + " " + gl.only.Name}
	}
	return &Table{
		Report: "general_ledger", Title: tr(lang, "Grootboek", "General ledger"), Header: header, Entity: gl.ent.Name, Period: PeriodText(gl.from, gl.to, lang),
		Language: lang, Currency: gl.Currency,
		Sections: []Section{{Columns: ledgerColumns(lang), Empty: tr(lang, "Geen rekeningen met een saldo of boekingen in deze periode.",
			"No accounts with a balance or entries in this period.")}},
		Stream: gl.stream(lang),
	}
}

// errStopped ends a stream whose consumer stopped asking for rows.
var errStopped = errors.New("stream stopped")

func (gl *GeneralLedger) stream(lang string) iter.Seq2[Row, error] {
	return func(yield func(Row, error) bool) {
		a := newAmounts(gl.ent.Currency)
		openingText, closingText := tr(lang, "Beginsaldo", "Opening balance"), tr(lang, "Eindsaldo", "Closing balance")
		from, to := gl.from.String(), gl.to.String()
		var (
			buf          []byte
			lastDate     ledger.Date
			lastDateText string
			list         []ledgerAccount
			next         int            // the first account of list not yet begun
			cur          *ledgerAccount // the account whose lines are coming
			running      int64
		)
		opening := func(la *ledgerAccount) bool {
			return yield(Row{Cells: []string{la.acc.Code, la.acc.Name, from, "", openingText, "", "", "", a.format(la.opening)}, Style: Note}, nil)
		}
		// closing ends an account, first checking that its lines add up to
		// its stored balance: a ledger that contradicts the balance sheet
		// (law 7 broken) is an error, not a report.
		closing := func(la *ledgerAccount, end int64) error {
			if end != la.closing {
				return ledger.Internal(fmt.Errorf("general ledger of account %s: lines end at %d, stored balance %d", la.acc.Code, end, la.closing))
			}
			row := Row{Cells: []string{la.acc.Code, la.acc.Name, to, "", closingText, "", a.format(la.period.DebitMinor),
				a.format(la.period.CreditMinor), a.format(la.closing)}, Style: Subtotal}
			if !yield(row, nil) {
				return errStopped
			}
			return nil
		}
		// skipTo writes the accounts before id that have no lines (only a
		// balance): the lines come in the list's order.
		skipTo := func(id int64) error {
			for ; next < len(list) && (id == 0 || list[next].acc.ID != id); next++ {
				if !opening(&list[next]) {
					return errStopped
				}
				if err := closing(&list[next], list[next].opening); err != nil {
					return err
				}
			}
			if id != 0 && next == len(list) {
				return ledger.Internal(fmt.Errorf("general ledger: lines of account %d, which has no movement in the period", id))
			}
			return nil
		}
		err := gl.st.LedgerSnapshot(gl.ctx, func(st Store) error {
			ctx := gl.ctx
			var err error
			if list, err = gl.accounts(ctx, st); err != nil {
				return err
			}
			var only int64
			if gl.only != nil {
				only = gl.only.ID
			}
			err = st.StreamLedger(ctx, gl.ent.ID, only, gl.from, gl.to, func(id int64, l *ledger.LedgerLine) error {
				if cur == nil || cur.acc.ID != id {
					if cur != nil {
						if err := closing(cur, running); err != nil {
							return err
						}
					}
					if err := skipTo(id); err != nil {
						return err
					}
					cur, running = &list[next], list[next].opening
					next++
					if !opening(cur) {
						return errStopped
					}
				}
				running += l.DebitMinor - l.CreditMinor
				if l.Date.Compare(lastDate) != 0 || lastDateText == "" {
					lastDate, lastDateText = l.Date, l.Date.String()
				}
				buf = appendEntryNumber(buf[:0], l.FiscalYear, l.Number)
				var debit, credit string
				if l.DebitMinor != 0 {
					debit = a.format(l.DebitMinor)
				}
				if l.CreditMinor != 0 {
					credit = a.format(l.CreditMinor)
				}
				row := Row{Cells: []string{cur.acc.Code, cur.acc.Name, lastDateText, string(buf), firstNonEmpty(l.Description, l.EntryText),
					l.Reference, debit, credit, a.format(running)}}
				if !yield(row, nil) {
					return errStopped
				}
				return nil
			})
			if err != nil {
				return err
			}
			if cur != nil {
				if err := closing(cur, running); err != nil {
					return err
				}
			}
			return skipTo(0)
		})
		if err != nil && !errors.Is(err, errStopped) {
			yield(Row{}, err)
		}
	}
}
