package site

import (
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

var idAttr = regexp.MustCompile(` id="([^"]*)"`)

// Content headings never take an id the page template or a chart uses.
func TestHeadingIDsUnique(t *testing.T) {
	fsys := fstest.MapFS{"content/x.md": {Data: []byte("---\ntitle: T\ndate: 2024-01-01\nfigures:\n  a: 1.0\n  b: 2.0\n---\n" +
		"## Main\n\n## Chart 1\n\n## Chart 1 t\n\n## The numbers h\n\n## Numbers h\n\n## Sources h\n\n## Main\n\n" +
		"```chart\ntype: bar\ntitle: C\ndata: [a, b]\n```\n")}}
	page := file(t, build(t, fsys, Options{}), "x/index.html")
	seen := map[string]bool{}
	for _, m := range idAttr.FindAllStringSubmatch(page, -1) {
		if seen[m[1]] {
			t.Errorf("id %q appears twice", m[1])
		}
		seen[m[1]] = true
	}
	for _, id := range []string{"main", "chart-1", "chart-1-t", "numbers-h", "main-1", "main-2", "chart-1-1", "chart-1-t-1", "numbers-h-1", "the-numbers-h"} {
		if !seen[id] {
			t.Errorf("no id %q (have %v)", id, seen)
		}
	}
	// Headings keep their natural ids when nothing else takes them.
	if !strings.Contains(page, `<h2 id="the-numbers-h">`) {
		t.Errorf("heading lost its natural id")
	}
}
