package site

import (
	"errors"
	"fmt"
	"github.com/briefs/briefs/internal/brief"
	"sort"
	"strings"
	"time"

	"github.com/briefs/briefs/internal/diag"
	"github.com/briefs/briefs/internal/figures"
)

// company is the briefs of one company: those with the same ticker, else
// the same company name. Its briefs read each other's values.
type company struct {
	key          string
	name, ticker string
	// members are the briefs in time order: by period, then date, then path.
	members []*entry
	// sig is what its briefs' pages show of each other (prev/next links);
	// prevSig is sig before the last edit.
	sig, prevSig string
	// errs are the errors between its briefs (one number per fact, period
	// ends in order); they fail the build but leave each brief's page.
	errs diag.List
	// During the resolve pass (one goroutine per company), stack holds the
	// values being read across briefs, to name a cycle; cycles maps each
	// value on a cycle to its message.
	resolving bool
	stack     []string
	cycles    map[string]string
}

// companySlug is a company's URL segment under /companies/.
func companySlug(key string) string { return brief.TagSlug(key) }

// newer tells whether brief a was published after b (ties by path).
func newer(a, b *entry) bool {
	if !a.fm.Date.Equal(b.fm.Date) {
		return a.fm.Date.After(b.fm.Date)
	}
	return a.path > b.path
}

// sortMembers puts a company's briefs in time order.
func (c *company) sortMembers() {
	sort.SliceStable(c.members, func(i, j int) bool {
		a, b := c.members[i], c.members[j]
		if a.fm.Period != b.fm.Period {
			if cmp, ok := figures.ComparePeriods(a.fm.Period, b.fm.Period); ok && cmp != 0 {
				return cmp < 0
			}
			return a.fm.Period < b.fm.Period
		}
		if !a.fm.Date.Equal(b.fm.Date) {
			return a.fm.Date.Before(b.fm.Date)
		}
		return a.path < b.path
	})
}

// signature is what each brief's page shows of the company and of its
// neighbours.
func (c *company) signature() string {
	var sb strings.Builder
	for _, m := range c.members {
		fmt.Fprintf(&sb, "%s\x00%s\x00%s\x00%s\x00%s\x00%s\x00%s\x00%t\x01", m.path, m.fm.Slug, m.fm.Title, m.fm.Period, day(m.fm.Date), m.fm.Company, m.fm.Ticker, m.fm.Draft)
	}
	return sb.String()
}

// resolver reads values for one brief from the other briefs of its
// company, recording which periods the brief read (found or not), so that
// an edit re-renders exactly the briefs that read from it.
type resolver struct {
	co   *company
	self *entry
}

// read records that the brief read name at period.
func (e *entry) read(period, name string) {
	for _, d := range e.deps {
		if d.period == period && d.name == name {
			return
		}
	}
	e.deps = append(e.deps, dep{period, name})
}

// dep is a value a brief read from its company: name at period.
type dep struct{ period, name string }

// allPeriods is the dependency of a brief that asked which periods exist.
const allPeriods = "*"

// Value implements figures.Resolver.
func (r *resolver) Value(name, period string) (figures.Value, string, []*figures.Source, error) {
	r.self.read(period, name)
	co := r.co
	if co == nil {
		return figures.Value{}, "", nil, fmt.Errorf("%s@%s is not in this brief, and the brief names no company whose other briefs could hold it: set ticker or company", name, period)
	}
	key := name + "@" + period
	var inPeriod []*entry
	for _, m := range co.members {
		if m != r.self && m.fm.Period == period {
			inPeriod = append(inPeriod, m)
		}
	}
	// The brief for that period first (the newest when there are several).
	sort.SliceStable(inPeriod, func(i, j int) bool { return newer(inPeriod[i], inPeriod[j]) })
	for _, m := range inPeriod {
		if _, ok := m.fm.Figures.Named(name); !ok {
			continue
		}
		if co.resolving {
			co.stack = append(co.stack, key)
			defer func() { co.stack = co.stack[:len(co.stack)-1] }()
		}
		v, comp, srcs, err := m.fm.Figures.Value(name)
		switch {
		case errors.Is(err, figures.ErrCycle):
			msg := co.cycle(key)
			return figures.Value{}, "", nil, errors.New(msg)
		case errors.Is(err, figures.ErrReported):
			if msg, ok := co.cycles[key]; ok {
				return figures.Value{}, "", nil, errors.New(msg)
			}
			return figures.Value{}, "", nil, err
		case err == nil:
			return v, comp, srcs, nil
		}
	}
	// Else a point of another brief's series, the newest brief first.
	others := append([]*entry{}, co.members...)
	sort.SliceStable(others, func(i, j int) bool { return newer(others[i], others[j]) })
	for _, m := range others {
		if m == r.self {
			continue
		}
		if f, ok := m.fm.Figures.Point(name, period); ok {
			return f.Value, f.Computation, f.Sources, nil
		}
	}
	if len(inPeriod) == 0 {
		return figures.Value{}, "", nil, fmt.Errorf("%s has no brief for %s that holds %s (its briefs cover %s)", co.key, period, name, co.periods(r.self))
	}
	m := inPeriod[0]
	msg := fmt.Sprintf("%s@%s: the %s %s brief (%s) has no %s", name, period, co.key, period, m.path, name)
	msg += m.fm.Figures.DidYouMean(name)
	return figures.Value{}, "", nil, errors.New(msg)
}

// Periods implements figures.Resolver.
func (r *resolver) Periods(name string) []string {
	r.self.read(allPeriods, name)
	if r.co == nil {
		return nil
	}
	var out []string
	for _, m := range r.co.members {
		n, ok := m.fm.Figures.Named(name)
		if m == r.self || !ok || n.Failed {
			continue
		}
		out = append(out, n.Periods...)
		if len(n.Periods) == 0 && m.fm.Period != "" {
			out = append(out, m.fm.Period)
		}
	}
	return out
}

func signedLiteral(s string) string {
	if strings.HasPrefix(s, "-") {
		return "−" + s[1:]
	}
	return s
}

// periods lists the periods of the company's briefs other than self.
func (c *company) periods(self *entry) string {
	var ps []string
	seen := map[string]bool{}
	for _, m := range c.members {
		if m != self && m.fm.Period != "" && !seen[m.fm.Period] {
			seen[m.fm.Period] = true
			ps = append(ps, m.fm.Period)
		}
	}
	if len(ps) == 0 {
		return "no other period"
	}
	return strings.Join(ps, ", ")
}

// cycle names the cycle that key closes, and marks every value on it so
// that each brief on the cycle reports it.
func (c *company) cycle(key string) string {
	chain := c.stack
	for i, k := range c.stack[:len(c.stack)-1] {
		if k == key {
			chain = c.stack[i+1:]
			break
		}
	}
	msg := "cycle across briefs: " + key + " → " + strings.Join(chain, " → ")
	if c.cycles == nil {
		c.cycles = map[string]string{}
	}
	for _, k := range chain {
		c.cycles[k] = msg
	}
	return msg
}

// fact is one value a brief gives for a name and period.
type fact struct {
	m        *entry
	v        figures.Value
	literal  string
	at       diag.Pos
	restated bool
}

// check finds the errors between the company's briefs: two briefs giving
// one name and period different values (unless the newer is marked
// restated), and period ends out of the periods' order.
func (c *company) check() {
	c.errs = nil
	facts := map[string][]fact{}
	var keys []string
	add := func(name, period string, f fact) {
		k := name + "@" + period
		if _, ok := facts[k]; !ok {
			keys = append(keys, k)
		}
		facts[k] = append(facts[k], f)
	}
	for _, m := range c.members {
		for _, e := range m.fm.Figures.Entries() {
			if e.Derived || e.Failed {
				continue
			}
			for _, p := range e.Series {
				add(e.Name, p.Period, fact{m, p.Value, p.Literal, p.At, e.Restated})
			}
			if len(e.Series) == 0 && m.fm.Period != "" {
				add(e.Name, m.fm.Period, fact{m, e.Value, e.Literal, e.ValueAt, e.Restated})
			}
		}
	}
	for _, k := range keys {
		fs := facts[k]
		for i := 0; i < len(fs); i++ {
			for j := i + 1; j < len(fs); j++ {
				a, b := fs[i], fs[j]
				if a.m == b.m || agree(a, b) {
					continue
				}
				old, nw := a, b
				if newer(a.m, b.m) {
					old, nw = b, a
				}
				if nw.restated {
					continue
				}
				c.errs.Add(diag.At(old.m.path, old.at, "%s is %s here but %s in %s:%d:%d: a company has one number per fact; correct one, or mark the newer value restated: true with a note", k, signedLiteral(old.literal), signedLiteral(nw.literal), nw.m.path, nw.at.Line, nw.at.Col))
				c.errs.Add(diag.At(nw.m.path, nw.at, "%s is %s here but %s in %s:%d:%d: a company has one number per fact; correct one, or mark this newer value restated: true with a note", k, signedLiteral(nw.literal), signedLiteral(old.literal), old.m.path, old.at.Line, old.at.Col))
			}
		}
	}
	// Period ends follow the periods' order.
	for i, a := range c.members {
		for _, b := range c.members[i+1:] {
			if a.fm.PeriodEnd.IsZero() || b.fm.PeriodEnd.IsZero() {
				continue
			}
			cmp, ok := figures.ComparePeriods(a.fm.Period, b.fm.Period)
			switch {
			case !ok:
			case cmp == 0 && !a.fm.PeriodEnd.Equal(b.fm.PeriodEnd):
				c.errs.Add(diag.At(b.path, b.fm.PeriodEndAt, "period_end %s differs from %s's period_end %s for the same period %s", day(b.fm.PeriodEnd), a.path, day(a.fm.PeriodEnd), a.fm.Period))
			case cmp < 0 && a.fm.PeriodEnd.After(b.fm.PeriodEnd):
				c.errs.Add(diag.At(b.path, b.fm.PeriodEndAt, "period_end %s of %s is before period_end %s of the earlier period %s (%s): period ends must follow the periods' order", day(b.fm.PeriodEnd), b.fm.Period, day(a.fm.PeriodEnd), a.fm.Period, a.path))
			}
		}
	}
}

// agree tells whether two facts give the same value at the precision of
// the less precise literal.
func agree(a, b fact) bool {
	if a.v.Unit != b.v.Unit || a.v.Currency != b.v.Currency {
		return false
	}
	places := min(literalPlaces(a), literalPlaces(b))
	return a.v.D.Round(places).Equal(b.v.D.Round(places))
}

// literalPlaces is how many decimals of the value's exact decimal (whole
// currency units, a percent as a fraction) its literal was written with.
func literalPlaces(f fact) int32 {
	places := int32(0)
	if _, frac, ok := strings.Cut(f.literal, "."); ok {
		places = int32(len(frac))
	}
	switch f.v.Unit {
	case figures.Money:
		return places - f.v.Scale.Exp
	case figures.Percent:
		return places + 2
	}
	return places
}

func day(t time.Time) string { return t.Format("2006-01-02") }
