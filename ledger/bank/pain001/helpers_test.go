package pain001

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

const epcXSD09 = "testdata/EPC132-08_2023_V1.0_SCT_C2PSP_pain.001.001.09.xsd"

func schemaFor(v Version) string { return filepath.Join("testdata", string(v)+".xsd") }

// xmllint validates doc against the schema xsd with libxml2's xmllint. It
// skips the test where xmllint is missing, or fails it where CI is set
// (.ci/run sets CI and installs libxml2-utils).
func xmllint(t testing.TB, xsd string, doc []byte) {
	t.Helper()
	bin, err := exec.LookPath("xmllint")
	if err != nil {
		msg := "xmllint not found: run `apt-get install libxml2-utils` (or .ci/run, which installs it)"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	file := filepath.Join(t.TempDir(), "pain.001.xml")
	if err := os.WriteFile(file, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--noout", "--nonet", "--schema", xsd, file)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("xmllint --schema %s: %v\n%s", xsd, err, out.Bytes())
		}
		t.Fatalf("xmllint: %v", err)
	}
}

// mkIBAN builds an IBAN with correct check digits from a country code and
// a BBAN (ISO 13616: check = 98 - (BBAN + country + "00") mod 97).
func mkIBAN(country, bban string) string {
	s := bban + country + "00"
	rem := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' {
			rem = (rem*100 + int(c-'A'+10)) % 97
		} else {
			rem = (rem*10 + int(c-'0')) % 97
		}
	}
	check := 98 - rem
	return country + string([]byte{byte('0' + check/10), byte('0' + check%10)}) + bban
}

// sampleBatch has one transfer of every kind: with and without BIC, with
// a full address, an address from free lines only, accents and '&' in the
// remittance text, and each kind of Dutch payment reference.
func sampleBatch() *Batch {
	return &Batch{
		MessageID:     "BO-2026-12-06-0001",
		CreatedAt:     time.Date(2026, 12, 6, 11, 0, 0, 123456789, time.FixedZone("CET", 3600)),
		ExecutionDate: time.Date(2026, 12, 8, 0, 0, 0, 0, time.UTC),
		Debtor: Party{
			Name: "Bakkerij De Vries & Zonen B.V.",
			IBAN: "NL91ABNA0417164300",
			BIC:  "ABNANL2A",
		},
		BatchBooking: true,
		Transfers: []Transfer{
			{
				EndToEndID:     "INV-2026-0042",
				AmountMinor:    123456,
				Creditor:       Party{Name: "Müller & Söhne GmbH", IBAN: "DE89370400440532013000", BIC: "COBADEFFXXX"},
				RemittanceText: "Rechnung Nr. 42 – Größe “XL” & Café crème, façade Ærø",
			},
			{
				EndToEndID:  "INV-2026-0043",
				AmountMinor: 1,
				Creditor: Party{Name: "Janssen Installatietechniek", IBAN: "NL02ABNA0123456789",
					Address: Address{Street: "Keizersgracht", BuildingNumber: "123-A", Postcode: "1015 CJ", Town: "Amsterdam", Country: "NL"}},
				CreditorReference: "5000056789012345",
			},
			{
				EndToEndID:  "INV-2026-0044",
				AmountMinor: 9999,
				Creditor: Party{Name: "Énergie Société Anonyme", IBAN: "FR1420041010050500013M02606", BIC: "BNPAFRPP",
					Address: Address{Lines: []string{"", "12 rue de l'Église"}, Postcode: "75001", Town: "Paris", Country: "fr"}},
				RemittanceText: "Facture F/2026//17",
			},
			{
				EndToEndID:        "INV-2026-0045",
				AmountMinor:       100,
				Creditor:          Party{Name: "Gemeente Utrecht", IBAN: "nl39 rabo 0300 0652 64"},
				CreditorReference: "12234534622567",
			},
			{
				EndToEndID:  "INV-2026-0046",
				AmountMinor: 99999999999,
				Creditor: Party{Name: "Ørsted Wind Power A/S", IBAN: mkIBAN("DK", "50000400440116"),
					Address: Address{Street: "Kraftværksvej", BuildingNumber: "53", Town: "Fredericia", Country: "DK"}},
				CreditorReference: "1234567",
			},
			{
				EndToEndID:  "INV-2026-0047",
				AmountMinor: 10,
				Creditor:    Party{Name: "Address Without Country", IBAN: "BE68539007547034", Address: Address{Street: "Rue Neuve", Town: "Bruxelles"}},
			},
		},
	}
}

// bigBatch has n transfers of varied amounts, alternating with and
// without BIC, address and reference.
func bigBatch(n int) (*Batch, int64) {
	b := sampleBatch()
	b.Transfers = make([]Transfer, n)
	var total int64
	for i := range b.Transfers {
		t := Transfer{
			EndToEndID:  "E2E-" + strconv.Itoa(i),
			AmountMinor: int64(i%977)*1013 + 1,
			Creditor: Party{
				Name: "Leverancier " + strconv.Itoa(i) + " & Co",
				IBAN: mkIBAN("NL", "RABO"+leftPad(strconv.Itoa(100000+i), 10)),
			},
		}
		if i%2 == 0 {
			t.Creditor.BIC = "RABONL2U"
		}
		if i%3 == 0 {
			t.Creditor.Address = Address{Street: "Dorpsstraat", BuildingNumber: strconv.Itoa(i), Postcode: "1234 AB", Town: "Ede", Country: "NL"}
		}
		if i%5 == 0 {
			t.CreditorReference = "5000056789012345"
		} else {
			t.RemittanceText = "Factuur " + strconv.Itoa(i) + " – levering één pallet"
		}
		total += t.AmountMinor
		b.Transfers[i] = t
	}
	return b, total
}

func leftPad(s string, n int) string {
	for len(s) < n {
		s = "0" + s
	}
	return s
}
