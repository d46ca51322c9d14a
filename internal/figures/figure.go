package figures

import (
	"strings"

	"github.com/shopspring/decimal"
)

// Figure is a resolved value: a figure or derived value at one period,
// with everything a page shows of it. The stages after Resolve (prose,
// charts, pages, images, diff) read values only through it (and what a
// name holds beyond one value through Named), so a value is displayed,
// explained and cited the same way everywhere.
type Figure struct {
	Name string
	// Period is the period of a series point or of a value read from
	// another brief; "" for the value at the brief's own period.
	Period string
	// Label is the entry's label (a name without one reads as its key).
	Label string
	// Value is the exact value.
	Value Value
	// Format is the value's display format ("" for its unit's default).
	Format  string
	Derived bool
	// Computation is how the value was computed ("39.8 ÷ 68.6"); for a
	// reported value, its literal as written.
	Computation string
	// Sources are the sources the value rests on, filings included.
	Sources []*Source
	// Restated marks a value that replaces an older brief's; Note says why.
	Restated bool
	Note     string

	// own is the brief's period: a Period other than it is named in the
	// caption.
	own string
	abs bool
}

// Display shows the value in format; "" is the figure's own format.
func (f Figure) Display(format string) (string, error) {
	if format == "" {
		format = f.Format
	}
	return Format(f.Value, format)
}

// Text shows the value in its own format, or its unit's default where
// that format cannot show it.
func (f Figure) Text() string {
	t, err := Format(f.Value, f.Format)
	if err != nil {
		t, _ = Format(f.Value, "")
	}
	return t
}

// Data is the machine-readable value for <data value>.
func (f Figure) Data() string { return f.Value.DataValue() }

// Caption is the label, with the period when it is not the brief's own
// ("Total net sales, FY2023").
func (f Figure) Caption() string {
	if f.Period != "" && f.Period != f.own {
		return f.Label + ", " + f.Period
	}
	return f.Label
}

// How says where the value comes from: "= 39.8 ÷ 68.6" for a derived
// value, "Reported" for one a source gives, and a restatement's reason.
func (f Figure) How() string {
	how := "Reported"
	if f.Derived {
		how = "= " + f.Computation
	}
	if f.Restated {
		how += " · restated: " + f.Note
	}
	return how
}

// Explanation is the one-line account of the value a reader sees on
// hovering it: how it was computed (or its caption) and its sources
// ("= 39.8 ÷ 68.6 · Amazon Q4 2024 Earnings Release").
func (f Figure) Explanation() string {
	var b strings.Builder
	if f.abs {
		b.WriteString("the amount of ")
	}
	if f.Derived {
		b.WriteString("= " + f.Computation)
	} else {
		b.WriteString(f.Caption())
	}
	if len(f.Sources) > 0 {
		b.WriteString(" · " + SourceTitles(f.Sources))
	}
	return b.String()
}

// Abs is the figure's amount without its sign, explained as such.
func (f Figure) Abs() Figure {
	f.Value.D = f.Value.D.Abs()
	f.abs = true
	return f
}

// SourceTitles joins sources' titles for display ("A; B").
func SourceTitles(srcs []*Source) string {
	titles := make([]string, len(srcs))
	for i, s := range srcs {
		titles[i] = s.Title
	}
	return strings.Join(titles, "; ")
}

// figure is e's resolved form at its own period, whose value is v.
func (s *Set) figure(e *Entry, v Value) Figure {
	f := Figure{Name: e.Name, Label: e.Label, Value: v, Format: e.format(), Derived: e.Derived,
		Computation: e.res.computation, Sources: e.sources(), Restated: e.Restated, Note: e.Note, own: s.Period}
	if !e.Derived {
		f.Computation = e.written(s.Period)
	}
	return f
}

// Figure returns name's value at the brief's period; ok is false when it
// has none (unknown, failed, or a series without that period).
func (s *Set) Figure(name string) (Figure, bool) {
	e, ok := s.byName[name]
	if !ok {
		return Figure{}, false
	}
	v, ok := e.own(s.Period)
	if !ok {
		return Figure{}, false
	}
	return s.figure(e, v), true
}

// Point returns the point of name's own series at period.
func (s *Set) Point(name, period string) (Figure, bool) {
	e, ok := s.byName[name]
	if !ok || e.Failed {
		return Figure{}, false
	}
	for _, p := range e.Series {
		if p.Period == period {
			f := s.figure(e, p.Value)
			f.Period, f.Computation = period, signed(p.Literal)
			return f, true
		}
	}
	return Figure{}, false
}

// Figures lists every value a brief shows: each value at the brief's
// period, and each other period of a series, in file order.
func (s *Set) Figures() []Figure {
	var out []Figure
	for _, e := range s.order {
		v, own := e.own(s.Period)
		if own {
			out = append(out, s.figure(e, v))
		}
		for _, p := range e.Series {
			if own && p.Period == s.Period {
				continue // the value at the brief's period, above
			}
			if f, ok := s.Point(e.Name, p.Period); ok {
				out = append(out, f)
			}
		}
	}
	return out
}

// Named is what a set holds under one name once resolved, whatever its
// periods: its label, kind and periods, and the sources its value rests
// on. It is a copy: reading it changes nothing in the set.
type Named struct {
	Name, Label string
	Derived     bool
	// Expr is a derived value's expression as written.
	Expr string
	// Failed marks a figure whose value could not be read; its error is
	// reported where it is written.
	Failed bool
	// Periods are the periods of the figure's series in time order; nil
	// for a single value.
	Periods []string
	// HasValue tells whether it has a value at the brief's period (Value):
	// false for a failed one, a derived value that could not be computed
	// and a series without that period.
	HasValue bool
	// Value is the value at the brief's period; for a single figure, the
	// value as read even when it failed.
	Value Value
	// Sources are the sources the value rests on, filings included.
	Sources []*Source
}

// Named returns what the set holds under name.
func (s *Set) Named(name string) (Named, bool) {
	e, ok := s.byName[name]
	if !ok {
		return Named{}, false
	}
	return s.named(e), true
}

// Names lists what the set holds under each name, in file order.
func (s *Set) Names() []Named {
	out := make([]Named, len(s.order))
	for i, e := range s.order {
		out[i] = s.named(e)
	}
	return out
}

func (s *Set) named(e *Entry) Named {
	n := Named{Name: e.Name, Label: e.Label, Derived: e.Derived, Expr: e.ExprText, Failed: e.Failed, Sources: e.sources()}
	n.Value, n.HasValue = e.own(s.Period)
	if !e.Derived && len(e.Series) == 0 {
		n.Value = e.Value
	}
	if len(e.Series) > 0 {
		n.Periods = make([]string, len(e.Series))
		for i, p := range e.Series {
			n.Periods[i] = p.Period
		}
	}
	return n
}

// At returns name's value at period, from the set or, through the
// resolver, from another brief of the company. The error is an
// *EvalError; Reported tells whether it was reported where it arises.
func (s *Set) At(name, period string) (Figure, error) {
	r, err := s.eval(&Ref{Name: name, Period: period}, nil)
	if err != nil {
		return Figure{}, err
	}
	f := Figure{Name: name, Period: period, Label: strings.ReplaceAll(name, "_", " "), Value: r.v,
		Sources: r.sources, own: s.Period}
	if e, ok := s.byName[name]; ok {
		f.Label, f.Format, f.Derived, f.Restated, f.Note = e.Label, e.format(), e.Derived, e.Restated, e.Note
	}
	// A value from another brief is one operand, shown as precisely as
	// the value as displayed needs.
	format := f.Format
	if _, err := Format(r.v, format); err != nil || format == "" {
		format = DefaultFormat(r.v.Unit)
	}
	want, _ := Format(r.v, format)
	f.Computation = explain(r.comp, r.prog, want, format)
	return f, nil
}

// Expr returns the value of an expression that is no entry (a chart's
// value). The error is an *EvalError or *SyntaxError with an offset.
func (s *Set) Expr(n Node) (Figure, error) {
	r, err := s.eval(n, nil)
	if err != nil {
		return Figure{}, err
	}
	return Figure{Value: r.v, Computation: r.comp.String(), Sources: r.sources, own: s.Period}, nil
}

// Scaled is f with a money value written in scale sc, as precisely as
// before ($0.5 billion is $500 million); other units are as they are.
func (f Figure) Scaled(sc Scale) Figure {
	if f.Value.Unit == Money {
		f.Value.Places = max(f.Value.Places+f.Value.Scale.Exp-sc.Exp, 0)
		f.Value.Scale = sc
	}
	return f
}

// ChartFormat is the format a chart labels values in unless it names one:
// money short ($107.6B), other units in their default.
func ChartFormat(u Unit) string {
	if u == Money {
		return "money_short"
	}
	return DefaultFormat(u)
}

// Affixes are what an axis in v's unit writes around its numbers: "$" and
// "B" for money in billions, "%" after percentages.
func Affixes(v Value) (prefix, suffix string) {
	switch v.Unit {
	case Money:
		sym, _ := Format(Value{Unit: Money, Currency: v.Currency, Scale: Scale{Name: "one"}}, "money")
		prefix = strings.TrimSuffix(sym, "0")
		short, _ := Format(Value{Unit: Money, Currency: v.Currency, Scale: v.Scale}, "money_short")
		suffix = strings.TrimPrefix(short, prefix+"0")
	case Percent:
		suffix = "%"
	}
	return prefix, suffix
}

// Shown is the number a value is written and drawn at: money in its
// scale (107.6 for 107.6 billion), a percent in percentage points.
func (v Value) Shown() decimal.Decimal { return shown(v) }
