// Command backoffice is the whole service: the HTTP API (serve), schema
// migrations (migrate), the ledger's law check (verify), API key
// administration (apikey), a load generator of entries, invoices, orders
// and bank statements (loadtest), a data set generator (seed) and its own
// version (version).
//
// Every option is a flag with an environment variable of the same meaning;
// a flag given on the command line wins.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	_ "time/tzdata" // entity time zones work on machines without zoneinfo

	"backoffice/invoicing/invstore"
	"backoffice/invoicing/orders/orderstore"
	"backoffice/invoicing/purchases/purchstore"
	"backoffice/invoicing/vatreturn/vatstore"
	"backoffice/ledger/bank/bankstore"
	"backoffice/ledger/sqlstore"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	var exit exitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		os.Exit(int(exit))
	case errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	default:
		fmt.Fprintln(os.Stderr, "backoffice:", err)
		os.Exit(1)
	}
}

// exitError ends the process with a status and nothing more to print.
type exitError int

func (e exitError) Error() string { return "exit status " + strconv.Itoa(int(e)) }

const usage = `backoffice: bookkeeping for many client companies, one JSON API.

Usage:
  backoffice serve     [flags]   run the HTTP API (migrates the database first)
  backoffice migrate   [flags]   apply the database migrations and exit
  backoffice verify    [flags]   check the laws of the ledger over the whole database
  backoffice rebuild-vat-totals [--entity ID]
                                 rewrite the daily VAT totals from the documents (once, after
                                 upgrading a database from before they existed)
  backoffice apikey create --role ROLE --name NAME [--entity ID ...]
  backoffice apikey list
  backoffice apikey revoke ID
  backoffice loadtest  [flags]   post entries, invoices, orders or bank statements (--mode) over HTTP
                                 to a running server and report throughput
  backoffice seed --entity ID --entries N [--years 3] [--end-date YYYY-MM-DD] [--customers K] [--statement-lines L]
                                 fill an entity with a realistic data set, fast (for measurements)
  backoffice version             the version of this binary and the commit it was built from (also --version)

Every command takes the database flags; "backoffice COMMAND --help" lists them all.
Without a database URL the embedded SQLite file ./backoffice.db is used.
`

// run is main without the process: tests call it with their own arguments,
// environment and output.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 && (args[0] == "version" || args[0] == "--version" || args[0] == "-version") {
		fmt.Fprintln(stdout, readBuild())
		return nil
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stdout, usage)
		if len(args) == 0 {
			return exitError(2)
		}
		return nil
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return serve(ctx, rest, getenv, stdout, stderr)
	case "migrate":
		return migrate(ctx, rest, getenv, stdout, stderr)
	case "verify":
		return verify(ctx, rest, getenv, stdout, stderr)
	case "rebuild-vat-totals":
		return rebuildVATTotals(ctx, rest, getenv, stdout, stderr)
	case "apikey":
		return apikey(ctx, rest, getenv, stdout, stderr)
	case "loadtest":
		return loadtest(ctx, rest, getenv, stdout, stderr)
	case "seed":
		return seed(ctx, rest, getenv, stdout, stderr)
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

// flags is a FlagSet whose flags default to environment variables and say
// so in --help.
type flags struct {
	*flag.FlagSet
	getenv func(string) string
	envErr error // a variable that did not parse
}

func newFlags(name string, getenv func(string) string, stderr io.Writer) *flags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: backoffice %s [flags]\n\n%s\n\nFlags:\n", name, commandSummary[name])
		fs.PrintDefaults()
	}
	return &flags{FlagSet: fs, getenv: getenv}
}

// commandSummary says what each command does, atop its --help.
var commandSummary = map[string]string{
	"serve":    "Runs the HTTP API; migrates the database first.",
	"migrate":  "Applies the database migrations and exits.",
	"verify":   "Checks the laws of the ledger, and what invoicing, orders, bank reconciliation and purchases keep, over the whole database.",
	"apikey":   "Creates, lists and revokes API keys: apikey create --role ROLE --name NAME [--entity ID ...], apikey list, apikey revoke ID.",
	"loadtest": "Makes load on a running server over HTTP and reports throughput and latency: journal entries posted,\ninvoices created and issued, orders pushed and resent, or bank statements imported, matched and reconciled (--mode).",
	"seed":     "Fills an entity that has the standard chart with a realistic data set, fast (for measurements).",
}

func (f *flags) string(name, env, def, help string) *string {
	if v := f.getenv(env); v != "" {
		def = v
	}
	return f.String(name, def, help+" (env "+env+")")
}

func (f *flags) int(name, env string, def int, help string) *int {
	if v := f.getenv(env); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			f.envErr = fmt.Errorf("%s=%q is not a whole number", env, v)
		}
		def = n
	}
	return f.Int(name, def, help+" (env "+env+")")
}

// Parse parses the arguments and reports a bad environment variable too. A
// bad flag has been reported by the flag package already (with the
// usage): it ends the command with status 2 and nothing more to print.
func (f *flags) Parse(args []string) error {
	if err := f.FlagSet.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return exitError(2)
	}
	return f.envErr
}

// dbFlags are the database options every command takes.
type dbFlags struct {
	url, sqlitePath *string
	maxConns        *int
}

func (f *flags) db() *dbFlags {
	return &dbFlags{
		url:        f.string("database-url", "DATABASE_URL", "", "PostgreSQL URL, e.g. postgres://user@127.0.0.1:5432/backoffice; empty uses the embedded SQLite file"),
		sqlitePath: f.string("sqlite-path", "BACKOFFICE_SQLITE_PATH", "./backoffice.db", "SQLite file used when no database URL is given"),
		maxConns:   f.int("db-max-conns", "BACKOFFICE_DB_MAX_CONNS", 20, "PostgreSQL connection pool size"),
	}
}

func (d *dbFlags) open(ctx context.Context) (*sqlstore.Store, error) {
	return sqlstore.Open(ctx, sqlstore.Config{DatabaseURL: *d.url, SQLitePath: *d.sqlitePath, MaxConns: *d.maxConns})
}

// openExisting opens a database that must exist already, so that a typo in
// --sqlite-path is an error rather than a new empty database.
func (d *dbFlags) openExisting(ctx context.Context) (*sqlstore.Store, error) {
	if *d.url == "" {
		if _, err := os.Stat(*d.sqlitePath); err != nil {
			return nil, fmt.Errorf("no database at %s (give --sqlite-path or --database-url; \"backoffice migrate\" creates one)", *d.sqlitePath)
		}
	}
	return d.open(ctx)
}

// parseAndOpen parses a command's arguments and opens the database its
// flags name.
func (f *flags) parseAndOpen(ctx context.Context, db *dbFlags, args []string) (*sqlstore.Store, error) {
	if err := f.Parse(args); err != nil {
		return nil, err
	}
	return db.open(ctx)
}

func migrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	f := newFlags("migrate", getenv, stderr)
	st, err := f.parseAndOpen(ctx, f.db(), args)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.CheckSchema(ctx); err != nil {
		return err
	}
	v, err := st.Migrate(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s database at schema version %d\n", st.Dialect(), v)
	return nil
}

func verify(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	f := newFlags("verify", getenv, stderr)
	db := f.db()
	if err := f.Parse(args); err != nil {
		return err
	}
	st, err := db.openExisting(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	// Each module's store adds its checks to the ledger's as it is made.
	inv := invstore.New(st)
	orderstore.New(inv)
	bankstore.New(st, inv.Receivables())
	vatstore.New(st, inv, purchstore.New(st))
	r, err := st.Verify(ctx)
	if err != nil {
		return err
	}
	counted := []string{count(r.Entities, "entity", "entities"), count(r.Entries, "entry", "entries"), count(r.Lines, "line", "lines")}
	for _, k := range r.Kinds {
		counted = append(counted, k.String())
	}
	fmt.Fprintf(stdout, "checked %s\n", strings.Join(counted, ", "))
	fmt.Fprintf(stdout, "law 1 (every entry balances, at least two lines): %s\n", count(r.Entries, "entry", "entries"))
	fmt.Fprintf(stdout, "law 3 (numbers gapless per entity and fiscal year): %s\n", count(r.Series, "series", "series"))
	fmt.Fprintf(stdout, "law 7 (stored totals equal the sum of their lines): %s\n", count(r.Totals, "total row", "total rows"))
	fmt.Fprintln(stdout, "invoicing (document numbers gapless, every document posted, settlements equal allocations)")
	fmt.Fprintln(stdout, "orders and events (totals equal their lines, history ends at the status, event sequences gapless)")
	fmt.Fprintln(stdout, "bank (statements chain and add up, matches add up on both sides)")
	fmt.Fprintln(stdout, "purchases (purchase numbers gapless, every booked document posted, settlements equal allocations, payables equal open documents)")
	fmt.Fprintln(stdout, "VAT (the daily VAT totals equal the documents, filed returns by actors)")
	if len(r.Breaches) == 0 {
		fmt.Fprintln(stdout, "OK: no breach found")
		return nil
	}
	fmt.Fprintf(stdout, "FAILED: %d breaches\n", len(r.Breaches))
	for _, b := range r.Breaches {
		fmt.Fprintln(stdout, "  "+b)
	}
	return exitError(1)
}

// rebuildVATTotals rewrites the daily VAT totals of every entity (or one)
// from its documents and says how many rows changed per entity.
func rebuildVATTotals(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	f := newFlags("rebuild-vat-totals", getenv, stderr)
	db := f.db()
	only := f.Int64("entity", 0, "the entity to rebuild (default: every entity)")
	if err := f.Parse(args); err != nil {
		return err
	}
	if f.NArg() > 0 {
		return fmt.Errorf("rebuild-vat-totals: unexpected argument %q", f.Arg(0))
	}
	st, err := db.openExisting(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	inv := invstore.New(st)
	vat := vatstore.New(st, inv, purchstore.New(st))
	var ids []int64
	if *only != 0 {
		ids = []int64{*only}
	} else {
		rows, err := st.DB().QueryContext(ctx, `SELECT id FROM entities ORDER BY id`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	for _, id := range ids {
		ent, err := st.Entity(ctx, id)
		if err != nil {
			return fmt.Errorf("rebuild-vat-totals: entity %d: %w", id, err)
		}
		n, err := vat.RebuildTotals(ctx, ent)
		if err != nil {
			return fmt.Errorf("rebuild-vat-totals: entity %d: %w", id, err)
		}
		fmt.Fprintf(stdout, "entity %d (%s): %s rewritten\n", id, ent.Name, count(int64(n), "VAT total", "VAT totals"))
	}
	return nil
}

// count is n with the noun in the right number: "1 entity", "2 entities".
func count(n int64, one, many string) string {
	return sqlstore.KindCount{One: one, Many: many, N: n}.String()
}

// splitList reads "1,2 3" into its parts.
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' })
}
