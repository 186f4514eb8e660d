package camt053

import (
	"strings"
	"testing"
)

// Shapes of real banks' files: placeholders for references, information
// entries of 0.00, statements of a quiet day without a period, invoice
// numbers in structured remittance, and a returned transfer.
func TestRealWorldShapes(t *testing.T) {
	ntry := func(amt, cdi, sts, ref, details string) string {
		return `<Ntry><Amt Ccy="EUR">` + amt + `</Amt><CdtDbtInd>` + cdi + `</CdtDbtInd>` + sts +
			`<BookgDt><Dt>2026-03-02</Dt></BookgDt><AcctSvcrRef>` + ref + `</AcctSvcrRef>` + details + `</Ntry>`
	}
	book := sts("08", "BOOK")
	t.Run("NONREF is no reference", func(t *testing.T) {
		got, err := Parse(strings.NewReader(doc("08", stmt("S", bal("OPBD", "0.00", "CRDT")+bal("CLBD", "3.00", "CRDT"),
			ntry("1.00", "CRDT", book, "NONREF", ""), ntry("2.00", "CRDT", book, "NONREF", "")))))
		if err != nil {
			t.Fatal(err)
		}
		if ls := got[0].Lines; len(ls) != 2 || ls[0].BankRef != "" || ls[1].BankRef != "" {
			t.Fatalf("lines %+v", ls)
		}
	})
	t.Run("a booked 0.00 is skipped", func(t *testing.T) {
		got, err := Parse(strings.NewReader(doc("08", stmt("S", bal("OPBD", "0.00", "CRDT")+bal("CLBD", "1.00", "CRDT"),
			ntry("0.00", "CRDT", book, "R0", ""), ntry("1.00", "CRDT", book, "R1", "")))))
		if err != nil {
			t.Fatal(err)
		}
		if ls := got[0].Lines; len(ls) != 1 || ls[0].BankRef != "R1" {
			t.Fatalf("lines %+v", ls)
		}
	})
	t.Run("an unknown status is refused", func(t *testing.T) {
		_, err := Parse(strings.NewReader(doc("08", stmt("S", bal("OPBD", "0.00", "CRDT")+bal("CLBD", "1.00", "CRDT"),
			ntry("1.00", "CRDT", "<Sts><Prtry>BOOKED</Prtry></Sts>", "R1", "")))))
		if err == nil || !strings.Contains(err.Error(), string(ReasonStatusMissing)) || !strings.Contains(err.Error(), "BOOKED") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("a quiet day without a period", func(t *testing.T) {
		quiet := strings.Replace(stmt("S", bal("OPBD", "5.00", "CRDT")+strings.Replace(bal("CLBD", "5.00", "CRDT"), "2026-03-01", "2026-03-09", 1)),
			"<FrToDt><FrDtTm>2026-03-01T00:00:00+01:00</FrDtTm><ToDtTm>2026-03-07T23:59:59+01:00</ToDtTm></FrToDt>", "", 1)
		got, err := Parse(strings.NewReader(doc("02", quiet)))
		if err != nil {
			t.Fatal(err)
		}
		if got[0].From.String() != "2026-03-09" || got[0].To.String() != "2026-03-09" || len(got[0].Lines) != 0 {
			t.Fatalf("statement %+v", got[0])
		}
	})
	t.Run("invoice numbers in structured remittance", func(t *testing.T) {
		got, err := Parse(strings.NewReader(doc("08", stmt("S", bal("OPBD", "0.00", "CRDT")+bal("CLBD", "1.00", "CRDT"),
			ntry("1.00", "CRDT", book, "R1", `<NtryDtls><TxDtls><RmtInf><Strd><RfrdDocInf><Nb>INV-2026-0007</Nb></RfrdDocInf></Strd>
			<Strd><RfrdDocInf><Nb>INV-2026-0008</Nb></RfrdDocInf></Strd></RmtInf></TxDtls></NtryDtls>`)))))
		if err != nil {
			t.Fatal(err)
		}
		if r := got[0].Lines[0].Remittance; r != "INV-2026-0007 INV-2026-0008" {
			t.Fatalf("remittance %q", r)
		}
	})
	t.Run("a reference the text holds is kept once", func(t *testing.T) {
		got, err := Parse(strings.NewReader(doc("08", stmt("S", bal("OPBD", "0.00", "CRDT")+bal("CLBD", "2.00", "CRDT"),
			ntry("1.00", "CRDT", book, "R1", `<NtryDtls><TxDtls><RmtInf><Ustrd>BETALINGSKENM. 1067 9319 5160 1240</Ustrd>
			<Strd><CdtrRefInf><Ref>1067931951601240</Ref></CdtrRefInf></Strd></RmtInf></TxDtls></NtryDtls>`)+
				ntry("1.00", "CRDT", book, "R2", `<NtryDtls><TxDtls><RmtInf><Ustrd>Factuur inv-2026-0009</Ustrd>
			<Strd><RfrdDocInf><Nb>INV-2026-0009</Nb></RfrdDocInf><CdtrRefInf><Ref>RF18539007547034</Ref></CdtrRefInf></Strd></RmtInf></TxDtls></NtryDtls>`)))))
		if err != nil {
			t.Fatal(err)
		}
		if r := got[0].Lines[0]; r.Remittance != "BETALINGSKENM. 1067 9319 5160 1240" {
			t.Fatalf("remittance %q; want the reference once", r.Remittance)
		}
		if r := got[0].Lines[1].Remittance; r != "Factuur inv-2026-0009 RF18539007547034" {
			t.Fatalf("remittance %q; want the invoice number once and the new reference added", r)
		}
	})
	t.Run("a returned transfer names the party it was for", func(t *testing.T) {
		// The original parties: we (Dbtr) paid the creditor; the return
		// is money in, and its other party is still the creditor.
		got, err := Parse(strings.NewReader(doc("08", stmt("S", bal("OPBD", "0.00", "CRDT")+bal("CLBD", "1.00", "CRDT"),
			ntry("1.00", "CRDT", book+"<RvslInd>true</RvslInd>", "R1", `<NtryDtls><TxDtls><RltdPties>`+
				xparty("08", "Dbtr", "Groothandel De Molen", "NL02ABNA0123456789")+xparty("08", "Cdtr", "Leverancier", "NL44RABO0123456789")+
				`</RltdPties></TxDtls></NtryDtls>`)))))
		if err != nil {
			t.Fatal(err)
		}
		if l := got[0].Lines[0]; l.Counterparty != "Leverancier" || l.CounterIBAN != "NL44RABO0123456789" {
			t.Fatalf("line %+v", l)
		}
	})
}
