package pain001

import (
	"bytes"
	"encoding/xml"
	"errors"
	"strings"
	"testing"
	"time"
)

var versions = []Version{V09, V03}

func TestParseVersion(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Version
		ok   bool
	}{
		{"", V09, true},
		{"pain.001.001.09", V09, true},
		{"pain.001.001.03", V03, true},
		{"pain.001.001.12", "", false},
		{"PAIN.001.001.09", "", false},
	} {
		got, ok := ParseVersion(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ParseVersion(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestWriteValidatesAgainstXSD(t *testing.T) {
	for _, v := range versions {
		t.Run(string(v), func(t *testing.T) {
			doc, err := Write(v, sampleBatch())
			if err != nil {
				t.Fatal(err)
			}
			xmllint(t, schemaFor(v), doc)
			if v == V09 {
				xmllint(t, epcXSD09, doc)
			}
		})
	}
}

func TestWrite1000ValidatesAgainstXSD(t *testing.T) {
	b, total := bigBatch(1000)
	for _, v := range versions {
		t.Run(string(v), func(t *testing.T) {
			doc, err := Write(v, b)
			if err != nil {
				t.Fatal(err)
			}
			xmllint(t, schemaFor(v), doc)
			if v == V09 {
				xmllint(t, epcXSD09, doc)
			}
			f := parse(t, doc)
			if f.GrpHdr.NbOfTxs != "1000" || f.PmtInf.NbOfTxs != "1000" {
				t.Errorf("NbOfTxs = %s / %s, want 1000", f.GrpHdr.NbOfTxs, f.PmtInf.NbOfTxs)
			}
			if want := formatCents(total); f.GrpHdr.CtrlSum != want || f.PmtInf.CtrlSum != want {
				t.Errorf("CtrlSum = %s / %s, want %s", f.GrpHdr.CtrlSum, f.PmtInf.CtrlSum, want)
			}
		})
	}
}

// file is the part of a pain.001 file the tests read back; local names
// only, so it reads both versions.
type file struct {
	XMLName xml.Name `xml:"Document"`
	NS      string   `xml:"xmlns,attr"`
	GrpHdr  struct {
		MsgId    string
		CreDtTm  string
		NbOfTxs  string
		CtrlSum  string
		InitgPty struct{ Nm string }
	} `xml:"CstmrCdtTrfInitn>GrpHdr"`
	PmtInf struct {
		PmtInfId    string
		BtchBookg   string
		NbOfTxs     string
		CtrlSum     string
		ReqdExctnDt struct {
			Text string `xml:",chardata"`
			Dt   string
		}
		DbtrAgt struct {
			BIC   string `xml:"FinInstnId>BIC"`
			BICFI string `xml:"FinInstnId>BICFI"`
			Othr  string `xml:"FinInstnId>Othr>Id"`
		}
		Txs []struct {
			EndToEndId string `xml:"PmtId>EndToEndId"`
			Amt        struct {
				Ccy   string `xml:"Ccy,attr"`
				Value string `xml:",chardata"`
			} `xml:"Amt>InstdAmt"`
			CdtrAgt *struct {
				BIC   string `xml:"FinInstnId>BIC"`
				BICFI string `xml:"FinInstnId>BICFI"`
			}
			Cdtr struct {
				Nm      string
				PstlAdr *struct{ StrtNm, BldgNb, PstCd, TwnNm, Ctry string }
			}
			IBAN   string `xml:"CdtrAcct>Id>IBAN"`
			RmtInf *struct {
				Ustrd string
				Cd    string `xml:"Strd>CdtrRefInf>Tp>CdOrPrtry>Cd"`
				Issr  string `xml:"Strd>CdtrRefInf>Tp>Issr"`
				Ref   string `xml:"Strd>CdtrRefInf>Ref"`
			}
		} `xml:"CdtTrfTxInf"`
	} `xml:"CstmrCdtTrfInitn>PmtInf"`
}

func parse(t testing.TB, doc []byte) *file {
	t.Helper()
	var f file
	if err := xml.Unmarshal(doc, &f); err != nil {
		t.Fatalf("reading the file back: %v", err)
	}
	return &f
}

// formatCents is the test's own euro formatting, independent of
// formatMinor: the integer part and two digits, by string slicing.
func formatCents(c int64) string {
	s := strings.Repeat("0", 3) + itoaTest(c)
	s = strings.TrimLeft(s[:len(s)-2], "0") + "." + s[len(s)-2:]
	if s[0] == '.' {
		s = "0" + s
	}
	return s
}

func itoaTest(n int64) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func TestWriteReadBack(t *testing.T) {
	b := sampleBatch()
	var total int64
	for _, tr := range b.Transfers {
		total += tr.AmountMinor
	}
	wantAmounts := []string{"1234.56", "0.01", "99.99", "1.00", "999999999.99", "0.10"}
	for _, v := range versions {
		t.Run(string(v), func(t *testing.T) {
			doc, err := Write(v, b)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(doc, []byte(`<?xml version="1.0" encoding="UTF-8"?>`+"\n")) {
				t.Errorf("no XML header: %.60s", doc)
			}
			f := parse(t, doc)
			if f.NS != "urn:iso:std:iso:20022:tech:xsd:"+string(v) {
				t.Errorf("namespace %q", f.NS)
			}
			if f.GrpHdr.MsgId != "BO-2026-12-06-0001" || f.PmtInf.PmtInfId != "BO-2026-12-06-0001" {
				t.Errorf("ids %q %q", f.GrpHdr.MsgId, f.PmtInf.PmtInfId)
			}
			if f.GrpHdr.CreDtTm != "2026-12-06T10:00:00Z" {
				t.Errorf("CreDtTm = %q, want UTC whole seconds", f.GrpHdr.CreDtTm)
			}
			if f.GrpHdr.InitgPty.Nm != "Bakkerij De Vries + Zonen B.V." {
				t.Errorf("InitgPty/Nm = %q", f.GrpHdr.InitgPty.Nm)
			}
			if n := itoaTest(int64(len(b.Transfers))); f.GrpHdr.NbOfTxs != n || f.PmtInf.NbOfTxs != n || len(f.PmtInf.Txs) != len(b.Transfers) {
				t.Errorf("NbOfTxs = %s / %s (%d transactions), want %s", f.GrpHdr.NbOfTxs, f.PmtInf.NbOfTxs, len(f.PmtInf.Txs), n)
			}
			// 1234.56 + 0.01 + 99.99 + 1.00 + 999999999.99 + 0.10 = 1000001335.65
			if f.GrpHdr.CtrlSum != "1000001335.65" || f.PmtInf.CtrlSum != "1000001335.65" || formatCents(total) != "1000001335.65" {
				t.Errorf("CtrlSum = %s / %s (summed %s), want 1000001335.65", f.GrpHdr.CtrlSum, f.PmtInf.CtrlSum, formatCents(total))
			}
			if f.PmtInf.BtchBookg != "true" {
				t.Errorf("BtchBookg = %q", f.PmtInf.BtchBookg)
			}
			exec := strings.TrimSpace(f.PmtInf.ReqdExctnDt.Text)
			if v == V09 {
				exec = f.PmtInf.ReqdExctnDt.Dt
			}
			if exec != "2026-12-08" {
				t.Errorf("ReqdExctnDt = %q", exec)
			}
			if v == V09 && f.PmtInf.DbtrAgt.BICFI != "ABNANL2A" || v == V03 && f.PmtInf.DbtrAgt.BIC != "ABNANL2A" {
				t.Errorf("DbtrAgt = %+v", f.PmtInf.DbtrAgt)
			}
			for i, tx := range f.PmtInf.Txs {
				if tx.Amt.Value != wantAmounts[i] || tx.Amt.Ccy != "EUR" {
					t.Errorf("tx %d amount = %s %s, want EUR %s", i, tx.Amt.Ccy, tx.Amt.Value, wantAmounts[i])
				}
				if tx.EndToEndId != b.Transfers[i].EndToEndID {
					t.Errorf("tx %d EndToEndId = %q", i, tx.EndToEndId)
				}
				hasBIC := b.Transfers[i].Creditor.BIC != ""
				if (tx.CdtrAgt != nil) != hasBIC {
					t.Errorf("tx %d CdtrAgt present = %v, want %v", i, tx.CdtrAgt != nil, hasBIC)
				}
			}
			tx := f.PmtInf.Txs
			if got := tx[0].RmtInf.Ustrd; got != "Rechnung Nr. 42 - Grosse XL + Cafe creme, facade AEro" {
				t.Errorf("Ustrd = %q", got)
			}
			if got := tx[0].Cdtr.Nm; got != "Muller + Sohne GmbH" {
				t.Errorf("Nm = %q", got)
			}
			if got := tx[2].RmtInf.Ustrd; got != "Facture F/2026/17" {
				t.Errorf("Ustrd = %q", got)
			}
			if r := tx[1].RmtInf; r == nil || r.Cd != "SCOR" || r.Issr != "CUR" || r.Ref != "5000056789012345" || r.Ustrd != "" {
				t.Errorf("structured reference = %+v", r)
			}
			if tx[3].IBAN != "NL39RABO0300065264" {
				t.Errorf("IBAN not normalised: %q", tx[3].IBAN)
			}
			if tx[5].RmtInf != nil {
				t.Errorf("RmtInf written without remittance: %+v", tx[5].RmtInf)
			}
			// Addresses: .09 structured when town and country are known; .03 none.
			if v == V03 {
				for i, tx := range tx {
					if tx.Cdtr.PstlAdr != nil {
						t.Errorf("tx %d: .03 wrote an address", i)
					}
				}
				return
			}
			if a := tx[1].Cdtr.PstlAdr; a == nil || *a != (struct{ StrtNm, BldgNb, PstCd, TwnNm, Ctry string }{"Keizersgracht", "123-A", "1015 CJ", "Amsterdam", "NL"}) {
				t.Errorf("address 1 = %+v", a)
			}
			if a := tx[2].Cdtr.PstlAdr; a == nil || a.StrtNm != "12 rue de l'Eglise" || a.Ctry != "FR" || a.TwnNm != "Paris" {
				t.Errorf("address from lines = %+v", a)
			}
			if a := tx[4].Cdtr.PstlAdr; a == nil || a.StrtNm != "Kraftvaerksvej" || a.PstCd != "" {
				t.Errorf("address 4 = %+v", a)
			}
			if tx[0].Cdtr.PstlAdr != nil || tx[5].Cdtr.PstlAdr != nil {
				t.Errorf("address written without town and country")
			}
		})
	}
}

func TestWriteNoDebtorBIC(t *testing.T) {
	for _, v := range versions {
		b := sampleBatch()
		b.Debtor.BIC = ""
		b.InitiatorName = "Backoffice Administratie"
		b.PaymentInfoID = "PMT-1"
		b.BatchBooking = false
		doc, err := Write(v, b)
		if err != nil {
			t.Fatal(err)
		}
		xmllint(t, schemaFor(v), doc)
		f := parse(t, doc)
		if f.PmtInf.DbtrAgt.Othr != "NOTPROVIDED" || f.PmtInf.DbtrAgt.BIC != "" || f.PmtInf.DbtrAgt.BICFI != "" {
			t.Errorf("%s: DbtrAgt = %+v", v, f.PmtInf.DbtrAgt)
		}
		if f.GrpHdr.InitgPty.Nm != "Backoffice Administratie" || f.PmtInf.PmtInfId != "PMT-1" || f.PmtInf.BtchBookg != "false" {
			t.Errorf("%s: header = %+v / %s %s", v, f.GrpHdr, f.PmtInf.PmtInfId, f.PmtInf.BtchBookg)
		}
	}
}

func TestWriteDeterministic(t *testing.T) {
	for _, v := range versions {
		a, err := Write(v, sampleBatch())
		if err != nil {
			t.Fatal(err)
		}
		b, _ := Write(v, sampleBatch())
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two writes differ", v)
		}
	}
	if _, err := Write("", sampleBatch()); err != nil {
		t.Errorf("empty version: %v", err)
	}
}

func TestFormatMinor(t *testing.T) {
	for c, want := range map[int64]string{
		0: "0.00", 1: "0.01", 10: "0.10", 99: "0.99", 100: "1.00", 123456: "1234.56",
		99999999999: "999999999.99", 999999999999999999: "9999999999999999.99",
	} {
		if got := formatMinor(c); got != want {
			t.Errorf("formatMinor(%d) = %q, want %q", c, got, want)
		}
		if got := formatCents(c); got != want {
			t.Errorf("test formatter(%d) = %q, want %q", c, got, want)
		}
	}
}

func problems(t *testing.T, v Version, b *Batch) map[string]string {
	t.Helper()
	doc, err := Write(v, b)
	if err == nil {
		t.Fatalf("Write accepted the batch:\n%s", doc)
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %T %v, want *Error", err, err)
	}
	if doc != nil {
		t.Errorf("Write returned a document with an error")
	}
	got := map[string]string{}
	for _, p := range e.Problems {
		got[p.Path] += p.Message + ";"
	}
	return got
}

func TestWriteRefusesEveryProblem(t *testing.T) {
	long := strings.Repeat("Factuur 2026-0001 ", 8) // 144 characters, 143 after trimming
	b := sampleBatch()
	b.MessageID = "/BO-1"
	b.PaymentInfoID = strings.Repeat("P", 36)
	b.Debtor.IBAN = "NL91ABNA0417164301" // last digit changed: check digits fail
	b.Debtor.BIC = "ABNANL2"
	b.Transfers[0].RemittanceText = long
	b.Transfers[1].RemittanceText = "Factuur 1"                  // and CreditorReference
	b.Transfers[2].Creditor.IBAN = "FR1420041010050500013M02607" // bad check
	b.Transfers[2].EndToEndID = "E2E//1"
	b.Transfers[3].CreditorReference = "12234534622569" // sum 263+4=267, 267 mod 11 = 3, C would be 8, not 1
	b.Transfers[4].AmountMinor = 0
	b.Transfers[5].Creditor.Name = "  "
	b.Transfers[5].EndToEndID = "Rechnung_ä"
	b.Transfers[5].Creditor.Address.Country = "BEL"
	b.Transfers = append(b.Transfers, Transfer{EndToEndID: "X", AmountMinor: -5, Creditor: Party{Name: "X", IBAN: "NL91ABNA0417164300"}},
		Transfer{EndToEndID: "Y", AmountMinor: 100000000000, Creditor: Party{Name: strings.Repeat("N", 71), IBAN: "NL91ABNA0417164300", BIC: "ABNANL2AXX"}})

	for _, v := range versions {
		t.Run(string(v), func(t *testing.T) {
			got := problems(t, v, b)
			want := []string{
				"message_id", "payment_info_id", "debtor.iban", "debtor.bic",
				"transfers[0].remittance_text",
				"transfers[1]",
				"transfers[2].creditor.iban", "transfers[2].end_to_end_id",
				"transfers[3].creditor_reference",
				"transfers[4].amount_minor",
				"transfers[5].creditor.name", "transfers[5].end_to_end_id",
				"transfers[6].amount_minor",
				"transfers[7].amount_minor", "transfers[7].creditor.name", "transfers[7].creditor.bic",
			}
			if v == V09 {
				want = append(want, "transfers[5].creditor.address.country")
			}
			for _, p := range want {
				if got[p] == "" {
					t.Errorf("no problem reported at %s", p)
				}
			}
			if len(got) != len(want) {
				t.Errorf("problems at %d paths, want %d: %v", len(got), len(want), got)
			}
			if !strings.Contains(got["transfers[0].remittance_text"], "143 characters") {
				t.Errorf("remittance message: %q", got["transfers[0].remittance_text"])
			}
		})
	}
}

func TestWriteRefusesSmallCases(t *testing.T) {
	empty := sampleBatch()
	empty.Transfers = nil
	if got := problems(t, V09, empty); got["transfers"] == "" || len(got) != 1 {
		t.Errorf("no transfers: %v", got)
	}
	zero := sampleBatch()
	zero.Transfers[0].AmountMinor = 0
	if got := problems(t, V03, zero); got["transfers[0].amount_minor"] == "" || len(got) != 1 {
		t.Errorf("zero amount: %v", got)
	}
	noDates := sampleBatch()
	noDates.CreatedAt, noDates.ExecutionDate = time.Time{}, time.Time{}
	noDates.Debtor = Party{}
	got := problems(t, V09, noDates)
	for _, p := range []string{"created_at", "execution_date", "debtor.name", "debtor.iban"} {
		if got[p] == "" {
			t.Errorf("no problem at %s: %v", p, got)
		}
	}
	// Remittance text of characters the SEPA set has none of.
	unreadable := sampleBatch()
	unreadable.Transfers[0].RemittanceText = "😀 ★"
	if got := problems(t, V09, unreadable); got["transfers[0].remittance_text"] == "" {
		t.Errorf("remittance text with nothing SEPA left: %v", got)
	}
	if _, err := Write("pain.001.001.02", sampleBatch()); err == nil {
		t.Error("unknown version accepted")
	}
	if _, err := Write(V09, nil); err == nil {
		t.Error("nil batch accepted")
	}
	// A BIC valid under the 2014 pattern (.09) but not the older one (.03):
	// location code starting with 0.
	b := sampleBatch()
	b.Transfers[0].Creditor.BIC = "ABCDNL01"
	if _, err := Write(V09, b); err != nil {
		t.Errorf(".09 refused a BICFI: %v", err)
	}
	if got := problems(t, V03, b); got["transfers[0].creditor.bic"] == "" {
		t.Errorf(".03 accepted a BIC its schema refuses: %v", got)
	}
	// A total beyond the 18-digit control sum needs more than ten million
	// transfers of the largest amount; the sum is checked on its own.
	if tot, ok := addTotal(maxTotalMinor-99999999999, 99999999999); !ok || tot != 999999999999999999 {
		t.Errorf("addTotal to the limit = %d, %v", tot, ok)
	}
	if _, ok := addTotal(maxTotalMinor-99999999998, 99999999999); ok {
		t.Error("addTotal past the limit accepted")
	}
	if _, ok := addTotal(9223372036854775000, 99999999999); ok {
		t.Error("addTotal overflowing int64 accepted")
	}
}

func TestErrorMessage(t *testing.T) {
	e := &Error{Problems: []Problem{{"transfers[3].creditor.iban", "is not a valid IBAN"}, {"transfers", "has no transfers"}}}
	want := "pain001: invalid batch: transfers[3].creditor.iban is not a valid IBAN; transfers has no transfers"
	if e.Error() != want {
		t.Errorf("Error() = %q", e.Error())
	}
}

func BenchmarkWrite1000(b *testing.B) {
	batch, _ := bigBatch(1000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Write(V09, batch); err != nil {
			b.Fatal(err)
		}
	}
}

// TestWriteDebtorAddressOutsideEEA: a transfer to a SEPA country outside
// the EEA (here Switzerland) carries the payer's address; without one the
// batch is refused at debtor.address, with one both versions validate and
// the file has it under Dbtr.
func TestWriteDebtorAddressOutsideEEA(t *testing.T) {
	b := sampleBatch()
	b.Transfers = b.Transfers[:1]
	b.Transfers[0].Creditor = Party{Name: "Uhren AG", IBAN: "CH9300762011623852957"}
	for _, v := range []Version{V09, V03} {
		if got := problems(t, v, b); got["debtor.address"] == "" {
			t.Errorf("%s: no problem at debtor.address: %v", v, got)
		}
	}
	b.Debtor.Address = Address{Street: "Dorpsstraat", BuildingNumber: "1", Postcode: "1234 AB", Town: "Utrecht", Country: "NL"}
	for _, v := range []Version{V09, V03} {
		doc, err := Write(v, b)
		if err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		xmllint(t, schemaFor(v), doc)
		if !bytes.Contains(doc, []byte("<Dbtr>\n        <Nm>Bakkerij De Vries + Zonen B.V.</Nm>\n        <PstlAdr>")) ||
			!bytes.Contains(doc, []byte("<TwnNm>Utrecht</TwnNm>")) {
			t.Errorf("%s: no debtor address in\n%s", v, doc)
		}
	}
	if !SEPAIBAN("CH9300762011623852957") || SEPAIBAN("BR1800360305000010009795493C1") || !OutsideEEA("GB29NWBK60161331926819") || OutsideEEA("NL91ABNA0417164300") {
		t.Error("SEPA countries")
	}
}
