package bankstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"backoffice/ledger"
	"backoffice/ledger/bank"
	"backoffice/ledger/bank/match"
	"backoffice/ledger/money"
	"backoffice/ledger/sqlstore"
)

// counterpartyKeys are the keys a counter account is remembered under for
// a line, most specific first: the other party's IBAN, its name, and for
// lines without a party (bank fees, interest) the bank's transaction code.
func counterpartyKeys(l *bank.StatementLine) []string {
	var keys []string
	if l.CounterIBAN != "" {
		keys = append(keys, "iban:"+l.CounterIBAN)
	}
	if name := strings.ToUpper(strings.Join(strings.Fields(l.Counterparty), " ")); name != "" {
		keys = append(keys, "name:"+name)
	}
	if len(keys) == 0 && l.Kind != "" {
		keys = append(keys, "kind:"+l.Kind)
	}
	return keys
}

// SuggestedAccount returns the counter account last used for the line's
// counterparty.
func (s *Store) SuggestedAccount(ctx context.Context, entityID int64, l *bank.StatementLine) (string, error) {
	return s.suggestedAccount(s.l.Query(ctx), entityID, l)
}

func (s *Store) suggestedAccount(tx *sqlstore.Tx, entityID int64, l *bank.StatementLine) (string, error) {
	for _, k := range counterpartyKeys(l) {
		var codes []string
		err := tx.DB().Raw(`SELECT a.code FROM bank_counterparty_accounts c JOIN accounts a ON a.entity_id = c.entity_id AND a.id = c.account_id
			WHERE c.entity_id = ? AND c.counterparty_key = ? AND a.archived_at IS NULL`, entityID, k).Scan(&codes).Error
		if err != nil {
			return "", translate(err)
		}
		if len(codes) > 0 {
			return codes[0], nil
		}
	}
	return "", nil
}

// EntryFromLine posts the entry of a statement line and reconciles it.
func (s *Store) EntryFromLine(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, bankID, lineID int64, in *bank.EntryInput) (*bank.Match, *ledger.Entry, error) {
	if err := in.Check(); err != nil {
		return nil, nil, err
	}
	var out *bank.Match
	var entry *ledger.Entry
	err := s.l.Write(ctx, func(tx *sqlstore.Tx) error {
		a, l, err := s.lockLine(tx, ent, bankID, lineID)
		if err != nil {
			return err
		}
		if err := s.postable(tx, ent, a); err != nil {
			return err
		}
		counter := ""
		if in.Account != nil {
			counter = strings.TrimSpace(*in.Account)
		} else if counter, err = s.suggestedAccount(tx, ent.ID, l); err != nil {
			return err
		}
		if counter == "" {
			return invalid("account", ledger.ReasonAccountRequired, "account is required: no counter account is remembered for this line's counterparty")
		}
		ca, err := s.l.In(tx).Account(tx.Context(), ent.ID, counter)
		if ledger.IsCode(err, ledger.CodeNotFound) {
			return invalid("account", ledger.ReasonAccountNotFound, "account %q is not in the chart of accounts", counter)
		} else if err != nil {
			return err
		}
		if ca.ID == a.AccountID {
			return invalid("account", ledger.ReasonAccountInvalid, "the counter account must be another account than the bank account %s itself", a.AccountCode)
		}
		e, err := s.postLine(tx, p, ent, a, l, counter, in)
		if err != nil {
			return err
		}
		entry = e
		id, err := s.insertMatch(tx, p, ent, a, bank.RuleEntry, nil, []int64{l.ID}, []bank.LineRef{{EntryID: e.ID, LineNo: 1}})
		if err != nil {
			return err
		}
		for _, k := range counterpartyKeys(l) {
			err := tx.DB().Exec(`INSERT INTO bank_counterparty_accounts (entity_id, counterparty_key, account_id, updated_at) VALUES (?, ?, ?, ?)
				ON CONFLICT (entity_id, counterparty_key) DO UPDATE SET account_id = excluded.account_id, updated_at = excluded.updated_at`,
				ent.ID, k, ca.ID, tx.Now).Error
			if err != nil {
				return err
			}
		}
		if out, err = s.oneMatch(tx, ent, a, id); err != nil {
			return err
		}
		return tx.Audit(ent.ID, &p.ActorID, "bank_match.created", a.AccountCode, map[string]any{"match_id": id, "rule": bank.RuleEntry,
			"statement_lines": []int64{l.ID}, "entry_id": e.ID, "account": counter})
	})
	if err != nil {
		return nil, nil, err
	}
	return out, entry, nil
}

// postLine posts the bank account against the counter account, dated on
// the booking date, referenced by the bank's reference. The bank line is
// the entry's first. A description the caller gives is used as it is
// (EntryInput.Check refused it over the limit); only one built from the
// line is shortened to fit.
func (s *Store) postLine(tx *sqlstore.Tx, p *ledger.Principal, ent *ledger.Entity, a *bank.Account, l *bank.StatementLine, counter string, in *bank.EntryInput) (*ledger.Entry, error) {
	desc := ""
	if in.Description != nil {
		desc = strings.TrimSpace(*in.Description)
	}
	if desc == "" {
		desc = strings.TrimSpace(strings.Join([]string{l.Counterparty, l.Remittance}, " "))
		if desc == "" {
			desc = "Bank statement line " + l.BankRef
		}
		desc = truncate(desc, bank.MaxEntryDescription)
	}
	amount := money.Format(abs(l.AmountMinor), exponent(a.Currency))
	bankLine := ledger.LineInput{Account: a.AccountCode}
	counterLine := ledger.LineInput{Account: counter}
	if l.AmountMinor > 0 {
		bankLine.Debit, counterLine.Credit = amount, amount
	} else {
		bankLine.Credit, counterLine.Debit = amount, amount
	}
	ei := &ledger.EntryInput{Date: l.BookingDate.String(), Description: desc, Reference: truncate(l.BankRef, 100),
		Lines: []ledger.LineInput{bankLine, counterLine}}
	if a.Currency != ent.Currency {
		ei.Lines[0].Currency, ei.Lines[1].Currency = a.Currency, a.Currency
		if in.ExchangeRate == nil {
			return nil, invalid("exchange_rate", ledger.ReasonExchangeRateRequired, "the bank account is in %s: give the exchange rate to %s", a.Currency, ent.Currency)
		}
		ei.ExchangeRate = *in.ExchangeRate
	} else if in.ExchangeRate != nil {
		return nil, invalid("exchange_rate", ledger.ReasonExchangeRateUnused, "the bank account is in the functional currency %s; no exchange rate applies", ent.Currency)
	}
	d, err := ledger.ParseEntry(ent, ei)
	if err != nil {
		return nil, err
	}
	return s.l.PostDraft(tx, p, ent, d)
}

// lockLine locks the bank account and loads an unmatched line of it.
func (s *Store) lockLine(tx *sqlstore.Tx, ent *ledger.Entity, bankID, lineID int64) (*bank.Account, *bank.StatementLine, error) {
	a, err := s.lockAccount(tx, ent.ID, bankID)
	if err != nil {
		return nil, nil, err
	}
	l, err := s.statementLine(tx, ent.ID, bankID, lineID)
	if err != nil {
		return nil, nil, err
	}
	if l.MatchID != nil {
		return nil, nil, ledger.Errorf(ledger.CodeConflict, ledger.ReasonLineAlreadyMatched, "statement line %d is already matched (match %d); unmatch it first", l.ID, *l.MatchID)
	}
	return a, l, nil
}

// NamedInvoices lists the open invoices in the bank account's currency
// that an incoming line names.
func (s *Store) NamedInvoices(ctx context.Context, ent *ledger.Entity, bankID int64, l *bank.StatementLine) ([]bank.OpenInvoice, error) {
	q := s.l.Query(ctx)
	a, err := s.account(q, ent.ID, bankID, "")
	if err != nil || s.rec == nil || l.AmountMinor <= 0 {
		return nil, err
	}
	open, err := s.rec.OpenInvoices(q, ent, a.Currency)
	if err != nil {
		return nil, err
	}
	byID := map[int64]bank.OpenInvoice{}
	mo := make([]match.OpenInvoice, len(open))
	for i, o := range open {
		mo[i] = match.OpenInvoice{ID: o.ID, Number: o.Number, CustomerID: o.CustomerID, Currency: o.Currency, OpenMinor: o.OpenMinor}
		byID[o.ID] = o
	}
	var out []bank.OpenInvoice
	for _, n := range match.Named(matchStatementLines([]*bank.StatementLine{l})[0], mo) {
		out = append(out, byID[n.ID])
	}
	return out, nil
}

// Proposals lists the cash applications found among unreconciled lines.
func (s *Store) Proposals(ctx context.Context, ent *ledger.Entity, bankID int64) ([]*bank.Proposal, error) {
	q := s.l.Query(ctx)
	a, err := s.account(q, ent.ID, bankID, "")
	if err != nil {
		return nil, err
	}
	ls, err := s.openLines(q, ent.ID, a.ID, ` AND l.amount_minor > 0 ORDER BY l.id`)
	if err != nil {
		return nil, err
	}
	out := []*bank.Proposal{}
	if len(ls) > 0 && s.rec != nil {
		if out, err = s.propose(q, ent, a, ls); err != nil {
			return nil, err
		}
	}
	// Money out paying suppliers (payables.go), in line order with the rest.
	if s.pay != nil {
		ls, err := s.openLines(q, ent.ID, a.ID, ` AND l.amount_minor < 0 ORDER BY l.id`)
		if err != nil {
			return nil, err
		}
		more, err := s.proposeOutgoing(q, ent, a, ls)
		if err != nil {
			return nil, err
		}
		out = append(out, more...)
		slices.SortStableFunc(out, func(x, y *bank.Proposal) int { return cmp.Compare(x.Line.ID, y.Line.ID) })
	}
	return out, nil
}

func (s *Store) propose(tx *sqlstore.Tx, ent *ledger.Entity, a *bank.Account, ls []*bank.StatementLine) ([]*bank.Proposal, error) {
	open, err := s.rec.OpenInvoices(tx, ent, a.Currency)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	mo := make([]match.OpenInvoice, len(open))
	for i, o := range open {
		mo[i] = match.OpenInvoice{ID: o.ID, Number: o.Number, CustomerID: o.CustomerID, Currency: o.Currency, OpenMinor: o.OpenMinor}
		names[o.CustomerID] = o.CustomerName
	}
	byID := map[int64]*bank.StatementLine{}
	for _, l := range ls {
		byID[l.ID] = l
	}
	props := match.Propose(matchStatementLines(ls), mo, a.Currency)
	out := make([]*bank.Proposal, 0, len(props))
	for _, pr := range props {
		bp := &bank.Proposal{Line: byID[pr.StatementLineID], Kind: bank.ProposalCustomerPayment, CustomerID: pr.CustomerID, CustomerName: names[pr.CustomerID]}
		for _, al := range pr.Allocations {
			bp.Allocations = append(bp.Allocations, bank.Allocation{InvoiceID: al.InvoiceID, Number: al.Number, AmountMinor: al.AmountMinor})
		}
		out = append(out, bp)
	}
	return out, nil
}

// ApplyCash records the line as a customer payment, allocates it and
// reconciles it with the payment's entry.
func (s *Store) ApplyCash(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, bankID, lineID int64, in *bank.CashInput) (*bank.Match, error) {
	if s.rec == nil && s.pay == nil {
		return nil, ledger.Errorf(ledger.CodeConflict, ledger.ReasonCashApplicationUnavailable, "this service has no invoicing to apply payments to")
	}
	var out *bank.Match
	err := s.l.Write(ctx, func(tx *sqlstore.Tx) error {
		out = nil
		a, l, err := s.lockLine(tx, ent, bankID, lineID)
		if err != nil {
			return err
		}
		if l.AmountMinor < 0 && s.pay != nil { // money out to suppliers (payables.go)
			out, err = s.applyDisbursement(tx, p, ent, a, l, in)
			return err
		}
		if s.rec == nil {
			return ledger.Errorf(ledger.CodeConflict, ledger.ReasonCashApplicationUnavailable, "this service has no invoicing to apply payments to")
		}
		if l.AmountMinor <= 0 {
			return invalid("", ledger.ReasonLineNotIncoming, "statement line %d is money out (%s); only money in is a customer payment", l.ID, money.Format(l.AmountMinor, exponent(a.Currency)))
		}
		if err := s.postable(tx, ent, a); err != nil {
			return err
		}
		r := &bank.Receipt{Date: l.BookingDate, AmountMinor: l.AmountMinor, Currency: a.Currency, BankAccount: a.AccountCode, Reference: paymentReference(l)}
		if in.CustomerID != nil {
			r.CustomerID = *in.CustomerID
		}
		if in.ExchangeRate != nil {
			r.ExchangeRate = *in.ExchangeRate
		}
		if len(in.Allocations) == 0 {
			// The proposal as GET .../proposals shows it: worked out over
			// all unreconciled lines, so that two lines naming one invoice
			// propose neither.
			ls, err := s.openLines(tx, ent.ID, a.ID, ` AND l.amount_minor > 0 ORDER BY l.id`)
			if err != nil {
				return err
			}
			props, err := s.propose(tx, ent, a, ls)
			if err != nil {
				return err
			}
			i := slices.IndexFunc(props, func(p *bank.Proposal) bool { return p.Line.ID == l.ID })
			if i < 0 {
				return invalid("allocations", ledger.ReasonNoProposal, "statement line %d names no open invoices of one customer whose open amounts add up to %s; give the allocations", l.ID, money.Format(l.AmountMinor, exponent(a.Currency)))
			}
			if in.CustomerID != nil && *in.CustomerID != props[i].CustomerID {
				return invalid("customer_id", ledger.ReasonCustomerMismatch, "the invoices statement line %d names are customer %d's, not customer %d's; give the allocations", l.ID, props[i].CustomerID, *in.CustomerID)
			}
			r.CustomerID, r.Allocations = props[i].CustomerID, props[i].Allocations
		} else {
			var total int64
			var p ledger.Problems
			for i, al := range in.Allocations {
				amt, err := money.ParseAmount(al.Amount, exponent(a.Currency))
				if err != nil {
					ae, _ := err.(*money.AmountError)
					p.Add(fmt.Sprintf("allocations[%d].amount", i), ledger.Reason(ae.Reason), "%s", ae.Message)
					continue
				}
				if al.InvoiceID <= 0 {
					p.Add(fmt.Sprintf("allocations[%d].invoice_id", i), ledger.ReasonFieldRequired, "invoice_id is required")
				}
				total += amt
				r.Allocations = append(r.Allocations, bank.Allocation{InvoiceID: al.InvoiceID, AmountMinor: amt})
			}
			if err := p.Err(); err != nil {
				return err
			}
			if total > l.AmountMinor {
				return invalid("allocations", ledger.ReasonAllocationsExceedLine, "the allocations add up to %s, more than the line's %s",
					money.Format(total, exponent(a.Currency)), money.Format(l.AmountMinor, exponent(a.Currency)))
			}
		}
		paymentID, entryID, err := s.rec.RecordReceipt(tx, p, ent, r)
		if err != nil {
			return err
		}
		bl, err := s.ledgerLines(tx, a, ent, ` AND jl.entry_id = ?`, entryID)
		if err != nil {
			return err
		}
		if len(bl) != 1 {
			return ledger.Internal(fmt.Errorf("payment entry %d has %d lines on account %s", entryID, len(bl), a.AccountCode))
		}
		id, err := s.insertMatch(tx, p, ent, a, bank.RuleCashApplication, &paymentID, []int64{l.ID}, []bank.LineRef{{EntryID: entryID, LineNo: bl[0].LineNo}})
		if err != nil {
			return err
		}
		if out, err = s.oneMatch(tx, ent, a, id); err != nil {
			return err
		}
		return tx.Audit(ent.ID, &p.ActorID, "bank_match.created", a.AccountCode, map[string]any{"match_id": id, "rule": bank.RuleCashApplication,
			"statement_lines": []int64{l.ID}, "payment_id": paymentID, "entry_id": entryID})
	})
	return out, err
}

// postable refuses to post to a bank account whose ledger account is
// archived, naming the bank account rather than an entry's line the caller
// never wrote.
func (s *Store) postable(tx *sqlstore.Tx, ent *ledger.Entity, a *bank.Account) error {
	la, err := s.l.In(tx).Account(tx.Context(), ent.ID, a.AccountCode)
	if err != nil {
		return err
	}
	if la.Archived() {
		return ledger.Errorf(ledger.CodeConflict, ledger.ReasonBankAccountArchived, "the ledger account %s of bank account %d is archived: unarchive it to post to it", a.AccountCode, a.ID)
	}
	return nil
}

// paymentReference is what the customer gave as the payment's reference:
// the structured reference, the end-to-end id, else the remittance text;
// the bank's own reference only when there is nothing else.
func paymentReference(l *bank.StatementLine) string {
	for _, r := range []string{l.Reference, l.EndToEndID, l.Remittance} {
		if r = strings.TrimSpace(r); r != "" {
			return truncate(r, 100)
		}
	}
	return truncate(l.BankRef, 100)
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
