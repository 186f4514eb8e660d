package main

import (
	"context"
	"fmt"
	"testing"
)

// TestLoadtestBooksPurchases runs the purchase mode: every purchase
// invoice the report counts as booked is in the database, booked once,
// numbered PI-2026-0001.. per entity without gaps.
func TestLoadtestBooksPurchases(t *testing.T) {
	ctx := context.Background()
	// 40 invoices over 2 entities, clients 0 and 2 on the first, 1 and 3
	// on the second: 20 each when both finish, but the split may differ;
	// the numbers must run 1..n per entity either way.
	st, _ := runLoadtest(t, []string{"--mode", "purchases", "--clients", "4", "--entities", "2", "--entries", "40"},
		"purchase invoices booked: 40\n", "failures:       0\n", "purchase invoices/s", "p99")
	db := st.Query(ctx).DB()
	rows, err := db.Raw(`SELECT entity_id, number, status, (SELECT count(*) FROM purchase_invoice_lines l WHERE l.entity_id = p.entity_id AND l.purchase_invoice_id = p.id)
		FROM purchase_invoices p ORDER BY entity_id, number`).Rows()
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	seen, next := 0, map[int64]int{}
	for rows.Next() {
		var ent int64
		var number, status string
		var lines int
		if err := rows.Scan(&ent, &number, &status, &lines); err != nil {
			t.Fatal(err)
		}
		seen++
		next[ent]++
		if want := fmt.Sprintf("PI-2026-%04d", next[ent]); number != want || status != "booked" || lines != 10 {
			t.Errorf("entity %d: %s %s with %d lines; want %s booked with 10", ent, number, status, lines, want)
		}
	}
	if seen != 40 || len(next) != 2 {
		t.Errorf("%d purchase invoices over %d entities; want 40 over 2", seen, len(next))
	}
	r, err := st.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Breaches) > 0 {
		t.Errorf("verify: breaches %v", r.Breaches)
	}
}
