package orderstore

import (
	"backoffice/ledger/sqlstore"
)

// verifyOrders is the orders' and the outbox's check for verify
// (sqlstore.Store.Extend), run in verify's snapshot: every entity's events
// are numbered 1..n with the counter at n (receivers rely on it to see a
// missing event), every order's totals are the sum of its lines, its last
// recorded status is its status, and an invoiced order's invoice is not
// void, is for the order's customer and links every order line.
func (s *Store) verifyOrders(tx *sqlstore.Tx, r *sqlstore.VerifyReport) error {
	db := tx.DB()
	var n int64
	if err := db.Raw(`SELECT count(*) FROM orders`).Scan(&n).Error; err != nil {
		return err
	}
	r.Checked("order", "orders", n)
	// Law 8: who pushed an order, changed its status or caused an event is an actor.
	for _, tc := range [][2]string{{"orders", "created_by"}, {"order_status_changes", "changed_by"}, {"events", "caused_by"}} {
		if err := sqlstore.VerifyActors(tx, r, tc[0], tc[1]); err != nil {
			return err
		}
	}

	var seqs []struct{ EntityID, N, MinSeq, MaxSeq, Counter int64 }
	err := db.Raw(`SELECT e.entity_id, count(*) AS n, min(e.seq) AS min_seq, max(e.seq) AS max_seq, coalesce(max(c.value), 0) AS counter
		FROM events e LEFT JOIN counters c ON c.entity_id = e.entity_id AND c.series = 'event' AND c.year = 0
		GROUP BY e.entity_id`).Scan(&seqs).Error
	if err != nil {
		return err
	}
	for _, x := range seqs {
		if x.MinSeq != 1 || x.MaxSeq != x.N || x.Counter != x.N {
			r.Breach("events: entity %d has %d events numbered %d..%d, counter at %d", x.EntityID, x.N, x.MinSeq, x.MaxSeq, x.Counter)
		}
	}

	var off []struct {
		EntityID, ID      int64
		ExternalID        string
		Status, LastMove  string
		Net, Lines, Nline int64
		InvoiceStatus     *string
	}
	err = db.Raw(`SELECT o.entity_id, o.id, o.external_id, o.status, o.net_minor AS net,
			coalesce((SELECT sum(l.net_minor) FROM order_lines l WHERE l.entity_id = o.entity_id AND l.order_id = o.id), 0) AS lines,
			(SELECT count(*) FROM order_lines l WHERE l.entity_id = o.entity_id AND l.order_id = o.id) AS nline,
			coalesce((SELECT c.to_status FROM order_status_changes c WHERE c.entity_id = o.entity_id AND c.order_id = o.id
				ORDER BY c.seq DESC LIMIT 1), '') AS last_move,
			i.status AS invoice_status
		FROM orders o LEFT JOIN invoices i ON i.entity_id = o.entity_id AND i.id = o.invoice_id`).Scan(&off).Error
	if err != nil {
		return err
	}
	var links []struct {
		EntityID, ID          int64
		ExternalID            string
		Lines, Linked         int64
		Customer, InvCustomer int64
	}
	err = db.Raw(`SELECT o.entity_id, o.id, o.external_id, o.customer_id AS customer, i.customer_id AS inv_customer,
			(SELECT count(*) FROM order_lines l WHERE l.entity_id = o.entity_id AND l.order_id = o.id) AS lines,
			(SELECT count(*) FROM invoice_lines il WHERE il.entity_id = o.entity_id AND il.invoice_id = o.invoice_id
				AND il.order_id = o.id) AS linked
		FROM orders o JOIN invoices i ON i.entity_id = o.entity_id AND i.id = o.invoice_id`).Scan(&links).Error
	if err != nil {
		return err
	}
	for _, l := range links {
		if l.Lines != l.Linked || l.Customer != l.InvCustomer {
			r.Breach("orders: entity %d order %d (%s) has %d lines, %d linked on its invoice; customer %d, invoice's %d",
				l.EntityID, l.ID, l.ExternalID, l.Lines, l.Linked, l.Customer, l.InvCustomer)
		}
	}
	for _, o := range off {
		switch {
		case o.Nline == 0 || o.Net != o.Lines:
			r.Breach("orders: entity %d order %d (%s) has net %d but %d lines summing to %d", o.EntityID, o.ID, o.ExternalID, o.Net, o.Nline, o.Lines)
		case o.LastMove != o.Status:
			r.Breach("orders: entity %d order %d (%s) is %s but its history ends at %q", o.EntityID, o.ID, o.ExternalID, o.Status, o.LastMove)
		case o.InvoiceStatus != nil && *o.InvoiceStatus == "void":
			r.Breach("orders: entity %d order %d (%s) is invoiced by a void invoice", o.EntityID, o.ID, o.ExternalID)
		}
	}
	return nil
}
