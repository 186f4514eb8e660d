package purchstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"testing"

	"backoffice/invoicing/purchases"
	"backoffice/invoicing/purchases/purchstore"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore/sqltest"
)

// TestVATTotalsFollowBookings: booking adds each tax code's amount, VAT
// and deductible VAT to the VAT date's totals (reverse charge: the VAT
// due, all of it deductible; meals: VAT without deduction; a foreign
// currency converted per code), a supplier credit note counts negative,
// and a reversal negates on its own date.
func TestVATTotalsFollowBookings(t *testing.T) {
	l := sqltest.Open(t)
	st := purchstore.New(l)
	ent, p := sqltest.Entity(t, l, "Buyer")
	ctx := context.Background()
	sup, err := st.CreateSupplier(ctx, p, ent, &purchases.SupplierInput{Name: piStr("Papier B.V.")})
	if err != nil {
		t.Fatal(err)
	}
	book := func(in *purchases.InvoiceInput) *purchases.Invoice {
		t.Helper()
		in.SupplierID, in.Book = &sup.ID, true
		inv, err := st.CreatePurchaseInvoice(ctx, p, ent, in)
		if err != nil {
			t.Fatal(err)
		}
		return inv
	}
	// 100.00 + 21 % = 21.00, all deductible; 40.00 of meals at 9 % = 3.60,
	// none deductible; 250.00 of services from another EU country, reverse
	// charged at 21 %: 52.50 due (4b) and 52.50 deductible.
	inv := book(&purchases.InvoiceInput{SupplierNumber: piStr("A-1"), InvoiceDate: piStr("2026-05-04"), Lines: []purchases.LineInput{
		{Description: "Paper", Account: "4200", Amount: "100.00", TaxCode: "P21"},
		{Description: "Lunch", Account: "4500", Amount: "40.00", TaxCode: "P9-meals"},
		{Description: "Hosting", Account: "4500", Amount: "250.00", TaxCode: "P-eu-services"},
	}})
	// USD 50.00 + 21 % = 10.50 USD at 0.9: 45.00 EUR and 9.45 EUR.
	usd := book(&purchases.InvoiceInput{SupplierNumber: piStr("A-2"), InvoiceDate: piStr("2026-05-05"), Currency: piStr("USD"), ExchangeRate: piStr("0.9"),
		Lines: []purchases.LineInput{{Description: "Cable", Account: "4200", Amount: "50.00", TaxCode: "P21"}}})
	// A supplier credit note for 20.00 of the paper: 4.20 VAT back.
	book(&purchases.InvoiceInput{Kind: piStr("credit_note"), SupplierNumber: piStr("C-1"), InvoiceDate: piStr("2026-05-20"), CreditedID: &inv.ID,
		Lines: []purchases.LineInput{{Description: "Paper returned", Account: "4200", Amount: "20.00", TaxCode: "P21"}}})
	want := []string{
		"2026-05-04 P21  10000 2100 2100",
		"2026-05-04 P9-meals  4000 360 0",
		"2026-05-04 P-eu-services 4b 25000 5250 5250",
		"2026-05-05 P21  4500 945 945",
		"2026-05-20 P21  -2000 -420 -420",
	}
	slices.Sort(want)
	if got := purchaseVATTotals(t, l, ent); !slices.Equal(got, want) {
		t.Fatalf("vat totals\n%v\nwant\n%v", got, want)
	}
	// Reversing the USD invoice on 2026-06-01 negates it there.
	if _, err := st.ReversePurchaseInvoice(ctx, p, ent, usd.ID, ledger.NewDate(2026, 6, 1)); err != nil {
		t.Fatal(err)
	}
	want = append(want, "2026-06-01 P21  -4500 -945 -945")
	slices.Sort(want)
	if got := purchaseVATTotals(t, l, ent); !slices.Equal(got, want) {
		t.Fatalf("after the reversal\n%v\nwant\n%v", got, want)
	}
}

func purchaseVATTotals(t *testing.T, l interface {
	DB() *sql.DB
}, ent *ledger.Entity) []string {
	t.Helper()
	rows, err := l.DB().Query(`SELECT substr(CAST(v.day AS TEXT), 1, 10), t.code, v.box, v.base_minor, v.vat_minor, v.deductible_minor
		FROM vat_totals v JOIN purchase_tax_codes t ON t.entity_id = v.entity_id AND t.id = v.tax_code_id
		WHERE v.entity_id = ` + fmt.Sprint(ent.ID) + ` AND v.side = 'purchases' AND v.source = 'documents'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var day, code, box string
		var base, vat, ded int64
		if err := rows.Scan(&day, &code, &box, &base, &vat, &ded); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s %s %s %d %d %d", day, code, box, base, vat, ded))
	}
	slices.Sort(out)
	return out
}

// TestSmallBusinessDeductsNothing: under the small-business scheme the VAT
// a supplier charges is cost, and nothing feeds 5b.
func TestSmallBusinessDeductsNothing(t *testing.T) {
	l := sqltest.Open(t)
	st := purchstore.New(l)
	ent, p := sqltest.Entity(t, l, "Buyer")
	ctx := context.Background()
	ent, err := l.UpdateEntity(ctx, p, ent.ID, &ledger.EntityInput{VATScheme: piStr("kor")})
	if err != nil || ent.VATScheme != ledger.VATSmallBusiness {
		t.Fatalf("entity %+v %v", ent, err)
	}
	sup, err := st.CreateSupplier(ctx, p, ent, &purchases.SupplierInput{Name: piStr("Papier B.V.")})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := st.CreatePurchaseInvoice(ctx, p, ent, &purchases.InvoiceInput{SupplierID: &sup.ID, SupplierNumber: piStr("K-1"),
		InvoiceDate: piStr("2026-05-04"), Book: true, Lines: []purchases.LineInput{{Description: "Paper", Account: "4200", Amount: "100.00", TaxCode: "P21"}}})
	if err != nil {
		t.Fatal(err)
	}
	// 100.00 + 21.00 VAT, all of it cost on 4200; nothing on 1200.
	e, err := l.Entry(ctx, ent.ID, *inv.EntryID)
	if err != nil {
		t.Fatal(err)
	}
	net := map[string]int64{}
	for _, line := range e.Lines {
		net[line.AccountCode] += line.DebitMinor - line.CreditMinor
	}
	if net["4200"] != 12100 || net["1200"] != 0 || net["1600"] != -12100 {
		t.Fatalf("entry %v", net)
	}
	if got := purchaseVATTotals(t, l, ent); !slices.Equal(got, []string{"2026-05-04 P21  10000 2100 0"}) {
		t.Fatalf("vat totals %v", got)
	}
}

// TestForeignVATConvertedPerCode: two codes' VAT on one account in a
// foreign currency is converted code by code, in the entry as in the VAT
// totals, so the VAT account and the return agree to the cent. USD 4.81 at
// 21 % = 1.01 and USD 11.22 at 9 % = 1.01 (1.0098); at 1.5 each is 1.515
// -> 1.52 EUR: 3.04 on 1200, where converting the sum (2.02 -> 3.03) would
// lose a cent against the return.
func TestForeignVATConvertedPerCode(t *testing.T) {
	l := sqltest.Open(t)
	st := purchstore.New(l)
	ent, p := sqltest.Entity(t, l, "Buyer")
	ctx := context.Background()
	sup, err := st.CreateSupplier(ctx, p, ent, &purchases.SupplierInput{Name: piStr("Cable Corp")})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := st.CreatePurchaseInvoice(ctx, p, ent, &purchases.InvoiceInput{SupplierID: &sup.ID, SupplierNumber: piStr("U-1"),
		InvoiceDate: piStr("2026-05-04"), Currency: piStr("USD"), ExchangeRate: piStr("1.5"), Book: true, Lines: []purchases.LineInput{
			{Description: "Cable", Account: "4200", Amount: "4.81", TaxCode: "P21"},
			{Description: "Books", Account: "4200", Amount: "11.22", TaxCode: "P9"}}})
	if err != nil {
		t.Fatal(err)
	}
	e, err := l.Entry(ctx, ent.ID, *inv.EntryID)
	if err != nil {
		t.Fatal(err)
	}
	var input int64
	for _, line := range e.Lines {
		if line.AccountCode == "1200" {
			input += line.DebitMinor - line.CreditMinor
		}
	}
	got := purchaseVATTotals(t, l, ent)
	want := []string{"2026-05-04 P21  722 152 152", "2026-05-04 P9  1683 152 152"}
	if input != 304 || !slices.Equal(got, want) {
		t.Fatalf("1200 debited %d (want 304); totals %v, want %v", input, got, want)
	}
}
