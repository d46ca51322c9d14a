// Package figures is the number engine of briefs: exact decimal values with
// units, strict literals, expressions over named figures, display formats
// and checks. Nothing here uses float64.
package figures

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/shopspring/decimal"
)

// divPlaces is the number of decimal places the stored decimal of a value
// keeps when its exact value has no short decimal (1/3). Arithmetic and
// display rounding use the exact value, so this rounding, done once at the
// end, never decides a shown digit.
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

	// exact is the value D rounds when D is not exact (a quotient such as
	// 1/3): arithmetic and display rounding use it. It holds only while D
	// is still exactD, so code that sets D directly never meets a stale one.
	exact  *big.Rat
	exactD decimal.Decimal
}

// rat is the exact value.
func (v Value) rat() *big.Rat {
	if v.exact != nil && v.D.Equal(v.exactD) {
		return v.exact
	}
	return ratOf(v.D)
}

// ratOf is d.Rat() with the power of ten from a table: resolving a site's
// values made most of their rationals, and Rat computes 10^n each time.
func ratOf(d decimal.Decimal) *big.Rat {
	exp := int64(d.Exponent())
	if exp <= 0 {
		return new(big.Rat).SetFrac(d.Coefficient(), tenTo(-exp))
	}
	num := d.Coefficient()
	return new(big.Rat).SetInt(num.Mul(num, tenTo(exp)))
}

// tenPowers are 10^0 to 10^40, shared: never change one.
var tenPowers = func() (t [41]*big.Int) {
	t[0] = big.NewInt(1)
	for i := 1; i < len(t); i++ {
		t[i] = new(big.Int).Mul(t[i-1], big.NewInt(10))
	}
	return t
}()

// tenTo is 10^n (n ≥ 0), shared when in the table: never change it.
func tenTo(n int64) *big.Int {
	if n < int64(len(tenPowers)) {
		return tenPowers[n]
	}
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(n), nil)
}

// isExact tells whether D is the value exactly.
func (v Value) isExact() bool { return v.exact == nil || !v.D.Equal(v.exactD) }

// sign is the sign of the exact value.
func (v Value) sign() int {
	if !v.isExact() {
		return v.exact.Sign()
	}
	return v.D.Sign()
}

// withRat is v holding the exact value r: D is r itself when r has a
// decimal of at most divPlaces places, else r rounded to divPlaces.
func (v Value) withRat(r *big.Rat) Value {
	v.exact, v.exactD = nil, decimal.Decimal{}
	if r.IsInt() {
		v.D = decimal.NewFromBigInt(r.Num(), 0)
		return v
	}
	d, exact := roundRatExact(r, divPlaces)
	if !exact {
		v.exact, v.exactD = r, d
	}
	v.D = d
	return v
}

// roundRat rounds r half away from zero to places decimals.
func roundRat(r *big.Rat, places int32) decimal.Decimal {
	d, _ := roundRatExact(r, places)
	return d
}

// roundRatExact is roundRat, and whether nothing was rounded off (known
// from the division's remainder, sparing a comparison of fractions).
func roundRatExact(r *big.Rat, places int32) (decimal.Decimal, bool) {
	num := new(big.Int).Abs(r.Num())
	den := r.Denom()
	if places >= 0 {
		num.Mul(num, tenTo(int64(places)))
	} else {
		den = new(big.Int).Mul(den, tenTo(int64(-places)))
	}
	q, m := new(big.Int).QuoRem(num, den, new(big.Int))
	exact := m.Sign() == 0
	if m.Lsh(m, 1).Cmp(den) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if r.Sign() < 0 {
		q.Neg(q)
	}
	return decimal.NewFromBigInt(q, -places), exact
}

// rounded is v times 10^shift rounded half away from zero to places
// decimals, from the exact value.
func (v Value) rounded(shift, places int32) decimal.Decimal {
	if v.isExact() {
		return roundHalfAway(v.D.Shift(shift), places)
	}
	return roundRat(v.exact, places+shift).Shift(shift)
}

// exactAt tells whether v times 10^shift has at most places decimals.
func (v Value) exactAt(shift, places int32) bool {
	if !v.isExact() {
		return false
	}
	d := v.D.Shift(shift)
	return d.Round(places).Equal(d)
}

// neg is -v, exactly.
func (v Value) neg() Value {
	if v.isExact() {
		v.D = v.D.Neg()
		return v
	}
	return v.withRat(new(big.Rat).Neg(v.exact))
}

// abs is |v|, exactly.
func (v Value) abs() Value {
	if v.sign() < 0 {
		return v.neg()
	}
	return v
}

// Cmp compares two values exactly (-1, 0 or 1), whatever their units.
func (v Value) Cmp(w Value) int {
	if v.isExact() && w.isExact() {
		return v.D.Cmp(w.D)
	}
	return v.rat().Cmp(w.rat())
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
		return v.rounded(0, v.Places+v.Scale.Exp).String()
	case Percent:
		return v.rounded(0, v.Places+3).StringFixed(v.Places + 3)
	}
	return v.rounded(0, v.Places+2).String()
}

// Exact returns the value as a decimal string (for figures.json): exact,
// or rounded to 34 places when it has no shorter decimal (1/3).
func (v Value) Exact() string { return v.D.String() }

func (v Value) describe() string {
	if v.Unit == Money {
		return fmt.Sprintf("money (%s)", v.Currency)
	}
	return v.Unit.String()
}

// inScaleExp is the exponent InScale divides by.
func (v Value) inScaleExp() int32 {
	if v.Unit != Money {
		return 0
	}
	return v.Scale.Exp
}

// Sum is the exact sum of vs with like's unit, currency, scale and places
// (a chart's total). Past the bound on exact values (thousands of values of
// different denominators) it is the sum of their decimals.
func Sum(like Value, vs []Value) Value {
	r := new(big.Rat)
	for _, v := range vs {
		r.Add(r, v.rat())
		if r.Num().BitLen() > maxExactBits || r.Denom().BitLen() > maxExactBits {
			d := decimal.Zero
			for _, v := range vs {
				d = d.Add(v.D)
			}
			return Value{D: d, Unit: like.Unit, Currency: like.Currency, Scale: like.Scale, Places: like.Places}
		}
	}
	return like.withRat(r)
}

// Share is part ÷ total as an exact percent (a pie slice's share); total
// must not be 0.
func Share(part, total Value) Value {
	return Value{Unit: Percent, Places: 1}.withRat(new(big.Rat).Quo(part.rat(), total.rat()))
}

// IsZero tells whether the exact value is 0.
func (v Value) IsZero() bool { return v.sign() == 0 }
