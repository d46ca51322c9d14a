package site_test

import (
	"fmt"
	"testing"

	"github.com/briefs/briefs/internal/site"
	"github.com/briefs/briefs/internal/sitetest"
)

// TestPeriodEnds checks a company's period_end dates against each other:
// periods that end apart end on different days in the periods' order, one
// date out of line is one error at its brief, periods that end together
// end on one day, and a half or quarter before the last ends before its
// year.
func TestPeriodEnds(t *testing.T) {
	// acme is a brief of ACME for period, ending end (period_end at 6:13).
	acme := func(name, period, end string) string {
		return brief(name, name, "2025-01-01", fmt.Sprintf("ticker: ACME\nperiod: %s\nperiod_end: %s\n", period, end), name)
	}
	for _, tc := range []struct {
		name  string
		files string
		want  []string
	}{
		{"in order",
			acme("a.md", "FY2023", "2023-12-31") + acme("b.md", "FY2024H1", "2024-06-30") + acme("c.md", "FY2024Q4", "2024-12-31") +
				acme("d.md", "FY2024H2", "2024-12-31") + acme("e.md", "FY2024", "2024-12-31"),
			nil},
		{"two years end on one day",
			acme("a.md", "FY2023", "2023-12-31") + acme("b.md", "FY2024", "2023-12-31"),
			[]string{"content/b.md:6:13: period_end 2023-12-31 of FY2024 is not after period_end 2023-12-31 of the earlier period FY2023 (content/a.md): period ends must follow the periods' order"}},
		{"a first half ends with its year",
			acme("a.md", "FY2024H1", "2024-12-31") + acme("b.md", "FY2024", "2024-12-31"),
			[]string{"content/a.md:6:13: period_end 2024-12-31 of FY2024H1 is not before the end of its fiscal year: FY2024 ends 2024-12-31 (content/b.md), and only the year's last half or quarter ends with it"}},
		{"a third quarter ends after its year",
			acme("a.md", "FY2024Q3", "2025-03-31") + acme("b.md", "FY2024", "2024-12-31") + acme("c.md", "FY2023", "2023-12-31"),
			[]string{"content/a.md:6:13: period_end 2025-03-31 of FY2024Q3 is not before the end of its fiscal year"}},
		{"the last quarter ends with its year",
			acme("a.md", "FY2024Q4", "2024-12-30") + acme("b.md", "FY2024", "2024-12-31"),
			[]string{"content/b.md:6:13: period_end 2024-12-31 of FY2024 differs from period_end 2024-12-30 of FY2024Q4 (content/a.md), which ends on the same day"}},
		{"one period, two ends",
			acme("a.md", "FY2024", "2024-12-31") + brief("b.md", "b.md", "2025-02-01", "ticker: ACME\nperiod: FY2024\nperiod_end: 2024-12-30\n", "b"),
			[]string{"content/b.md:6:13: period_end 2024-12-30 differs from content/a.md's period_end 2024-12-31 for the same period FY2024"}},
		// One wrong date is one error at its brief, not one at every later brief.
		{"one date out of line",
			acme("a.md", "FY2022", "2030-06-30") + acme("b.md", "FY2023", "2023-12-31") + acme("c.md", "FY2024", "2024-12-31") + acme("d.md", "FY2025", "2025-12-31"),
			[]string{"content/a.md:6:13: period_end 2030-06-30 of FY2022 is not before period_end 2023-12-31 of the later period FY2023 (content/b.md): period ends must follow the periods' order"}},
		{"one date out of line in the middle",
			acme("a.md", "FY2021", "2021-12-31") + acme("b.md", "FY2022", "2030-06-30") + acme("c.md", "FY2023", "2023-12-31") + acme("d.md", "FY2024", "2024-12-31"),
			[]string{"content/b.md:6:13: period_end 2030-06-30 of FY2022 is not before period_end 2023-12-31 of the later period FY2023 (content/c.md)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := sitetest.New(t, tc.files, site.Options{NoOG: true})
			if errs := b.BuildE(); (errs.Err() != nil) != (len(tc.want) > 0) {
				t.Errorf("build error %v, want %d", errs.Err(), len(tc.want))
			}
			b.AssertErrors(tc.want...)
		})
	}
}
