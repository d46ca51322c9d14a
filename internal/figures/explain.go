package figures

import (
	"strings"

	"github.com/shopspring/decimal"
)

// expl is the text of a computation ("39.8 ÷ 68.6") built up while an
// expression is evaluated. Pieces are joined once, at the end: joining at
// every operator would copy the text so far each time, which is quadratic
// in a long expression (a + a + … + a).
type expl struct {
	leaf string
	// op, when set, is an operand shown rounded: its text depends on how
	// many decimals the explanation needs (see operand).
	op    *operand
	parts []*expl
	// neg marks text that starts with a minus sign.
	neg bool
}

func leaf(s string) *expl { return &expl{leaf: s, neg: strings.HasPrefix(s, "−")} }

// opLeaf is the text of an operand that may need more decimals.
func opLeaf(o *operand) *expl {
	return &expl{leaf: o.text, op: o, neg: o.v.D.IsNegative() || strings.HasPrefix(o.text, "−")}
}

func join(parts ...*expl) *expl { return &expl{parts: parts, neg: parts[0].neg} }

// String joins the pieces as first shown.
func (e *expl) String() string { return e.text(0) }

// text joins the pieces, showing rounded operands with extra more decimals,
// walking the tree with an explicit stack so that deep nesting (80,000
// minus signs) needs no deep recursion.
func (e *expl) text(extra int32) string {
	var b strings.Builder
	stack := []*expl{e}
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if x.parts == nil {
			if x.op != nil {
				b.WriteString(x.op.show(extra))
			} else {
				b.WriteString(x.leaf)
			}
			continue
		}
		for i := len(x.parts) - 1; i >= 0; i-- {
			stack = append(stack, x.parts[i])
		}
	}
	return b.String()
}

// Operand styles: as a figure's literal is written (39.8, in its scale; a
// percent in points), or in its unit's default display format (58.0%).
const (
	asLiteral uint8 = iota
	asDisplay
)

// operand is a value as an explanation shows it. Text is how it shows at
// first; places is how many decimals that text has.
type operand struct {
	v      Value
	text   string
	style  uint8
	places int32
	// exact tells whether text is the value exactly: then no decimals are
	// ever added.
	exact bool
}

// literalOperand is a figure's value as its literal is written; a percent
// shows its sign, so that "30% × 107.6" computes as written.
func literalOperand(v Value, text string) operand {
	places := int32(0)
	if i := strings.IndexByte(text, '.'); i >= 0 {
		places = int32(len(text) - i - 1)
	}
	if v.Unit == Percent {
		text += "%"
	}
	o := operand{v: v, text: text, style: asLiteral, places: places}
	o.exact = shown(v).Round(places).Equal(shown(v))
	return o
}

func displayOperand(v Value) operand {
	o := operand{v: v, style: asDisplay, places: v.Places}
	o.text, _ = Format(v, "")
	if v.Unit == Percent {
		o.exact = v.D.Shift(2).Round(v.Places).Equal(v.D.Shift(2))
	} else {
		o.exact = v.InScale().Round(v.Places).Equal(v.InScale())
	}
	return o
}

// shown is a value in the terms its literal is written in: money in its
// scale, a percent in percentage points.
func shown(v Value) decimal.Decimal {
	if v.Unit == Percent {
		return v.D.Shift(2)
	}
	return v.InScale()
}

// places is the operand's decimals with extra more, never more than the
// value has.
func (o *operand) placesAt(extra int32) int32 {
	if extra == 0 || o.exact {
		return o.places
	}
	return min(o.places+extra, max(o.places, decimals(shown(o.v))))
}

func (o *operand) show(extra int32) string {
	p := o.placesAt(extra)
	if p == o.places {
		return o.text
	}
	if o.style == asLiteral {
		t := signed(shown(o.v).Round(p).StringFixed(p))
		if o.v.Unit == Percent {
			t += "%"
		}
		return t
	}
	v := o.v
	v.Places = p
	t, _ := Format(v, "")
	return t
}

// value is the operand as its text at extra decimals says.
func (o *operand) value(extra int32) Value {
	p := o.placesAt(extra)
	v := o.v
	switch {
	case o.exact:
	case v.Unit == Percent:
		v.D = v.D.Shift(2).Round(p).Shift(-2)
	case v.Unit == Money:
		v.D = v.D.Shift(-v.Scale.Exp).Round(p).Shift(v.Scale.Exp)
	default:
		v.D = v.D.Round(p)
	}
	return v
}

// step is one instruction of a computation in postfix order: an operand
// shown rounded (o), an exact value (v), or an operation on the values
// before it. Re-running the steps on the operands as shown tells whether
// the shown arithmetic comes out.
type step struct {
	op byte // 0: operand; + - * /; 'n' negate; 'a' abs; 'g' growth
	o  *operand
	v  Value
}

// program is a computation's steps. A computation without a rounded
// operand has none: its shown arithmetic is exact, and as a part of a
// larger one it is the single step of its value (so a long exact sum
// costs nothing here).
type program struct {
	steps   []step
	rounded bool
}

// steps is r's program, or its exact value as one step.
func (r result) steps() []step {
	if r.prog.rounded {
		return r.prog.steps
	}
	return []step{{v: r.v}}
}

// combine is the program of op applied to l and r (r is nil for a unary
// op); l's steps are l's own, to append to.
func combine(op byte, l result, r *result) program {
	if !l.prog.rounded && (r == nil || !r.prog.rounded) {
		return program{}
	}
	q := l.steps()
	if r != nil {
		q = append(q, r.steps()...)
	}
	return program{steps: append(q, step{op: op}), rounded: true}
}

// run recomputes the value from the operands shown at extra decimals; ok
// is false when the shown operands cannot be computed (a divisor shown as
// 0, say).
func (q program) run(extra int32) (Value, bool) {
	var stack []Value
	for _, s := range q.steps {
		switch s.op {
		case 0:
			if s.o != nil {
				stack = append(stack, s.o.value(extra))
			} else {
				stack = append(stack, s.v)
			}
			continue
		case 'n':
			stack[len(stack)-1].D = stack[len(stack)-1].D.Neg()
			continue
		case 'a':
			stack[len(stack)-1].D = stack[len(stack)-1].D.Abs()
			continue
		}
		a, b := stack[len(stack)-2], stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if s.op == 'g' {
			if b.D.IsZero() {
				return Value{}, false
			}
			stack[len(stack)-1] = Value{D: a.D.DivRound(b.D, divPlaces).Sub(decimal.NewFromInt(1)), Unit: Percent, Places: 1}
			continue
		}
		v, err := arith(&Binary{Op: s.op}, a, b)
		if err != nil {
			return Value{}, false
		}
		stack[len(stack)-1] = v
	}
	if len(stack) != 1 {
		return Value{}, false
	}
	return stack[0], true
}

// maxExtra bounds the decimals added to operands: past it every operand
// shows exactly (quotients keep divPlaces decimals).
const maxExtra = divPlaces + 2

// explain is the text of a computation whose result shows as want in
// format: rounded operands get the fewest extra decimals (the same for
// all) at which the shown arithmetic, done again on the shown operands,
// rounds to want. "37.0% ÷ 5.4%" is 6.85, which shows 6.9×, not 6.8×.
func explain(e *expl, q program, want, format string) string {
	if !q.rounded {
		return e.text(0)
	}
	for extra := int32(0); extra < maxExtra; extra++ {
		v, ok := q.run(extra)
		if !ok {
			continue
		}
		if got, err := Format(v, format); err == nil && got == want {
			return e.text(extra)
		}
	}
	return e.text(maxExtra)
}

// decimals is how many decimals d needs to be shown exactly.
func decimals(d decimal.Decimal) int32 {
	s := d.String()
	if i := strings.IndexByte(s, '.'); i >= 0 {
		return int32(len(s) - i - 1)
	}
	return 0
}
