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
// shown, it rounds to the value as shown, in every format a reference may
// show it in, for many random figures and derived values (money in
// billions, millions and thousands, percentages, plain numbers, nested
// derived values, chains of divisions, negatives, abs and growth). An
// explanation no few extra decimals reproduce says ≈ and stays close.
func TestExplanationArithmetic(t *testing.T) {
	rng := rand.New(rand.NewSource(12))
	checked, widened, approx := 0, 0, 0
	formats := map[Unit][]string{Money: {"", "money", "money_short"}, Percent: {"", "pct", "pct0", "pct1", "pct2", "pp", "bps"}, Number: {"", "x", "num"}}
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
			for _, format := range formats[f.Value.Unit] {
				for _, g := range []Figure{f, f.Abs()} {
					shownText, err := g.Display(format)
					if err != nil {
						t.Fatal(err)
					}
					expl := g.ExplanationFor(format)
					body, isApprox := strings.CutPrefix(expl, "≈ ")
					if !isApprox {
						body = strings.TrimPrefix(expl, "= ")
					}
					got, err := recompute(body, shownText)
					if err != nil {
						t.Fatalf("%s = %s: cannot read %q back: %v", e.Name, e.ExprText, expl, err)
					}
					again := showLike(got, shownText)
					checked++
					if isApprox {
						approx++
						// Close: see closeTo.
						if !closeTo(got, shownText) {
							t.Errorf("%s = %s shows %s, but its explanation %q computes to %s", e.Name, e.ExprText, shownText, expl, again)
						}
						continue
					}
					if again != shownText {
						t.Errorf("%s = %s shows %s, but its explanation %q computes to %s", e.Name, e.ExprText, shownText, expl, again)
					}
					if format == "" && g.abs == f.abs && strings.ContainsAny(f.Computation, "0123456789") && f.Computation != plainComputation(s, e) {
						widened++
					}
				}
			}
		}
	}
	// The test must exercise the widening, not only exact operands; ≈
	// stays rare.
	t.Logf("%d explanations checked, %d widened, %d approximate", checked, widened, approx)
	if checked < 10000 || widened < 40 || approx*100 > checked {
		t.Fatalf("%d explanations checked, %d widened, %d approximate", checked, widened, approx)
	}
}

// closeTo tells whether r is within one unit of shown's last decimal, or
// within 2% of it (a divisor shown with few digits amplifies).
func closeTo(r *big.Rat, shown string) bool {
	_, mul, places := shownTerms(shown)
	want := showLike(r, shown)
	x, _ := new(big.Rat).SetString(strings.ReplaceAll(strings.Trim(strings.TrimPrefix(want, "−"), "$%×BMK bplionmthusad"), ",", ""))
	y, _ := new(big.Rat).SetString(strings.ReplaceAll(strings.Trim(strings.TrimPrefix(shown, "−"), "$%×BMK bplionmthusad"), ",", ""))
	if x == nil || y == nil {
		return false
	}
	if strings.HasPrefix(want, "−") {
		x.Neg(x)
	}
	if strings.HasPrefix(shown, "−") {
		y.Neg(y)
	}
	_ = mul
	unit := new(big.Rat).SetFrac(big.NewInt(1), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(places)), nil))
	diff := new(big.Rat).Abs(new(big.Rat).Sub(x, y))
	return diff.Cmp(unit) <= 0 || diff.Mul(diff, big.NewRat(50, 1)).Cmp(new(big.Rat).Abs(y)) <= 0
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
	for i := 0; i < 8; i++ {
		name := fmt.Sprintf("f%d", i)
		places := int32(rng.Intn(3))
		d, text := lit(places)
		var v Value
		switch {
		case i == 6:
			v = Value{D: d.Shift(6), Unit: Money, Currency: "USD", Scale: Scale{"million", 6}, Places: places}
		case i == 7:
			v = Value{D: d.Shift(3), Unit: Money, Currency: "USD", Scale: Scale{"thousand", 3}, Places: places}
		case i%3 == 0 || i%3 == 1:
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
		if rng.Intn(6) == 0 {
			// A chain of divisions.
			return "(" + expr(depth-1) + " / " + names[rng.Intn(len(names))] + " / n * " + names[rng.Intn(len(names))] + ")"
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
// 3.1", "|−2.0| × 30%", "$2.5 billion + $500 million") and computes it
// exactly: percentages as fractions, money in the scale of shown (the
// value as displayed) or else of the first amount with a scale word; a
// bare number is in that scale.
func recompute(text, shown string) (*big.Rat, error) {
	unit := int32(9)
	if sc, _, _ := shownTerms(shown); sc >= 0 {
		unit = sc
	} else if i := firstScale(text); i >= 0 {
		unit = i
	}
	p := &explParser{s: text, unit: unit}
	r, err := p.sum()
	if err == nil && p.s != "" {
		err = fmt.Errorf("unread %q", p.s)
	}
	return r, err
}

type explParser struct {
	s    string
	unit int32
}

var scaleWords = []struct {
	word string
	exp  int32
}{{" thousand", 3}, {" million", 6}, {" billion", 9}, {"K", 3}, {"M", 6}, {"B", 9}}

// firstScale is the exponent of text's first scale word, or -1.
func firstScale(text string) int32 {
	at, exp := len(text), int32(-1)
	for _, w := range scaleWords[:3] {
		if i := strings.Index(text, w.word); i >= 0 && i < at {
			at, exp = i, w.exp
		}
	}
	return exp
}

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
	if p.eat("%") {
		return r.Quo(r, big.NewRat(100, 1)), nil
	}
	for _, w := range scaleWords[:3] {
		if p.eat(w.word) {
			return r.Mul(r, pow10(w.exp-p.unit)), nil
		}
	}
	return r, nil
}

func pow10(e int32) *big.Rat {
	p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(max(e, -e))), nil)
	if e < 0 {
		return new(big.Rat).SetFrac(big.NewInt(1), p)
	}
	return new(big.Rat).SetInt(p)
}

// shownTerms reads how a value is shown: the exponent of its scale word
// (-1 for none), what a fraction is multiplied by, and its decimals.
func shownTerms(shown string) (scale int32, mul *big.Rat, places int32) {
	body := strings.TrimPrefix(shown, "−")
	scale, mul = -1, big.NewRat(1, 1)
	switch {
	case strings.HasSuffix(body, " pp"), strings.HasSuffix(body, "%"):
		mul = big.NewRat(100, 1)
	case strings.HasSuffix(body, " bps"):
		mul = big.NewRat(10000, 1)
	case strings.HasPrefix(body, "$"):
		for _, w := range scaleWords {
			if strings.HasSuffix(body, w.word) {
				scale = w.exp
			}
		}
	}
	if i := strings.IndexByte(body, '.'); i >= 0 {
		j := i + 1
		for j < len(body) && body[j] >= '0' && body[j] <= '9' {
			j++
		}
		places = int32(j - i - 1)
	}
	return scale, mul, places
}

// showLike shows r the way shown is written: its unit's sign and scale and
// as many decimals.
func showLike(r *big.Rat, shown string) string {
	body := strings.TrimPrefix(shown, "−")
	_, mul, places := shownTerms(shown)
	prefix, suffix := "", ""
	if strings.HasPrefix(body, "$") {
		prefix = "$"
	}
	for _, sfx := range []string{" pp", "%", " bps", "×", " thousand", " million", " billion", "K", "M", "B"} {
		if strings.HasSuffix(body, sfx) {
			suffix = sfx
			break
		}
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

// The hostile audit's cases: each value is exact and each explanation's
// arithmetic reproduces the value as shown, in the reference's own format
// too, or says ≈.
func TestAuditCases(t *testing.T) {
	million := Scale{"million", 6}
	m := func(lit string, sc Scale) Value {
		d, places, err := ParseLiteral(lit, false)
		if err != nil {
			t.Fatal(err)
		}
		return Value{D: d.Shift(sc.Exp), Unit: Money, Currency: "USD", Scale: sc, Places: places}
	}
	s := NewSet("x.md", "FY2024")
	add := func(name, lit string, v Value) {
		if err := s.Add(&Entry{Name: name, Label: name, Value: v, Literal: lit}); err != nil {
			t.Fatal(err)
		}
	}
	add("x", "14.5", m("14.5", billion))
	add("y", "300.0", m("300.0", billion))
	add("a", "1.15", m("1.15", billion))
	add("b", "2.5", m("2.5", billion))
	add("mm", "500", m("500", million))
	add("one", "1.0", m("1.0", billion))
	add("three", "3.0", m("3.0", billion))
	add("c", "3", Value{D: dec("3"), Unit: Number})
	add("p1", "21.954", m("21.954", billion))
	add("q1", "19.962", m("19.962", billion))
	add("h", "100.0", m("100.0", billion))
	for _, d := range []struct{ name, expr, format string }{
		{"s", "x / y", ""},
		{"s3", "s * 3", "pct0"},
		{"per", "a / 3", ""},
		{"y3", "per * 1.5", ""},
		{"y3b", "per * 3 * 0.5", ""},
		{"total", "b + mm", ""},
		{"share", "mm / b", ""},
		{"third", "one / three", ""},
		{"d2", "third * c", ""},
		{"p", "p1 / h", ""},
		{"q", "q1 / h", ""},
		{"dm", "p - q", ""},
	} {
		n, err := ParseExpr(d.expr)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Add(&Entry{Name: d.name, Label: d.name, Derived: true, Expr: n, ExprText: d.expr, Format: d.format}); err != nil {
			t.Fatal(err)
		}
	}
	if errs := s.Resolve(); len(errs) > 0 {
		t.Fatal(errs)
	}
	tests := []struct {
		name, format, shown, data, title string
		abs                              bool
	}{
		// 14.5 ÷ 300 × 3 is 0.145 exactly: 15%, not 14%. No few decimals
		// of 4.8333…% times 3 come to 14.5%.
		{name: "s3", shown: "15%", data: "0.1450", title: "≈ 4.83333% × 3"},
		{name: "y3", shown: "$0.58 billion", data: "575000000", title: "≈ $0.383333 billion × 1.5"},
		{name: "y3b", shown: "$0.58 billion", data: "575000000", title: "≈ $0.383333 billion × 3 × 0.5"},
		{name: "total", shown: "$3.0 billion", data: "3000000000", title: "= $2.5 billion + $500 million"},
		{name: "share", shown: "20.0%", data: "0.2000", title: "= $500 million ÷ $2.5 billion"},
		{name: "d2", shown: "100.0%", data: "1.0000", title: "= 33.33% × 3"},
		{name: "d2", format: "pct2", shown: "100.00%", data: "1.0000", title: "= 33.333% × 3"},
		{name: "dm", shown: "2.0%", data: "0.0199", title: "= 22.0% − 20.0%"},
		{name: "dm", format: "bps", shown: "199 bps", data: "0.0199", title: "= 21.95% − 19.96%"},
		{name: "dm", abs: true, shown: "2.0%", data: "0.0199", title: "= |22.0% − 20.0%|"},
	}
	for _, tt := range tests {
		f, ok := s.Figure(tt.name)
		if !ok {
			t.Fatalf("%s has no value", tt.name)
		}
		if tt.abs {
			f = f.Abs()
		}
		shown, err := f.Display(tt.format)
		if err != nil {
			t.Fatal(err)
		}
		if got := [3]string{shown, f.Data(), f.ExplanationFor(tt.format)}; got != [3]string{tt.shown, tt.data, tt.title} {
			t.Errorf("{{ %s:%s }} = %q, want %q", tt.name, tt.format, got, [3]string{tt.shown, tt.data, tt.title})
		}
	}
	if f, _ := s.Figure("s3"); f.Value.Exact() != "0.145" {
		t.Errorf("s3 = %s, want 0.145", f.Value.Exact())
	}
}

// Values read across briefs stay exact, and operands in different scales
// show their scale.
func TestAuditAcrossScales(t *testing.T) {
	co := company{}
	for _, y := range []struct {
		period, lit string
		sc          Scale
	}{{"FY2023", "1234.5", Scale{"million", 6}}, {"FY2024", "1.41", billion}} {
		s := NewSet("content/"+y.period+".md", y.period)
		d, places, _ := ParseLiteral(y.lit, false)
		if err := s.Add(&Entry{Name: "sales", Value: Value{D: d.Shift(y.sc.Exp), Unit: Money, Currency: "USD", Scale: y.sc, Places: places}, Literal: y.lit}); err != nil {
			t.Fatal(err)
		}
		co[y.period] = s
	}
	for _, name := range []string{"x", "y"} {
		lit := map[string]string{"x": "14.5", "y": "300.0"}[name]
		d, places, _ := ParseLiteral(lit, false)
		_ = co["FY2023"].Add(&Entry{Name: name, Value: Value{D: d.Shift(9), Unit: Money, Currency: "USD", Scale: billion, Places: places}, Literal: lit})
	}
	derive(t, co["FY2023"], "ratio", "x / y")
	for _, s := range co {
		s.SetResolver(co)
	}
	s := co["FY2024"]
	// A derived value read from another brief is exact: 14.5 ÷ 300 × 3
	// is 14.5%, which shows 15%.
	n, _ := ParseExpr("ratio@FY2023 * 3")
	f, err := s.Expr(n)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := f.Display("pct0"); got != "15%" || f.Value.Exact() != "0.145" {
		t.Errorf("ratio@FY2023 * 3 = %s (%s), want 15%% (0.145)", got, f.Value.Exact())
	}
	for expr, want := range map[string]string{
		"growth(sales)":        "14.2% = $1.41 billion ÷ $1,234.5 million − 1",
		"sales + sales@FY2023": "$2.64 billion = $1.41 billion + $1,234.5 million",
	} {
		n, err := ParseExpr(expr)
		if err != nil {
			t.Fatal(err)
		}
		f, err := s.Expr(n)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.Text() + " = " + f.Computation; got != want {
			t.Errorf("%s: %q, want %q", expr, got, want)
		}
	}
}
