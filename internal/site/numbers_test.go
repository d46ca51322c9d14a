package site

import (
	"html/template"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

// TestNumbersReachable: every number in the prose links to its row in "The
// numbers", every row cites its sources by a marker that links to the
// sources list, and the list is the only place a source's title is written
// out.
func TestNumbersReachable(t *testing.T) {
	fsys := loadSite(t, "testdata/site.txtar")
	fsys["content/series.md"] = &fstest.MapFile{Data: []byte("---\ntitle: Series\ndate: 2025-01-05\nperiod: FY2024\n" +
		"sources:\n  ar: {title: Annual Report}\n  pr: {title: Press Release}\n" +
		"figures:\n  sales: {values: {FY2023: 1.0, FY2024: 2.0}, label: Sales, source: ar}\n  cost: {value: 0.5, source: pr}\n" +
		"derived:\n  margin: {expr: (sales - cost) / sales, label: Margin}\n---\n" +
		"## Src 1\n\n## V sales\n\nSales rose from {{ sales@FY2023 }} to {{ sales }}; the margin was {{ margin }}.\n")}
	out := build(t, fsys, Options{})
	for _, slug := range []string{"amazon", "series"} {
		page := file(t, out, slug+"/index.html")
		ids := map[string]bool{}
		for _, m := range regexp.MustCompile(` id="([^"]+)"`).FindAllStringSubmatch(page, -1) {
			if ids[m[1]] {
				t.Errorf("%s: id %s twice (a heading's and a row's or a source's)", slug, m[1])
			}
			ids[m[1]] = true
		}
		refs := regexp.MustCompile(`<a class="ref" href="#([^"]+)"><data `).FindAllStringSubmatch(page, -1)
		if want := strings.Count(page, "<data ") - strings.Count(page, `<td class="num"><data `); len(refs) != want {
			t.Errorf("%s: %d of %d numbers in the prose link to their row", slug, len(refs), want)
		}
		for _, m := range append(refs, regexp.MustCompile(`<a class="cite" href="#([^"]+)"`).FindAllStringSubmatch(page, -1)...) {
			if !ids[m[1]] {
				t.Errorf("%s: #%s has no target", slug, m[1])
			}
		}
	}
	series := file(t, out, "series/index.html")
	for _, want := range []string{
		`<tr id="v.sales.FY2023"><th scope="row">Sales, FY2023</th><td class="num"><data value="1000000000">$1.0 billion</data></td><td class="how">Reported <a class="cite" href="#src.1" title="Annual Report"><span class="vh">source </span>[1]</a></td></tr>`,
		`<tr id="v.margin"><th scope="row">Margin</th><td class="num"><data value="0.7500">75.0%</data></td><td class="how">= (2.0 − 0.5) ÷ 2.0 <a class="cite" href="#src.1" title="Annual Report"><span class="vh">source </span>[1]</a> <a class="cite" href="#src.2" title="Press Release"><span class="vh">source </span>[2]</a></td></tr>`,
		`<li id="src.2">Press Release</li>`,
	} {
		if !strings.Contains(series, want) {
			t.Errorf("series page lacks %s", want)
		}
	}
	amazon := file(t, out, "amazon/index.html")
	if n := strings.Count(amazon, ">Amazon Q4 2024 Earnings Release<"); n != 1 {
		t.Errorf("the source title is written out %d times, want once (in the sources list)", n)
	}
}

// The rows built in Go are byte for byte what the template wrote before
// (and what a site's own layout ranging over Values still writes).
func TestNumbersHTMLMatchesTemplate(t *testing.T) {
	tricky := "a\"b'c&d<e>f+g\x00h −$2.8B 日本 \xff"
	v := &briefView{Values: []valueRow{
		{ID: "v.net_sales", Label: "Net sales", Text: "$514.0 billion", Data: "514000000000", How: "Reported",
			Cites: []cite{{1, "Form 10-K"}, {2, tricky}}},
		{ID: "v." + tricky, Label: tricky, Text: tricky, Data: tricky, How: "= a + b · restated: " + tricky},
		{ID: "v.x", Label: "", Text: "", Data: "", How: ""},
	}}
	tmpl := template.Must(template.New("rows").Parse(`{{range .Values}}<tr id="{{.ID}}"><th scope="row">{{.Label}}</th><td class="num"><data value="{{.Data}}">{{.Text}}</data></td><td class="how">{{.How}}{{range .Cites}} <a class="cite" href="#src.{{.N}}" title="{{.Title}}"><span class="vh">source </span>[{{.N}}]</a>{{end}}</td></tr>{{end}}`))
	var want strings.Builder
	if err := tmpl.Execute(&want, v); err != nil {
		t.Fatal(err)
	}
	if got := string(v.NumbersHTML()); got != want.String() {
		t.Errorf("NumbersHTML differs from the template:\n got %q\nwant %q", got, want.String())
	}
}
