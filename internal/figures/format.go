package figures

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
)

// Formats lists every display format a reference may name.
var Formats = []string{"pct", "pct0", "pct1", "pct2", "money", "money_short", "num", "x", "pp", "bps", "label", "source"}

// IsFormat reports whether f is a known format.
func IsFormat(f string) bool {
	for _, k := range Formats {
		if k == f {
			return true
		}
	}
	return false
}

var currencySymbols = map[string]string{"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CNY": "CN¥", "INR": "₹", "KRW": "₩", "CAD": "CA$", "AUD": "A$", "CHF": "CHF "}

func symbol(code string) string {
	if s, ok := currencySymbols[code]; ok {
		return s
	}
	return code + " "
}

// DefaultFormat is the format a plain reference uses for a unit.
func DefaultFormat(u Unit) string {
	switch u {
	case Money:
		return "money"
	case Percent:
		return "pct"
	}
	return "num"
}

// Format displays v in format f ("" means the unit's default). label and
// source formats are answered by the caller, which knows the names.
func Format(v Value, f string) (string, error) {
	if f == "" {
		f = DefaultFormat(v.Unit)
	}
	switch f {
	case "pct", "pct0", "pct1", "pct2":
		if v.Unit != Percent {
			return "", fmt.Errorf("format %s needs a percent, but the value is %s", f, v.describe())
		}
		places := v.Places
		if f != "pct" {
			places = int32(f[3] - '0')
		}
		return withSign(v.rounded(2, places), places, "", "%"), nil
	case "pp":
		if v.Unit != Percent {
			return "", fmt.Errorf("format pp needs a percent (a difference of percentages), but the value is %s", v.describe())
		}
		return withSign(v.rounded(2, v.Places), v.Places, "", " pp"), nil
	case "bps":
		if v.Unit != Percent {
			return "", fmt.Errorf("format bps needs a percent, but the value is %s", v.describe())
		}
		return withSign(v.rounded(4, 0), 0, "", " bps"), nil
	case "money":
		if v.Unit != Money {
			return "", fmt.Errorf("format money needs money, but the value is %s", v.describe())
		}
		word := ""
		if v.Scale.Exp > 0 {
			word = " " + v.Scale.Name
		}
		return withSign(v.rounded(-v.Scale.Exp, v.Places), v.Places, symbol(v.Currency), word), nil
	case "money_short":
		if v.Unit != Money {
			return "", fmt.Errorf("format money_short needs money, but the value is %s", v.describe())
		}
		return withSign(v.rounded(-v.Scale.Exp, v.Places), v.Places, symbol(v.Currency), v.Scale.short()), nil
	case "num":
		if v.Unit == Percent {
			return "", fmt.Errorf("format num shows a plain number; use pct or pp for a percent")
		}
		return withSign(v.rounded(-v.inScaleExp(), v.Places), v.Places, "", ""), nil
	case "x":
		if v.Unit == Money {
			return "", fmt.Errorf("format x shows a multiple; a money value is not one")
		}
		return withSign(v.rounded(0, 1), 1, "", "×"), nil
	}
	return "", fmt.Errorf("unknown format %q (known: %s)", f, strings.Join(Formats, ", "))
}

// withSign rounds d half away from zero to places, groups thousands and puts
// a true minus sign before the currency symbol.
func withSign(d decimal.Decimal, places int32, prefix, suffix string) string {
	r := roundHalfAway(d, places)
	neg := r.IsNegative()
	s := r.Abs().StringFixed(places)
	s = group(s)
	if neg {
		return "−" + prefix + s + suffix
	}
	return prefix + s + suffix
}

// group inserts thousands separators into the integer part of s.
func group(s string) string {
	intPart, frac := s, ""
	if i := strings.IndexByte(s, '.'); i >= 0 {
		intPart, frac = s[:i], s[i:]
	}
	if len(intPart) <= 3 {
		return s
	}
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String() + frac
}
