package api

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"backoffice/ledger"
)

const entityRoutes = "/v1/entities/:entity"

// routeBodies are valid bodies for the write routes under an entity, so
// that a refusal is the scope's doing and not the body's. A new write route
// needs a line here (TestTenantIsolation fails on it otherwise).
var routeBodies = map[string]string{
	"PATCH " + entityRoutes:                              `{"name":"Renamed"}`,
	"PUT " + entityRoutes + "/lock-date":                 `{"lock_date":"2026-01-31"}`, // after the close of 2025 (POST runs before PUT)
	"POST " + entityRoutes + "/accounts":                 `{"code":"9100","name":"Suspense","type":"asset"}`,
	"PATCH " + entityRoutes + "/accounts/:code":          `{"name":"Petty cash"}`,
	"POST " + entityRoutes + "/accounts/:code/archive":   ``,
	"POST " + entityRoutes + "/accounts/:code/unarchive": ``,
	"POST " + entityRoutes + "/entries":                  entryJSON("2026-03-16", "Office supplies", dr("4200", "10.00"), cr("1000", "10.00")),
	"POST " + entityRoutes + "/entries/:id/reverse":      `{"date":"2026-03-20"}`,
	"POST " + entityRoutes + "/fx-revaluations":          `{"date":"2026-12-31","rates":{"USD":"0.92"}}`,

	"POST " + entityRoutes + "/vat-adjustments":                   `{"period":"2026-Q2","base":"100.00","vat":"21.00","reason":"Private use","account":"4300"}`,
	"POST " + entityRoutes + "/vat-returns/:period/supplementary": `{"date":"2026-08-10"}`,

	"PATCH " + entityRoutes + "/invoicing-settings":          `{"iban":"NL91ABNA0417164300"}`,
	"POST " + entityRoutes + "/customers":                    `{"name":"New customer"}`,
	"PATCH " + entityRoutes + "/customers/:customer":         `{"email":"ap@example.com"}`,
	"POST " + entityRoutes + "/customers/:customer/archive":  ``,
	"POST " + entityRoutes + "/suppliers":                    `{"name":"New supplier"}`,
	"PATCH " + entityRoutes + "/suppliers/:supplier":         `{"payment_terms_days":14}`,
	"POST " + entityRoutes + "/suppliers/:supplier/archive":  ``,
	"POST " + entityRoutes + "/documents":                    `{pdf}`, // a new PDF per call (call)
	"POST " + entityRoutes + "/tax-codes":                    `{"code":"X9","rate":"9","kind":"reduced","account":"1700"}`,
	"PATCH " + entityRoutes + "/tax-codes/:code":             `{"description":"Nul"}`,
	"POST " + entityRoutes + "/tax-codes/:code/archive":      ``,
	"POST " + entityRoutes + "/invoices":                     `{"customer_id":{customer},"lines":[{"description":"Bread","quantity":"1","unit_price":"2.50","tax_code":"9"}]}`,
	"PATCH " + entityRoutes + "/invoices/:id":                `{"notes":"Thank you"}`,
	"DELETE " + entityRoutes + "/invoices/:id":               ``,
	"POST " + entityRoutes + "/invoices/:id/issue":           ``,
	"POST " + entityRoutes + "/invoices/:id/void":            ``,
	"POST " + entityRoutes + "/invoices/:id/credit-notes":    `{"lines":[{"line":1,"amount":"1.00"}]}`,
	"POST " + entityRoutes + "/credit-notes/:id/allocations": `{"allocations":[{"invoice_id":{invoice},"amount":"1.00"}]}`,
	"POST " + entityRoutes + "/payments":                     `{"customer_id":{customer},"amount":"5.00"}`,
	"DELETE " + entityRoutes + "/payments/:id":               ``,
	"POST " + entityRoutes + "/payments/:id/allocations":     `{"allocations":[{"invoice_id":{invoice},"amount":"1.00"}]}`,
	"DELETE " + entityRoutes + "/allocations/:id":            ``,

	"PATCH " + entityRoutes + "/order-settings":                                            `{"invoice_mode":"draft"}`,
	"POST " + entityRoutes + "/orders":                                                     orderJSON("TENANCY-NEW", "1"),
	"POST " + entityRoutes + "/orders/batch":                                               `{"orders":[` + orderJSON("TENANCY-BATCH", "1") + `]}`,
	"POST " + entityRoutes + "/orders/invoice":                                             `{"customer_id":{ordercustomer}}`,
	"POST " + entityRoutes + "/orders/:id/accept":                                          ``,
	"POST " + entityRoutes + "/orders/:id/fulfill":                                         ``,
	"POST " + entityRoutes + "/orders/:id/cancel":                                          `{"reason":"out of stock"}`,
	"POST " + entityRoutes + "/orders/:id/invoice":                                         ``,
	"POST " + entityRoutes + "/webhook-endpoints":                                          `{"url":"https://hooks.example.com/backoffice","events":["order.received"]}`,
	"PATCH " + entityRoutes + "/webhook-endpoints/:endpoint":                               `{"description":"shop"}`,
	"DELETE " + entityRoutes + "/webhook-endpoints/:endpoint":                              ``,
	"POST " + entityRoutes + "/webhook-endpoints/:endpoint/deliveries/:delivery/redeliver": ``,

	"POST " + entityRoutes + "/bank-accounts":                                   `{"account":"1010","iban":"NL28RABO0318427756","name":"Rabobank"}`,
	"PATCH " + entityRoutes + "/bank-accounts/:bank":                            `{"match_window_days":3}`,
	"POST " + entityRoutes + "/bank-accounts/:bank/statements":                  `{statementfile}`,
	"POST " + entityRoutes + "/bank-accounts/:bank/statement-lines/:line/entry": `{"account":"4400"}`,
	"POST " + entityRoutes + "/bank-accounts/:bank/statement-lines/:line/apply": ``,
	"POST " + entityRoutes + "/bank-accounts/:bank/auto-match":                  ``,
	"POST " + entityRoutes + "/bank-accounts/:bank/matches":                     `{"statement_lines":[{matchline}],"ledger_lines":[{"entry_id":{matchentry},"line_no":2}]}`,
	"DELETE " + entityRoutes + "/bank-accounts/:bank/matches/:match":            ``,
	"POST " + entityRoutes + "/bank-statements":                                 `{statementfile}`,

	"DELETE " + entityRoutes + "/documents/:document":            ``,
	"PATCH " + entityRoutes + "/purchase-settings":               `{"vat_tolerance":"0.05"}`,
	"POST " + entityRoutes + "/purchase-tax-codes":               `{"code":"P-T","description":"Test","kind":"input","rate":"21","input_account":"1200"}`,
	"PATCH " + entityRoutes + "/purchase-tax-codes/:code":        `{"description":"Voorbelasting hoog"}`,
	"POST " + entityRoutes + "/purchase-tax-codes/:code/archive": ``,
	"POST " + entityRoutes + "/purchase-invoices":                `{"supplier_id":{supplier},"supplier_invoice_number":"T-NEW","invoice_date":"2026-03-05","lines":[{"account":"4200","amount":"10.00","tax_code":"P21"}]}`,
	"POST " + entityRoutes + "/purchase-invoices/e-invoice":      sampleEInvoice, // README's sample; its supplier is created (routeQueries)
	"PATCH " + entityRoutes + "/purchase-invoices/:id":           `{"reference":"PO-7"}`,
	"DELETE " + entityRoutes + "/purchase-invoices/:id":          ``,
	"POST " + entityRoutes + "/purchase-invoices/:id/book":       ``,
	"POST " + entityRoutes + "/purchase-invoices/:id/reverse":    `{"date":"2026-03-20"}`,
	"POST " + entityRoutes + "/payment-batches":                  `{"bank_account_id":{paybank},"execution_date":"2099-01-05","purchase_invoice_ids":[{payinvoice}]}`,
	"POST " + entityRoutes + "/payment-batches/:id/cancel":       ``,

	"POST " + entityRoutes + "/supplier-payments":                 `{"supplier_id":{supplier},"date":"2026-03-12","amount":"4.44","allocations":[{"purchase_invoice_id":{spinvoice},"amount":"1.00"}]}`,
	"POST " + entityRoutes + "/supplier-payments/:id/allocations": `{"allocations":[{"purchase_invoice_id":{spinvoice},"amount":"1.00"}]}`,
	"POST " + entityRoutes + "/purchase-invoices/:id/allocations": `{"allocations":[{"purchase_invoice_id":{spinvoice},"amount":"1.00"}]}`,
}

// routeQueries are query strings some routes need besides their body.
var routeQueries = map[string]string{
	"POST " + entityRoutes + "/bank-accounts/:bank/statements": "?format=camt053",
	"POST " + entityRoutes + "/bank-statements":                "?format=camt053",
	"POST " + entityRoutes + "/documents":                      "?file_name=scan.pdf",
	"POST " + entityRoutes + "/purchase-invoices/e-invoice":    "?account=4200",
	"GET " + entityRoutes + "/payment-proposal":                "?due_by=2026-12-31",
	"GET " + entityRoutes + "/reports/icp":                     "?period=2026-Q1",
	"GET " + entityRoutes + "/audit-file":                      "?fiscal_year=2026",
	"GET " + entityRoutes + "/payment-batches/:id/pain.001":    "?again=true", // first export, or the same file again
}

// clientWrites are the write routes a client key may use: uploading to
// its entity's inbox.
var clientWrites = regexp.MustCompile(`^POST /v1/entities/:entity/documents$`)

// uploads makes every upload of the route tables a file of its own, so
// that none is refused as a duplicate of another.
var uploads atomic.Int64

func uniquePDF() []byte {
	return []byte(fmt.Sprintf("%%PDF-1.4\n%% upload %d\n%%%%EOF\n", uploads.Add(1)))
}

// clientForbiddenReads are the GET routes a client key may not use: the
// firm's own records about an entity's customers, tax and money.
// They read their own customers' statements, though.
var clientForbiddenReads = regexp.MustCompile(`/(customers(/:customer)?$|tax-codes|purchase-settings|purchase-tax-codes|payments|invoicing-settings|orders|order-settings|events|webhook-endpoints|reports/customer-statements|bank-accounts|payment-proposal|payment-batches|supplier-payments|fx-revaluations)|/allocations$`)

// integrationRoutes are the routes an integration key may use: orders,
// and reading customers.
var integrationRoutes = regexp.MustCompile(`^(GET|POST) /v1/entities/:entity/orders|^GET /v1/entities/:entity/(order-settings|customers(/:customer)?$)`)

var bodyParam = regexp.MustCompile(`\{[a-z]+\}`)

var routeParam = regexp.MustCompile(`:[a-z_]+`)

type route struct {
	method, pattern string
}

func (r route) String() string { return r.method + " " + r.pattern }

func (r route) write() bool { return r.method != "GET" && r.method != "HEAD" }

// entityRouteList is every route under /v1/entities/:entity.
func entityRouteList(t *testing.T, srv *Server) []route {
	var out []route
	for _, ri := range srv.Routes() {
		if ri.Path == entityRoutes || strings.HasPrefix(ri.Path, entityRoutes+"/") {
			out = append(out, route{ri.Method, ri.Path})
		}
	}
	slices.SortFunc(out, func(a, b route) int { return strings.Compare(a.String(), b.String()) })
	if len(out) < 15 {
		t.Fatalf("only %d entity routes found: %v", len(out), out)
	}
	return out
}

// fill puts real values of one entity into a route's path. A parameter's
// value is looked up for the route ("POST /v1/...|id"), then for the
// resource before it ("invoices|id"), then by its name alone.
func fill(t *testing.T, r route, params map[string]string) string {
	return routeParam.ReplaceAllStringFunc(r.pattern, func(p string) string {
		name := p[1:]
		before := strings.TrimSuffix(r.pattern[:strings.Index(r.pattern, p)], "/")
		resource := before[strings.LastIndex(before, "/")+1:]
		for _, k := range []string{r.String() + "|" + name, resource + "|" + name, name} {
			if v, ok := params[k]; ok {
				return v
			}
		}
		t.Fatalf("route %s has parameter %s that the test does not know", r.pattern, p)
		return ""
	})
}

func (f *fixture) call(r route, params map[string]string, key string) *response {
	var body any
	if r.write() {
		b, ok := routeBodies[r.String()]
		if !ok {
			b = `{}`
		}
		b = bodyParam.ReplaceAllStringFunc(b, func(p string) string { return params[p[1:len(p)-1]] })
		if b != "" {
			body = b
		}
	}
	var header []string
	if r.write() && routeBodies[r.String()] == "{pdf}" {
		body, header = uniquePDF(), []string{"Content-Type", "application/pdf"}
	}
	if strings.HasPrefix(fmt.Sprint(body), "<?xml") {
		header = []string{"Content-Type", "application/xml"}
	}
	return f.do(r.method, fill(f.t, r, params)+routeQueries[r.String()], key, body, header...)
}

// seedInvoicing gives an entity what every invoicing route needs: a
// customer, drafts, issued invoices, a credit note with open credit,
// payments and an allocation, and returns the route parameters for them.
func (f *fixture) seedInvoicing(entity int64, key string) map[string]string {
	base := ent(entity)
	id := func(r *response) string { return strconv.FormatInt(num(f.must(r, 201).obj["id"]), 10) }
	// An electronic address: the e-invoice (UBL) routes need one.
	cust := id(f.do("POST", base+"/customers", key, `{"name":"Bakkerij De Vries","external_ref":"C-1","electronic_address":"0106:87654321"}`))
	spare := id(f.do("POST", base+"/customers", key, `{"name":"Spare customer"}`))
	supplier := id(f.do("POST", base+"/suppliers", key, `{"name":"Kantoorhuis","iban":"NL91ABNA0417164300"}`))
	spareSupplier := id(f.do("POST", base+"/suppliers", key, `{"name":"Spare supplier"}`))
	document := id(f.do("POST", base+"/documents?file_name=invoice.pdf", key, uniquePDF(), "Content-Type", "application/pdf"))
	invoice := func(issue bool) string {
		i := id(f.do("POST", base+"/invoices", key, `{"customer_id":`+cust+`,"issue_date":"2026-03-02",
			"lines":[{"description":"Bread","quantity":"10","unit_price":"2.50","tax_code":"21"}]}`))
		if issue {
			f.must(f.do("POST", base+"/invoices/"+i+"/issue", key, nil), 200)
		}
		return i
	}
	main, paidOff, voidable := invoice(true), invoice(true), invoice(true)
	payment := func(body string) string { return id(f.do("POST", base+"/payments", key, body)) }
	// paidOff is paid in full, then credited: the credit note's credit is open.
	payment(`{"customer_id":` + cust + `,"date":"2026-03-03","amount":"30.25","allocations":[{"invoice_id":` + paidOff + `,"amount":"30.25"}]}`)
	cn := id(f.do("POST", base+"/invoices/"+paidOff+"/credit-notes", key, `{"issue_date":"2026-03-04"}`))
	withAllocation := payment(`{"customer_id":` + cust + `,"date":"2026-03-03","amount":"2.00","allocations":[{"invoice_id":` + main + `,"amount":"1.00"}]}`)
	allocs := f.must(f.do("GET", base+"/payments/"+withAllocation, key, nil), 200).obj["allocations"].([]any)
	return map[string]string{
		"entity": strconv.FormatInt(entity, 10), "code": "1010", "customer": cust, "invoice": main, "year": "2025",
		"tax-codes|code": "0",
		"invoices|id":    main,
		"POST " + entityRoutes + "/customers/:customer/archive|customer": spare,
		"supplier": supplier, "document": document, "POST " + entityRoutes + "/suppliers/:supplier/archive|supplier": spareSupplier,
		"PATCH " + entityRoutes + "/invoices/:id|id":      invoice(false),
		"DELETE " + entityRoutes + "/invoices/:id|id":     invoice(false),
		"POST " + entityRoutes + "/invoices/:id/issue|id": invoice(false),
		"POST " + entityRoutes + "/invoices/:id/void|id":  voidable,
		"credit-notes|id": cn,
		"payments|id":     withAllocation,
		"DELETE " + entityRoutes + "/payments/:id|id": payment(`{"customer_id":` + cust + `,"amount":"3.00"}`),
		"allocations|id": strconv.FormatInt(num(allocs[0].(map[string]any)["id"]), 10),
	}
}

// seedOrders gives an entity orders in every status a route needs, a
// webhook endpoint with a delivery and a spare endpoint, and returns the
// route parameters for them.
func (f *fixture) seedOrders(entity int64, key string) map[string]string {
	base := ent(entity)
	push := func(ext, ref string, moves ...string) (id, customer string) {
		body := strings.Replace(orderJSON(ext, "2"), `"C-778"`, `"`+ref+`"`, 1)
		r := f.must(f.do("POST", base+"/orders", key, body), 201)
		id = strconv.FormatInt(num(r.obj["id"]), 10)
		for _, m := range moves {
			f.must(f.do("POST", base+"/orders/"+id+"/"+m, key, nil), 200)
		}
		return id, strconv.FormatInt(num(r.obj["customer_id"]), 10)
	}
	endpoint := func() string {
		r := f.must(f.do("POST", base+"/webhook-endpoints", key, `{"url":"https://hooks.example.com/in","events":["*"]}`), 201)
		return strconv.FormatInt(num(r.obj["id"]), 10)
	}
	hook, spare := endpoint(), endpoint()
	received, _ := push("T-RECEIVED", "C-T1")
	accepted, _ := push("T-ACCEPTED", "C-T1", "accept")
	cancellable, _ := push("T-CANCEL", "C-T1")
	fulfilled, _ := push("T-FULFILLED", "C-T1", "accept", "fulfill")
	_, other := push("T-OTHER", "C-T2", "accept", "fulfill")
	var delivery int64
	if err := f.st.Query(f.t.Context()).DB().Raw(`SELECT min(id) FROM webhook_deliveries WHERE entity_id = ? AND endpoint_id = ?`, entity, hook).Scan(&delivery).Error; err != nil || delivery == 0 {
		f.t.Fatalf("no delivery to endpoint %s: %v", hook, err)
	}
	r := "POST " + entityRoutes + "/orders/:id/"
	return map[string]string{
		"orders|id": received, r + "accept|id": received, r + "fulfill|id": accepted, r + "cancel|id": cancellable,
		r + "invoice|id": fulfilled, "ordercustomer": other,
		"endpoint": hook, "DELETE " + entityRoutes + "/webhook-endpoints/:endpoint|endpoint": spare,
		"delivery": strconv.FormatInt(delivery, 10),
	}
}

// seedBank gives an entity a bank account with a statement: a customer
// payment naming an open invoice, a bank fee, two lines matched by hand
// (one to read, one to unmatch) and one to match; and the next statement
// for the import route. It returns the route parameters for them.
func (f *fixture) seedBank(entity int64, key, customer string) map[string]string {
	base := ent(entity)
	bank := id(f.must(f.do("POST", base+"/bank-accounts", key, `{"account":"1000","iban":"NL91ABNA0417164300"}`), 201).obj["id"])
	inv := f.must(f.do("POST", base+"/invoices", key, `{"customer_id":`+customer+`,"issue_date":"2026-03-02","lines":[{"description":"Rolls","quantity":"4","unit_price":"2.50","tax_code":"21"}]}`), 201).obj
	inv = f.must(f.do("POST", base+"/invoices/"+id(inv["id"])+"/issue", key, nil), 200).obj
	entries := map[string]string{}
	for _, n := range []string{"1", "2", "3"} {
		amount := n + "0.00"
		// References the statement lines do not name: only a hand can match them.
		body := `{"date":"2026-03-10","description":"Supplier ` + n + `","reference":"REF-` + n + `","lines":[` + dr("4200", amount) + `,` + cr("1000", amount) + `]}`
		entries[n] = strconv.FormatInt(f.post(entity, key, body), 10)
	}
	closing := mustMinor(f.t, inv["total"].(string)) - 6500
	stmt := func(id, from, to string, opening, closing int64, lines string) string {
		return fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>%[1]s</MsgId><CreDtTm>%[3]sT20:00:00</CreDtTm></GrpHdr>
<Stmt><Id>%[1]s</Id><FrToDt><FrDtTm>%[2]sT00:00:00</FrDtTm><ToDtTm>%[3]sT23:59:59</ToDtTm></FrToDt><Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">%[4]s</Amt><CdtDbtInd>%[5]s</CdtDbtInd><Dt><Dt>%[2]s</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">%[6]s</Amt><CdtDbtInd>%[7]s</CdtDbtInd><Dt><Dt>%[3]s</Dt></Dt></Bal>%[8]s</Stmt></BkToCstmrStmt></Document>`,
			id, from, to, plain(opening), side(opening), plain(closing), side(closing), lines)
	}
	entry := func(ref, date string, minor int64, e2e, text string) string {
		return fmt.Sprintf(`<Ntry><Amt Ccy="EUR">%s</Amt><CdtDbtInd>%s</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>%s</Dt></BookgDt><AcctSvcrRef>%s</AcctSvcrRef>
<NtryDtls><TxDtls><Refs><EndToEndId>%s</EndToEndId></Refs><RmtInf><Ustrd>%s</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>`, plain(minor), side(minor), date, ref, e2e, text)
	}
	w1 := stmt("TEN-W1", "2026-03-09", "2026-03-15", 0, closing,
		entry("T1", "2026-03-11", mustMinor(f.t, inv["total"].(string)), "NOTPROVIDED", "Factuur "+inv["number"].(string))+
			entry("T2", "2026-03-11", -500, "NOTPROVIDED", "Kosten")+
			entry("T3", "2026-03-11", -1000, "E2E-X1", "supplier one")+
			entry("T4", "2026-03-11", -2000, "E2E-X2", "supplier two")+
			entry("T5", "2026-03-11", -3000, "E2E-X3", "supplier three"))
	f.must(f.do("POST", base+"/bank-accounts/"+bank+"/statements?auto_match=false", key, w1, "Content-Type", "application/xml"), 201)
	lines := map[string]string{}
	var statement string
	for _, l := range f.must(f.do("GET", base+"/bank-accounts/"+bank+"/statement-lines", key, nil), 200).obj["data"].([]any) {
		l := l.(map[string]any)
		lines[l["bank_ref"].(string)] = id(l["id"])
		statement = id(l["statement_id"])
	}
	match := func(line, entry string) string {
		body := `{"statement_lines":[` + line + `],"ledger_lines":[{"entry_id":` + entry + `,"line_no":2}]}`
		return id(f.must(f.do("POST", base+"/bank-accounts/"+bank+"/matches", key, body), 201).obj["id"])
	}
	r := "POST " + entityRoutes + "/bank-accounts/:bank/statement-lines/:line/"
	return map[string]string{
		"bank": bank, "statement": statement, "line": lines["T1"], r + "apply|line": lines["T1"], r + "entry|line": lines["T2"],
		"match": match(lines["T3"], entries["1"]), "DELETE " + entityRoutes + "/bank-accounts/:bank/matches/:match|match": match(lines["T4"], entries["2"]),
		"matchline": lines["T5"], "matchentry": entries["3"],
		"statementfile": stmt("TEN-W2", "2026-03-16", "2026-03-22", closing, closing-100, entry("T6", "2026-03-17", -100, "NOTPROVIDED", "Kosten")),
	}
}

// plain and side write a signed amount as CAMT does: unsigned, with its side.
func plain(minor int64) string {
	if minor < 0 {
		minor = -minor
	}
	return fmt.Sprintf("%d.%02d", minor/100, minor%100)
}

func side(minor int64) string {
	if minor < 0 {
		return "DBIT"
	}
	return "CRDT"
}

// tenants is two entities with an entry each and keys of every role.
type tenants struct {
	*fixture
	a, b             int64
	paramsA, paramsB map[string]string
	acctA, acctB     string
	clientA, integA  string
}

func newTenants(t *testing.T) *tenants {
	f := newFixture(t)
	tn := &tenants{fixture: f, a: f.entity("A"), b: f.entity("B")}
	tn.acctA = f.key(ledger.RoleAccountant, tn.a)
	tn.acctB = f.key(ledger.RoleAccountant, tn.b)
	tn.clientA = f.key(ledger.RoleClient, tn.a)
	tn.integA = f.key(ledger.RoleIntegration, tn.a)
	idA := f.post(tn.a, tn.acctA, rent)
	idB := f.post(tn.b, tn.acctB, rent)
	tn.paramsA = f.seedInvoicing(tn.a, tn.acctA)
	tn.paramsA["id"] = strconv.FormatInt(idA, 10)
	maps.Copy(tn.paramsA, f.seedOrders(tn.a, tn.acctA))
	maps.Copy(tn.paramsA, f.seedBank(tn.a, tn.acctA, tn.paramsA["customer"]))
	maps.Copy(tn.paramsA, f.seedPaymentBatches(tn.a, tn.acctA))
	maps.Copy(tn.paramsA, f.seedPurchases(tn.a, tn.acctA, tn.paramsA["supplier"]))
	maps.Copy(tn.paramsA, f.seedSupplierPayments(tn.a, tn.acctA, tn.paramsA["supplier"]))
	maps.Copy(tn.paramsA, f.seedRevaluations(tn.a, tn.acctA, tn.paramsA["customer"]))
	maps.Copy(tn.paramsA, f.seedVATReturns(tn.a, tn.acctA))
	tn.paramsB = f.seedInvoicing(tn.b, tn.acctB)
	tn.paramsB["id"] = strconv.FormatInt(idB, 10)
	maps.Copy(tn.paramsB, f.seedOrders(tn.b, tn.acctB))
	maps.Copy(tn.paramsB, f.seedBank(tn.b, tn.acctB, tn.paramsB["customer"]))
	maps.Copy(tn.paramsB, f.seedPaymentBatches(tn.b, tn.acctB))
	maps.Copy(tn.paramsB, f.seedPurchases(tn.b, tn.acctB, tn.paramsB["supplier"]))
	maps.Copy(tn.paramsB, f.seedSupplierPayments(tn.b, tn.acctB, tn.paramsB["supplier"]))
	maps.Copy(tn.paramsB, f.seedRevaluations(tn.b, tn.acctB, tn.paramsB["customer"]))
	maps.Copy(tn.paramsB, f.seedVATReturns(tn.b, tn.acctB))
	return tn
}

// Keys scoped to entity A find nothing of entity B on any route, reads and
// writes alike, exactly as if B did not exist; B's own accountant can use
// every one of the same requests.
func TestTenantIsolation(t *testing.T) {
	t.Parallel()
	tn := newTenants(t)
	routes := entityRouteList(t, tn.srv)
	notFound := tn.must(tn.do("GET", "/v1/entities/999999", tn.acctA, nil), 404)

	before := tn.snapshot(tn.a, tn.b)
	for _, r := range routes {
		for name, key := range map[string]string{"accountant": tn.acctA, "client": tn.clientA, "integration": tn.integA} {
			t.Run(name+" of A: "+r.String(), func(t *testing.T) {
				got := tn.call(r, tn.paramsB, key)
				wantProblem(t, got, 404, "not_found")
				if got.obj["detail"] != notFound.obj["detail"] {
					t.Errorf("B's 404 says %q, a missing entity's says %q", got.obj["detail"], notFound.obj["detail"])
				}
			})
		}
		for _, id := range []string{"999999", "abc", "-1", "0"} {
			t.Run("missing entity "+id+": "+r.String(), func(t *testing.T) {
				p := map[string]string{"entity": id, "code": "1010", "id": "1", "customer": "1", "supplier": "1", "document": "1", "invoice": "1", "endpoint": "1", "delivery": "1", "ordercustomer": "1", "year": "2025",
					"bank": "1", "statement": "1", "line": "1", "match": "1", "matchline": "1", "matchentry": "1", "statementfile": "{}", "period": "2026-Q1"}
				wantProblem(t, tn.call(r, p, tn.acctA), 404, "not_found")
			})
		}
	}
	if after := tn.snapshot(tn.a, tn.b); after != before {
		t.Fatalf("requests refused with 404 changed a ledger:\nbefore %s\nafter  %s", before, after)
	}

	// The same requests by B's accountant succeed: the 404s above were
	// about scope, not about the requests.
	for _, r := range routes {
		t.Run("accountant of B: "+r.String(), func(t *testing.T) {
			if got := tn.call(r, tn.paramsB, tn.acctB); got.status >= 300 {
				_, known := routeBodies[r.String()]
				t.Errorf("B's own accountant got %s (body known: %v)", got, known)
			}
		})
	}
}

// A client key reads its entity and writes nothing; an integration key
// reaches only orders, webhooks and events, and reads customers.
func TestRolesOnEntityRoutes(t *testing.T) {
	t.Parallel()
	tn := newTenants(t)
	routes := entityRouteList(t, tn.srv)
	before := tn.snapshot(tn.a, tn.b)
	for _, r := range routes {
		t.Run("client: "+r.String(), func(t *testing.T) {
			got := tn.call(r, tn.paramsA, tn.clientA)
			if (r.write() && !clientWrites.MatchString(r.String())) || clientForbiddenReads.MatchString(r.pattern) {
				wantProblem(t, got, 403, "role_forbidden")
			} else if got.status >= 300 {
				t.Errorf("client read: %s", got)
			}
		})
		t.Run("integration: "+r.String(), func(t *testing.T) {
			switch {
			case !integrationRoutes.MatchString(r.String()):
				wantProblem(t, tn.call(r, tn.paramsA, tn.integA), 403, "role_forbidden")
			case !r.write(): // its writes are tested in orders_test.go
				if got := tn.call(r, tn.paramsA, tn.integA); got.status != 200 {
					t.Errorf("integration read: %s", got)
				}
			}
		})
	}
	if after := tn.snapshot(tn.a, tn.b); after != before {
		t.Fatalf("refused requests changed a ledger:\nbefore %s\nafter  %s", before, after)
	}
	// The accountant of A may do all of it (reads and writes).
	for _, r := range routes {
		t.Run("accountant: "+r.String(), func(t *testing.T) {
			if got := tn.call(r, tn.paramsA, tn.acctA); got.status >= 300 {
				t.Errorf("accountant of A: %s", got)
			}
		})
	}
}

// Admin-only routes refuse every other role; GET /v1/entities lists only
// the key's entities; a revoked key stops working at once.
func TestAdminRoutesAndKeys(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a, b, c := f.entity("A"), f.entity("B"), f.entity("C")
	acctAC := f.key(ledger.RoleAccountant, a, c)
	clientB := f.key(ledger.RoleClient, b)
	integB := f.key(ledger.RoleIntegration, b)

	keysBefore := f.must(f.do("GET", "/v1/api-keys", f.admin, nil), 200).body
	entsBefore := f.must(f.do("GET", "/v1/entities", f.admin, nil), 200).body
	keyID := strconv.FormatInt(num(f.must(f.do("GET", "/v1/me", clientB, nil), 200).obj["key_id"]), 10)
	adminOnly := []route{{"POST", "/v1/entities"}}
	for _, ri := range f.srv.Routes() {
		if strings.HasPrefix(ri.Path, "/v1/api-keys") {
			adminOnly = append(adminOnly, route{ri.Method, ri.Path})
		}
	}
	if len(adminOnly) < 5 {
		t.Fatalf("admin routes: %v", adminOnly)
	}
	bodies := map[string]string{
		"POST /v1/entities": `{"name":"D","currency":"EUR","chart_template":"standard"}`,
		"POST /v1/api-keys": `{"name":"sneaky","role":"admin"}`,
	}
	for _, r := range adminOnly {
		for name, key := range map[string]string{"accountant": acctAC, "client": clientB, "integration": integB} {
			t.Run(name+": "+r.String(), func(t *testing.T) {
				var body any
				if bd, ok := bodies[r.String()]; ok {
					body = bd
				}
				path := strings.ReplaceAll(r.pattern, ":key", keyID)
				wantProblem(t, f.do(r.method, path, key, body), 403, "role_forbidden")
			})
		}
	}
	if got := f.must(f.do("GET", "/v1/api-keys", f.admin, nil), 200).body; string(got) != string(keysBefore) {
		t.Errorf("refused key requests changed the keys:\n%s\n%s", keysBefore, got)
	}
	if got := f.must(f.do("GET", "/v1/entities", f.admin, nil), 200).body; string(got) != string(entsBefore) {
		t.Errorf("refused requests changed the entities:\n%s\n%s", entsBefore, got)
	}

	t.Run("entity list is scoped", func(t *testing.T) {
		ids := func(key string) []int64 {
			r := f.must(f.do("GET", "/v1/entities", key, nil), 200)
			var out []int64
			for _, e := range r.obj["data"].([]any) {
				out = append(out, num(e.(map[string]any)["id"]))
			}
			return out
		}
		for _, c := range []struct {
			name string
			key  string
			want []int64
		}{
			{"admin", f.admin, []int64{a, b, c}},
			{"accountant of A and C", acctAC, []int64{a, c}},
			{"client of B", clientB, []int64{b}},
			{"integration of B", integB, nil},
		} {
			if c.want == nil { // integration keys may not list at all
				wantProblem(t, f.do("GET", "/v1/entities", c.key, nil), 403, "role_forbidden")
				continue
			}
			if got := ids(c.key); !slices.Equal(got, c.want) {
				t.Errorf("%s lists %v, want %v", c.name, got, c.want)
			}
		}
		// Paging does not leak either.
		r := f.must(f.do("GET", "/v1/entities?limit=1", acctAC, nil), 200)
		next, _ := r.obj["next_cursor"].(string)
		r = f.must(f.do("GET", "/v1/entities?limit=1&cursor="+next, acctAC, nil), 200)
		if d := r.obj["data"].([]any); len(d) != 1 || num(d[0].(map[string]any)["id"]) != c {
			t.Errorf("second page for A+C: %s", r.body)
		}
	})

	t.Run("revoked key", func(t *testing.T) {
		k, secret, err := f.st.CreateKey(t.Context(), nil, &ledger.KeyInput{Name: "leaving", Role: ledger.RoleAccountant, Entities: []int64{a}})
		if err != nil {
			t.Fatal(err)
		}
		f.must(f.do("GET", ent(a), secret, nil), 200) // now in the key cache
		f.must(f.do("DELETE", fmt.Sprintf("/v1/api-keys/%d", k.ID), f.admin, nil), 200)
		for _, r := range []*response{
			f.do("GET", ent(a), secret, nil),
			f.do("POST", ent(a)+"/entries", secret, rent),
			serve(t, New(testConfig(f.st)), newRequest("GET", ent(a), secret, nil)), // a fresh process
		} {
			wantProblem(t, r, 401, "key_invalid")
		}
		if n := len(f.entries(a)); n != 0 {
			t.Errorf("revoked key posted: %d entries", n)
		}
	})
}
