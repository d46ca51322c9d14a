package period

import (
	"math/rand"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Period
	}{
		{"FY2024", Period{2024, Year, 0}},
		{"FY2024H1", Period{2024, Half, 1}},
		{"FY2024H2", Period{2024, Half, 2}},
		{"FY2024Q1", Period{2024, Quarter, 1}},
		{"FY1999Q4", Period{1999, Quarter, 4}},
	} {
		got, err := Parse(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("Parse(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
		if got.String() != tc.in {
			t.Errorf("String() = %q, want %q", got.String(), tc.in)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Q1 2024", `period "Q1 2024" is not valid: write FY2024Q1 (the fiscal year first, then the quarter)`},
		{"H2 2023", "write FY2023H2 (the fiscal year first, then the half)"},
		{"FY2023/24", "name a fiscal year by the year it ends in: write FY2024"},
		{"2023-24", "write FY2024"},
		{"FY1999/00", "write FY2000"},
		{"2024", "write FY2024"},
		{"fy2024", "write FY2024"},
		{"FY 2024", "write FY2024"},
		{"2024Q3", "write FY2024Q3"},
		{"FY2024 Q3", "write FY2024Q3"},
		{"fy2024q3", "write FY2024Q3"},
		{"FY24", "write the year with four digits, such as FY2024"},
		{"FY24Q1", "such as FY2024Q1"},
		{"FY2024Q5", "there is no Q5 in a fiscal year"},
		{"FY0000", "the year 0000 starts with 0"},
		{"FY0224Q1", "the year 0224 starts with 0"},
		{"FY2024H3", "there is no H3"},
		{"FY2024Q0", "there is no Q0"},
		{"", "write a period such as FY2024"},
		{"last year", "write it as FY2024 (a fiscal year), FY2024H1 (a half) or FY2024Q3 (a quarter)"},
		{"FY2024-Q3x", "write it as"},
	} {
		_, err := Parse(tc.in)
		if err == nil {
			t.Errorf("Parse(%q) accepted", tc.in)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%q): %v\nwant it to contain %q", tc.in, err, tc.want)
		}
		if msg := err.Error(); strings.HasSuffix(msg, ".") || msg[:1] != strings.ToLower(msg[:1]) {
			t.Errorf("Parse(%q): error %q must be lowercase without final period", tc.in, msg)
		}
	}
}

func TestOrder(t *testing.T) {
	want := []string{"FY2022", "FY2023Q4", "FY2023H2", "FY2023",
		"FY2024Q1", "FY2024Q2", "FY2024H1", "FY2024Q3", "FY2024Q4", "FY2024H2", "FY2024", "FY2025Q1"}
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 20; i++ {
		got := slices.Clone(want)
		r.Shuffle(len(got), func(i, j int) { got[i], got[j] = got[j], got[i] })
		slices.SortFunc(got, Compare)
		if !slices.Equal(got, want) {
			t.Fatalf("sorted %v, want %v", got, want)
		}
	}
	a, _ := Parse("FY2023")
	b, _ := Parse("FY2024H1")
	if !a.Less(b) || b.Less(a) || a.Compare(a) != 0 {
		t.Error("Less/Compare disagree")
	}
	// Invalid strings sort after every period, in byte order.
	got := []string{"zz", "FY2024", "Q1 2024", "FY2023"}
	slices.SortFunc(got, Compare)
	if !slices.Equal(got, []string{"FY2023", "FY2024", "Q1 2024", "zz"}) {
		t.Errorf("got %v", got)
	}
}

// canonicalRE is the grammar as a pattern, which canonical writes out.
var canonicalRE = regexp.MustCompile(`^FY([0-9]{4})(?:([HQ])([0-9]))?$`)

func FuzzParse(f *testing.F) {
	for _, s := range []string{"FY2024", "FY2024H1", "FY2024Q3", "Q1 2024", "FY2023/24", "2024", "", "FY2024H", "FY2024X1", "FY202a", "FY2024Q12", "fy2024"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		year, part, n, ok := canonical(s)
		if m := canonicalRE.FindStringSubmatch(s); (m != nil) != ok || ok && (m[1] != year || m[2] != part || m[3] != n) {
			t.Fatalf("canonical(%q) = %q, %q, %q, %v; the pattern says %q", s, year, part, n, ok, m)
		}
		p, err := Parse(s)
		if err != nil {
			if p != (Period{}) {
				t.Fatalf("error with a period: %v", p)
			}
			return
		}
		if p.String() != s {
			t.Fatalf("Parse(%q).String() = %q", s, p.String())
		}
		if p.Compare(p) != 0 {
			t.Fatal("a period is not equal to itself")
		}
	})
}
