package markdown

import (
	"bytes"
	"fmt"
	"html"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/briefs/briefs/internal/chart"
	"github.com/briefs/briefs/internal/diag"
	"github.com/briefs/briefs/internal/figures"
	"github.com/shopspring/decimal"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	yaml "go.yaml.in/yaml/v3"
)

// KindChart is the node kind of a drawn chart.
var KindChart = ast.NewNodeKind("Chart")

// Chart replaces a ```chart fence once its data is resolved and drawn.
type Chart struct {
	ast.BaseBlock
	ID    string
	Title string
	// SVG is laid out for wide screens, Narrow for phones; the page
	// carries both and CSS shows one.
	SVG, Narrow []byte
	Table       []byte
	Sources     []string
	// CSV is the chart's data, published as File beside the page (a real
	// file: it is cached, served as text/csv and linkable); Download is the
	// name a reader's browser saves it under.
	CSV            []byte
	File, Download string
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
		for i := 0; i < lines.Len(); i++ {
			seg := lines.At(i)
			src.Write(seg.Value(reader.Source()))
		}
		// The fence line is the line before the first content line.
		fenceOff := f.Pos()
		if fenceOff < 0 && lines.Len() > 0 {
			fenceOff = lines.At(0).Start
		}
		firstLine := doc.Brief.Pos(fenceOff).Line + 1
		c := doc.chart(src.Bytes(), fenceOff, firstLine)
		if c == nil {
			f.Parent().RemoveChild(f.Parent(), f)
			continue
		}
		f.Parent().ReplaceChild(f.Parent(), f, c)
	}
}

// spec is a chart block as written.
type spec struct {
	kind       chart.Kind
	title      string
	data       *yaml.Node
	total      string
	format     string
	categories []string
	highlight  []*yaml.Node
	// keys are the fields as written, for errors about fields that do
	// not apply to the chart's type.
	keys map[string]*yaml.Node
}

var chartKeys = []string{"type", "title", "data", "total", "format", "categories", "highlight"}

// chart parses, resolves and draws one chart block. Errors are reported at
// the line inside the block, or at the fence for whole-chart problems.
func (d *Doc) chart(src []byte, fenceOff, firstLine int) *Chart {
	at := func(n *yaml.Node, format string, args ...any) {
		if n == nil {
			d.errorAt(fenceOff, format, args...)
			return
		}
		d.errorLine(firstLine+n.Line-1, n.Column, format, args...)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(src, &root); err != nil {
		line, msg := diag.YAMLLine(err)
		line = max(line, 1)
		d.errorLine(firstLine+line-1, 1, "chart is not valid YAML: %s", msg)
		return nil
	}
	if len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		d.errorAt(fenceOff, "a chart block needs type, title and data")
		return nil
	}
	var s spec
	ok := true
	m := root.Content[0]
	seen := map[string]bool{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if seen[k.Value] {
			at(k, "duplicate key %s in chart", k.Value)
			ok = false
			continue
		}
		seen[k.Value] = true
		if s.keys == nil {
			s.keys = map[string]*yaml.Node{}
		}
		s.keys[k.Value] = k
		switch k.Value {
		case "type":
			s.kind = chart.Kind(v.Value)
			known := false
			for _, kk := range chart.Kinds {
				known = known || kk == s.kind
			}
			if !known {
				at(v, "unknown chart type %q (known: bar, hbar, stacked, donut, pie, line, waterfall)", v.Value)
				ok = false
			}
		case "title":
			s.title = v.Value
		case "data":
			s.data = v
		case "total":
			s.total = v.Value
		case "format":
			s.format = v.Value
			if !figures.IsFormat(s.format) {
				at(v, "unknown format %q", v.Value)
				ok = false
			}
		case "categories":
			for _, c := range v.Content {
				s.categories = append(s.categories, c.Value)
			}
		case "highlight":
			switch v.Kind {
			case yaml.ScalarNode:
				s.highlight = []*yaml.Node{v}
			case yaml.SequenceNode:
				s.highlight = v.Content
			default:
				at(v, "highlight is a label or a list of labels")
				ok = false
			}
		default:
			msg := fmt.Sprintf("unknown chart field %s", k.Value)
			msg += diag.DidYouMean(k.Value, chartKeys)
			at(k, "%s", msg)
			ok = false
		}
	}
	if s.kind == "" {
		d.errorAt(fenceOff, "chart needs a type (bar, hbar, stacked, donut, pie, line, waterfall)")
		ok = false
	}
	if strings.TrimSpace(s.title) == "" {
		d.errorAt(fenceOff, "chart needs a title: it names the chart for every reader")
		ok = false
	}
	if s.data == nil || len(s.data.Content) == 0 {
		d.errorAt(fenceOff, "chart has no data: give a list of names or a map of label: expression")
		return nil
	}
	if s.kind == "" {
		return nil
	}
	// Fields that belong to other chart types would be silently ignored.
	if k := s.keys["total"]; k != nil && s.kind != chart.Waterfall {
		at(k, "total names a waterfall's closing bar; a %s chart has none (remove it)", s.kind)
		ok = false
	}
	if k := s.keys["categories"]; k != nil && s.kind != chart.Stacked {
		at(k, "categories belong to a stacked chart; a %s chart takes its labels from data (remove it)", s.kind)
		ok = false
	}
	if s.data.Kind == yaml.MappingNode {
		first := map[string]*yaml.Node{}
		for i := 0; i+1 < len(s.data.Content); i += 2 {
			k := s.data.Content[i]
			if f, dup := first[k.Value]; dup {
				at(k, "duplicate label %q in chart data (first at line %d): every bar, slice or series needs its own label", k.Value, firstLine+f.Line-1)
				ok = false
				continue
			}
			first[k.Value] = k
		}
	}
	// Resolve the data even when other fields are wrong, so that every
	// error of the block is reported at once.
	c, sources, rows, dataOK := d.resolveChart(&s, at)
	if !dataOK {
		return nil
	}
	c.Kind, c.Title = s.kind, s.title
	if !d.highlight(&s, c, at) || !ok {
		return nil
	}
	id := "chart-" + strconv.Itoa(d.chartN+1)
	c.ID = id
	svg, err := d.renderer.SVG(c)
	if err != nil {
		d.errorAt(fenceOff, "%v", err)
		return nil
	}
	c.ID, c.Narrow = id+"n", true
	narrow, err := d.renderer.SVG(c)
	if err != nil {
		d.errorAt(fenceOff, "%v", err)
		return nil
	}
	d.chartN++
	return &Chart{ID: id, Title: s.title, SVG: svg, Narrow: narrow, Sources: sources, Table: table(c, rows), CSV: csv(rows),
		File: id + ".csv", Download: d.Brief.Slug + "-" + id + ".csv"}
}

// highlight checks the labels the chart asks to stand out: categories, or
// series for stacked and line charts.
func (d *Doc) highlight(s *spec, c *chart.Chart, at func(*yaml.Node, string, ...any)) bool {
	if len(s.highlight) == 0 {
		return true
	}
	var names []string
	if s.kind == chart.Stacked || s.kind == chart.Line {
		for _, ser := range c.Series {
			names = append(names, ser.Name)
		}
	} else {
		for _, p := range c.Series[0].Points {
			names = append(names, p.Label)
		}
		if c.Total != nil {
			names = append(names, c.Total.Label)
		}
	}
	ok := true
	for _, n := range s.highlight {
		if slices.Contains(names, n.Value) {
			c.Highlight = append(c.Highlight, n.Value)
			continue
		}
		msg := fmt.Sprintf("highlight %q is not a label of this chart", n.Value)
		if hint := diag.DidYouMean(n.Value, names); hint != "" {
			msg += hint
		} else {
			msg += " (labels: " + strings.Join(names, ", ") + ")"
		}
		at(n, "%s", msg)
		ok = false
	}
	return ok
}

// rangeRE matches a series over a range of periods: name@FY2022..FY2024.
var rangeRE = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*)@([A-Za-z0-9_-]+)\.\.([A-Za-z0-9_-]+)$`)

// row is one value of a chart with its exact decimal, for table and CSV.
type row struct {
	series, label, text, exact string
}

type item struct {
	label string
	node  *yaml.Node
	expr  string
}

func items(n *yaml.Node) []item {
	var out []item
	switch n.Kind {
	case yaml.SequenceNode:
		for _, c := range n.Content {
			out = append(out, item{node: c, expr: c.Value})
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			out = append(out, item{label: n.Content[i].Value, node: n.Content[i+1], expr: n.Content[i+1].Value})
		}
	case yaml.ScalarNode:
		out = append(out, item{node: n, expr: n.Value})
	}
	return out
}

func (d *Doc) resolveChart(s *spec, at func(*yaml.Node, string, ...any)) (*chart.Chart, []string, []row, bool) {
	set := d.Brief.Figures
	c := &chart.Chart{}
	var sources []string
	addSources := func(ss []*figures.Source) {
		for _, src := range ss {
			dup := false
			for _, t := range sources {
				dup = dup || t == src.Title
			}
			if !dup {
				sources = append(sources, src.Title)
			}
		}
	}
	var unit *figures.Value
	var rows []row
	// grid holds each series' exact values, for stacked totals and shares.
	var grid [][]figures.Value
	ok := true
	point := func(it item, n *yaml.Node, expr string, label string) (chart.Point, figures.Value, bool) {
		if n.Kind != yaml.ScalarNode {
			at(n, "a chart value is a name or an expression")
			return chart.Point{}, figures.Value{}, false
		}
		exprErr := func(err error) {
			p := figures.ErrorPos(diag.Pos{Line: n.Line, Col: n.Column}, n.Value, err)
			at(&yaml.Node{Line: p.Line, Column: p.Col}, "%v", err)
		}
		e, err := figures.ParseExpr(expr)
		if err != nil {
			exprErr(err)
			return chart.Point{}, figures.Value{}, false
		}
		v, _, srcs, err := set.Eval(e)
		if err != nil {
			if !figures.Reported(err) {
				exprErr(err)
			}
			return chart.Point{}, figures.Value{}, false
		}
		if unit == nil {
			unit = &v
		} else if unit.Unit != v.Unit || unit.Currency != v.Currency {
			at(n, "every value of a chart needs the same unit: %s is %s, the first value is %s", expr, v.Unit, unit.Unit)
			return chart.Point{}, figures.Value{}, false
		}
		addSources(srcs)
		if label == "" {
			if r, isRef := e.(*figures.Ref); isRef {
				if en, found := set.Get(r.Name); found {
					label = en.Label
					if r.Period != "" {
						label = r.Period
					}
				}
			} else {
				label = expr
			}
		}
		format := s.format
		if format == "" {
			format = "money_short"
			if v.Unit != figures.Money {
				format = figures.DefaultFormat(v.Unit)
			}
		}
		txt, err := figures.Format(v, format)
		if err != nil {
			at(n, "%v", err)
			return chart.Point{}, figures.Value{}, false
		}
		f, _ := plotValue(v).Float64()
		return chart.Point{Label: label, Value: f, Text: txt}, v, true
	}
	switch s.kind {
	case chart.Line, chart.Stacked:
		if s.kind == chart.Stacked && len(s.categories) > 0 {
			// label: [expr, expr, …] over the given categories.
			for _, it := range items(s.data) {
				ser := chart.Series{Name: it.label}
				if it.node.Kind != yaml.SequenceNode || len(it.node.Content) != len(s.categories) {
					at(it.node, "%s needs a list of %d values, one per category", it.label, len(s.categories))
					ok = false
					continue
				}
				var vals []figures.Value
				for ci, vn := range it.node.Content {
					p, v, good := point(it, vn, vn.Value, s.categories[ci])
					ok = ok && good
					ser.Points = append(ser.Points, p)
					vals = append(vals, v)
					rows = append(rows, row{it.label, s.categories[ci], p.Text, v.Exact()})
				}
				c.Series = append(c.Series, ser)
				grid = append(grid, vals)
			}
			break
		}
		// Series names: each over its periods.
		var periods []string
		for _, it := range items(s.data) {
			var base, name string
			var ps []string
			if m := rangeRE.FindStringSubmatch(strings.TrimSpace(it.expr)); m != nil {
				// name@FROM..TO: every period in range with a value, from
				// this brief or the company's others.
				var err error
				if ps, err = set.Range(m[1], m[2], m[3]); err != nil {
					at(it.node, "%v", err)
					ok = false
					continue
				}
				base, name = m[1], strings.ReplaceAll(m[1], "_", " ")
				if en, found := set.Get(m[1]); found {
					name = en.Label
				}
			} else {
				en, found := set.Get(it.expr)
				if !found || len(en.Series) == 0 {
					if !found {
						msg := fmt.Sprintf("unknown name %s", it.expr)
						msg += set.DidYouMean(it.expr)
						at(it.node, "%s", msg)
					} else {
						at(it.node, "a %s chart takes series (figures with values over periods); %s has one value", s.kind, it.expr)
					}
					ok = false
					continue
				}
				base, name = it.expr, en.Label
				for _, p := range en.Series {
					ps = append(ps, p.Period)
				}
			}
			if it.label != "" {
				name = it.label
			}
			if periods == nil {
				periods = ps
			} else if strings.Join(ps, ",") != strings.Join(periods, ",") {
				at(it.node, "%s covers %s, but the chart's first series covers %s", it.expr, strings.Join(ps, ", "), strings.Join(periods, ", "))
				ok = false
				continue
			}
			ser := chart.Series{Name: name}
			var vals []figures.Value
			for _, p := range ps {
				pt, v, good := point(it, it.node, base+"@"+p, p)
				ok = ok && good
				ser.Points = append(ser.Points, pt)
				vals = append(vals, v)
				rows = append(rows, row{name, p, pt.Text, v.Exact()})
			}
			c.Series = append(c.Series, ser)
			grid = append(grid, vals)
		}
	default:
		ser := chart.Series{Name: s.title}
		var sum decimal.Decimal
		for _, it := range items(s.data) {
			p, v, good := point(it, it.node, it.expr, it.label)
			if !good {
				ok = false
				continue
			}
			sum = sum.Add(v.D)
			ser.Points = append(ser.Points, p)
			grid = append(grid, []figures.Value{v})
			rows = append(rows, row{"", p.Label, p.Text, v.Exact()})
		}
		c.Series = []chart.Series{ser}
		if s.kind == chart.Waterfall && ok && unit != nil {
			tv := *unit
			tv.D = sum
			format := s.format
			if format == "" {
				format = "money_short"
				if tv.Unit != figures.Money {
					format = figures.DefaultFormat(tv.Unit)
				}
			}
			txt, _ := figures.Format(tv, format)
			label := s.total
			if label == "" {
				label = "Total"
			}
			f, _ := plotValue(tv).Float64()
			c.Total = &chart.Point{Label: label, Value: f, Text: txt}
			rows = append(rows, row{"", label, txt, tv.Exact()})
		}
	}
	if !ok || unit == nil {
		return nil, nil, nil, false
	}
	format := s.format
	if format == "" {
		format = "money_short"
		if unit.Unit != figures.Money {
			format = figures.DefaultFormat(unit.Unit)
		}
	}
	switch s.kind {
	case chart.Stacked:
		// Each category's total, summed exactly and formatted like its parts.
		for ci := range c.Series[0].Points {
			t := grid[0][ci]
			for _, vals := range grid[1:] {
				t.D = t.D.Add(vals[ci].D)
				// The total shows as many decimals as its most precise part.
				t.Places = max(t.Places, vals[ci].Places)
			}
			txt, _ := figures.Format(t, format)
			c.Totals = append(c.Totals, txt)
		}
	case chart.Pie, chart.Donut:
		pieParts(c, grid, format)
	}
	switch unit.Unit {
	case figures.Money:
		sym, _ := figures.Format(figures.Value{Unit: figures.Money, Currency: unit.Currency, Scale: figures.Scale{Name: "one"}}, "money")
		c.Prefix = strings.TrimSuffix(sym, "0")
		short, _ := figures.Format(figures.Value{Unit: figures.Money, Currency: unit.Currency, Scale: unit.Scale}, "money_short")
		c.Suffix = strings.TrimPrefix(short, c.Prefix+"0")
	case figures.Percent:
		c.Suffix = "%"
	}
	return c, sources, rows, true
}

// pieParts gives each slice its exact share and folds the smallest parts
// past chart.MaxSlices into one "Other" slice; the data table keeps them all.
func pieParts(c *chart.Chart, grid [][]figures.Value, format string) {
	ps := c.Series[0].Points
	var total decimal.Decimal
	for _, v := range grid {
		total = total.Add(v[0].D)
	}
	share := func(d decimal.Decimal) string {
		if total.IsZero() {
			return ""
		}
		txt, _ := figures.Format(figures.Value{Unit: figures.Percent, D: d.DivRound(total, 12)}, "pct0")
		return txt
	}
	if len(ps) > chart.MaxSlices {
		// Keep the largest MaxSlices-1 in their written order.
		idx := make([]int, len(ps))
		for i := range idx {
			idx[i] = i
		}
		slices.SortStableFunc(idx, func(a, b int) int { return grid[b][0].D.Cmp(grid[a][0].D) })
		keep := map[int]bool{}
		for _, i := range idx[:chart.MaxSlices-1] {
			keep[i] = true
		}
		var kept []chart.Point
		other := grid[0][0]
		other.D = decimal.Zero
		for i, p := range ps {
			if keep[i] {
				p.Share = share(grid[i][0].D)
				kept = append(kept, p)
				continue
			}
			other.D = other.D.Add(grid[i][0].D)
			other.Places = max(other.Places, grid[i][0].Places)
		}
		txt, _ := figures.Format(other, format)
		f, _ := plotValue(other).Float64()
		kept = append(kept, chart.Point{Label: chart.Other, Value: f, Text: txt, Share: share(other.D)})
		c.Series[0].Points = kept
		return
	}
	for i := range ps {
		ps[i].Share = share(grid[i][0].D)
	}
}

// plotValue is the number a value is drawn at: money in its scale, a percent
// in percentage points.
func plotValue(v figures.Value) decimal.Decimal {
	if v.Unit == figures.Percent {
		return v.D.Shift(2)
	}
	return v.InScale()
}

func table(c *chart.Chart, rows []row) []byte {
	var b bytes.Buffer
	multi := len(c.Series) > 1 || c.Kind == chart.Line
	b.WriteString(`<table class="chart-table"><thead><tr>`)
	if multi {
		b.WriteString(`<th scope="col">Series</th>`)
	}
	b.WriteString(`<th scope="col">Item</th><th scope="col" class="num">Value</th></tr></thead><tbody>`)
	for _, r := range rows {
		b.WriteString(`<tr>`)
		if multi {
			b.WriteString(`<td>` + html.EscapeString(r.series) + `</td>`)
		}
		b.WriteString(`<th scope="row">` + html.EscapeString(r.label) + `</th><td class="num">` + html.EscapeString(r.text) + `</td></tr>`)
	}
	b.WriteString(`</tbody></table>`)
	return b.Bytes()
}

func csvField(s string) string {
	if strings.ContainsAny(s, ",\"\n") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

// csv writes the chart's rows with exact values; the byte-order mark makes
// spreadsheet programs read the display column's € and − as UTF-8.
func csv(rows []row) []byte {
	var b bytes.Buffer
	b.WriteString("\uFEFFseries,label,value,display\n")
	for _, r := range rows {
		b.WriteString(csvField(r.series) + "," + csvField(r.label) + "," + r.exact + "," + csvField(r.text) + "\n")
	}
	return b.Bytes()
}

type chartRenderer struct{}

func (chartRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(KindChart, func(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		c := n.(*Chart)
		id := html.EscapeString(c.ID)
		_, _ = w.WriteString(`<figure class="chart" id="` + id + `">`)
		_, _ = w.WriteString(`<figcaption><span class="chart-title">` + html.EscapeString(c.Title) + `</span>`)
		if len(c.Sources) > 0 {
			_, _ = w.WriteString(`<span class="chart-source">Source: ` + html.EscapeString(strings.Join(c.Sources, "; ")) + `</span>`)
		}
		_, _ = w.WriteString(`</figcaption>`)
		// Two layouts, one shown by CSS: each fits its screen, so the frame
		// never scrolls and is no tab stop.
		_, _ = w.WriteString(`<div class="chart-frame">`)
		_, _ = w.Write(c.SVG)
		_, _ = w.Write(c.Narrow)
		_, _ = w.WriteString(`</div>`)
		_, _ = w.WriteString(`<details class="chart-data"><summary>Data behind this chart</summary>`)
		_, _ = w.Write(c.Table)
		_, _ = w.WriteString(`<p><a download="` + html.EscapeString(c.Download) + `" href="` + html.EscapeString(c.File) + `">Download the data (CSV)</a></p></details>`)
		// A closed <details> does not print; print shows this copy instead.
		_, _ = w.WriteString(`<div class="chart-print">`)
		_, _ = w.Write(c.Table)
		_, _ = w.WriteString(`</div></figure>` + "\n")
		return ast.WalkSkipChildren, nil
	})
}

type charts struct{}

// Charts is the extension that turns ```chart fences into inline SVG
// figures with a caption, a data table and a CSV link.
var Charts goldmark.Extender = charts{}

func (charts) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithASTTransformers(util.Prioritized(chartTransformer{}, 90)))
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(chartRenderer{}, 90)))
}
