package api

import (
	"fmt"
	"mime"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"backoffice/api/cursor"
	"backoffice/ledger"
	"backoffice/ledger/bank"
	"backoffice/ledger/money"
	"backoffice/ledger/reports"
)

// Bank reconciliation: bank accounts, statement imports, matching, cash
// application and the reconciliation report. The firm's staff only.

const (
	statementImportRoute       = "/v1/entities/:entity/bank-accounts/:bank/statements"
	entityStatementImportRoute = "/v1/entities/:entity/bank-statements"
)

type bankAccountView struct {
	ID                int64            `json:"id"`
	EntityID          int64            `json:"entity_id"`
	Account           string           `json:"account"`
	Name              string           `json:"name"`
	IBAN              string           `json:"iban"`
	Currency          string           `json:"currency"`
	MatchWindowDays   int              `json:"match_window_days"`
	CSVMapping        *bank.CSVMapping `json:"csv_mapping"`
	PaymentFileFormat string           `json:"payment_file_format"`
	CreatedAt         time.Time        `json:"created_at"`
	UpdatedAt         time.Time        `json:"updated_at"`
}

func viewBankAccount(a *bank.Account) bankAccountView {
	return bankAccountView{ID: a.ID, EntityID: a.EntityID, Account: a.AccountCode, Name: a.Name, IBAN: a.IBAN, Currency: a.Currency,
		MatchWindowDays: a.MatchWindowDays, CSVMapping: a.CSVMapping, PaymentFileFormat: a.PaymentFileFormat, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
}

type statementView struct {
	ID             int64               `json:"id"`
	BankAccountID  int64               `json:"bank_account_id"`
	Seq            int                 `json:"seq"`
	StatementID    string              `json:"statement_id"`
	Format         string              `json:"format"`
	From           ledger.Date         `json:"from"`
	To             ledger.Date         `json:"to"`
	OpeningBalance string              `json:"opening_balance"`
	ClosingBalance string              `json:"closing_balance"`
	LineCount      int                 `json:"line_count"`
	FileName       string              `json:"file_name"`
	FileSHA256     string              `json:"file_sha256"`
	CreatedAt      time.Time           `json:"created_at"`
	Lines          []statementLineView `json:"lines,omitempty"`
}

func viewStatement(st *bank.Statement, exp int) statementView {
	v := statementView{ID: st.ID, BankAccountID: st.BankAccountID, Seq: st.Seq, StatementID: st.Ref, Format: st.Format, From: st.From, To: st.To,
		OpeningBalance: money.Format(st.OpeningMinor, exp), ClosingBalance: money.Format(st.ClosingMinor, exp), LineCount: st.LineCount,
		FileName: st.FileName, FileSHA256: st.SHA256, CreatedAt: st.CreatedAt}
	for _, l := range st.Lines {
		v.Lines = append(v.Lines, viewStatementLine(l, exp))
	}
	return v
}

type statementLineView struct {
	ID               int64        `json:"id"`
	StatementID      int64        `json:"statement_id"`
	LineNo           int          `json:"line_no"`
	BookingDate      ledger.Date  `json:"booking_date"`
	ValueDate        *ledger.Date `json:"value_date"`
	Amount           string       `json:"amount"`
	BankRef          string       `json:"bank_ref"`
	EndToEndID       string       `json:"end_to_end_id"`
	Counterparty     string       `json:"counterparty"`
	CounterIBAN      string       `json:"counter_iban"`
	Remittance       string       `json:"remittance"`
	Reference        string       `json:"reference"`
	Kind             string       `json:"kind"`
	MatchID          *int64       `json:"match_id"`
	SuggestedAccount *string      `json:"suggested_account,omitempty"`
	// NamedInvoices are the open invoices an unreconciled incoming line
	// names (one line's GET only).
	NamedInvoices []namedInvoiceView `json:"named_invoices,omitempty"`
}

type namedInvoiceView struct {
	InvoiceID    int64  `json:"invoice_id"`
	Number       string `json:"number"`
	CustomerID   int64  `json:"customer_id"`
	CustomerName string `json:"customer_name"`
	Open         string `json:"open"`
}

func viewStatementLine(l *bank.StatementLine, exp int) statementLineView {
	return statementLineView{ID: l.ID, StatementID: l.StatementID, LineNo: l.LineNo, BookingDate: l.BookingDate, ValueDate: l.ValueDate,
		Amount: money.Format(l.AmountMinor, exp), BankRef: l.BankRef, EndToEndID: l.EndToEndID, Counterparty: l.Counterparty,
		CounterIBAN: l.CounterIBAN, Remittance: l.Remittance, Reference: l.Reference, Kind: l.Kind, MatchID: l.MatchID}
}

type bankLedgerLineView struct {
	EntryID     int64       `json:"entry_id"`
	LineNo      int         `json:"line_no"`
	EntryNumber string      `json:"entry_number"`
	Date        ledger.Date `json:"date"`
	Amount      string      `json:"amount"`
	Reference   string      `json:"reference"`
	Description string      `json:"description"`
	ReversesID  *int64      `json:"reverses_id"`
	MatchID     *int64      `json:"match_id"`
}

func viewBankLedgerLine(l *bank.LedgerLine, exp int) bankLedgerLineView {
	return bankLedgerLineView{EntryID: l.EntryID, LineNo: l.LineNo, EntryNumber: fmt.Sprintf("%d-%06d", l.FiscalYear, l.Number), Date: l.Date,
		Amount: money.Format(l.AmountMinor, exp), Reference: l.Reference, Description: l.Description, ReversesID: l.ReversesID, MatchID: l.MatchID}
}

type matchView struct {
	ID             int64                `json:"id"`
	BankAccountID  int64                `json:"bank_account_id"`
	Rule           string               `json:"rule"`
	PaymentID      *int64               `json:"payment_id"`
	Amount         string               `json:"amount"`
	StatementLines []statementLineView  `json:"statement_lines"`
	LedgerLines    []bankLedgerLineView `json:"ledger_lines"`
	CreatedAt      time.Time            `json:"created_at"`
	CreatedBy      int64                `json:"created_by"`
}

func viewMatch(m *bank.Match, exp int) matchView {
	v := matchView{ID: m.ID, BankAccountID: m.BankAccountID, Rule: m.Rule, PaymentID: m.PaymentID, CreatedAt: m.CreatedAt, CreatedBy: m.CreatedBy,
		StatementLines: []statementLineView{}, LedgerLines: []bankLedgerLineView{}}
	var total int64
	for _, l := range m.StatementLines {
		v.StatementLines = append(v.StatementLines, viewStatementLine(l, exp))
		total += l.AmountMinor
	}
	if len(m.StatementLines) == 0 {
		for _, l := range m.LedgerLines {
			total += l.AmountMinor
		}
	}
	for _, l := range m.LedgerLines {
		v.LedgerLines = append(v.LedgerLines, viewBankLedgerLine(l, exp))
	}
	v.Amount = money.Format(total, exp)
	return v
}

func viewMatches(ms []*bank.Match, exp int) []matchView {
	out := make([]matchView, len(ms))
	for i, m := range ms {
		out[i] = viewMatch(m, exp)
	}
	return out
}

// bankAccountParam loads the :bank bank account of the entity.
func (s *Server) bankAccountParam(c *gin.Context) (*bank.Account, bool) {
	id, err := idParam(c, "bank", "bank account")
	if err != nil {
		s.fail(c, err)
		return nil, false
	}
	a, err := s.bank.BankAccount(c.Request.Context(), entity(c).ID, id)
	if err != nil {
		s.fail(c, err)
		return nil, false
	}
	return a, true
}

func currencyExp(cur string) int {
	e, _ := money.Exponent(cur)
	return e
}

func (s *Server) listBankAccounts(c *gin.Context) {
	list, err := s.bank.BankAccounts(c.Request.Context(), entity(c).ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := make([]bankAccountView, len(list))
	for i, a := range list {
		out[i] = viewBankAccount(a)
	}
	c.JSON(http.StatusOK, page[bankAccountView]{Data: out})
}

func (s *Server) createBankAccount(c *gin.Context) {
	var in bank.AccountInput
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	a, err := s.bank.CreateBankAccount(c.Request.Context(), principal(c), entity(c), &in)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Location", fmt.Sprintf("/v1/entities/%d/bank-accounts/%d", a.EntityID, a.ID))
	c.JSON(http.StatusCreated, viewBankAccount(a))
}

func (s *Server) getBankAccount(c *gin.Context) {
	if a, ok := s.bankAccountParam(c); ok {
		c.JSON(http.StatusOK, viewBankAccount(a))
	}
}

func (s *Server) updateBankAccount(c *gin.Context) {
	id, err := idParam(c, "bank", "bank account")
	if err != nil {
		s.fail(c, err)
		return
	}
	var in bank.AccountInput
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	a, err := s.bank.UpdateBankAccount(c.Request.Context(), principal(c), entity(c), id, &in)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, viewBankAccount(a))
}

type importView struct {
	Statements   []statementView `json:"statements"`
	Created      bool            `json:"created"`
	LinesAdded   int             `json:"lines_added"`
	LinesSkipped int             `json:"lines_skipped"`
	AutoMatched  int             `json:"auto_matched"`
	Notices      []noticeView    `json:"notices"`
}

// noticeView is something the import accepted that a person should know
// of: a CAMT line booked outside its statement's period, accepted because
// the balances chain.
type noticeView struct {
	Path        string        `json:"path"`
	Reason      ledger.Reason `json:"reason"`
	Message     string        `json:"message"`
	StatementID string        `json:"statement_id"`
	BankRef     string        `json:"bank_ref"`
	BookingDate ledger.Date   `json:"booking_date"`
	PeriodFrom  ledger.Date   `json:"period_from"`
	PeriodTo    ledger.Date   `json:"period_to"`
}

// importStatement takes the file as the body: CAMT.053 as application/xml
// (or text/xml), CSV as text/csv; ?format= names it otherwise. The answer
// is 201 when the file added a statement, 200 when it was all imported
// before.
func (s *Server) importStatement(c *gin.Context) {
	a, ok := s.bankAccountParam(c)
	if !ok {
		return
	}
	in := &bank.ImportInput{}
	if v := c.Query("opening_balance"); v != "" {
		minor, err := signedAmount(v, currencyExp(a.Currency))
		if err != nil {
			s.fail(c, invalidParam("opening_balance", ledger.ReasonAmountInvalid, "opening_balance %q is not a plain decimal amount like \"-1234.50\"", v))
			return
		}
		in.Opening = &minor
	}
	if !s.statementFile(c, in) {
		return
	}
	res, err := s.bank.ImportStatement(c.Request.Context(), principal(c), entity(c), a.ID, in)
	if err != nil {
		s.fail(c, err)
		return
	}
	status := http.StatusOK
	if res.Created {
		status = http.StatusCreated
	}
	c.JSON(status, viewImport(res, currencyExp(a.Currency)))
}

// statementFile reads what every statement import takes: file_name,
// format (else the Content-Type), auto_match and the file as the body.
func (s *Server) statementFile(c *gin.Context, in *bank.ImportInput) bool {
	in.FileName = c.Query("file_name")
	if utf8.RuneCountInString(in.FileName) > 255 {
		s.fail(c, invalidParam("file_name", ledger.ReasonFileNameInvalid, "file_name is longer than 255 characters"))
		return false
	}
	switch f := strings.ToLower(c.Query("format")); f {
	case bank.FormatCAMT053, bank.FormatCSV:
		in.Format = f
	case "":
		mt, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
		switch mt {
		case "application/xml", "text/xml":
			in.Format = bank.FormatCAMT053
		case "text/csv":
			in.Format = bank.FormatCSV
		default:
			s.fail(c, ledger.Errorf(ledger.CodeUnsupported, ledger.ReasonContentTypeUnsupported,
				"send a CAMT.053 file as application/xml or a CSV file as text/csv (or name it with ?format=camt053|csv), not %q", c.GetHeader("Content-Type")))
			return false
		}
	default:
		s.fail(c, invalidParam("format", ledger.ReasonFormatInvalid, "format %q is not one of camt053, csv", c.Query("format")))
		return false
	}
	if v, ok := c.GetQuery("auto_match"); ok {
		b, err := strconv.ParseBool(v)
		if err != nil {
			s.fail(c, invalidParam("auto_match", ledger.ReasonParameterInvalid, "auto_match is true or false"))
			return false
		}
		in.NoAutoMatch = !b
	}
	body, err := readBody(c)
	if err != nil {
		s.fail(c, err)
		return false
	}
	if len(body) == 0 {
		s.fail(c, ledger.Errorf(ledger.CodeMalformed, ledger.ReasonBodyEmpty, "the request body is empty; send the statement file"))
		return false
	}
	in.Data = body
	return true
}

func viewImport(res *bank.ImportResult, exp int) importView {
	out := importView{Statements: []statementView{}, Created: res.Created, LinesAdded: res.LinesAdded, LinesSkipped: res.LinesSkipped, AutoMatched: res.AutoMatched,
		Notices: []noticeView{}}
	for _, n := range res.Notices {
		out.Notices = append(out.Notices, noticeView{Path: n.Path, Reason: n.Reason, Message: n.Message, StatementID: n.StatementRef,
			BankRef: n.BankRef, BookingDate: n.BookingDate, PeriodFrom: n.From, PeriodTo: n.To})
	}
	for _, st := range res.Statements {
		out.Statements = append(out.Statements, viewStatement(st, exp))
	}
	return out
}

// entityImportView is what an entity's import did, per bank account, with
// the IBANs it skipped and the totals.
type entityImportView struct {
	Accounts     []accountImportView `json:"accounts"`
	Skipped      []skippedIBANView   `json:"skipped"`
	Created      bool                `json:"created"`
	LinesAdded   int                 `json:"lines_added"`
	LinesSkipped int                 `json:"lines_skipped"`
	AutoMatched  int                 `json:"auto_matched"`
}

type accountImportView struct {
	BankAccountID int64  `json:"bank_account_id"`
	IBAN          string `json:"iban"`
	importView
}

type skippedIBANView struct {
	IBAN       string `json:"iban"`
	Path       string `json:"path"`
	Statements int    `json:"statements"`
	Lines      int    `json:"lines"`
}

// importEntityStatements imports a file of several accounts (CAMT.053
// statements, or a CSV export with an IBAN column read with the mapping
// of ?bank_account=) into the entity's bank accounts by IBAN, all or
// nothing. IBANs the entity has no bank account for are answered in
// `skipped`, or refused with iban_unknown when ?strict=true.
func (s *Server) importEntityStatements(c *gin.Context) {
	in := &bank.EntityImportInput{}
	if _, ok := c.GetQuery("opening_balance"); ok {
		s.fail(c, invalidParam("opening_balance", ledger.ReasonOpeningBalanceUnused,
			"the entity's import takes no opening_balance; import a bank account's first CSV file without balances into the bank account (POST .../bank-accounts/{bank}/statements)"))
		return
	}
	if v, ok := c.GetQuery("bank_account"); ok {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			s.fail(c, invalidParam("bank_account", ledger.ReasonParameterInvalid, "bank_account is the id of a bank account of the entity"))
			return
		}
		in.MappingAccount = n
	}
	if v, ok := c.GetQuery("strict"); ok {
		b, err := strconv.ParseBool(v)
		if err != nil {
			s.fail(c, invalidParam("strict", ledger.ReasonParameterInvalid, "strict is true or false"))
			return
		}
		in.Strict = b
	}
	if !s.statementFile(c, &in.ImportInput) {
		return
	}
	res, err := s.bank.ImportEntityStatements(c.Request.Context(), principal(c), entity(c), in)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := entityImportView{Accounts: []accountImportView{}, Skipped: []skippedIBANView{}}
	for _, ai := range res.Accounts {
		v := accountImportView{BankAccountID: ai.Account.ID, IBAN: ai.Account.IBAN, importView: viewImport(&ai.ImportResult, currencyExp(ai.Account.Currency))}
		out.Accounts = append(out.Accounts, v)
		out.Created = out.Created || ai.Created
		out.LinesAdded += ai.LinesAdded
		out.LinesSkipped += ai.LinesSkipped
		out.AutoMatched += ai.AutoMatched
	}
	for _, sk := range res.Skipped {
		out.Skipped = append(out.Skipped, skippedIBANView{IBAN: sk.IBAN, Path: sk.Where, Statements: sk.Statements, Lines: sk.Lines})
	}
	status := http.StatusOK
	if out.Created {
		status = http.StatusCreated
	}
	c.JSON(status, out)
}

var signedDecimal = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// signedAmount reads a plain decimal that may be negative or zero.
func signedAmount(v string, exp int) (int64, error) {
	if !signedDecimal.MatchString(v) {
		return 0, fmt.Errorf("%q is not a plain decimal", v)
	}
	abs := strings.TrimPrefix(v, "-")
	if strings.Trim(abs, "0.") == "" {
		return 0, nil // zero, which ParseAmount (positive amounts) refuses
	}
	minor, err := money.ParseAmount(abs, exp)
	if err != nil {
		return 0, err
	}
	if abs != v {
		minor = -minor
	}
	return minor, nil
}

func (s *Server) listStatements(c *gin.Context) {
	a, ok := s.bankAccountParam(c)
	if !ok {
		return
	}
	list, err := s.bank.Statements(c.Request.Context(), a.EntityID, a.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := make([]statementView, len(list))
	for i, st := range list {
		out[i] = viewStatement(st, currencyExp(a.Currency))
	}
	c.JSON(http.StatusOK, page[statementView]{Data: out})
}

func (s *Server) getStatement(c *gin.Context) {
	a, id, ok := s.childParam(c, "statement", "statement")
	if !ok {
		return
	}
	st, err := s.bank.Statement(c.Request.Context(), a.EntityID, a.ID, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, viewStatement(st, currencyExp(a.Currency)))
}

// lineFilter reads ?status=, ?from=, ?to= of the line lists.
func lineFilter(c *gin.Context) (bank.LineFilter, error) {
	var f bank.LineFilter
	switch v := c.Query("status"); v {
	case "", "all":
	case "unreconciled", "reconciled":
		f.Status = v
	default:
		return f, invalidParam("status", ledger.ReasonStatusInvalid, "status %q is not one of unreconciled, reconciled, all", v)
	}
	var err error
	if f.From, err = dateParam(c, "from"); err != nil {
		return f, err
	}
	f.To, err = dateParam(c, "to")
	return f, err
}

func (s *Server) listStatementLines(c *gin.Context) {
	a, ok := s.bankAccountParam(c)
	if !ok {
		return
	}
	f, err := lineFilter(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	limit, after, err := idPageParams(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	f.After, f.Limit = after, limit+1
	list, err := s.bank.StatementLines(c.Request.Context(), a.EntityID, a.ID, f)
	if err != nil {
		s.fail(c, err)
		return
	}
	exp := currencyExp(a.Currency)
	views := make([]statementLineView, len(list))
	for i, l := range list {
		views[i] = viewStatementLine(l, exp)
	}
	c.JSON(http.StatusOK, idPage(views, limit, func(v statementLineView) int64 { return v.ID }))
}

func (s *Server) getStatementLine(c *gin.Context) {
	a, id, ok := s.childParam(c, "line", "statement line")
	if !ok {
		return
	}
	ctx := c.Request.Context()
	l, err := s.bank.StatementLine(ctx, a.EntityID, a.ID, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	v := viewStatementLine(l, currencyExp(a.Currency))
	if l.MatchID == nil {
		sug, err := s.bank.SuggestedAccount(ctx, a.EntityID, l)
		if err != nil {
			s.fail(c, err)
			return
		}
		if sug != "" {
			v.SuggestedAccount = &sug
		}
		named, err := s.bank.NamedInvoices(ctx, entity(c), a.ID, l)
		if err != nil {
			s.fail(c, err)
			return
		}
		for _, n := range named {
			v.NamedInvoices = append(v.NamedInvoices, namedInvoiceView{InvoiceID: n.ID, Number: n.Number, CustomerID: n.CustomerID,
				CustomerName: n.CustomerName, Open: money.Format(n.OpenMinor, currencyExp(a.Currency))})
		}
	}
	c.JSON(http.StatusOK, v)
}

// listLedgerLines pages by line: the cursor is the last line's entry and
// line number.
func (s *Server) listLedgerLines(c *gin.Context) {
	a, ok := s.bankAccountParam(c)
	if !ok {
		return
	}
	f, err := lineFilter(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	if f.Limit, err = limitParam(c, maxLimit); err != nil {
		s.fail(c, err)
		return
	}
	limit := f.Limit
	cur, _, err := cursorParam(c, cursor.BankLine)
	if err != nil {
		s.fail(c, err)
		return
	}
	f.After, f.AfterLine = cur.Entry, cur.Line
	f.Limit++
	list, err := s.bank.LedgerLines(c.Request.Context(), entity(c), a.ID, f)
	if err != nil {
		s.fail(c, err)
		return
	}
	exp := currencyExp(a.Currency)
	out := page[bankLedgerLineView]{Data: []bankLedgerLineView{}}
	if len(list) > limit {
		list, out.HasMore = list[:limit], true
		last := list[limit-1]
		out.NextCursor = cursor.BankLine.Encode(cursor.LinePos{Entry: last.EntryID, Line: last.LineNo})
	}
	for _, l := range list {
		out.Data = append(out.Data, viewBankLedgerLine(l, exp))
	}
	c.JSON(http.StatusOK, out)
}

func (s *Server) autoMatch(c *gin.Context) {
	a, ok := s.bankAccountParam(c)
	if !ok {
		return
	}
	ms, err := s.bank.AutoMatch(c.Request.Context(), principal(c), entity(c), a.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, page[matchView]{Data: viewMatches(ms, currencyExp(a.Currency))})
}

type proposalView struct {
	StatementLine statementLineView `json:"statement_line"`
	Kind          string            `json:"kind"`
	CustomerID    int64             `json:"customer_id,omitempty"`
	CustomerName  string            `json:"customer_name,omitempty"`
	SupplierID    int64             `json:"supplier_id,omitempty"`
	SupplierName  string            `json:"supplier_name,omitempty"`
	BatchID       int64             `json:"payment_batch_id,omitempty"`
	Allocations   []allocationView  `json:"allocations"`
}

type allocationView struct {
	InvoiceID         int64  `json:"invoice_id,omitempty"`
	PurchaseInvoiceID int64  `json:"purchase_invoice_id,omitempty"`
	Number            string `json:"number"`
	Amount            string `json:"amount"`
}

func (s *Server) listProposals(c *gin.Context) {
	a, ok := s.bankAccountParam(c)
	if !ok {
		return
	}
	ps, err := s.bank.Proposals(c.Request.Context(), entity(c), a.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	exp := currencyExp(a.Currency)
	out := make([]proposalView, len(ps))
	for i, p := range ps {
		out[i] = proposalView{StatementLine: viewStatementLine(p.Line, exp), Kind: p.Kind, CustomerID: p.CustomerID, CustomerName: p.CustomerName,
			SupplierID: p.SupplierID, SupplierName: p.SupplierName, BatchID: p.BatchID, Allocations: []allocationView{}}
		supplier := p.Kind == bank.ProposalSupplierPayment
		if !supplier {
			out[i].Kind = bank.ProposalCustomerPayment
		}
		for _, al := range p.Allocations {
			v := allocationView{InvoiceID: al.InvoiceID, Number: al.Number, Amount: money.Format(al.AmountMinor, exp)}
			if supplier {
				v.InvoiceID, v.PurchaseInvoiceID = 0, al.InvoiceID
			}
			out[i].Allocations = append(out[i].Allocations, v)
		}
	}
	c.JSON(http.StatusOK, page[proposalView]{Data: out})
}

// childParam loads the :bank bank account and reads the id of one of its
// things (a line, a match) from the path parameter name.
func (s *Server) childParam(c *gin.Context, name, what string) (*bank.Account, int64, bool) {
	a, ok := s.bankAccountParam(c)
	if !ok {
		return nil, 0, false
	}
	id, err := idParam(c, name, what)
	if err != nil {
		s.fail(c, err)
		return nil, 0, false
	}
	return a, id, true
}

func (s *Server) applyCash(c *gin.Context) {
	a, id, ok := s.childParam(c, "line", "statement line")
	if !ok {
		return
	}
	var in bank.CashInput
	if err := decodeOptional(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	m, err := s.bank.ApplyCash(c.Request.Context(), principal(c), entity(c), a.ID, id, &in)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, viewMatch(m, currencyExp(a.Currency)))
}

type lineEntryView struct {
	Match matchView `json:"match"`
	Entry entryView `json:"entry"`
}

func (s *Server) entryFromLine(c *gin.Context) {
	a, id, ok := s.childParam(c, "line", "statement line")
	if !ok {
		return
	}
	var in bank.EntryInput
	if err := decodeOptional(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	m, e, err := s.bank.EntryFromLine(c.Request.Context(), principal(c), entity(c), a.ID, id, &in)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, lineEntryView{Match: viewMatch(m, currencyExp(a.Currency)), Entry: viewEntry(e)})
}

func (s *Server) listMatches(c *gin.Context) {
	a, ok := s.bankAccountParam(c)
	if !ok {
		return
	}
	limit, after, err := idPageParams(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	ms, err := s.bank.Matches(c.Request.Context(), entity(c), a.ID, after, limit+1)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, idPage(viewMatches(ms, currencyExp(a.Currency)), limit, func(v matchView) int64 { return v.ID }))
}

func (s *Server) createMatch(c *gin.Context) {
	a, ok := s.bankAccountParam(c)
	if !ok {
		return
	}
	var in bank.MatchInput
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	m, err := s.bank.Match(c.Request.Context(), principal(c), entity(c), a.ID, &in)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Location", fmt.Sprintf("/v1/entities/%d/bank-accounts/%d/matches/%d", a.EntityID, a.ID, m.ID))
	c.JSON(http.StatusCreated, viewMatch(m, currencyExp(a.Currency)))
}

func (s *Server) getMatch(c *gin.Context) {
	a, id, ok := s.childParam(c, "match", "match")
	if !ok {
		return
	}
	m, err := s.bank.MatchByID(c.Request.Context(), entity(c), a.ID, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, viewMatch(m, currencyExp(a.Currency)))
}

func (s *Server) deleteMatch(c *gin.Context) {
	a, id, ok := s.childParam(c, "match", "match")
	if !ok {
		return
	}
	m, err := s.bank.Unmatch(c.Request.Context(), principal(c), entity(c), a.ID, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, viewMatch(m, currencyExp(a.Currency)))
}

type reconciliationView struct {
	BankAccount              bankAccountView      `json:"bank_account"`
	AsOf                     ledger.Date          `json:"as_of"`
	StartDate                ledger.Date          `json:"start_date"`
	LastStatement            *statementView       `json:"last_statement"`
	StatementBalance         string               `json:"statement_balance"`
	LedgerBalance            string               `json:"ledger_balance"`
	Difference               string               `json:"difference"`
	UnreconciledStatement    []statementLineView  `json:"unreconciled_statement_lines"`
	UnreconciledStatementSum string               `json:"unreconciled_statement_total"`
	UnreconciledLedger       []bankLedgerLineView `json:"unreconciled_ledger_lines"`
	UnreconciledLedgerSum    string               `json:"unreconciled_ledger_total"`
	Unexplained              string               `json:"unexplained"`
	OpeningBalance           string               `json:"opening_balance"`
	BooksBeforeStart         string               `json:"books_before_start"`
	StatementLines           int                  `json:"statement_lines"`
	ReconciledStatementLines int                  `json:"reconciled_statement_lines"`
}

func viewReconciliation(r *bank.Reconciliation) reconciliationView {
	exp := currencyExp(r.Account.Currency)
	v := reconciliationView{BankAccount: viewBankAccount(r.Account), AsOf: r.AsOf, StartDate: r.Start,
		StatementBalance: money.Format(r.StatementBalance, exp), LedgerBalance: money.Format(r.LedgerBalance, exp),
		Difference: money.Format(r.Difference, exp), UnreconciledStatementSum: money.Format(r.StatementOutstanding, exp),
		UnreconciledLedgerSum: money.Format(r.LedgerOutstanding, exp), Unexplained: money.Format(r.Unexplained, exp),
		OpeningBalance: money.Format(r.OpeningBalance, exp), BooksBeforeStart: money.Format(r.BooksBeforeStart, exp),
		StatementLines: r.StatementLinesInPeriod, ReconciledStatementLines: r.ReconciledLines,
		UnreconciledStatement: []statementLineView{}, UnreconciledLedger: []bankLedgerLineView{}}
	if r.LastStatement != nil {
		st := viewStatement(r.LastStatement, exp)
		v.LastStatement = &st
	}
	for _, l := range r.UnreconciledStatement {
		v.UnreconciledStatement = append(v.UnreconciledStatement, viewStatementLine(l, exp))
	}
	for _, l := range r.UnreconciledLedger {
		v.UnreconciledLedger = append(v.UnreconciledLedger, viewBankLedgerLine(l, exp))
	}
	return v
}

// reconciliationReport answers ?as_of= (default today in the entity's
// time zone) as JSON, CSV or PDF.
func (s *Server) reconciliationReport(c *gin.Context) {
	a, ok := s.bankAccountParam(c)
	if !ok {
		return
	}
	ent := entity(c)
	format, lang, err := reportQuery(c, ent)
	if err != nil {
		s.fail(c, err)
		return
	}
	asOf, err := dateParam(c, "as_of")
	if err != nil {
		s.fail(c, err)
		return
	}
	if asOf.IsZero() {
		asOf = ent.Today()
	}
	r, err := s.bank.Reconciliation(c.Request.Context(), ent, a.ID, asOf)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.writeReport(c, format, "bank-reconciliation-"+a.AccountCode+"-"+asOf.String(), viewReconciliation(r), func() (*reports.Table, error) {
		return bank.ReconciliationTable(r, ent.Name, lang), nil
	})
}
