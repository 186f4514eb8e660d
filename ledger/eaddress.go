package ledger

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"backoffice/ledger/vatid"
)

// Electronic addresses are where a party receives e-invoices over Peppol:
// "scheme:id", the scheme a code of the Electronic Address Scheme list
// (EAS) such as 0106 (a Dutch chamber of commerce number), 0190 (a Dutch
// government OIN) or 9944 (a Dutch VAT number).
const (
	EASKvK   = "0106"
	EASOIN   = "0190"
	EASNLVAT = "9944"
)

// EASCodes is the EAS code list of the Peppol BIS Billing 3.0 release the
// tests validate with (testdata/peppol, its "eaid" list; a test keeps the
// two equal).
var EASCodes = strings.Fields(`0002 0007 0009 0060 0088 0096 0097 0106 0130 0135 0142 0151 0183 0184 0188 0190 0191
	0192 0195 0196 0198 0199 0200 0201 0204 0208 0209 0210 0211 0216 0218 0221 0225 0230 0235 0240 0242 0244 0245 0246
	0248 9910 9913 9914 9915 9918 9919 9920 9922 9923 9924 9925 9926 9927 9928 9929 9930 9931 9932 9933 9934 9935 9936
	9937 9938 9939 9940 9941 9942 9943 9944 9945 9946 9947 9948 9949 9950 9951 9952 9953 9957 9959`)

// CheckElectronicAddress checks an electronic address ("scheme:id") and
// returns it normalised (a 9944 VAT number as vatid writes it); what is
// wrong is recorded under path (422 electronic_address_invalid). "" is no
// address and is kept.
func CheckElectronicAddress(p *Problems, path, v string) string {
	v = strings.TrimSpace(v)
	if v == "" {
		return v
	}
	scheme, id, err := parseElectronicAddress(v)
	if err != nil {
		p.Add(path, ReasonElectronicAddressInvalid, "electronic address %q %v", v, err)
		return v
	}
	return scheme + ":" + id
}

func parseElectronicAddress(v string) (scheme, id string, err error) {
	scheme, id, ok := strings.Cut(v, ":")
	scheme, id = strings.TrimSpace(scheme), strings.TrimSpace(id)
	switch {
	case !ok:
		return "", "", fmt.Errorf(`is not "scheme:id", such as "0106:12345678" (a KvK number)`)
	case !slices.Contains(EASCodes, scheme):
		return "", "", fmt.Errorf("has scheme %q, which is not on the Peppol EAS code list (0106 KvK, 0190 OIN, 9944 Dutch VAT number, ...)", scheme)
	case id == "":
		return "", "", fmt.Errorf("has no id after the scheme")
	case utf8.RuneCountInString(id) > 100:
		return "", "", fmt.Errorf("has an id longer than 100 characters")
	case scheme == EASKvK && !allDigits(id, 8):
		return "", "", fmt.Errorf("is a KvK number (0106), which is 8 digits")
	case scheme == EASOIN && !allDigits(id, 20):
		return "", "", fmt.Errorf("is an OIN (0190), which is 20 digits")
	case scheme == EASNLVAT:
		n, err := vatid.Check(id)
		if err != nil {
			return "", "", fmt.Errorf("is a Dutch VAT number (9944) that %v", err)
		}
		if !strings.HasPrefix(n, "NL") {
			return "", "", fmt.Errorf("has scheme 9944, which is for Dutch VAT numbers (NL...)")
		}
		id = n
	}
	return scheme, id, nil
}

// SplitElectronicAddress returns the scheme and id of an address that
// CheckElectronicAddress accepted ("", "" for none).
func SplitElectronicAddress(v string) (scheme, id string) {
	scheme, id, _ = strings.Cut(v, ":")
	return scheme, id
}

// KvKNumber reports whether s is a Dutch chamber of commerce number (8
// digits).
func KvKNumber(s string) bool { return allDigits(s, 8) }

func allDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// Endpoint is the entity's electronic address: the one it set, else its
// KvK number under scheme 0106; "" when it has neither.
func (e *Entity) Endpoint() string {
	switch {
	case e.ElectronicAddress != "":
		return e.ElectronicAddress
	case KvKNumber(e.RegistrationID):
		return EASKvK + ":" + e.RegistrationID
	}
	return ""
}
