package bankstore

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"backoffice/ledger"
	"backoffice/ledger/bank"
	"backoffice/ledger/bank/csvstmt"
	"backoffice/ledger/sqlstore"
)

type accountRow struct {
	ID                int64
	EntityID          int64
	AccountID         int64
	Code              string
	Name              string
	IBAN              string `gorm:"column:iban"`
	Currency          string
	MatchWindowDays   int
	CSVMapping        *string `gorm:"column:csv_mapping"`
	PaymentFileFormat string
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

const accountSelect = `SELECT b.id, b.entity_id, b.account_id, a.code, b.name, b.iban, b.currency, b.match_window_days,
	b.csv_mapping, b.payment_file_format, b.created_at, b.updated_at
	FROM bank_accounts b JOIN accounts a ON a.entity_id = b.entity_id AND a.id = b.account_id`

func (r *accountRow) account() (*bank.Account, error) {
	a := &bank.Account{ID: r.ID, EntityID: r.EntityID, AccountID: r.AccountID, AccountCode: r.Code, Name: r.Name,
		IBAN: r.IBAN, Currency: r.Currency, MatchWindowDays: r.MatchWindowDays, PaymentFileFormat: r.PaymentFileFormat,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
	if r.CSVMapping != nil {
		a.CSVMapping = &bank.CSVMapping{}
		if err := json.Unmarshal([]byte(*r.CSVMapping), a.CSVMapping); err != nil {
			return nil, ledger.Internal(err)
		}
	}
	return a, nil
}

func (s *Store) account(tx *sqlstore.Tx, entityID, id int64, lock string) (*bank.Account, error) {
	var rows []accountRow
	q := accountSelect + ` WHERE b.entity_id = ? AND b.id = ?`
	if lock != "" {
		// FOR UPDATE OF b: lock the bank account, not the ledger account
		// that posting reads.
		q += lock + ` OF b`
	}
	if err := tx.DB().Raw(q, entityID, id).Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	if len(rows) == 0 {
		return nil, ledger.NotFound("bank account")
	}
	return rows[0].account()
}

// BankAccount returns one bank account of the entity.
func (s *Store) BankAccount(ctx context.Context, entityID, id int64) (*bank.Account, error) {
	return s.account(s.l.Query(ctx), entityID, id, "")
}

// BankAccounts lists the entity's bank accounts by id.
func (s *Store) BankAccounts(ctx context.Context, entityID int64) ([]*bank.Account, error) {
	var rows []accountRow
	if err := s.l.Query(ctx).DB().Raw(accountSelect+` WHERE b.entity_id = ? ORDER BY b.id`, entityID).Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]*bank.Account, 0, len(rows))
	for i := range rows {
		a, err := rows[i].account()
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// CreateBankAccount marks a ledger account as a bank account.
func (s *Store) CreateBankAccount(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, in *bank.AccountInput) (*bank.Account, error) {
	a := &bank.Account{EntityID: ent.ID}
	if err := in.Apply(a, ent, true); err != nil {
		return nil, err
	}
	if err := checkMapping(a.CSVMapping); err != nil {
		return nil, err
	}
	err := s.l.Write(ctx, func(tx *sqlstore.Tx) error {
		la, err := s.l.In(tx).Account(tx.Context(), ent.ID, a.AccountCode)
		if ledger.IsCode(err, ledger.CodeNotFound) {
			return invalid("account", ledger.ReasonAccountNotFound, "account %q is not in the chart of accounts", a.AccountCode)
		} else if err != nil {
			return err
		}
		switch {
		case la.Type != ledger.Asset:
			return invalid("account", ledger.ReasonAccountTypeInvalid, "a bank account is an asset account; %q is %s", la.Code, la.Type)
		case la.Archived():
			return invalid("account", ledger.ReasonAccountArchived, "account %q is archived", la.Code)
		case la.Currency != "" && la.Currency != a.Currency:
			return invalid("currency", ledger.ReasonAccountCurrencyMismatch, "account %q takes only %s; the bank account is in %s", la.Code, la.Currency, a.Currency)
		case la.Currency == "" && a.Currency != ent.Currency:
			// A foreign-currency bank account needs a ledger account in
			// that currency, so that its lines carry the bank's amounts.
			return invalid("currency", ledger.ReasonAccountCurrencyMismatch, "a bank account in %s needs a ledger account that takes only %s; %q takes any currency", a.Currency, a.Currency, la.Code)
		}
		a.AccountID = la.ID
		t := tx.Now
		a.CreatedAt, a.UpdatedAt = t, t
		mapping, err := mappingJSON(a.CSVMapping)
		if err != nil {
			return err
		}
		err = tx.DB().Raw(`INSERT INTO bank_accounts (entity_id, account_id, name, iban, currency, match_window_days, csv_mapping, payment_file_format, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			ent.ID, a.AccountID, a.Name, a.IBAN, a.Currency, a.MatchWindowDays, mapping, a.PaymentFileFormat, t, t).Scan(&a.ID).Error
		if sqlstore.IsDuplicate(translate(err), "bank_accounts") {
			return ledger.Errorf(ledger.CodeConflict, ledger.ReasonBankAccountExists, "account %s or IBAN %s is already a bank account of this entity", a.AccountCode, a.IBAN)
		} else if err != nil {
			return err
		}
		return tx.Audit(ent.ID, &p.ActorID, "bank_account.created", a.AccountCode, map[string]any{"id": a.ID, "iban": a.IBAN, "currency": a.Currency})
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// UpdateBankAccount changes the name, match window or CSV mapping.
func (s *Store) UpdateBankAccount(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64, in *bank.AccountInput) (*bank.Account, error) {
	var out *bank.Account
	err := s.l.Write(ctx, func(tx *sqlstore.Tx) error {
		a, err := s.lockAccount(tx, ent.ID, id)
		if err != nil {
			return err
		}
		if err := in.Apply(a, ent, false); err != nil {
			return err
		}
		if err := checkMapping(a.CSVMapping); err != nil {
			return err
		}
		mapping, err := mappingJSON(a.CSVMapping)
		if err != nil {
			return err
		}
		a.UpdatedAt = tx.Now
		if err := tx.DB().Exec(`UPDATE bank_accounts SET name = ?, match_window_days = ?, csv_mapping = ?, payment_file_format = ?, updated_at = ? WHERE entity_id = ? AND id = ?`,
			a.Name, a.MatchWindowDays, mapping, a.PaymentFileFormat, a.UpdatedAt, ent.ID, id).Error; err != nil {
			return err
		}
		out = a
		return tx.Audit(ent.ID, &p.ActorID, "bank_account.updated", a.AccountCode, in)
	})
	return out, err
}

// checkMapping checks a CSV mapping, its problems under "csv_mapping".
func checkMapping(m *bank.CSVMapping) error {
	if m == nil {
		return nil
	}
	err := csvstmt.Check(m)
	var e *ledger.Error
	if errors.As(err, &e) {
		for i := range e.Fields {
			e.Fields[i].Path = "csv_mapping." + e.Fields[i].Path
		}
		return e
	}
	return err
}

func mappingJSON(m *bank.CSVMapping) (*string, error) {
	if m == nil {
		return nil, nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, ledger.Internal(err)
	}
	s := string(b)
	return &s, nil
}
