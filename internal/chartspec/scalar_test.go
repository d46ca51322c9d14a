package chartspec

import (
	"testing"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
)

// Every scalar that yaml writes, in any style (quotes, escapes, long lines
// folded, literal and folded blocks), reads back with each character of
// its value placed on a character of the block: the text itself or the
// escape that stands for it.
func FuzzValuePos(f *testing.F) {
	for _, s := range []string{"a + b", "it's", `a "b" \ c`, "x\ty\n\nz", "é + \u0085 + \x01", "  lead and trail  ",
		"a long value that yaml folds over several lines when it writes it, a long value that yaml folds over several lines"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if !utf8.ValidString(v) {
			return
		}
		for _, style := range []yaml.Style{0, yaml.SingleQuotedStyle, yaml.DoubleQuotedStyle, yaml.LiteralStyle, yaml.FoldedStyle} {
			doc := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
				{Kind: yaml.ScalarNode, Value: "data"},
				{Kind: yaml.ScalarNode, Tag: "!!str", Style: style, Value: v}}}
			src, err := yaml.Marshal(doc)
			if err != nil {
				continue
			}
			var root yaml.Node
			if err := yaml.Unmarshal(src, &root); err != nil || root.Content[0].Content[1].Value != v {
				continue
			}
			n := root.Content[0].Content[1]
			tx := newText(src)
			at := tx.decode(tx.props(tx.offset(n.Line, n.Column)), n)
			if at == nil {
				t.Fatalf("style %d: %q written as\n%s\ndoes not read back", n.Style, v, src)
			}
			for i := range v {
				c := src[at[i]]
				if c != v[i] && c != '\\' && !(v[i] == ' ' && c == '\n') && !(v[i] == '\n' && c == '\n') {
					t.Fatalf("style %d: byte %d of %q placed on %q in\n%s", n.Style, i, v, c, src)
				}
			}
		}
	})
}
