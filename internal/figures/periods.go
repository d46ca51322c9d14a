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
