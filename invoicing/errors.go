package invoicing

import (
	"errors"
	"fmt"
)

var (
	errNegative = errors.New("must not be negative")
	errTooLarge = errors.New("is larger than 1,000,000,000,000")
)

func errDecimal(s string) error {
	if len(s) > 40 { // the longest accepted: quote no more of a long text
		return fmt.Errorf("%q... (%d characters) is not a plain decimal number like \"12.50\" of at most 40 characters", s[:32], len(s))
	}
	return fmt.Errorf("%q is not a plain decimal number like \"12.50\"", s)
}

func errPlaces(places int32) error {
	return fmt.Errorf("has more than %d decimals", places)
}
