package chartspec

import (
	"cmp"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/briefs/briefs/internal/chart"
	"github.com/briefs/briefs/internal/diag"
	"github.com/briefs/briefs/internal/figures"
	"github.com/briefs/briefs/internal/period"
	yaml "go.yaml.in/yaml/v3"
)

// rangeRE matches a series over a range of periods: name@FY2022..FY2024,
// spaces allowed around @ and ..; period.Parse explains a period written
// otherwise.
var rangeRE = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*)\s*@\s*(.*?)\s*\.\.\s*(.*?)\s*$`)

// resolver evaluates one chart's data.
type resolver struct {
	spec    *Spec
	set     *figures.Set
	es      errs
	c       chart.Chart
	rows    []Row
	sources []*figures.Source
	// unit is the first value's: every value shares its unit.
	unit *figures.Value
	// grid holds each series' exact values, for stacked totals and shares.
	grid [][]figures.Value
}

// item is one entry of data: a name or expression, with its label in a map.
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
			if c.Kind != yaml.AliasNode {
				out = append(out, item{node: c, expr: c.Value})
			}
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			// Aliases are reported where the block is read.
			if k.Kind != yaml.AliasNode && v.Kind != yaml.AliasNode {
				out = append(out, item{label: k.Value, node: v, expr: v.Value})
			}
		}
	case yaml.ScalarNode:
		out = append(out, item{node: n, expr: n.Value})
	}
	return out
}

// data resolves every value, reporting each error; ok is false when any
// value failed or there is none.
func (r *resolver) data() (*chart.Chart, bool) {
	var ok bool
	switch {
	case r.spec.Kind == chart.Stacked && len(r.spec.Categories) > 0:
		ok = r.categories()
	case r.spec.Kind == chart.Line || r.spec.Kind == chart.Stacked:
		ok = r.series()
	default:
		ok = r.single()
	}
	if !ok || r.unit == nil {
		return nil, false
	}
	format := r.format(*r.unit)
	switch r.spec.Kind {
	case chart.Stacked:
		r.totals(format)
	case chart.Pie, chart.Donut:
		pieParts(&r.c, r.grid, format)
	}
	r.c.Prefix, r.c.Suffix = figures.Affixes(*r.unit)
	return &r.c, true
}

// format is the format the chart shows v in.
func (r *resolver) format(v figures.Value) string {
	if r.spec.Format != "" {
		return r.spec.Format
	}
	return figures.ChartFormat(v.Unit)
}

// point evaluates one value; label "" takes the figure's label (or the
// period of name@PERIOD, or the expression's text).
func (r *resolver) point(n *yaml.Node, expr, label string) (chart.Point, figures.Value, bool) {
	if n.Kind != yaml.ScalarNode {
		if n.Kind != yaml.AliasNode {
			r.es.at(n, "a chart value is a name or an expression")
		}
		return chart.Point{}, figures.Value{}, false
	}
	exprErr := func(err error) {
		r.atValue(n, errOffset(err), "%v", err)
	}
	e, err := figures.ParseExpr(expr)
	if err != nil {
		exprErr(err)
		return chart.Point{}, figures.Value{}, false
	}
	f, err := r.set.Expr(e)
	if err != nil {
		if !figures.Reported(err) {
			exprErr(err)
		}
		return chart.Point{}, figures.Value{}, false
	}
	v := f.Value
	if r.unit == nil {
		r.unit = &v
	} else if r.unit.Unit != v.Unit || r.unit.Currency != v.Currency {
		r.es.at(n, "every value of a chart needs the same unit: %s is %s, the first value is %s", expr, v.Unit, r.unit.Unit)
		return chart.Point{}, figures.Value{}, false
	}
	r.addSources(f.Sources)
	if label == "" {
		label = r.label(e, expr)
	}
	txt, err := f.Display(r.format(v))
	if err != nil {
		r.es.at(n, "%v", err)
		return chart.Point{}, figures.Value{}, false
	}
	pv, _ := v.Shown().Float64()
	return chart.Point{Label: label, Value: pv, Text: txt}, v, true
}

// atValue records an error at byte off of scalar n's value, in the file
// where that character stands.
func (r *resolver) atValue(n *yaml.Node, off int, format string, args ...any) {
	line, col := r.spec.text.valuePos(n, off)
	r.es.atPos(line, col, format, args...)
}

// errOffset is where in its expression an error of figures arises.
func errOffset(err error) int {
	var se *figures.SyntaxError
	var ee *figures.EvalError
	switch {
	case errors.As(err, &se):
		return se.Off
	case errors.As(err, &ee):
		return ee.Off
	}
	return 0
}

// label is the label of a value written expr without one: a figure's
// label, the period of name@PERIOD, or the expression itself; "" for an
// unknown name.
func (r *resolver) label(e figures.Node, expr string) string {
	ref, isRef := e.(*figures.Ref)
	if !isRef {
		return expr
	}
	if en, found := r.set.Named(ref.Name); found {
		if ref.Period != "" {
			return ref.Period
		}
		return en.Label
	}
	return ""
}

// writtenNames are the labels a highlight may name, read from the data as
// written, for a chart whose values failed. An unknown name takes the
// label of the name it likely misspells, so that fixing it does not leave
// a highlight wrong.
func (r *resolver) writtenNames() []string {
	var names []string
	known := func(name string) (figures.Named, bool) {
		if en, ok := r.set.Named(name); ok {
			return en, true
		}
		var all []string
		for _, en := range r.set.Names() {
			all = append(all, en.Name)
		}
		return r.set.Named(diag.Closest(name, all))
	}
	series := r.spec.Kind == chart.Line || r.spec.Kind == chart.Stacked
	for _, it := range items(r.spec.data) {
		switch {
		case it.label != "":
			names = append(names, it.label)
		case series:
			base := strings.TrimSpace(it.expr)
			if m := rangeRE.FindStringSubmatch(base); m != nil {
				// A range may name a figure of the company's other briefs.
				if en, ok := r.set.Named(m[1]); ok {
					names = append(names, en.Label)
				} else {
					names = append(names, strings.ReplaceAll(m[1], "_", " "))
				}
				continue
			}
			if en, ok := known(base); ok {
				names = append(names, en.Label)
			}
		default:
			e, err := figures.ParseExpr(it.expr)
			if err != nil {
				names = append(names, it.expr)
				continue
			}
			if ref, isRef := e.(*figures.Ref); isRef && ref.Period == "" {
				if en, ok := known(ref.Name); ok {
					names = append(names, en.Label)
				}
				continue
			}
			if l := r.label(e, it.expr); l != "" {
				names = append(names, l)
			}
		}
	}
	switch r.spec.Kind {
	case chart.Waterfall:
		names = append(names, cmp.Or(r.spec.Total, "Total"))
	case chart.Pie, chart.Donut:
		names = append(names, chart.Other)
	}
	return names
}

func (r *resolver) addSources(ss []*figures.Source) {
	for _, src := range ss {
		if !slices.ContainsFunc(r.sources, func(t *figures.Source) bool { return t.Title == src.Title }) {
			r.sources = append(r.sources, src)
		}
	}
}

// categories resolves a stacked chart's label: [expr, expr, …] over its
// categories.
func (r *resolver) categories() bool {
	ok := true
	cats := r.spec.Categories
	for _, it := range items(r.spec.data) {
		ser := chart.Series{Name: it.label}
		if it.node.Kind != yaml.SequenceNode || len(it.node.Content) != len(cats) {
			r.es.at(it.node, "%s needs a list of %d values, one per category", it.label, len(cats))
			ok = false
			continue
		}
		var vals []figures.Value
		for ci, vn := range it.node.Content {
			p, v, good := r.point(vn, vn.Value, cats[ci])
			ok = ok && good
			ser.Points = append(ser.Points, p)
			vals = append(vals, v)
			r.rows = append(r.rows, Row{it.label, cats[ci], p.Text, v.Exact()})
		}
		r.c.Series = append(r.c.Series, ser)
		r.grid = append(r.grid, vals)
	}
	return ok
}

// series resolves series names, each over its periods: a figure's series,
// or name@FROM..TO, every period in range with a value, from this brief
// or the company's others.
func (r *resolver) series() bool {
	ok := true
	var periods []string
	for _, it := range items(r.spec.data) {
		base, name, ps, good := r.periods(it)
		if !good {
			ok = false
			continue
		}
		if it.label != "" {
			name = it.label
		}
		if periods == nil {
			periods = ps
		} else if strings.Join(ps, ",") != strings.Join(periods, ",") {
			r.es.at(it.node, "%s covers %s, but the chart's first series covers %s", it.expr, strings.Join(ps, ", "), strings.Join(periods, ", "))
			ok = false
			continue
		}
		ser := chart.Series{Name: name}
		var vals []figures.Value
		for _, p := range ps {
			pt, v, good := r.point(it.node, base+"@"+p, p)
			ok = ok && good
			ser.Points = append(ser.Points, pt)
			vals = append(vals, v)
			r.rows = append(r.rows, Row{name, p, pt.Text, v.Exact()})
		}
		r.c.Series = append(r.c.Series, ser)
		r.grid = append(r.grid, vals)
	}
	return ok
}

// periods finds a series item's name, label and periods.
func (r *resolver) periods(it item) (base, name string, ps []string, ok bool) {
	if m := rangeRE.FindStringSubmatchIndex(it.expr); m != nil {
		name, from, to := it.expr[m[2]:m[3]], it.expr[m[4]:m[5]], it.expr[m[6]:m[7]]
		good := true
		for i, p := range []string{from, to} {
			if _, err := period.Parse(p); err != nil {
				r.atValue(it.node, m[4+2*i], "%v", err)
				good = false
			}
		}
		if !good {
			return "", "", nil, false
		}
		ps, err := r.set.Range(name, from, to)
		if err != nil {
			msg := err.Error()
			if _, found := r.set.Named(name); !found {
				if hint := r.set.DidYouMean(name); !strings.HasSuffix(msg, hint) {
					msg += hint
				}
			}
			r.atValue(it.node, m[2], "%s", msg)
			return "", "", nil, false
		}
		label := strings.ReplaceAll(name, "_", " ")
		if en, found := r.set.Named(name); found {
			label = en.Label
		}
		return name, label, ps, true
	}
	en, found := r.set.Named(it.expr)
	switch {
	case !found:
		msg := fmt.Sprintf("unknown name %s", it.expr) + r.set.DidYouMean(it.expr)
		r.es.at(it.node, "%s", msg)
		return "", "", nil, false
	case len(en.Periods) == 0:
		r.es.at(it.node, "a %s chart takes series (figures with values over periods); %s has one value", r.spec.Kind, it.expr)
		return "", "", nil, false
	}
	return it.expr, en.Label, en.Periods, true
}

// single resolves a chart of one series: bars, slices or a waterfall's
// steps (and its closing total).
func (r *resolver) single() bool {
	ok := true
	ser := chart.Series{Name: r.spec.Title}
	var vals []figures.Value
	for _, it := range items(r.spec.data) {
		p, v, good := r.point(it.node, it.expr, it.label)
		if !good {
			ok = false
			continue
		}
		vals = append(vals, v)
		ser.Points = append(ser.Points, p)
		r.grid = append(r.grid, []figures.Value{v})
		r.rows = append(r.rows, Row{"", p.Label, p.Text, v.Exact()})
	}
	r.c.Series = []chart.Series{ser}
	if r.spec.Kind == chart.Waterfall && ok && r.unit != nil {
		tv := figures.Sum(*r.unit, vals)
		txt, _ := figures.Format(tv, r.format(tv))
		label := r.spec.Total
		if label == "" {
			label = "Total"
		}
		f, _ := tv.Shown().Float64()
		r.c.Total = &chart.Point{Label: label, Value: f, Text: txt}
		r.rows = append(r.rows, Row{"", label, txt, tv.Exact()})
	}
	return ok
}

// totals gives each category of a stacked chart its total, summed exactly
// and shown like its parts.
func (r *resolver) totals(format string) {
	for ci := range r.c.Series[0].Points {
		col := []figures.Value{r.grid[0][ci]}
		for _, vals := range r.grid[1:] {
			col = append(col, vals[ci])
		}
		t := figures.Sum(r.grid[0][ci], col)
		for _, v := range col {
			// The total shows as many decimals as its most precise part.
			t.Places = max(t.Places, v.Places)
		}
		txt, _ := figures.Format(t, format)
		r.c.Totals = append(r.c.Totals, txt)
	}
}

// pieParts gives each slice its exact share and folds the smallest parts
// past chart.MaxSlices into one "Other" slice; the data table keeps them all.
func pieParts(c *chart.Chart, grid [][]figures.Value, format string) {
	ps := c.Series[0].Points
	col := make([]figures.Value, len(grid))
	for i, v := range grid {
		col[i] = v[0]
	}
	total := figures.Sum(col[0], col)
	share := func(v figures.Value) string {
		if total.IsZero() {
			return ""
		}
		txt, _ := figures.Format(figures.Share(v, total), "pct0")
		return txt
	}
	if len(ps) <= chart.MaxSlices {
		for i := range ps {
			ps[i].Share = share(grid[i][0])
		}
		return
	}
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
	var rest []figures.Value
	places := grid[0][0].Places
	for i, p := range ps {
		if keep[i] {
			p.Share = share(grid[i][0])
			kept = append(kept, p)
			continue
		}
		rest = append(rest, grid[i][0])
		places = max(places, grid[i][0].Places)
	}
	other := figures.Sum(grid[0][0], rest)
	other.Places = places
	txt, _ := figures.Format(other, format)
	f, _ := other.Shown().Float64()
	kept = append(kept, chart.Point{Label: chart.Other, Value: f, Text: txt, Share: share(other)})
	c.Series[0].Points = kept
}
