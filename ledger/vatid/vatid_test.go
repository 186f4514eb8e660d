package vatid

import (
	"errors"
	"strings"
	"testing"
)

// Valid numbers: published examples (tax offices, the VIES FAQ, the
// numbers companies print on their invoices) and numbers whose check digits
// are worked out by hand in the comments.
func TestValid(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		// NL 11-test: 0*9+0*8+4*7+4*6+9*5+5*4+4*3+4*2 = 137; 137 mod 11 = 5, the 9th digit.
		{"NL004495445B01", "NL004495445B01"},
		{"nl 0044.95445.b01", "NL004495445B01"},
		// NL 11-test: 1*9+2*8+3*7+4*6+5*5+6*4+7*3+8*2 = 156; 156 mod 11 = 2.
		{"NL123456782B90", "NL123456782B90"},
		// NL mod-97 (a sole proprietor's btw-id, Belastingdienst's example):
		// "NL000099998B57" as 2321 000099998 11 57 is 1 mod 97.
		{"NL000099998B57", "NL000099998B57"},
		// BE: 97 - (01234567 mod 97 = 48) = 49.
		{"BE0123456749", "BE0123456749"},
		// BE: 97 - (04031707 mod 97 = 96) = 01.
		{"BE 0403.170.701", "BE0403170701"},
		// DE: ISO 7064 MOD 11,10 over 12345678 leaves p = 3; (11-3) mod 10 = 8.
		{"DE123456788", "DE123456788"},
		{"DE136695976", "DE136695976"},
		// FR: (12 + 3 x (402571889 mod 97 = 64)) mod 97 = 204 mod 97 = 10.
		{"FR10402571889", "FR10402571889"},
		{"FR40303265045", "FR40303265045"},
		// IT: Luhn over 12345670017: 7+2+0+0+7+3+5+8+3+4+1 = 40.
		{"IT12345670017", "IT12345670017"},
		{"IT00743110157", "IT00743110157"},
		// ES DNI: 38076731 mod 23 = 1 -> R.
		{"ES38076731R", "ES38076731R"},
		// ES NIE: X -> 0; 05277343 mod 23 = 14 -> Q... (T R W A G M Y F P D X B N J Z S Q: index 16)
		{"ESX5277343Q", "ESX5277343Q"},
		// ES CIF with a check digit and one with a check letter.
		{"ESA12345674", "ESA12345674"},
		{"ESP1234567D", "ESP1234567D"},
		// AT: Luhn sum of 1234567 is 31; (6 - 31) mod 10 = 5.
		{"ATU12345675", "ATU12345675"},
		{"ATU13585627", "ATU13585627"},
		// DK: 5*2+6*7+3*6+1*5+4*4+2*3+1*2+0*1 = 99 = 9 x 11.
		{"DK56314210", "DK56314210"},
		{"DK12345674", "DK12345674"},
		// PL: 7*6+2*5+7*7+2*2+4*3+4*4+5*5+2*6+0*7 = 170; 170 mod 11 = 5.
		{"PL7272445205", "PL7272445205"},
		{"PL 123-456-78-83", "PL1234567883"},
		// SE: Luhn over 1234567897 is 50; ends in 01.
		{"SE123456789701", "SE123456789701"},
		// FI: 2*7+0*9+7*10+7*5+4*8+7*4+4*2+0*1 = 187 = 17 x 11.
		{"FI20774740", "FI20774740"},
		// LU: 150274 mod 89 = 42.
		{"LU15027442", "LU15027442"},
		// IE: 6*8+4*7+3*6+3*5+4*4+3*3+5*2 = 144; 144 mod 23 = 6 -> F.
		{"IE6433435F", "IE6433435F"},
		// IE with a second letter: 144 + 9*1 (A) = 153; 153 mod 23 = 15 -> O.
		{"IE6433435OA", "IE6433435OA"},
		// IE old form 8D79739I read as 0797398I: 193 mod 23 = 9 -> I.
		{"IE8D79739I", "IE8D79739I"},
		// PT: 11 - (184 mod 11 = 8) = 3.
		{"PT501964843", "PT501964843"},
		{"BG175074752", "BG175074752"},
		{"CY12345678F", "CY12345678F"},
		{"CZ12345679", "CZ12345679"},
		{"EE100931558", "EE100931558"},
		{"EL123456783", "EL123456783"},
		{"HR33392005961", "HR33392005961"},
		{"HU12345676", "HU12345676"},
		{"LT123456715", "LT123456715"},
		{"LV40003521600", "LV40003521600"},
		{"MT12345634", "MT12345634"},
		{"RO24736200", "RO24736200"},
		{"SI12345679", "SI12345679"},
		{"SK2022749619", "SK2022749619"},
		// XI (the UK form): 8+14+18+20+20+18+14 = 112, + 82 = 194 = 2 x 97.
		{"XI123456782", "XI123456782"},
		// Outside the EU: the form only.
		{"CHE-123.456.789 MWST", "CHE123456789MWST"},
		// Other separators: slashes, colons, parentheses, thin spaces.
		{"HR: 33392005961", "HR33392005961"},
		{"(DE) 136/695/976", "DE136695976"},
		{"NL\u2009004495445\u202fB01", "NL004495445B01"},
		{"NO 123456789 MVA", "NO123456789MVA"},
		{"GB123456789", "GB123456789"},
	} {
		got, err := Check(c.in)
		if err != nil || got != c.want {
			t.Errorf("Check(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

func TestInvalid(t *testing.T) {
	for _, c := range []struct{ in, says string }{
		{"hello world", "country code"},
		{"", "empty"},
		{"123456789", "country code"},
		{"NL123456789B01", "11-test"},  // 156 mod 11 = 2, not 9
		{"NL12345678B01", "form"},      // 8 digits
		{"NL004495445B02", ""},         // passes the 11-test: B02 is a valid suffix
		{"NL004495446B01", "11-test"},  // the check digit changed
		{"DK12345678", "check digits"}, // 2+14+18+20+20+18+14+8 = 114; 114 mod 11 = 4
		{"DK0234567", "form"},
		{"GR123456783", "EL"},
		{"DE012345678", "form"},
		{"DE123456789", "check digits"},
		{"BE0123456748", "check digits"},
		{"BE2123456749", "form"},
		{"FR41402571889", "check digits"},
		{"IT12345670018", "check digits"},
		{"ES38076731T", "check digits"},
		{"ESA12345675", "check digits"},
		{"ATU12345676", "check digits"},
		{"AT12345675", "form"},
		{"PL7272445206", "check digits"},
		{"SE123456789702", "form"},
		{"SE123456789801", "check digits"},
		{"FI20774741", "check digits"},
		{"LU15027443", "check digits"},
		{"IE6433435G", "check digits"},
		{"IE643343", "form"},
		{"PT501964844", "check digits"},
		{"PT001964843", "form"},
		{"EE100931559", "check digits"},
		{"HU12345677", "check digits"},
		{"XI123456783", "check digits"},
		// One wrong check digit for each country whose valid number is
		// in TestValid (the same number, its check digit changed).
		{"BG175074753", "check digits"},
		{"CY12345678G", "check digits"},
		{"CZ12345678", "check digits"},
		{"EL123456784", "check digits"},
		{"HR33392005962", "check digits"},
		{"LT123456716", "check digits"},
		{"MT12345635", "check digits"},
		{"RO24736201", "check digits"},
		{"SI12345670", "check digits"},
		{"SK2022749610", "check digits"},
		{"CH!", "country code followed"},
	} {
		_, err := Check(c.in)
		if c.says == "" {
			if err != nil {
				t.Errorf("Check(%q) = %v, want valid", c.in, err)
			}
			continue
		}
		var e *Error
		if !errors.As(err, &e) || !strings.Contains(e.Msg, c.says) {
			t.Errorf("Check(%q) = %v, want an error saying %q", c.in, err, c.says)
		}
	}
}
