package markdown

// The goldmark glue for ```chart fences: a transformer hands each block to
// internal/chartspec, which parses and resolves it against the figures, and
// the node renderer draws the result (SVG wide and narrow, table, CSV).

import (
	"bytes"
	"fmt"
	"html"
	"strconv"
	"strings"

	"github.com/briefs/briefs/internal/chart"
	"github.com/briefs/briefs/internal/chartspec"
	"github.com/briefs/briefs/internal/diag"
	"github.com/briefs/briefs/internal/figures"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// KindChart is the node kind of a drawn chart.
var KindChart = ast.NewNodeKind("Chart")

// Chart replaces a ```chart fence once its data is resolved; the renderer
// draws it.
type Chart struct {
	ast.BaseBlock
	ID string
	*chartspec.Resolved
	// File is the chart's data as CSV, published beside the page (a real
	// file: it is cached, served as text/csv and linkable); Download is the
	// name a reader's browser saves it under.
	File, Download string
	// doc reports errors while rendering and brings the chart renderer.
	doc *Doc
}

// CSV is the chart's data with exact values; the byte-order mark makes
// spreadsheet programs read the display column's € and − as UTF-8.
func (n *Chart) CSV() []byte {
	var b bytes.Buffer
	b.WriteString("\uFEFFseries,label,value,display\n")
	for _, r := range n.Rows {
		b.WriteString(csvField(r.Series) + "," + csvField(r.Label) + "," + r.Exact + "," + csvField(r.Text) + "\n")
	}
	return b.Bytes()
}

// Kind implements ast.Node.
func (n *Chart) Kind() ast.NodeKind { return KindChart }

// Dump implements ast.Node.
func (n *Chart) Dump(source []byte, level int) { ast.DumpHelper(n, source, level, nil, nil) }

type chartTransformer struct{}

func (chartTransformer) Transform(node *ast.Document, reader text.Reader, pc parser.Context) {
	doc := docFrom(pc)
	if doc == nil {
		return
	}
	var fences []*ast.FencedCodeBlock
	_ = ast.Walk(node, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if f, ok := n.(*ast.FencedCodeBlock); ok && entering && string(f.Language(reader.Source())) == "chart" {
			fences = append(fences, f)
		}
		return ast.WalkContinue, nil
	})
	for _, f := range fences {
		var src bytes.Buffer
		lines := f.Lines()
		// The fence line is the line before the first content line.
		fenceOff := f.Pos()
		if fenceOff < 0 && lines.Len() > 0 {
			fenceOff = lines.At(0).Start
		}
		// Each content line starts where the list item or blockquote around
		// the fence leaves it; a tab's leftover columns come as padding.
		at := chartspec.Origin{Line: doc.Brief.Pos(fenceOff).Line + 1}
		for i := 0; i < lines.Len(); i++ {
			seg := lines.At(i)
			src.Write(seg.Value(reader.Source()))
			p := doc.Brief.Pos(seg.Start)
			if i == 0 {
				at.Line = p.Line
			}
			at.Cols = append(at.Cols, p.Col-1-seg.Padding)
		}
		c := doc.chart(src.Bytes(), fenceOff, at)
		if c == nil {
			f.Parent().RemoveChild(f.Parent(), f)
			continue
		}
		f.Parent().ReplaceChild(f.Parent(), f, c)
	}
}

// chart parses and resolves one chart block. Errors are reported at their
// line inside the block, or at the fence for whole-chart problems.
func (d *Doc) chart(src []byte, fenceOff int, at chartspec.Origin) *Chart {
	report := func(errs []chartspec.Error) {
		for _, e := range errs {
			if e.Line == 0 {
				d.errorAt(fenceOff, "%s", e.Msg)
			} else {
				d.errorLine(e.Line, e.Col, "%s", e.Msg)
			}
		}
	}
	spec, errs := chartspec.Parse(src, at)
	report(errs)
	if spec == nil {
		return nil
	}
	res, errs := spec.Resolve(d.Brief.Figures)
	report(errs)
	if res == nil {
		return nil
	}
	d.chartN++
	id := "chart-" + strconv.Itoa(d.chartN)
	return &Chart{ID: id, Resolved: res, File: id + ".csv", Download: d.Brief.Slug + "-" + id + ".csv", doc: d}
}

// table is the chart's data for readers who cannot see it.
func table(w util.BufWriter, c *chart.Chart, rows []chartspec.Row) {
	multi := len(c.Series) > 1 || c.Kind == chart.Line
	_, _ = w.WriteString(`<table class="chart-table"><thead><tr>`)
	if multi {
		_, _ = w.WriteString(`<th scope="col">Series</th>`)
	}
	_, _ = w.WriteString(`<th scope="col">Item</th><th scope="col" class="num">Value</th></tr></thead><tbody>`)
	for _, r := range rows {
		_, _ = w.WriteString(`<tr>`)
		if multi {
			_, _ = w.WriteString(`<td>` + html.EscapeString(r.Series) + `</td>`)
		}
		_, _ = w.WriteString(`<th scope="row">` + html.EscapeString(r.Label) + `</th><td class="num">` + html.EscapeString(r.Text) + `</td></tr>`)
	}
	_, _ = w.WriteString(`</tbody></table>`)
}

func csvField(s string) string {
	if strings.ContainsAny(s, ",\"\n") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

type chartRenderer struct{}

func (chartRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(KindChart, func(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		c := n.(*Chart)
		// Two layouts, one shown by CSS: each fits its screen, so the frame
		// never scrolls and is no tab stop.
		wide := *c.Chart
		wide.ID = c.ID
		narrow := wide
		narrow.ID, narrow.Narrow = c.ID+"n", true
		var svgs [2][]byte
		for i, ch := range []*chart.Chart{&wide, &narrow} {
			svg, err := c.doc.renderer.SVG(ch)
			if err != nil {
				// Resolve validated the chart: this is a bug, not bad input.
				c.doc.Errs.Add(&diag.Error{File: c.doc.Brief.Path, Msg: fmt.Sprintf("%s: drawing failed: %v", c.ID, err)})
				return ast.WalkSkipChildren, nil
			}
			svgs[i] = svg
		}
		id := html.EscapeString(c.ID)
		_, _ = w.WriteString(`<figure class="chart" id="` + id + `">`)
		_, _ = w.WriteString(`<figcaption><span class="chart-title">` + html.EscapeString(c.Chart.Title) + `</span>`)
		if len(c.Sources) > 0 {
			_, _ = w.WriteString(`<span class="chart-source">Source: ` + html.EscapeString(figures.SourceTitles(c.Sources)) + `</span>`)
		}
		_, _ = w.WriteString(`</figcaption>`)
		_, _ = w.WriteString(`<div class="chart-frame">`)
		_, _ = w.Write(svgs[0])
		_, _ = w.Write(svgs[1])
		_, _ = w.WriteString(`</div>`)
		_, _ = w.WriteString(`<details class="chart-data"><summary>Data behind this chart</summary>`)
		table(w, c.Chart, c.Rows)
		_, _ = w.WriteString(`<p><a download="` + html.EscapeString(c.Download) + `" href="` + html.EscapeString(c.File) + `">Download the data (CSV)</a></p></details>`)
		// A closed <details> does not print; print shows this copy instead.
		_, _ = w.WriteString(`<div class="chart-print">`)
		table(w, c.Chart, c.Rows)
		_, _ = w.WriteString(`</div></figure>` + "\n")
		return ast.WalkSkipChildren, nil
	})
}

type charts struct{}

// Charts is the extension for ```chart fences: a transformer resolves each
// block (internal/chartspec) into a Chart node, and the renderer draws it
// as an inline SVG figure (wide and narrow) with a caption, a data table
// and a CSV link.
var Charts goldmark.Extender = charts{}

func (charts) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithASTTransformers(util.Prioritized(chartTransformer{}, 90)))
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(chartRenderer{}, 90)))
}
