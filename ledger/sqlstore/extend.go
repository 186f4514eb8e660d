package sqlstore

import (
	"slices"

	"backoffice/ledger"
)

// EntitySetup prepares a new entity for a module, in the transaction that
// creates it (invoicing seeds its tax codes).
type EntitySetup func(tx *Tx, e *ledger.Entity, in *ledger.EntityInput) error

// module is what one module that keeps data beside the ledger's adds to
// creating an entity and to verify.
type module struct {
	name  string
	setup EntitySetup
	check Checker
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
	m := module{name, setup, check}
	if i := slices.IndexFunc(s.modules, func(m module) bool { return m.name == name }); i >= 0 {
		s.modules[i] = m
		return
	}
	s.modules = append(s.modules, m)
}

// extensions is the registered modules, in the order they registered.
func (s *Store) extensions() []module {
	s.extMu.Lock()
	defer s.extMu.Unlock()
	return slices.Clone(s.modules)
}
