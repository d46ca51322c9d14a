package figures

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

var plainDecimal = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?$`)

// ParseLiteral reads a figure value as written in YAML. Only plain decimal
// literals are accepted; everything YAML would read in a surprising way is
// an error that says how to write the number instead. quoted tells whether
// the scalar was quoted in the source.
func ParseLiteral(s string, quoted bool) (decimal.Decimal, int32, error) {
	t := strings.TrimSpace(s)
	if !quoted && plainDecimal.MatchString(t) {
		if digits := len(strings.TrimLeft(strings.Replace(strings.TrimPrefix(t, "-"), ".", "", 1), "0")); digits > maxLiteralDigits {
			return decimal.Decimal{}, 0, fmt.Errorf("%.20s… has %d digits: a figure has at most %d; write it in a larger scale", t, digits, maxLiteralDigits)
		}
		d, err := decimal.NewFromString(t)
		if err != nil {
			return decimal.Decimal{}, 0, fmt.Errorf("%q is not a number", s)
		}
		places := int32(0)
		if i := strings.IndexByte(t, '.'); i >= 0 {
			places = int32(len(t) - i - 1)
		}
		return d, places, nil
	}
	return decimal.Decimal{}, 0, literalHint(t, quoted)
}

func literalHint(t string, quoted bool) error {
	lower := strings.ToLower(t)
	clean := strings.NewReplacer(",", "", "_", "").Replace(t)
	switch {
	case t == "":
		return fmt.Errorf("a figure needs a value: write a plain decimal number such as 638.0")
	case quoted && strings.HasSuffix(t, "%"):
		return fmt.Errorf("%q is a quoted string, not a number: write %s with unit: percent", t, strings.TrimSpace(strings.TrimSuffix(t, "%")))
	case quoted:
		return fmt.Errorf("%q is a quoted string, not a number: write it without quotes", t)
	case strings.HasSuffix(t, "%"):
		return fmt.Errorf("%s is not a plain number: write %s with unit: percent", t, strings.TrimSuffix(t, "%"))
	case isYAMLBool(lower):
		return fmt.Errorf("%s is not a number: YAML reads it as a boolean; write a plain decimal number such as 12.5", t)
	case lower == ".nan" || lower == ".inf" || lower == "-.inf" || lower == "+.inf" || lower == "nan" || lower == "inf":
		return fmt.Errorf("%s is not a finite number: a figure must be a plain decimal number such as 12.5", t)
	case lower == "~" || lower == "null":
		return fmt.Errorf("%s is null, not a number: write a plain decimal number such as 12.5", t)
	case strings.HasPrefix(lower, "0x") || strings.HasPrefix(lower, "-0x"):
		return fmt.Errorf("%s is a hexadecimal literal: write the decimal number instead", t)
	case strings.HasPrefix(lower, "0o") || strings.HasPrefix(lower, "0b"):
		return fmt.Errorf("%s is not a decimal literal: write the decimal number instead", t)
	case strings.Contains(t, "_") && plainDecimal.MatchString(clean):
		return fmt.Errorf("%s uses digit separators: write %s", t, clean)
	case strings.Contains(t, ",") && plainDecimal.MatchString(clean):
		return fmt.Errorf("%s uses a thousands separator: write %s", t, clean)
	case strings.ContainsAny(lower, "e") && isFloatExp(lower):
		// Spell the number out only when that is short: 1e99999999 has a
		// hundred million digits.
		if len(t) <= 24 {
			mant, exp, _ := strings.Cut(lower, "e")
			if e, err := strconv.Atoi(exp); err == nil && e >= -20 && e <= 20 && len(mant) <= 20 {
				if d, err := decimal.NewFromString(t); err == nil {
					return fmt.Errorf("%s is in exponent notation: write %s", t, d.String())
				}
			}
		}
		return fmt.Errorf("%s is in exponent notation: write a plain decimal number", t)
	case leadingZero.MatchString(t):
		fixed := strings.TrimLeft(strings.TrimPrefix(t, "-"), "0")
		if fixed == "" || fixed[0] == '.' {
			fixed = "0" + fixed
		}
		if strings.HasPrefix(t, "-") {
			fixed = "-" + fixed
		}
		return fmt.Errorf("%s has a leading zero, which YAML may read as octal: write %s", t, fixed)
	case strings.HasPrefix(t, "+") && plainDecimal.MatchString(t[1:]):
		return fmt.Errorf("%s has a plus sign: write %s", t, t[1:])
	case strings.HasPrefix(t, ".") || strings.HasSuffix(t, "."):
		return fmt.Errorf("%s is not a plain decimal: write digits on both sides of the point, such as 0.5 or 5.0", t)
	case strings.HasPrefix(t, "$") || strings.HasPrefix(t, "€") || strings.HasPrefix(t, "£"):
		return fmt.Errorf("%s has a currency symbol: write the number alone and set currency", t)
	}
	return fmt.Errorf("%s is not a plain decimal number: write a number such as 638.0 or -2.8", t)
}

func isYAMLBool(s string) bool {
	switch s {
	case "y", "n", "yes", "no", "on", "off", "true", "false":
		return true
	}
	return false
}

// maxLiteralDigits bounds a figure's significant digits: more than any
// reported amount has, and few enough that arithmetic stays small.
const maxLiteralDigits = 30

var leadingZero = regexp.MustCompile(`^-?0[0-9]+(\.[0-9]+)?$`)

var floatExp = regexp.MustCompile(`^[-+]?([0-9][0-9_]*)?\.?[0-9_]*e[-+]?[0-9]+$`)

func isFloatExp(s string) bool { return floatExp.MatchString(s) }
