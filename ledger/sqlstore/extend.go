package sqlstore

import (
	"context"
	"slices"

	"backoffice/ledger"
)

// EntitySetup prepares a new entity for a module, in the transaction that
// creates it (invoicing seeds its tax codes).
type EntitySetup func(tx *Tx, e *ledger.Entity, in *ledger.EntityInput) error

// EntryOwner is a column of a module's table that holds the entries the
// module posted for its records (invoices.entry_id: "invoice").
type EntryOwner struct {
	Table, Column, What string
}

// module is what one module that keeps data beside the ledger's adds to
// creating an entity and to verify.
type module struct {
	name   string
	setup  EntitySetup
	check  Checker
	owners []EntryOwner
}

// Extend adds a module's entity setup and verify check (either may be nil)
// under its name; a module constructed again replaces its earlier
// registration. The modules' stores call it from their constructors, so
// that CreateEntity and Verify do everything whichever store they are
// called through: there is one CreateEntity and one Verify, not one per
// store overriding the other.
func (s *Store) Extend(name string, setup EntitySetup, check Checker) {
	s.extMu.Lock()
	defer s.extMu.Unlock()
	m := module{name: name, setup: setup, check: check}
	if i := slices.IndexFunc(s.modules, func(m module) bool { return m.name == name }); i >= 0 {
		m.owners = s.modules[i].owners
		s.modules[i] = m
		return
	}
	s.modules = append(s.modules, m)
}

// OwnEntries records the columns in which a module keeps the entries it
// posts, so that the journal refuses to reverse them (see EntryOwner);
// called again for the same module it replaces the list.
func (s *Store) OwnEntries(name string, owners ...EntryOwner) {
	s.extMu.Lock()
	defer s.extMu.Unlock()
	if i := slices.IndexFunc(s.modules, func(m module) bool { return m.name == name }); i >= 0 {
		s.modules[i].owners = owners
		return
	}
	s.modules = append(s.modules, module{name: name, owners: owners})
}

// EntryOwner names what posted entry id of the entity when a module did
// ("" for a journal entry posted as such), looking in the columns the
// modules registered with OwnEntries.
func (s *Store) EntryOwner(ctx context.Context, entityID, id int64) (string, error) {
	for _, m := range s.extensions() {
		for _, o := range m.owners {
			var n int64
			// The names are the modules' constants, never input.
			err := s.Query(ctx).g.Raw(`SELECT count(*) FROM `+o.Table+` WHERE entity_id = ? AND `+o.Column+` = ?`, entityID, id).Scan(&n).Error
			if err != nil {
				return "", translate(err)
			}
			if n > 0 {
				return o.What, nil
			}
		}
	}
	return "", nil
}

// extensions is the registered modules, in the order they registered.
func (s *Store) extensions() []module {
	s.extMu.Lock()
	defer s.extMu.Unlock()
	return slices.Clone(s.modules)
}
