package invstore_test

import (
	"testing"

	"backoffice/invoicing"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore/sqltest"
)

// TestDatabaseRefusesDuplicateInvoiceNumbers: law 3 for documents. A
// number is used once per entity and kind (invoices_number_unique), even
// when raw SQL gives a draft the number of an issued invoice.
func TestDatabaseRefusesDuplicateInvoiceNumbers(t *testing.T) {
	f := newFixture(t)
	inv := f.issued(f.cust, "2026-03-10", line("Cake", "1", "100", "21"))
	d := f.draft(f.cust, "2026-03-11", line("Cake", "1", "100", "21"))
	sqltest.WantRefused(t, "a draft given an issued invoice's number",
		f.st.Query(ctx).DB().Exec(`UPDATE invoices SET number = ? WHERE entity_id = ? AND id = ?`, inv.Number, f.ent.ID, d.ID).Error, "23505")
}

// TestDatabaseRefusesCrossEntityDocuments: law 5 for documents. A draft
// of one entity cannot name another entity's customer or account: every
// foreign key includes entity_id (23503).
func TestDatabaseRefusesCrossEntityDocuments(t *testing.T) {
	f := newFixture(t)
	other, p := sqltest.Entity(t, f.st, "Other Bakery BV")
	name, cur := "Other's customer", "EUR"
	oc, err := f.st.CreateCustomer(ctx, p, other, &invoicing.CustomerInput{Name: &name, Currency: &cur,
		Address: &ledger.Address{Lines: []string{"Main Street 1"}, Postcode: "1000", City: "Brussels", Country: "BE"}})
	if err != nil {
		t.Fatal(err)
	}
	oRevenue, err := f.st.Account(ctx, other.ID, "8000")
	if err != nil {
		t.Fatal(err)
	}
	d := f.draft(f.cust, "2026-03-11", line("Cake", "1", "100", "21"))
	db := f.st.Query(ctx).DB()
	sqltest.WantRefused(t, "a draft for another entity's customer",
		db.Exec(`UPDATE invoices SET customer_id = ? WHERE entity_id = ? AND id = ?`, oc.ID, f.ent.ID, d.ID).Error, "23503")
	sqltest.WantRefused(t, "a draft line on another entity's revenue account",
		db.Exec(`UPDATE invoice_lines SET revenue_account_id = ? WHERE entity_id = ? AND invoice_id = ?`, oRevenue.ID, f.ent.ID, d.ID).Error, "23503")
}
