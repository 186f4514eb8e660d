// Package reports builds the financial reports of an entity from its
// ledger: trial balance, balance sheet, income statement, general ledger
// and journal, and closes fiscal years. Builders take their data from a
// small store interface and return typed reports (the JSON answers); every
// report can also describe itself as a Table, which the renderers turn into
// CSV (api) and PDF (invoicing/pdf) without knowing the report.
//
// No database and no HTTP here.
package reports

import "iter"

// Kind says how a column's cells are written.
type Kind int

const (
	Text   Kind = iota
	Money       // a plain decimal string ("-1234.50"); PDFs format it by language
	Date        // YYYY-MM-DD; PDFs format it by language
	Number      // a plain decimal or integer that is not money (quantities, days)
)

// Column is one column of a table.
type Column struct {
	Key   string  // CSV header and stable name: "account", "debit"
	Title string  // the heading in the table's language
	Kind  Kind    //
	Width float64 // relative width in PDFs (0: even share)
	// Group marks a column whose value runs unchanged over rows (a general
	// ledger's account, a journal's entry): the PDF leaves it out of the
	// table and prints the group columns' values as a heading above each
	// run instead, again on every page the run continues on. CSV writes it
	// in every row like any column.
	Group bool `json:",omitempty"`
}

// Style marks rows that are not plain lines.
type Style int

const (
	Line     Style = iota
	Heading        // a group's heading (account type, parent account)
	Subtotal       // a group's total
	Total          // the table's total
	Note           // a line of text across the table (opening balance, remarks)
)

// Row is one row: one cell per column (empty where nothing is shown).
type Row struct {
	Cells []string
	Style Style
	Level int // indentation of the first cell, for nested groups
}

// Section is a part of a table with its own heading (the balance sheet's
// assets, and liabilities and equity; a statement's aging). Renderers may
// start a section on the same page.
type Section struct {
	Title   string
	Columns []Column
	Rows    []Row
	// Empty is what the PDF says in place of the table when the section
	// has no rows but Subtotal and Total rows (the totals of nothing are
	// left out): "Geen kosten in deze periode." Without it such a section
	// prints its totals, and one without any rows a generic text. CSV
	// writes the rows as they are.
	Empty string `json:",omitempty"`
	// Recap rows repeat figures of earlier sections for the reader (an
	// income statement's revenue and expenses above its result): the PDF
	// prints them before Rows; CSV, which holds them already, leaves them
	// out.
	Recap []Row `json:",omitempty"`
}

// Table is a report as rows for the renderers.
type Table struct {
	Report   string // stable name: "trial_balance", "balance_sheet", ...
	Title    string // in the table's language: "Balans", "Balance sheet"
	Entity   string // the entity's name
	Period   string // in the table's language: "per 31-12-2026", "1 January - 31 December 2026"
	Language string // "nl" or "en"
	Currency string
	// Header lines under the title (a bank account's IBAN).
	Header []string
	// Sender is the entity's address and VAT number, printed under its
	// name at the top of the first page (Sender.Name and Label are not
	// printed: the name is Entity's); Recipient is who the report is
	// addressed to (a statement's customer), printed under its Label.
	// PDF only.
	Sender, Recipient *Party
	Sections          []Section
	// Stream, when not nil, yields the rows of a one-section table instead
	// of Sections[0].Rows, for outputs too large to hold (a general ledger of
	// a million lines): CSV writes them as they come, in constant memory.
	Stream iter.Seq2[Row, error]
}

// Party is a name and postal address on a report's first page. Country is
// an ISO 3166-1 alpha-2 code, which the PDF writes as the country's name
// in the table's language (as invoices do).
type Party struct {
	Label     string // "Klant", "Customer"
	Name      string
	Lines     []string
	Postcode  string
	City      string
	Country   string
	VATNumber string
}
