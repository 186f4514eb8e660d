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
	return fmt.Errorf("%q is not a plain decimal number like \"12.50\"", s)
}

func errPlaces(places int32) error {
	return fmt.Errorf("has more than %d decimals", places)
}
