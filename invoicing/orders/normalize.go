package orders

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"backoffice/ledger"
)

// Normalize is the order as sent, in one canonical form: text trimmed,
// decimals without trailing zeros ("12.50" and "12.5" are the same
// quantity), the currency the order is in. Customer fields are kept only
// when sent; Diff compares them only when both pushes sent them.
func (in *Input) Normalize(currency string) string {
	n := map[string]any{
		"external_id": strings.TrimSpace(in.ExternalID),
		"order_date":  in.OrderDate,
		"currency":    currency,
		"notes":       strings.TrimSpace(in.Notes),
	}
	if c := in.Customer; c != nil {
		cm := map[string]any{"external_ref": strings.TrimSpace(c.ExternalRef)}
		text := func(k string, v *string) {
			if v != nil {
				cm[k] = strings.TrimSpace(*v)
			}
		}
		text("name", c.Name)
		text("email", c.Email)
		text("vat_number", c.VATNumber)
		text("registration_id", c.RegistrationID)
		text("language", c.Language)
		if c.PaymentTermsDays != nil {
			cm["payment_terms_days"] = *c.PaymentTermsDays
		}
		if a := c.Address; a != nil {
			lines := make([]any, len(a.Lines))
			for i, l := range a.Lines {
				lines[i] = strings.TrimSpace(l)
			}
			cm["address"] = map[string]any{"lines": lines, "postcode": strings.TrimSpace(a.Postcode),
				"city": strings.TrimSpace(a.City), "country": strings.ToUpper(strings.TrimSpace(a.Country))}
		}
		n["customer"] = cm
	}
	lines := make([]any, len(in.Lines))
	for i, l := range in.Lines {
		desc := strings.TrimSpace(l.Description)
		if desc == "" {
			desc = strings.TrimSpace(l.SKU)
		}
		lines[i] = map[string]any{"sku": strings.TrimSpace(l.SKU), "description": desc, "quantity": decimalText(l.Quantity),
			"unit": strings.TrimSpace(l.Unit), "unit_price": decimalText(l.UnitPrice),
			"discount_percent": decimalText(l.DiscountPercent), "tax_code": strings.TrimSpace(l.TaxCode)}
	}
	n["lines"] = lines
	b, _ := json.Marshal(n) // maps of strings and numbers always marshal; keys come out sorted
	return string(b)
}

// decimalText is a decimal in its shortest form; "" stays "" (and so does
// text that is not a decimal, which Check refuses before it matters).
func decimalText(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return "0"
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return s
	}
	return d.String()
}

// Diff lists where a pushed order differs from the stored one with the
// same external id, by JSON path of the order as sent; none means it is
// the same order. A customer field sent in one push and left out of the
// other is no difference: once the customer exists, a shop may send only
// its reference (the data is used only to create the customer).
func Diff(stored, sent string) []ledger.FieldError {
	a, b := map[string]string{}, map[string]string{}
	flatten(a, "", decodeNormal(stored))
	flatten(b, "", decodeNormal(sent))
	paths := slices.Sorted(maps.Keys(a))
	for k := range b {
		if _, ok := a[k]; !ok {
			paths = append(paths, k)
		}
	}
	slices.Sort(paths)
	var out []ledger.FieldError
	for _, k := range paths {
		was, okA := a[k]
		now, okB := b[k]
		switch {
		case okA && okB && was == now:
		case okA != okB && strings.HasPrefix(k, "customer."):
		case !okB:
			out = append(out, ledger.FieldError{Path: k, Reason: ledger.ReasonOrderFieldDiffers, Message: fmt.Sprintf("stored order has %s, this one has nothing", was)})
		case !okA:
			out = append(out, ledger.FieldError{Path: k, Reason: ledger.ReasonOrderFieldDiffers, Message: fmt.Sprintf("stored order has nothing, this one has %s", now)})
		default:
			out = append(out, ledger.FieldError{Path: k, Reason: ledger.ReasonOrderFieldDiffers, Message: fmt.Sprintf("stored order has %s, this one has %s", was, now)})
		}
	}
	return out
}

func decodeNormal(s string) any {
	var v any
	_ = json.Unmarshal([]byte(s), &v) // written by Normalize
	return v
}

func flatten(dst map[string]string, path string, v any) {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			p := k
			if path != "" {
				p = path + "." + k
			}
			flatten(dst, p, e)
		}
	case []any:
		dst[path+".length"] = fmt.Sprint(len(t))
		for i, e := range t {
			flatten(dst, fmt.Sprintf("%s[%d]", path, i), e)
		}
	default:
		b, _ := json.Marshal(t)
		dst[path] = string(b)
	}
}
