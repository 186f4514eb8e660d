package sqlstore

import (
	"context"
	"reflect"
	"strings"
	"time"

	"backoffice/ledger"
)

const entityColumns = `id, name, registration_id, vat_number, address_lines, postcode, city, country,
	currency, time_zone, fiscal_year_start_month, locale, lock_date, vat_tax_number, vat_scheme, vat_period, electronic_address, created_at, updated_at`

type entityRow struct {
	ID                   int64
	Name                 string
	RegistrationID       string
	VATNumber            string
	AddressLines         string
	Postcode             string
	City                 string
	Country              string
	Currency             string
	TimeZone             string
	FiscalYearStartMonth int
	Locale               string
	LockDate             ledger.Date
	VATTaxNumber         string
	VATScheme            string
	VATPeriod            string
	ElectronicAddress    string
	CreatedAt            time.Time
	UpdatedAt            time.Time
}

func (r *entityRow) entity() *ledger.Entity {
	e := &ledger.Entity{
		ID: r.ID, Name: r.Name, RegistrationID: r.RegistrationID, VATNumber: r.VATNumber,
		Address:  ledger.Address{Lines: splitLines(r.AddressLines), Postcode: r.Postcode, City: r.City, Country: r.Country},
		Currency: r.Currency, TimeZone: r.TimeZone, FiscalYearStartMonth: r.FiscalYearStartMonth,
		Locale: r.Locale, VATTaxNumber: r.VATTaxNumber, VATScheme: ledger.VATScheme(r.VATScheme), VATPeriod: ledger.VATPeriod(r.VATPeriod),
		ElectronicAddress: r.ElectronicAddress, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
	if !r.LockDate.IsZero() {
		d := r.LockDate
		e.LockDate = &d
	}
	return e
}

func splitLines(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, "\n")
}

// CreateEntity creates an entity and, if asked, seeds its chart of accounts
// from a template, in one transaction.
func (s *Store) CreateEntity(ctx context.Context, p *ledger.Principal, in *ledger.EntityInput) (*ledger.Entity, error) {
	e := &ledger.Entity{}
	if err := in.Apply(e, true); err != nil {
		return nil, err
	}
	err := s.Write(ctx, func(tx *Tx) error {
		t := tx.Now
		e.CreatedAt, e.UpdatedAt = t, t
		err := tx.g.Raw(`INSERT INTO entities (name, registration_id, vat_number, address_lines, postcode, city, country,
			currency, time_zone, fiscal_year_start_month, locale, vat_tax_number, vat_scheme, vat_period, electronic_address, created_at, updated_at, created_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			e.Name, e.RegistrationID, e.VATNumber, strings.Join(e.Address.Lines, "\n"), e.Address.Postcode,
			e.Address.City, e.Address.Country, e.Currency, e.TimeZone, e.FiscalYearStartMonth, e.Locale,
			e.VATTaxNumber, string(e.VATScheme), string(e.VATPeriod), e.ElectronicAddress, t, t, p.ActorID).Scan(&e.ID).Error
		if err != nil {
			return err
		}
		if err := tx.Audit(e.ID, &p.ActorID, "entity.created", e.Name, in); err != nil {
			return err
		}
		if in.ChartTemplate != nil {
			if err := s.seedChart(tx, e.ID, e.Locale, ledger.ChartTemplates[*in.ChartTemplate]); err != nil {
				return err
			}
		}
		for _, m := range s.extensions() {
			if m.setup != nil {
				if err := m.setup(tx, e, in); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, translate(err)
	}
	return e, nil
}

// seedChart writes a chart template's accounts with their names in the
// entity's language and their RGS codes.
func (s *Store) seedChart(tx *Tx, entityID int64, locale string, chart []ledger.TemplateAccount) error {
	t := tx.Now
	ids := map[string]int64{}
	for _, a := range chart { // parents come before their children in a template
		var parent *int64
		if a.Parent != "" {
			id := ids[a.Parent]
			parent = &id
		}
		var id int64
		version := ""
		if a.RGSCode != "" {
			version = ledger.RGSVersion
		}
		err := tx.g.Raw(`INSERT INTO accounts (entity_id, code, name, type, parent_id, rgs_code, rgs_version, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, entityID, a.Code, a.LocalName(locale), string(a.Type), parent,
			a.RGSCode, version, t, t).Scan(&id).Error
		if err != nil {
			return err
		}
		ids[a.Code] = id
	}
	return nil
}

// Entity returns one entity, or not_found.
func (s *Store) Entity(ctx context.Context, id int64) (*ledger.Entity, error) {
	return s.entity(s.Query(ctx), id)
}

func (s *Store) entity(tx *Tx, id int64) (*ledger.Entity, error) {
	var r entityRow
	res := tx.g.Raw(`SELECT `+entityColumns+` FROM entities WHERE id = ?`, id).Scan(&r)
	if res.Error != nil {
		return nil, translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return nil, ledger.NotFound("entity")
	}
	return r.entity(), nil
}

// Entities lists the entities the principal can see, by id, after the
// cursor id, at most limit+1 (the caller pages).
func (s *Store) Entities(ctx context.Context, p *ledger.Principal, after int64, limit int) ([]*ledger.Entity, error) {
	q := `SELECT ` + entityColumns + ` FROM entities WHERE id > ?`
	args := []any{after}
	if p.Role != ledger.RoleAdmin {
		q += ` AND id IN (SELECT entity_id FROM api_key_entities WHERE api_key_id = ?)`
		args = append(args, p.KeyID)
	}
	q += ` ORDER BY id LIMIT ?`
	args = append(args, limit+1)
	var rows []entityRow
	if err := s.Query(ctx).g.Raw(q, args...).Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]*ledger.Entity, len(rows))
	for i := range rows {
		out[i] = rows[i].entity()
	}
	return out, nil
}

// UpdateEntity changes the fields given; currency and fiscal year start
// month are fixed.
func (s *Store) UpdateEntity(ctx context.Context, p *ledger.Principal, id int64, in *ledger.EntityInput) (*ledger.Entity, error) {
	var out *ledger.Entity
	err := s.Write(ctx, func(tx *Tx) error {
		e, err := s.entity(tx, id)
		if err != nil {
			return err
		}
		before := *e
		if err := in.Apply(e, false); err != nil {
			return err
		}
		e.UpdatedAt = tx.Now
		out = e
		err = tx.g.Exec(`UPDATE entities SET name = ?, registration_id = ?, vat_number = ?, address_lines = ?,
			postcode = ?, city = ?, country = ?, time_zone = ?, locale = ?, vat_tax_number = ?, vat_scheme = ?, vat_period = ?,
			electronic_address = ?, updated_at = ? WHERE id = ?`,
			e.Name, e.RegistrationID, e.VATNumber, strings.Join(e.Address.Lines, "\n"), e.Address.Postcode,
			e.Address.City, e.Address.Country, e.TimeZone, e.Locale, e.VATTaxNumber, string(e.VATScheme), string(e.VATPeriod),
			e.ElectronicAddress, e.UpdatedAt, id).Error
		if err != nil {
			return err
		}
		changed := map[string]change{}
		for name, v := range map[string][2]any{
			"name": {before.Name, e.Name}, "registration_id": {before.RegistrationID, e.RegistrationID},
			"vat_number": {before.VATNumber, e.VATNumber}, "time_zone": {before.TimeZone, e.TimeZone},
			"locale": {before.Locale, e.Locale}, "address": {before.Address, e.Address},
			"vat_tax_number": {before.VATTaxNumber, e.VATTaxNumber}, "vat_scheme": {before.VATScheme, e.VATScheme},
			"vat_period": {before.VATPeriod, e.VATPeriod}, "electronic_address": {before.ElectronicAddress, e.ElectronicAddress},
		} {
			if !reflect.DeepEqual(v[0], v[1]) {
				changed[name] = change{v[0], v[1]}
			}
		}
		return tx.Audit(id, &p.ActorID, "entity.updated", e.Name, changed)
	})
	return out, translate(err)
}

// SetLockDate sets (or with nil clears) the date on or before which nothing
// may be posted. Only admins may move it back or clear it: reopening a
// closed period is an exception, not bookkeeping.
func (s *Store) SetLockDate(ctx context.Context, p *ledger.Principal, id int64, d *ledger.Date) (*ledger.Entity, error) {
	var out *ledger.Entity
	err := s.Write(ctx, func(tx *Tx) error {
		if _, err := s.entity(tx, id); err != nil {
			return err
		}
		if s.dialect == Postgres {
			// Every post draws from the entity's entry_id counter row; holding
			// it (created if the entity never posted) makes posts in flight
			// finish first and later posts see the new date.
			if _, err := tx.DrawNumbers(id, Draw{"entry_id", 0, 0}); err != nil {
				return err
			}
		}
		e, err := s.entity(tx, id)
		if err != nil {
			return err
		}
		if d != nil && d.After(e.Today()) {
			return fieldError(ledger.CodeInvalid, "lock_date", ledger.ReasonLockDateFuture, "the lock date %s is after today (%s): only past periods can be closed", d, e.Today())
		}
		backwards := e.LockDate != nil && (d == nil || d.Before(*e.LockDate))
		if backwards && p.Role != ledger.RoleAdmin {
			return ledger.Errorf(ledger.CodeForbidden, ledger.ReasonLockDateBackwards,
				"only an admin may move the lock date back from %s or clear it", e.LockDate)
		}
		from := e.LockDate
		e.LockDate, e.UpdatedAt = d, tx.Now
		var v any
		if d != nil {
			v = *d
		}
		out = e
		if err := tx.g.Exec(`UPDATE entities SET lock_date = ?, updated_at = ? WHERE id = ?`, v, e.UpdatedAt, id).Error; err != nil {
			return err
		}
		return tx.Audit(id, &p.ActorID, "lock_date.set", "lock_date", change{from, d})
	})
	return out, translate(err)
}
