package invoicing

import (
	"errors"
	"fmt"

	"backoffice/ledger/quote"
)

var (
	errNegative = errors.New("must not be negative")
	errTooLarge = errors.New("is larger than 1,000,000,000,000")
)

func errDecimal(s string) error {
	if len(s) > 40 { // the longest accepted
		return fmt.Errorf("%s is not a plain decimal number like \"12.50\" of at most 40 characters", quote.Value(s))
	}
	return fmt.Errorf("%s is not a plain decimal number like \"12.50\"", quote.Value(s))
}

func errPlaces(places int32) error {
	return fmt.Errorf("has more than %d decimals", places)
}
