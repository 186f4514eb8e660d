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
	if len(args) == 0 {
		return fmt.Errorf("apikey: say create, list or revoke")
	}
	sub, args := args[0], args[1:]
	f := newFlags("apikey "+sub, getenv, stderr)
	db := f.db()
	var role, name, entities *string
	if sub == "create" {
		role = f.String("role", "", "admin, accountant, client or integration")
		name = f.String("name", "", "who or what uses the key")
		entities = f.String("entity", "", "entity ids the key may reach, comma separated (not for admin)")
	}
	st, err := f.parseAndOpen(ctx, db, args)
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
		for _, s := range splitList(*entities) {
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
		if f.NArg() != 1 {
			return fmt.Errorf("apikey revoke: give the key's id")
		}
		id, err := strconv.ParseInt(f.Arg(0), 10, 64)
		if err != nil {
			return fmt.Errorf("apikey revoke: %q is not a key id", f.Arg(0))
		}
		k, err := st.RevokeKey(ctx, id)
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "revoked key %d %q\n", k.ID, k.Name)
	default:
		return fmt.Errorf("apikey: unknown subcommand %q; say create, list or revoke", sub)
	}
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
