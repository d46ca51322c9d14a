package figures

import (
	"fmt"
	"strings"
	"testing"
)

// company is a Resolver over sets by period, as the site's is over briefs.
type company map[string]*Set

func (c company) Value(name, period string) (Value, string, []*Source, error) {
	s, ok := c[period]
	if !ok {
		return Value{}, "", nil, fmt.Errorf("no brief for %s", period)
	}
	if _, ok := s.Named(name); !ok {
		return Value{}, "", nil, fmt.Errorf("the %s brief has no %s", period, name)
	}
	return s.Value(name)
}

func (c company) Periods(name string) []string {
	var ps []string
	for p, s := range c {
		if _, ok := s.Named(name); ok {
			ps = append(ps, p)
		}
	}
	return ps
}

// TestAcrossBriefs resolves expressions of an FY2024 set that read the
// FY2022 and FY2023 sets of its company.
func TestAcrossBriefs(t *testing.T) {
	tests := []struct {
		expr, want, comp string
	}{
		{"sales@FY2023", "$574.8 billion", "574.8"},
		{"growth(sales)", "11.0%", "638.0 ÷ 574.8 − 1"},
		{"growth(sales@FY2023)", "11.8%", "574.8 ÷ 514.0 − 1"},
		{"margin@FY2022", "10.0%", "10.0%"},
		{"margin - margin@FY2022", "5.0%", "15.0% − 10.0%"},
		// Another brief's derived value shows rounded (15.0%), and as
		// precisely as the arithmetic needs: 15.0% × 100 would be 1,500.0%.
		{"margin@FY2023 * 100", "1,499.7%", "14.997% × 100"},
		{"sales@FY2024", "$638.0 billion", "638.0"},
		{"sales@FY2021", "no brief for FY2021", ""},
		{"salse@FY2023", "the FY2023 brief has no salse", ""},
		{"growth(sales@FY2022)", "sales has no value for FY2021, the period before FY2022, to grow from (it has FY2022, FY2023, FY2024)", ""},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			co := company{}
			for _, y := range []struct{ period, sales, profit string }{{"FY2022", "514.0", "51.4"}, {"FY2023", "574.8", "86.2"}, {"FY2024", "638.0", "95.7"}} {
				s := NewSet("content/"+y.period+".md", y.period)
				for name, lit := range map[string]string{"sales": y.sales, "profit": y.profit} {
					if err := s.Add(&Entry{Name: name, Value: money(lit, 1), Literal: lit}); err != nil {
						t.Fatal(err)
					}
				}
				if y.period != "FY2024" {
					derive(t, s, "margin", "profit / sales")
				}
				s.SetResolver(co)
				co[y.period] = s
			}
			s := co["FY2024"]
			delete(co, "FY2024") // the brief's own set is not among the others
			derive(t, s, "margin", "profit / sales")
			derive(t, s, "x", tt.expr)
			errs := s.Resolve()
			if tt.comp == "" {
				if len(errs) != 1 || !strings.Contains(errs[0].Error(), tt.want) {
					t.Fatalf("errors %v, want one containing %q", errs, tt.want)
				}
				return
			}
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			e, _ := s.Figure("x")
			if got, _ := Format(e.Value, ""); got != tt.want || e.Computation != tt.comp {
				t.Errorf("%s = %s (%s), want %s (%s)", tt.expr, got, e.Computation, tt.want, tt.comp)
			}
		})
	}
}

func TestRange(t *testing.T) {
	s := NewSet("x.md", "FY2024")
	if err := s.Add(&Entry{Name: "s", Series: []Point{{Period: "FY2024Q1", Literal: "1.0"}, {Period: "FY2023", Literal: "1.0"}, {Period: "FY2021", Literal: "1.0"}, {Period: "FY2024", Literal: "1.0"}}}); err != nil {
		t.Fatal(err)
	}
	s.SetResolver(company{"FY2022": NewSet("y.md", "FY2022")})
	tests := []struct{ from, to, want string }{
		{"FY2022", "FY2024", "FY2023 FY2024"},
		{"FY2020", "FY2023", "FY2021 FY2023"},
		{"FY2024Q1", "FY2024Q4", "FY2024Q1"},
		{"FY2024", "FY2022", "runs backwards"},
		{"FY2018", "FY2019", "has no value from FY2018 to FY2019 (it has FY2021, FY2023, FY2024Q1, FY2024)"},
		{"2022", "FY2024", "cannot read period 2022"},
	}
	for _, tt := range tests {
		ps, err := s.Range("s", tt.from, tt.to)
		got := strings.Join(ps, " ")
		if err != nil {
			got = err.Error()
		}
		if !strings.Contains(got, tt.want) {
			t.Errorf("Range(%s, %s) = %s, want %s", tt.from, tt.to, got, tt.want)
		}
	}
}
