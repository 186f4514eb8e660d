package api

import (
	"strings"
	"testing"

	"backoffice/ledger"
)

// TestStandardChartInDutchWithRGS: an entity created in Dutch (nl, nl-NL,
// nl-BE) gets the standard chart's Dutch names, any other locale the
// English ones; every account of the standard chart has its RGS code and
// the RGS version, in both languages.
func TestStandardChartInDutchWithRGS(t *testing.T) {
	f := newFixture(t)
	chart := func(locale string) map[string]map[string]any {
		t.Helper()
		e := num(f.must(f.do("POST", "/v1/entities", f.admin, map[string]any{"name": "Chart " + locale, "currency": "EUR",
			"chart_template": "standard", "locale": locale}), 201).obj["id"])
		out := map[string]map[string]any{}
		for _, a := range f.must(f.do("GET", ent(e)+"/accounts", f.admin, nil), 200).obj["data"].([]any) {
			m := a.(map[string]any)
			out[m["code"].(string)] = m
		}
		return out
	}
	// Written out here, not read from the template.
	want := map[string][3]string{ // code: Dutch name, English name, RGS code
		"1000": {"Bank", "Bank", "BLimBanRba"},
		"1010": {"Kas", "Cash", "BLimKasKas"},
		"1100": {"Debiteuren", "Accounts receivable", "BVorDebHad"},
		"1200": {"Te vorderen btw (voorbelasting)", "VAT receivable", "BSchBepBtwVoo"},
		"1600": {"Crediteuren", "Accounts payable", "BSchCreHac"},
		"1700": {"Te betalen btw", "VAT payable", "BSchBepBtw"},
		"1750": {"Btw-afdracht", "VAT settlement", "BSchBepBtwAfo"},
		"2100": {"Overige reserves", "Retained earnings", "BEivOre"},
		"4100": {"Huur", "Rent", "WBedHui"},
		"8000": {"Omzet", "Revenue", "WOmzNopOlh"},
		"8100": {"Omzet verlaagd btw-tarief", "Revenue, reduced VAT rate", "WOmzNopOlv"},
		"8300": {"Omzet intracommunautaire leveringen", "Revenue, intra-EU supplies of goods", "WOmzNopOli"},
		"8400": {"Omzet export buiten de EU", "Revenue, exports outside the EU", "WOmzNopOln"},
	}
	for _, c := range []struct {
		locale string
		dutch  bool
	}{{"nl", true}, {"nl-NL", true}, {"nl-BE", true}, {"en", false}, {"de-DE", false}} {
		got := chart(c.locale)
		if n := len(ledger.ChartTemplates["standard"]); len(got) != n {
			t.Errorf("%s: %d accounts, want the standard chart's %d", c.locale, len(got), n)
		}
		for code, w := range want {
			name := w[1]
			if c.dutch {
				name = w[0]
			}
			a := got[code]
			if a == nil || a["name"] != name || a["rgs_code"] != w[2] || a["rgs_version"] != "3.8" {
				t.Errorf("%s: account %s is %v, want %q, %s, 3.8", c.locale, code, a, name, w[2])
			}
		}
		for code, a := range got {
			rgs, _ := a["rgs_code"].(string)
			if rgs == "" || (rgs[0] != 'B' && rgs[0] != 'W') || (rgs[0] == 'B') != (a["type"] == "asset" || a["type"] == "liability" || a["type"] == "equity") {
				t.Errorf("%s: account %s (%s) has RGS code %q: a balance sheet account maps to B..., a profit and loss account to W...", c.locale, code, a["type"], rgs)
			}
		}
	}
}

// TestAccountRGSCode: the RGS code and version are set on create and by
// PATCH, validated by their shape, and removed with an empty code.
func TestAccountRGSCode(t *testing.T) {
	f := newFixture(t)
	e := f.entity("RGS")
	acct := f.key(ledger.RoleAccountant, e)
	base := ent(e) + "/accounts"

	a := f.must(f.do("POST", base, acct, `{"code":"1030","name":"Spaarrekening","type":"asset","rgs_code":"BLimBanSpa"}`), 201).obj
	if a["rgs_code"] != "BLimBanSpa" || a["rgs_version"] != "3.8" {
		t.Errorf("created %v, want BLimBanSpa 3.8 (the current version when none is given)", a)
	}
	a = f.must(f.do("POST", base, acct, `{"code":"1040","name":"Deposito","type":"asset","rgs_code":"BLimBanDep","rgs_version":"3.7"}`), 201).obj
	if a["rgs_code"] != "BLimBanDep" || a["rgs_version"] != "3.7" {
		t.Errorf("created %v, want BLimBanDep 3.7", a)
	}
	a = f.must(f.do("POST", base, acct, `{"code":"1050","name":"Zonder","type":"asset"}`), 201).obj
	if a["rgs_code"] != "" || a["rgs_version"] != "" {
		t.Errorf("created without a code: %v", a)
	}

	for _, c := range []struct{ method, path, body, reason, field string }{
		{"POST", base, `{"code":"1060","name":"X","type":"asset","rgs_code":"Bank rekening"}`, "rgs_code_invalid", "rgs_code"},
		{"POST", base, `{"code":"1060","name":"X","type":"asset","rgs_code":"XLimBanRba"}`, "rgs_code_invalid", "rgs_code"},
		{"POST", base, `{"code":"1060","name":"X","type":"asset","rgs_code":"BLimBanRbaBLimBanRbaB"}`, "rgs_code_invalid", "rgs_code"},
		{"POST", base, `{"code":"1060","name":"X","type":"asset","rgs_code":"BLimBanRba","rgs_version":"latest"}`, "rgs_version_invalid", "rgs_version"},
		{"POST", base, `{"code":"1060","name":"X","type":"asset","rgs_version":"3.8"}`, "rgs_version_invalid", "rgs_version"},
		{"PATCH", base + "/1000", `{"rgs_code":"bLimBanRba"}`, "rgs_code_invalid", "rgs_code"},
		{"PATCH", base + "/1000", `{"rgs_version":"3"}`, "rgs_version_invalid", "rgs_version"},
		{"PATCH", base + "/1050", `{"rgs_version":"3.8"}`, "rgs_version_invalid", "rgs_version"},
		{"PATCH", base + "/1000", `{}`, "field_required", "name"},
	} {
		r := f.do(c.method, c.path, acct, c.body)
		if r.status != 422 || r.obj["reason"] != c.reason || !strings.Contains(string(r.body), `"path":"`+c.field+`"`) {
			t.Errorf("%s %s %s: %s, want 422 %s on %s", c.method, c.path, c.body, r, c.reason, c.field)
		}
	}
	if a := f.must(f.do("GET", base+"/1060", acct, nil), 404); a == nil {
		t.Fatal("nothing")
	}
	// Nothing was half written: 1000 keeps its mapping.
	if a := f.must(f.do("GET", base+"/1000", acct, nil), 200).obj; a["rgs_code"] != "BLimBanRba" || a["rgs_version"] != "3.8" {
		t.Errorf("1000 after refused patches: %v", a)
	}

	a = f.must(f.do("PATCH", base+"/1000", acct, `{"rgs_code":"BLimBanBel","rgs_version":"3.7"}`), 200).obj
	if a["rgs_code"] != "BLimBanBel" || a["rgs_version"] != "3.7" || a["name"] != "Bank" {
		t.Errorf("patched %v", a)
	}
	a = f.must(f.do("PATCH", base+"/1000", acct, `{"name":"Rabobank"}`), 200).obj
	if a["rgs_code"] != "BLimBanBel" || a["name"] != "Rabobank" {
		t.Errorf("renamed %v: the mapping stays", a)
	}
	a = f.must(f.do("PATCH", base+"/1000", acct, `{"rgs_code":"BLimBanRba"}`), 200).obj
	if a["rgs_code"] != "BLimBanRba" || a["rgs_version"] != "3.8" {
		t.Errorf("a new code without a version takes the current one: %v", a)
	}
	a = f.must(f.do("PATCH", base+"/1000", acct, `{"rgs_code":""}`), 200).obj
	if a["rgs_code"] != "" || a["rgs_version"] != "" {
		t.Errorf("an empty code removes the mapping: %v", a)
	}
	// The change is in the audit trail.
	ev := f.must(f.do("GET", ent(e)+"/audit-events", f.admin, nil), 200).body
	if !strings.Contains(string(ev), `"rgs_code"`) {
		t.Errorf("audit events do not record the RGS change: %s", ev)
	}
	// A client may not change it.
	client := f.key(ledger.RoleClient, e)
	f.must(f.do("PATCH", base+"/1010", client, `{"rgs_code":"BLimKasKas"}`), 403)
}
