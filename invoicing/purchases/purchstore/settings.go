package purchstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"

	"backoffice/invoicing/purchases"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore"
)

func (s *Store) settings(tx *sqlstore.Tx, entityID int64) (*purchases.Settings, error) {
	var r struct {
		NumberFormat, PayableAccount, BankAccount, FXAccount, RoundingAccount, VATTolerance string
		UpdatedAt                                                                           time.Time
	}
	err := tx.DB().Raw(`SELECT number_format, payable_account, bank_account, fx_account, rounding_account, vat_tolerance, updated_at
		FROM purchase_settings WHERE entity_id = ?`, entityID).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return purchases.DefaultSettings(), nil
	}
	if err != nil {
		return nil, sqlstore.Translate(err)
	}
	tol, _ := decimal.NewFromString(r.VATTolerance)
	t := r.UpdatedAt.UTC()
	return &purchases.Settings{NumberFormat: r.NumberFormat, PayableAccount: r.PayableAccount, BankAccount: r.BankAccount,
		FXAccount: r.FXAccount, RoundingAccount: r.RoundingAccount, VATToleranceText: tol.String(), VATTolerance: tol, UpdatedAt: &t}, nil
}

// Settings returns the entity's purchase settings (the defaults until
// changed).
func (s *Store) Settings(ctx context.Context, entityID int64) (*purchases.Settings, error) {
	return s.settings(s.l.Query(ctx), entityID)
}

// UpdateSettings changes the settings given and records the change.
func (s *Store) UpdateSettings(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, in *purchases.SettingsInput) (*purchases.Settings, error) {
	var out *purchases.Settings
	err := s.l.Write(ctx, func(tx *sqlstore.Tx) error {
		out = nil
		set, err := s.settings(tx, ent.ID)
		if err != nil {
			return err
		}
		accounts, err := s.accounts(tx, ent.ID)
		if err != nil {
			return err
		}
		oldPayable := set.PayableAccount
		if err := in.Apply(set, accounts); err != nil {
			return err
		}
		if set.PayableAccount != oldPayable {
			// Open documents are carried on the old account: their payments
			// must settle them there (and verify and the aged payables read
			// them against the one account), as for receivables.
			var open int64
			err := tx.DB().Raw(`SELECT (SELECT count(*) FROM purchase_invoices WHERE entity_id = ? AND status = 'booked' AND settled_minor < total_minor)
				+ (SELECT count(*) FROM supplier_payments WHERE entity_id = ? AND removed_at IS NULL AND settled_minor < amount_minor)`,
				ent.ID, ent.ID).Scan(&open).Error
			if err != nil {
				return err
			}
			if open > 0 {
				return &ledger.Error{Code: ledger.CodeConflict, Reason: ledger.ReasonPayableAccountInUse,
					Message: fmt.Sprintf("%d open purchase documents or supplier payments are carried on %s; settle them before moving payables to another account", open, oldPayable),
					Fields:  []ledger.FieldError{{Path: "payable_account", Reason: ledger.ReasonPayableAccountInUse, Message: "documents are open on the current account"}}}
			}
		}
		now := tx.Now
		set.UpdatedAt = &now
		err = tx.DB().Exec(`INSERT INTO purchase_settings (entity_id, number_format, payable_account, bank_account, fx_account, rounding_account,
			vat_tolerance, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (entity_id) DO UPDATE SET number_format = excluded.number_format,
			payable_account = excluded.payable_account, bank_account = excluded.bank_account, fx_account = excluded.fx_account,
			rounding_account = excluded.rounding_account, vat_tolerance = excluded.vat_tolerance, updated_at = excluded.updated_at`,
			ent.ID, set.NumberFormat, set.PayableAccount, set.BankAccount, set.FXAccount, set.RoundingAccount, set.VATToleranceText, now).Error
		if err != nil {
			return err
		}
		out = set
		return tx.Audit(ent.ID, &p.ActorID, "purchase_settings.updated", "", in)
	})
	return out, err
}

// accounts is the entity's chart by code, archived accounts included.
func (s *Store) accounts(tx *sqlstore.Tx, entityID int64) (map[string]*ledger.Account, error) {
	chart, err := s.l.In(tx).Accounts(tx.Context(), entityID, true)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*ledger.Account, len(chart))
	for _, a := range chart {
		out[a.Code] = a
	}
	return out, nil
}
