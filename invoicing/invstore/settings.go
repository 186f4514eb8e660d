package invstore

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"backoffice/invoicing"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore"
)

// Settings returns the entity's invoicing settings, or the defaults when
// none were saved.
func (s *Store) Settings(ctx context.Context, entityID int64) (*invoicing.Settings, error) {
	return s.settings(s.Query(ctx), entityID)
}

func (s *Store) settings(tx *sqlstore.Tx, entityID int64) (*invoicing.Settings, error) {
	var out invoicing.Settings
	err := tx.DB().Raw(`SELECT invoice_number_format, credit_note_number_format, revenue_account, receivable_account,
		bank_account, fx_account, iban, updated_at FROM invoicing_settings WHERE entity_id = ?`, entityID).Take(&out).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return invoicing.DefaultSettings(), nil
	}
	if err != nil {
		return nil, sqlstore.Translate(err)
	}
	out.UpdatedAt = utc(out.UpdatedAt)
	return &out, nil
}

// UpdateSettings changes the settings given and records the change.
func (s *Store) UpdateSettings(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, in *invoicing.SettingsInput) (*invoicing.Settings, error) {
	var out *invoicing.Settings
	err := s.write(ctx, func(tx *sqlstore.Tx) error {
		set, err := s.settings(tx, ent.ID)
		if err != nil {
			return err
		}
		chart, err := s.ledgerIn(tx).Accounts(tx.Context(), ent.ID, true)
		if err != nil {
			return err
		}
		accounts := make(map[string]*ledger.Account, len(chart))
		for _, a := range chart {
			accounts[a.Code] = a
		}
		oldReceivable := set.ReceivableAccount
		if err := in.Apply(set, accounts); err != nil {
			return err
		}
		if set.ReceivableAccount != oldReceivable {
			// Open documents are carried on the old account: their payments
			// must settle them there.
			var open int64
			err := tx.DB().Raw(`SELECT (SELECT count(*) FROM invoices WHERE entity_id = ? AND status = 'issued' AND settled_minor < total_minor)
				+ (SELECT count(*) FROM payments WHERE entity_id = ? AND removed_at IS NULL AND settled_minor < amount_minor)`,
				ent.ID, ent.ID).Scan(&open).Error
			if err != nil {
				return err
			}
			if open > 0 {
				return &ledger.Error{Code: ledger.CodeConflict, Reason: ledger.ReasonReceivableAccountInUse,
					Message: fmt.Sprintf("%d open invoices, credit notes or payments are carried on %s; settle them before moving receivables to another account", open, oldReceivable),
					Fields:  []ledger.FieldError{{Path: "receivable_account", Reason: ledger.ReasonReceivableAccountInUse, Message: "documents are open on the current account"}}}
			}
		}
		t := tx.Now
		set.UpdatedAt = &t
		err = tx.DB().Exec(`INSERT INTO invoicing_settings (entity_id, invoice_number_format, credit_note_number_format,
			revenue_account, receivable_account, bank_account, fx_account, iban, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (entity_id) DO UPDATE SET invoice_number_format = excluded.invoice_number_format,
			credit_note_number_format = excluded.credit_note_number_format, revenue_account = excluded.revenue_account,
			receivable_account = excluded.receivable_account, bank_account = excluded.bank_account,
			fx_account = excluded.fx_account, iban = excluded.iban, updated_at = excluded.updated_at`,
			ent.ID, set.InvoiceNumberFormat, set.CreditNoteNumberFormat, set.RevenueAccount, set.ReceivableAccount,
			set.BankAccount, set.FXAccount, set.IBAN, t).Error
		if err != nil {
			return err
		}
		out = set
		return tx.Audit(ent.ID, &p.ActorID, "invoicing_settings.updated", "invoicing settings", in)
	})
	return out, err
}
