package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"backoffice/ledger"
)

func apikey(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, "Usage:\n  backoffice apikey create --role ROLE --name NAME [--entity ID[,ID...]] ...\n"+
			"  backoffice apikey list\n  backoffice apikey revoke ID\n\"backoffice apikey SUBCOMMAND --help\" lists the flags.\n")
		if len(args) == 0 {
			return exitError(2)
		}
		return nil
	}
	sub, args := args[0], args[1:]
	if sub != "create" && sub != "list" && sub != "revoke" {
		return fmt.Errorf("apikey: unknown subcommand %q; say create, list or revoke", sub)
	}
	f := newFlags("apikey "+sub, getenv, stderr)
	db := f.db()
	var role, name *string
	var entities listFlag
	if sub == "create" {
		role = f.String("role", "", "admin, accountant, client or integration")
		name = f.String("name", "", "who or what uses the key")
		f.Var(&entities, "entity", "an entity id the key may reach; repeat it or separate ids by commas (not for admin)")
	}
	var revokeID string
	if sub == "revoke" && len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		revokeID, args = args[0], args[1:] // "revoke ID --flags" as well as "revoke --flags ID"
	}
	if err := f.Parse(args); err != nil {
		return err
	}
	if sub == "revoke" && revokeID == "" {
		revokeID = f.Arg(0)
	}
	// create makes the database (it is the first step on a new machine);
	// list and revoke need one that exists.
	open := db.openExisting
	if sub == "create" {
		open = db.open
	}
	st, err := open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		return err
	}
	switch sub {
	case "create":
		in := ledger.KeyInput{Name: *name, Role: ledger.Role(*role)}
		for _, s := range entities {
			id, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return fmt.Errorf("--entity: %q is not an entity id", s)
			}
			in.Entities = append(in.Entities, id)
		}
		k, secret, err := st.CreateKey(ctx, nil, &in)
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "created %s key %d %q; it is shown this once, keep it safe:\n%s\n", k.Role, k.ID, k.Name, secret)
	case "list":
		keys, err := st.Keys(ctx)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tNAME\tROLE\tENTITIES\tPREFIX\tCREATED\tREVOKED")
		for _, k := range keys {
			revoked := "-"
			if k.RevokedAt != nil {
				revoked = k.RevokedAt.Format("2006-01-02 15:04")
			}
			ents := make([]string, len(k.Entities))
			for i, e := range k.Entities {
				ents[i] = strconv.FormatInt(e, 10)
			}
			fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.Name, k.Role, strings.Join(ents, ","), k.Prefix,
				k.CreatedAt.Format("2006-01-02 15:04"), revoked)
		}
		return w.Flush()
	case "revoke":
		id, err := strconv.ParseInt(revokeID, 10, 64)
		if err != nil {
			return fmt.Errorf("apikey revoke: give the key's id (%q is not one)", revokeID)
		}
		before, err := st.Key(ctx, id)
		if err != nil {
			return describe(err)
		}
		if before.RevokedAt != nil {
			fmt.Fprintf(stdout, "key %d %q was already revoked at %s\n", before.ID, before.Name, before.RevokedAt.Format("2006-01-02 15:04:05 UTC"))
			return nil
		}
		k, err := st.RevokeKey(ctx, nil, id)
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "revoked key %d %q\n", k.ID, k.Name)
	}
	return nil
}

// listFlag collects a flag given several times, each possibly a
// comma-separated list.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	*l = append(*l, splitList(v)...)
	return nil
}

// describe turns a ledger error into a message for the command line.
func describe(err error) error {
	e := ledger.As(err)
	if e.Code == ledger.CodeInternal {
		return err
	}
	msg := e.Message
	for _, f := range e.Fields[min(1, len(e.Fields)):] {
		msg += "; " + f.Path + ": " + f.Message
	}
	return fmt.Errorf("%s", msg)
}
