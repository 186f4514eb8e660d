// Package units maps the free-text units of invoice lines ("pcs", "h",
// "uur", "kg") to the codes of UN/ECE Recommendation 20 (with Rec. 21)
// that an e-invoice must carry (EN 16931 BT-130, rule BR-CL-23), and back.
package units

import "strings"

// One is the code of a unit that is no unit: a count ("one", C62).
const One = "C62"

// codes are the free-text units lines are written with, in English and
// Dutch, lower case and without a trailing dot, by their code.
var codes = map[string]string{
	"": One, "pcs": One, "pc": One, "piece": One, "pieces": One, "st": One, "stuk": One, "stuks": One,
	"pce": One, "ea": One, "each": One, "unit": One, "units": One, "x": One,
	"h": "HUR", "hr": "HUR", "hrs": "HUR", "hour": "HUR", "hours": "HUR", "u": "HUR", "uur": "HUR", "uren": "HUR",
	"min": "MIN", "mins": "MIN", "minute": "MIN", "minutes": "MIN", "minuut": "MIN", "minuten": "MIN",
	"day": "DAY", "days": "DAY", "dag": "DAY", "dagen": "DAY",
	"week": "WEE", "weeks": "WEE", "weken": "WEE",
	"month": "MON", "months": "MON", "maand": "MON", "maanden": "MON", "mnd": "MON",
	"year": "ANN", "years": "ANN", "jaar": "ANN", "jaren": "ANN",
	"kg": "KGM", "kilo": "KGM", "g": "GRM", "gram": "GRM", "t": "TNE", "ton": "TNE", "tonne": "TNE",
	"l": "LTR", "liter": "LTR", "litre": "LTR", "ml": "MLT",
	"m": "MTR", "meter": "MTR", "metre": "MTR", "km": "KMT", "cm": "CMT", "mm": "MMT",
	"m2": "MTK", "m²": "MTK", "m3": "MTQ", "m³": "MTQ",
	"kwh": "KWH", "set": "SET", "sets": "SET", "pair": "PR", "pairs": "PR", "paar": "PR",
	"box": "XBX", "doos": "XBX", "pack": "XPK", "pak": "XPK", "pallet": "XPF", // Rec. 21 package codes, X-prefixed
}

// known is list as a set.
var known = func() map[string]bool {
	m := make(map[string]bool, len(list))
	for _, c := range list {
		m[c] = true
	}
	return m
}()

// Code is the code of a line's unit, and whether it has one: a free-text
// unit this package maps (case and a trailing dot aside), else a code of
// the list EN 16931 accepts, in any case ("HUR", "hur", "LS", "E48": the
// list writes its codes in upper case and digits only, so upper-casing
// finds the code a user typed in lower case). Other text has no code: the
// caller decides what to do with it rather than this package guessing.
func Code(unit string) (string, bool) {
	u := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(unit)), ".")
	if c, ok := codes[u]; ok {
		return c, true
	}
	if u := strings.ToUpper(strings.TrimSpace(unit)); known[u] {
		return u, true
	}
	return "", false
}

// Unit is the free text a received line's code is written as (English,
// as lines are stored), or the code itself for one this package does not
// name.
func Unit(code string) string {
	switch code {
	case One:
		return "pcs"
	case "HUR":
		return "h"
	case "MIN":
		return "min"
	case "DAY":
		return "day"
	case "WEE":
		return "week"
	case "MON":
		return "month"
	case "ANN":
		return "year"
	case "KGM":
		return "kg"
	case "GRM":
		return "g"
	case "TNE":
		return "t"
	case "LTR":
		return "l"
	case "MLT":
		return "ml"
	case "MTR":
		return "m"
	case "KMT":
		return "km"
	case "CMT":
		return "cm"
	case "MMT":
		return "mm"
	case "MTK":
		return "m2"
	case "MTQ":
		return "m3"
	case "KWH":
		return "kWh"
	case "SET":
		return "set"
	case "PR":
		return "pair"
	case "XBX":
		return "box"
	case "XPK":
		return "pack"
	case "XPF":
		return "pallet"
	}
	return code
}
