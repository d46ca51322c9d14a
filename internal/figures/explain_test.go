package figures

import (
	"fmt"
	"math/big"
	"math/rand"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

// An explanation's arithmetic comes out: done again on its operands as
// shown, it rounds to the value as shown, for many random figures and
// derived values (money in billions, percentages, plain numbers, nested
// derived values, negatives, abs and growth).
func TestExplanationArithmetic(t *testing.T) {
	rng := rand.New(rand.NewSource(12))
	checked, widened := 0, 0
	for round := 0; round < 1000; round++ {
		s := randomSet(rng)
		s.Resolve()
		for _, e := range s.Entries() {
			if !e.Derived {
				continue
			}
			f, ok := s.Figure(e.Name)
			if !ok {
				continue // a unit error or a division by zero
			}
			shownText := f.Text()
			got, err := recompute(f.Computation)
			if err != nil {
				t.Fatalf("%s = %s: cannot read %q back: %v", e.Name, e.ExprText, f.Computation, err)
			}
			if again := showLike(got, shownText); again != shownText {
				t.Errorf("%s = %s shows %s, but its explanation %q computes to %s", e.Name, e.ExprText, shownText, f.Computation, again)
			}
			checked++
			if strings.ContainsAny(f.Computation, "0123456789") && f.Computation != plainComputation(s, e) {
				widened++
			}
		}
	}
	// The test must exercise the widening, not only exact operands.
	if checked < 1000 || widened < 40 {
		t.Fatalf("only %d explanations checked, %d widened", checked, widened)
	}
}

// plainComputation is the explanation without widening.
func plainComputation(s *Set, e *Entry) string {
	r, err := s.eval(e.Expr, nil)
	if err != nil {
		return ""
	}
	return r.comp.String()
}

func randomSet(rng *rand.Rand) *Set {
	s := NewSet("x.md", "FY2024")
	lit := func(places int32) (decimal.Decimal, string) {
		d := decimal.New(rng.Int63n(200000)-20000, -places)
		if rng.Intn(4) == 0 {
			d = decimal.New(rng.Int63n(2000)+1, -places)
		}
		return d, d.StringFixed(places)
	}
	var names []string
	for i := 0; i < 6; i++ {
		name := fmt.Sprintf("f%d", i)
		places := int32(rng.Intn(3))
		d, text := lit(places)
		var v Value
		switch i % 3 {
		case 0, 1:
			v = Value{D: d.Shift(9), Unit: Money, Currency: "USD", Scale: billion, Places: places}
		default:
			v = Value{D: d.Shift(-2), Unit: Percent, Places: max(places, 1)}
		}
		e := &Entry{Name: name, Label: name, Value: v, Literal: text}
		if i == 1 {
			// A series, for growth.
			pd, ptext := lit(places)
			pd = pd.Abs().Add(decimal.New(1, -places))
			e.Series = []Point{{Period: "FY2023", Value: Value{D: pd.Shift(9), Unit: Money, Currency: "USD", Scale: billion, Places: places}, Literal: ptext},
				{Period: "FY2024", Value: v, Literal: text}}
			e.Series[0].Literal = pd.StringFixed(places)
		}
		_ = s.Add(e)
		names = append(names, name)
	}
	_ = s.Add(&Entry{Name: "n", Label: "n", Value: Value{D: dec("3"), Unit: Number}, Literal: "3"})
	names = append(names, "n")
	ops := []string{" + ", " - ", " * ", " / "}
	var expr func(depth int) string
	expr = func(depth int) string {
		if depth == 0 || rng.Intn(3) == 0 {
			switch rng.Intn(12) {
			case 0:
				return "growth(f1)"
			case 1:
				return "abs(" + names[rng.Intn(len(names))] + ")"
			case 2:
				return "-" + names[rng.Intn(len(names))]
			}
			return names[rng.Intn(len(names))]
		}
		return "(" + expr(depth-1) + ops[rng.Intn(len(ops))] + expr(depth-1) + ")"
	}
	formats := map[Unit][]string{Money: {"", "money"}, Percent: {"", "pct0", "pct1", "pct2", "pp"}, Number: {"", "x", "num"}}
	for i := 0; i < 8; i++ {
		name := fmt.Sprintf("d%d", i)
		text := expr(2)
		n, err := ParseExpr(text)
		if err != nil {
			panic(err)
		}
		e := &Entry{Name: name, Label: name, Derived: true, Expr: n, ExprText: text}
		// A format fitting the value's unit, once it is known.
		if r, err := s.eval(n, nil); err == nil {
			fs := formats[r.v.Unit]
			e.Format = fs[rng.Intn(len(fs))]
		}
		_ = s.Add(e)
		names = append(names, name)
	}
	s.Reset()
	return s
}

// recompute reads an explanation back ("36.99% ÷ 5.43%", "$28.8 billion −
// 3.1", "|−2.0| × 30%") and computes it exactly: percentages as fractions,
// money in billions.
func recompute(text string) (*big.Rat, error) {
	p := &explParser{s: text}
	r, err := p.sum()
	if err == nil && p.s != "" {
		err = fmt.Errorf("unread %q", p.s)
	}
	return r, err
}

type explParser struct{ s string }

func (p *explParser) eat(tok string) bool {
	if strings.HasPrefix(p.s, tok) {
		p.s = p.s[len(tok):]
		return true
	}
	return false
}

func (p *explParser) sum() (*big.Rat, error) {
	l, err := p.product()
	for err == nil {
		var sub bool
		switch {
		case p.eat(" + "):
		case p.eat(" − "):
			sub = true
		default:
			return l, nil
		}
		var r *big.Rat
		if r, err = p.product(); err == nil {
			if sub {
				l = new(big.Rat).Sub(l, r)
			} else {
				l = new(big.Rat).Add(l, r)
			}
		}
	}
	return nil, err
}

func (p *explParser) product() (*big.Rat, error) {
	l, err := p.unary()
	for err == nil {
		var div bool
		switch {
		case p.eat(" × "):
		case p.eat(" ÷ "):
			div = true
		default:
			return l, nil
		}
		var r *big.Rat
		if r, err = p.unary(); err == nil {
			if div {
				if r.Sign() == 0 {
					return nil, fmt.Errorf("division by a shown 0")
				}
				l = new(big.Rat).Quo(l, r)
			} else {
				l = new(big.Rat).Mul(l, r)
			}
		}
	}
	return nil, err
}

func (p *explParser) unary() (*big.Rat, error) {
	if p.eat("−") {
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		return new(big.Rat).Neg(x), nil
	}
	switch {
	case p.eat("("):
		x, err := p.sum()
		if err == nil && !p.eat(")") {
			err = fmt.Errorf("no ) at %q", p.s)
		}
		return x, err
	case p.eat("|"):
		x, err := p.sum()
		if err == nil && !p.eat("|") {
			err = fmt.Errorf("no | at %q", p.s)
		}
		if err != nil {
			return nil, err
		}
		return new(big.Rat).Abs(x), nil
	}
	p.eat("$")
	i := 0
	for i < len(p.s) && (p.s[i] >= '0' && p.s[i] <= '9' || p.s[i] == '.' || p.s[i] == ',') {
		i++
	}
	if i == 0 {
		return nil, fmt.Errorf("no number at %q", p.s)
	}
	r, ok := new(big.Rat).SetString(strings.ReplaceAll(p.s[:i], ",", ""))
	if !ok {
		return nil, fmt.Errorf("bad number %q", p.s[:i])
	}
	p.s = p.s[i:]
	switch {
	case p.eat("%"):
		r.Quo(r, big.NewRat(100, 1))
	case p.eat(" billion"):
	}
	return r, nil
}

// showLike shows r the way shown is written: its unit's sign and scale and
// as many decimals.
func showLike(r *big.Rat, shown string) string {
	body := strings.TrimPrefix(shown, "−")
	prefix, suffix, mul := "", "", big.NewRat(1, 1)
	switch {
	case strings.HasSuffix(body, " pp"):
		suffix, mul = " pp", big.NewRat(100, 1)
	case strings.HasSuffix(body, "%"):
		suffix, mul = "%", big.NewRat(100, 1)
	case strings.HasSuffix(body, "×"):
		suffix = "×"
	case strings.HasSuffix(body, " billion"):
		prefix, suffix = "$", " billion"
	}
	num := strings.TrimSuffix(strings.TrimPrefix(body, prefix), suffix)
	places := int32(0)
	if i := strings.IndexByte(num, '.'); i >= 0 {
		places = int32(len(num) - i - 1)
	}
	v := Value{D: decimal.NewFromBigRat(new(big.Rat).Mul(r, mul), 40), Unit: Number}
	return withSign(v.D, places, prefix, suffix)
}

// The brief's own example: 37.0% ÷ 5.4% is 6.85, which would show 6.9×.
func TestExplanationWidensRoundedOperands(t *testing.T) {
	s := NewSet("x.md", "")
	for _, f := range []struct{ name, lit string }{{"sales", "638.0"}, {"aws_sales", "107.6"}, {"oi", "68.6"}, {"aws_oi", "39.8"}} {
		d := dec(f.lit)
		_ = s.Add(&Entry{Name: f.name, Label: f.name, Value: Value{D: d.Shift(9), Unit: Money, Currency: "USD", Scale: billion, Places: 1}, Literal: f.lit})
	}
	for _, d := range []struct{ name, expr, format string }{
		{"aws_margin", "aws_oi / aws_sales", ""},
		{"other_margin", "(oi - aws_oi) / (sales - aws_sales)", ""},
		{"multiple", "aws_margin / other_margin", "x"},
		{"exact", "aws_oi / oi", ""},
	} {
		n, err := ParseExpr(d.expr)
		if err != nil {
			t.Fatal(err)
		}
		_ = s.Add(&Entry{Name: d.name, Label: d.name, Derived: true, Expr: n, ExprText: d.expr, Format: d.format})
	}
	if errs := s.Resolve(); len(errs) > 0 {
		t.Fatal(errs)
	}
	for name, want := range map[string]string{"multiple": "6.8× = 36.99% ÷ 5.43%", "exact": "58.0% = 39.8 ÷ 68.6", "aws_margin": "37.0% = 39.8 ÷ 107.6"} {
		f, _ := s.Figure(name)
		if got := f.Text() + " " + f.How(); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
}
