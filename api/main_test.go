package api

import (
	"os"
	"testing"

	"backoffice/ledger/sqlstore/sqltest"
)

// TestMain drops the PostgreSQL template database (when
// BACKOFFICE_TEST_DATABASE_URL is set) after the tests.
func TestMain(m *testing.M) { os.Exit(sqltest.Main(m)) }
