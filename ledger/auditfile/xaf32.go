package auditfile

import (
	"bufio"
	"context"
	"encoding/xml"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"backoffice/ledger"
	"backoffice/ledger/money"
)

// XAF32 writes the XML Auditfile Financieel version 3.2 (namespace
// http://www.auditfiles.nl/XAF/3.2), element by element in the schema's
// order, straight to the output: a transaction is written as it is read, so
// memory does not grow with the number of entries. The schema is kept in
// testdata/xaf with its source; the tests validate files against it.
type XAF32 struct{}

// Namespace32 is the namespace of version 3.2.
const Namespace32 = "http://www.auditfiles.nl/XAF/3.2"

func (XAF32) ContentType() string { return "application/xml" }
func (XAF32) Extension() string   { return "xaf" }

// journal32 is a journal's ID, description and journal type (jrnTp: B bank,
// P purchases, S sales, M memo/daybook).
var journal32 = map[JournalKind]struct{ id, descNL, descEN, tp string }{
	Sales:     {"VK", "Verkoopboek", "Sales", "S"},
	Purchases: {"IK", "Inkoopboek", "Purchases", "P"},
	Bank:      {"BK", "Bankboek", "Bank", "B"},
	Memorial:  {"MEM", "Memoriaal", "Memorial", "M"},
}

// Write writes the file. An error after the first byte leaves a truncated
// file: the caller has committed to its status by then.
func (XAF32) Write(ctx context.Context, out io.Writer, f *File) error {
	w := &xw{w: bufio.NewWriterSize(out, 64<<10), exp: f.Exponent}
	ent := f.Entity
	dutch := ledger.DutchLocale(ent.Locale)
	w.raw(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	w.raw(`<auditfile xmlns="` + Namespace32 + `">`)
	w.open("header")
	w.el("fiscalYear", strconv.Itoa(f.FiscalYear))
	w.el("startDate", f.From.String())
	w.el("endDate", f.To.String())
	w.el("curCode", ent.Currency)
	w.el("dateCreated", f.Created.String())
	w.el("softwareDesc", trunc(f.Software, 50))
	w.el("softwareVersion", trunc(f.Version, 20))
	w.close("header")

	w.open("company")
	if ent.RegistrationID != "" {
		w.el("companyIdent", trunc(ent.RegistrationID, 35))
	}
	w.el("companyName", trunc(ent.Name, 999))
	w.el("taxRegistrationCountry", country(ent.Address.Country, "NL"))
	taxID := ent.VATNumber
	if taxID == "" {
		taxID = ent.VATTaxNumber
	}
	w.el("taxRegIdent", trunc(taxID, 30))
	w.address("streetAddress", ent.Address.Lines, ent.Address.Postcode, ent.Address.City, ent.Address.Country)

	w.open("customersSuppliers")
	err := f.Source.Parties(ctx, ent.ID, func(p *Party) error {
		w.open("customerSupplier")
		w.el("custSupID", trunc(p.ID, 35))
		w.el("custSupName", trunc(p.Name, 50))
		if p.Email != "" {
			w.el("eMail", trunc(p.Email, 999))
		}
		if p.RegistrationID != "" {
			w.el("commerceNr", trunc(p.RegistrationID, 999))
		}
		if p.VATNumber != "" {
			if c := country(p.Country, ""); c != "" {
				w.el("taxRegistrationCountry", c)
			}
			w.el("taxRegIdent", trunc(p.VATNumber, 30))
		}
		tp := "S"
		if p.Customer {
			tp = "C"
		}
		w.el("custSupTp", tp)
		w.address("streetAddress", p.AddressLines, p.Postcode, p.City, p.Country)
		if p.IBAN != "" {
			w.open("bankAccount")
			w.el("bankAccNr", trunc(p.IBAN, 35))
			w.close("bankAccount")
		}
		w.close("customerSupplier")
		return w.err
	})
	if err != nil {
		return err
	}
	w.close("customersSuppliers")

	w.open("generalLedger")
	for _, a := range f.Accounts {
		w.open("ledgerAccount")
		w.el("accID", trunc(a.Code, 35))
		w.el("accDesc", trunc(a.Name, 999))
		tp := "P"
		if balanceSheet(a.Type) {
			tp = "B"
		}
		w.el("accTp", tp)
		if a.RGSCode != "" {
			// The RGS code is the concept of the RGS taxonomy of its
			// version (the XAF 3.2 rules of 2017 name taxonomy/entryPoint/
			// conceptRef for it, and not leadCode).
			w.open("taxonomy")
			w.el("taxoRef", "RGS "+a.RGSVersion)
			w.open("entryPoint")
			w.el("entryPointRef", "RGS")
			w.el("conceptRef", a.RGSCode)
			w.close("entryPoint")
			w.close("taxonomy")
		}
		w.close("ledgerAccount")
	}
	w.close("generalLedger")

	w.open("vatCodes")
	for _, v := range f.VATCodes {
		w.open("vatCode")
		w.el("vatID", trunc(v.ID, 35))
		w.el("vatDesc", trunc(v.Description, 999))
		if v.PayAccount != "" {
			w.el("vatToPayAccID", v.PayAccount)
		}
		if v.ClaimAcount != "" {
			w.el("vatToClaimAccID", v.ClaimAcount)
		}
		w.close("vatCode")
	}
	w.close("vatCodes")

	w.open("periods")
	for _, p := range f.Periods {
		w.open("period")
		w.el("periodNumber", strconv.Itoa(p.Number))
		w.el("periodDesc", p.Start.Time().Format("2006-01"))
		w.el("startDatePeriod", p.Start.String())
		w.el("endDatePeriod", p.End.String())
		w.close("period")
	}
	w.close("periods")

	w.open("openingBalance")
	w.el("opBalDate", f.From.String())
	desc := "Opening balance"
	if dutch {
		desc = "Beginbalans"
	}
	w.el("opBalDesc", desc)
	var obDebit, obCredit int64
	for _, l := range f.Opening {
		if l.NetMinor > 0 {
			obDebit += l.NetMinor
		} else {
			obCredit -= l.NetMinor
		}
	}
	w.el("linesCount", strconv.Itoa(len(f.Opening)))
	w.amount("totalDebit", obDebit)
	w.amount("totalCredit", obCredit)
	for i, l := range f.Opening {
		w.open("obLine")
		w.el("nr", strconv.Itoa(i+1))
		w.el("accID", l.Account)
		w.signed(l.NetMinor)
		w.close("obLine")
	}
	w.close("openingBalance")

	w.open("transactions")
	w.el("linesCount", strconv.FormatInt(f.LineCount, 10))
	w.amount("totalDebit", f.DebitMinor)
	w.amount("totalCredit", f.CreditMinor)
	for _, kind := range Journals {
		j := journal32[kind]
		w.open("journal")
		w.el("jrnID", j.id)
		if dutch {
			w.el("desc", j.descNL)
		} else {
			w.el("desc", j.descEN)
		}
		w.el("jrnTp", j.tp)
		err := f.Source.Transactions(ctx, ent, kind, f.From, f.To, func(t *Transaction) error {
			w.transaction(f, t)
			return w.err
		})
		if err != nil {
			return err
		}
		w.close("journal")
	}
	w.close("transactions")
	w.close("company")
	w.raw("</auditfile>\n")
	if w.err != nil {
		return w.err
	}
	return w.w.Flush()
}

// transaction writes one entry: nr is its number in the fiscal year, every
// line carries the entry's reference (or number) as its document reference
// and the entry's date as its effective date.
func (w *xw) transaction(f *File, t *Transaction) {
	w.open("transaction")
	nr := strconv.FormatInt(t.Number, 10)
	w.el("nr", nr)
	if t.Description != "" {
		w.el("desc", t.Description)
	}
	w.el("periodNumber", strconv.Itoa(f.PeriodNumber(t.Date)))
	w.el("trDt", t.Date.String())
	w.amount("amnt", t.TotalMinor)
	w.el("amntTp", "D")
	docRef := t.Reference
	if docRef == "" {
		docRef = strconv.Itoa(t.FiscalYear) + "-" + nr
	}
	docRef = trunc(docRef, 999)
	for i := range t.Lines {
		l := &t.Lines[i]
		w.open("trLine")
		w.el("nr", strconv.Itoa(l.No))
		w.el("accID", l.Account)
		w.el("docRef", docRef)
		w.el("effDate", t.Date.String())
		if d := l.Description; d != "" {
			w.el("desc", d)
		} else if t.Description != "" {
			w.el("desc", t.Description)
		}
		if l.DebitMinor != 0 {
			w.amount("amnt", l.DebitMinor)
			w.el("amntTp", "D")
		} else {
			w.amount("amnt", l.CreditMinor)
			w.el("amntTp", "C")
		}
		if l.Party != "" {
			w.el("custSupID", l.Party)
		}
		if l.Currency != "" && l.Currency != f.Entity.Currency && Currency32(l.Currency) {
			// The currency element is optional: a currency the 3.2 list
			// lacks (RON, TRY, ...) is left out; the amounts in the
			// functional currency stand.
			if exp, ok := money.Exponent(l.Currency); ok && exp <= 2 {
				w.open("currency")
				w.el("curCode", l.Currency)
				w.write(formatMinor(l.AmountMinor, exp), "curAmnt")
				w.close("currency")
			}
		}
		w.close("trLine")
	}
	w.close("transaction")
}

// xw writes XML text to a buffer and keeps the first error.
type xw struct {
	w   *bufio.Writer
	exp int
	err error
}

func (w *xw) raw(s string) {
	if w.err == nil {
		_, w.err = w.w.WriteString(s)
	}
}

func (w *xw) open(name string)  { w.raw("<" + name + ">") }
func (w *xw) close(name string) { w.raw("</" + name + ">") }

// el writes <name>text</name> with the text escaped (characters XML cannot
// carry become U+FFFD).
func (w *xw) el(name, text string) {
	if w.err != nil {
		return
	}
	w.w.WriteString("<" + name + ">")
	if needsEscape(text) {
		w.err = xml.EscapeText(w.w, []byte(text))
	} else {
		w.w.WriteString(text)
	}
	w.w.WriteString("</" + name + ">")
}

// write writes an element whose text needs no escaping.
func (w *xw) write(text, name string) { w.raw("<" + name + ">" + text + "</" + name + ">") }

func (w *xw) amount(name string, minor int64) { w.write(formatMinor(minor, w.exp), name) }

// signed writes amnt and amntTp of a debit-positive amount.
func (w *xw) signed(net int64) {
	if net >= 0 {
		w.amount("amnt", net)
		w.el("amntTp", "D")
		return
	}
	w.amount("amnt", -net)
	w.el("amntTp", "C")
}

func (w *xw) address(name string, lines []string, postcode, city, cntry string) {
	if len(lines) == 0 && postcode == "" && city == "" && cntry == "" {
		return
	}
	w.open(name)
	if len(lines) > 0 {
		w.el("streetname", trunc(strings.Join(lines, ", "), 999))
	}
	if city != "" {
		w.el("city", trunc(city, 50))
	}
	if postcode != "" {
		w.el("postalCode", trunc(postcode, 10))
	}
	if c := country(cntry, ""); c != "" {
		w.el("country", c)
	}
	w.close(name)
}

func needsEscape(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '<' || c == '>' || c == '&' || c == '\'' || c == '"' || c < 0x20 || c >= 0x80:
			return true
		}
	}
	return false
}

// trunc cuts s to at most n characters (the schema's maxLength counts
// characters).
func trunc(s string, n int) string {
	if len(s) <= n || utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n])
}

// country is c when the 3.2 schema's country list has it, else def: an
// optional country element with a code the 2018 list lacks (XI, XK, ...) is
// left out rather than making the file invalid.
func country(c, def string) string {
	if Country32(c) {
		return c
	}
	return def
}

// formatMinor writes minor units with exp decimals, exactly.
func formatMinor(minor int64, exp int) string {
	neg := minor < 0
	u := uint64(minor)
	if neg {
		u = uint64(-minor)
	}
	s := strconv.FormatUint(u, 10)
	if exp > 0 {
		for len(s) <= exp {
			s = "0" + s
		}
		s = s[:len(s)-exp] + "." + s[len(s)-exp:]
	}
	if neg {
		s = "-" + s
	}
	return s
}
