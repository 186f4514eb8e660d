package invstore

import (
	"context"
	"errors"
	"time"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"

	"backoffice/invoicing"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore"
)

const taxCodeSelect = `SELECT t.id, t.entity_id, t.code, t.description, t.rate, t.kind, t.account_id, a.code AS account,
	t.revenue_account_id, r.code AS revenue_account, t.archived_at, t.created_at, t.updated_at
	FROM tax_codes t JOIN accounts a ON a.entity_id = t.entity_id AND a.id = t.account_id
	LEFT JOIN accounts r ON r.entity_id = t.entity_id AND r.id = t.revenue_account_id`

type taxCodeRow struct {
	ID          int64
	EntityID    int64
	Code        string
	Description string
	Rate        string
	Kind        string
	AccountID   int64
	Account     string
	// RevenueAccountID is nil when the code names no revenue account.
	RevenueAccountID *int64
	RevenueAccount   *string
	ArchivedAt       *time.Time
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

func (r *taxCodeRow) taxCode() *invoicing.TaxCode {
	rate, _ := decimal.NewFromString(r.Rate) // checked on write and by the table
	t := &invoicing.TaxCode{ID: r.ID, EntityID: r.EntityID, Code: r.Code, Description: r.Description, Rate: rate,
		RateText: rate.String(), Kind: invoicing.TaxKind(r.Kind), Account: r.Account, AccountID: r.AccountID,
		RevenueAccountID: r.RevenueAccountID, Box: invoicing.TaxKind(r.Kind).Box(),
		ArchivedAt: utc(r.ArchivedAt), CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
	if r.RevenueAccount != nil {
		t.RevenueAccount = *r.RevenueAccount
	}
	return t
}

// revenueAccount resolves a tax code's revenue account by code ("" : none).
func (s *Store) revenueAccount(tx *sqlstore.Tx, ent *ledger.Entity, code string) (*int64, error) {
	if code == "" {
		return nil, nil
	}
	a, err := s.ledgerIn(tx).Account(tx.Context(), ent.ID, code)
	if ledger.IsCode(err, ledger.CodeNotFound) || (err == nil && a.Archived()) {
		return nil, fieldErr("revenue_account", ledger.ReasonAccountNotFound, "account %s does not exist in this entity or is archived", code)
	}
	if err != nil {
		return nil, err
	}
	if a.Type != ledger.Revenue {
		return nil, fieldErr("revenue_account", ledger.ReasonAccountTypeInvalid, "account %s is a %s account; a tax code's revenue account is a revenue account", code, a.Type)
	}
	return &a.ID, nil
}

// vatAccount resolves the VAT account of a tax code by code.
func (s *Store) vatAccount(tx *sqlstore.Tx, ent *ledger.Entity, code string) (*ledger.Account, error) {
	a, err := s.ledgerIn(tx).Account(tx.Context(), ent.ID, code)
	if ledger.IsCode(err, ledger.CodeNotFound) || (err == nil && a.Archived()) {
		return nil, fieldErr("account", ledger.ReasonAccountNotFound, "account %s does not exist in this entity or is archived", code)
	}
	if err != nil {
		return nil, err
	}
	set, err := s.settings(tx, ent.ID)
	if err != nil {
		return nil, err
	}
	if (a.Type != ledger.Liability && a.Type != ledger.Asset) || a.Code == set.ReceivableAccount {
		return nil, fieldErr("account", ledger.ReasonAccountTypeInvalid, "account %s is not a VAT account: VAT is kept on a liability (or asset) account other than receivables", code)
	}
	return a, nil
}

// CreateTaxCode adds a tax code.
func (s *Store) CreateTaxCode(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, in *invoicing.TaxCodeInput) (*invoicing.TaxCode, error) {
	t := &invoicing.TaxCode{EntityID: ent.ID}
	if err := in.Apply(t, true); err != nil {
		return nil, err
	}
	var out *invoicing.TaxCode
	err := s.write(ctx, func(tx *sqlstore.Tx) error {
		a, err := s.vatAccount(tx, ent, t.Account)
		if err != nil {
			return err
		}
		rev, err := s.revenueAccount(tx, ent, t.RevenueAccount)
		if err != nil {
			return err
		}
		now := tx.Now
		var id int64
		err = tx.DB().Raw(`INSERT INTO tax_codes (entity_id, code, description, rate, kind, account_id, revenue_account_id, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, ent.ID, t.Code, t.Description, t.RateText, string(t.Kind), a.ID, rev, now, now).Scan(&id).Error
		if err != nil {
			return err
		}
		if out, err = s.taxCodeByID(tx, ent.ID, id); err != nil {
			return err
		}
		return tx.Audit(ent.ID, &p.ActorID, "tax_code.created", t.Code, in)
	})
	if sqlstore.IsDuplicate(err, "tax_codes") {
		return nil, &ledger.Error{Code: ledger.CodeConflict, Reason: ledger.ReasonTaxCodeTaken, Message: "tax code " + t.Code + " already exists in this entity",
			Fields: []ledger.FieldError{{Path: "code", Reason: ledger.ReasonTaxCodeTaken, Message: "a tax code's code is unique per entity"}}}
	}
	return out, err
}

func (s *Store) taxCodeByID(tx *sqlstore.Tx, entityID, id int64) (*invoicing.TaxCode, error) {
	var r taxCodeRow
	if err := tx.DB().Raw(taxCodeSelect+` WHERE t.entity_id = ? AND t.id = ?`, entityID, id).Take(&r).Error; err != nil {
		return nil, sqlstore.Translate(err)
	}
	return r.taxCode(), nil
}

// TaxCode returns one tax code by its code.
func (s *Store) TaxCode(ctx context.Context, entityID int64, code string) (*invoicing.TaxCode, error) {
	return s.taxCode(s.Query(ctx), entityID, code)
}

func (s *Store) taxCode(tx *sqlstore.Tx, entityID int64, code string) (*invoicing.TaxCode, error) {
	var r taxCodeRow
	err := tx.DB().Raw(taxCodeSelect+` WHERE t.entity_id = ? AND t.code = ?`, entityID, code).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ledger.NotFound("tax code")
	}
	if err != nil {
		return nil, sqlstore.Translate(err)
	}
	return r.taxCode(), nil
}

// TaxCodes lists the entity's tax codes by code.
func (s *Store) TaxCodes(ctx context.Context, entityID int64, includeArchived bool) ([]*invoicing.TaxCode, error) {
	return s.taxCodes(s.Query(ctx), entityID, includeArchived)
}

func (s *Store) taxCodes(tx *sqlstore.Tx, entityID int64, includeArchived bool) ([]*invoicing.TaxCode, error) {
	q := taxCodeSelect + ` WHERE t.entity_id = ?`
	if !includeArchived {
		q += ` AND t.archived_at IS NULL`
	}
	var rows []taxCodeRow
	order := ` ORDER BY t.code`
	if tx.Dialect() == sqlstore.Postgres {
		order += ` COLLATE "C"` // byte order, as SQLite sorts
	}
	if err := tx.DB().Raw(q+order, entityID).Scan(&rows).Error; err != nil {
		return nil, sqlstore.Translate(err)
	}
	out := make([]*invoicing.TaxCode, len(rows))
	for i := range rows {
		out[i] = rows[i].taxCode()
	}
	return out, nil
}

// UpdateTaxCode changes a tax code's description or VAT account.
func (s *Store) UpdateTaxCode(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, code string, in *invoicing.TaxCodeInput) (*invoicing.TaxCode, error) {
	var out *invoicing.TaxCode
	err := s.write(ctx, func(tx *sqlstore.Tx) error {
		t, err := s.taxCode(tx, ent.ID, code)
		if err != nil {
			return err
		}
		if err := in.Apply(t, false); err != nil {
			return err
		}
		a, err := s.vatAccount(tx, ent, t.Account)
		if err != nil {
			return err
		}
		rev, err := s.revenueAccount(tx, ent, t.RevenueAccount)
		if err != nil {
			return err
		}
		err = tx.DB().Exec(`UPDATE tax_codes SET description = ?, account_id = ?, revenue_account_id = ?, updated_at = ? WHERE entity_id = ? AND id = ?`,
			t.Description, a.ID, rev, tx.Now, ent.ID, t.ID).Error
		if err != nil {
			return err
		}
		if out, err = s.taxCodeByID(tx, ent.ID, t.ID); err != nil {
			return err
		}
		return tx.Audit(ent.ID, &p.ActorID, "tax_code.updated", code, in)
	})
	return out, err
}

// ArchiveTaxCode keeps a tax code from new invoice lines.
func (s *Store) ArchiveTaxCode(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, code string) (*invoicing.TaxCode, error) {
	var out *invoicing.TaxCode
	err := s.write(ctx, func(tx *sqlstore.Tx) error {
		t, err := s.taxCode(tx, ent.ID, code)
		if err != nil || t.ArchivedAt != nil {
			out = t
			return err
		}
		now := tx.Now
		if err := tx.DB().Exec(`UPDATE tax_codes SET archived_at = ?, updated_at = ? WHERE entity_id = ? AND id = ?`, now, now, ent.ID, t.ID).Error; err != nil {
			return err
		}
		if out, err = s.taxCodeByID(tx, ent.ID, t.ID); err != nil {
			return err
		}
		return tx.Audit(ent.ID, &p.ActorID, "tax_code.archived", code, nil)
	})
	return out, err
}
