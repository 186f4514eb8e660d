package ledger

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"backoffice/ledger/quote"
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
		p.Add(path, ReasonElectronicAddressInvalid, "electronic address %s %v", quote.Value(v), err)
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
		return "", "", fmt.Errorf("has scheme %.12q, which is not on the Peppol EAS code list (0106 KvK, 0190 OIN, 9944 Dutch VAT number, ...)", scheme)
	case id == "":
		return "", "", fmt.Errorf("has no id after the scheme")
	case utf8.RuneCountInString(id) > 100:
		return "", "", fmt.Errorf("has an id longer than 100 characters")
	case !utf8.ValidString(id) || strings.ContainsFunc(id, func(r rune) bool { return !unicode.IsGraphic(r) }):
		// An e-invoice's XML cannot carry control characters or broken
		// UTF-8: the address sent would differ from the one stored.
		return "", "", fmt.Errorf("has an id with a control character or bytes that are not UTF-8")
	case scheme == EASKvK && !allDigits(id, 8):
		return "", "", fmt.Errorf("is a KvK number (0106), which is 8 digits")
	case scheme == EASOIN && !allDigits(id, 20):
		return "", "", fmt.Errorf("is an OIN (0190), which is 20 digits")
	case peppolIDs[scheme].valid != nil && !peppolIDs[scheme].valid(id):
		return "", "", fmt.Errorf("is %s (PEPPOL-COMMON-%s)", peppolIDs[scheme].what, peppolIDs[scheme].rule)
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

// peppolIDs are the schemes whose ids the Peppol BIS 3 rules check
// (PEPPOL-EN16931-UBL.sch, fatal PEPPOL-COMMON-R040 to R053), with those
// checks exactly: an id they refuse makes every e-invoice to or from the
// party fail validation.
var peppolIDs = map[string]struct {
	rule, what string
	valid      func(id string) bool
}{
	"0088": {"R040", "a GLN (0088), which is digits ending in a GS1 check digit", func(id string) bool { return digits(id) && gln(id) }},
	"0192": {"R041", "a Norwegian organisation number (0192), which is 9 digits with a mod-11 check digit", func(id string) bool { return allDigits(id, 9) && mod11(id) }},
	"0184": {"R042", `a Danish CVR number (0184), which is 8 digits or "DK" and 8 digits`, func(id string) bool {
		return allDigits(id, 8) || len(id) == 10 && id[:2] == "DK" && allDigits(id[2:], 8)
	}},
	"0096": {"R052", "a Danish P number (0096), which is 10 digits", func(id string) bool { return allDigits(id, 10) }},
	"0198": {"R053", `a Danish SE number (0198), which is "DK" and 8 digits`, func(id string) bool { return len(id) == 10 && id[:2] == "DK" && allDigits(id[2:], 8) }},
	"0208": {"R043", "a Belgian enterprise number (0208), which is 10 digits, the last two 97 less the first eight mod 97", func(id string) bool {
		return allDigits(id, 10) && 97-atoi(id[:8])%97 == atoi(id[8:])
	}},
	"0007": {"R049", "a Swedish organisation number (0007), which is 10 digits with a Luhn check digit", func(id string) bool { return allDigits(id, 10) && luhn(id) }},
	"0151": {"R050", "an Australian Business Number (0151), which is 11 digits with its mod-89 check", func(id string) bool { return allDigits(id, 11) && abn(id) }},
}

// gln: GS1 check digit. The digits before the last, from the right,
// weigh 3, 1, 3, 1...; the last digit brings the sum to a multiple of 10.
func gln(id string) bool {
	sum := 0
	for i, w := len(id)-2, 3; i >= 0; i, w = i-1, 4-w {
		sum += int(id[i]-'0') * w
	}
	return (10-sum%10)%10 == int(id[len(id)-1]-'0')
}

// mod11: the digits before the last, from the right, weigh 2 to 7 and
// again; the last digit is 11 less the sum mod 11 (mod 11), and the
// number is not 0.
func mod11(id string) bool {
	sum := 0
	for i, k := len(id)-2, 0; i >= 0; i, k = i-1, k+1 {
		sum += int(id[i]-'0') * (k%6 + 2)
	}
	return atoi(id) > 0 && (11-sum%11)%11 == int(id[len(id)-1]-'0')
}

// luhn: of the first nine digits, from the right, every other one
// (starting with the rightmost) is doubled and its digits summed; the
// tenth digit brings the sum to a multiple of 10.
func luhn(id string) bool {
	sum := 0
	for k, i := 0, 8; i >= 0; k, i = k+1, i-1 {
		d := int(id[i] - '0')
		if k%2 == 0 {
			d = d*2%10 + d*2/10
		}
		sum += d
	}
	return (10-sum%10)%10 == int(id[9]-'0')
}

// abn: the first digit less 1 weighs 10, the others 1, 3, 5 ... 19; the
// sum is a multiple of 89.
func abn(id string) bool {
	sum := (int(id[0]-'0') - 1) * 10
	for i := 1; i < 11; i++ {
		sum += int(id[i]-'0') * (2*i - 1)
	}
	return sum%89 == 0
}

func digits(s string) bool { return s != "" && allDigits(s, len(s)) }

// atoi of a string of digits short enough for an int.
func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
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
