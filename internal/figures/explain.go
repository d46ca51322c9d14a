package figures

import "strings"

// expl is the text of a computation ("39.8 ÷ 68.6") built up while an
// expression is evaluated. Pieces are joined once, at the end: joining at
// every operator would copy the text so far each time, which is quadratic
// in a long expression (a + a + … + a).
type expl struct {
	leaf  string
	parts []*expl
	// neg marks text that starts with a minus sign.
	neg bool
}

func leaf(s string) *expl { return &expl{leaf: s, neg: strings.HasPrefix(s, "−")} }

func join(parts ...*expl) *expl { return &expl{parts: parts, neg: parts[0].neg} }

// String joins the pieces, walking the tree with an explicit stack so that
// deep nesting (80,000 minus signs) needs no deep recursion.
func (e *expl) String() string {
	var b strings.Builder
	stack := []*expl{e}
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if x.parts == nil {
			b.WriteString(x.leaf)
			continue
		}
		for i := len(x.parts) - 1; i >= 0; i-- {
			stack = append(stack, x.parts[i])
		}
	}
	return b.String()
}
