package figures

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
)

// Node is an expression node. Off is its byte offset in the expression text.
type Node interface {
	Off() int
}

// NumLit is a number literal; Pct marks a percent literal such as 20%, and
// a Currency a money literal such as $10 billion (V in whole currency
// units, Places in Scale).
type NumLit struct {
	V        decimal.Decimal
	Places   int32
	Pct      bool
	Currency string
	Scale    Scale
	Text     string
	At       int
}

// Ref names a figure or derived value, optionally at a period (name@FY2023).
type Ref struct {
	Name   string
	Period string
	At     int
}

// Binary is an arithmetic operation: + - * /.
type Binary struct {
	Op   byte
	L, R Node
	At   int
}

// Unary is a negation.
type Unary struct {
	X  Node
	At int
}

// Call is a function call such as growth(net_sales).
type Call struct {
	Fn   string
	Args []Node
	At   int
}

// Compare is a check: L op R.
type Compare struct {
	Op   string
	L, R Node
	At   int
}

// Off implements Node.
func (n *NumLit) Off() int { return n.At }

// Off implements Node.
func (n *Ref) Off() int { return n.At }

// Off implements Node.
func (n *Binary) Off() int { return n.At }

// Off implements Node.
func (n *Unary) Off() int { return n.At }

// Off implements Node.
func (n *Call) Off() int { return n.At }

// Off implements Node.
func (n *Compare) Off() int { return n.At }

// SyntaxError is an error at a byte offset of an expression.
type SyntaxError struct {
	Off int
	Msg string
}

func (e *SyntaxError) Error() string { return e.Msg }

type exprParser struct {
	src string
	pos int
	// depth counts the parentheses, calls and signs open at pos.
	depth int
}

// maxDepth bounds nesting: no real expression comes near it, and a hostile
// one ((((… or ----… a hundred thousand deep) gets an error instead of a
// stack that every garbage collection has to scan.
const maxDepth = 200

// nest enters one level of nesting; leave with p.depth--.
func (p *exprParser) nest() error {
	p.depth++
	if p.depth > maxDepth {
		return p.errf("expression nested too deeply (more than %d levels of parentheses, calls and signs)", maxDepth)
	}
	return nil
}

// ParseExpr parses an arithmetic expression.
func ParseExpr(src string) (Node, error) {
	p := &exprParser{src: src}
	n, err := p.sum()
	if err != nil {
		return nil, err
	}
	p.space()
	if p.pos < len(p.src) {
		return nil, p.errf("unexpected %q", p.rest())
	}
	return n, nil
}

// ParseCheck parses a comparison: expr (< | <= | > | >= | ==) expr.
func ParseCheck(src string) (*Compare, error) {
	p := &exprParser{src: src}
	l, err := p.sum()
	if err != nil {
		return nil, err
	}
	p.space()
	at := p.pos
	op := ""
	for _, o := range []string{"<=", ">=", "==", "<", ">"} {
		if strings.HasPrefix(p.src[p.pos:], o) {
			op = o
			break
		}
	}
	if op == "" {
		if p.pos >= len(p.src) {
			return nil, p.errf("a check needs a comparison (<, <=, >, >=, ==)")
		}
		return nil, p.errf("expected a comparison (<, <=, >, >=, ==), found %q", p.rest())
	}
	p.pos += len(op)
	r, err := p.sum()
	if err != nil {
		return nil, err
	}
	p.space()
	if p.pos < len(p.src) {
		return nil, p.errf("unexpected %q", p.rest())
	}
	return &Compare{Op: op, L: l, R: r, At: at}, nil
}

func (p *exprParser) rest() string {
	r := p.src[p.pos:]
	if len(r) > 12 {
		r = r[:12] + "…"
	}
	return r
}

func (p *exprParser) errf(format string, args ...any) error {
	return &SyntaxError{Off: p.pos, Msg: fmt.Sprintf(format, args...)}
}

func (p *exprParser) space() {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t') {
		p.pos++
	}
}

func (p *exprParser) sum() (Node, error) {
	l, err := p.product()
	if err != nil {
		return nil, err
	}
	for {
		p.space()
		if p.pos >= len(p.src) || (p.src[p.pos] != '+' && p.src[p.pos] != '-') {
			return l, nil
		}
		op, at := p.src[p.pos], p.pos
		p.pos++
		r, err := p.product()
		if err != nil {
			return nil, err
		}
		l = &Binary{Op: op, L: l, R: r, At: at}
	}
}

func (p *exprParser) product() (Node, error) {
	l, err := p.unary()
	if err != nil {
		return nil, err
	}
	for {
		p.space()
		if p.pos >= len(p.src) || (p.src[p.pos] != '*' && p.src[p.pos] != '/') {
			return l, nil
		}
		op, at := p.src[p.pos], p.pos
		p.pos++
		r, err := p.unary()
		if err != nil {
			return nil, err
		}
		l = &Binary{Op: op, L: l, R: r, At: at}
	}
}

// minusSign is U+2212, which pages print and writers copy back.
const minusSign = "\u2212"

func (p *exprParser) unary() (Node, error) {
	p.space()
	if p.pos < len(p.src) && (p.src[p.pos] == '-' || strings.HasPrefix(p.src[p.pos:], minusSign)) {
		at := p.pos
		if err := p.nest(); err != nil {
			return nil, err
		}
		p.pos++
		if p.src[at] != '-' {
			p.pos += len(minusSign) - 1
		}
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		p.depth--
		return &Unary{X: x, At: at}, nil
	}
	return p.primary()
}

func isIdentStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isIdent(c byte) bool      { return isIdentStart(c) || c >= '0' && c <= '9' }
func isDigit(c byte) bool      { return c >= '0' && c <= '9' }

func (p *exprParser) primary() (Node, error) {
	p.space()
	if p.pos >= len(p.src) {
		return nil, p.errf("expression ends too early: expected a name, a number or (")
	}
	c := p.src[p.pos]
	start := p.pos
	if code, sym := currencyAt(p.src[p.pos:]); code != "" {
		return p.money(code, sym)
	}
	switch {
	case c == '(':
		if err := p.nest(); err != nil {
			return nil, err
		}
		p.pos++
		n, err := p.sum()
		if err != nil {
			return nil, err
		}
		p.depth--
		p.space()
		if p.pos >= len(p.src) || p.src[p.pos] != ')' {
			return nil, &SyntaxError{Off: start, Msg: "unclosed parenthesis"}
		}
		p.pos++
		return n, nil
	case isDigit(c):
		for p.pos < len(p.src) && (isDigit(p.src[p.pos]) || p.src[p.pos] == '.') {
			p.pos++
		}
		text := p.src[start:p.pos]
		if p.pos < len(p.src) && (isIdentStart(p.src[p.pos]) || p.src[p.pos] == ',') {
			return nil, &SyntaxError{Off: start, Msg: fmt.Sprintf("%q is not a plain decimal number", text+string(p.src[p.pos]))}
		}
		d, places, err := ParseLiteral(text, false)
		if err != nil {
			return nil, &SyntaxError{Off: start, Msg: err.Error()}
		}
		lit := &NumLit{V: d, Places: places, Text: text, At: start}
		p.space()
		if p.pos < len(p.src) && p.src[p.pos] == '%' {
			p.pos++
			lit.Pct = true
			lit.Text += "%"
			lit.V = d.Shift(-2)
		}
		return lit, nil
	case isIdentStart(c):
		for p.pos < len(p.src) && isIdent(p.src[p.pos]) {
			p.pos++
		}
		name := p.src[start:p.pos]
		if p.pos < len(p.src) && p.src[p.pos] == '(' {
			if err := p.nest(); err != nil {
				return nil, err
			}
			defer func() { p.depth-- }()
			p.pos++
			call := &Call{Fn: name, At: start}
			for {
				p.space()
				if p.pos < len(p.src) && p.src[p.pos] == ')' && len(call.Args) == 0 {
					p.pos++
					return call, nil
				}
				arg, err := p.sum()
				if err != nil {
					return nil, err
				}
				call.Args = append(call.Args, arg)
				p.space()
				if p.pos < len(p.src) && p.src[p.pos] == ',' {
					p.pos++
					continue
				}
				if p.pos < len(p.src) && p.src[p.pos] == ')' {
					p.pos++
					return call, nil
				}
				return nil, &SyntaxError{Off: start, Msg: fmt.Sprintf("unclosed call to %s", name)}
			}
		}
		ref := &Ref{Name: name, At: start}
		if p.pos < len(p.src) && p.src[p.pos] == '@' {
			p.pos++
			ps := p.pos
			for p.pos < len(p.src) && (isIdent(p.src[p.pos]) || p.src[p.pos] == '-') {
				p.pos++
			}
			if ps == p.pos {
				return nil, p.errf("expected a period after @ (such as FY2023)")
			}
			ref.Period = p.src[ps:p.pos]
		}
		return ref, nil
	}
	return nil, p.errf("unexpected %q: expected a name, a number or (", string(c))
}

// symbolStart marks the first bytes of the currency symbols.
var symbolStart = func() (t [256]bool) {
	for _, y := range currencySymbols {
		t[strings.TrimSpace(y)[0]] = true
	}
	return t
}()

// currencyAt returns the currency whose symbol starts s, longest first
// (CA$ before $).
func currencyAt(s string) (code, sym string) {
	// Most operands are names, which no symbol starts: those skip the
	// walk over the symbols.
	if s == "" || !symbolStart[s[0]] {
		return "", ""
	}
	for c, y := range currencySymbols {
		y = strings.TrimSpace(y)
		if strings.HasPrefix(s, y) && len(y) > len(sym) && (len(s) == len(y) || isDigit(s[len(y)])) {
			code, sym = c, y
		}
	}
	return code, sym
}

// money reads a money literal: a currency symbol, a plain decimal and an
// optional scale word or letter ($10 billion, −$2.8B, €500 million).
func (p *exprParser) money(code, sym string) (Node, error) {
	start := p.pos
	p.pos += len(sym)
	ns := p.pos
	for p.pos < len(p.src) && (isDigit(p.src[p.pos]) || p.src[p.pos] == '.') {
		p.pos++
	}
	d, places, err := ParseLiteral(p.src[ns:p.pos], false)
	if err != nil {
		return nil, &SyntaxError{Off: start, Msg: fmt.Sprintf("%s is not a money amount: write a currency symbol and a plain decimal, such as $10 billion", p.src[start:p.pos])}
	}
	scale := Scale{"one", 0}
	end := p.pos
	for _, sc := range Scales[1:] {
		rest := p.src[p.pos:]
		word := strings.TrimLeft(rest, " ")
		if strings.HasPrefix(word, sc.Name) && (len(word) == len(sc.Name) || !isIdent(word[len(sc.Name)])) {
			scale, end = sc, p.pos+len(rest)-len(word)+len(sc.Name)
			break
		}
		if short := sc.short(); strings.HasPrefix(rest, short) && (len(rest) == 1 || !isIdent(rest[1])) {
			scale, end = sc, p.pos+1
			break
		}
	}
	p.pos = end
	return &NumLit{V: d.Shift(scale.Exp), Places: places, Currency: code, Scale: scale, Text: p.src[start:end], At: start}, nil
}

func prec(n Node) int {
	if b, ok := n.(*Binary); ok {
		if b.Op == '+' || b.Op == '-' {
			return 1
		}
		return 2
	}
	return 3
}

func opSymbol(op byte) string {
	switch op {
	case '*':
		return " × "
	case '/':
		return " ÷ "
	case '-':
		return " − "
	}
	return " + "
}
