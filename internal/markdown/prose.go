package markdown

import (
	"fmt"
	"github.com/briefs/briefs/internal/diag"
	"regexp"
	"strings"

	"github.com/briefs/briefs/internal/figures"
	"github.com/shopspring/decimal"
	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
)

func collectCharts(n ast.Node, doc *Doc) {
	_ = ast.Walk(n, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if c, ok := n.(*Chart); ok && entering {
			doc.Charts = append(doc.Charts, c)
		}
		return ast.WalkContinue, nil
	})
}

// Hand-typed numbers: percentages (58%, 58.0 percent) and money amounts
// ($39.8 billion, $39.8B, €5m).
// Both are anchored: scan tries them only where a number or a currency
// sign starts, which keeps the check linear in the length of the text.
var (
	pctRE   = regexp.MustCompile(`^([−-]?)(\d+(?:\.\d+)?)\s?(%|percent\b|per cent\b)`)
	moneyRE = regexp.MustCompile(`^([−-]?)([$€£¥])\s?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?:\s?(trillion|billion|million|thousand|tn|bn|T|B|M|K)\b)?`)
)

// window bounds what an anchored match may span.
const window = 48

var symbolCurrency = map[string]string{"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}

var scaleWords = map[string]int32{"thousand": 3, "K": 3, "million": 6, "M": 6, "billion": 9, "bn": 9, "B": 9, "trillion": 12, "tn": 12, "T": 12}

// Proximity within which a hand-typed number that does not match any value
// is taken as a wrong copy of a value rather than an unrelated number.
var nearRatio = decimal.RequireFromString("0.1")

// checkProse finds numbers typed into the prose that no reference produced
// and compares them with the brief's values.
func checkProse(doc *Doc, root ast.Node) {
	src := doc.Brief.Body
	_ = ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.CodeSpan, *ast.CodeBlock, *ast.FencedCodeBlock, *ast.HTMLBlock, *ast.RawHTML, *Chart, *Ref,
			*east.Strikethrough: // a struck-through number is quoted as wrong on purpose
			return ast.WalkSkipChildren, nil
		case *ast.Text:
			// goldmark may split one run of text into several nodes (at a
			// "." before a line break, say): scan contiguous ones as one, or
			// "$1" and ".0 billion" would each be missed.
			if prev, ok := n.PreviousSibling().(*ast.Text); ok && prev.Segment.Stop == n.Segment.Start {
				return ast.WalkContinue, nil // scanned with the node before
			}
			seg := n.Segment
			for next, ok := n.NextSibling().(*ast.Text); ok && next.Segment.Start == seg.Stop; next, ok = next.NextSibling().(*ast.Text) {
				seg.Stop = next.Segment.Stop
			}
			doc.scan(string(src[seg.Start:seg.Stop]), seg.Start)
		}
		return ast.WalkContinue, nil
	})
}

func (d *Doc) scan(s string, base int) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if i > 0 && (isWordByte(s[i-1]) || s[i-1] == '.' || s[i-1] == ',') {
				continue // inside a number or a word
			}
			start, ok := signedStart(s, i)
			if !ok {
				continue
			}
			if m := pctRE.FindStringSubmatchIndex(s[start:min(len(s), start+window)]); m != nil {
				d.checkNumber(base+start, s[start:start+m[1]], s[start+m[4]:start+m[5]], m[3] > m[2], figures.Percent, "", 0, false)
			}
		case c == '$' || c == 0xE2 || c == 0xC2: // $, € (E2 82 AC), £ (C2 A3), ¥ (C2 A5)
			start, ok := signedStart(s, i)
			if !ok {
				continue
			}
			m := moneyRE.FindStringSubmatchIndex(s[start:min(len(s), start+window)])
			if m == nil {
				continue
			}
			sub := s[start:]
			num := strings.ReplaceAll(sub[m[6]:m[7]], ",", "")
			if m[8] >= 0 {
				num += sub[m[8]:m[9]]
			}
			exp, short := int32(0), false
			if m[10] >= 0 {
				word := sub[m[10]:m[11]]
				exp, short = scaleWords[word], len(word) <= 2
			}
			d.checkNumber(base+start, sub[:m[1]], num, m[3] > m[2], figures.Money, symbolCurrency[sub[m[4]:m[5]]], exp, short)
			i = start + m[1] - 1
		}
	}
}

// signedStart widens a number starting at i to a minus sign before it; ok
// is false when the number is glued to a word.
func signedStart(s string, i int) (start int, ok bool) {
	start = i
	if i > 0 && s[i-1] == '-' {
		start = i - 1
	} else if i >= 3 && s[i-3:i] == "−" {
		start = i - 3
	}
	return start, start == 0 || !isWordByte(s[start-1])
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// checkNumber matches one typed number against every value of its unit. A
// value that rounds to the typed number gets a warning naming the reference
// to write; a typed number near a value that it does not match is an error.
func (d *Doc) checkNumber(off int, typed, num string, neg bool, unit figures.Unit, currency string, exp int32, short bool) {
	t, err := decimal.NewFromString(num)
	if err != nil {
		return
	}
	if neg {
		t = t.Neg()
	}
	places := int32(0)
	if i := strings.IndexByte(num, '.'); i >= 0 {
		places = int32(len(num) - i - 1)
	}
	var near *figures.Figure
	// Each value at the brief's period and each other period of a series.
	figs := d.Brief.Figures.Figures()
	for i, c := range figs {
		v := c.Value
		if v.Unit != unit || (unit == figures.Money && currency != "" && v.Currency != currency) {
			continue
		}
		// The value in the typed number's terms.
		var shown decimal.Decimal
		if unit == figures.Percent {
			shown = v.Shown()
		} else {
			shown = v.D.Shift(-exp)
		}
		if shown.Round(places).Equal(t) {
			d.Errs.Add(diag.Warnf(d.Brief.Path, d.Brief.Pos(off), "hand-typed %s matches %s: write %s so it stays in step with the data", typed, refName(c), suggestRef(refName(c), v, unit, places, exp, short)))
			return
		}
		diff := shown.Sub(t).Abs()
		if near == nil && diff.LessThanOrEqual(shown.Abs().Mul(nearRatio)) {
			near = &figs[i]
		}
	}
	if near != nil {
		f, _ := near.Display(figures.DefaultFormat(near.Value.Unit))
		d.errorAt(off, "hand-typed %s contradicts the data: %s is %s; write {{ %s }}", typed, refName(*near), f, refName(*near))
	}
}

// refName is how a reference names f: name, or name@PERIOD for another
// period of a series.
func refName(f figures.Figure) string {
	if f.Period != "" {
		return f.Name + "@" + f.Period
	}
	return f.Name
}

func suggestRef(ref string, v figures.Value, unit figures.Unit, places, exp int32, short bool) string {
	if unit == figures.Percent {
		switch {
		case places == v.Places:
			return fmt.Sprintf("{{ %s }}", ref)
		case places <= 2:
			return fmt.Sprintf("{{ %s:pct%d }}", ref, places)
		}
		return fmt.Sprintf("{{ %s }}", ref)
	}
	if exp == v.Scale.Exp && places == v.Places && !short {
		return fmt.Sprintf("{{ %s }}", ref)
	}
	return fmt.Sprintf("{{ %s:money_short }}", ref)
}
