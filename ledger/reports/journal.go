package reports

import (
	"context"
	"errors"
	"fmt"
	"iter"

	"backoffice/ledger"
)

// Journal is the entries dated in a period in number order (fiscal year,
// then number), each with its lines. Like the general ledger it is never
// built whole: the JSON answer is a page of entries (ReadPage) and the
// Table streams every line.
type Journal struct {
	Entity     int64          `json:"entity"`
	From       string         `json:"from"`
	To         string         `json:"to"`
	Currency   string         `json:"currency"`
	Entries    []JournalEntry `json:"entries"`
	HasMore    bool           `json:"has_more"`
	NextCursor *string        `json:"next_cursor"`

	ctx      context.Context
	st       Store
	ent      *ledger.Entity
	from, to ledger.Date
}

// JournalEntry is one entry of the journal.
type JournalEntry struct {
	ID          int64              `json:"id"`
	Number      string             `json:"number"`
	FiscalYear  int                `json:"fiscal_year"`
	Date        string             `json:"date"`
	Description string             `json:"description"`
	Reference   string             `json:"reference"`
	Reverses    *int64             `json:"reverses"`
	Total       string             `json:"total"`
	Lines       []JournalEntryLine `json:"lines"`
}

// JournalEntryLine is one line of a journal entry.
type JournalEntryLine struct {
	LineNo      int    `json:"line_no"`
	Account     string `json:"account"`
	AccountName string `json:"account_name"`
	Description string `json:"description"`
	Debit       string `json:"debit"`
	Credit      string `json:"credit"`
	Currency    string `json:"currency"`
	Amount      string `json:"amount"`
}

// NewJournal prepares the journal of from..to; it reads nothing yet.
func NewJournal(ctx context.Context, st Store, ent *ledger.Entity, from, to ledger.Date) *Journal {
	return &Journal{Entity: ent.ID, From: from.String(), To: to.String(), Currency: ent.Currency, Entries: []JournalEntry{},
		ctx: ctx, st: st, ent: ent, from: from, to: to}
}

// JournalCursorString is a journal cursor's text: "2026 42".
func JournalCursorString(c ledger.JournalCursor) string {
	return fmt.Sprintf("%d %d", c.FiscalYear, c.Number)
}

// ParseJournalCursor reads what JournalCursorString wrote.
func ParseJournalCursor(s string) (*ledger.JournalCursor, error) {
	var c ledger.JournalCursor
	if n, err := fmt.Sscanf(s, "%d %d", &c.FiscalYear, &c.Number); err != nil || n != 2 {
		return nil, errors.New("not a journal cursor")
	}
	return &c, nil
}

// errPageFull stops the read of a page at its first entry too many.
var errPageFull = errors.New("page full")

// ReadPage reads at most limit entries after the cursor (nil: from the
// first), and the cursor of the next page when there are more.
func (j *Journal) ReadPage(after *ledger.JournalCursor, limit int) error {
	a := newAmounts(j.ent.Currency)
	var totals, numbers []int64 // per entry of the page
	err := j.st.StreamJournal(j.ctx, j.ent, j.from, j.to, after, limit+1, func(l *ledger.JournalLine) error {
		n := len(j.Entries)
		if n == 0 || j.Entries[n-1].ID != l.EntryID {
			if n == limit {
				return errPageFull
			}
			j.Entries = append(j.Entries, JournalEntry{ID: l.EntryID, Number: ledger.FormatEntryNumber(l.FiscalYear, l.Number),
				FiscalYear: l.FiscalYear, Date: l.Date.String(), Description: l.EntryText, Reference: l.Reference,
				Reverses: l.ReversesID, Lines: []JournalEntryLine{}})
			totals, numbers = append(totals, 0), append(numbers, l.Number)
			n++
		}
		e := &j.Entries[n-1]
		totals[n-1] += l.DebitMinor // an entry's debits are bounded (ledger.MaxLines)
		e.Lines = append(e.Lines, JournalEntryLine{LineNo: l.LineNo, Account: l.AccountCode, AccountName: l.AccountName,
			Description: l.Description, Debit: a.format(l.DebitMinor), Credit: a.format(l.CreditMinor),
			Currency: l.Currency, Amount: newAmounts(l.Currency).format(l.AmountMinor)})
		return nil
	})
	if errors.Is(err, errPageFull) {
		last := j.Entries[len(j.Entries)-1]
		next := JournalCursorString(ledger.JournalCursor{FiscalYear: last.FiscalYear, Number: numbers[len(numbers)-1]})
		j.HasMore, j.NextCursor, err = true, &next, nil
	}
	for i := range j.Entries {
		j.Entries[i].Total = a.format(totals[i])
	}
	return err
}

// Table is the journal for CSV and PDF: one row per line with its entry's
// date, number and reference, and the period's totals at the end. The rows
// stream from one database cursor.
func (j *Journal) Table(lang string) *Table {
	return &Table{
		Report: "journal", Title: tr(lang, "Journaal", "Journal"), Entity: j.ent.Name, Period: PeriodText(j.from, j.to, lang),
		Language: lang, Currency: j.Currency,
		Sections: []Section{{Columns: []Column{
			// The PDF heads each entry's lines with its date and number
			// (Group); the other widths are millimetres of the 170 of an
			// A4 page.
			{Key: "date", Title: tr(lang, "Datum", "Date"), Kind: Date, Width: 21, Group: true},
			{Key: "entry", Title: tr(lang, "Boeking", "Entry"), Kind: Text, Width: 23, Group: true},
			{Key: "account", Title: tr(lang, "Rekening", "Account"), Kind: Text, Width: 16},
			{Key: "account_name", Title: tr(lang, "Rekeningnaam", "Account name"), Kind: Text, Width: 36},
			{Key: "description", Title: tr(lang, "Omschrijving", "Description"), Kind: Text, Width: 53},
			{Key: "reference", Title: tr(lang, "Referentie", "Reference"), Kind: Text, Width: 21},
			{Key: "debit", Title: tr(lang, "Debet", "Debit"), Kind: Money, Width: 22},
			{Key: "credit", Title: tr(lang, "Credit", "Credit"), Kind: Money, Width: 22},
		}, Empty: tr(lang, "Geen boekingen in deze periode.", "No entries in this period.")}},
		Stream: j.stream(lang),
	}
}

func (j *Journal) stream(lang string) iter.Seq2[Row, error] {
	return func(yield func(Row, error) bool) {
		a := newAmounts(j.ent.Currency)
		var dr, cr int64
		var buf []byte
		var lastDate ledger.Date
		var lastDateText string
		err := j.st.LedgerSnapshot(j.ctx, func(st Store) error {
			return st.StreamJournal(j.ctx, j.ent, j.from, j.to, nil, 0, func(l *ledger.JournalLine) error {
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
				if !add(&dr, l.DebitMinor) || !add(&cr, l.CreditMinor) {
					return overflow()
				}
				if !yield(Row{Cells: []string{lastDateText, string(buf), l.AccountCode, l.AccountName,
					firstNonEmpty(l.Description, l.EntryText), l.Reference, debit, credit}}, nil) {
					return errStopped
				}
				return nil
			})
		})
		switch {
		case errors.Is(err, errStopped):
		case err != nil:
			yield(Row{}, err)
		default:
			yield(Row{Cells: []string{"", "", "", "", tr(lang, "Totaal", "Total"), "", a.format(dr), a.format(cr)}, Style: Total}, nil)
		}
	}
}
