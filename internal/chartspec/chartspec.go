// Package chartspec reads a chart block (the YAML inside a ```chart fence)
// and resolves it against a brief's figures into a chart.Chart to draw and
// the rows of its data table and CSV. It knows nothing of Markdown: errors
// carry positions inside the block, and the caller places them in the file.
package chartspec

import (
	"fmt"
	"slices"
	"strings"

	"github.com/briefs/briefs/internal/chart"
	"github.com/briefs/briefs/internal/diag"
	"github.com/briefs/briefs/internal/figures"
	yaml "go.yaml.in/yaml/v3"
)

// Error is a problem in a chart block at Line and Col of its file; Line 0
// stands for the whole block, reported at its fence.
type Error struct {
	Line, Col int
	Msg       string
}

// Error implements error.
func (e Error) Error() string { return e.Msg }

// Spec is a chart block as written.
type Spec struct {
	Kind  chart.Kind
	Title string
	// Total labels a waterfall's closing bar; Format shows every value.
	Total, Format string
	// Categories label a stacked chart's columns.
	Categories []string
	data       *yaml.Node
	highlight  []*yaml.Node
	// keys are the fields as written, for errors about fields that do not
	// apply to the chart's type.
	keys map[string]*yaml.Node
	// invalid marks a spec with errors: Resolve still reports the data's
	// own errors, so that every error of the block is reported at once.
	invalid bool
	// first is the file line of the block's first line.
	first int
}

// Row is one value of a chart: its series (for charts of several), its
// label, the value as displayed and exactly.
type Row struct {
	Series, Label, Text, Exact string
}

// Resolved is a chart ready to draw.
type Resolved struct {
	Chart *chart.Chart
	// Rows are every value in the order written (a pie's table keeps the
	// slices folded into "Other").
	Rows []Row
	// Sources are the sources of the chart's values, each once.
	Sources []*figures.Source
}

var fields = []string{"type", "title", "data", "total", "format", "categories", "highlight"}

// errs gathers a block's errors; first is the file line of the block's
// first line.
type errs struct {
	first int
	list  []Error
}

// at records an error at n, or at the fence when n is nil.
func (es *errs) at(n *yaml.Node, format string, args ...any) {
	line, col := 0, 0
	if n != nil {
		line, col = n.Line, n.Column
	}
	es.atPos(line, col, format, args...)
}

// atPos records an error at line and col of the block (line 0: the fence).
func (es *errs) atPos(line, col int, format string, args ...any) {
	e := Error{Msg: fmt.Sprintf(format, args...)}
	if line > 0 {
		e.Line, e.Col = es.first+line-1, col
	}
	es.list = append(es.list, e)
}

// Parse reads a chart block whose first line is line first of its file.
// The spec is nil when nothing can be resolved (not YAML, no data or no
// type); otherwise errors in other fields come back with a spec whose data
// Resolve still checks.
func Parse(src []byte, first int) (*Spec, []Error) {
	es := errs{first: first}
	var root yaml.Node
	if err := yaml.Unmarshal(src, &root); err != nil {
		line, msg := diag.YAMLLine(err)
		es.atPos(max(line, 1), 1, "chart is not valid YAML: %s", msg)
		return nil, es.list
	}
	if len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		es.at(nil, "a chart block needs type, title and data")
		return nil, es.list
	}
	s := &Spec{keys: map[string]*yaml.Node{}, first: first}
	s.fields(root.Content[0], &es)
	if s.Kind == "" {
		es.at(nil, "chart needs a type (bar, hbar, stacked, donut, pie, line, waterfall)")
	}
	if strings.TrimSpace(s.Title) == "" {
		es.at(nil, "chart needs a title: it names the chart for every reader")
	}
	if s.data == nil || len(s.data.Content) == 0 {
		es.at(nil, "chart has no data: give a list of names or a map of label: expression")
		return nil, es.list
	}
	if s.Kind == "" {
		return nil, es.list
	}
	// Fields that belong to other chart types would be silently ignored.
	if k := s.keys["total"]; k != nil && s.Kind != chart.Waterfall {
		es.at(k, "total names a waterfall's closing bar; a %s chart has none (remove it)", s.Kind)
	}
	if k := s.keys["categories"]; k != nil && s.Kind != chart.Stacked {
		es.at(k, "categories belong to a stacked chart; a %s chart takes its labels from data (remove it)", s.Kind)
	}
	if s.data.Kind == yaml.MappingNode {
		first := map[string]*yaml.Node{}
		for i := 0; i+1 < len(s.data.Content); i += 2 {
			k := s.data.Content[i]
			if f, dup := first[k.Value]; dup {
				es.at(k, "duplicate label %q in chart data (first at line %d): every bar, slice or series needs its own label", k.Value, s.first+f.Line-1)
				continue
			}
			first[k.Value] = k
		}
	}
	s.invalid = len(es.list) > 0
	return s, es.list
}

// fields reads the block's fields, each once.
func (s *Spec) fields(m *yaml.Node, es *errs) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if s.keys[k.Value] != nil {
			es.at(k, "duplicate key %s in chart", k.Value)
			continue
		}
		s.keys[k.Value] = k
		switch k.Value {
		case "type":
			s.Kind = chart.Kind(v.Value)
			if !slices.Contains(chart.Kinds, s.Kind) {
				es.at(v, "unknown chart type %q (known: bar, hbar, stacked, donut, pie, line, waterfall)", v.Value)
			}
		case "title":
			s.Title = v.Value
		case "data":
			s.data = v
		case "total":
			s.Total = v.Value
		case "format":
			s.Format = v.Value
			if !figures.IsFormat(s.Format) {
				es.at(v, "unknown format %q", v.Value)
			}
		case "categories":
			for _, c := range v.Content {
				s.Categories = append(s.Categories, c.Value)
			}
		case "highlight":
			switch v.Kind {
			case yaml.ScalarNode:
				s.highlight = []*yaml.Node{v}
			case yaml.SequenceNode:
				s.highlight = v.Content
			default:
				es.at(v, "highlight is a label or a list of labels")
			}
		default:
			msg := fmt.Sprintf("unknown chart field %s", k.Value) + diag.DidYouMean(k.Value, fields)
			es.at(k, "%s", msg)
		}
	}
}

// Resolve evaluates the chart's data against set. The result is nil when
// there is any error, the spec's own included.
func (s *Spec) Resolve(set *figures.Set) (*Resolved, []Error) {
	r := &resolver{spec: s, set: set, es: errs{first: s.first}}
	c, ok := r.data()
	if !ok {
		return nil, r.es.list
	}
	c.Kind, c.Title = s.Kind, s.Title
	if !s.checkHighlight(c, &r.es) || s.invalid {
		return nil, r.es.list
	}
	// A chart that cannot be drawn (too many bars, a negative slice) is an
	// error at the fence, found here rather than while rendering.
	if err := c.Validate(); err != nil {
		r.es.at(nil, "%v", err)
		return nil, r.es.list
	}
	return &Resolved{Chart: c, Rows: r.rows, Sources: r.sources}, nil
}

// checkHighlight checks the labels the chart asks to stand out: categories,
// or series for stacked and line charts.
func (s *Spec) checkHighlight(c *chart.Chart, es *errs) bool {
	if len(s.highlight) == 0 {
		return true
	}
	var names []string
	if s.Kind == chart.Stacked || s.Kind == chart.Line {
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
		es.at(n, "%s", msg)
		ok = false
	}
	return ok
}
