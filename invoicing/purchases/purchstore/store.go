// Package purchstore keeps purchases in the ledger's database (gorm, on
// PostgreSQL or SQLite): suppliers today. It wraps the ledger store and
// writes in its units of work, so that a supplier's change commits with
// its audit event or not at all.
package purchstore

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"backoffice/invoicing/purchases"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore"
)

// Store serves purchases.Store on a ledger store.
type Store struct {
	l *sqlstore.Store
}

var _ purchases.Store = (*Store)(nil)

// New wraps a ledger store and registers purchases' entity set-up (the
// Dutch purchase tax codes) and verify check.
func New(l *sqlstore.Store) *Store {
	s := &Store{l: l}
	l.Extend("purchases", setupEntity, s.Verify)
	l.OwnEntries("purchases",
		sqlstore.EntryOwner{Table: "purchase_invoices", Column: "entry_id", What: "a purchase invoice or supplier credit note"},
		sqlstore.EntryOwner{Table: "purchase_invoices", Column: "reversal_entry_id", What: "the reversal of a purchase invoice"},
		sqlstore.EntryOwner{Table: "supplier_payments", Column: "entry_id", What: "a supplier payment"},
		sqlstore.EntryOwner{Table: "supplier_payments", Column: "removal_entry_id", What: "the removal of a supplier payment"},
		sqlstore.EntryOwner{Table: "purchase_allocations", Column: "fx_entry_id", What: "an allocation's exchange difference"},
		sqlstore.EntryOwner{Table: "purchase_allocations", Column: "removal_entry_id", What: "the removal of an allocation"})
	return s
}

// In is the store bound to a unit of work: its methods run in tx and
// neither commit nor retry it.
func (s *Store) In(tx *sqlstore.Tx) *Store { return &Store{l: s.l.In(tx)} }

func invalid(path string, reason ledger.Reason, format string, args ...any) error {
	var p ledger.Problems
	p.Add(path, reason, format, args...)
	return p.Err()
}

const supplierSelect = `SELECT s.id, s.entity_id, s.name, s.address_lines, s.postcode, s.city, s.country, s.vat_number,
	s.registration_id, s.iban, s.account_holder, s.bic, s.electronic_address, s.default_account_id, coalesce(a.code, '') AS default_account,
	s.default_tax_code_id, coalesce(t.code, '') AS default_tax_code, s.payment_terms_days, s.language, s.archived_at,
	s.created_by, s.created_at, s.updated_at
	FROM suppliers s
	LEFT JOIN accounts a ON a.entity_id = s.entity_id AND a.id = s.default_account_id
	LEFT JOIN purchase_tax_codes t ON t.entity_id = s.entity_id AND t.id = s.default_tax_code_id`

type supplierRow struct {
	ID                int64
	EntityID          int64
	Name              string
	AddressLines      string
	Postcode          string
	City              string
	Country           string
	VATNumber         string `gorm:"column:vat_number"`
	RegistrationID    string
	IBAN              string `gorm:"column:iban"`
	AccountHolder     string
	BIC               string `gorm:"column:bic"`
	ElectronicAddress string
	DefaultAccountID  *int64
	DefaultAccount    string
	DefaultTaxCodeID  *int64
	DefaultTaxCode    string
	PaymentTermsDays  int
	Language          string
	ArchivedAt        *time.Time
	CreatedBy         int64
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

func (r *supplierRow) supplier() *purchases.Supplier {
	lines := []string{}
	if r.AddressLines != "" {
		lines = strings.Split(r.AddressLines, "\n")
	}
	var archived *time.Time
	if r.ArchivedAt != nil {
		t := r.ArchivedAt.UTC()
		archived = &t
	}
	return &purchases.Supplier{
		ID: r.ID, EntityID: r.EntityID, Name: r.Name,
		Address:   ledger.Address{Lines: lines, Postcode: r.Postcode, City: r.City, Country: r.Country},
		VATNumber: r.VATNumber, RegistrationID: r.RegistrationID, IBAN: r.IBAN, AccountHolder: r.AccountHolder, BIC: r.BIC,
		ElectronicAddress: r.ElectronicAddress,
		DefaultAccount:    r.DefaultAccount, DefaultTaxCode: r.DefaultTaxCode, PaymentTermsDays: r.PaymentTermsDays,
		Language: r.Language, ArchivedAt: archived, CreatedBy: r.CreatedBy,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
}

// refs are the ids of a supplier's default account and tax code (nil:
// none).
type refs struct{ account, taxCode *int64 }

// resolve checks the supplier's default account (in the entity, an
// expense or asset account, open) and default tax code (in the entity,
// active), and returns their ids.
func (s *Store) resolve(tx *sqlstore.Tx, entityID int64, sup *purchases.Supplier) (refs, error) {
	var out refs
	var p ledger.Problems
	if sup.DefaultAccount != "" {
		a, err := s.l.In(tx).Account(tx.Context(), entityID, sup.DefaultAccount)
		switch {
		case ledger.IsCode(err, ledger.CodeNotFound):
			p.Add("default_account", ledger.ReasonAccountNotFound, "account %q is not in the chart of accounts", sup.DefaultAccount)
		case err != nil:
			return out, err
		case a.Type != ledger.Expense && a.Type != ledger.Asset:
			p.Add("default_account", ledger.ReasonAccountTypeInvalid, "a supplier's default account is an expense or asset account; %q is %s", a.Code, a.Type)
		case a.Archived():
			p.Add("default_account", ledger.ReasonAccountArchived, "account %q is archived", a.Code)
		default:
			out.account = &a.ID
		}
	}
	if sup.DefaultTaxCode != "" {
		var rows []struct {
			ID         int64
			ArchivedAt *time.Time
		}
		if err := tx.DB().Raw(`SELECT id, archived_at FROM purchase_tax_codes WHERE entity_id = ? AND code = ?`, entityID, sup.DefaultTaxCode).Scan(&rows).Error; err != nil {
			return out, err
		}
		switch {
		case len(rows) == 0:
			p.Add("default_tax_code", ledger.ReasonTaxCodeNotFound, "purchase tax code %q does not exist", sup.DefaultTaxCode)
		case rows[0].ArchivedAt != nil:
			p.Add("default_tax_code", ledger.ReasonTaxCodeArchived, "tax code %q is archived", sup.DefaultTaxCode)
		default:
			out.taxCode = &rows[0].ID
		}
	}
	return out, p.Err()
}

// vatTaken refuses a VAT number another active supplier of the entity has,
// naming that supplier. The unique index is the backstop for two requests
// at once (without the id: the transaction has failed by then).
func vatTaken(tx *sqlstore.Tx, entityID, self int64, vat string) error {
	if vat == "" {
		return nil
	}
	var ids []int64
	if err := tx.DB().Raw(`SELECT id FROM suppliers WHERE entity_id = ? AND vat_number = ? AND archived_at IS NULL AND id <> ? ORDER BY id LIMIT 1`,
		entityID, vat, self).Scan(&ids).Error; err != nil {
		return err
	}
	if len(ids) == 0 {
		return nil
	}
	e := vatTakenErr(vat)
	e.Details = map[string]any{"supplier_id": ids[0]}
	e.Message += " (supplier " + strconv.FormatInt(ids[0], 10) + ")"
	return e
}

func vatTakenErr(vat string) *ledger.Error {
	return &ledger.Error{Code: ledger.CodeConflict, Reason: ledger.ReasonVATNumberTaken,
		Message: "another active supplier of this entity has VAT number " + vat,
		Fields:  []ledger.FieldError{{Path: "vat_number", Reason: ledger.ReasonVATNumberTaken, Message: "vat_number is unique among the entity's active suppliers"}}}
}

func duplicateVAT(err error, vat string) error {
	if sqlstore.IsDuplicate(sqlstore.Translate(err), "vat_number") {
		return vatTakenErr(vat)
	}
	return err
}

// CreateSupplier adds a supplier.
func (s *Store) CreateSupplier(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, in *purchases.SupplierInput) (*purchases.Supplier, error) {
	sup := &purchases.Supplier{EntityID: ent.ID}
	if err := in.Apply(sup, ent, true); err != nil {
		return nil, err
	}
	var out *purchases.Supplier
	err := s.l.Write(ctx, func(tx *sqlstore.Tx) error {
		out = nil
		c := *sup
		r, err := s.resolve(tx, ent.ID, &c)
		if err != nil {
			return err
		}
		if err := vatTaken(tx, ent.ID, 0, c.VATNumber); err != nil {
			return err
		}
		t := tx.Now
		c.CreatedAt, c.UpdatedAt, c.CreatedBy = t, t, p.ActorID
		err = tx.DB().Raw(`INSERT INTO suppliers (entity_id, name, address_lines, postcode, city, country, vat_number, registration_id,
			iban, account_holder, bic, electronic_address, default_account_id, default_tax_code_id, payment_terms_days, language, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			ent.ID, c.Name, strings.Join(c.Address.Lines, "\n"), c.Address.Postcode, c.Address.City, c.Address.Country, c.VATNumber, c.RegistrationID,
			c.IBAN, c.AccountHolder, c.BIC, c.ElectronicAddress, r.account, r.taxCode, c.PaymentTermsDays, c.Language, c.CreatedBy, t, t).Scan(&c.ID).Error
		if err != nil {
			return duplicateVAT(err, c.VATNumber)
		}
		out = &c
		return tx.Audit(ent.ID, &p.ActorID, "supplier.created", c.Name, map[string]any{"id": c.ID, "input": in})
	})
	if err != nil {
		return nil, duplicateVAT(err, sup.VATNumber)
	}
	return out, nil
}

// Supplier returns one supplier of the entity.
func (s *Store) Supplier(ctx context.Context, entityID, id int64) (*purchases.Supplier, error) {
	return s.supplier(s.l.Query(ctx), entityID, id, "")
}

func (s *Store) supplier(tx *sqlstore.Tx, entityID, id int64, lock string) (*purchases.Supplier, error) {
	q := supplierSelect + ` WHERE s.entity_id = ? AND s.id = ?`
	if lock != "" {
		q += lock + ` OF s`
	}
	var r supplierRow
	err := tx.DB().Raw(q, entityID, id).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ledger.NotFound("supplier")
	}
	if err != nil {
		return nil, sqlstore.Translate(err)
	}
	return r.supplier(), nil
}

// Suppliers lists suppliers by id after a cursor, at most Limit+1.
func (s *Store) Suppliers(ctx context.Context, entityID int64, f purchases.SupplierFilter) ([]*purchases.Supplier, error) {
	q := supplierSelect + ` WHERE s.entity_id = ? AND s.id > ?`
	args := []any{entityID, f.After}
	if !f.IncludeArchived {
		q += ` AND s.archived_at IS NULL`
	}
	if f.VATNumber != "" {
		q += ` AND s.vat_number = ?`
		args = append(args, f.VATNumber)
	}
	if f.IBAN != "" {
		q += ` AND s.iban = ?`
		args = append(args, f.IBAN)
	}
	if f.ElectronicAddress != "" {
		q += ` AND s.electronic_address = ?`
		args = append(args, f.ElectronicAddress)
	}
	if f.Query != "" {
		lower := "lower"
		if s.l.Dialect() == sqlstore.SQLite {
			lower = "bo_lower"
		}
		pat := sqlstore.Contains(f.Query)
		q += ` AND ` + lower + `(s.name) LIKE ? ESCAPE '\'`
		args = append(args, pat)
	}
	q += ` ORDER BY s.id LIMIT ?`
	args = append(args, f.Limit+1)
	var rows []supplierRow
	if err := s.l.Query(ctx).DB().Raw(q, args...).Scan(&rows).Error; err != nil {
		return nil, sqlstore.Translate(err)
	}
	out := make([]*purchases.Supplier, len(rows))
	for i := range rows {
		out[i] = rows[i].supplier()
	}
	return out, nil
}

// UpdateSupplier changes the fields given.
func (s *Store) UpdateSupplier(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64, in *purchases.SupplierInput) (*purchases.Supplier, error) {
	var out *purchases.Supplier
	err := s.l.Write(ctx, func(tx *sqlstore.Tx) error {
		out = nil
		c, err := s.supplier(tx, ent.ID, id, tx.ForUpdate())
		if err != nil {
			return err
		}
		if err := in.Apply(c, ent, false); err != nil {
			return err
		}
		r, err := s.resolveChanged(tx, ent.ID, c, in)
		if err != nil {
			return err
		}
		if c.ArchivedAt == nil {
			if err := vatTaken(tx, ent.ID, id, c.VATNumber); err != nil {
				return err
			}
		}
		c.UpdatedAt = tx.Now
		err = tx.DB().Exec(`UPDATE suppliers SET name = ?, address_lines = ?, postcode = ?, city = ?, country = ?, vat_number = ?,
			registration_id = ?, iban = ?, account_holder = ?, bic = ?, electronic_address = ?, default_account_id = ?, default_tax_code_id = ?,
			payment_terms_days = ?, language = ?, updated_at = ?
			WHERE entity_id = ? AND id = ?`,
			c.Name, strings.Join(c.Address.Lines, "\n"), c.Address.Postcode, c.Address.City, c.Address.Country, c.VATNumber,
			c.RegistrationID, c.IBAN, c.AccountHolder, c.BIC, c.ElectronicAddress, r.account, r.taxCode,
			c.PaymentTermsDays, c.Language, c.UpdatedAt, ent.ID, id).Error
		if err != nil {
			return duplicateVAT(err, c.VATNumber)
		}
		out = c
		return tx.Audit(ent.ID, &p.ActorID, "supplier.updated", c.Name, map[string]any{"id": c.ID, "input": in})
	})
	if err != nil {
		return nil, duplicateVAT(err, normalizedVAT(in))
	}
	return out, nil
}

// normalizedVAT is the VAT number an input sets, normalised ("" if none).
func normalizedVAT(in *purchases.SupplierInput) string {
	if in.VATNumber == nil {
		return ""
	}
	return purchases.NormalizeVATNumber(*in.VATNumber)
}

// resolveChanged checks the defaults an update gives and keeps the ids of
// those it leaves: an account archived since stays the default until it
// is changed.
func (s *Store) resolveChanged(tx *sqlstore.Tx, entityID int64, c *purchases.Supplier, in *purchases.SupplierInput) (refs, error) {
	var cur struct{ DefaultAccountID, DefaultTaxCodeID *int64 }
	if err := tx.DB().Raw(`SELECT default_account_id, default_tax_code_id FROM suppliers WHERE entity_id = ? AND id = ?`, entityID, c.ID).Scan(&cur).Error; err != nil {
		return refs{}, err
	}
	check := *c
	if in.DefaultAccount == nil {
		check.DefaultAccount = ""
	}
	if in.DefaultTaxCode == nil {
		check.DefaultTaxCode = ""
	}
	r, err := s.resolve(tx, entityID, &check)
	if err != nil {
		return r, err
	}
	if in.DefaultAccount == nil {
		r.account = cur.DefaultAccountID
	}
	if in.DefaultTaxCode == nil {
		r.taxCode = cur.DefaultTaxCodeID
	}
	return r, nil
}

// ArchiveSupplier hides a supplier from lists and lookups (but for
// include_archived) and frees its VAT number; what refers to it stays.
func (s *Store) ArchiveSupplier(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64) (*purchases.Supplier, error) {
	var out *purchases.Supplier
	err := s.l.Write(ctx, func(tx *sqlstore.Tx) error {
		out = nil
		c, err := s.supplier(tx, ent.ID, id, tx.ForUpdate())
		if err != nil || c.ArchivedAt != nil {
			out = c
			return err
		}
		t := tx.Now
		if err := tx.DB().Exec(`UPDATE suppliers SET archived_at = ?, updated_at = ? WHERE entity_id = ? AND id = ?`, t, t, ent.ID, id).Error; err != nil {
			return err
		}
		c.ArchivedAt, c.UpdatedAt = &t, t
		out = c
		return tx.Audit(ent.ID, &p.ActorID, "supplier.archived", c.Name, map[string]any{"id": c.ID})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
