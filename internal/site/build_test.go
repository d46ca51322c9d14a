package site_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/briefs/briefs/internal/site"
	"github.com/briefs/briefs/internal/sitetest"
)

// sample is the small site of testdata/site.txtar: two published briefs,
// a draft and a future-dated brief.
func sample(t testing.TB, opts site.Options) *sitetest.Builder {
	t.Helper()
	return sitetest.NewFS(t, sitetest.ReadFiles(t, "testdata/site.txtar"), opts)
}

// withCompany is the sample site plus the three Acme briefs of
// testdata/company.txtar.
func withCompany(t testing.TB, opts site.Options) *sitetest.Builder {
	t.Helper()
	fsys := sitetest.ReadFiles(t, "testdata/site.txtar")
	for name, f := range sitetest.ReadFiles(t, "testdata/company.txtar") {
		if name != "content/_index.md" {
			fsys[name] = f
		}
	}
	return sitetest.NewFS(t, fsys, opts)
}

func company(t testing.TB, opts site.Options) *sitetest.Builder {
	t.Helper()
	return sitetest.NewFS(t, sitetest.ReadFiles(t, "testdata/company.txtar"), opts)
}

func TestSite(t *testing.T) {
	b := sample(t, site.Options{}).Build()
	if out := b.Output(); out.Briefs != 2 || out.Charts != 2 {
		t.Errorf("briefs %d charts %d, want 2 and 2", out.Briefs, out.Charts)
	}
	b.AssertFileContent("amazon/index.html", `
		<title>The Cloud Behind the Cart · Test Briefs</title>
		<data value="0.1687" title="= 107.6 ÷ 638.0 · Amazon Q4 2024 Earnings Release">16.9%</data>
		<data value="0.5802" title="= 39.8 ÷ 68.6 · Amazon Q4 2024 Earnings Release">58.0%</data>
		<a href="https://example.com/q4">Amazon Q4 2024 Earnings Release</a>, <time datetime="2025-02-06">2025-02-06</time>
		<a href="../tags/antitrust-competition/">Antitrust &amp; Competition</a>
		<link rel="stylesheet" href="../css/site.
		! rel="canonical"
		! og:url
	`)
	// Without a base URL there is no canonical or og:url (above: they must
	// be absolute). Two charts, each laid out wide and narrow.
	b.AssertFileCount("amazon/index.html", "<svg ", 4)
	b.AssertFileOrder("index.html", "The Cloud Behind the Cart", "The Apps Pay for the Headsets")
	b.AssertFileContent("index.html", `
		<data value="0.1687">16.9%</data> <span>AWS share of net sales</span>
		! A draft
		! From the future
	`)
	b.AssertFileExists("draft/index.html", false)
	b.AssertFileExists("future/index.html", false)
	b.AssertFileContent("tags/cloud/index.html", "The Cloud Behind the Cart", "The Apps Pay for the Headsets")
	// Each chart's data is a CSV file beside the page, so netlify.toml's
	// /*.csv rule applies; a byte-order mark makes Excel read it as UTF-8.
	b.AssertFileCount("amazon/index.html", `">Download the data`, 2)
	b.AssertFileContent("amazon/index.html",
		`<a download="amazon-chart-1.csv" href="chart-1.csv">Download the data`,
		`<a download="amazon-chart-2.csv" href="chart-2.csv">Download the data`)
	b.AssertFileExact("amazon/chart-2.csv", "\uFEFFseries,label,value,display\n,AWS,39800000000,$39.8B\n,Everything else,28800000000,$28.8B\n")
	var fig struct {
		Figures []struct{ Name, Value, Unit, Display string }
	}
	if err := json.Unmarshal([]byte(b.FileContent("amazon/figures.json")), &fig); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range fig.Figures {
		got[f.Name] = f.Unit + " " + f.Value + " " + f.Display
	}
	if got["aws_income_share"] != "percent 0.5801749271137026239067055393586006 58.0%" || got["net_sales"] != "money 638000000000 $638.0 billion" {
		t.Errorf("figures.json: %v", got)
	}
	for p, data := range b.Output().Files {
		if bytes.Contains(data, []byte("_briefs/")) {
			t.Errorf("%s carries the preview's reload script", p)
		}
	}
	if !strings.HasPrefix(b.FileContent("robots.txt"), "User-agent: *") {
		t.Errorf("robots.txt")
	}
	// The 404 page links to the root absolutely.
	b.AssertFileContent("404.html", `href="/"`)
}

func TestDrafts(t *testing.T) {
	b := sample(t, site.Options{Drafts: true}).Build()
	b.AssertFileExists("draft/index.html", true)
	b.AssertFileExists("future/index.html", true)
}

func wellFormedXML(t *testing.T, name, data string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(data))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("%s is not well-formed: %v", name, err)
		}
	}
}

func TestFeedAndSitemap(t *testing.T) {
	b := sample(t, site.Options{BaseURL: "https://briefs.example.org"}).Build()
	feed := b.FileContent("feed.xml")
	wellFormedXML(t, "feed.xml", feed)
	var f struct {
		Title   string `xml:"title"`
		ID      string `xml:"id"`
		Updated string `xml:"updated"`
		Entries []struct {
			Title string `xml:"title"`
			ID    string `xml:"id"`
			Link  struct {
				Href string `xml:"href,attr"`
			} `xml:"link"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal([]byte(feed), &f); err != nil {
		t.Fatal(err)
	}
	if f.Title != "Test Briefs" || len(f.Entries) != 2 || f.Entries[0].Link.Href != "https://briefs.example.org/amazon/" || f.Updated != "2025-02-10T00:00:00Z" {
		t.Errorf("feed: %+v", f)
	}
	wellFormedXML(t, "sitemap.xml", b.FileContent("sitemap.xml"))
	b.AssertFileContent("sitemap.xml", `
		<loc>https://briefs.example.org/</loc>
		<loc>https://briefs.example.org/amazon/</loc>
		<loc>https://briefs.example.org/tags/cloud/</loc>
	`)
	b.AssertFileContent("amazon/index.html", `
		<link rel="canonical" href="https://briefs.example.org/amazon/">
		<meta property="og:url" content="https://briefs.example.org/amazon/">
		<meta property="og:image" content="https://briefs.example.org/og/
		<meta name="twitter:card" content="summary_large_image">
	`)
	b.AssertFileContent("robots.txt", "Sitemap: https://briefs.example.org/sitemap.xml")
}

var linkRE = regexp.MustCompile(`(?:href|src)="([^"]*)"`)

// TestLinksResolve follows every link of every page: each internal target
// must be an output file (a folder means its index.html).
func TestLinksResolve(t *testing.T) {
	b := sample(t, site.Options{NoOG: true})
	for i := 0; i < 45; i++ {
		b.EditFiles(fmt.Sprintf("content/gen-%02d.md", i), fmt.Sprintf("---\ntitle: Generated %d\ndate: 2024-01-%02d\ntags: [cloud]\nfigures: {a: %d.5}\n---\nValue {{ a }}.\n", i, i%28+1, i))
	}
	b.Build()
	for _, p := range []string{"page/2/index.html", "page/3/index.html", "tags/cloud/page/3/index.html"} {
		b.AssertFileExists(p, true)
	}
	// 47 briefs at 20 a page.
	b.AssertFileExists("page/4/index.html", false)
	out := b.Output()
	checked := 0
	for _, p := range out.Paths() {
		if !strings.HasSuffix(p, ".html") || p == "404.html" {
			continue
		}
		for _, m := range linkRE.FindAllStringSubmatch(string(out.Files[p]), -1) {
			href := m[1]
			if strings.HasPrefix(href, "https://") || strings.HasPrefix(href, "#") || strings.HasPrefix(href, "data:") {
				continue
			}
			target := path.Join(path.Dir(p), href)
			if strings.HasSuffix(href, "/") || href == "./" || href == "../" || href == "../../" {
				target = path.Join(target, "index.html")
			}
			target = strings.TrimPrefix(target, "./")
			if _, ok := out.Files[target]; !ok {
				t.Errorf("%s links to %s (%s), which does not exist", p, href, target)
			}
			checked++
		}
	}
	if checked < 100 {
		t.Errorf("only %d links checked", checked)
	}
}

func TestByteIdentical(t *testing.T) {
	opts := site.Options{BaseURL: "https://x.example/"}
	a, b := sample(t, opts).Build().Output(), sample(t, opts).Build().Output()
	if len(a.Files) != len(b.Files) {
		t.Fatalf("%d files, then %d", len(a.Files), len(b.Files))
	}
	for p, data := range a.Files {
		if !bytes.Equal(data, b.Files[p]) {
			t.Errorf("%s differs between two builds", p)
		}
	}
}

// TestLayoutOverride: a layout of the site replaces the built-in one, and
// one that does not parse is an error at its line, whether the site is
// built with it or it is edited in the preview.
func TestLayoutOverride(t *testing.T) {
	const custom = `{{define "main"}}<p class="custom">{{.Brief.Title}}</p>{{.Brief.Body}}{{end}}`
	const broken = "{{define \"main\"}}\n{{.Brief.Nope}\n{{end}}"
	b := sample(t, site.Options{}).EditFiles("layouts/brief.html", custom).Build()
	b.AssertFileContent("amazon/index.html", `<p class="custom">The Cloud Behind the Cart</p>`, "16.9%")
	b.EditFiles("layouts/brief.html", broken).BuildE()
	b.AssertErrors("layouts/brief.html:2:1: bad character U+007D '}'")
	b = sample(t, site.Options{}).EditFiles("layouts/brief.html", broken)
	b.BuildE()
	b.AssertErrors("layouts/brief.html:2:1: bad character U+007D '}'")
}

func TestErrorsFailTheBuild(t *testing.T) {
	b := sample(t, site.Options{}).EditFiles("content/bad.md", "---\ntitle: Bad\ndate: 2025-01-01\nfigures:\n  a: 1e3\n  b: NO\n---\n{{ c }} and 58%.\n")
	if errs := b.BuildE(); errs.Err() == nil {
		t.Fatal("a bad brief built")
	}
	b.AssertErrors("content/bad.md:5:6: 1e3 is in exponent notation", "content/bad.md:6:6: NO is not a number", "content/bad.md:8:1: unknown name c")
}

func TestDuplicateSlug(t *testing.T) {
	b := sample(t, site.Options{}).EditFiles("content/other.md", "---\ntitle: Other\ndate: 2025-01-01\nslug: amazon\n---\nx\n")
	b.BuildE()
	b.AssertErrors("content/other.md:4:7: slug amazon is already used by content/amazon.md")
}

func TestStrictWarnings(t *testing.T) {
	for _, strict := range []bool{false, true} {
		b := sample(t, site.Options{Strict: strict})
		b.EditFileReplace("content/meta.md", "of the total.\n", "of the total.\n\nThat is 125.6% of it.\n")
		// Err ignores warnings even when strict; the caller decides.
		errs := b.BuildE()
		if errs.Err() != nil {
			t.Errorf("strict %v: a warning fails the build: %v", strict, errs)
		}
		b.AssertErrors("content/meta.md:14:9: warning: hand-typed 125.6% matches foa_share")
		// A warning does not keep its brief out; unless strict.
		b.AssertFileExists("meta/index.html", !strict)
		if n := len(errs.Errors(true)); n != 1 {
			t.Errorf("strict errors = %d, want 1", n)
		}
	}
}

// TestIncrementalEqualsFull applies edits through the preview's rebuild
// and compares every output file with a full build of the same sources.
func TestIncrementalEqualsFull(t *testing.T) {
	opts := site.Options{KeepLastGood: true, BaseURL: "https://x.example/", NoOG: true}
	b := withCompany(t, opts)
	for i := 0; i < 30; i++ {
		b.EditFiles(fmt.Sprintf("content/gen-%02d.md", i), fmt.Sprintf("---\ntitle: Generated %d\ndate: 2024-01-%02d\ntags: [cloud, t%d]\nfigures: {a: %d.5}\n---\nValue {{ a }}.\n", i, i%28+1, i%3, i))
	}
	b.Build()
	edit := func(name, from, to string) func() { return func() { b.EditFileReplace(name, from, to) } }
	steps := []struct {
		what string
		do   func()
	}{
		{"prose", edit("content/amazon.md", "yet it earned", "but it earned")},
		{"figure", edit("content/amazon.md", "value: 39.8", "value: 40.1")},
		{"title", edit("content/gen-05.md", "title: Generated 5", "title: Renamed five")},
		{"date", edit("content/gen-06.md", "date: 2024-01-07", "date: 2025-05-01")},
		{"tags", edit("content/gen-07.md", "tags: [cloud, t1]", "tags: [t9]")},
		{"delete", func() { b.RemoveFiles("content/gen-08.md") }},
		{"add", func() {
			b.EditFiles("content/new.md", "---\ntitle: New\ndate: 2025-03-01\nfigures: {a: 2.0}\n---\n{{ a }}\n")
		}},
		{"chart removed", edit("content/amazon.md", "type: donut", "type: bar")},
		{"prose again", edit("content/meta.md", "The apps earned", "The apps made")},
		{"updated", edit("content/meta.md", "date: 2025-01-30", "date: 2025-01-30\nupdated: 2025-04-02")},
		// Across briefs: a figure other briefs read (FY2023's prose, growth
		// and margin change, FY2024's two-year growth and range chart).
		{"figure read by others", edit("content/acme-fy2022.md", "value: 100.0", "value: 96.0")},
		{"derived read by others", edit("content/acme-fy2022.md", "expr: profit / sales", "expr: profit / sales - 1%")},
		{"neighbour's title", edit("content/acme-fy2023.md", "title: Acme in 2023", "title: Acme's 2023")},
		{"restated", edit("content/acme-fy2024.md", "FY2023: 120.0, FY2024: 150.0}, label: Net sales,", "FY2023: 125.0, FY2024: 150.0}, label: Net sales, restated: true, note: new segments,")},
		{"new period", func() {
			b.EditFiles("content/acme-fy2025.md", "---\ntitle: Acme in 2025\ndate: 2025-05-01\nticker: ACME\nperiod: FY2025\nfigures:\n  sales: 160.0\n  profit: 20.0\nderived:\n  margin: profit / sales\n  g: growth(sales)\n---\n{{ g }} after {{ sales@FY2024 }}.\n")
		}},
		{"company moves", func() {
			b.EditFiles("content/acme-fy2025.md", "---\ntitle: Acme in 2025\ndate: 2025-05-01\nticker: ACMX\nperiod: FY2025\nfigures:\n  sales: 160.0\n---\n{{ sales }}.\n")
		}},
		{"drafted", edit("content/acme-fy2024.md", "period: FY2024\n", "period: FY2024\ndraft: true\n")},
	}
	for _, st := range steps {
		st.do()
		got := b.Build().Output()
		want := sitetest.NewFS(t, b.FS(), opts).Build().Output()
		for p, data := range want.Files {
			if !bytes.Equal(got.Files[p], data) {
				t.Errorf("after %s edit: %s differs from a full build", st.what, p)
			}
		}
		for p := range got.Files {
			if _, ok := want.Files[p]; !ok {
				t.Errorf("after %s edit: stale %s", st.what, p)
			}
		}
		if got.Briefs != want.Briefs || got.Charts != want.Charts {
			t.Errorf("after %s edit: counts %d/%d, want %d/%d", st.what, got.Briefs, got.Charts, want.Briefs, want.Charts)
		}
	}
}

// mapSink collects streamed files.
type mapSink struct {
	mu    sync.Mutex
	files map[string][]byte
}

func (m *mapSink) WriteFile(name string, data []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, dup := m.files[name]; dup {
		return fmt.Errorf("%s written twice", name)
	}
	m.files[name] = append([]byte{}, data...)
	return nil
}

func TestStreamingEqualsInMemory(t *testing.T) {
	// Company pages are written company by company when streaming.
	opts := site.Options{BaseURL: "https://x.example/"}
	want := withCompany(t, opts).Build().Output()
	sink := &mapSink{files: map[string][]byte{}}
	opts.Sink = sink
	got := withCompany(t, opts).Build().Output()
	for p, data := range got.Files {
		sink.files[p] = data
	}
	for p, data := range want.Files {
		if !bytes.Equal(sink.files[p], data) {
			t.Errorf("%s differs when streamed", p)
		}
	}
	if len(sink.files) != len(want.Files) {
		t.Errorf("streamed %d files, want %d", len(sink.files), len(want.Files))
	}
}

// twoSameCards is two briefs whose cards are identical (same title, no
// headline).
const twoSameCards = `
-- content/a.md --
---
title: Same title
date: 2025-01-01
slug: s1
---
Body.
-- content/b.md --
---
title: Same title
date: 2025-01-02
slug: s2
---
Body.
`

// TestSameCardSharesImage: two briefs whose cards are identical share one
// image file instead of failing the build.
func TestSameCardSharesImage(t *testing.T) {
	sink := &mapSink{files: map[string][]byte{}}
	b := sitetest.New(t, twoSameCards, site.Options{Sink: sink, BaseURL: "https://x.example/"})
	if errs := b.BuildE(); len(errs) > 0 {
		t.Fatal(errs)
	}
	var images []string
	for p := range sink.files {
		if strings.HasPrefix(p, "og/") {
			images = append(images, p)
		}
	}
	if len(images) != 1 || b.Site().OGDrawn != 1 {
		t.Fatalf("images %v, drawn %d; want one shared image", images, b.Site().OGDrawn)
	}
	for _, slug := range []string{"s1", "s2"} {
		if !bytes.Contains(sink.files[slug+"/index.html"], []byte(images[0])) {
			t.Errorf("%s does not use %s", slug, images[0])
		}
	}
}

// cardFailSink fails to write the images and takes every other file.
type cardFailSink struct{ mapSink }

func (c *cardFailSink) WriteFile(name string, data []byte) error {
	if strings.HasPrefix(name, "og/") {
		return errors.New("disk full")
	}
	return c.mapSink.WriteFile(name, data)
}

// TestStreamingCardWriteError: a streaming build draws a company's cards
// after its pages; an image it cannot write is the brief's error still.
func TestStreamingCardWriteError(t *testing.T) {
	sink := &cardFailSink{mapSink{files: map[string][]byte{}}}
	b := sitetest.New(t, twoSameCards, site.Options{Sink: sink, BaseURL: "https://x.example/"})
	errs := b.BuildE()
	// The briefs share one image: whichever draws it reports the error.
	if len(errs) != 1 || !strings.HasPrefix(errs[0].File, "content/") || !strings.Contains(errs[0].Msg, "writing output: disk full") {
		t.Fatalf("errors %v, want one brief's image not written", errs)
	}
}

// TestSharedImageSurvivesEdit: when one of two briefs sharing an image
// changes its title, the preview keeps the image the other still uses.
func TestSharedImageSurvivesEdit(t *testing.T) {
	opts := site.Options{KeepLastGood: true, BaseURL: "https://x.example/"}
	b := sitetest.New(t, twoSameCards, opts)
	if errs := b.BuildE(); len(errs) > 0 {
		t.Fatal(errs)
	}
	b.EditFileReplace("content/a.md", "Same title", "Other title")
	if errs := b.BuildE(); len(errs) > 0 {
		t.Fatal(errs)
	}
	want := sitetest.NewFS(t, b.FS(), opts).Build().Output()
	if got := b.Output(); !reflect.DeepEqual(got.Paths(), want.Paths()) {
		t.Errorf("after the edit: %v\nwant %v", got.Paths(), want.Paths())
	}
}

// TestOGImagesReused builds twice; the second build finds every image in the
// previous output and draws none.
func TestOGImagesReused(t *testing.T) {
	b1 := sample(t, site.Options{BaseURL: "https://x.example/"}).Build()
	if b1.Site().OGDrawn != 2 {
		t.Errorf("first build drew %d images, want 2", b1.Site().OGDrawn)
	}
	first := b1.Output()
	prev := fstest.MapFS{}
	for p, data := range first.Files {
		prev[p] = &fstest.MapFile{Data: data}
	}
	b2 := sample(t, site.Options{BaseURL: "https://x.example/", Previous: prev}).Build()
	if b2.Site().OGDrawn != 0 {
		t.Errorf("second build drew %d images, want 0", b2.Site().OGDrawn)
	}
	second := b2.Output()
	for p := range first.Files {
		if strings.HasPrefix(p, "og/") && !bytes.Equal(first.Files[p], second.Files[p]) {
			t.Errorf("%s changed", p)
		}
	}
	m := regexp.MustCompile(`og:image" content="https://x.example/(og/[0-9a-f]+\.png)"`).FindStringSubmatch(b2.FileContent("amazon/index.html"))
	if m == nil || second.Files[m[1]] == nil {
		t.Errorf("og:image does not name an output file")
	}
}

// TestKickerWithoutCompany: a brief with a period but no company shows the
// period alone, with no stray separator before it.
func TestKickerWithoutCompany(t *testing.T) {
	b := sitetest.Test(t, `
-- content/a.md --
---
title: A
date: 2025-01-01
period: FY2024
---
Body.
`, site.Options{})
	b.AssertFileContent("a/index.html", `<p class="kicker">FY2024</p>`)
}

// The kicker is one line wherever a brief shows: on its page, in lists and
// on its company's page, with the ticker marked and the company escaped.
func TestKickerEverywhere(t *testing.T) {
	b := sitetest.Test(t, `
-- content/a.md --
---
title: A
date: 2025-01-01
company: AT&T <Inc>
ticker: T
period: FY2024
---
Body.
-- content/b.md --
---
title: B
date: 2025-01-02
ticker: XYZ
---
Body.
`, site.Options{})
	want := `<p class="kicker">AT&amp;T &lt;Inc&gt; <abbr title="Ticker symbol">(T)</abbr> · FY2024</p>`
	b.AssertFileContent("a/index.html", want)
	b.AssertFileContent("index.html", want, `<p class="kicker"><abbr title="Ticker symbol">(XYZ)</abbr></p>`)
	b.AssertFileContent("companies/t/index.html", want)
	b.AssertFileContent("b/index.html", `<p class="kicker"><abbr title="Ticker symbol">(XYZ)</abbr></p>`)
}

func TestCompanyAcrossBriefs(t *testing.T) {
	b := company(t, site.Options{NoOG: true}).Build()
	b.AssertFileContent("acme-fy2023/index.html",
		// growth(sales) compares with the FY2022 brief's figure.
		`<data value="0.2000" title="= 120.0 ÷ 100.0 − 1 · Acme 2023 annual report; Acme 2022 annual report">20.0%</data>`,
		`<data value="100000000000" title="Net sales, FY2022 · Acme 2022 annual report">$100.0 billion</data>`,
		// A derived value of another brief, and one computed from it.
		`<data value="0.1000" title="= 10.0% · Acme 2022 annual report">10.0%</data>`,
		`<data value="0.0500">5.0%</data>`,
	)
	b.AssertFileContent("acme-fy2024/index.html",
		`<data value="0.5000" title="= 150.0 ÷ 100.0 − 100% · Acme 2024 annual report; Acme 2022 annual report">50.0%</data>`,
		// The range gathers FY2022 from its brief and FY2023, FY2024 from the series.
		`<th scope="row">FY2022</th><td class="num">$100.0B</td>`,
		`<th scope="row">FY2023</th><td class="num">$120.0B</td>`,
		`<th scope="row">FY2024</th><td class="num">$150.0B</td>`,
	)
}

// TestCompanyErrors edits the company fixture into each mistake a writer
// can make across briefs and expects every error at its position.
func TestCompanyErrors(t *testing.T) {
	tests := []struct {
		name       string
		file, from string
		to         string
		want       []string
	}{
		{"unknown period", "content/acme-fy2023.md", "{{ sales@FY2022 }}", "{{ sales@FY2021 }}",
			[]string{"content/acme-fy2023.md:18:36: ACME has no brief for FY2021 that holds sales (its briefs cover FY2022, FY2024)"}},
		{"unknown name", "content/acme-fy2023.md", "margin - margin@FY2022", "margin - margn@FY2022",
			[]string{"content/acme-fy2023.md:15:34: margn@FY2022: the ACME FY2022 brief (content/acme-fy2022.md) has no margn (did you mean margin?)"}},
		{"no company", "content/acme-fy2023.md", "company: Acme Corp.\nticker: ACME\n", "",
			[]string{"content/acme-fy2023.md:13:34: margin@FY2022 is not in this brief, and the brief names no company whose other briefs could hold it: set ticker or company",
				"content/acme-fy2023.md:14:31: growth needs a series with at least two periods; sales is not one",
				"content/acme-fy2023.md:16:36: sales@FY2022 is not in this brief",
				"content/acme-fy2023.md:17:1: margin@FY2022 is not in this brief"}},
		{"cycle", "content/acme-fy2022.md", "expr: profit / sales", "expr: margin_change@FY2023",
			[]string{"content/acme-fy2022.md:14:18: cycle across briefs: margin@FY2022 → margin_change@FY2023 → margin@FY2022",
				"content/acme-fy2023.md:15:34: cycle across briefs: margin@FY2022 → margin_change@FY2023 → margin@FY2022"}},
		{"two numbers", "content/acme-fy2024.md", "FY2023: 120.0", "FY2023: 121.0",
			[]string{"content/acme-fy2023.md:11:19: sales@FY2023 is 120.0 here but 121.0 in content/acme-fy2024.md:11:29",
				"content/acme-fy2024.md:11:29: sales@FY2023 is 121.0 here but 120.0 in content/acme-fy2023.md:11:19"}},
		{"period end out of order", "content/acme-fy2024.md", "period_end: 2024-12-31", "period_end: 2023-06-30",
			[]string{"content/acme-fy2024.md:7:13: period_end 2023-06-30 of FY2024 is not after period_end 2023-12-31 of the earlier period FY2023 (content/acme-fy2023.md): period ends must follow the periods' order"}},
		{"restated without note", "content/acme-fy2024.md", "label: Net sales, source: r24", "label: Net sales, restated: true, source: r24",
			[]string{"content/acme-fy2024.md:11:3: figure sales is restated: give the reason in note"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := company(t, site.Options{NoOG: true}).EditFileReplace(tt.file, tt.from, tt.to)
			if errs := b.BuildE(); errs.Err() == nil {
				t.Fatal("the site built")
			}
			b.AssertErrors(tt.want...)
		})
	}
}

// restated makes the FY2024 brief restate FY2023's sales, saying why.
func restated(b *sitetest.Builder) *sitetest.Builder {
	return b.EditFileReplace("content/acme-fy2024.md", "FY2023: 120.0, FY2024: 150.0}, label: Net sales,", "FY2023: 121.0, FY2024: 150.0}, label: Net sales, restated: true, note: Acme moved a unit into sales,")
}

// TestRestated accepts a newer brief's different value when it says why.
func TestRestated(t *testing.T) {
	b := restated(company(t, site.Options{NoOG: true})).Build()
	b.AssertFileContent("acme-fy2024/index.html", "restated", "Acme moved a unit into sales")
}

func TestCompanyPages(t *testing.T) {
	b := restated(company(t, site.Options{NoOG: true, BaseURL: "https://x.example/"}))
	b.EditFileReplace("content/acme-fy2024.md", "period: FY2024\n", "period: FY2024\nheadline: sales\n").Build()
	b.AssertFileContent("companies/index.html",
		`<a href="../companies/acme/">Acme Corp.</a>`,
		`<data value="150000000000">$150.0 billion</data> <span>Net sales</span>`,
		`aria-label="Net sales: FY2022 $100.0 billion, FY2023 $121.0 billion, FY2024 $150.0 billion"`,
	)
	b.AssertFileContent("companies/acme/index.html",
		`<th scope="col" class="num">FY2022</th><th scope="col" class="num">FY2023</th><th scope="col" class="num">FY2024</th>`,
		// The restated value wins over the FY2023 brief's, and says so.
		`<th scope="row">Net sales</th><td class="num"><data value="100000000000">$100.0 billion</data></td><td class="num"><data value="121000000000">$121.0 billion</data> <a class="restated" href="#restated-1">restated</a></td>`,
		`<li id="restated-1">Restated: Net sales, FY2023: Acme moved a unit into sales</li>`,
		// A derived value of two periods is a row; one of one period is not.
		`<th scope="row">Operating margin</th>`,
		`! Growth over two years`,
		`class="chart-svg chart-wide chart-line"`,
		// The phone layout too: the wide one is hidden below 40rem.
		`class="chart-svg chart-narrow chart-line"`,
	)
	// Newest first.
	b.AssertFileOrder("companies/acme/index.html", "Acme in 2024", "Acme in 2023", "Acme in 2022")
	b.AssertFileContent("acme-fy2023/index.html",
		`<a href="../companies/acme/">All briefs on Acme Corp.</a>`,
		`<a rel="prev" href="../acme-fy2022/">Previous: FY2022 · Acme in 2022</a>`,
		`<a rel="next" href="../acme-fy2024/">Next: FY2024 · Acme in 2024</a>`,
	)
	// The first brief links to no previous one.
	b.AssertFileContent("acme-fy2022/index.html", `! rel="prev"`)
	b.AssertFileContent("sitemap.xml", "<loc>https://x.example/companies/</loc>", "<loc>https://x.example/companies/acme/</loc>")
}

// TestStreamingKeepsNoListPages: a streaming build writes the home page and
// the tag lists to its sink as it renders them, keeping none in memory (at
// 100,000 briefs they are thousands of pages), and the sitemap still lists
// them.
func TestStreamingKeepsNoListPages(t *testing.T) {
	sink := &mapSink{files: map[string][]byte{}}
	got := withCompany(t, site.Options{BaseURL: "https://x.example/", Sink: sink}).Build().Output()
	lists := 0
	for _, p := range []string{"index.html", "tags/index.html"} {
		if _, ok := got.Files[p]; ok {
			t.Errorf("%s kept in memory", p)
		}
		if _, ok := sink.files[p]; !ok {
			t.Errorf("%s not streamed", p)
		}
		if !bytes.Contains(got.Files["sitemap.xml"], []byte("https://x.example/"+strings.TrimSuffix(p, "index.html")+"<")) {
			t.Errorf("sitemap lacks %s", p)
		}
	}
	for p := range sink.files {
		if p == "index.html" || strings.HasPrefix(p, "tags/") || strings.HasPrefix(p, "page/") {
			lists++
		}
	}
	if got.ListPages != lists {
		t.Errorf("ListPages = %d, want the %d list pages streamed", got.ListPages, lists)
	}
}

// A derived value is exact (14.5 ÷ 300 × 3 is 14.5%, shown 15%), and
// figures.json marks a computation that only comes close to the value as
// shown (4.83333% × 3 is 14.49999%).
func TestFiguresJSONApproximate(t *testing.T) {
	fsys := sitetest.ReadFiles(t, "testdata/site.txtar")
	fsys["content/exact.md"] = &fstest.MapFile{Data: []byte("---\ntitle: Exact\ndate: 2025-01-01\nfigures: {x: 14.5, y: 300.0}\nderived:\n  s: x / y\n  s3: {expr: s * 3, format: pct0}\n---\n{{ s3 }}\n")}
	b := sitetest.NewFS(t, fsys, site.Options{}).Build()
	b.AssertFileContent("exact/index.html", `<data value="0.1450" title="≈ 4.83333% × 3">15%</data>`)
	var fig struct {
		Figures []struct {
			Name, Computation string
			Approximate       bool
		}
	}
	if err := json.Unmarshal([]byte(b.FileContent("exact/figures.json")), &fig); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range fig.Figures {
		got[f.Name] = fmt.Sprint(f.Computation, " ", f.Approximate)
	}
	if got["s3"] != "4.83333% × 3 true" || got["s"] != "14.5 ÷ 300.0 false" {
		t.Errorf("figures.json: %v", got)
	}
}
