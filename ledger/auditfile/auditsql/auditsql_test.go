package auditsql_test

import (
	"context"
	"os"
	"testing"

	"backoffice/ledger/sqlstore/sqltest"
)

func TestMain(m *testing.M) { os.Exit(sqltest.Main(m)) }

// TestRGSChecksAgree: the database refuses the same RGS codes and versions
// on SQLite as on PostgreSQL (migration 00017): a version is one or two
// digits, a dot, one or two digits; a code is B or W and up to 19 letters
// or digits; a version comes with a code.
func TestRGSChecksAgree(t *testing.T) {
	st := sqltest.Open(t)
	e, _ := sqltest.Entity(t, st, "RGS checks")
	g := st.Query(context.Background()).DB()
	for _, c := range []struct {
		code, version string
		ok            bool
	}{
		{"BLimBanRba", "3.8", true},
		{"BLimBanRba", "10.12", true},
		{"WOmzNopOlh", "3.10", true},
		{"", "", true},
		{"BLimBanRba", "1.2.3", false},
		{"BLimBanRba", "1.2.", false},
		{"BLimBanRba", "123.4", false},
		{"BLimBanRba", "3", false},
		{"BLimBanRba", "3.", false},
		{"BLimBanRba", ".8", false},
		{"BLimBanRba", "3.8a", false},
		{"BLimBanRba", "3,8", false},
		{"BLimBanRba", "", false},
		{"", "3.8", false},
		{"XLimBanRba", "3.8", false},
		{"BLim BanRba", "3.8", false},
		{"BLimBanRbaBLimBanRbaB", "3.8", false},
		{"BLimBanRbaBLimBanRba", "3.8", true},
		{"BLimBänRba", "3.8", false},
	} {
		err := g.Exec(`UPDATE accounts SET rgs_code = ?, rgs_version = ? WHERE entity_id = ? AND code = '1000'`, c.code, c.version, e.ID).Error
		if (err == nil) != c.ok {
			t.Errorf("rgs_code %q, rgs_version %q: error %v, want accepted %v", c.code, c.version, err, c.ok)
		}
	}
}
