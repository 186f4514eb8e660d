package sqlstore

import (
	"context"

	"github.com/pressly/goose/v3"
)

// MigrateTo applies the migrations up to and including version, for tests
// that write data as an older schema held it and then migrate on.
func (s *Store) MigrateTo(ctx context.Context, version int64) error {
	return s.migrateWith(ctx, func(p *goose.Provider) error { _, err := p.UpTo(ctx, version); return err })
}

// MigrateDownTo rolls the migrations after version back.
func (s *Store) MigrateDownTo(ctx context.Context, version int64) error {
	return s.migrateWith(ctx, func(p *goose.Provider) error { _, err := p.DownTo(ctx, version); return err })
}

// migrateWith runs fn on the store's migrator, as the only writer on SQLite.
func (s *Store) migrateWith(ctx context.Context, fn func(*goose.Provider) error) error {
	p, err := s.migrator()
	if err != nil {
		return err
	}
	if s.dialect == SQLite {
		s.writeMu.Lock()
		defer s.writeMu.Unlock()
	}
	return fn(p)
}

// LastDrawn and Drawn are lastDrawn and drawn, for the counter tests.
var LastDrawn = lastDrawn

type Drawn = drawn
