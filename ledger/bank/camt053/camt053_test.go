package camt053

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"backoffice/ledger"
	"backoffice/ledger/bank"
)

// The builders below write the same statement in the 001.02 and the 001.08
// layout, so that one expectation checks both.

func ns(v string) string { return "urn:iso:std:iso:20022:tech:xsd:camt.053.001." + v }

func doc(v string, stmts ...string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="` + ns(v) + `">
 <BkToCstmrStmt>
  <GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-03-08T06:00:00+01:00</CreDtTm></GrpHdr>
` + strings.Join(stmts, "\n") + `
 </BkToCstmrStmt>
</Document>
`
}

func bal(code, amt, cdi string) string {
	return `<Bal><Tp><CdOrPrtry><Cd>` + code + `</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">` + amt +
		`</Amt><CdtDbtInd>` + cdi + `</CdtDbtInd><Dt><Dt>2026-03-01</Dt></Dt></Bal>`
}

func stmt(id string, bals string, entries ...string) string {
	return `  <Stmt>
   <Id>` + id + `</Id>
   <ElctrncSeqNb>10</ElctrncSeqNb>
   <FrToDt><FrDtTm>2026-03-01T00:00:00+01:00</FrDtTm><ToDtTm>2026-03-07T23:59:59+01:00</ToDtTm></FrToDt>
   <Acct><Id><IBAN>nl02 abna 0123 4567 89</IBAN></Id><Ccy>EUR</Ccy></Acct>
   ` + bals + `
   <TxsSummry><TtlNtries><NbOfNtries>9</NbOfNtries></TtlNtries></TxsSummry>
` + strings.Join(entries, "\n") + `
  </Stmt>`
}

func sts(v, code string) string {
	if v == "02" {
		return "<Sts>" + code + "</Sts>"
	}
	return "<Sts><Cd>" + code + "</Cd></Sts>"
}

func xparty(v, role, name, iban string) string {
	nm := "<Nm>" + name + "</Nm>"
	if v != "02" {
		nm = "<Pty>" + nm + "</Pty>"
	}
	return "<" + role + ">" + nm + "</" + role + "><" + role + "Acct><Id><IBAN>" + iban + "</IBAN></Id></" + role + "Acct>"
}

func bktx(d, f, s string) string {
	return "<BkTxCd><Domn><Cd>" + d + "</Cd><Fmly><Cd>" + f + "</Cd><SubFmlyCd>" + s + "</SubFmlyCd></Fmly></Domn></BkTxCd>"
}

// sample is a week with a customer payment, a salary batch, a pending
// entry, a reversal and a bank charge.
func sample(v string) string {
	e1 := `<Ntry><Amt Ccy="EUR">1234.50</Amt><CdtDbtInd>CRDT</CdtDbtInd>` + sts(v, "BOOK") +
		`<BookgDt><Dt>2026-03-02</Dt></BookgDt><ValDt><Dt>2026-03-03</Dt></ValDt><AcctSvcrRef>R1</AcctSvcrRef>` +
		bktx("PMNT", "RCDT", "ESCT") +
		`<NtryDtls><TxDtls><Refs><EndToEndId>E2E-1</EndToEndId></Refs>
		<AmtDtls><TxAmt><Amt Ccy="EUR">1234.50</Amt></TxAmt></AmtDtls>
		<RltdPties>` + xparty(v, "Dbtr", "Klant &amp; Zn B.V.", "nl91 abna 0417 1643 00") + xparty(v, "Cdtr", "De Molen", "NL02ABNA0123456789") + `</RltdPties>
		<RmtInf><Ustrd>Factuur</Ustrd><Ustrd> INV-2026-0003 </Ustrd><Strd><CdtrRefInf><Ref>RF18539007547034</Ref></CdtrRefInf></Strd></RmtInf>
		</TxDtls></NtryDtls></Ntry>`
	tx := func(amt, name, text string) string {
		return `<TxDtls><Refs><EndToEndId>SAL-` + amt + `</EndToEndId></Refs><RltdPties>` + xparty(v, "Cdtr", name, "NL18RABO0123459876") +
			`</RltdPties><RmtInf><Ustrd>` + text + `</Ustrd></RmtInf></TxDtls>`
	}
	e2 := `<Ntry><Amt Ccy="EUR">300.00</Amt><CdtDbtInd>DBIT</CdtDbtInd>` + sts(v, "BOOK") +
		`<BookgDt><Dt>2026-03-03</Dt></BookgDt><AcctSvcrRef>R2</AcctSvcrRef><BkTxCd><Prtry><Cd>N658</Cd></Prtry></BkTxCd>
		<NtryDtls><Btch><NbOfTxs>3</NbOfTxs></Btch>` + tx("100", "A. Jansen", "Salaris") + tx("150", "B. de Boer", "Salaris") + `</NtryDtls>
		<NtryDtls>` + tx("50", "A. Jansen", "Bonus") + `</NtryDtls></Ntry>`
	e3 := `<Ntry><Amt Ccy="EUR">999.99</Amt><CdtDbtInd>CRDT</CdtDbtInd>` + sts(v, "PDNG") +
		`<BookgDt><Dt>2026-03-04</Dt></BookgDt><AcctSvcrRef>R3</AcctSvcrRef></Ntry>`
	// A reversal (a returned incoming payment): CdtDbtInd gives the
	// direction of this booking, RvslInd only says what it undoes.
	e4 := `<Ntry><Amt Ccy="EUR">12.34</Amt><CdtDbtInd>DBIT</CdtDbtInd><RvslInd>true</RvslInd>` + sts(v, "BOOK") +
		`<BookgDt><Dt>2026-03-04+01:00</Dt></BookgDt>` + bktx("PMNT", "RCDT", "ESCT") +
		`<NtryDtls><TxDtls><Refs><AcctSvcrRef>R4</AcctSvcrRef><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
		<RltdPties>` + xparty(v, "Cdtr", "Terug B.V.", "NL44RABO0123456789") + `</RltdPties><AddtlTxInf>RETOUR AC04</AddtlTxInf></TxDtls></NtryDtls></Ntry>`
	e5 := `<Ntry><Amt Ccy="EUR">5.00</Amt><CdtDbtInd>DBIT</CdtDbtInd>` + sts(v, "BOOK") +
		`<BookgDt><DtTm>2026-03-05T23:59:59-05:00</DtTm></BookgDt><AcctSvcrRef>R5</AcctSvcrRef>` + bktx("ACMT", "MDOP", "CHRG") +
		`<AddtlNtryInf>KOSTEN ZAKELIJK PAKKET</AddtlNtryInf></Ntry>`
	return doc(v, stmt("S1", bal("OPBD", "1000.00", "CRDT")+bal("CLBD", "1917.16", "CRDT"), e1, e2, e3, e4, e5))
}

func i64(v int64) *int64 { return &v }

func wantSample() bank.ParsedStatement {
	d := func(day int) ledger.Date { return ledger.NewDate(2026, 3, day) }
	return bank.ParsedStatement{
		StatementID: "S1", IBAN: "NL02ABNA0123456789", Currency: "EUR", From: d(1), To: d(7),
		Opening: i64(100000), Closing: i64(191716),
		Lines: []bank.ParsedLine{
			{Where: "Stmt[1]/Ntry[1]", BookingDate: d(2), ValueDate: d(3), AmountMinor: 123450, BankRef: "R1", EndToEndID: "E2E-1",
				Counterparty: "Klant & Zn B.V.", CounterIBAN: "NL91ABNA0417164300",
				Remittance: "Factuur INV-2026-0003 RF18539007547034", Reference: "RF18539007547034", Kind: "PMNT/RCDT/ESCT"},
			{Where: "Stmt[1]/Ntry[2]", BookingDate: d(3), AmountMinor: -30000, BankRef: "R2", Remittance: "Salaris | Bonus", Kind: "N658"},
			{Where: "Stmt[1]/Ntry[4]", BookingDate: d(4), AmountMinor: -1234, BankRef: "R4", Counterparty: "Terug B.V.",
				CounterIBAN: "NL44RABO0123456789", Remittance: "RETOUR AC04", Kind: "PMNT/RCDT/ESCT"},
			{Where: "Stmt[1]/Ntry[5]", BookingDate: d(5), AmountMinor: -500, BankRef: "R5", Remittance: "KOSTEN ZAKELIJK PAKKET", Kind: "ACMT/MDOP/CHRG"},
		},
	}
}

func TestParseVersions(t *testing.T) {
	for _, v := range []string{"02", "08", "13"} {
		t.Run(v, func(t *testing.T) {
			got, err := Parse(strings.NewReader(sample(v)))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 {
				t.Fatalf("%d statements, want 1", len(got))
			}
			if want := wantSample(); !reflect.DeepEqual(got[0], want) {
				t.Errorf("got\n%+v\nwant\n%+v", got[0], want)
				for i := range min(len(got[0].Lines), len(want.Lines)) {
					if !reflect.DeepEqual(got[0].Lines[i], want.Lines[i]) {
						t.Errorf("line %d:\n got %+v\nwant %+v", i, got[0].Lines[i], want.Lines[i])
					}
				}
			}
		})
	}
}

// TestParseVariants covers spellings that are valid and must read the same.
func TestParseVariants(t *testing.T) {
	base := sample("08")
	check := func(f func(bank.ParsedStatement) string) func([]bank.ParsedStatement) string {
		return func(s []bank.ParsedStatement) string { return f(s[0]) }
	}
	tests := []struct {
		name  string
		in    string
		check func([]bank.ParsedStatement) string
	}{
		{"PRCD as the opening balance", strings.Replace(base, "OPBD", "PRCD", 1), check(func(s bank.ParsedStatement) string {
			return fmt.Sprint(*s.Opening)
		})},
		{"OPBD wins over PRCD", strings.Replace(base, "<Bal>", bal("PRCD", "1.00", "CRDT")+"<Bal>", 1), check(func(s bank.ParsedStatement) string {
			return fmt.Sprint(*s.Opening)
		})},
		{"currency from the balances", strings.Replace(base, "<Ccy>EUR</Ccy>", "", 1), check(func(s bank.ParsedStatement) string {
			return s.Currency + fmt.Sprint(len(s.Lines))
		})},
		{"negative and zero balances", strings.Replace(strings.Replace(base, `1000.00</Amt><CdtDbtInd>CRDT`, `1000.00</Amt><CdtDbtInd>DBIT`, 1),
			`1917.16</Amt><CdtDbtInd>CRDT`, `0.00</Amt><CdtDbtInd>CRDT`, 1), check(func(s bank.ParsedStatement) string {
			return fmt.Sprint(*s.Opening, " ", *s.Closing)
		})},
		{"byte order mark and a namespace prefix", "\ufeff" + strings.NewReplacer(`<Document xmlns=`, `<c:Document xmlns:c=`, `</Document>`, `</c:Document>`).Replace(base),
			check(func(s bank.ParsedStatement) string { return s.StatementID })},
		{"two statements", doc("02", stmt("A", bal("OPBD", "1.00", "CRDT")+bal("CLBD", "1.00", "CRDT")),
			stmt("B", bal("OPBD", "1.00", "CRDT")+bal("CLBD", "3.00", "CRDT"),
				`<Ntry><Amt Ccy="EUR">2.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-03-02</Dt></BookgDt></Ntry>`)),
			func(s []bank.ParsedStatement) string {
				return fmt.Sprint(len(s), s[0].StatementID, len(s[0].Lines), s[1].StatementID, s[1].Lines[0].Where, s[1].Lines[0].BankRef == "")
			}},
		{"ISO-8859-1", strings.Replace(strings.Replace(base, `encoding="UTF-8"`, `encoding="ISO-8859-1"`, 1), "Klant &amp; Zn", "Caf\xe9 \x80", 1),
			check(func(s bank.ParsedStatement) string { return s.Lines[0].Counterparty })},
	}
	want := []string{"100000", "100000", "EUR4", "-100000 0", "S1", "2A0BStmt[2]/Ntry[1]true", "Café € B.V."}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if g := tt.check(got); g != want[i] {
				t.Errorf("got %q, want %q", g, want[i])
			}
		})
	}
}

const billionLaughs = `<?xml version="1.0"?>
<!DOCTYPE Document [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Id>&lol9;</Id></Stmt></BkToCstmrStmt></Document>`

func TestParseRefused(t *testing.T) {
	v08 := sample("08")
	v02 := sample("02")
	deep := strings.Repeat("<X>", MaxDepth) + strings.Repeat("</X>", MaxDepth)
	tests := []struct {
		name, in string
		reason   ledger.Reason
		path     string
	}{
		// Other documents.
		{"pain.001", strings.ReplaceAll(v08, "camt.053.001.08", "pain.001.001.03"), ReasonNotStatement, "Document"},
		{"camt.052 report", strings.ReplaceAll(v08, "camt.053.001.08", "camt.052.001.08"), ReasonNotStatement, "Document"},
		{"camt.054 notification", strings.ReplaceAll(v08, "camt.053.001.08", "camt.054.001.02"), ReasonNotStatement, "Document"},
		{"camt.053.001.01", strings.ReplaceAll(v08, "camt.053.001.08", "camt.053.001.01"), ReasonNotStatement, "Document"},
		{"camt.053.001.14", strings.ReplaceAll(v08, "camt.053.001.08", "camt.053.001.14"), ReasonNotStatement, "Document"},
		{"no namespace", strings.Replace(v08, ` xmlns="`+ns("08")+`"`, "", 1), ReasonNotStatement, "Document"},
		{"other message in the camt.053 namespace", strings.ReplaceAll(v08, "BkToCstmrStmt", "BkToCstmrAcctRpt"), ReasonNotStatement, "Document/BkToCstmrAcctRpt (line 3)"},
		{"HTML page", "<!DOCTYPE html>\n<html><head><title>Login</title></head><body><p>Sessie verlopen<br></body></html>", ReasonNotStatement, "line 1"},
		{"HTML without doctype", "<html><body><p>Error</p></body></html>", ReasonNotStatement, "html"},
		{"CSV export", "Datum;Naam;Bedrag\n02-03-2026;Klant;12,50\n", ReasonNotStatement, ""},
		{"empty file", "", ReasonNotStatement, ""},
		{"no statement", doc("08"), ReasonNotStatement, "Document/BkToCstmrStmt"},
		// Not XML, or hostile XML.
		{"cut off", v02[:len(v02)/2], ReasonMalformed, "Document/BkToCstmrStmt/Stmt[1]/"},
		{"mismatched end tag", strings.Replace(v02, "</Id>", "</Idx>", 1), ReasonMalformed, "Document/BkToCstmrStmt/Stmt[1]/Id (line 6)"},
		{"undeclared entity", strings.Replace(v02, "<Id>S1", "<Id>&xxe;", 1), ReasonMalformed, "(line 6)"},
		{"unsupported encoding", strings.Replace(v02, `encoding="UTF-8"`, `encoding="EBCDIC-US"`, 1), ReasonMalformed, ""},
		{"second root", v02 + "<Document/>", ReasonMalformed, fmt.Sprintf("line %d", strings.Count(v02, "\n")+1)},
		{"billion laughs", billionLaughs, ReasonDoctype, "line 2"},
		{"external entity", `<?xml version="1.0"?><!DOCTYPE Document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><Document xmlns="` + ns("02") + `"><BkToCstmrStmt><Stmt><Id>&xxe;</Id></Stmt></BkToCstmrStmt></Document>`, ReasonDoctype, "line 1"},
		{"plain doctype", "<!DOCTYPE Document>\n" + v02, ReasonDoctype, "line 1"},
		{"too deep in a statement", strings.Replace(v02, "<ElctrncSeqNb>", deep+"<ElctrncSeqNb>", 1), ReasonTooDeep, "Stmt[1]/X/X/X"},
		{"too deep elsewhere", strings.Replace(v02, "<MsgId>", deep+"<MsgId>", 1), ReasonTooDeep, "Document/BkToCstmrStmt/GrpHdr/X/X"},
		// Statement content.
		{"no opening balance", strings.Replace(v08, "OPBD", "ITBD", 1), ReasonBalanceMissing, "Document/BkToCstmrStmt/Stmt[1]/Bal (line 5)"},
		{"no closing balance", strings.Replace(v08, "CLBD", "CLAV", 1), ReasonBalanceMissing, "Stmt[1]/Bal"},
		{"unknown currency", strings.Replace(v08, "<Ccy>EUR</Ccy>", "<Ccy>EURO</Ccy>", 1), ReasonCurrencyInvalid, "Stmt[1]/Acct/Ccy"},
		{"no currency at all", strings.ReplaceAll(strings.Replace(v08, "<Ccy>EUR</Ccy>", "", 1), ` Ccy="EUR"`, ""), ReasonCurrencyInvalid, "Stmt[1]/Acct/Ccy"},
		{"entry in another currency", strings.Replace(v08, `<Amt Ccy="EUR">300.00`, `<Amt Ccy="USD">300.00`, 1), ReasonCurrencyMismatch, "Stmt[1]/Ntry[2]/Amt"},
		{"balance in another currency", strings.Replace(v08, `<Amt Ccy="EUR">1000.00`, `<Amt Ccy="GBP">1000.00`, 1), ReasonCurrencyMismatch, "Stmt[1]/Bal[1]/Amt"},
		{"thousands separator", strings.Replace(v08, ">1234.50</Amt><CdtDbtInd>", ">1,234.50</Amt><CdtDbtInd>", 1), ReasonAmountInvalid, "Stmt[1]/Ntry[1]/Amt"},
		{"signed amount", strings.Replace(v08, ">300.00<", ">-300.00<", 1), ReasonAmountInvalid, "Stmt[1]/Ntry[2]/Amt"},
		{"three decimals", strings.Replace(v08, ">12.34<", ">12.345<", 1), ReasonAmountInvalid, "Stmt[1]/Ntry[4]/Amt"},
		{"no CdtDbtInd", strings.Replace(v08, "<CdtDbtInd>DBIT</CdtDbtInd><RvslInd>", "<RvslInd>", 1), ReasonAmountInvalid, "Stmt[1]/Ntry[4]/CdtDbtInd"},
		{"no amount", strings.Replace(v08, `<Amt Ccy="EUR">5.00</Amt>`, "", 1), ReasonAmountInvalid, "Stmt[1]/Ntry[5]/Amt"},
		{"amount over int64", strings.Replace(v08, ">300.00<", ">99999999999999999999.00<", 1), ReasonAmountTooLarge, "Stmt[1]/Ntry[2]/Amt"},
		{"no booking date", strings.Replace(v08, "<BookgDt><Dt>2026-03-03</Dt></BookgDt>", "", 1), ReasonDateMissing, "Stmt[1]/Ntry[2]/BookgDt"},
		{"empty booking date", strings.Replace(v08, "<BookgDt><Dt>2026-03-03</Dt></BookgDt>", "<BookgDt></BookgDt>", 1), ReasonDateMissing, "Stmt[1]/Ntry[2]/BookgDt/Dt"},
		{"booking date not ISO", strings.Replace(v08, "<Dt>2026-03-03</Dt></BookgDt>", "<Dt>03-03-2026</Dt></BookgDt>", 1), ReasonDateInvalid, "Stmt[1]/Ntry[2]/BookgDt/Dt"},
		{"value date impossible", strings.Replace(v08, "<ValDt><Dt>2026-03-03</Dt>", "<ValDt><Dt>2026-02-30</Dt>", 1), ReasonDateInvalid, "Stmt[1]/Ntry[1]/ValDt/Dt"},
		{"period not a date", strings.Replace(v08, "<FrDtTm>2026-03-01T00:00:00+01:00", "<FrDtTm>gisteren", 1), ReasonDateInvalid, "Stmt[1]/FrToDt/FrDtTm"},
		{"no status", strings.Replace(v08, "<Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-03-03", "<BookgDt><Dt>2026-03-03", 1), ReasonStatusMissing, "Stmt[1]/Ntry[2]/Sts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(strings.NewReader(tt.in))
			e := asInvalid(t, err)
			if e == nil {
				t.Fatalf("Parse = %d statements, nil error; want %s", len(got), tt.reason)
			}
			if e.Reason != tt.reason || !strings.Contains(e.Fields[0].Path, tt.path) {
				t.Fatalf("reason %s at %q (%s); want %s at a path containing %q", e.Reason, e.Fields[0].Path, e.Message, tt.reason, tt.path)
			}
			if got != nil {
				t.Errorf("statements returned with an error")
			}
			if e.Fields[0].Path != "" && !strings.HasPrefix(e.Message, e.Fields[0].Path+": ") {
				t.Errorf("message %q does not start with the path", e.Message)
			}
		})
	}
}

func asInvalid(t *testing.T, err error) *ledger.Error {
	t.Helper()
	if err == nil {
		return nil
	}
	var e *ledger.Error
	if !errors.As(err, &e) || e.Code != ledger.CodeInvalid || len(e.Fields) == 0 {
		t.Fatalf("error %v is not an invalid ledger error with fields", err)
	}
	return e
}

// TestParseCollects reports each bad entry, statement-level problems
// first, and stops at maxProblems.
func TestParseCollects(t *testing.T) {
	bad := func(n int) string {
		return fmt.Sprintf(`<Ntry><Amt Ccy="EUR">%d,00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-03-02</Dt></BookgDt></Ntry>`, n)
	}
	var few, many []string
	for i := range 3 {
		few = append(few, bad(i+1))
	}
	for i := range 30 {
		many = append(many, bad(i+1))
	}
	tests := []struct {
		name  string
		in    string
		paths []string
	}{
		{"three entries and a balance", doc("02", stmt("S", bal("OPBD", "1.00", "CRDT"), few...)),
			[]string{"Stmt[1]/Bal (line", "Stmt[1]/Ntry[1]/Amt", "Stmt[1]/Ntry[2]/Amt", "Stmt[1]/Ntry[3]/Amt"}},
		{"thirty entries", doc("02", stmt("S", bal("OPBD", "1.00", "CRDT")+bal("CLBD", "1.00", "CRDT"), many...)), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.in))
			e := asInvalid(t, err)
			if e == nil {
				t.Fatal("no error")
			}
			if tt.paths == nil {
				if len(e.Fields) != maxProblems || !strings.Contains(e.Message, fmt.Sprintf("(and %d more problems)", maxProblems-1)) {
					t.Errorf("%d fields, message %q; want %d", len(e.Fields), e.Message, maxProblems)
				}
				return
			}
			if len(e.Fields) != len(tt.paths) {
				t.Fatalf("fields %+v; want %d", e.Fields, len(tt.paths))
			}
			for i, p := range tt.paths {
				if !strings.Contains(e.Fields[i].Path, p) {
					t.Errorf("field %d path %q; want it to contain %q", i, e.Fields[i].Path, p)
				}
			}
		})
	}
}

// TestParseRunningOverflow: each amount fits, their sum does not.
func TestParseRunningOverflow(t *testing.T) {
	const n = 9300 // 9300 x 9,999,999,999,999.99 > 2^63 cents
	entries := make([]string, n)
	for i := range entries {
		entries[i] = `<Ntry><Amt Ccy="EUR">9999999999999.99</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-03-02</Dt></BookgDt></Ntry>`
	}
	_, err := Parse(strings.NewReader(doc("02", stmt("S", bal("OPBD", "1.00", "CRDT")+bal("CLBD", "1.00", "CRDT"), entries...))))
	e := asInvalid(t, err)
	if e == nil || e.Reason != ReasonAmountTooLarge || !strings.Contains(e.Fields[0].Path, "Ntry[92") {
		t.Fatalf("err = %v; want %s near entry 9224", err, ReasonAmountTooLarge)
	}
}

// endless is a file that never ends: the caps must stop reading it.
type endless struct {
	head string
	fill string
	n    int
}

func (e *endless) Read(p []byte) (int, error) {
	if e.head != "" {
		n := copy(p, e.head)
		e.head = e.head[n:]
		return n, nil
	}
	i := 0
	for i < len(p) {
		c := copy(p[i:], e.fill[e.n%len(e.fill):])
		e.n += c
		i += c
	}
	return i, nil
}

func TestParseLimits(t *testing.T) {
	head := `<Document xmlns="` + ns("02") + `"><BkToCstmrStmt><GrpHdr>`
	tests := []struct {
		name, fill, msg string
	}{
		{"bytes", "<!-- padding -->", "larger than 32 MiB"},
		{"elements", "<a/>", "more than 1000000 elements"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(&endless{head: head, fill: tt.fill})
			e := asInvalid(t, err)
			if e == nil || e.Reason != ReasonTooLarge || !strings.Contains(e.Message, tt.msg) {
				t.Fatalf("err = %v; want %s: %s", err, ReasonTooLarge, tt.msg)
			}
		})
	}
}

type failing struct{ after io.Reader }

var errDisk = errors.New("disk on fire")

func (f failing) Read(p []byte) (int, error) {
	n, err := f.after.Read(p)
	if err == io.EOF {
		return n, errDisk
	}
	return n, err
}

// A read error is the reader's, not the file's fault: it comes back as is.
func TestParseReadError(t *testing.T) {
	_, err := Parse(failing{strings.NewReader(`<Document xmlns="` + ns("02") + `"><BkToCstmrStmt>`)})
	if !errors.Is(err, errDisk) {
		t.Fatalf("err = %v; want the reader's error", err)
	}
}

// TestAcctAfterEntriesIsRefused: a statement that gives its Acct after its
// entries was read with the IBAN filled in afterwards, but its entries had
// been converted without it, so a line whose counterparty was the account
// itself differed from the same file in schema order. It is refused, with
// the element named; the fuzz regression cases are such files.
func TestAcctAfterEntriesIsRefused(t *testing.T) {
	for _, name := range []string{"acct-after-entries", "iban-after-entries"} {
		raw, err := os.ReadFile(filepath.Join("testdata", "fuzz", "FuzzParse", name))
		if err != nil {
			t.Fatal(err)
		}
		// A corpus file is "go test fuzz v1" and one []byte("...") line.
		_, body, _ := strings.Cut(strings.TrimSpace(string(raw)), "\n")
		data, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(body, "[]byte("), ")"))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		stmts, err := Parse(strings.NewReader(data))
		var e *ledger.Error
		if !errors.As(err, &e) || e.Reason != ledger.ReasonCamtNotStatement || len(e.Fields) != 1 ||
			!strings.HasSuffix(e.Fields[0].Path, "Stmt[1]/Acct (line 1)") {
			t.Errorf("%s: %d statements, %v; want camt_not_statement at Stmt[1]/Acct", name, len(stmts), err)
		}
	}
	// The same statement with Acct before its entries is read.
	if _, err := Parse(strings.NewReader(moveAcctFirst(t))); err != nil {
		t.Errorf("in schema order: %v", err)
	}
}

// moveAcctFirst is iban-after-entries with its Acct right after Id.
func moveAcctFirst(t *testing.T) string {
	const acct = `<Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id></Acct>`
	raw, err := os.ReadFile(filepath.Join("testdata", "fuzz", "FuzzParse", "iban-after-entries"))
	if err != nil {
		t.Fatal(err)
	}
	_, body, _ := strings.Cut(strings.TrimSpace(string(raw)), "\n")
	data, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(body, "[]byte("), ")"))
	if err != nil || !strings.Contains(data, acct) {
		t.Fatalf("iban-after-entries: %v", err)
	}
	data = strings.Replace(data, acct, "", 1)
	return strings.Replace(data, "<Id>S</Id>", "<Id>S</Id>"+acct, 1)
}
