package camt053

import (
	"encoding/xml"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"backoffice/ledger"
	"backoffice/ledger/bank"
	"backoffice/ledger/money"
	"backoffice/ledger/quote"
)

// node is an element inside a <Stmt>: the little tree the conversion walks.
// An <Ntry> is converted and dropped as soon as it closes, so a statement
// holds only its header and one entry at a time.
type node struct {
	name   string
	ccy    string // the Ccy attribute of an amount
	text   []byte
	kids   []*node
	parent *node
	idx    int            // 1-based index among same-name siblings, 0 when not indexed
	counts map[string]int // children seen per indexed name (kept when a child is dropped)
	line   int
	base   string // the path of a <Stmt>: Document/BkToCstmrStmt/Stmt[1]
}

// indexed are the repeating elements whose paths carry a 1-based index, so
// that an error names which entry or balance it is about.
var indexed = map[string]bool{"Bal": true, "Ntry": true, "NtryDtls": true, "TxDtls": true, "Ustrd": true, "Strd": true}

// read are the elements the conversion looks at inside a <Stmt>; the
// others are not kept, which bounds the memory a statement takes.
var read = map[string]bool{}

func init() {
	for _, name := range strings.Fields(`Id IBAN Acct Ccy FrToDt FrDtTm ToDtTm Bal Tp CdOrPrtry Cd Prtry
		Amt CdtDbtInd Dt DtTm Ntry Sts BookgDt ValDt AcctSvcrRef BkTxCd Domn Fmly SubFmlyCd
		NtryDtls TxDtls Refs EndToEndId RltdPties Dbtr Cdtr DbtrAcct CdtrAcct Pty Nm
		RmtInf Ustrd Strd CdtrRefInf Ref RfrdDocInf Nb AddtlTxInf AddtlNtryInf RvslInd`) {
		read[name] = true
	}
}

// size counts the node and its descendants.
func (n *node) size() int {
	c := 1
	for _, k := range n.kids {
		c += k.size()
	}
	return c
}

func (n *node) add(name string, attrs []xml.Attr, line int) *node {
	c := &node{name: name, parent: n, line: line}
	for _, a := range attrs {
		if a.Name.Local == "Ccy" {
			c.ccy = strings.TrimSpace(a.Value)
		}
	}
	if indexed[name] {
		if n.counts == nil {
			n.counts = map[string]int{}
		}
		n.counts[name]++
		c.idx = n.counts[name]
	}
	n.kids = append(n.kids, c)
	return c
}

// path is the element path from Document, as problems name it.
func (n *node) path() string {
	if n.parent == nil {
		return n.base
	}
	p := n.parent.path() + "/" + n.name
	if n.idx > 0 {
		p += "[" + strconv.Itoa(n.idx) + "]"
	}
	return p
}

// get follows a path of child names, taking the first match at each step;
// nil when any step is missing (nil-safe, so chains need no checks).
func (n *node) get(names ...string) *node {
	for _, name := range names {
		if n == nil {
			return nil
		}
		var next *node
		for _, c := range n.kids {
			if c.name == name {
				next = c
				break
			}
		}
		n = next
	}
	return n
}

// all returns the children named name.
func (n *node) all(name string) []*node {
	if n == nil {
		return nil
	}
	var out []*node
	for _, c := range n.kids {
		if c.name == name {
			out = append(out, c)
		}
	}
	return out
}

// str is the trimmed text at a path, "" when absent.
func (n *node) str(names ...string) string {
	if c := n.get(names...); c != nil {
		return strings.TrimSpace(string(c.text))
	}
	return ""
}

func (n *node) ccyOf() string {
	if n == nil {
		return ""
	}
	return n.ccy
}

// at names n (or a missing child of it) for a problem: path and line.
func (n *node) at(sub ...string) string {
	p := n.path()
	for _, s := range sub {
		p += "/" + s
	}
	return fmt.Sprintf("%s (line %d)", p, n.line)
}

// statement is a <Stmt> being read. Its header (Id, Acct, FrToDt, Bal)
// comes before its entries in every version of the schema, so the currency
// is known when the first <Ntry> closes.
type statement struct {
	n      *node
	kept   int // elements held in n's tree (MaxKept)
	index  int // 1-based, in the file
	ps     bank.ParsedStatement
	exp    int
	header bool // the account and currency have been read
	period bool // FrToDt has been read
	acct   bool // Acct was there when the header was read
	ccyOK  bool
	head   problems // about the statement as a whole: reported first
	ents   problems // about its entries
}

func (s *statement) readHeader() {
	if s.header {
		return
	}
	s.header = true
	st := s.n
	s.acct = st.get("Acct") != nil
	s.ps.StatementID = st.str("Id")
	s.ps.IBAN = normIBAN(st.str("Acct", "Id", "IBAN"))
	s.ps.Currency = strings.ToUpper(st.str("Acct", "Ccy"))
	ccyAt := st.at("Acct", "Ccy")
	if s.ps.Currency == "" {
		// Acct/Ccy is optional; the balances always carry one.
		for _, b := range st.all("Bal") {
			if c := b.get("Amt").ccyOf(); c != "" {
				s.ps.Currency, ccyAt = strings.ToUpper(c), b.get("Amt").at()
				break
			}
		}
	}
	s.exp, s.ccyOK = money.Exponent(s.ps.Currency)
	switch {
	case s.ps.Currency == "":
		s.head.add(st.at("Acct", "Ccy"), ledger.ReasonCurrencyInvalid, "statement %d states no currency (Acct/Ccy or a balance's Ccy)", s.index)
	case !s.ccyOK:
		s.head.add(ccyAt, ledger.ReasonCurrencyInvalid, "currency %q is not an ISO 4217 code", s.ps.Currency)
	}
	s.readPeriod()
}

// readPeriod reads FrToDt, once it is there.
func (s *statement) readPeriod() {
	ft := s.n.get("FrToDt")
	if ft == nil || s.period {
		return
	}
	s.period = true
	s.ps.From = date(ft, "FrDtTm", &s.head)
	s.ps.To = date(ft, "ToDtTm", &s.head)
	// A period that ends before it starts would put every line outside
	// it (regression case: testdata/fuzz/FuzzParse/period-reversed).
	if !s.ps.From.IsZero() && !s.ps.To.IsZero() && s.ps.To.Before(s.ps.From) {
		s.head.add(ft.at("ToDtTm"), ledger.ReasonDateInvalid, "the statement's period ends on %s (ToDtTm), before it starts on %s (FrDtTm)", s.ps.To, s.ps.From)
	}
}

// rereadHeader completes, when the <Stmt> has closed, a header that was
// read at its first entry. The schema puts Id, FrToDt and Acct before the
// entries; Id and FrToDt given after them are read all the same. Acct is
// refused there: the entries were converted without its IBAN (which tells
// the counterparty from the account itself) and currency, so the lines
// would differ from those of the same file in schema order; read without
// it, the import would skip its IBAN check (regression cases:
// testdata/fuzz/FuzzParse/acct-after-entries and iban-after-entries).
func (s *statement) rereadHeader() {
	st := s.n
	if s.ps.StatementID == "" {
		s.ps.StatementID = st.str("Id")
	}
	if !s.acct && st.get("Acct") != nil {
		s.head.add(st.at("Acct"), ledger.ReasonCamtNotStatement, "statement %d gives its account (Acct) after its entries; camt.053 puts it before them", s.index)
	}
	s.readPeriod()
}

// entry converts a closed <Ntry>; the caller then drops its subtree.
func (s *statement) entry(e *node) {
	s.readHeader()
	if !s.ccyOK {
		return // without an exponent no amount can be read
	}
	if l, ok := entry(e, s.ps.Currency, s.ps.IBAN, s.exp, &s.ents); ok {
		l.Where = fmt.Sprintf("Stmt[%d]/Ntry[%d]", s.index, e.idx)
		s.ps.Lines = append(s.ps.Lines, l)
	}
}

// finish reads the balances once the <Stmt> has closed and hands the
// statement's problems to p, statement-level ones first.
func (s *statement) finish(p *problems) bank.ParsedStatement {
	s.readHeader()
	s.rereadHeader()
	defer func() {
		p.addAll(s.head)
		p.addAll(s.ents)
	}()
	if !s.ccyOK {
		return s.ps
	}
	st, ps := s.n, &s.ps
	var prcd *int64
	var closedOn *node
	for _, b := range st.all("Bal") {
		amt, ok := amount(b, ps.Currency, s.exp, true, &s.head)
		if !ok {
			continue
		}
		switch strings.ToUpper(b.str("Tp", "CdOrPrtry", "Cd")) {
		case "OPBD":
			if ps.Opening == nil {
				ps.Opening = &amt
			}
		case "PRCD":
			// The previous statement's closing balance: the same number
			// as an opening balance, which some banks send instead.
			if prcd == nil {
				prcd = &amt
			}
		case "CLBD":
			if ps.Closing == nil {
				ps.Closing = &amt
				closedOn = b.get("Dt")
			}
		}
	}
	if ps.From.IsZero() && ps.To.IsZero() && len(ps.Lines) == 0 && closedOn != nil {
		// No period and no entries (a quiet day's statement, as some banks
		// send without FrToDt): the day of its closing balance.
		ps.From = date(closedOn, "", &s.head)
		ps.To = ps.From
	}
	if ps.Opening == nil {
		ps.Opening = prcd
	}
	if ps.Opening == nil {
		s.head.add(st.at("Bal"), ledger.ReasonBalanceMissing, "statement %d has no opening booked balance (Bal with Tp/CdOrPrtry/Cd OPBD or PRCD)", s.index)
	}
	if ps.Closing == nil {
		s.head.add(st.at("Bal"), ledger.ReasonBalanceMissing, "statement %d has no closing booked balance (Bal with Tp/CdOrPrtry/Cd CLBD)", s.index)
	}

	// The store adds the lines to the opening balance; a sum that cannot
	// be held must be refused here rather than wrap there.
	var running int64
	if ps.Opening != nil {
		running = *ps.Opening
	}
	for _, l := range ps.Lines {
		var ok bool
		if running, ok = money.Add(running, l.AmountMinor); !ok {
			s.ents.add("Document/BkToCstmrStmt/"+l.Where, ledger.ReasonAmountTooLarge, "the statement's running balance overflows int64 at %s", l.Where)
			break
		}
	}
	return s.ps
}

// entry reads one <Ntry>; ok is false for an entry that is not booked or
// has a problem (recorded in p).
func entry(e *node, ccy, own string, exp int, p *problems) (bank.ParsedLine, bool) {
	var l bank.ParsedLine
	// 001.02 writes <Sts>BOOK</Sts>, 001.08 on <Sts><Cd>BOOK</Cd></Sts>.
	sts := e.str("Sts", "Cd")
	if sts == "" {
		sts = e.str("Sts", "Prtry")
	}
	if sts == "" {
		sts = e.str("Sts")
	}
	switch strings.ToUpper(sts) {
	case "BOOK":
	case "":
		p.add(e.at("Sts"), ledger.ReasonStatusMissing, "the entry has no status (Sts): booked or not cannot be told")
		return l, false
	case "PDNG", "INFO", "FUTR":
		return l, false // not on the booked balance
	default:
		// Dropping an entry of a status we do not know would leave the
		// statement not adding up for no visible reason.
		p.add(e.at("Sts"), ledger.ReasonStatusMissing, "the entry's status %q is none of BOOK, PDNG, INFO, FUTR: booked or not cannot be told", sts)
		return l, false
	}

	// RvslInd is not applied: ISO 20022 defines CdtDbtInd as the direction
	// of this booking, so a reversed credit is already a DBIT entry. Turning
	// the sign again would make the lines disagree with the balances.
	before := len(*p)
	amt, ok := amount(e, ccy, exp, true, p)
	if ok && amt == 0 {
		return l, false // a booked 0.00 (an information entry) moves nothing
	}
	l.AmountMinor = amt
	l.BookingDate = date(e.get("BookgDt"), "", p)
	if e.get("BookgDt") == nil {
		p.add(e.at("BookgDt"), ledger.ReasonDateMissing, "the booked entry has no booking date (BookgDt)")
	}
	if v := e.get("ValDt"); v != nil {
		l.ValueDate = date(v, "", p)
	}
	if !ok || len(*p) > before {
		return l, false
	}

	var txs []*node
	for _, d := range e.all("NtryDtls") {
		txs = append(txs, d.all("TxDtls")...)
	}
	l.BankRef = bankRef(e.str("AcctSvcrRef"))
	if l.BankRef == "" && len(txs) == 1 {
		l.BankRef = bankRef(txs[0].str("Refs", "AcctSvcrRef"))
	}
	l.Kind = kind(e.get("BkTxCd"))
	if l.Kind == "" && len(txs) == 1 {
		l.Kind = kind(txs[0].get("BkTxCd"))
	}
	info := e.str("AddtlNtryInf")
	// The other party: the debtor of money in, the creditor of money out;
	// for a reversal (a transfer returned) the parties of the original.
	credit := l.AmountMinor > 0
	if strings.EqualFold(e.str("RvslInd"), "true") {
		credit = !credit
	}

	switch len(txs) {
	case 0:
		l.Remittance = info
	case 1:
		tx := txs[0]
		if id := tx.str("Refs", "EndToEndId"); !strings.EqualFold(id, "NOTPROVIDED") {
			l.EndToEndID = id
		}
		l.Counterparty, l.CounterIBAN = party(tx, credit, own)
		l.Remittance, l.Reference = remittance(tx)
		if l.Remittance == "" {
			l.Remittance = tx.str("AddtlTxInf")
		}
		if l.Remittance == "" {
			l.Remittance = info
		}
	default:
		// A batch (salaries, card settlement, collected direct debits):
		// one booking for many transactions. A counterparty is named only
		// when all of them have the same one.
		name, iban := party(txs[0], credit, own)
		var texts []string
		seen := map[string]bool{}
		for _, tx := range txs {
			n, ib := party(tx, credit, own)
			if n != name || ib != iban {
				name, iban = "", ""
			}
			if u := ustrd(tx); u != "" && !seen[u] {
				seen[u] = true
				texts = append(texts, u)
			}
		}
		l.Counterparty, l.CounterIBAN = name, iban
		l.Remittance = info
		if l.Remittance == "" {
			l.Remittance = strings.Join(texts, " | ")
		}
	}
	return l, true
}

// amount reads the Amt and CdtDbtInd of a balance or entry, signed from the
// account holder's side. A balance may be zero, an entry may not.
func amount(n *node, ccy string, exp int, zeroOK bool, p *problems) (int64, bool) {
	a := n.get("Amt")
	if a == nil {
		p.add(n.at("Amt"), ledger.ReasonAmountInvalid, "the amount (Amt) is missing")
		return 0, false
	}
	if c := strings.ToUpper(a.ccyOf()); c != ccy {
		p.add(a.at(), ledger.ReasonCurrencyMismatch, "the amount is in %q, the statement's account in %s", c, ccy)
		return 0, false
	}
	var sign int64
	switch n.str("CdtDbtInd") {
	case "CRDT":
		sign = 1
	case "DBIT":
		sign = -1
	default:
		p.add(n.at("CdtDbtInd"), ledger.ReasonAmountInvalid, "CdtDbtInd is %q; it must be CRDT or DBIT", n.str("CdtDbtInd"))
		return 0, false
	}
	// CAMT writes amounts unsigned with a point and never a thousands
	// separator, which is money.ParseAmount's one spelling.
	s := strings.TrimSpace(string(a.text))
	v, err := money.ParseAmount(s, exp)
	if err != nil {
		var ae *money.AmountError
		errors.As(err, &ae)
		switch {
		case ae != nil && ae.Reason == money.ReasonAmountNotPositive && zeroOK && !strings.HasPrefix(s, "-"):
			return 0, true // a zero balance
		case ae != nil && ae.Reason == money.ReasonAmountTooLarge:
			p.add(a.at(), ledger.ReasonAmountTooLarge, "%v", err)
		case ae != nil && ae.Reason == money.ReasonAmountNotPositive:
			p.add(a.at(), ledger.ReasonAmountInvalid, "amount %q: an entry is never zero or negative (the sign is in CdtDbtInd)", s)
		default:
			p.add(a.at(), ledger.ReasonAmountInvalid, "%v", err)
		}
		return 0, false
	}
	return sign * v, true
}

// date reads a date element: <Dt> or <DtTm> inside n (sub == ""), or the
// date-time child sub of n (FrToDt/FrDtTm). The date part is taken as
// written: a statement's dates are the bank's calendar, not a moment.
func date(n *node, sub string, p *problems) ledger.Date {
	if n == nil {
		return ledger.Date{}
	}
	var el *node
	if sub != "" {
		el = n.get(sub)
	} else if el = n.get("Dt"); el == nil {
		el = n.get("DtTm")
	}
	if el == nil {
		if sub == "" {
			p.add(n.at("Dt"), ledger.ReasonDateMissing, "%s has no Dt or DtTm", n.name)
		}
		return ledger.Date{}
	}
	s := strings.TrimSpace(string(el.text))
	part := s
	switch {
	case len(s) <= 10:
	case el.name != "Dt" && s[10] == 'T':
		part = s[:10] // a date-time: its date as written, no zone conversion
	case el.name == "Dt" && (s[10:] == "Z" || s[10] == '+' || s[10] == '-') && len(s) <= 16:
		part = s[:10] // xs:date allows a zone suffix: 2026-03-02+01:00
	}
	d, err := ledger.ParseDate(part)
	if err != nil {
		p.add(el.at(), ledger.ReasonDateInvalid, "%s %s is not a date (YYYY-MM-DD)", el.name, quote.Value(s))
		return ledger.Date{}
	}
	return d
}

// party is the other side of a transaction: the debtor of money coming
// in, the creditor of money going out. 001.02 names it in Dbtr/Nm, 001.08
// and later in Dbtr/Pty/Nm. Banks differ on a reversal's parties (the
// original's, or turned round): when the expected side is empty or is the
// account itself (own), the other side is taken.
func party(tx *node, credit bool, own string) (name, iban string) {
	side := func(credit bool) (string, string) {
		who, acct := "Cdtr", "CdtrAcct"
		if credit {
			who, acct = "Dbtr", "DbtrAcct"
		}
		rp := tx.get("RltdPties")
		name := rp.str(who, "Nm")
		if name == "" {
			name = rp.str(who, "Pty", "Nm")
		}
		return name, normIBAN(rp.str(acct, "Id", "IBAN"))
	}
	name, iban = side(credit)
	if (name == "" && iban == "") || (iban != "" && iban == own) {
		if n, i := side(!credit); (n != "" || i != "") && (i == "" || i != own) {
			return n, i
		}
	}
	return name, iban
}

// ustrd joins the unstructured remittance lines of a transaction.
func ustrd(tx *node) string {
	var parts []string
	for _, u := range tx.get("RmtInf").all("Ustrd") {
		if s := strings.TrimSpace(string(u.text)); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " ")
}

// remittance is the unstructured text followed by the structured creditor
// references, and the first such reference on its own. A document number or
// reference the text already holds is not added again (Dutch banks write
// "BETALINGSKENM. 1067931951601240" in the text and the same reference in
// its structured form).
func remittance(tx *node) (text, ref string) {
	text = ustrd(tx)
	add := func(s string) {
		if s == "" || holds(text, s) {
			return
		}
		if text != "" {
			text += " "
		}
		text += s
	}
	for _, s := range tx.get("RmtInf").all("Strd") {
		// The documents paid (an invoice number: what cash application
		// looks for) go into the text too.
		for _, d := range s.all("RfrdDocInf") {
			add(strings.TrimSpace(d.str("Nb")))
		}
		r := s.str("CdtrRefInf", "Ref")
		if r == "" {
			continue
		}
		if ref == "" {
			ref = r
		}
		add(r)
	}
	return text, ref
}

// holds reports whether text already has s, ignoring case and the spaces
// banks group long references with ("1067 9319 5160 1240").
func holds(text, s string) bool {
	squeeze := func(v string) string { return strings.ToUpper(strings.Join(strings.Fields(v), "")) }
	return strings.Contains(squeeze(text), squeeze(s))
}

// bankRef is the bank's reference of an entry; the placeholders some banks
// write on every entry (NONREF, NOTPROVIDED) are none.
func bankRef(s string) string {
	switch strings.ToUpper(s) {
	case "NONREF", "NOTPROVIDED", "NONE":
		return ""
	}
	return s
}

// kind is the bank transaction code in short form: PMNT/RCDT/ESCT, or the
// proprietary code.
func kind(b *node) string {
	if b == nil {
		return ""
	}
	if d := b.get("Domn"); d != nil {
		parts := []string{d.str("Cd"), d.str("Fmly", "Cd"), d.str("Fmly", "SubFmlyCd")}
		if parts[0] != "" {
			return strings.TrimRight(strings.Join(parts, "/"), "/")
		}
	}
	return b.str("Prtry", "Cd")
}

func normIBAN(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}
