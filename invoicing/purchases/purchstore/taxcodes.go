package purchstore

import (
	"context"
	"errors"
	"time"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"

	"backoffice/invoicing/purchases"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore"
)

const taxCodeSelect = `SELECT t.id, t.entity_id, t.code, t.description, t.kind, t.rate, t.deductible_percent,
	t.input_account_id, coalesce(i.code, '') AS input_account, t.output_account_id, coalesce(o.code, '') AS output_account,
	t.archived_at, t.created_at, t.updated_at FROM purchase_tax_codes t
	LEFT JOIN accounts i ON i.entity_id = t.entity_id AND i.id = t.input_account_id
	LEFT JOIN accounts o ON o.entity_id = t.entity_id AND o.id = t.output_account_id`

type taxCodeRow struct {
	ID                int64
	EntityID          int64
	Code              string
	Description       string
	Kind              string
	Rate              string
	DeductiblePercent string
	InputAccountID    *int64
	InputAccount      string
	OutputAccountID   *int64
	OutputAccount     string
	ArchivedAt        *time.Time
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

func (r *taxCodeRow) taxCode() *purchases.TaxCode {
	rate, _ := decimal.NewFromString(r.Rate) // checked on write and by the table
	ded, _ := decimal.NewFromString(r.DeductiblePercent)
	t := &purchases.TaxCode{ID: r.ID, EntityID: r.EntityID, Code: r.Code, Description: r.Description, Kind: purchases.TaxKind(r.Kind),
		Rate: rate, RateText: rate.String(), Deductible: ded, DeductibleText: ded.String(),
		InputAccount: r.InputAccount, OutputAccount: r.OutputAccount, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
	if r.InputAccountID != nil {
		t.InputAccountID = *r.InputAccountID
	}
	if r.OutputAccountID != nil {
		t.OutputAccountID = *r.OutputAccountID
	}
	if r.ArchivedAt != nil {
		a := r.ArchivedAt.UTC()
		t.ArchivedAt = &a
	}
	t.Box, t.InputBox = t.Kind.Box(), t.Kind.InputBox()
	return t
}

// SeedTaxCodes adds the Dutch purchase tax codes on the standard chart's
// VAT accounts, in the unit of work tx.
func SeedTaxCodes(tx *sqlstore.Tx, entityID int64) error {
	t := tx.Now
	for _, c := range purchases.DutchTaxCodes {
		k := purchases.TaxKind(c.Kind)
		out := ""
		if k.ReverseCharge() {
			out = purchases.DutchOutputVATAccount
		}
		in := ""
		if k.HasVAT() {
			in = purchases.DutchInputVATAccount
		}
		err := tx.DB().Exec(`INSERT INTO purchase_tax_codes (entity_id, code, description, kind, rate, deductible_percent,
			input_account_id, output_account_id, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, (SELECT id FROM accounts WHERE entity_id = ? AND code = ?),
			(SELECT id FROM accounts WHERE entity_id = ? AND code = ?), ?, ?)`,
			entityID, c.Code, c.Description, string(k), c.Rate, c.Deductible, entityID, in, entityID, out, t, t).Error
		if err != nil {
			return err
		}
	}
	return nil
}

// setupEntity seeds the purchase tax codes of an entity created with the
// standard chart (a sqlstore.EntitySetup).
func setupEntity(tx *sqlstore.Tx, e *ledger.Entity, in *ledger.EntityInput) error {
	if in.ChartTemplate == nil || *in.ChartTemplate != "standard" {
		return nil
	}
	return SeedTaxCodes(tx, e.ID)
}

// vatAccounts resolves a code's input and output accounts: open asset or
// liability accounts of the entity.
func (s *Store) vatAccounts(tx *sqlstore.Tx, entityID int64, t *purchases.TaxCode) (in, out *int64, err error) {
	var p ledger.Problems
	one := func(path, code string) *int64 {
		if code == "" {
			return nil
		}
		a, err2 := s.l.In(tx).Account(tx.Context(), entityID, code)
		switch {
		case ledger.IsCode(err2, ledger.CodeNotFound):
			p.Add(path, ledger.ReasonAccountNotFound, "account %q is not in the chart of accounts", code)
		case err2 != nil:
			err = err2
		case a.Archived():
			p.Add(path, ledger.ReasonAccountArchived, "account %q is archived", code)
		case a.Type != ledger.Asset && a.Type != ledger.Liability:
			p.Add(path, ledger.ReasonAccountTypeInvalid, "account %s is a %s account: VAT is kept on an asset or liability account", code, a.Type)
		default:
			return &a.ID
		}
		return nil
	}
	in = one("input_account", t.InputAccount)
	out = one("output_account", t.OutputAccount)
	if err != nil {
		return nil, nil, err
	}
	return in, out, p.Err()
}

func taxCodeTaken(code string) error {
	return &ledger.Error{Code: ledger.CodeConflict, Reason: ledger.ReasonTaxCodeTaken, Message: "purchase tax code " + code + " already exists in this entity",
		Fields: []ledger.FieldError{{Path: "code", Reason: ledger.ReasonTaxCodeTaken, Message: "a purchase tax code's code is unique per entity"}}}
}

// CreateTaxCode adds a purchase tax code.
func (s *Store) CreateTaxCode(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, in *purchases.TaxCodeInput) (*purchases.TaxCode, error) {
	t := &purchases.TaxCode{EntityID: ent.ID}
	if err := in.Apply(t, true); err != nil {
		return nil, err
	}
	var out *purchases.TaxCode
	err := s.l.Write(ctx, func(tx *sqlstore.Tx) error {
		out = nil
		inID, outID, err := s.vatAccounts(tx, ent.ID, t)
		if err != nil {
			return err
		}
		now := tx.Now
		var id int64
		err = tx.DB().Raw(`INSERT INTO purchase_tax_codes (entity_id, code, description, kind, rate, deductible_percent,
			input_account_id, output_account_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			ent.ID, t.Code, t.Description, string(t.Kind), t.RateText, t.DeductibleText, inID, outID, now, now).Scan(&id).Error
		if err != nil {
			return err
		}
		if out, err = s.taxCodeWhere(tx, ent.ID, `t.id = ?`, id); err != nil {
			return err
		}
		return tx.Audit(ent.ID, &p.ActorID, "purchase_tax_code.created", t.Code, in)
	})
	if sqlstore.IsDuplicate(sqlstore.Translate(err), "purchase_tax_codes") {
		return nil, taxCodeTaken(t.Code)
	}
	return out, err
}

func (s *Store) taxCodeWhere(tx *sqlstore.Tx, entityID int64, where string, arg any) (*purchases.TaxCode, error) {
	var r taxCodeRow
	err := tx.DB().Raw(taxCodeSelect+` WHERE t.entity_id = ? AND `+where, entityID, arg).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ledger.NotFound("purchase tax code")
	}
	if err != nil {
		return nil, sqlstore.Translate(err)
	}
	return r.taxCode(), nil
}

// TaxCode returns one purchase tax code by its code.
func (s *Store) TaxCode(ctx context.Context, entityID int64, code string) (*purchases.TaxCode, error) {
	return s.taxCodeWhere(s.l.Query(ctx), entityID, `t.code = ?`, code)
}

// TaxCodes lists the entity's purchase tax codes by code.
func (s *Store) TaxCodes(ctx context.Context, entityID int64, includeArchived bool) ([]*purchases.TaxCode, error) {
	return s.taxCodes(s.l.Query(ctx), entityID, includeArchived)
}

func (s *Store) taxCodes(tx *sqlstore.Tx, entityID int64, includeArchived bool) ([]*purchases.TaxCode, error) {
	q := taxCodeSelect + ` WHERE t.entity_id = ?`
	if !includeArchived {
		q += ` AND t.archived_at IS NULL`
	}
	q += ` ORDER BY t.code`
	if tx.Dialect() == sqlstore.Postgres {
		q += ` COLLATE "C"` // byte order, as SQLite sorts
	}
	var rows []taxCodeRow
	if err := tx.DB().Raw(q, entityID).Scan(&rows).Error; err != nil {
		return nil, sqlstore.Translate(err)
	}
	out := make([]*purchases.TaxCode, len(rows))
	for i := range rows {
		out[i] = rows[i].taxCode()
	}
	return out, nil
}

// UpdateTaxCode changes a purchase tax code's description, accounts or
// deductible share; booked invoices keep what they were booked with.
func (s *Store) UpdateTaxCode(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, code string, in *purchases.TaxCodeInput) (*purchases.TaxCode, error) {
	var out *purchases.TaxCode
	err := s.l.Write(ctx, func(tx *sqlstore.Tx) error {
		out = nil
		t, err := s.taxCodeWhere(tx, ent.ID, `t.code = ?`, code)
		if err != nil {
			return err
		}
		if err := in.Apply(t, false); err != nil {
			return err
		}
		inID, outID, err := s.vatAccounts(tx, ent.ID, t)
		if err != nil {
			return err
		}
		if err := tx.DB().Exec(`UPDATE purchase_tax_codes SET description = ?, deductible_percent = ?, input_account_id = ?,
			output_account_id = ?, updated_at = ? WHERE entity_id = ? AND id = ?`,
			t.Description, t.DeductibleText, inID, outID, tx.Now, ent.ID, t.ID).Error; err != nil {
			return err
		}
		if out, err = s.taxCodeWhere(tx, ent.ID, `t.id = ?`, t.ID); err != nil {
			return err
		}
		return tx.Audit(ent.ID, &p.ActorID, "purchase_tax_code.updated", code, in)
	})
	return out, err
}

// ArchiveTaxCode keeps a purchase tax code from new lines.
func (s *Store) ArchiveTaxCode(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, code string) (*purchases.TaxCode, error) {
	var out *purchases.TaxCode
	err := s.l.Write(ctx, func(tx *sqlstore.Tx) error {
		out = nil
		t, err := s.taxCodeWhere(tx, ent.ID, `t.code = ?`, code)
		if err != nil {
			return err
		}
		if t.ArchivedAt != nil {
			out = t
			return nil
		}
		if err := tx.DB().Exec(`UPDATE purchase_tax_codes SET archived_at = ?, updated_at = ? WHERE entity_id = ? AND id = ?`,
			tx.Now, tx.Now, ent.ID, t.ID).Error; err != nil {
			return err
		}
		if out, err = s.taxCodeWhere(tx, ent.ID, `t.id = ?`, t.ID); err != nil {
			return err
		}
		return tx.Audit(ent.ID, &p.ActorID, "purchase_tax_code.archived", code, map[string]any{"code": code})
	})
	return out, err
}
