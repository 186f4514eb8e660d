package api

import (
	"net/url"
	"testing"

	"backoffice/ledger"
)

// TestSuppliers: a supplier through the API on both databases: create
// with normalised VAT number, IBAN and BIC, the field errors, one active
// supplier per VAT number (409 naming it), lookups, update, archive,
// tenancy, roles and the audit trail.
func TestSuppliers(t *testing.T) {
	f := newFixture(t)
	a, b := f.entity("Buyer"), f.entity("Other")
	acct, client, integ := f.key(ledger.RoleAccountant, a, b), f.key(ledger.RoleClient, a), f.key(ledger.RoleIntegration, a)
	base := ent(a) + "/suppliers"

	r := f.must(f.do("POST", base, acct, map[string]any{
		"name": "Kantoorhuis B.V.", "vat_number": "nl 8602.33.613.b01", "registration_id": "12345678",
		"iban": "nl91 abna 0417 1643 00", "bic": "abna nl2a", "default_account": "4200", "default_tax_code": "P21",
		"address": map[string]any{"lines": []string{"Kade 1"}, "postcode": "1011 AA", "city": "Amsterdam", "country": "NL"},
	}), 201)
	id := num(r.obj["id"])
	if r.obj["vat_number"] != "NL860233613B01" || r.obj["iban"] != "NL91ABNA0417164300" || r.obj["bic"] != "ABNANL2A" ||
		r.obj["account_holder"] != "Kantoorhuis B.V." || r.obj["default_account"] != "4200" || r.obj["default_tax_code"] != "P21" ||
		num(r.obj["payment_terms_days"]) != 30 || r.obj["archived_at"] != nil || r.header.Get("Location") == "" {
		t.Fatalf("created: %s", r)
	}

	// Field errors, each by its path, all at once.
	r = f.do("POST", base, acct, map[string]any{"name": "Bad", "iban": "NL92ABNA0417164300", "bic": "ABN1NL2A", "vat_number": "N"})
	for path, reason := range map[string]string{"iban": "iban_invalid", "bic": "bic_invalid", "vat_number": "vat_number_invalid"} {
		found := false
		for _, e := range r.obj["errors"].([]any) {
			fe := e.(map[string]any)
			found = found || (fe["path"] == path && fe["reason"] == reason)
		}
		if !found {
			t.Errorf("no %s at %s in %s", reason, path, r)
		}
	}
	wantProblem(t, f.do("POST", base, acct, map[string]any{"name": "X", "default_account": "9999"}), 422, "account_not_found", "default_account")
	wantProblem(t, f.do("POST", base, acct, map[string]any{"name": "X", "default_account": "8000"}), 422, "account_type_invalid", "default_account")
	wantProblem(t, f.do("POST", base, acct, map[string]any{"name": "X", "default_tax_code": "NOPE"}), 422, "tax_code_not_found", "default_tax_code")
	wantProblem(t, f.do("POST", base, acct, map[string]any{"name": "X", "bic": "ABNANL2A"}), 422, "field_required", "iban")
	wantProblem(t, f.do("POST", base, acct, map[string]any{"name": ""}), 422, "field_required", "name")
	// An asset account is a valid default (what is capitalised).
	asset := num(f.must(f.do("POST", base, acct, map[string]any{"name": "Machines B.V.", "default_account": "1500",
		"iban": "NL91ABNA0417164300", "account_holder": "Machines Holding"}), 201).obj["id"])

	// One active supplier per VAT number: 409 naming the one that has it.
	r = f.do("POST", base, acct, map[string]any{"name": "Copy", "vat_number": "NL860233613B01"})
	wantProblem(t, r, 409, "vat_number_taken", "vat_number")
	if num(r.obj["supplier_id"]) != id {
		t.Errorf("supplier_id: %s", r)
	}
	wantProblem(t, f.do("PATCH", base+"/"+itoa(asset), acct, map[string]any{"vat_number": "NL860233613B01"}), 409, "vat_number_taken", "vat_number")

	// Lookups: by VAT number and IBAN, normalised; by name.
	list := func(q string, key string) []any {
		t.Helper()
		return f.must(f.do("GET", base+"?"+q, key, nil), 200).obj["data"].([]any)
	}
	if l := list("vat_number="+url.QueryEscape("nl8602-33613b01"), client); len(l) != 1 || num(l[0].(map[string]any)["id"]) != id {
		t.Errorf("by vat: %v", l)
	}
	if l := list("iban="+url.QueryEscape("nl91 abna 0417 1643 00"), acct); len(l) != 2 {
		t.Errorf("by iban: %v", l)
	}
	if l := list("q=machines", acct); len(l) != 1 || num(l[0].(map[string]any)["id"]) != asset {
		t.Errorf("by name: %v", l)
	}
	if l := list("limit=1", acct); len(l) != 1 {
		t.Errorf("limit: %v", l)
	}

	// Update: the fields given only; clearing the IBAN clears its holder and BIC.
	r = f.must(f.do("PATCH", base+"/"+itoa(id), acct, map[string]any{"payment_terms_days": 14, "iban": ""}), 200)
	if num(r.obj["payment_terms_days"]) != 14 || r.obj["iban"] != "" || r.obj["bic"] != "" || r.obj["account_holder"] != "" || r.obj["default_account"] != "4200" {
		t.Errorf("updated: %s", r)
	}
	wantProblem(t, f.do("PATCH", base+"/"+itoa(id), acct, map[string]any{"default_account": "2000"}), 422, "account_type_invalid", "default_account")

	// Archive: hidden from lists and lookups, frees the VAT number.
	r = f.must(f.do("POST", base+"/"+itoa(id)+"/archive", acct, nil), 200)
	if r.obj["archived_at"] == nil {
		t.Errorf("archived: %s", r)
	}
	f.must(f.do("POST", base+"/"+itoa(id)+"/archive", acct, nil), 200)
	if l := list("vat_number=NL860233613B01", acct); len(l) != 0 {
		t.Errorf("archived listed: %v", l)
	}
	if l := list("vat_number=NL860233613B01&include_archived=true", acct); len(l) != 1 {
		t.Errorf("include_archived: %v", l)
	}
	f.must(f.do("POST", base, acct, map[string]any{"name": "Kantoorhuis II", "vat_number": "NL860233613B01"}), 201)

	// Tenancy: another entity's supplier is not found; the same VAT number is
	// free in another entity.
	wantProblem(t, f.do("GET", ent(b)+"/suppliers/"+itoa(asset), acct, nil), 404, "not_found")
	wantProblem(t, f.do("PATCH", ent(b)+"/suppliers/"+itoa(asset), acct, map[string]any{"name": "x"}), 404, "not_found")
	f.must(f.do("POST", ent(b)+"/suppliers", acct, map[string]any{"name": "Kantoorhuis", "vat_number": "NL860233613B01"}), 201)
	wantProblem(t, f.do("GET", ent(b)+"/suppliers", client, nil), 404, "not_found")

	// Roles: clients read, do not write; integrations neither.
	f.must(f.do("GET", base+"/"+itoa(asset), client, nil), 200)
	wantProblem(t, f.do("POST", base, client, map[string]any{"name": "X"}), 403, "role_forbidden")
	wantProblem(t, f.do("PATCH", base+"/"+itoa(asset), client, map[string]any{"name": "X"}), 403, "role_forbidden")
	wantProblem(t, f.do("GET", base, integ, nil), 403, "role_forbidden")
	wantProblem(t, f.do("GET", base+"/"+itoa(asset), integ, nil), 403, "role_forbidden")

	// The audit trail.
	seen := map[string]int{}
	for _, e := range f.must(f.do("GET", ent(a)+"/audit-events?limit=200", acct, nil), 200).obj["data"].([]any) {
		seen[e.(map[string]any)["action"].(string)]++
	}
	if seen["supplier.created"] != 3 || seen["supplier.updated"] != 1 || seen["supplier.archived"] != 1 {
		t.Errorf("audit: %v", seen)
	}

	// An archived purchase tax code is no new default; a sales tax code is none.
	wantProblem(t, f.do("PATCH", base+"/"+itoa(asset), acct, map[string]any{"default_tax_code": "21"}), 422, "tax_code_not_found", "default_tax_code")
	f.must(f.do("POST", ent(a)+"/purchase-tax-codes/P9/archive", acct, nil), 200)
	wantProblem(t, f.do("PATCH", base+"/"+itoa(asset), acct, map[string]any{"default_tax_code": "P9"}), 422, "tax_code_archived", "default_tax_code")

	// verify counts suppliers and finds nothing wrong.
	rep, err := f.st.Verify(t.Context())
	if err != nil || len(rep.Breaches) > 0 {
		t.Fatalf("verify: %+v %v", rep, err)
	}
}
