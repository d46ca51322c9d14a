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
	// money marks a money literal of the expression ($500 million), written
	// in scale.
	money bool
	scale Scale
}

func leaf(s string) *expl { return &expl{leaf: s, neg: strings.HasPrefix(s, "−")} }

// opLeaf is the text of an operand that may need more decimals.
func opLeaf(o *operand) *expl {
	return &expl{leaf: o.text, op: o, neg: o.v.sign() < 0 || strings.HasPrefix(o.text, "−")}
}

// moneyLeaf is a money literal as written ($500 million).
func moneyLeaf(text string, sc Scale) *expl {
	e := leaf(text)
	e.money, e.scale = true, sc
	return e
}

func join(parts ...*expl) *expl { return &expl{parts: parts, neg: parts[0].neg} }

// String joins the pieces as first shown.
func (e *expl) String() string { return e.text(0) }

// text joins the pieces, showing rounded operands with extra more decimals,
// walking the tree with an explicit stack so that deep nesting (80,000
// minus signs) needs no deep recursion. Money amounts in more than one
// scale are each shown with their scale ($2.5 billion + $500 million), not
// as bare numbers in different scales.
func (e *expl) text(extra int32) string {
	scaled := e.mixedScales()
	var b strings.Builder
	stack := []*expl{e}
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if x.parts == nil {
			if x.op != nil {
				b.WriteString(x.op.show(extra, scaled))
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

// mixedScales tells whether the money amounts of e are in more than one
// scale.
func (e *expl) mixedScales() bool {
	first, seen := int32(0), false
	stack := []*expl{e}
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		stack = append(stack, x.parts...)
		exp := x.scale.Exp
		switch {
		case x.op != nil && x.op.v.Unit == Money:
			exp = x.op.v.Scale.Exp
		case !x.money:
			continue
		}
		if !seen {
			first, seen = exp, true
		} else if first != exp {
			return true
		}
	}
	return false
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
	o.exact = v.exactAt(shownShift(v), places)
	return o
}

func displayOperand(v Value) operand {
	o := operand{v: v, style: asDisplay, places: v.Places}
	o.text, _ = Format(v, "")
	o.exact = v.exactAt(shownShift(v), v.Places)
	return o
}

// shownShift is the power of ten shown multiplies a value by.
func shownShift(v Value) int32 {
	if v.Unit == Percent {
		return 2
	}
	return -v.inScaleExp()
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

func (o *operand) show(extra int32, scaled bool) string {
	p := o.placesAt(extra)
	if scaled && o.style == asLiteral && o.v.Unit == Money {
		v := o.v
		v.Places = p
		t, _ := Format(v, "money")
		return t
	}
	if p == o.places {
		return o.text
	}
	if o.style == asLiteral {
		t := signed(o.v.rounded(shownShift(o.v), p).StringFixed(p))
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
	if !o.exact {
		sh := shownShift(v)
		v = Value{D: v.rounded(sh, p).Shift(-sh), Unit: v.Unit, Currency: v.Currency, Scale: v.Scale, Places: v.Places}
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
			stack[len(stack)-1] = stack[len(stack)-1].neg()
			continue
		case 'a':
			stack[len(stack)-1] = stack[len(stack)-1].abs()
			continue
		}
		a, b := stack[len(stack)-2], stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if s.op == 'g' {
			if b.sign() == 0 {
				return Value{}, false
			}
			v, err := grow(&Ref{}, a, b)
			if err != nil {
				return Value{}, false
			}
			stack[len(stack)-1] = v
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

// maxExtra bounds the decimals added to operands. Values are exact, so a
// few extra decimals reproduce almost every result; one that sits on a
// rounding boundary (0.575 from 1.15 ÷ 3 × 1.5) is reproduced by no
// number of decimals, and its explanation says ≈ instead.
const maxExtra = 4

// explain is the text of a computation whose result shows as want in
// format: rounded operands get the fewest extra decimals (the same for
// all) at which the shown arithmetic, done again on the shown operands,
// rounds to want. "37.0% ÷ 5.4%" is 6.85, which shows 6.9×, not 6.8×.
// approx tells that no such decimals were found: the text is then only
// close to the result ("≈").
func explain(e *expl, q program, want, format string) (text string, approx bool) {
	if !q.rounded {
		return e.text(0), false
	}
	for extra := int32(0); extra <= maxExtra; extra++ {
		v, ok := q.run(extra)
		if !ok {
			continue
		}
		if got, err := Format(v, format); err == nil && got == want {
			return e.text(extra), false
		}
	}
	return e.text(maxExtra), true
}

// decimals is how many decimals d needs to be shown exactly.
func decimals(d decimal.Decimal) int32 {
	s := d.String()
	if i := strings.IndexByte(s, '.'); i >= 0 {
		return int32(len(s) - i - 1)
	}
	return 0
}
