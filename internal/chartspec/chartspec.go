// Package chartspec reads a chart block (the YAML inside a ```chart fence)
// and resolves it against a brief's figures into a chart.Chart to draw and
// the rows of its data table and CSV. It knows nothing of Markdown: errors
// carry positions inside the block, and the caller places them in the file.
package chartspec

import (
	"bytes"
	"fmt"
	"regexp"
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
	keys map[string]*field
	// invalid marks a spec with errors: Resolve still reports the data's
	// own errors, so that every error of the block is reported at once.
	invalid bool
	// at places the block in its file; text finds a scalar's characters.
	origin Origin
	text   *text
}

// Origin places a block in its file.
type Origin struct {
	// Line is the file line of the block's first line.
	Line int
	// Cols are how many columns precede each line of the block on its file
	// line: the indent a list item or a blockquote takes from a fence's
	// content. A line past the end has none.
	Cols []int
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

// field is a field as written: its key and value.
type field struct{ key, value *yaml.Node }

var fields = []string{"type", "title", "data", "total", "format", "categories", "highlight"}

// errs gathers a block's errors.
type errs struct {
	origin Origin
	list   []Error
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
		if line <= len(es.origin.Cols) {
			col += es.origin.Cols[line-1]
		}
		e.Line, e.Col = es.origin.Line+line-1, max(col, 1)
	}
	es.list = append(es.list, e)
}

// Parse reads a chart block placed in its file by at. The spec is nil
// when nothing can be resolved (not YAML, no data or no type); otherwise
// errors in other fields come back with a spec whose data Resolve still
// checks.
func Parse(src []byte, at Origin) (*Spec, []Error) {
	es := errs{origin: at}
	t := newText(src)
	var root yaml.Node
	if err := yaml.Unmarshal(src, &root); err != nil {
		line, msg := diag.YAMLLine(err)
		if m := unknownAnchor.FindStringSubmatch(msg); m != nil {
			// yaml reports no position here: find the alias.
			if off := aliasOffset(src, m[1]); off >= 0 {
				l, c := t.pos(off)
				es.atPos(l, c, aliasMsg, m[1])
				return nil, es.list
			}
		}
		es.atPos(max(line, 1), 1, "chart is not valid YAML: %s", msg)
		return nil, es.list
	}
	if len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		es.at(nil, "a chart block needs type, title and data")
		return nil, es.list
	}
	s := &Spec{keys: map[string]*field{}, origin: at, text: t}
	s.refuse(root.Content[0], &es)
	s.fields(root.Content[0], &es)
	if s.keys["type"] == nil {
		es.at(nil, "chart needs a type (bar, hbar, stacked, donut, pie, line, waterfall)")
	}
	if k := s.keys["title"]; k == nil {
		es.at(nil, "chart needs a title: it names the chart for every reader")
	} else if v := k.value; v.Kind == yaml.ScalarNode && strings.TrimSpace(s.Title) == "" {
		es.at(v, "chart needs a title: it names the chart for every reader")
	}
	switch k := s.keys["data"]; {
	case k == nil:
		es.at(nil, "chart has no data: give a list of names or a map of label: expression")
		return nil, es.list
	case s.data == nil:
		// An alias, reported.
		return nil, es.list
	case len(s.data.Content) == 0 && s.data.Kind != yaml.ScalarNode || s.data.Kind == yaml.ScalarNode && strings.TrimSpace(s.data.Value) == "":
		es.at(s.data, "chart has no data: give a list of names or a map of label: expression")
		return nil, es.list
	}
	if s.Kind == "" {
		return nil, es.list
	}
	// Fields that belong to other chart types would be silently ignored.
	if k := s.keys["total"]; k != nil && s.Kind != chart.Waterfall {
		es.at(k.key, "total names a waterfall's closing bar; a %s chart has none (remove it)", s.Kind)
	}
	if k := s.keys["categories"]; k != nil && s.Kind != chart.Stacked {
		es.at(k.key, "categories belong to a stacked chart; a %s chart takes its labels from data (remove it)", s.Kind)
	}
	if s.data.Kind == yaml.MappingNode {
		first := map[string]*yaml.Node{}
		for i := 0; i+1 < len(s.data.Content); i += 2 {
			k := s.data.Content[i]
			if k.Kind == yaml.AliasNode {
				continue
			}
			if f, dup := first[k.Value]; dup {
				es.at(k, "duplicate label %q in chart data (first at line %d): every bar, slice or series needs its own label", k.Value, at.Line+f.Line-1)
				continue
			}
			first[k.Value] = k
		}
	}
	s.invalid = len(es.list) > 0
	return s, es.list
}

// The frontmatter's wording: a chart block reads YAML the same way.
const aliasMsg = "aliases (*%s) are not supported: write the value out"

var unknownAnchor = regexp.MustCompile(`^unknown anchor '(.*)' referenced$`)

// aliasOffset finds *name in src where an alias can stand, or -1.
func aliasOffset(src []byte, name string) int {
	for i := 0; i < len(src); i++ {
		j := bytes.Index(src[i:], []byte("*"+name))
		if j < 0 {
			return -1
		}
		i += j
		end := i + 1 + len(name)
		before := i == 0 || strings.ContainsRune(" \t\n[{,:-?", rune(src[i-1]))
		after := end == len(src) || strings.ContainsRune(" \t\r\n]},", rune(src[end]))
		if before && after {
			return i
		}
	}
	return -1
}

// refuse reports aliases, anchors and explicit tags, each at its own
// place: briefs keep every value where it is read and as it is written.
func (s *Spec) refuse(n *yaml.Node, es *errs) {
	off := s.text.offset(n.Line, n.Column)
	// prop is the place of n's anchor or tag, which YAML places n at.
	prop := func(mark string) (int, int) {
		if off >= 0 {
			if j := bytes.Index(s.text.src[off:], []byte(mark)); j >= 0 {
				return s.text.pos(off + j)
			}
		}
		return n.Line, n.Column
	}
	if n.Kind == yaml.AliasNode {
		es.at(n, aliasMsg, n.Value)
		return
	}
	if n.Anchor != "" {
		l, c := prop("&" + n.Anchor)
		es.atPos(l, c, "anchors (&%s) are not supported: write the value out where it is used", n.Anchor)
	}
	if n.Style&yaml.TaggedStyle != 0 {
		l, c := prop("!")
		if n.Kind == yaml.ScalarNode {
			es.atPos(l, c, "%s %s carries a YAML tag: write %s without the tag", n.Tag, n.Value, n.Value)
		} else {
			es.atPos(l, c, "%s carries a YAML tag: write the value without the tag", n.Tag)
		}
	}
	for _, c := range n.Content {
		s.refuse(c, es)
	}
}

// textField reads a field that is text; false when it is not (reported) or an
// alias (reported by refuse).
func textField(v *yaml.Node, field string, es *errs) (string, bool) {
	switch v.Kind {
	case yaml.AliasNode:
		return "", false
	case yaml.ScalarNode:
		return v.Value, true
	}
	es.at(v, "%s must be text", field)
	return "", false
}

// fields reads the block's fields, each once.
func (s *Spec) fields(m *yaml.Node, es *errs) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			if k.Kind != yaml.AliasNode {
				es.at(k, "a chart field is a plain name")
			}
			continue
		}
		if s.keys[k.Value] != nil {
			es.at(k, "duplicate key %s in chart", k.Value)
			continue
		}
		s.keys[k.Value] = &field{k, v}
		switch k.Value {
		case "type":
			if t, ok := textField(v, "type", es); ok {
				s.Kind = chart.Kind(t)
				if !slices.Contains(chart.Kinds, s.Kind) {
					es.at(v, "unknown chart type %q (known: bar, hbar, stacked, donut, pie, line, waterfall)", v.Value)
				}
			}
		case "title":
			s.Title, _ = textField(v, "title", es)
		case "data":
			if v.Kind != yaml.AliasNode {
				s.data = v
			}
		case "total":
			s.Total, _ = textField(v, "total", es)
		case "format":
			if f, ok := textField(v, "format", es); ok {
				s.Format = f
				if !figures.IsFormat(s.Format) {
					es.at(v, "unknown format %q", v.Value)
				}
			}
		case "categories":
			if v.Kind != yaml.SequenceNode {
				if v.Kind != yaml.AliasNode {
					es.at(v, "categories are a list of labels")
				}
				continue
			}
			for _, c := range v.Content {
				if t, ok := textField(c, "a category", es); ok {
					s.Categories = append(s.Categories, t)
				}
			}
		case "highlight":
			switch v.Kind {
			case yaml.ScalarNode:
				s.highlight = []*yaml.Node{v}
			case yaml.SequenceNode:
				s.highlight = v.Content
			case yaml.AliasNode:
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
	r := &resolver{spec: s, set: set, es: errs{origin: s.origin}}
	c, ok := r.data()
	if !ok {
		// The highlight is still checked, against the labels as written.
		if s.data != nil && s.Kind != "" {
			s.checkHighlight(r.writtenNames(), nil, &r.es)
		}
		return nil, r.es.list
	}
	c.Kind, c.Title = s.Kind, s.Title
	if !s.checkHighlight(s.names(c), c, &r.es) || s.invalid {
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

// names are the labels a highlight may name: categories, or series for
// stacked and line charts.
func (s *Spec) names(c *chart.Chart) []string {
	var names []string
	if s.Kind == chart.Stacked || s.Kind == chart.Line {
		for _, ser := range c.Series {
			names = append(names, ser.Name)
		}
		return names
	}
	for _, p := range c.Series[0].Points {
		names = append(names, p.Label)
	}
	if c.Total != nil {
		names = append(names, c.Total.Label)
	}
	return names
}

// checkHighlight checks the labels the chart asks to stand out against
// names, and marks them on c (when there is a chart).
func (s *Spec) checkHighlight(names []string, c *chart.Chart, es *errs) bool {
	ok := true
	for _, n := range s.highlight {
		if n.Kind == yaml.AliasNode {
			ok = false
			continue
		}
		if slices.Contains(names, n.Value) {
			if c != nil {
				c.Highlight = append(c.Highlight, n.Value)
			}
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
