package bankstore_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"backoffice/invoicing"
	"backoffice/invoicing/invstore"
	"backoffice/ledger"
	"backoffice/ledger/bank"
	"backoffice/ledger/bank/bankstore"
	"backoffice/ledger/sqlstore"
	"backoffice/ledger/sqlstore/sqltest"
)

// invstore implements cash application's side of invoicing.
var _ bankstore.Receivables = invstore.Receivables{}

func TestMain(m *testing.M) { os.Exit(sqltest.Main(m)) }

var ctx = context.Background()

const ourIBAN = "NL91ABNA0417164300"

// fixture is an entity with the standard chart, invoicing, and bank
// account 1000 as a bank account, on a fresh database.
type fixture struct {
	t    testing.TB
	st   *sqlstore.Store
	inv  *invstore.Store
	bs   *bankstore.Store
	ent  *ledger.Entity
	p    *ledger.Principal
	acct *bank.Account
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	st := sqltest.Open(t)
	inv := invstore.New(st)
	ent, p := sqltest.Entity(t, inv, "Groothandel Test BV")
	f := &fixture{t: t, st: st, inv: inv, bs: bankstore.New(inv.Store, inv.Receivables()), ent: ent, p: p}
	code, iban := "1000", ourIBAN
	a, err := f.bs.CreateBankAccount(ctx, p, ent, &bank.AccountInput{Account: &code, IBAN: &iban})
	if err != nil {
		t.Fatal(err)
	}
	f.acct = a
	return f
}

func ptr[T any](v T) *T { return &v }

// post posts an entry moving amount (signed: + money in) between the bank
// and a counter account.
func (f *fixture) post(date, ref, desc, amount, counter string) *ledger.Entry {
	f.t.Helper()
	bankLine, other := ledger.LineInput{Account: "1000"}, ledger.LineInput{Account: counter}
	if strings.HasPrefix(amount, "-") {
		bankLine.Credit, other.Debit = amount[1:], amount[1:]
	} else {
		bankLine.Debit, other.Credit = amount, amount
	}
	posted, err := f.inv.PostEntry(ctx, f.p, f.ent, &ledger.EntryInput{Date: date, Description: desc, Reference: ref,
		Lines: []ledger.LineInput{bankLine, other}}, nil)
	if err != nil {
		f.t.Fatal(err)
	}
	return posted.Entry
}

func (f *fixture) importCAMT(xml string) (*bank.ImportResult, error) {
	return f.bs.ImportStatement(ctx, f.p, f.ent, f.acct.ID, &bank.ImportInput{Format: bank.FormatCAMT053, Data: []byte(xml), NoAutoMatch: true})
}

func (f *fixture) mustImport(xml string) *bank.ImportResult {
	f.t.Helper()
	r, err := f.importCAMT(xml)
	if err != nil {
		f.t.Fatal(err)
	}
	return r
}

func (f *fixture) scalar(q string, args ...any) int64 {
	f.t.Helper()
	var n int64
	if err := f.st.Query(ctx).DB().Raw(q, args...).Scan(&n).Error; err != nil {
		f.t.Fatalf("%s: %v", q, err)
	}
	return n
}

// counts are the rows of every table an import or match writes.
func (f *fixture) counts() string {
	var parts []string
	for _, t := range []string{"bank_statements", "bank_statement_lines", "bank_matches", "bank_match_statement_lines", "bank_match_ledger_lines",
		"journal_entries", "payments", "allocations", "bank_counterparty_accounts"} {
		parts = append(parts, fmt.Sprintf("%s=%d", t, f.scalar(`SELECT count(*) FROM `+t)))
	}
	return strings.Join(parts, " ")
}

// lines returns the bank account's statement lines by bank reference.
func (f *fixture) lines() map[string]*bank.StatementLine {
	f.t.Helper()
	ls, err := f.bs.StatementLines(ctx, f.ent.ID, f.acct.ID, bank.LineFilter{})
	if err != nil {
		f.t.Fatal(err)
	}
	out := map[string]*bank.StatementLine{}
	for _, l := range ls {
		out[l.BankRef] = l
	}
	return out
}

func (f *fixture) customer(name string) *invoicing.Customer {
	f.t.Helper()
	c, err := f.inv.CreateCustomer(ctx, f.p, f.ent, &invoicing.CustomerInput{Name: &name,
		Address: &ledger.Address{Lines: []string{"Kerkstraat 1"}, Postcode: "1017 GA", City: "Amsterdam", Country: "NL"}})
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

// invoice issues an invoice of one line at 21 % VAT.
func (f *fixture) invoice(c *invoicing.Customer, date, price string) *invoicing.Invoice {
	f.t.Helper()
	lines := []invoicing.LineInput{{Description: "Goods", Quantity: "1", UnitPrice: price, TaxCode: "21"}}
	inv, err := f.inv.CreateInvoice(ctx, f.p, f.ent, &invoicing.InvoiceInput{CustomerID: &c.ID, IssueDate: &date, Lines: &lines})
	if err != nil {
		f.t.Fatal(err)
	}
	if inv, err = f.inv.IssueInvoice(ctx, f.p, f.ent, inv.ID); err != nil {
		f.t.Fatal(err)
	}
	return inv
}

// wantErr fails unless err is a ledger error with the reason (and, when
// path is not "", a field at that path).
func wantErr(t *testing.T, err error, code ledger.Code, reason, path string) {
	t.Helper()
	var e *ledger.Error
	if !errors.As(err, &e) {
		t.Fatalf("want %s, got %v", reason, err)
	}
	if e.Code != code || string(e.Reason) != reason {
		t.Fatalf("want %s (%s), got %s (%s): %s", reason, code, e.Reason, e.Code, e.Message)
	}
	if path == "" {
		return
	}
	for _, fe := range e.Fields {
		if fe.Path == path {
			return
		}
	}
	t.Fatalf("%s: no field at %q in %+v", reason, path, e.Fields)
}

// ntry is one entry of a generated statement.
type ntry struct {
	ref, date, amount     string // amount signed: "-12.50" is a debit
	e2e, name, iban, text string
	pending               bool
}

// camt writes a camt.053.001.02 statement.
func camt(id, iban, ccy, from, to, opening, closing string, entries ...ntry) string {
	bal := func(code, amount, date string) string {
		ind := "CRDT"
		if strings.HasPrefix(amount, "-") {
			ind, amount = "DBIT", amount[1:]
		}
		return fmt.Sprintf(`<Bal><Tp><CdOrPrtry><Cd>%s</Cd></CdOrPrtry></Tp><Amt Ccy="%s">%s</Amt><CdtDbtInd>%s</CdtDbtInd><Dt><Dt>%s</Dt></Dt></Bal>`, code, ccy, amount, ind, date)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>%s</MsgId><CreDtTm>%sT20:00:00</CreDtTm></GrpHdr>
<Stmt><Id>%s</Id><CreDtTm>%sT20:00:00</CreDtTm><FrToDt><FrDtTm>%sT00:00:00</FrDtTm><ToDtTm>%sT23:59:59</ToDtTm></FrToDt>
<Acct><Id><IBAN>%s</IBAN></Id><Ccy>%s</Ccy></Acct>%s%s`, id, to, id, to, from, to, iban, ccy, bal("OPBD", opening, from), bal("CLBD", closing, to))
	for _, e := range entries {
		ind, amount := "CRDT", e.amount
		party, acct := "Dbtr", "DbtrAcct"
		if strings.HasPrefix(amount, "-") {
			ind, amount, party, acct = "DBIT", amount[1:], "Cdtr", "CdtrAcct"
		}
		sts := "BOOK"
		if e.pending {
			sts = "PDNG"
		}
		fmt.Fprintf(&b, `<Ntry><Amt Ccy="%s">%s</Amt><CdtDbtInd>%s</CdtDbtInd><Sts>%s</Sts><BookgDt><Dt>%s</Dt></BookgDt><ValDt><Dt>%s</Dt></ValDt><AcctSvcrRef>%s</AcctSvcrRef>`,
			ccy, amount, ind, sts, e.date, e.date, e.ref)
		b.WriteString(`<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd><NtryDtls><TxDtls>`)
		if e.e2e != "" {
			fmt.Fprintf(&b, `<Refs><EndToEndId>%s</EndToEndId></Refs>`, e.e2e)
		}
		if e.name != "" {
			fmt.Fprintf(&b, `<RltdPties><%s><Nm>%s</Nm></%s>`, party, e.name, party)
			if e.iban != "" {
				fmt.Fprintf(&b, `<%s><Id><IBAN>%s</IBAN></Id></%s>`, acct, e.iban, acct)
			}
			b.WriteString(`</RltdPties>`)
		}
		if e.text != "" {
			fmt.Fprintf(&b, `<RmtInf><Ustrd>%s</Ustrd></RmtInf>`, e.text)
		}
		b.WriteString(`</TxDtls></NtryDtls></Ntry>`)
	}
	b.WriteString("</Stmt></BkToCstmrStmt></Document>\n")
	return b.String()
}
