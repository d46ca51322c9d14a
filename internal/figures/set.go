package figures

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/briefs/briefs/internal/diag"
	"github.com/shopspring/decimal"
)

// Source is where figures come from.
type Source struct {
	ID, Title, URL, Date string
}

// Point is one period of a series.
type Point struct {
	Period  string
	Value   Value
	Literal string
	// At is where the value is written.
	At diag.Pos
}

// Entry is a named figure or derived value as a brief declares it. Only
// the brief that declares it writes its fields, before Resolve; what Resolve
// computes lives in the set, and the stages after it read values through
// Set.Figure, Set.Point, Set.At and Set.Named, never through an Entry.
type Entry struct {
	Name    string
	Label   string
	Derived bool
	// Value is a reported single value; a series has its values in Series
	// and a derived value none until Resolve computes it.
	Value   Value
	Series  []Point
	Literal string
	Source  *Source
	Format  string
	// FormatAt is the position of Format's value.
	FormatAt diag.Pos
	// Expr is a derived value's expression, ExprText its text and ExprAt the
	// position of its first character in the file.
	Expr     Node
	ExprText string
	ExprAt   diag.Pos
	// Pos is the position of the entry's key.
	Pos diag.Pos
	// Failed marks a figure whose value could not be read: its error is
	// reported where it is written, and its uses stay quiet.
	Failed bool
	// Restated marks a figure that replaces a value an older brief of the
	// company gave for the same period; Note says why.
	Restated bool
	Note     string
	// ValueAt is where a single value is written.
	ValueAt diag.Pos

	// cited are a reported value's sources: Source, then the filings it
	// agrees with (Cite).
	cited []*Source
	// res is what Resolve computed of a derived value.
	res resolved
}

// resolved is a derived value as Resolve computed it.
type resolved struct {
	state uint8
	value Value
	// computation shows how the value was computed ("39.8 ÷ 68.6"), each
	// rounded operand shown precisely enough that the arithmetic comes
	// out at the value as displayed.
	computation string
	// sources are the sources the value rests on, in first-use order.
	sources []*Source
	// badFormat marks a Format that cannot show the value (reported at
	// FormatAt): the value shows in its unit's default.
	badFormat bool
	// expl and prog hold the computation until Resolve words it.
	expl *expl
	prog program
}

// Cite adds src, a filing a reported value agrees with, to the value's
// sources (once), while the brief is read.
func (e *Entry) Cite(src *Source) {
	for _, s := range e.cited {
		if s == src {
			return
		}
	}
	e.cited = append(e.cited, src)
}

// own is e's value at the brief's period; ok is false when it has none
// (failed, not computed, or a series without that period).
func (e *Entry) own(period string) (v Value, ok bool) {
	switch {
	case e.Failed:
		return Value{}, false
	case e.Derived:
		return e.res.value, e.res.state == done
	case len(e.Series) == 0:
		return e.Value, true
	}
	for _, p := range e.Series {
		if p.Period == period {
			v, ok = p.Value, true
		}
	}
	return v, ok
}

// sources are the sources e's value rests on.
func (e *Entry) sources() []*Source {
	if e.Derived {
		return e.res.sources
	}
	return e.cited
}

// format is the format e's value shows in ("" for its unit's default).
func (e *Entry) format() string {
	if e.res.badFormat {
		return ""
	}
	return e.Format
}

// Set holds a brief's named values.
type Set struct {
	File   string
	Period string
	byName map[string]*Entry
	order  []*Entry
	errs   diag.List
	// across reads name@PERIOD from the company's other briefs.
	across Resolver
}

// NewSet returns an empty set for file whose plain series references take
// period.
func NewSet(file, period string) *Set {
	return &Set{File: file, Period: period, byName: map[string]*Entry{}}
}

// Entries returns every entry in file order, as declared: for the brief
// that declares them, and for checks that compare declarations (literals,
// positions) across briefs. Resolved values are read through Figure,
// Point, At and Named.
func (s *Set) Entries() []*Entry { return s.order }

// Add adds an entry; a name used twice is an error at the second use.
func (s *Set) Add(e *Entry) *diag.Error {
	if prev, ok := s.byName[e.Name]; ok {
		return diag.At(s.File, e.Pos, "%s is defined twice (first at line %d)", e.Name, prev.Pos.Line)
	}
	if !e.Derived && e.Source != nil {
		e.cited = []*Source{e.Source}
	}
	s.byName[e.Name] = e
	s.order = append(s.order, e)
	return nil
}

// Reset forgets every derived value, so that Resolve computes them again
// (after a brief they read from changed).
func (s *Set) Reset() {
	s.errs = nil
	for _, e := range s.order {
		if e.Derived {
			e.res = resolved{}
		}
	}
}

// Resolve computes every derived value, reporting each error at the
// position in the expression where it arises.
func (s *Set) Resolve() diag.List {
	for _, e := range s.order {
		if e.Derived {
			s.resolve(e)
		}
	}
	// A format that cannot show its value would drop the value from every
	// page that shows it (the index, the image): an error where it is set.
	for _, e := range s.order {
		if e.Format == "" || e.res.state != done || e.res.badFormat {
			continue
		}
		if _, err := Format(e.res.value, e.Format); err != nil {
			s.errs.Add(diag.At(s.File, e.FormatAt, "%s: %v", e.Name, err))
			e.res.badFormat = true
		}
	}
	for _, e := range s.order {
		if e.res.state == done && e.res.expl != nil {
			f := e.format()
			if f == "" {
				f = DefaultFormat(e.res.value.Unit)
			}
			want, _ := Format(e.res.value, f)
			e.res.computation = explain(e.res.expl, e.res.prog, want, f)
			e.res.expl, e.res.prog = nil, program{}
		}
	}
	errs := s.errs
	s.errs = nil
	return errs
}

const (
	unvisited uint8 = iota
	visiting
	done
	failed
)

// resolve evaluates e once; an error is recorded at e's own expression, and
// entries that depend on a failed one fail quietly.
func (s *Set) resolve(e *Entry) {
	if e.res.state != unvisited || e.Failed {
		return
	}
	e.res.state = visiting
	r, err := s.eval(e.Expr, []string{e.Name})
	if err != nil {
		e.res.state = failed
		s.errs.Add(s.exprError(e, err))
		return
	}
	e.done(r)
}

// done records a derived value; Resolve words its computation once every
// format is known.
func (e *Entry) done(r result) {
	e.res = resolved{state: done, value: r.v, computation: r.comp.String(), sources: r.sources, expl: r.comp, prog: r.prog}
}

// Reported tells whether err stands for an error already reported at the
// entry it comes from, so that a caller should not report it again.
func Reported(err error) bool {
	ee, ok := err.(*EvalError)
	return ok && ee.quiet
}

// EvalError is an evaluation error at a byte offset of an expression.
type EvalError struct {
	Off int
	Msg string
	// quiet marks an error already reported at its own entry.
	quiet bool
}

func (e *EvalError) Error() string { return e.Msg }

func (s *Set) exprError(e *Entry, err error) *diag.Error {
	if Reported(err) {
		return nil
	}
	return diag.At(s.File, ErrorPos(e.ExprAt, e.ExprText, err), "%v", err)
}

// ErrorPos is the file position of an expression error: start is where the
// expression text begins, and the error's offset into text counts in
// characters, as columns do.
func ErrorPos(start diag.Pos, text string, err error) diag.Pos {
	off := 0
	var se *SyntaxError
	var ee *EvalError
	switch {
	case errors.As(err, &se):
		off = se.Off
	case errors.As(err, &ee):
		off = ee.Off
	}
	start.Col += utf8.RuneCountInString(text[:min(max(off, 0), len(text))])
	return start
}

type result struct {
	v       Value
	comp    *expl
	prog    program
	sources []*Source
	prec    int
}

// operandResult is a result that is one operand.
func operandResult(o operand, sources []*Source) result {
	if o.exact {
		return result{v: o.v, comp: leaf(o.text), sources: sources, prec: 3}
	}
	p := new(operand)
	*p = o
	return result{v: o.v, comp: opLeaf(p), prog: program{steps: []step{{o: p}}, rounded: true}, sources: sources, prec: 3}
}

func errAt(n Node, format string, args ...any) *EvalError {
	return &EvalError{Off: n.Off(), Msg: fmt.Sprintf(format, args...)}
}

// Eval evaluates an expression that is not a derived entry (a chart value,
// a reference). The error is an *EvalError or *SyntaxError with an offset.
func (s *Set) Eval(n Node) (Value, string, []*Source, error) {
	r, err := s.eval(n, nil)
	if err != nil {
		return Value{}, "", nil, err
	}
	return r.v, r.comp.String(), r.sources, nil
}

func (s *Set) lookup(ref *Ref, stack []string) (result, error) {
	e, ok := s.byName[ref.Name]
	if ref.Period != "" && s.across != nil && (!ok || !s.ownsPeriod(e, ref.Period)) {
		return s.acrossLookup(ref)
	}
	if ok && ref.Period != "" && ref.Period == s.Period && len(e.Series) == 0 {
		// name@PERIOD at the brief's own period is the plain name.
		plain := *ref
		plain.Period = ""
		return s.lookup(&plain, stack)
	}
	if !ok {
		msg := fmt.Sprintf("unknown name %s", ref.Name)
		msg += s.DidYouMean(ref.Name)
		return result{}, errAt(ref, "%s", msg)
	}
	if e.Failed {
		return result{}, &EvalError{Off: ref.At, quiet: true}
	}
	if ref.Period != "" {
		if len(e.Series) == 0 {
			return result{}, errAt(ref, "%s is not a series, so it has no period %s", ref.Name, ref.Period)
		}
		for _, p := range e.Series {
			if p.Period == ref.Period {
				return operandResult(literalOperand(p.Value, signed(p.Literal)), e.cited), nil
			}
		}
		return result{}, errAt(ref, "%s has no period %s (it has %s)", ref.Name, ref.Period, periods(e))
	}
	if e.Derived {
		for i, n := range stack {
			if n == ref.Name {
				cycle := append(append([]string{}, stack[i:]...), ref.Name)
				return result{}, errAt(ref, "cycle among derived values: %s", strings.Join(cycle, " → "))
			}
		}
		if e.res.state == unvisited {
			// Evaluate with the caller's stack so that cycles are seen.
			e.res.state = visiting
			r, err := s.eval(e.Expr, append(stack, e.Name))
			if err != nil {
				e.res.state = failed
				s.errs.Add(s.exprError(e, err))
				return result{}, &EvalError{Off: ref.At, quiet: true}
			}
			e.done(r)
		}
		if e.res.state == failed {
			return result{}, &EvalError{Off: ref.At, quiet: true}
		}
		return operandResult(displayOperand(e.res.value), e.res.sources), nil
	}
	v, has := e.own(s.Period)
	if !has {
		return result{}, errAt(ref, "%s has no value for the brief's period %s (it has %s): write %s@PERIOD", ref.Name, s.Period, periods(e), ref.Name)
	}
	return operandResult(literalOperand(v, e.written(s.Period)), e.cited), nil
}

// written is a figure's value at period as its literal is written, with a
// true minus sign: the point of a series, else the figure's own value.
func (e *Entry) written(period string) string {
	for _, p := range e.Series {
		if p.Period == period {
			return signed(p.Literal)
		}
	}
	return signed(e.Literal)
}

func periods(e *Entry) string {
	var ps []string
	for _, p := range e.Series {
		ps = append(ps, p.Period)
	}
	return strings.Join(ps, ", ")
}

func (s *Set) eval(n Node, stack []string) (result, error) {
	switch n := n.(type) {
	case *NumLit:
		v := Value{D: n.V, Unit: Number, Places: n.Places}
		switch {
		case n.Pct:
			v = Value{D: n.V, Unit: Percent, Places: max(n.Places, 1)}
		case n.Currency != "":
			v = Value{D: n.V, Unit: Money, Currency: n.Currency, Scale: n.Scale, Places: n.Places}
		}
		return result{v: v, comp: leaf(n.Text), prec: 3}, nil
	case *Ref:
		return s.lookup(n, stack)
	case *Unary:
		x, err := s.eval(n.X, stack)
		if err != nil {
			return result{}, err
		}
		x.v.D = x.v.D.Neg()
		x.comp = join(leaf("−"), paren(x, 3))
		x.prog = combine('n', x, nil)
		return x, nil
	case *Call:
		return s.call(n, stack)
	case *Binary:
		// a + b + c + … nests to the left as deep as it is long: walk that
		// spine in a loop, so a long sum needs no deep recursion (a deep
		// stack is rescanned by every garbage collection).
		var spine []*Binary
		var x Node = n
		for b, ok := x.(*Binary); ok; b, ok = x.(*Binary) {
			spine = append(spine, b)
			x = b.L
		}
		l, err := s.eval(x, stack)
		if err != nil {
			return result{}, err
		}
		for i := len(spine) - 1; i >= 0; i-- {
			b := spine[i]
			r, err := s.eval(b.R, stack)
			if err != nil {
				return result{}, err
			}
			v, err := arith(b, l.v, r.v)
			if err != nil {
				return result{}, err
			}
			pr := prec(b)
			l = result{v: v, comp: join(paren(l, pr), leaf(opSymbol(b.Op)), paren(r, pr+1)), prog: combine(b.Op, l, &r), sources: mergeSources(l.sources, r.sources), prec: pr}
		}
		return l, nil
	}
	return result{}, errAt(n, "a comparison cannot be used as a value")
}

func paren(r result, p int) *expl {
	// A negative operand is bracketed so that "− −16.12" never appears.
	if r.prec < p || (p > 1 && r.comp.neg) {
		return join(leaf("("), r.comp, leaf(")"))
	}
	return r.comp
}

func mergeSources(a, b []*Source) []*Source {
	out := append([]*Source{}, a...)
	for _, s := range b {
		dup := false
		for _, t := range out {
			// Briefs of one company cite the same source each in their own
			// frontmatter: the same source, shown once.
			if t == s || *t == *s {
				dup = true
			}
		}
		if !dup {
			out = append(out, s)
		}
	}
	return out
}

func (s *Set) call(n *Call, stack []string) (result, error) {
	switch n.Fn {
	case "growth":
		if len(n.Args) != 1 {
			return result{}, errAt(n, "growth takes one series, such as growth(net_sales)")
		}
		ref, ok := n.Args[0].(*Ref)
		if !ok {
			return result{}, errAt(n.Args[0], "growth takes the name of a series")
		}
		e, ok := s.byName[ref.Name]
		if !ok && s.across == nil {
			_, err := s.lookup(ref, stack)
			return result{}, err
		}
		period := ref.Period
		if period == "" {
			period = s.Period
		}
		ps := s.periodsOf(ref.Name)
		if ok && len(e.Series) < 2 && len(ps) < 2 {
			return result{}, errAt(ref, "growth needs a series with at least two periods; %s is not one", ref.Name)
		}
		prevPeriod, gerr := previousPeriod(ps, period)
		if gerr != nil {
			return result{}, errAt(ref, "%s", gerr.msg(ref.Name, ps))
		}
		cur, err := s.lookup(&Ref{Name: ref.Name, Period: period, At: ref.At}, stack)
		if err != nil {
			return result{}, err
		}
		prev, err := s.lookup(&Ref{Name: ref.Name, Period: prevPeriod, At: ref.At}, stack)
		if err != nil {
			return result{}, err
		}
		if prev.v.D.IsZero() {
			return result{}, errAt(ref, "division by zero: %s@%s is 0", ref.Name, prevPeriod)
		}
		if prev.v.D.IsNegative() {
			return result{}, errAt(ref, "growth from a negative base is not meaningful (%s@%s is %s): compare the amounts instead, such as %s@%s - %s@%s",
				ref.Name, prevPeriod, prev.comp.String(), ref.Name, period, ref.Name, prevPeriod)
		}
		d := cur.v.D.DivRound(prev.v.D, divPlaces).Sub(decimal.NewFromInt(1))
		return result{
			v:       Value{D: d, Unit: Percent, Places: 1},
			comp:    join(paren(cur, 2), leaf(" ÷ "), paren(prev, 2), leaf(" − 1")),
			prog:    combine('g', cur, &prev),
			sources: mergeSources(cur.sources, prev.sources),
			prec:    1,
		}, nil
	case "abs":
		if len(n.Args) != 1 {
			return result{}, errAt(n, "abs takes one value")
		}
		r, err := s.eval(n.Args[0], stack)
		if err != nil {
			return result{}, err
		}
		r.v.D = r.v.D.Abs()
		r.comp = join(leaf("|"), r.comp, leaf("|"))
		r.prog = combine('a', r, nil)
		r.prec = 3
		return r, nil
	}
	msg := "unknown function " + n.Fn
	if hint := diag.DidYouMean(n.Fn, []string{"growth", "abs"}); hint != "" {
		msg += hint
	} else {
		msg += " (known: growth, abs)"
	}
	return result{}, errAt(n, "%s", msg)
}

// growthError says why a series has no point to grow from.
type growthError struct {
	kind   int // 0: no such period, 1: nothing just before it, 2: period not ordered
	period string
	// want is the period just before period, for kind 1.
	want string
}

func (g *growthError) msg(name string, ps []string) string {
	switch g.kind {
	case 1:
		return fmt.Sprintf("%s has no value for %s, the period before %s, to grow from (it has %s)", name, g.want, g.period, strings.Join(ps, ", "))
	case 2:
		return fmt.Sprintf("cannot tell which period comes before %s: write periods as FY2024, FY2024H1 or FY2024Q3", g.period)
	}
	return fmt.Sprintf("%s has no period %s (it has %s)", name, g.period, strings.Join(ps, ", "))
}

// previousPeriod finds, among the periods with a value, the latest one of
// the same kind (year, half or quarter) before period in time.
func previousPeriod(ps []string, name string) (string, *growthError) {
	k, ok := parsePeriod(name)
	found := false
	for _, p := range ps {
		found = found || p == name
	}
	if !found {
		return "", &growthError{kind: 0, period: name}
	}
	if !ok {
		return "", &growthError{kind: 2, period: name}
	}
	// The period just before, never an earlier one: growth from FY2022 to
	// FY2024 published as a year's growth would be silently wrong.
	want := k.previous()
	for _, p := range ps {
		if p == want {
			return want, nil
		}
	}
	return "", &growthError{kind: 1, period: name, want: want}
}

// arith applies a binary operator with the unit rules of DESIGN.md.
func arith(n *Binary, a, b Value) (Value, error) {
	v, err := arith1(n, a, b)
	if err != nil {
		return v, err
	}
	// Exact arithmetic must not grow without bound: a product keeps the
	// decimals a quotient keeps, and no result may pass maxDigits digits
	// before the point (a few squarings of a big figure would otherwise
	// take all memory).
	if v.D.Exponent() < -divPlaces {
		v.D = v.D.Round(divPlaces)
	}
	if intDigits(v.D) > maxDigits {
		return Value{}, errAt(n, "the result has more than %d digits before the point: no figure is that large", maxDigits)
	}
	return v, nil
}

// maxDigits bounds the digits before the decimal point of any value.
const maxDigits = 60

// intDigits counts the digits of d before the decimal point.
func intDigits(d decimal.Decimal) int {
	return d.NumDigits() + int(d.Exponent())
}

func arith1(n *Binary, a, b Value) (Value, error) {
	switch n.Op {
	case '+', '-':
		if a.Unit != b.Unit {
			return Value{}, errAt(n, "cannot %s %s and %s", verb(n.Op), a.describe(), b.describe())
		}
		if a.Unit == Money && a.Currency != b.Currency {
			return Value{}, errAt(n, "cannot %s %s and %s amounts", verb(n.Op), a.Currency, b.Currency)
		}
		out := a
		if n.Op == '+' {
			out.D = a.D.Add(b.D)
		} else {
			out.D = a.D.Sub(b.D)
		}
		out.Places = max(a.Places, b.Places)
		if a.Unit == Money && b.Scale.Exp > a.Scale.Exp {
			out.Scale = b.Scale
			out.Places = b.Places
		}
		return out, nil
	case '*':
		switch {
		case a.Unit == Money && b.Unit == Money:
			return Value{}, errAt(n, "cannot multiply money by money")
		case a.Unit == Money || a.Unit == Count && b.Unit != Count:
			a.D = a.D.Mul(b.D)
			return a, nil
		case b.Unit == Money || b.Unit == Count && a.Unit != Count:
			b.D = b.D.Mul(a.D)
			return b, nil
		case a.Unit == Percent && b.Unit == Percent:
			return Value{D: a.D.Mul(b.D), Unit: Percent, Places: 1}, nil
		case a.Unit == Percent || b.Unit == Percent:
			return Value{D: a.D.Mul(b.D), Unit: Percent, Places: 1}, nil
		}
		return Value{D: a.D.Mul(b.D), Unit: Number, Places: max(a.Places, b.Places, 1)}, nil
	case '/':
		if b.D.IsZero() {
			return Value{}, errAt(n, "division by zero: the divisor is 0")
		}
		q := a.D.DivRound(b.D, divPlaces)
		switch {
		case a.Unit == Money && b.Unit == Money:
			if a.Currency != b.Currency {
				return Value{}, errAt(n, "cannot divide %s by %s amounts", a.Currency, b.Currency)
			}
			return Value{D: q, Unit: Percent, Places: 1}, nil
		case a.Unit == Count && b.Unit == Count:
			return Value{D: q, Unit: Percent, Places: 1}, nil
		case b.Unit == Money:
			return Value{}, errAt(n, "cannot divide %s by money", a.describe())
		case a.Unit == Money || a.Unit == Count:
			a.D = q
			return a, nil
		case a.Unit == Percent && b.Unit == Percent:
			return Value{D: q, Unit: Number, Places: 1}, nil
		case a.Unit == Percent:
			return Value{D: q, Unit: Percent, Places: 1}, nil
		}
		return Value{D: q, Unit: Number, Places: max(a.Places, b.Places, 1)}, nil
	}
	return Value{}, errAt(n, "unknown operator %c", n.Op)
}

func verb(op byte) string {
	if op == '+' {
		return "add"
	}
	return "subtract"
}

// CheckResult is the outcome of a check.
type CheckResult struct {
	OK          bool
	Left, Right string
}

// Check evaluates a comparison. Percent literals compare with percents and
// plain numbers with plain numbers; mixing them is an error.
func (s *Set) Check(c *Compare) (CheckResult, error) {
	l, err := s.eval(c.L, nil)
	if err != nil {
		return CheckResult{}, err
	}
	r, err := s.eval(c.R, nil)
	if err != nil {
		return CheckResult{}, err
	}
	// Zero is zero in any unit, so "loss < 0" needs no unit.
	zero := isPlain(l.v) && l.v.D.IsZero() || isPlain(r.v) && r.v.D.IsZero()
	switch {
	case zero:
	case l.v.Unit != r.v.Unit && !(isPlain(l.v) && isPlain(r.v)):
		hint := ""
		switch {
		case l.v.Unit == Percent || r.v.Unit == Percent:
			hint = ": write percent literals with %, such as 20%"
		case l.v.Unit == Money || r.v.Unit == Money:
			hint = ": write money literals with a currency symbol, such as $10 billion"
		}
		return CheckResult{}, &EvalError{Off: c.At, Msg: fmt.Sprintf("cannot compare %s with %s%s", l.v.describe(), r.v.describe(), hint)}
	case l.v.Unit == Money && l.v.Currency != r.v.Currency:
		return CheckResult{}, &EvalError{Off: c.At, Msg: fmt.Sprintf("cannot compare %s and %s amounts", l.v.Currency, r.v.Currency)}
	}
	cmp := l.v.D.Cmp(r.v.D)
	ok := false
	switch c.Op {
	case "<":
		ok = cmp < 0
	case "<=":
		ok = cmp <= 0
	case ">":
		ok = cmp > 0
	case ">=":
		ok = cmp >= 0
	case "==":
		ok = cmp == 0
	}
	// Show both sides precisely enough to see why they compare as they do.
	show := func(v Value) string {
		v.Places = max(v.Places, 1)
		f, _ := Format(v, "")
		return f
	}
	return CheckResult{OK: ok, Left: show(l.v), Right: show(r.v)}, nil
}

func isPlain(v Value) bool { return v.Unit == Number || v.Unit == Count }

// DidYouMean returns " (did you mean X?)" naming the set's name nearest to
// name, or "" when none is near enough; see diag.DidYouMean.
func (s *Set) DidYouMean(name string) string {
	names := make([]string, 0, len(s.order))
	for _, e := range s.order {
		names = append(names, e.Name)
	}
	return diag.DidYouMean(name, names)
}
