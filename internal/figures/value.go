// Package figures is the number engine of briefs: exact decimal values with
// units, strict literals, expressions over named figures, display formats
// and checks. Nothing here uses float64.
package figures

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
)

// divPlaces is the number of decimal places kept by a division. Quotients
// are exact to far beyond anything displayed, so display rounding (half away
// from zero) decides every shown digit.
const divPlaces = 34

// Unit is what a value measures.
type Unit uint8

// The units of DESIGN.md.
const (
	Money Unit = iota
	Percent
	Count
	Number
)

func (u Unit) String() string {
	switch u {
	case Money:
		return "money"
	case Percent:
		return "percent"
	case Count:
		return "count"
	}
	return "number"
}

// ParseUnit reads a unit name.
func ParseUnit(s string) (Unit, bool) {
	for _, u := range []Unit{Money, Percent, Count, Number} {
		if u.String() == s {
			return u, true
		}
	}
	return 0, false
}

// Scale is the word a money amount is written in.
type Scale struct {
	Name string
	Exp  int32
}

// Scales lists the scales a brief or figure may name.
var Scales = []Scale{{"one", 0}, {"thousand", 3}, {"million", 6}, {"billion", 9}, {"trillion", 12}}

// ParseScale reads a scale name.
func ParseScale(s string) (Scale, bool) {
	for _, sc := range Scales {
		if sc.Name == s {
			return sc, true
		}
	}
	return Scale{}, false
}

func (s Scale) short() string {
	switch s.Exp {
	case 3:
		return "K"
	case 6:
		return "M"
	case 9:
		return "B"
	case 12:
		return "T"
	}
	return ""
}

// Value is an exact number with its unit. Money is held in whole currency
// units (107.6 billion is 107600000000) with the scale and decimals it was
// written in; a percent is held as a fraction (58% is 0.58).
type Value struct {
	D        decimal.Decimal
	Unit     Unit
	Currency string
	Scale    Scale
	// Places is how many decimals display shows: for money in its scale, for
	// a percent in percentage points, for counts and numbers as written.
	Places int32
}

// InScale returns a money value expressed in its scale (107.6 for 107.6
// billion); other units are returned as they are.
func (v Value) InScale() decimal.Decimal {
	if v.Unit != Money || v.Scale.Exp == 0 {
		return v.D
	}
	return v.D.Shift(-v.Scale.Exp)
}

func signed(s string) string {
	if strings.HasPrefix(s, "-") {
		return "−" + s[1:]
	}
	return s
}

// roundHalfAway rounds half away from zero (shopspring's Round does exactly
// that on the exact decimal).
func roundHalfAway(d decimal.Decimal, places int32) decimal.Decimal {
	return d.Round(places)
}

// DataValue is the machine-readable value for <data value>: money in whole
// currency units, percent as a fraction, each rounded two places past what
// is displayed.
func (v Value) DataValue() string {
	switch v.Unit {
	case Money:
		return v.D.Round(v.Places + v.Scale.Exp).String()
	case Percent:
		return v.D.Round(v.Places + 3).StringFixed(v.Places + 3)
	}
	return v.D.Round(v.Places + 2).String()
}

// Exact returns the exact decimal as a string (for figures.json).
func (v Value) Exact() string { return v.D.String() }

func (v Value) describe() string {
	if v.Unit == Money {
		return fmt.Sprintf("money (%s)", v.Currency)
	}
	return v.Unit.String()
}
