package figures

import (
	"errors"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/briefs/briefs/internal/diag"
	"github.com/shopspring/decimal"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

var billion = Scale{"billion", 9}

func money(s string, places int32) Value {
	return Value{D: dec(s).Shift(9), Unit: Money, Currency: "USD", Scale: billion, Places: places}
}

func pct(s string) Value { return Value{D: dec(s), Unit: Percent, Places: 1} }

func TestFormat(t *testing.T) {
	tests := []struct {
		name   string
		v      Value
		format string
		want   string
	}{
		{"14.5/100 as pct0 rounds half away from zero", Value{D: dec("14.5").Div(dec("100")), Unit: Percent, Places: 1}, "pct0", "15%"},
		{"0.125 as pct1", pct("0.125"), "pct1", "12.5%"},
		{"0.125 as pct0", pct("0.125"), "pct0", "13%"},
		{"-0.05 as pct0", pct("-0.05"), "pct0", "−5%"},
		{"-0.005 as pct0 rounds away from zero", pct("-0.005"), "pct0", "−1%"},
		{"-0.125 as pct", pct("-0.125"), "pct", "−12.5%"},
		{"0.58017 as pct", pct("0.5801749271137026"), "pct", "58.0%"},
		{"pct default", pct("0.1686520376"), "", "16.9%"},
		{"pct2", pct("0.1686520376"), "pct2", "16.87%"},
		{"2.675 money at two decimals", money("2.675", 2), "money", "$2.68 billion"},
		{"-2.675 money at two decimals", money("-2.675", 2), "money", "−$2.68 billion"},
		{"money keeps source decimals", money("638.0", 1), "money", "$638.0 billion"},
		{"negative money", money("-2.8", 1), "money", "−$2.8 billion"},
		{"money_short", money("107.6", 1), "money_short", "$107.6B"},
		{"money_short negative", money("-17.73", 2), "money_short", "−$17.73B"},
		{"money in ones groups thousands", Value{D: dec("1556000"), Unit: Money, Currency: "USD", Scale: Scale{"one", 0}}, "money", "$1,556,000"},
		{"euro millions", Value{D: dec("5.5").Shift(6), Unit: Money, Currency: "EUR", Scale: Scale{"million", 6}, Places: 1}, "money_short", "€5.5M"},
		{"unknown currency code", Value{D: dec("12").Shift(3), Unit: Money, Currency: "SEK", Scale: Scale{"thousand", 3}}, "money", "SEK 12 thousand"},
		{"num count", Value{D: dec("1234567"), Unit: Count}, "num", "1,234,567"},
		{"num number with decimals", Value{D: dec("-3.25"), Unit: Number, Places: 2}, "", "−3.25"},
		{"x multiple", Value{D: dec("3.4375"), Unit: Number, Places: 1}, "x", "3.4×"},
		{"x of a percent ratio", Value{D: dec("6.812"), Unit: Percent, Places: 1}, "x", "6.8×"},
		{"pp", pct("0.0215"), "pp", "2.2 pp"},
		{"pp negative", pct("-0.0215"), "pp", "−2.2 pp"},
		{"bps", pct("0.0215"), "bps", "215 bps"},
		{"bps rounds half away", pct("0.00125"), "bps", "13 bps"},
		{"zero percent", pct("0"), "pct", "0.0%"},
		{"negative zero after rounding shows no sign", pct("-0.0001"), "pct", "0.0%"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Format(tt.v, tt.format)
			if err != nil {
				t.Fatalf("Format: %v", err)
			}
			if got != tt.want {
				t.Errorf("Format(%s, %q) = %q, want %q", tt.v.D, tt.format, got, tt.want)
			}
		})
	}
}

func TestFormatErrors(t *testing.T) {
	tests := []struct {
		v      Value
		format string
		want   string
	}{
		{money("1", 0), "pct", "format pct needs a percent"},
		{pct("0.1"), "money", "format money needs money"},
		{money("1", 0), "x", "not one"},
		{pct("0.1"), "num", "use pct or pp"},
		{pct("0.1"), "pct7", "unknown format"},
		{pct("0.1"), "percent", "unknown format"},
	}
	for _, tt := range tests {
		_, err := Format(tt.v, tt.format)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Format(%v, %q) error = %v, want containing %q", tt.v.Unit, tt.format, err, tt.want)
		}
	}
}

func TestDataValue(t *testing.T) {
	tests := []struct {
		v    Value
		want string
	}{
		{pct("0.5801749271137026"), "0.5802"},
		{pct("0.1686520376"), "0.1687"},
		{money("107.6", 1), "107600000000"},
		{Value{D: dec("17"), Unit: Count}, "17"},
	}
	for _, tt := range tests {
		if got := tt.v.DataValue(); got != tt.want {
			t.Errorf("DataValue(%s) = %q, want %q", tt.v.D, got, tt.want)
		}
	}
}

func TestParseLiteral(t *testing.T) {
	good := []struct {
		in     string
		want   string
		places int32
	}{
		{"638.0", "638", 1}, {"-2.8", "-2.8", 1}, {"1556000", "1556000", 0}, {"0", "0", 0}, {"0.125", "0.125", 3},
	}
	for _, tt := range good {
		d, places, err := ParseLiteral(tt.in, false)
		if err != nil || !d.Equal(dec(tt.want)) || places != tt.places {
			t.Errorf("ParseLiteral(%q) = %s, %d, %v; want %s, %d", tt.in, d, places, err, tt.want, tt.places)
		}
	}
	bad := []struct {
		in     string
		quoted bool
		want   string
	}{
		{"NO", false, "boolean"},
		{"yes", false, "boolean"},
		{"010", false, "write 10"},
		{"-007.5", false, "write -7.5"},
		{"0x10", false, "hexadecimal"},
		{"1_000", false, "write 1000"},
		{"1e3", false, "write 1000"},
		{"2.5E-1", false, "write 0.25"},
		{".nan", false, "not a finite number"},
		{".inf", false, "not a finite number"},
		{"-.inf", false, "not a finite number"},
		{"12%", true, "write 12 with unit: percent"},
		{"12%", false, "write 12 with unit: percent"},
		{"1,234", false, "write 1234"},
		{"638.0", true, "quoted string"},
		{"+5", false, "write 5"},
		{".5", false, "digits on both sides"},
		{"5.", false, "digits on both sides"},
		{"$5", false, "currency symbol"},
		{"~", false, "null"},
		{"", false, "needs a value"},
		{"twelve", false, "not a plain decimal number"},
	}
	for _, tt := range bad {
		_, _, err := ParseLiteral(tt.in, tt.quoted)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseLiteral(%q, quoted=%v) error = %v, want containing %q", tt.in, tt.quoted, err, tt.want)
		}
	}
}

// amazon returns the set of DESIGN.md's example brief.
func amazon(t *testing.T) *Set {
	t.Helper()
	s := NewSet("content/x.md", "FY2024")
	src := &Source{ID: "q4-2024", Title: "Amazon Q4 2024 Earnings Release"}
	add := func(name, lit string, places int32) {
		if err := s.Add(&Entry{Name: name, Label: name, Value: money(lit, places), Literal: lit, Source: src}); err != nil {
			t.Fatal(err)
		}
	}
	add("net_sales", "638.0", 1)
	add("aws_net_sales", "107.6", 1)
	add("operating_income", "68.6", 1)
	add("aws_operating_income", "39.8", 1)
	if err := s.Add(&Entry{Name: "cloud_share", Value: Value{D: dec("0.30"), Unit: Percent, Places: 1}, Literal: "30"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Add(&Entry{Name: "sales", Series: []Point{
		{Period: "FY2023", Value: money("574.8", 1), Literal: "574.8"},
		{Period: "FY2024", Value: money("638.0", 1), Literal: "638.0"},
	}, Source: src}); err != nil {
		t.Fatal(err)
	}
	return s
}

func derive(t *testing.T, s *Set, name, expr string) {
	t.Helper()
	n, err := ParseExpr(expr)
	if err != nil {
		t.Fatalf("ParseExpr(%q): %v", expr, err)
	}
	if err := s.Add(&Entry{Name: name, Derived: true, Expr: n, ExprText: expr, ExprAt: diag.Pos{Line: 10, Col: 5}}); err != nil {
		t.Fatal(err)
	}
}

func TestDerived(t *testing.T) {
	tests := []struct {
		expr, want, comp string
	}{
		{"aws_net_sales / net_sales", "16.9%", "107.6 ÷ 638.0"},
		{"aws_operating_income / operating_income", "58.0%", "39.8 ÷ 68.6"},
		{"(operating_income - aws_operating_income) / (net_sales - aws_net_sales)", "5.4%", "(68.6 − 39.8) ÷ (638.0 − 107.6)"},
		{"operating_income - aws_operating_income", "$28.8 billion", "68.6 − 39.8"},
		{"aws_operating_income - operating_income", "−$28.8 billion", "39.8 − 68.6"},
		{"net_sales * 10%", "$63.8 billion", "638.0 × 10%"},
		{"net_sales / 2", "$319.0 billion", "638.0 ÷ 2"},
		{"-aws_net_sales", "−$107.6 billion", "−107.6"},
		{"growth(sales)", "11.0%", "638.0 ÷ 574.8 − 1"},
		{"sales@FY2024 - sales@FY2023", "$63.2 billion", "638.0 − 574.8"},
		{"sales", "$638.0 billion", "638.0"},
		{"cloud_share - 25%", "5.0%", "30% − 25%"},
		{"2 + 3 * 4", "14.0", "2 + 3 × 4"},
		{"(2 + 3) * 4", "20.0", "(2 + 3) × 4"},
		{"abs(aws_operating_income - operating_income)", "$28.8 billion", "|39.8 − 68.6|"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			s := amazon(t)
			derive(t, s, "d", tt.expr)
			if errs := s.Resolve(); len(errs) > 0 {
				t.Fatalf("Resolve: %v", errs)
			}
			e, _ := s.Figure("d")
			got, err := Format(e.Value, "")
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want || e.Computation != tt.comp {
				t.Errorf("%s = %q (%s), want %q (%s)", tt.expr, got, e.Computation, tt.want, tt.comp)
			}
		})
	}
}

func TestDerivedIsExact(t *testing.T) {
	// 0.1 + 0.2 is 0.3 exactly, and 1/3*3 is within the 34-place quotient.
	s := NewSet("x.md", "")
	for _, f := range []struct{ n, v string }{{"a", "0.1"}, {"b", "0.2"}, {"c", "0.3"}} {
		_ = s.Add(&Entry{Name: f.n, Value: Value{D: dec(f.v), Unit: Number, Places: 1}, Literal: f.v})
	}
	derive(t, s, "sum", "a + b")
	if errs := s.Resolve(); len(errs) > 0 {
		t.Fatal(errs)
	}
	e, _ := s.Figure("sum")
	c, _ := s.Figure("c")
	if !e.Value.D.Equal(c.Value.D) {
		t.Errorf("0.1 + 0.2 = %s, want exactly 0.3", e.Value.D)
	}
}

func TestDerivedErrors(t *testing.T) {
	tests := []struct {
		exprs [][2]string // name, expression
		want  []string    // "line:col: message part" per error
	}{
		{[][2]string{{"d", "aws_net_sale / net_sales"}}, []string{"10:5: unknown name aws_net_sale (did you mean aws_net_sales?)"}},
		{[][2]string{{"d", "net_sales / (aws_net_sales - aws_net_sales)"}}, []string{"10:15: division by zero"}},
		{[][2]string{{"d", "net_sales + cloud_share"}}, []string{"10:15: cannot add money (USD) and percent"}},
		{[][2]string{{"d", "net_sales * net_sales"}}, []string{"10:15: cannot multiply money by money"}},
		{[][2]string{{"d", "2 / net_sales"}}, []string{"10:7: cannot divide number by money"}},
		{[][2]string{{"a", "b + 1"}, {"b", "a + 1"}}, []string{"10:5: cycle among derived values: a → b → a"}},
		{[][2]string{{"a", "a * 2"}}, []string{"10:5: cycle among derived values: a → a"}},
		{[][2]string{{"d", "sales@FY2020"}}, []string{"10:5: sales has no period FY2020 (it has FY2023, FY2024)"}},
		{[][2]string{{"d", "net_sales@FY2023"}}, []string{"10:5: net_sales is not a series"}},
		{[][2]string{{"d", "growth(net_sales)"}}, []string{"10:12: growth needs a series"}},
		{[][2]string{{"d", "growht(sales)"}}, []string{"10:5: unknown function growht (did you mean growth?)"}},
		// An error in a derived value is reported once, at its own expression.
		{[][2]string{{"a", "nope"}, {"b", "a + 1"}}, []string{"10:5: unknown name nope"}},
	}
	for _, tt := range tests {
		t.Run(tt.exprs[0][1], func(t *testing.T) {
			s := amazon(t)
			for _, e := range tt.exprs {
				derive(t, s, e[0], e[1])
			}
			errs := s.Resolve()
			if len(errs) != len(tt.want) {
				t.Fatalf("got %d errors %v, want %d", len(errs), errs, len(tt.want))
			}
			for i, w := range tt.want {
				if !strings.Contains(errs[i].Error(), w) {
					t.Errorf("error %d = %q, want containing %q", i, errs[i].Error(), w)
				}
			}
		})
	}
}

func TestSyntaxErrors(t *testing.T) {
	tests := []struct {
		src string
		off int
		msg string
	}{
		{"a +", 3, "ends too early"},
		{"(a + b", 0, "unclosed parenthesis"},
		{"a $ b", 2, "unexpected"},
		{"1e3 * a", 0, "not a plain decimal"},
		{"010 + a", 0, "leading zero"},
		{"a@", 2, "expected a period"},
		{"f(a", 0, "unclosed call"},
	}
	for _, tt := range tests {
		_, err := ParseExpr(tt.src)
		se, ok := err.(*SyntaxError)
		if !ok || se.Off != tt.off || !strings.Contains(se.Msg, tt.msg) {
			t.Errorf("ParseExpr(%q) = %v, want %q at %d", tt.src, err, tt.msg, tt.off)
		}
	}
}

func TestChecks(t *testing.T) {
	tests := []struct {
		src  string
		ok   bool
		left string
		err  string
	}{
		{"aws_net_sales / net_sales < 20%", true, "16.9%", ""},
		{"aws_operating_income / operating_income > 50%", true, "58.0%", ""},
		{"aws_operating_income / operating_income > 60%", false, "58.0%", ""},
		{"aws_net_sales + aws_operating_income <= net_sales", true, "$147.4 billion", ""},
		{"operating_income == 68.6", false, "", "cannot compare money (USD) with number"},
		{"aws_net_sales / net_sales < 0.2", false, "", "write percent literals with %"},
		{"2 > 1", true, "2.0", ""},
		// Zero compares with any unit; money literals compare with money of
		// their currency only.
		{"-operating_income < 0", true, "−$68.6 billion", ""},
		{"operating_income > 0", true, "$68.6 billion", ""},
		{"aws_sales_share > 0", true, "16.9%", ""},
		{"operating_income == $68.6 billion", true, "$68.6 billion", ""},
		{"operating_income > $60 billion", true, "$68.6 billion", ""},
		{"net_sales > $600B", true, "$638.0 billion", ""},
		{"aws_operating_income - operating_income > −$28.9 billion", true, "−$28.8 billion", ""},
		{"aws_operating_income - operating_income < -$28.7 billion", true, "−$28.8 billion", ""},
		{"operating_income < $68,600 million", false, "", "unexpected"},
		{"eur == eur_too", true, "€5.0 billion", ""},
		{"eur == operating_income", false, "", "cannot compare EUR and USD amounts"},
		{"eur > $1 billion", false, "", "cannot compare EUR and USD amounts"},
		{"operating_income < €70 billion", false, "", "cannot compare USD and EUR amounts"},
		{"eur + operating_income > 0", false, "", "cannot add EUR and USD amounts"},
	}
	for _, tt := range tests {
		s := amazon(t)
		for _, name := range []string{"eur", "eur_too"} {
			if err := s.Add(&Entry{Name: name, Value: Value{D: dec("5000000000"), Unit: Money, Currency: "EUR", Scale: Scale{"billion", 9}, Places: 1}, Literal: "5.0"}); err != nil {
				t.Fatal(err)
			}
		}
		derive(t, s, "aws_sales_share", "aws_net_sales / net_sales")
		if errs := s.Resolve(); len(errs) > 0 {
			t.Fatal(errs)
		}
		c, err := ParseCheck(tt.src)
		if err != nil && tt.err != "" && strings.Contains(err.Error(), tt.err) {
			continue
		}
		if err != nil {
			t.Fatalf("ParseCheck(%q): %v", tt.src, err)
		}
		res, err := s.Check(c)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("Check(%q) error = %v, want %q", tt.src, err, tt.err)
			}
			continue
		}
		if err != nil || res.OK != tt.ok || res.Left != tt.left {
			t.Errorf("Check(%q) = %+v, %v; want ok=%v left=%q", tt.src, res, err, tt.ok, tt.left)
		}
	}
	if _, err := ParseCheck("a + b"); err == nil || !strings.Contains(err.Error(), "needs a comparison") {
		t.Errorf("ParseCheck without comparison: %v", err)
	}
}

func FuzzParseLiteral(f *testing.F) {
	for _, s := range []string{"638.0", "-2.8", "NO", "010", "0x10", "1_000", "1e3", ".nan", "12%", "1,234", "", "-", "0.", "9999999999999999999999.99"} {
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, quoted bool) {
		d, places, err := ParseLiteral(s, quoted)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		if quoted || !plainDecimal.MatchString(strings.TrimSpace(s)) {
			t.Fatalf("accepted %q", s)
		}
		if got := d.StringFixed(places); strings.TrimLeft(got, "-") != strings.TrimLeft(strings.TrimSpace(s), "-") && !(d.IsZero() && strings.HasPrefix(strings.TrimSpace(s), "-")) {
			t.Fatalf("ParseLiteral(%q) round trip = %q", s, got)
		}
	})
}

func FuzzParseExpr(f *testing.F) {
	for _, s := range []string{"a / b", "(a - b) / (c - d)", "growth(sales)", "sales@FY2023 * 10%", "-a", "a +", "((", "f(a, b", "1e3", "a@"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		n, err := ParseExpr(src)
		if err != nil {
			se, ok := err.(*SyntaxError)
			if !ok || se.Off < 0 || se.Off > len(src) || se.Msg == "" {
				t.Fatalf("ParseExpr(%q): error without a position: %v", src, err)
			}
			return
		}
		// Whatever parses evaluates to a value or a positioned error.
		s := NewSet("x.md", "FY2024")
		_ = s.Add(&Entry{Name: "a", Value: money("1.5", 1), Literal: "1.5"})
		_ = s.Add(&Entry{Name: "sales", Series: []Point{{Period: "FY2023", Value: money("1", 0), Literal: "1"}, {Period: "FY2024", Value: money("2", 0), Literal: "2"}}})
		if _, _, _, err := s.Eval(n); err != nil {
			switch e := err.(type) {
			case *EvalError:
				if e.Off < 0 || e.Off > len(src) {
					t.Fatalf("Eval(%q): offset %d outside the source", src, e.Off)
				}
			default:
				t.Fatalf("Eval(%q): unpositioned error %T %v", src, err, err)
			}
		}
	})
}

func FuzzParseCheck(f *testing.F) {
	for _, s := range []string{"a < 20%", "a >= b", "a == 1", "a", "< 1", "a <", "a <= b <= c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		_, err := ParseCheck(src)
		if err != nil {
			se, ok := err.(*SyntaxError)
			if !ok || se.Off < 0 || se.Off > len(src) || se.Msg == "" {
				t.Fatalf("ParseCheck(%q): error without a position: %v", src, err)
			}
		}
	})
}

// TestGrowthOrdersPeriodsInTime lists series out of order: growth compares
// with the previous period in time, of the same kind, never the previous
// one in the file.
func TestGrowthOrdersPeriodsInTime(t *testing.T) {
	tests := []struct {
		period string
		series [][2]string
		want   string // the value, or the error
	}{
		{"FY2023", [][2]string{{"FY2024", "30.0"}, {"FY2023", "20.0"}, {"FY2022", "10.0"}}, "100.0%"},
		{"FY2024", [][2]string{{"FY2024", "30.0"}, {"FY2022", "10.0"}, {"FY2023", "20.0"}}, "50.0%"},
		{"FY2024Q1", [][2]string{{"FY2024Q1", "12.0"}, {"FY2023", "40.0"}, {"FY2023Q4", "10.0"}, {"FY2023Q3", "9.0"}}, "20.0%"},
		{"FY2024", [][2]string{{"FY2024H1", "12.0"}, {"FY2024", "30.0"}, {"FY2023H2", "10.0"}, {"FY2023", "25.0"}}, "20.0%"},
		{"FY2023", [][2]string{{"FY2023", "-5.0"}, {"FY2022", "-10.0"}}, "10:12: growth from a negative base is not meaningful (s@FY2022 is −10.0): compare the amounts instead, such as s@FY2023 - s@FY2022"},
		{"FY2022", [][2]string{{"FY2023", "20.0"}, {"FY2022", "10.0"}}, "10:12: s has no value for FY2021, the period before FY2022, to grow from (it has FY2022, FY2023)"},
		// A gap is an error, never growth over two periods published as one.
		{"FY2024", [][2]string{{"FY2024", "5.0"}, {"FY2022", "1.0"}}, "10:12: s has no value for FY2023, the period before FY2024, to grow from (it has FY2022, FY2024)"},
		{"FY2024H1", [][2]string{{"FY2024H1", "5.0"}, {"FY2023H2", "4.0"}}, "25.0%"},
		{"FY2024Q1", [][2]string{{"FY2024Q1", "5.0"}, {"FY2023Q3", "4.0"}}, "10:12: s has no value for FY2023Q4, the period before FY2024Q1, to grow from (it has FY2023Q3, FY2024Q1)"},
		{"FY2023", [][2]string{{"FY2023", "20.0"}, {"FY2022", "0.0"}}, "10:12: division by zero: s@FY2022 is 0"},
		{"2023", [][2]string{{"2023", "20.0"}, {"2022", "10.0"}}, "10:12: cannot tell which period comes before 2023"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			s := NewSet("x.md", tt.period)
			var pts []Point
			for _, p := range tt.series {
				d := dec(p[1])
				pts = append(pts, Point{Period: p[0], Value: Value{D: d, Unit: Number, Places: 1}, Literal: p[1]})
			}
			if err := s.Add(&Entry{Name: "s", Series: pts}); err != nil {
				t.Fatal(err)
			}
			derive(t, s, "g", "growth(s)")
			errs := s.Resolve()
			if len(errs) > 0 {
				if !strings.Contains(errs[0].Error(), tt.want) {
					t.Errorf("error %q, want %q", errs[0].Error(), tt.want)
				}
				return
			}
			e, _ := s.Figure("g")
			if got, _ := Format(e.Value, ""); got != tt.want {
				t.Errorf("growth = %s, want %s", got, tt.want)
			}
		})
	}
}

// TestHugeExponentIsQuick: the hint for exponent notation must not spell
// out a number with a hundred million digits (this used to hang).
func TestHugeExponentIsQuick(t *testing.T) {
	for _, in := range []string{"1e99999999", "1e9999999", "-2.5E-99999999", "1e3000000000000000000000"} {
		done := make(chan error, 1)
		go func() {
			_, _, err := ParseLiteral(in, false)
			done <- err
		}()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), "is in exponent notation: write a plain decimal number") {
				t.Errorf("ParseLiteral(%s) = %v", in, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("ParseLiteral(%s) did not return", in)
		}
	}
	if _, _, err := ParseLiteral("2.5e-3", false); err == nil || !strings.Contains(err.Error(), "write 0.0025") {
		t.Errorf("small exponent: %v", err)
	}
}

// Long expressions cost time in proportion to their length: compare ns/op
// per term across the sizes (it was quadratic: 40,000 terms took 8 s).
func BenchmarkLongSum(b *testing.B) {
	for _, n := range []int{10000, 40000} {
		b.Run(fmt.Sprintf("terms=%d", n), func(b *testing.B) {
			expr := "a" + strings.Repeat(" + a", n-1)
			for b.Loop() {
				benchResolve(b, expr)
			}
		})
	}
}

// Deep nesting is refused at a fixed depth, so a hostile expression of
// 80,000 minus signs costs time in proportion to its length (it took 50 s).
func BenchmarkNestedMinus(b *testing.B) {
	for _, n := range []int{10000, 80000} {
		b.Run(fmt.Sprintf("signs=%d", n), func(b *testing.B) {
			expr := strings.Repeat("-", n) + "a"
			for b.Loop() {
				if _, err := ParseExpr(expr); err == nil {
					b.Fatal("no error")
				}
			}
		})
	}
}

func TestNestingLimit(t *testing.T) {
	for expr, off := range map[string]int{strings.Repeat("-", 80000) + "a": maxDepth, strings.Repeat("(", 80000) + "a": maxDepth, strings.Repeat("abs(", 5000) + "a": 4*maxDepth + 3} {
		_, err := ParseExpr(expr)
		var se *SyntaxError
		if !errors.As(err, &se) || !strings.Contains(se.Msg, "expression nested too deeply") || se.Off != off {
			t.Errorf("%.10s…: %v", expr, err)
		}
	}
	ok := strings.Repeat("-", maxDepth) + "a"
	if _, err := ParseExpr(ok); err != nil {
		t.Errorf("%d signs: %v", maxDepth, err)
	}
}

func benchResolve(b *testing.B, expr string) {
	s := NewSet("x.md", "")
	_ = s.Add(&Entry{Name: "a", Value: Value{D: dec("1.5"), Unit: Number, Places: 1}, Literal: "1.5"})
	n, err := ParseExpr(expr)
	if err != nil {
		b.Fatal(err)
	}
	_ = s.Add(&Entry{Name: "d", Derived: true, Expr: n, ExprText: expr})
	if errs := s.Resolve(); len(errs) > 0 {
		b.Fatal(errs)
	}
}

// TestValuesStayBounded: figures have at most 30 digits, results at most
// 60 before the point, and exact values at most about 600 digits, so
// repeated squaring fails fast instead of taking all memory (a 529-byte
// brief used to).
func TestValuesStayBounded(t *testing.T) {
	if _, _, err := ParseLiteral("1"+strings.Repeat("0", 40), false); err == nil || !strings.Contains(err.Error(), "has 41 digits: a figure has at most 30") {
		t.Errorf("41-digit literal: %v", err)
	}
	if _, _, err := ParseLiteral("-0.000"+strings.Repeat("1", 30), false); err != nil {
		t.Errorf("30 significant digits are fine: %v", err)
	}
	s := NewSet("x.md", "")
	_ = s.Add(&Entry{Name: "d0", Value: Value{D: dec("100000000000000000000000000000"), Unit: Number}, Literal: "100000000000000000000000000000"})
	_ = s.Add(&Entry{Name: "f0", Value: Value{D: dec("0.123456789123456789"), Unit: Number, Places: 18}, Literal: "0.123456789123456789"})
	for i := 1; i <= 26; i++ {
		derive(t, s, fmt.Sprintf("d%d", i), fmt.Sprintf("d%d * d%d", i-1, i-1))
		derive(t, s, fmt.Sprintf("f%d", i), fmt.Sprintf("f%d * f%d", i-1, i-1))
	}
	errs := s.Resolve()
	if len(errs) != 2 || !strings.Contains(errs[0].Error(), "the result has more than 60 digits before the point") ||
		!strings.Contains(errs[1].Error(), "the exact result needs more than 600 digits") {
		t.Fatalf("errors: %v", errs)
	}
	// Squarings short of the bound stay exact.
	f, _ := s.Figure("f4")
	want := new(big.Rat).SetFrac64(123456789123456789, 1e18)
	for i := 0; i < 4; i++ {
		want.Mul(want, want)
	}
	if f.Value.rat().Cmp(want) != 0 {
		t.Errorf("f4 = %s, not exact", f.Value.D)
	}
}

// A derived value's format that cannot show it is reported on every
// Resolve, also after Reset (a brief resolved again because one it reads
// changed), and the value shows in its unit's default meanwhile.
func TestBadFormatReportedAfterReset(t *testing.T) {
	s := amazon(t)
	n, err := ParseExpr("aws_net_sales + net_sales")
	if err != nil {
		t.Fatal(err)
	}
	e := &Entry{Name: "total", Derived: true, Expr: n, ExprText: "aws_net_sales + net_sales", Format: "pct", FormatAt: diag.Pos{Line: 9, Col: 12}}
	if err := s.Add(e); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		errs := s.Resolve()
		if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), "content/x.md:9:12: total: format pct needs a percent") {
			t.Fatalf("resolve %d: errors %v", i, errs)
		}
		if f, _ := s.Figure("total"); f.Text() != "$745.6 billion" || f.Format != "" {
			t.Errorf("resolve %d: shown as %q in format %q", i, f.Text(), f.Format)
		}
		if e.Format != "pct" {
			t.Errorf("resolve %d: Resolve rewrote the declared format to %q", i, e.Format)
		}
		s.Reset()
	}
}

// Named tells, after Resolve, what a name holds: its periods, whether it
// has a value at the brief's period, and the sources that value rests on,
// filings cited included; changing what it returns changes nothing.
func TestNamed(t *testing.T) {
	s := amazon(t)
	if err := s.Add(&Entry{Name: "old", Series: []Point{{Period: "FY2022", Value: money("1.0", 1), Literal: "1.0"}}}); err != nil {
		t.Fatal(err)
	}
	derive(t, s, "margin", "operating_income / net_sales")
	derive(t, s, "bad", "net_sales / 0")
	filing := &Source{ID: "sec-1", Title: "Form 10-K"}
	for _, e := range s.Entries() {
		if e.Name == "operating_income" {
			e.Cite(filing)
			e.Cite(filing)
		}
	}
	if errs := s.Resolve(); len(errs) != 1 {
		t.Fatalf("errors %v", errs)
	}
	tests := []struct {
		name, periods, sources string
		has                    bool
	}{
		{"sales", "FY2023 FY2024", "Amazon Q4 2024 Earnings Release", true},
		{"old", "FY2022", "", false},
		{"operating_income", "", "Amazon Q4 2024 Earnings Release; Form 10-K", true},
		{"margin", "", "Amazon Q4 2024 Earnings Release; Form 10-K", true},
		{"bad", "", "", false},
	}
	for _, tt := range tests {
		n, ok := s.Named(tt.name)
		if !ok || strings.Join(n.Periods, " ") != tt.periods || SourceTitles(n.Sources) != tt.sources || n.HasValue != tt.has {
			t.Errorf("%s: %+v", tt.name, n)
		}
	}
	n, _ := s.Named("sales")
	n.Periods[0] = "FY1999"
	if again, _ := s.Named("sales"); again.Periods[0] != "FY2023" {
		t.Errorf("a changed Named changed the set: %v", again.Periods)
	}
	if _, ok := s.Named("nope"); ok {
		t.Error("an unknown name is known")
	}
	if got := len(s.Names()); got != len(s.Entries()) {
		t.Errorf("Names lists %d of %d", got, len(s.Entries()))
	}
}

// ratOf is decimal's Rat, with powers of ten from a table that no use
// changes.
func TestRatOf(t *testing.T) {
	for _, s := range []string{"0", "1", "-1", "638.0", "-2.75", "0.000001", "123456789012345678901234567890.123456789", "1e45", "-7e-50", "5e3"} {
		d := decimal.RequireFromString(s)
		if got, want := ratOf(d), d.Rat(); got.Cmp(want) != 0 {
			t.Errorf("ratOf(%s) = %v, want %v", s, got, want)
		}
	}
	for i, p := range tenPowers {
		if want := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(i)), nil); p.Cmp(want) != 0 {
			t.Fatalf("tenPowers[%d] = %v: a use changed it", i, p)
		}
	}
}

// withRat keeps the fraction exactly when its decimal had to be rounded,
// and only then.
func TestWithRatKeepsInexact(t *testing.T) {
	for _, tc := range []struct {
		a, b  int64
		exact bool
	}{{1, 4, true}, {-3, 8, true}, {1, 3, false}, {-2, 7, false}, {10, 1, true}, {1, 1 << 40, false}, {7, 5 * 1024, true}} {
		r := big.NewRat(tc.a, tc.b)
		v := Value{}.withRat(r)
		if (v.exact == nil) != tc.exact {
			t.Errorf("%v: kept the fraction: %v, want %v", r, v.exact != nil, !tc.exact)
		}
		if v.rat().Cmp(r) != 0 && v.exact == nil {
			t.Errorf("%v: %v is not the value", r, v.D)
		}
	}
}
