package bankstore_test

import (
	"os"
	"strings"
	"testing"

	"backoffice/ledger"
)

const lateDir = "../../../testdata/bank/late-booking/"

func lateFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(lateDir + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestLineBookedBeforeThePeriod (issue 15): a December statement holding
// an entry booked on 30 November is accepted when its balances chain to
// November's statement: the line keeps its own booking date, the import
// says so in a notice, and the account still reconciles. When the balances
// do not chain, or there is no previous statement to chain to, it is still
// line_outside_period and nothing is stored.
func TestLineBookedBeforeThePeriod(t *testing.T) {
	f := newFixture(t)
	f.post("2026-10-31", "", "Opening balance", "1000.00", "2000")
	f.post("2026-11-10", "INV-2026-0101", "Bakkerij Van Dam", "500.00", "1600")
	f.post("2026-11-20", "Order 4471", "Kantoorvak", "-50.00", "1600")
	f.post("2026-11-30", "", "Bank charges November", "-12.50", "4400")
	f.post("2026-12-05", "INV-2026-0112", "Bakkerij Van Dam", "300.00", "1600")

	nov := f.mustImport(lateFile(t, "2026-11.xml"))
	if len(nov.Notices) != 0 {
		t.Fatalf("November has lines within its period, yet: %+v", nov.Notices)
	}

	// Not chained: refused as before, naming the line and why.
	before := f.counts()
	_, err := f.importCAMT(lateFile(t, "2026-12-gap.xml"))
	wantErr(t, err, ledger.CodeInvalid, "line_outside_period", "Document/BkToCstmrStmt/Stmt[1]/Ntry[1]")
	if e := err.(*ledger.Error); !strings.Contains(e.Message, "does not continue the closing balance 1450.00") {
		t.Errorf("the refusal does not say why: %s", e.Message)
	}
	// Chained but not adding up: refused too.
	unbalanced := strings.Replace(lateFile(t, "2026-12.xml"), "<Amt Ccy=\"EUR\">1737.50</Amt>", "<Amt Ccy=\"EUR\">1750.00</Amt>", 1)
	_, err = f.importCAMT(unbalanced)
	wantErr(t, err, ledger.CodeInvalid, "line_outside_period", "Document/BkToCstmrStmt/Stmt[1]/Ntry[1]")
	if after := f.counts(); after != before {
		t.Fatalf("a refused import changed the database:\n%s\n%s", before, after)
	}

	dec := f.mustImport(lateFile(t, "2026-12.xml"))
	if !dec.Created || dec.LinesAdded != 2 || len(dec.Statements) != 1 {
		t.Fatalf("December: %+v", dec)
	}
	st := dec.Statements[0]
	if st.From.String() != "2026-12-01" || st.To.String() != "2026-12-31" || st.OpeningMinor != 145000 || st.ClosingMinor != 173750 {
		t.Fatalf("December keeps its stated period and balances: %+v", st)
	}
	if len(dec.Notices) != 1 {
		t.Fatalf("want one notice, got %+v", dec.Notices)
	}
	n := dec.Notices[0]
	if n.Reason != ledger.ReasonLineOutsidePeriod || n.Path != "Document/BkToCstmrStmt/Stmt[1]/Ntry[1]" || n.BankRef != "ABNA261130000003" ||
		n.BookingDate.String() != "2026-11-30" || n.From.String() != "2026-12-01" || n.To.String() != "2026-12-31" || n.StatementRef != "0417164300.20261231" ||
		!strings.Contains(n.Message, "before the statement's period") || !strings.Contains(n.Message, "0417164300.20261130") {
		t.Fatalf("notice: %+v", n)
	}
	late := f.lines()["ABNA261130000003"]
	if late == nil || late.BookingDate.String() != "2026-11-30" || late.StatementID != st.ID {
		t.Fatalf("the late line keeps its own booking date on December's statement: %+v", late)
	}

	// Importing it again adds nothing and has nothing to say.
	again := f.mustImport(lateFile(t, "2026-12.xml"))
	if again.Created || again.LinesSkipped != 2 || len(again.Notices) != 0 {
		t.Fatalf("again: %+v", again)
	}

	if _, err := f.bs.AutoMatch(ctx, f.p, f.ent, f.acct.ID); err != nil {
		t.Fatal(err)
	}
	if late = f.lines()["ABNA261130000003"]; late.MatchID == nil {
		t.Fatalf("the bank charges were not matched to the books' entry of 30 November: %+v", late)
	}
	for _, c := range []struct {
		asOf    string
		balance int64
	}{{"2026-11-30", 143750}, {"2026-12-31", 173750}} {
		rec := f.reconcile(c.asOf)
		if rec.StatementBalance != c.balance || rec.Difference != 0 || rec.Unexplained != 0 || len(rec.UnreconciledStatement)+len(rec.UnreconciledLedger) != 0 {
			t.Fatalf("as of %s: %+v", c.asOf, rec)
		}
	}
}

// TestLineBookedBeforeTheFirstStatement: on a bank account's first
// statement nothing shows that a line booked before its period is not
// already in its opening balance, so it stays refused.
func TestLineBookedBeforeTheFirstStatement(t *testing.T) {
	f := newFixture(t)
	before := f.counts()
	_, err := f.importCAMT(lateFile(t, "2026-12.xml"))
	wantErr(t, err, ledger.CodeInvalid, "line_outside_period", "Document/BkToCstmrStmt/Stmt[1]/Ntry[1]")
	if e := err.(*ledger.Error); !strings.Contains(e.Message, "first statement") {
		t.Errorf("the refusal does not say why: %s", e.Message)
	}
	if after := f.counts(); after != before {
		t.Fatalf("a refused import changed the database:\n%s\n%s", before, after)
	}
}
