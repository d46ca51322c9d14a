package site

import (
	"path"
	"regexp"
	"strings"
	"testing"
)

// TestFontsServed: the stylesheet sets pages in Briefs Text and the UI in
// the chart font, and every font it names is an output file, with the
// serif's licence beside it.
func TestFontsServed(t *testing.T) {
	out := build(t, loadSite(t, "testdata/site.txtar"), Options{NoOG: true})
	var css string
	for _, p := range out.Paths() {
		if strings.HasPrefix(p, "css/") {
			css = string(out.Files[p])
		}
	}
	urls := regexp.MustCompile(`url\(([^)]+)\)`).FindAllStringSubmatch(css, -1)
	woff2 := 0
	for _, m := range urls {
		target := path.Join("css", strings.Trim(m[1], `"`))
		if _, ok := out.Files[target]; !ok {
			t.Errorf("the stylesheet names %s, which is not an output file", m[1])
		}
		if strings.HasSuffix(target, ".woff2") {
			woff2++
		}
	}
	if woff2 != 3 {
		t.Errorf("%d WOFF2 faces, want 3 (regular, italic, bold)", woff2)
	}
	if !strings.Contains(string(out.Files["fonts/OFL.txt"]), "SIL OPEN FONT LICENSE") {
		t.Errorf("fonts/OFL.txt missing")
	}
	for _, want := range []string{`font:1.0625rem/1.6 briefs text,`, `--sans:"BriefsChart"`} {
		if !strings.Contains(strings.ToLower(css), strings.ToLower(want)) {
			t.Errorf("the stylesheet lacks %s", want)
		}
	}
	// Every sans role but the charts' own rules (another package's) takes
	// the chart font through --sans.
	for _, m := range regexp.MustCompile(`([^{}]+)\{([^{}]*system-ui[^{}]*)\}`).FindAllStringSubmatch(css, -1) {
		if sel := m[1]; sel != ":root" && !strings.HasPrefix(sel, ".chart-") {
			t.Errorf("%s is set in the system font: %s", sel, m[2])
		}
	}
}
