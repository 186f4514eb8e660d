package invstore

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"backoffice/invoicing"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore"
)

const customerColumns = `id, entity_id, external_ref, name, address_lines, postcode, city, country, vat_number,
	registration_id, email, language, currency, payment_terms_days, customer_type, electronic_address, archived_at, created_at, updated_at`

type customerRow struct {
	ID                int64
	EntityID          int64
	ExternalRef       string
	Name              string
	AddressLines      string
	Postcode          string
	City              string
	Country           string
	VATNumber         string `gorm:"column:vat_number"`
	RegistrationID    string
	Email             string
	Language          string
	Currency          string
	PaymentTermsDays  int
	CustomerType      string
	ElectronicAddress string
	ArchivedAt        *time.Time
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

func (r *customerRow) customer() *invoicing.Customer {
	return &invoicing.Customer{
		ID: r.ID, EntityID: r.EntityID, ExternalRef: r.ExternalRef, Name: r.Name,
		Address:   ledger.Address{Lines: splitLines(r.AddressLines), Postcode: r.Postcode, City: r.City, Country: r.Country},
		VATNumber: r.VATNumber, RegistrationID: r.RegistrationID, Email: r.Email, Language: r.Language,
		Currency: r.Currency, PaymentTermsDays: r.PaymentTermsDays, Type: invoicing.CustomerType(r.CustomerType),
		ElectronicAddress: r.ElectronicAddress, ArchivedAt: utc(r.ArchivedAt),
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
}

func externalRefTaken(ref string) error {
	return &ledger.Error{Code: ledger.CodeConflict, Reason: ledger.ReasonExternalRefTaken, Message: "another customer of this entity has external_ref " + ref,
		Fields: []ledger.FieldError{{Path: "external_ref", Reason: ledger.ReasonExternalRefTaken, Message: "external_ref is unique per entity"}}}
}

// CreateCustomer adds a customer.
func (s *Store) CreateCustomer(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, in *invoicing.CustomerInput) (*invoicing.Customer, error) {
	c := &invoicing.Customer{EntityID: ent.ID}
	if err := in.Apply(c, ent, true); err != nil {
		return nil, err
	}
	err := s.write(ctx, func(tx *sqlstore.Tx) error {
		t := tx.Now
		c.CreatedAt, c.UpdatedAt = t, t
		err := tx.DB().Raw(`INSERT INTO customers (entity_id, external_ref, name, address_lines, postcode, city, country, vat_number,
			registration_id, email, language, currency, payment_terms_days, customer_type, electronic_address, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			ent.ID, c.ExternalRef, c.Name, joinLines(c.Address.Lines), c.Address.Postcode, c.Address.City, c.Address.Country,
			c.VATNumber, c.RegistrationID, c.Email, c.Language, c.Currency, c.PaymentTermsDays, string(c.Type), c.ElectronicAddress, t, t).Scan(&c.ID).Error
		if err != nil {
			return err
		}
		return tx.Audit(ent.ID, &p.ActorID, "customer.created", c.Name, in)
	})
	if sqlstore.IsDuplicate(err, "external_ref") {
		return nil, externalRefTaken(c.ExternalRef)
	}
	return c, err
}

// CustomerByRef returns the entity's customer with an external reference,
// or nil when there is none.
func (s *Store) CustomerByRef(ctx context.Context, entityID int64, ref string) (*invoicing.Customer, error) {
	return s.customerByRef(s.Query(ctx), entityID, ref)
}

func (s *Store) customerByRef(tx *sqlstore.Tx, entityID int64, ref string) (*invoicing.Customer, error) {
	var r customerRow
	err := tx.DB().Raw(`SELECT `+customerColumns+` FROM customers WHERE entity_id = ? AND external_ref = ? AND external_ref <> ''`,
		entityID, ref).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, sqlstore.Translate(err)
	}
	return r.customer(), nil
}

// FindOrCreateCustomer returns the customer with in's external reference,
// creating it from in when there is none, as a unit of work (run it in
// another one through In). Two transactions racing to create the same customer both end with the one
// row: the insert does nothing on conflict (PostgreSQL waits for the
// other transaction) and the row is read back.
func (s *Store) FindOrCreateCustomer(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, in *invoicing.CustomerInput) (*invoicing.Customer, error) {
	c := &invoicing.Customer{EntityID: ent.ID}
	if err := in.Apply(c, ent, true); err != nil {
		return nil, err
	}
	if c.ExternalRef == "" {
		return nil, fieldErr("external_ref", ledger.ReasonFieldRequired, "external_ref is required")
	}
	var out *invoicing.Customer
	err := s.write(ctx, func(tx *sqlstore.Tx) error {
		out = nil
		t := tx.Now
		c.CreatedAt, c.UpdatedAt = t, t
		var ids []int64
		err := tx.DB().Raw(`INSERT INTO customers (entity_id, external_ref, name, address_lines, postcode, city, country, vat_number,
			registration_id, email, language, currency, payment_terms_days, customer_type, electronic_address, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (entity_id, external_ref) WHERE external_ref <> '' DO NOTHING RETURNING id`,
			ent.ID, c.ExternalRef, c.Name, joinLines(c.Address.Lines), c.Address.Postcode, c.Address.City, c.Address.Country,
			c.VATNumber, c.RegistrationID, c.Email, c.Language, c.Currency, c.PaymentTermsDays, string(c.Type), c.ElectronicAddress, t, t).Scan(&ids).Error
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			out, err = s.customerByRef(tx, ent.ID, c.ExternalRef)
			if err == nil && out == nil {
				err = ledger.Internal(errors.New("customer conflict without a row"))
			}
			return err
		}
		c.ID, out = ids[0], c
		return tx.Audit(ent.ID, &p.ActorID, "customer.created", c.Name, in)
	})
	return out, err
}

// Customer returns one customer of the entity.
func (s *Store) Customer(ctx context.Context, entityID, id int64) (*invoicing.Customer, error) {
	return s.customer(s.Query(ctx), entityID, id)
}

func (s *Store) customer(tx *sqlstore.Tx, entityID, id int64) (*invoicing.Customer, error) {
	var r customerRow
	err := tx.DB().Raw(`SELECT `+customerColumns+` FROM customers WHERE entity_id = ? AND id = ?`, entityID, id).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ledger.NotFound("customer")
	}
	if err != nil {
		return nil, sqlstore.Translate(err)
	}
	return r.customer(), nil
}

// Customers lists customers by id after a cursor, at most Limit+1, matching
// Query against the name or the external reference in any case.
func (s *Store) Customers(ctx context.Context, entityID int64, f invoicing.CustomerFilter) ([]*invoicing.Customer, error) {
	q := `SELECT ` + customerColumns + ` FROM customers WHERE entity_id = ? AND id > ?`
	args := []any{entityID, f.After}
	if !f.IncludeArchived {
		q += ` AND archived_at IS NULL`
	}
	if f.Query != "" {
		lower := "lower"
		if s.Dialect() == sqlstore.SQLite {
			lower = "bo_lower"
		}
		pat := sqlstore.Contains(f.Query)
		q += ` AND (` + lower + `(name) LIKE ? ESCAPE '\' OR ` + lower + `(external_ref) LIKE ? ESCAPE '\')`
		args = append(args, pat, pat)
	}
	q += ` ORDER BY id LIMIT ?`
	args = append(args, f.Limit+1)
	var rows []customerRow
	if err := s.Query(ctx).DB().Raw(q, args...).Scan(&rows).Error; err != nil {
		return nil, sqlstore.Translate(err)
	}
	out := make([]*invoicing.Customer, len(rows))
	for i := range rows {
		out[i] = rows[i].customer()
	}
	return out, nil
}

// UpdateCustomer changes the fields given. Issued invoices keep what they
// printed; drafts show the customer as it is.
func (s *Store) UpdateCustomer(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64, in *invoicing.CustomerInput) (*invoicing.Customer, error) {
	var out *invoicing.Customer
	err := s.write(ctx, func(tx *sqlstore.Tx) error {
		c, err := s.customer(tx, ent.ID, id)
		if err != nil {
			return err
		}
		if err := in.Apply(c, ent, false); err != nil {
			return err
		}
		c.UpdatedAt = tx.Now
		err = tx.DB().Exec(`UPDATE customers SET external_ref = ?, name = ?, address_lines = ?, postcode = ?, city = ?, country = ?,
			vat_number = ?, registration_id = ?, email = ?, language = ?, currency = ?, payment_terms_days = ?, customer_type = ?,
			electronic_address = ?, updated_at = ? WHERE entity_id = ? AND id = ?`,
			c.ExternalRef, c.Name, joinLines(c.Address.Lines), c.Address.Postcode, c.Address.City, c.Address.Country,
			c.VATNumber, c.RegistrationID, c.Email, c.Language, c.Currency, c.PaymentTermsDays, string(c.Type), c.ElectronicAddress, c.UpdatedAt, ent.ID, id).Error
		if err != nil {
			return err
		}
		out = c
		return tx.Audit(ent.ID, &p.ActorID, "customer.updated", c.Name, in)
	})
	if sqlstore.IsDuplicate(err, "external_ref") {
		return nil, externalRefTaken(*in.ExternalRef)
	}
	return out, err
}

// ArchiveCustomer hides a customer from new invoices; what exists stays.
func (s *Store) ArchiveCustomer(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64) (*invoicing.Customer, error) {
	var out *invoicing.Customer
	err := s.write(ctx, func(tx *sqlstore.Tx) error {
		c, err := s.customer(tx, ent.ID, id)
		if err != nil || c.ArchivedAt != nil {
			out = c
			return err
		}
		t := tx.Now
		if err := tx.DB().Exec(`UPDATE customers SET archived_at = ?, updated_at = ? WHERE entity_id = ? AND id = ?`, t, t, ent.ID, id).Error; err != nil {
			return err
		}
		c.ArchivedAt, c.UpdatedAt = &t, t
		out = c
		return tx.Audit(ent.ID, &p.ActorID, "customer.archived", c.Name, nil)
	})
	return out, err
}
