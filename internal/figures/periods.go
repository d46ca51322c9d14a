package figures

import "github.com/briefs/briefs/internal/period"

// periodKey is a period read in the one grammar (internal/period), for
// ordering periods in time.
type periodKey struct {
	p    period.Period
	kind period.Kind
}

func parsePeriod(s string) (periodKey, bool) {
	p, err := period.Parse(s)
	if err != nil {
		return periodKey{}, false
	}
	return periodKey{p, p.Kind}, true
}

// before tells whether k comes before o in time.
func (k periodKey) before(o periodKey) bool { return k.p.Less(o.p) }

// previous is the period just before k, of the same kind: FY2023 before
// FY2024, FY2023H2 before FY2024H1, FY2024Q2 before FY2024Q3.
func (k periodKey) previous() string {
	p := k.p
	switch {
	case p.Kind == period.Year:
		p.Year--
	case p.N > 1:
		p.N--
	case p.Kind == period.Half:
		p.Year, p.N = p.Year-1, 2
	default:
		p.Year, p.N = p.Year-1, 4
	}
	return p.String()
}
