// Package markdown renders a brief's body: goldmark with two extensions of
// briefs' own ({{ name }} references and ```chart fences), followed by the
// check of hand-typed numbers in the prose.
package markdown

import (
	"bytes"
	"fmt"
	"regexp"

	"github.com/briefs/briefs/internal/brief"
	"github.com/briefs/briefs/internal/chart"
	"github.com/briefs/briefs/internal/diag"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// Doc is the state of one brief while it renders.
type Doc struct {
	Brief *brief.Brief
	// Errs holds every problem found, warnings included.
	Errs diag.List
	// Charts are the brief's charts in page order.
	Charts []*Chart

	renderer *chart.Renderer
	chartN   int
}

var docKey = parser.NewContextKey()

func docFrom(pc parser.Context) *Doc {
	d, _ := pc.Get(docKey).(*Doc)
	return d
}

func (d *Doc) errorAt(bodyOff int, format string, args ...any) {
	d.Errs.Add(diag.At(d.Brief.Path, d.Brief.Pos(bodyOff), format, args...))
}

func (d *Doc) errorLine(line, col int, format string, args ...any) {
	d.Errs.Add(&diag.Error{File: d.Brief.Path, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)})
}

// Converter renders briefs. It is safe for concurrent use; the chart
// renderer passed to Render is not, so each worker brings its own.
type Converter struct {
	md       goldmark.Markdown
	reserved map[string]bool
}

// New returns a Converter whose headings never take one of reservedIDs
// (the ids of the page around the body). Raw HTML stays off: a brief
// cannot inject markup.
func New(reservedIDs ...string) *Converter {
	reserved := map[string]bool{}
	for _, id := range reservedIDs {
		reserved[id] = true
	}
	return &Converter{reserved: reserved, md: goldmark.New(
		// GFM without Linkify: bare URLs stay text; briefs link sources.
		goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.TaskList, extension.Typographer, Refs, Charts),
		goldmark.WithParserOptions(parser.WithAutoHeadingID()),
	)}
}

// Render turns b's body into HTML and reports problems in doc.Errs.
func (c *Converter) Render(b *brief.Brief, r *chart.Renderer) ([]byte, *Doc) {
	doc := &Doc{Brief: b, renderer: r}
	ids := &headingIDs{inner: parser.NewContext().IDs(), reserved: c.reserved}
	pc := parser.NewContext(parser.WithIDs(ids))
	pc.Set(docKey, doc)
	root := c.md.Parser().Parse(text.NewReader(b.Body), parser.WithContext(pc))
	for n := root.FirstChild(); n != nil; n = n.NextSibling() {
		collectCharts(n, doc)
	}
	checkProse(doc, root)
	// Sized up front for the prose and the charts' drawings: grown by
	// doubling, the page's largest buffer would be copied several times.
	size := 2*len(b.Body) + 1024 + len(doc.Charts)*(16<<10)
	out := bytes.NewBuffer(make([]byte, 0, size))
	if err := c.md.Renderer().Render(out, b.Body, root); err != nil {
		doc.Errs.Add(&diag.Error{File: b.Path, Msg: fmt.Sprintf("rendering failed: %v", err), Err: err})
	}
	return out.Bytes(), doc
}

// chartID matches the ids charts take (chart-1, and its title chart-1-t
// and description chart-1-d).
var chartID = regexp.MustCompile(`^chart-[0-9]+(-[td])?$`)

// headingIDs gives headings goldmark's ids, except those the page already
// uses: "## Main" becomes main-1 where the template has id="main", so the
// page stays valid HTML and in-page links go where they should.
type headingIDs struct {
	inner    parser.IDs
	reserved map[string]bool
}

func (h *headingIDs) Generate(value []byte, kind ast.NodeKind) []byte {
	for {
		// Each call marks its id used, so the next one differs.
		id := h.inner.Generate(value, kind)
		if !h.reserved[string(id)] && !chartID.Match(id) {
			return id
		}
	}
}

func (h *headingIDs) Put(value []byte) { h.inner.Put(value) }
