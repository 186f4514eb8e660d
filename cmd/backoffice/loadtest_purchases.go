package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// purchaseSuppliers is how many suppliers loadtest --mode purchases
// creates per entity; the invoices go round them.
const purchaseSuppliers = 10

// purchaseLines are the 10 lines of every purchase invoice the purchase
// mode books: mixed tax codes (input VAT 21 % and 9 %, not deductible,
// zero, exempt, domestic and EU reverse charge) on expense accounts. The
// first line's amount varies per invoice.
var purchaseLines = [...]struct{ account, code string }{
	{"4200", "P21"}, {"4200", "P9"}, {"4200", "P21"}, {"4200", "P9-meals"}, {"4200", "P0"},
	{"4200", "P-exempt"}, {"4200", "P-rc-nl"}, {"4200", "P-eu-services"}, {"4200", "P21"}, {"4200", "P9"},
}

// runPurchases is loadtest --mode purchases: each entity gets
// purchaseSuppliers suppliers (default account 4200, tax code P21); each
// client then enters and books 10-line purchase invoices in one request
// (POST /purchase-invoices with "book": true) on its entity, a unique
// supplier invoice number each, until total invoices are booked.
func (lt *loadRun) runPurchases(ctx context.Context, ids []int64, clients, total int, deadline time.Time, prefix string, stdout io.Writer) error {
	sups := make([][]int64, len(ids))
	for k, id := range ids {
		base := fmt.Sprintf("%s/v1/entities/%d", lt.base, id)
		for j := range purchaseSuppliers {
			_, b, err := lt.do(ctx, base+"/suppliers", fmt.Sprintf("%ssupplier-%d-%d", prefix, id, j),
				fmt.Appendf(nil, `{"name":"Leverancier %d B.V.","default_account":"4200","default_tax_code":"P21","payment_terms_days":30}`, j+1),
				http.StatusCreated)
			var s struct {
				ID int64 `json:"id"`
			}
			if err == nil {
				err = json.Unmarshal(b, &s)
			}
			if err != nil || s.ID == 0 {
				return fmt.Errorf("loadtest: create supplier %d of entity %d: %v %.200s", j+1, id, err, b)
			}
			sups[k] = append(sups[k], s.ID)
		}
	}

	var next atomic.Int64
	lat := make([][]time.Duration, clients)
	start := time.Now()
	var wg sync.WaitGroup
	for i := range clients {
		wg.Go(func() {
			k := i % len(ids)
			url := lt.base + "/v1/entities/" + strconv.FormatInt(ids[k], 10) + "/purchase-invoices"
			var body []byte
			for ctx.Err() == nil {
				if !deadline.IsZero() && !time.Now().Before(deadline) {
					break
				}
				n := next.Add(1)
				if n > int64(total) {
					break
				}
				body = purchaseBody(body[:0], sups[k][n%int64(len(sups[k]))], prefix+strconv.FormatInt(n, 10), n)
				d, ok := lt.post(ctx, url, prefix+"pi-"+strconv.FormatInt(n, 10), body)
				if !ok {
					continue // cancelled: not a measurement
				}
				lat[i] = append(lat[i], d)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)

	all := slices.Concat(lat...)
	slices.Sort(all)
	booked := lt.posted.Load()
	fmt.Fprintf(stdout, "loadtest: %s, %d clients over %d entities (purchase invoices of %d lines, booked on entry; %d suppliers each)\n",
		lt.base, clients, len(ids), len(purchaseLines), purchaseSuppliers)
	fmt.Fprintf(stdout, "purchase invoices booked: %d\n", booked)
	return lt.report(ctx, stdout, "purchase invoices", booked, elapsed, all)
}

// purchaseBody is the JSON of purchase invoice n (booked on entry) of
// supplier sup with supplier invoice number number: 10 lines, the first
// of 1.00 .. 999.99 by n, the others fixed.
func purchaseBody(b []byte, sup int64, number string, n int64) []byte {
	b = fmt.Appendf(b, `{"supplier_id":%d,"supplier_invoice_number":%q,"invoice_date":"2026-06-15","book":true,"lines":[`, sup, number)
	for j, l := range purchaseLines {
		c := int64(1000 + 137*j) // 10.00, 11.37, ...
		if j == 0 {
			c = 100 + n%99900
		}
		if j > 0 {
			b = append(b, ',')
		}
		b = fmt.Appendf(b, `{"description":"Line %d","account":%q,"amount":%q,"tax_code":%q}`, j+1, l.account, cents(c), l.code)
	}
	return append(b, "]}"...)
}
