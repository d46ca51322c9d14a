package sec

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// Kind is the length of a reporting period.
type Kind int

// The kinds of DESIGN.md: a fiscal year is 365 ± 30 days, a half 182 ± 30,
// a quarter 91 ± 30; the bands do not overlap, so a 53-week year is a year.
const (
	Year Kind = iota
	Half
	Quarter
)

const slackDays = 30

func (k Kind) days() int {
	switch k {
	case Half:
		return 182
	case Quarter:
		return 91
	}
	return 365
}

func (k Kind) String() string {
	switch k {
	case Half:
		return "half year"
	case Quarter:
		return "quarter"
	}
	return "year"
}

// Fits tells whether a fact covers a period of kind k: a duration of the
// kind's length, or any instant (balance-sheet values are instants).
func (k Kind) Fits(f *Fact) bool {
	if f.Instant() {
		return true
	}
	d := f.Days() - k.days()
	return d >= -slackDays && d <= slackDays
}

// Match returns the facts reported for the period of kind k ending on end,
// the most recently filed first. tolerance widens the end date by that many
// days either way (for periods whose end is inferred, not written); the
// facts returned then all share the end date nearest to end. Durations that
// fit win over instants.
func Match(facts []Fact, end time.Time, k Kind, tolerance int) []Fact {
	var durations, instants []Fact
	best := -1
	for _, f := range facts {
		off := int(f.End.Sub(end).Hours() / 24)
		if off < 0 {
			off = -off
		}
		if off > tolerance || !k.Fits(&f) {
			continue
		}
		if best < 0 || off < best {
			best = off
			durations, instants = durations[:0], instants[:0]
		}
		if off > best {
			continue
		}
		if f.Instant() {
			instants = append(instants, f)
		} else {
			durations = append(durations, f)
		}
	}
	out := durations
	if len(out) == 0 {
		out = instants
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Filed.Equal(out[j].Filed) {
			return out[i].Filed.After(out[j].Filed)
		}
		return out[i].Accn > out[j].Accn
	})
	return out
}

// Periods lists the distinct periods of facts, latest end first.
func Periods(facts []Fact) []string {
	sorted := append([]Fact(nil), facts...)
	sort.SliceStable(sorted, func(i, j int) bool {
		if !sorted[i].End.Equal(sorted[j].End) {
			return sorted[i].End.After(sorted[j].End)
		}
		return sorted[i].Start.Before(sorted[j].Start)
	})
	var out []string
	seen := map[string]bool{}
	for i := range sorted {
		p := sorted[i].Period()
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// Agrees tells whether a typed literal agrees with a filed value: the filed
// value, expressed in units of 10^exp and rounded half away from zero to the
// literal's decimals, equals the literal (68.6 billion agrees with
// 68,593,000,000; 68.8 does not).
func Agrees(literal decimal.Decimal, places, exp int32, filed decimal.Decimal) bool {
	return filed.Shift(-exp).Round(places).Equal(literal)
}

// Grouped writes an exact decimal with thousands separators
// (68593000000 → 68,593,000,000; negatives with a true minus sign).
func Grouped(d decimal.Decimal) string {
	s := d.String()
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	if neg {
		b.WriteString("−")
	}
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if hasFrac {
		b.WriteString("." + frac)
	}
	return b.String()
}

// Describe names a filing in messages: "Form 10-K filed 2025-02-07,
// accession 0001018724-25-000004".
func Describe(f *Fact) string {
	form := f.Form
	if form == "" {
		form = "filing"
	} else {
		form = "Form " + form
	}
	return fmt.Sprintf("%s filed %s, accession %s", form, f.Filed.Format(dateLayout), f.Accn)
}
