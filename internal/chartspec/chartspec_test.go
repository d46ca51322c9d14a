package chartspec

import (
	"fmt"
	"strings"
	"testing"

	"github.com/briefs/briefs/internal/chart"
	"github.com/briefs/briefs/internal/figures"
	"github.com/shopspring/decimal"
)

var billion = figures.Scale{Name: "billion", Exp: 9}

func testSet(t *testing.T) *figures.Set {
	t.Helper()
	s := figures.NewSet("x.md", "FY2024")
	src := &figures.Source{ID: "r", Title: "Report"}
	money := func(lit string) figures.Value {
		d := decimal.RequireFromString(lit)
		return figures.Value{D: d.Shift(9), Unit: figures.Money, Currency: "USD", Scale: billion, Places: 1}
	}
	add := func(e *figures.Entry) {
		if err := s.Add(e); err != nil {
			t.Fatal(err)
		}
	}
	add(&figures.Entry{Name: "a", Label: "Segment A", Value: money("1.0"), Literal: "1.0", Source: src})
	add(&figures.Entry{Name: "b", Label: "Segment B", Value: money("2.0"), Literal: "2.0", Source: src})
	add(&figures.Entry{Name: "neg", Label: "Loss", Value: money("-0.5"), Literal: "-0.5"})
	add(&figures.Entry{Name: "p", Label: "Share", Value: figures.Value{D: decimal.RequireFromString("0.3"), Unit: figures.Percent, Places: 1}, Literal: "30"})
	add(&figures.Entry{Name: "rev", Label: "Revenue", Series: []figures.Point{
		{Period: "FY2023", Value: money("5.0"), Literal: "5.0"},
		{Period: "FY2024", Value: money("6.0"), Literal: "6.0"}}})
	add(&figures.Entry{Name: "cost", Label: "Cost", Series: []figures.Point{
		{Period: "FY2024", Value: money("4.0"), Literal: "4.0"}}})
	add(&figures.Entry{Name: "x", Label: "X", Value: money("14.5"), Literal: "14.5"})
	add(&figures.Entry{Name: "y", Label: "Y", Value: money("300.0"), Literal: "300.0"})
	n, _ := figures.ParseExpr("x / y")
	add(&figures.Entry{Name: "r", Label: "R", Derived: true, Expr: n, ExprText: "x / y"})
	if errs := s.Resolve(); len(errs) > 0 {
		t.Fatal(errs)
	}
	return s
}

func TestResolve(t *testing.T) {
	set := testSet(t)
	tests := []struct {
		name  string
		block string
		// rows are "series|label|text|exact", one per row; errs are
		// "line:col: message" (line 0: at the fence), file lines counted
		// from a block that starts on line 10.
		rows    []string
		errs    []string
		sources string
		check   func(t *testing.T, c *chart.Chart)
		// cols indent the block's lines in the file; across gives the
		// set the company's other briefs (with no values).
		cols   []int
		across bool
	}{
		{name: "bar of names takes labels and sources", block: "type: bar\ntitle: T\ndata: [a, b]\n",
			rows: []string{"|Segment A|$1.0B|1000000000", "|Segment B|$2.0B|2000000000"}, sources: "Report",
			check: func(t *testing.T, c *chart.Chart) {
				if c.Prefix != "$" || c.Suffix != "B" || c.Series[0].Points[1].Value != 2 {
					t.Errorf("axis %q %q, points %+v", c.Prefix, c.Suffix, c.Series[0].Points)
				}
			}},
		{name: "donut of expressions gets exact shares", block: "type: donut\ntitle: T\ndata:\n  A: a\n  Rest: b - a\n",
			rows: []string{"|A|$1.0B|1000000000", "|Rest|$1.0B|1000000000"}, sources: "Report",
			check: func(t *testing.T, c *chart.Chart) {
				if p := c.Series[0].Points; p[0].Share != "50%" || p[1].Label != "Rest" {
					t.Errorf("points %+v", p)
				}
			}},
		{name: "a format shows every value", block: "type: bar\ntitle: T\nformat: money\ndata: [a]\n",
			rows: []string{"|Segment A|$1.0 billion|1000000000"}, sources: "Report"},
		{name: "waterfall closes with its exact total", block: "type: waterfall\ntitle: T\ntotal: Net\ndata: [b, neg]\n",
			rows: []string{"|Segment B|$2.0B|2000000000", "|Loss|−$0.5B|-500000000", "|Net|$1.5B|1500000000"}, sources: "Report"},
		{name: "stacked over categories totals each column", block: "type: stacked\ntitle: T\ncategories: [X, Y]\ndata:\n  One: [a, b]\n  Two: [b, a]\n",
			rows: []string{"One|X|$1.0B|1000000000", "One|Y|$2.0B|2000000000", "Two|X|$2.0B|2000000000", "Two|Y|$1.0B|1000000000"}, sources: "Report",
			check: func(t *testing.T, c *chart.Chart) {
				if strings.Join(c.Totals, ",") != "$3.0B,$3.0B" {
					t.Errorf("totals %v", c.Totals)
				}
			}},
		// 14.5 ÷ 300 three times is 14.5% exactly, which shows 15%, not
		// the 14% of the three quotients rounded and added.
		{name: "totals are exact", block: "type: waterfall\ntitle: T\nformat: pct0\ndata:\n  A: r\n  B: r\n  C: r\n",
			rows: []string{"|A|5%|0.0483333333333333333333333333333333", "|B|5%|0.0483333333333333333333333333333333", "|C|5%|0.0483333333333333333333333333333333", "|Total|15%|0.145"}},
		{name: "stacked totals are exact", block: "type: stacked\ntitle: T\nformat: pct0\ncategories: [X]\ndata:\n  One: [r]\n  Two: [r]\n  Three: [r]\n",
			rows: []string{"One|X|5%|0.0483333333333333333333333333333333", "Two|X|5%|0.0483333333333333333333333333333333", "Three|X|5%|0.0483333333333333333333333333333333"},
			check: func(t *testing.T, c *chart.Chart) {
				if strings.Join(c.Totals, ",") != "15%" {
					t.Errorf("totals %v", c.Totals)
				}
			}},
		{name: "line over a series names its periods", block: "type: line\ntitle: T\ndata: [rev]\nhighlight: Revenue\n",
			rows: []string{"Revenue|FY2023|$5.0B|5000000000", "Revenue|FY2024|$6.0B|6000000000"},
			check: func(t *testing.T, c *chart.Chart) {
				if len(c.Highlight) != 1 || c.Series[0].Name != "Revenue" {
					t.Errorf("chart %+v", c)
				}
			}},
		{name: "series of different periods", block: "type: line\ntitle: T\ndata: [rev, cost]\n",
			errs: []string{"12:13: cost covers FY2024, but the chart's first series covers FY2023, FY2024"}},
		{name: "a single value is no series", block: "type: line\ntitle: T\ndata: [a]\n",
			errs: []string{"12:8: a line chart takes series (figures with values over periods); a has one value"}},
		{name: "not YAML", block: "type: bar\ntitle: T\ndata: a: b\n",
			errs: []string{"12:1: chart is not valid YAML: mapping values are not allowed in this context"}},
		{name: "no mapping", block: "- a\n", errs: []string{"0:0: a chart block needs type, title and data"}},
		{name: "whole-block errors at the fence, all at once", block: "title: \" \"\nkind: bar\n",
			errs: []string{"11:1: unknown chart field kind", "0:0: chart needs a type (bar, hbar, stacked, donut, pie, line, waterfall)",
				"10:8: chart needs a title: it names the chart for every reader", "0:0: chart has no data: give a list of names or a map of label: expression"}},
		{name: "a title that is not text at its line", block: "type: bar\ntitle: [x, y]\ndata: [a]\n",
			errs: []string{"11:8: title must be text"}},
		{name: "empty data at its line", block: "type: bar\ntitle: T\ndata: []\n",
			errs: []string{"12:7: chart has no data: give a list of names or a map of label: expression"}},
		{name: "a double-quoted value counts its quote", block: "type: bar\ntitle: T\ndata: [\"a +* b\"]\n",
			errs: []string{"12:12: unexpected \"*\": expected a name, a number or ("}},
		{name: "a single-quoted value counts its quote", block: "type: bar\ntitle: T\ndata:\n  X: 'a + zz'\n",
			errs: []string{"13:11: unknown name zz (did you mean a?)"}},
		{name: "escapes count as written", block: "type: bar\ntitle: T\ndata: [\"\\x61 + \\u0062b\"]\n",
			errs: []string{"12:16: unknown name bb (did you mean b?)"}},
		{name: "a quoted value over two lines", block: "type: bar\ntitle: T\ndata:\n  X: \"a +\n    zz\"\n",
			errs: []string{"14:5: unknown name zz (did you mean a?)"}},
		{name: "a folded block value", block: "type: bar\ntitle: T\ndata:\n  X: >-\n    a +\n    zz\n",
			errs: []string{"15:5: unknown name zz (did you mean a?)"}},
		{name: "a tagged value counts from its text", block: "type: bar\ntitle: T\ndata:\n  X: !!str a + zz\n",
			errs: []string{"13:6: !!str a + zz carries a YAML tag: write a + zz without the tag", "13:16: unknown name zz (did you mean a?)"}},
		{name: "an indented block keeps its indent", block: "type: bar\ntitle: T\ndata:\n  X: a + zz\n", cols: []int{2, 2, 2, 2},
			errs: []string{"13:12: unknown name zz (did you mean a?)"}},
		{name: "blockquote lines each keep theirs", block: "type: bar\ntitle: T\ndata:\n  X: a + zz\n  Y: zz\n", cols: []int{2, 2, 2, 3, 2},
			errs: []string{"13:13: unknown name zz (did you mean a?)", "14:8: unknown name zz (did you mean a?)"}},
		{name: "anchors and aliases are refused where written", block: "type: bar\ntitle: &tt Alias title\ndata: {*tt : a, B: b}\nhighlight: *tt\n",
			errs: []string{"11:8: anchors (&tt) are not supported: write the value out where it is used",
				"12:8: aliases (*tt) are not supported: write the value out", "13:12: aliases (*tt) are not supported: write the value out"}},
		{name: "data that is an alias", block: "type: bar\ntitle: T\nx: &i [a]\ndata: *i\n",
			errs: []string{"12:4: anchors (&i) are not supported: write the value out where it is used",
				"13:7: aliases (*i) are not supported: write the value out", "12:1: unknown chart field x"}},
		{name: "an unknown anchor at its alias", block: "type: bar\ntitle: T\ndata:\n  - a\n  - *nope\n",
			errs: []string{"14:5: aliases (*nope) are not supported: write the value out"}},
		{name: "tags are refused at the tag", block: "type: bar\ntitle: !!binary aGVsbG8=\ndata: !!seq [a]\nformat: &f !!str money\n",
			errs: []string{"11:8: !!binary aGVsbG8= carries a YAML tag: write aGVsbG8= without the tag",
				"12:7: !!seq carries a YAML tag: write the value without the tag",
				"13:9: anchors (&f) are not supported: write the value out where it is used",
				"13:12: !!str money carries a YAML tag: write money without the tag"}},
		{name: "highlight checked when a value fails", block: "type: bar\ntitle: T\ndata: [a, bb]\nhighlight: [Zed, Segment B]\n",
			errs: []string{"12:11: unknown name bb (did you mean b?)", "13:13: highlight \"Zed\" is not a label of this chart (labels: Segment A, Segment B)"}},
		{name: "a misspelt name lends its likely label to the highlight", block: "type: bar\ntitle: T\ndata: [a, bb]\nhighlight: Segment B\n",
			errs: []string{"12:11: unknown name bb (did you mean b?)"}},
		{name: "a line's highlight checked when its series fail", block: "type: line\ntitle: T\ndata: [rev, cost]\nhighlight: [Revenue, Costs]\n",
			errs: []string{"12:13: cost covers FY2024, but the chart's first series covers FY2023, FY2024", "13:22: highlight \"Costs\" is not a label of this chart (did you mean Cost?)"}},
		{name: "a range's period keeps period's hint", block: "type: line\ntitle: T\ndata: [rev@FY0224..FY2024]\n",
			errs: []string{"12:12: period \"FY0224\" is not valid: the year 0224 starts with 0: write the fiscal year in full, as in FY2024"}},
		{name: "an unknown name in a range gets a did-you-mean", block: "type: line\ntitle: T\ndata: [revv@FY2023..FY2024]\n", across: true,
			errs: []string{"12:8: revv has no value in any period of the company (did you mean rev?)"}},
		{name: "a range with spaces", block: "type: line\ntitle: T\ndata: [rev@FY2023 .. FY2024]\n",
			rows: []string{"Revenue|FY2023|$5.0B|5000000000", "Revenue|FY2024|$6.0B|6000000000"}},
		{name: "field errors and data errors together", block: "type: bar\ntitle: T\ntotl: x\ndata: [a, bb, a + p]\n",
			errs: []string{"12:1: unknown chart field totl (did you mean total?)", "13:11: unknown name bb (did you mean b?)", "13:17: cannot add money (USD) and percent"}},
		{name: "expression errors at their column", block: "type: bar\ntitle: T\ndata:\n  X: a / (b - b)\n",
			errs: []string{"13:8: division by zero: the divisor is 0"}},
		{name: "duplicate label names the first's file line", block: "type: bar\ntitle: T\ndata:\n  X: a\n  X: b\n",
			errs: []string{"14:3: duplicate label \"X\" in chart data (first at line 13): every bar, slice or series needs its own label"}},
		{name: "mixed units", block: "type: bar\ntitle: T\ndata: [a, p]\n",
			errs: []string{"12:11: every value of a chart needs the same unit: p is percent, the first value is money"}},
		{name: "a field of another type", block: "type: bar\ntitle: T\ntotal: X\ndata: [a]\n",
			errs: []string{"12:1: total names a waterfall's closing bar; a bar chart has none (remove it)"}},
		{name: "highlight of no label", block: "type: bar\ntitle: T\ndata: [a, b]\nhighlight: [Segment C]\n",
			errs: []string{"13:13: highlight \"Segment C\" is not a label of this chart (did you mean Segment A?)"}},
		{name: "a chart that cannot be drawn is an error at the fence", block: "type: pie\ntitle: T\ndata: [a, neg]\n",
			errs: []string{"0:0: a pie chart cannot show the negative value −$0.5B (Loss): use a bar chart"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := set
			if tt.across {
				set = testSet(t)
				set.SetResolver(noOthers{})
			}
			var errs []Error
			spec, es := Parse([]byte(tt.block), Origin{Line: 10, Cols: tt.cols})
			errs = append(errs, es...)
			var res *Resolved
			if spec != nil {
				res, es = spec.Resolve(set)
				errs = append(errs, es...)
			}
			var got []string
			for _, e := range errs {
				got = append(got, fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg))
			}
			if strings.Join(got, "\n") != strings.Join(tt.errs, "\n") {
				t.Fatalf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.errs, "\n"))
			}
			if (res == nil) != (len(tt.errs) > 0) {
				t.Fatalf("resolved %v with errors %v", res != nil, got)
			}
			if res == nil {
				return
			}
			var rows []string
			for _, r := range res.Rows {
				rows = append(rows, r.Series+"|"+r.Label+"|"+r.Text+"|"+r.Exact)
			}
			if strings.Join(rows, "\n") != strings.Join(tt.rows, "\n") {
				t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(rows, "\n"), strings.Join(tt.rows, "\n"))
			}
			if got := figures.SourceTitles(res.Sources); got != tt.sources {
				t.Errorf("sources %q, want %q", got, tt.sources)
			}
			if tt.check != nil {
				tt.check(t, res.Chart)
			}
		})
	}
}

// noOthers is a company whose other briefs hold no values.
type noOthers struct{}

func (noOthers) Value(name, period string) (figures.Value, string, []*figures.Source, error) {
	return figures.Value{}, "", nil, fmt.Errorf("no %s@%s", name, period)
}

func (noOthers) Periods(string) []string { return nil }

// Pies fold the smallest slices past chart.MaxSlices into one "Other",
// while the table keeps every row.
func TestPieFoldsSmallSlices(t *testing.T) {
	set := testSet(t)
	var data []string
	for i := 0; i < chart.MaxSlices+2; i++ {
		data = append(data, fmt.Sprintf("  S%d: a * %d", i, i+1))
	}
	spec, errs := Parse([]byte("type: pie\ntitle: T\ndata:\n"+strings.Join(data, "\n")+"\n"), Origin{Line: 1})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	res, errs := spec.Resolve(set)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	ps := res.Chart.Series[0].Points
	if len(ps) != chart.MaxSlices || ps[len(ps)-1].Label != chart.Other || ps[len(ps)-1].Text != "$6.0B" || len(res.Rows) != chart.MaxSlices+2 {
		t.Errorf("%d slices, last %+v, %d rows", len(ps), ps[len(ps)-1], len(res.Rows))
	}
}
