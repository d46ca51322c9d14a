package markdown

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/briefs/briefs/internal/diag"
	"github.com/briefs/briefs/internal/figures"
	"github.com/briefs/briefs/internal/period"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// KindRef is the node kind of a {{ name }} reference.
var KindRef = ast.NewNodeKind("Ref")

// Ref is a {{ name }}, {{ name:format }} or {{ name@PERIOD }} reference,
// or any of them inside abs(), which shows the amount without its sign
// ("lost {{ abs(na_operating_income) }}"). The transformer fills in
// Display, Value and Title.
type Ref struct {
	ast.BaseInline
	Name, Period, Format string
	Abs                  bool
	// Offset is the byte offset of "{{" in the body.
	Offset int
	// Resolved output; Plain marks text that is not a number (label, source).
	Display, Value, Title string
	// Anchor is the id of the value's row in the page's table of numbers,
	// which shows how it was computed and its source; "" when it has none.
	Anchor   string
	Plain    bool
	Resolved bool
}

// ValueID is the id of a value's row in a brief's table of numbers: the
// name alone for its value at the brief's period, the name and period for
// another period of a series. Neither names nor periods hold a dot, so the
// two forms cannot collide, and heading ids (letters, digits and hyphens)
// never take the form.
func ValueID(name, period string) string {
	if period == "" {
		return "v." + name
	}
	return "v." + name + "." + period
}

// anchor is the row a reference to n (at period, if any) links to: the
// rows are every value with HasValue and every other period of a series.
func anchor(n figures.Named, period, briefPeriod string) string {
	if period == "" || (period == briefPeriod && n.HasValue) {
		return ValueID(n.Name, "")
	}
	if slices.Contains(n.Periods, period) {
		return ValueID(n.Name, period)
	}
	return ""
}

// Kind implements ast.Node.
func (n *Ref) Kind() ast.NodeKind { return KindRef }

// Dump implements ast.Node.
func (n *Ref) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"Name": n.Name, "Format": n.Format}, nil)
}

// refRE matches a whole reference; what it does not match but starts with
// "{{" is reported as malformed.
var refRE = regexp.MustCompile(`^\{\{\s*(?:(abs)\(\s*([A-Za-z_][A-Za-z0-9_]*)(?:@([A-Za-z0-9_-]+))?\s*\)|([A-Za-z_][A-Za-z0-9_]*)(?:@([A-Za-z0-9_-]+))?)(?::([a-z_0-9]+))?\s*\}\}`)

type refParser struct{}

func (refParser) Trigger() []byte { return []byte{'{'} }

func (refParser) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, seg := block.PeekLine()
	if len(line) < 2 || line[1] != '{' {
		return nil
	}
	m := refRE.FindSubmatch(line)
	if m == nil {
		doc := docFrom(pc)
		if doc != nil {
			end := strings.Index(string(line), "}}")
			shown := string(line)
			if end >= 0 {
				shown = shown[:end+2]
			} else if len(shown) > 30 {
				shown = shown[:30] + "…"
			}
			hint := "write {{ name }} or {{ name:format }}"
			if strings.Contains(shown, "|") {
				hint = "use {{ name:format }}, not a pipe (a pipe would split a table cell)"
			}
			doc.errorAt(seg.Start, "malformed reference %s: %s", strings.TrimSpace(shown), hint)
		}
		return nil
	}
	n := &Ref{Name: string(m[4]), Period: string(m[5]), Format: string(m[6]), Offset: seg.Start}
	if len(m[1]) > 0 {
		n.Name, n.Period, n.Abs = string(m[2]), string(m[3]), true
	}
	n.SetPos(seg.Start)
	block.Advance(len(m[0]))
	return n
}

// refTransformer resolves every reference against the brief's values.
type refTransformer struct{}

func (refTransformer) Transform(node *ast.Document, reader text.Reader, pc parser.Context) {
	doc := docFrom(pc)
	if doc == nil {
		return
	}
	var inAlt []*Ref
	images := 0
	_ = ast.Walk(node, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if n.Kind() == ast.KindImage {
			if entering {
				images++
			} else {
				images--
			}
		}
		if r, ok := n.(*Ref); ok && entering {
			doc.resolve(r)
			if images > 0 {
				inAlt = append(inAlt, r)
			}
		}
		return ast.WalkContinue, nil
	})
	// An image's alt text is plain text: a reference there becomes its
	// displayed value (goldmark renders only text nodes into alt).
	for _, r := range inAlt {
		text := r.Display
		if !r.Resolved {
			text = "{{ " + r.Name + " }}"
		}
		s := ast.NewString([]byte(text))
		r.Parent().ReplaceChild(r.Parent(), r, s)
	}
}

func (d *Doc) resolve(r *Ref) {
	set := d.Brief.Figures
	e, ok := set.Named(r.Name)
	if !ok && r.Period != "" && r.Format != "label" && r.Format != "source" {
		// name@PERIOD may come from another brief of the company.
		e, ok = figures.Named{Name: r.Name, Label: strings.ReplaceAll(r.Name, "_", " ")}, true
	}
	if !ok {
		msg := fmt.Sprintf("unknown name %s", r.Name)
		msg += set.DidYouMean(r.Name)
		d.errorAt(r.Offset, "%s", msg)
		return
	}
	if e.Failed {
		return // its own error is reported where its value is written
	}
	if r.Period != "" {
		if _, err := period.Parse(r.Period); err != nil {
			d.errorAt(r.Offset, "%v", err)
			return
		}
	}
	if r.Format != "" && !figures.IsFormat(r.Format) {
		msg := fmt.Sprintf("unknown format %s", r.Format)
		if hint := diag.DidYouMean(r.Format, figures.Formats); hint != "" {
			msg += hint
		} else {
			msg += " (known: " + strings.Join(figures.Formats, ", ") + ")"
		}
		d.errorAt(r.Offset, "%s", msg)
		return
	}
	if r.Abs && (r.Format == "label" || r.Format == "source") {
		d.errorAt(r.Offset, "abs() takes a number; write {{ %s:%s }} without abs", r.Name, r.Format)
		return
	}
	switch r.Format {
	case "label":
		r.Display, r.Plain, r.Resolved = e.Label, true, true
		return
	case "source":
		if len(e.Sources) == 0 {
			d.errorAt(r.Offset, "%s has no source", r.Name)
			return
		}
		r.Display, r.Plain, r.Resolved = figures.SourceTitles(e.Sources), true, true
		return
	}
	var f figures.Figure
	if r.Period != "" {
		var err error
		f, err = set.At(r.Name, r.Period)
		if figures.Reported(err) {
			return // reported where the value is written
		}
		if err != nil {
			d.errorAt(r.Offset, "%v", err)
			return
		}
	} else if f, ok = set.Figure(r.Name); !ok {
		if e.Derived {
			return // its own error is reported at its expression
		}
		d.errorAt(r.Offset, "%s has no value for the brief's period %s: write {{ %s@PERIOD }}", r.Name, d.Brief.Period, r.Name)
		return
	}
	if r.Abs {
		f = f.Abs()
	}
	text, err := f.Display(r.Format)
	if err != nil {
		d.errorAt(r.Offset, "%s: %v", r.Name, err)
		return
	}
	r.Display, r.Value, r.Title, r.Resolved = text, f.Data(), f.Explanation(), true
	r.Anchor = anchor(e, r.Period, set.Period)
}

type refRenderer struct{}

func (refRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(KindRef, func(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		r := n.(*Ref)
		switch {
		case !r.Resolved:
			_, _ = w.WriteString(`<mark class="ref-error">`)
			_, _ = w.Write(util.EscapeHTML([]byte("{{ " + r.Name + " }}")))
			_, _ = w.WriteString(`</mark>`)
		case r.Plain:
			_, _ = w.Write(util.EscapeHTML([]byte(r.Display)))
		default:
			// The link makes the computation reachable by keyboard and
			// touch, not only by hovering the title; inside a link of the
			// brief's own it would nest, so there the title must do.
			link := r.Anchor != "" && !inLink(n)
			if link {
				_, _ = w.WriteString(`<a class="ref" href="#` + r.Anchor + `">`)
			}
			_, _ = w.WriteString(`<data value="` + r.Value + `" title="`)
			_, _ = w.Write(util.EscapeHTML([]byte(r.Title)))
			_, _ = w.WriteString(`">`)
			_, _ = w.Write(util.EscapeHTML([]byte(r.Display)))
			_, _ = w.WriteString(`</data>`)
			if link {
				_, _ = w.WriteString(`</a>`)
			}
		}
		return ast.WalkSkipChildren, nil
	})
}

// inLink reports whether n sits inside a Markdown link.
func inLink(n ast.Node) bool {
	for p := n.Parent(); p != nil; p = p.Parent() {
		if k := p.Kind(); k == ast.KindLink || k == ast.KindAutoLink {
			return true
		}
	}
	return false
}

type refs struct{}

// Refs is the extension for {{ name }} references: the inline parser, the
// resolving transformer and the renderer.
var Refs goldmark.Extender = refs{}

func (refs) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(
		parser.WithInlineParsers(util.Prioritized(refParser{}, 100)),
		parser.WithASTTransformers(util.Prioritized(refTransformer{}, 100)),
	)
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(refRenderer{}, 100)))
}
