package sqlstore

import (
	"context"
	"time"

	"backoffice/ledger"
)

const accountSelect = `SELECT a.id, a.entity_id, a.code, a.name, a.type, a.parent_id, coalesce(p.code, '') AS parent_code,
	coalesce(a.currency, '') AS currency, a.rgs_code, a.rgs_version, a.archived_at, a.created_at, a.updated_at
	FROM accounts a LEFT JOIN accounts p ON p.entity_id = a.entity_id AND p.id = a.parent_id`

type accountRow struct {
	ID         int64
	EntityID   int64
	Code       string
	Name       string
	Type       string
	ParentID   *int64
	ParentCode string
	Currency   string
	RGSCode    string
	RGSVersion string
	ArchivedAt *time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

func (r *accountRow) account() *ledger.Account {
	a := &ledger.Account{
		ID: r.ID, EntityID: r.EntityID, Code: r.Code, Name: r.Name, Type: ledger.AccountType(r.Type),
		ParentID: r.ParentID, ParentCode: r.ParentCode, Currency: r.Currency,
		RGSCode: r.RGSCode, RGSVersion: r.RGSVersion,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
	if r.ArchivedAt != nil {
		t := r.ArchivedAt.UTC()
		a.ArchivedAt = &t
	}
	return a
}

// CreateAccount adds an account to an entity's chart. The code is unique in
// the entity; a parent, given by code, must be of the same type.
func (s *Store) CreateAccount(ctx context.Context, p *ledger.Principal, entityID int64, in *ledger.AccountInput) (*ledger.Account, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *ledger.Account
	err := s.Write(ctx, func(tx *Tx) error {
		existing, err := s.accountsByCode(tx, entityID, []string{in.Code})
		if err != nil {
			return err
		}
		if existing[in.Code] != nil {
			return ledger.Errorf(ledger.CodeConflict, ledger.ReasonAccountCodeTaken, "account code %s already exists in this entity", in.Code)
		}
		var parentID *int64
		if in.Parent != "" {
			parents, err := s.accountsByCode(tx, entityID, []string{in.Parent})
			if err != nil {
				return err
			}
			parent := parents[in.Parent]
			if parent == nil {
				return &ledger.Error{Code: ledger.CodeInvalid, Reason: ledger.ReasonParentNotFound, Message: "parent account " + in.Parent + " does not exist in this entity",
					Fields: []ledger.FieldError{{Path: "parent", Reason: ledger.ReasonParentNotFound, Message: "no such account"}}}
			}
			if parent.Type != in.Type {
				return &ledger.Error{Code: ledger.CodeInvalid, Reason: ledger.ReasonParentTypeMismatch,
					Message: "parent account " + parent.Code + " is of type " + string(parent.Type) + ", not " + string(in.Type),
					Fields:  []ledger.FieldError{{Path: "parent", Reason: ledger.ReasonParentTypeMismatch, Message: "a parent has the same type as its children"}}}
			}
			parentID = &parent.ID
		}
		var currency any
		if in.Currency != "" {
			currency = in.Currency
		}
		t := tx.Now
		var id int64
		err = tx.g.Raw(`INSERT INTO accounts (entity_id, code, name, type, parent_id, currency, rgs_code, rgs_version, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, entityID, in.Code, in.Name, string(in.Type), parentID, currency,
			in.RGSCode, in.RGSVersion, t, t).Scan(&id).Error
		if isDuplicate(translate(err), "accounts_code_unique", "accounts.code") {
			return ledger.Errorf(ledger.CodeConflict, ledger.ReasonAccountCodeTaken, "account code %s already exists in this entity", in.Code)
		}
		if err != nil {
			return err
		}
		s.forgetChart(entityID)
		out = &ledger.Account{ID: id, EntityID: entityID, Code: in.Code, Name: in.Name, Type: in.Type,
			ParentID: parentID, ParentCode: in.Parent, Currency: in.Currency, RGSCode: in.RGSCode, RGSVersion: in.RGSVersion,
			CreatedAt: t, UpdatedAt: t}
		return tx.Audit(entityID, &p.ActorID, "account.created", in.Code, in)
	})
	return out, translate(err)
}

// Account returns one account by code, or not_found.
func (s *Store) Account(ctx context.Context, entityID int64, code string) (*ledger.Account, error) {
	return s.account(s.Query(ctx), entityID, code)
}

func (s *Store) account(tx *Tx, entityID int64, code string) (*ledger.Account, error) {
	m, err := s.accountsByCode(tx, entityID, []string{code})
	if err != nil {
		return nil, err
	}
	if m[code] == nil {
		return nil, ledger.NotFound("account " + code)
	}
	return m[code], nil
}

// Accounts lists an entity's chart by code. Archived accounts are listed
// only when asked for.
func (s *Store) Accounts(ctx context.Context, entityID int64, includeArchived bool) ([]*ledger.Account, error) {
	return s.accounts(s.Query(ctx), entityID, includeArchived)
}

func (s *Store) accounts(tx *Tx, entityID int64, includeArchived bool) ([]*ledger.Account, error) {
	q := accountSelect + ` WHERE a.entity_id = ?`
	if !includeArchived {
		q += ` AND a.archived_at IS NULL`
	}
	var rows []accountRow
	if err := tx.g.Raw(q+` ORDER BY a.code`, entityID).Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]*ledger.Account, len(rows))
	for i := range rows {
		out[i] = rows[i].account()
	}
	return out, nil
}

func (s *Store) accountsByCode(tx *Tx, entityID int64, codes []string) (map[string]*ledger.Account, error) {
	var rows []accountRow
	if err := tx.g.Raw(accountSelect+` WHERE a.entity_id = ? AND a.code IN ?`, entityID, codes).Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	m := make(map[string]*ledger.Account, len(rows))
	for i := range rows {
		m[rows[i].Code] = rows[i].account()
	}
	return m, nil
}

func (s *Store) accountsByID(tx *Tx, entityID int64, ids []int64) (map[int64]*ledger.Account, error) {
	var rows []accountRow
	if err := tx.g.Raw(accountSelect+` WHERE a.entity_id = ? AND a.id IN ?`, entityID, ids).Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	m := make(map[int64]*ledger.Account, len(rows))
	for i := range rows {
		m[rows[i].ID] = rows[i].account()
	}
	return m, nil
}

// UpdateAccount changes an account's name and its RGS mapping; nothing
// else about an account changes once lines may point at it.
func (s *Store) UpdateAccount(ctx context.Context, p *ledger.Principal, entityID int64, code string, in *ledger.AccountPatch) (*ledger.Account, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	action := "account.updated"
	if in.RGSCode == nil && in.RGSVersion == nil {
		action = "account.renamed"
	}
	var out *ledger.Account
	err := s.Write(ctx, func(tx *Tx) error {
		before, err := s.account(tx, entityID, code)
		if err != nil {
			return err
		}
		name := before.Name
		if in.Name != nil {
			name = *in.Name
		}
		rgsCode, rgsVersion := in.ApplyRGS(before.RGSCode, before.RGSVersion)
		if in.RGSCode != nil {
			var pr ledger.Problems
			ledger.CheckRGSType(&pr, rgsCode, before.Type)
			if err := pr.Err(); err != nil {
				return err
			}
		}
		if rgsCode == "" && in.RGSVersion != nil && *in.RGSVersion != "" {
			var pr ledger.Problems
			pr.Add("rgs_version", ledger.ReasonRGSVersionInvalid, "rgs_version is given for an account without an rgs_code")
			return pr.Err()
		}
		if err := tx.g.Exec(`UPDATE accounts SET name = ?, rgs_code = ?, rgs_version = ?, updated_at = ? WHERE entity_id = ? AND code = ?`,
			name, rgsCode, rgsVersion, tx.Now, entityID, code).Error; err != nil {
			return err
		}
		s.forgetChart(entityID)
		if out, err = s.account(tx, entityID, code); err != nil {
			return err
		}
		detail := map[string]change{}
		if before.Name != out.Name {
			detail["name"] = change{before.Name, out.Name}
		}
		if before.RGSCode != out.RGSCode {
			detail["rgs_code"] = change{before.RGSCode, out.RGSCode}
		}
		if before.RGSVersion != out.RGSVersion {
			detail["rgs_version"] = change{before.RGSVersion, out.RGSVersion}
		}
		return tx.Audit(entityID, &p.ActorID, action, code, detail)
	})
	return out, translate(err)
}

// ArchiveAccount stops an account from taking new lines; its history and
// balance stay.
func (s *Store) ArchiveAccount(ctx context.Context, p *ledger.Principal, entityID int64, code string) (*ledger.Account, error) {
	return s.updateAccount(ctx, p, entityID, code, "account.archived", `archived_at = coalesce(archived_at, ?)`, func(tx *Tx) []any { return []any{tx.Now} })
}

// UnarchiveAccount lets an archived account take lines again.
func (s *Store) UnarchiveAccount(ctx context.Context, p *ledger.Principal, entityID int64, code string) (*ledger.Account, error) {
	return s.updateAccount(ctx, p, entityID, code, "account.unarchived", `archived_at = NULL`, func(*Tx) []any { return nil })
}

// updateAccount changes one account and records the change.
func (s *Store) updateAccount(ctx context.Context, p *ledger.Principal, entityID int64, code, action, set string, values func(*Tx) []any) (*ledger.Account, error) {
	var out *ledger.Account
	err := s.Write(ctx, func(tx *Tx) error {
		before, err := s.account(tx, entityID, code)
		if err != nil {
			return err
		}
		if err := tx.g.Exec(`UPDATE accounts SET `+set+`, updated_at = ? WHERE entity_id = ? AND code = ?`, append(values(tx), tx.Now, entityID, code)...).Error; err != nil {
			return err
		}
		s.forgetChart(entityID)
		if out, err = s.account(tx, entityID, code); err != nil {
			return err
		}
		detail := any(struct{}{})
		if before.Name != out.Name {
			detail = map[string]change{"name": {before.Name, out.Name}}
		}
		return tx.Audit(entityID, &p.ActorID, action, code, detail)
	})
	return out, translate(err)
}

// accountCacheTTL bounds how stale a cached chart may be. Posting on
// PostgreSQL resolves codes from the cache; post_entry() checks again in the
// database that each account is open and of the line's currency, so a stale
// cache can only make an error less precise, never let a line through.
const accountCacheTTL = 2 * time.Second

type cachedChart struct {
	byCode  map[string]*ledger.Account
	expires time.Time
}

// accountsForPosting resolves account codes for a post: on SQLite inside the
// write transaction, on PostgreSQL from a per-entity cache of the chart that
// saves a round trip per post.
func (s *Store) accountsForPosting(tx *Tx, entityID int64, codes []string) (map[string]*ledger.Account, error) {
	if s.dialect != Postgres {
		return s.accountsByCode(tx, entityID, codes)
	}
	if v, ok := s.charts.Load(entityID); ok {
		c := v.(*cachedChart)
		if time.Now().Before(c.expires) {
			return c.byCode, nil
		}
	}
	all, err := s.accounts(tx, entityID, true)
	if err != nil {
		return nil, err
	}
	c := &cachedChart{byCode: make(map[string]*ledger.Account, len(all)), expires: time.Now().Add(accountCacheTTL)}
	for _, a := range all {
		c.byCode[a.Code] = a
	}
	s.charts.Store(entityID, c)
	return c.byCode, nil
}

// forgetChart drops an entity's cached chart after a change through this
// process.
func (s *Store) forgetChart(entityID int64) { s.charts.Delete(entityID) }
