package settlement

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"backoffice/ledger"
)

func TestLockTakesDocumentsThenPaymentsOnceInIDOrder(t *testing.T) {
	var calls []string
	docs, pays, err := Lock([]int64{7, 3, 7, 5}, []int64{9, 2, 2},
		func(id int64) (string, error) {
			calls = append(calls, fmt.Sprint("doc ", id))
			return fmt.Sprint("d", id), nil
		},
		func(id int64) (int, error) { calls = append(calls, fmt.Sprint("pay ", id)); return int(id) * 10, nil })
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"doc 3", "doc 5", "doc 7", "pay 2", "pay 9"}
	if !slices.Equal(calls, want) {
		t.Fatalf("lock order %v, want %v", calls, want)
	}
	if docs[5] != "d5" || len(docs) != 3 || pays[9] != 90 || len(pays) != 2 {
		t.Fatalf("locked %v %v", docs, pays)
	}
}

func TestLockStopsAtTheFirstError(t *testing.T) {
	boom := errors.New("boom")
	var paid bool
	_, _, err := Lock([]int64{1, 2}, []int64{3},
		func(id int64) (int, error) {
			if id == 2 {
				return 0, boom
			}
			return 1, nil
		},
		func(int64) (int, error) { paid = true; return 0, nil })
	if !errors.Is(err, boom) || paid {
		t.Fatalf("err %v, payments locked after a failure: %v", err, paid)
	}
}

func TestEachParsesAmountsAndPlacesErrors(t *testing.T) {
	amounts := []string{"12.50", "0.05"}
	got, err := Each("EUR", len(amounts), func(i int) string { return amounts[i] },
		func(i int, path string, amount int64) (string, error) { return fmt.Sprint(path, "=", amount), nil })
	if err != nil {
		t.Fatal(err)
	}
	// 12.50 EUR is 1250 cents, 0.05 EUR 5 cents.
	if want := []string{"allocations[0]=1250", "allocations[1]=5"}; !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}

	// An amount that does not parse is refused on its own path.
	amounts = []string{"1.00", "twelve"}
	_, err = Each("EUR", 2, func(i int) string { return amounts[i] }, func(int, string, int64) (int, error) { return 0, nil })
	var le *ledger.Error
	if !errors.As(err, &le) || len(le.Fields) != 1 || le.Fields[0].Path != "allocations[1].amount" {
		t.Fatalf("unparsable amount: %#v", err)
	}

	// A rule's error without a field lands on the amount; one with a field keeps it.
	_, err = Each("EUR", 1, func(int) string { return "1.00" }, func(int, string, int64) (int, error) {
		return 0, ledger.Errorf(ledger.CodeInvalid, ledger.ReasonAllocationExceedsOpen, "too much")
	})
	if !errors.As(err, &le) || len(le.Fields) != 1 || le.Fields[0].Path != "allocations[0].amount" || le.Fields[0].Reason != ledger.ReasonAllocationExceedsOpen {
		t.Fatalf("rule error: %#v", err)
	}
	_, err = Each("EUR", 1, func(int) string { return "1.00" }, func(int, string, int64) (int, error) {
		return 0, &ledger.Error{Code: ledger.CodeInvalid, Reason: ledger.ReasonAllocationTargetInvalid,
			Fields: []ledger.FieldError{{Path: "allocations[0].purchase_invoice_id"}}}
	})
	if !errors.As(err, &le) || le.Fields[0].Path != "allocations[0].purchase_invoice_id" {
		t.Fatalf("field error moved: %#v", err)
	}
}

func TestTooMany(t *testing.T) {
	if err := TooMany(500); err != nil {
		t.Fatalf("500 allocations refused: %v", err)
	}
	var le *ledger.Error
	if err := TooMany(501); !errors.As(err, &le) || le.Reason != ledger.ReasonAllocationsTooMany || le.Fields[0].Path != "allocations" {
		t.Fatalf("501 allocations: %#v", err)
	}
}

func TestIDsAndPaid(t *testing.T) {
	one, two, three := int64(1), int64(2), int64(3)
	credit := &Allocation{OwedInvoiceID: &one, SettleInvoiceID: &two, AmountMinor: 700}
	payment := &Allocation{OwedInvoiceID: &one, SettlePaymentID: &three, AmountMinor: 300}
	docs, pays := IDs([]*Allocation{credit, payment})
	if !slices.Equal(docs, []int64{1, 2, 1}) || !slices.Equal(pays, []int64{3}) {
		t.Fatalf("ids %v %v", docs, pays)
	}
	// A credit note applied moves no money; a payment's 3.00 does.
	if credit.Paid() != 0 || payment.Paid() != 300 {
		t.Fatalf("paid %d %d", credit.Paid(), payment.Paid())
	}
}

func TestLater(t *testing.T) {
	a, _ := ledger.ParseDate("2026-03-01")
	b, _ := ledger.ParseDate("2026-02-28")
	if Later(a, b) != a || Later(b, a) != a {
		t.Fatalf("later of %s and %s", a, b)
	}
}
