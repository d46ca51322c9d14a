package figures

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Resolver gives a set the values of its company's other briefs: the set
// asks it for name@PERIOD when its own values lack that period. The site,
// which knows every brief, implements it.
type Resolver interface {
	// Value returns name's value for period from another brief of the
	// company, its literal as written ("" for a computed value, which an
	// explanation shows rounded) and its sources. The error's
	// message names what exists; an error wrapping ErrReported stands for a
	// failure already reported where it arises.
	Value(name, period string) (Value, string, []*Source, error)
	// Periods lists the periods for which other briefs of the company hold
	// a value of name.
	Periods(name string) []string
}

var (
	// ErrReported marks an error already reported at its own position.
	ErrReported = errors.New("reported where it arises")
	// ErrCycle is returned by Set.Value for a derived value whose
	// evaluation is under way: a cycle that runs through other briefs.
	ErrCycle = errors.New("cycle")
)

// SetResolver makes name@PERIOD references read from r when the set lacks
// the period; nil reads only the set's own values.
func (s *Set) SetResolver(r Resolver) { s.across = r }

// Value returns name's value at the set's own period, evaluating a derived
// value on first use, for another brief that reads it. It returns ErrCycle
// when that value is being evaluated, and ErrReported when it failed.
func (s *Set) Value(name string) (Value, string, []*Source, error) {
	e, ok := s.byName[name]
	if !ok {
		return Value{}, "", nil, fmt.Errorf("no %s", name)
	}
	if e.Failed {
		return Value{}, "", nil, ErrReported
	}
	if !e.Derived {
		v, ok := e.own(s.Period)
		if !ok {
			return Value{}, "", nil, fmt.Errorf("%s has no value for %s", name, s.Period)
		}
		return v, e.written(s.Period), e.cited, nil
	}
	switch e.res.state {
	case unvisited:
		s.resolve(e)
	case visiting:
		return Value{}, "", nil, ErrCycle
	}
	if e.res.state != done {
		return Value{}, "", nil, ErrReported
	}
	return e.res.value, "", e.res.sources, nil
}

// ownsPeriod tells whether e answers name@period in its own set: the set's
// own period, or a point of its series.
func (s *Set) ownsPeriod(e *Entry, period string) bool {
	if e.Failed || period == s.Period && len(e.Series) == 0 {
		return true
	}
	for _, p := range e.Series {
		if p.Period == period {
			return true
		}
	}
	return false
}

// acrossLookup reads name@PERIOD from the company's other briefs.
func (s *Set) acrossLookup(ref *Ref) (result, error) {
	v, comp, srcs, err := s.across.Value(ref.Name, ref.Period)
	if errors.Is(err, ErrReported) {
		return result{}, &EvalError{Off: ref.At, quiet: true}
	}
	if err != nil {
		return result{}, errAt(ref, "%v", err)
	}
	if comp == "" {
		return operandResult(displayOperand(v), srcs), nil
	}
	return operandResult(literalOperand(v, comp), srcs), nil
}

// periodsOf lists every period with a value of name, in the set or in
// the company's other briefs, in time order (unordered ones last, by name).
func (s *Set) periodsOf(name string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(p string) {
		if p != "" && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	if e, ok := s.byName[name]; ok {
		for _, p := range e.Series {
			add(p.Period)
		}
		if len(e.Series) == 0 {
			add(s.Period)
		}
	}
	if s.across != nil {
		for _, p := range s.across.Periods(name) {
			add(p)
		}
	}
	SortPeriods(out)
	return out
}

// SortPeriods sorts periods in time: FY2023 before FY2024H1 before FY2024.
// Periods that do not parse go last, by name.
func SortPeriods(ps []string) {
	sort.SliceStable(ps, func(i, j int) bool {
		c, ok := ComparePeriods(ps[i], ps[j])
		if ok {
			return c < 0
		}
		_, oi := parsePeriod(ps[i])
		_, oj := parsePeriod(ps[j])
		if oi != oj {
			return oi
		}
		return ps[i] < ps[j]
	})
}

// ComparePeriods orders two periods in time (-1, 0 or 1); ok is false when
// either is not written FY2024, FY2024H1 or FY2024Q3.
func ComparePeriods(a, b string) (int, bool) {
	ka, oka := parsePeriod(a)
	kb, okb := parsePeriod(b)
	if !oka || !okb {
		return 0, false
	}
	switch {
	case ka == kb:
		return 0, true
	case ka.before(kb):
		return -1, true
	}
	return 1, true
}

// ValidPeriod tells whether p is written FY2024, FY2024H1 or FY2024Q3.
func ValidPeriod(p string) bool {
	_, ok := parsePeriod(p)
	return ok
}

// Range lists the periods from..to (both included) of the same kind as
// from (years, halves or quarters) for which name has a value in the set
// or in the company's other briefs, in time order.
func (s *Set) Range(name, from, to string) ([]string, error) {
	kf, okf := parsePeriod(from)
	kt, okt := parsePeriod(to)
	switch {
	case !okf:
		return nil, fmt.Errorf("cannot read period %s: write periods as FY2024, FY2024H1 or FY2024Q3", from)
	case !okt:
		return nil, fmt.Errorf("cannot read period %s: write periods as FY2024, FY2024H1 or FY2024Q3", to)
	case kf.kind != kt.kind:
		return nil, fmt.Errorf("a range runs between periods of one kind: %s and %s differ", from, to)
	case kt.before(kf):
		return nil, fmt.Errorf("the range %s..%s runs backwards: write %s..%s", from, to, to, from)
	}
	all := s.periodsOf(name)
	if len(all) == 0 {
		if _, ok := s.byName[name]; !ok && s.across == nil {
			msg := fmt.Sprintf("unknown name %s", name)
			msg += s.DidYouMean(name)
			return nil, errors.New(msg)
		}
		return nil, fmt.Errorf("%s has no value in any period of the company", name)
	}
	var out []string
	for _, p := range all {
		k, ok := parsePeriod(p)
		if ok && k.kind == kf.kind && !k.before(kf) && !kt.before(k) {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s has no value from %s to %s (it has %s)", name, from, to, strings.Join(all, ", "))
	}
	return out, nil
}
