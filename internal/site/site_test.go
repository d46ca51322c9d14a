package site

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"golang.org/x/tools/txtar"
)

var now = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

func loadSite(t testing.TB, file string) fstest.MapFS {
	t.Helper()
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{}
	for _, f := range ar.Files {
		fsys[f.Name] = &fstest.MapFile{Data: f.Data}
	}
	return fsys
}

func build(t testing.TB, fsys fstest.MapFS, opts Options) *Output {
	t.Helper()
	if opts.Now.IsZero() {
		opts.Now = now
	}
	out, errs := Build(fsys, opts)
	if err := errs.Err(); err != nil {
		t.Fatalf("build: %v", err)
	}
	return out
}

func file(t *testing.T, out *Output, name string) string {
	t.Helper()
	data, ok := out.Files[name]
	if !ok {
		t.Fatalf("no output file %s (have %v)", name, out.Paths())
	}
	return string(data)
}

func TestSite(t *testing.T) {
	out := build(t, loadSite(t, "testdata/site.txtar"), Options{})
	if out.Briefs != 2 || out.Charts != 2 {
		t.Errorf("briefs %d charts %d, want 2 and 2", out.Briefs, out.Charts)
	}
	page := file(t, out, "amazon/index.html")
	for _, want := range []string{
		`<title>The Cloud Behind the Cart · Test Briefs</title>`,
		`<data value="0.1687" title="= 107.6 ÷ 638.0 · Amazon Q4 2024 Earnings Release">16.9%</data>`,
		`<data value="0.5802" title="= 39.8 ÷ 68.6 · Amazon Q4 2024 Earnings Release">58.0%</data>`,
		`<a href="https://example.com/q4">Amazon Q4 2024 Earnings Release</a>, <time datetime="2025-02-06">2025-02-06</time>`,
		`<a href="../tags/antitrust-competition/">Antitrust &amp; Competition</a>`,
		`<link rel="stylesheet" href="../css/site.`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("amazon page lacks %s", want)
		}
	}
	// Two charts, each laid out wide and narrow.
	if n := strings.Count(page, "<svg "); n != 4 {
		t.Errorf("amazon page has %d inline SVGs, want 4", n)
	}
	// Without a base URL there is no canonical or og:url (they must be absolute).
	if strings.Contains(page, `rel="canonical"`) || strings.Contains(page, "og:url") {
		t.Errorf("canonical without a base URL")
	}
	index := file(t, out, "index.html")
	a, m := strings.Index(index, "The Cloud Behind the Cart"), strings.Index(index, "The Apps Pay for the Headsets")
	if a < 0 || m < 0 || a > m {
		t.Errorf("index is not newest first")
	}
	if !strings.Contains(index, `<data value="0.1687">16.9%</data> <span>AWS share of net sales</span>`) {
		t.Errorf("index lacks the headline figure")
	}
	if strings.Contains(index, "A draft") || strings.Contains(index, "From the future") {
		t.Errorf("draft or future brief published")
	}
	for _, p := range []string{"draft/index.html", "future/index.html"} {
		if _, ok := out.Files[p]; ok {
			t.Errorf("%s written", p)
		}
	}
	cloud := file(t, out, "tags/cloud/index.html")
	if !strings.Contains(cloud, "The Cloud Behind the Cart") || !strings.Contains(cloud, "The Apps Pay for the Headsets") {
		t.Errorf("tag page lacks briefs")
	}
	// Each chart's data is a CSV file beside the page, so netlify.toml's
	// /*.csv rule applies; a byte-order mark makes Excel read it as UTF-8.
	links := regexp.MustCompile(`<a download="([^"]+)" href="([^"]+)">Download the data`).FindAllStringSubmatch(page, -1)
	if len(links) != 2 || links[1][1] != "amazon-chart-2.csv" || links[1][2] != "chart-2.csv" {
		t.Fatalf("CSV links: %v", links)
	}
	if csv := file(t, out, "amazon/chart-2.csv"); csv != "\uFEFFseries,label,value,display\n,AWS,39800000000,$39.8B\n,Everything else,28800000000,$28.8B\n" {
		t.Errorf("chart CSV = %q", csv)
	}
	var fig struct {
		Figures []struct{ Name, Value, Unit, Display string }
	}
	if err := json.Unmarshal([]byte(file(t, out, "amazon/figures.json")), &fig); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range fig.Figures {
		got[f.Name] = f.Unit + " " + f.Value + " " + f.Display
	}
	if got["aws_income_share"] != "percent 0.5801749271137026239067055393586006 58.0%" || got["net_sales"] != "money 638000000000 $638.0 billion" {
		t.Errorf("figures.json: %v", got)
	}
	for p, data := range out.Files {
		if strings.Contains(string(data), "_briefs/") {
			t.Errorf("%s carries the preview's reload script", p)
		}
	}
	if !strings.HasPrefix(file(t, out, "robots.txt"), "User-agent: *") {
		t.Errorf("robots.txt")
	}
	if !strings.Contains(file(t, out, "404.html"), `href="/"`) {
		t.Errorf("404 page must link to the root absolutely")
	}
}

func TestDrafts(t *testing.T) {
	out := build(t, loadSite(t, "testdata/site.txtar"), Options{Drafts: true})
	for _, p := range []string{"draft/index.html", "future/index.html"} {
		if _, ok := out.Files[p]; !ok {
			t.Errorf("--drafts: %s missing", p)
		}
	}
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
	out := build(t, loadSite(t, "testdata/site.txtar"), Options{BaseURL: "https://briefs.example.org"})
	feed := file(t, out, "feed.xml")
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
	sitemap := file(t, out, "sitemap.xml")
	wellFormedXML(t, "sitemap.xml", sitemap)
	for _, loc := range []string{"https://briefs.example.org/", "https://briefs.example.org/amazon/", "https://briefs.example.org/tags/cloud/"} {
		if !strings.Contains(sitemap, "<loc>"+loc+"</loc>") {
			t.Errorf("sitemap lacks %s", loc)
		}
	}
	page := file(t, out, "amazon/index.html")
	for _, want := range []string{
		`<link rel="canonical" href="https://briefs.example.org/amazon/">`,
		`<meta property="og:url" content="https://briefs.example.org/amazon/">`,
		`<meta property="og:image" content="https://briefs.example.org/og/`,
		`<meta name="twitter:card" content="summary_large_image">`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if !strings.Contains(file(t, out, "robots.txt"), "Sitemap: https://briefs.example.org/sitemap.xml") {
		t.Errorf("robots.txt lacks the sitemap")
	}
}

var linkRE = regexp.MustCompile(`(?:href|src)="([^"]*)"`)

// TestLinksResolve follows every link of every page: each internal target
// must be an output file (a folder means its index.html).
func TestLinksResolve(t *testing.T) {
	fsys := loadSite(t, "testdata/site.txtar")
	for i := 0; i < 45; i++ {
		fsys[fmt.Sprintf("content/gen-%02d.md", i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf("---\ntitle: Generated %d\ndate: 2024-01-%02d\ntags: [cloud]\nfigures: {a: %d.5}\n---\nValue {{ a }}.\n", i, i%28+1, i))}
	}
	out := build(t, fsys, Options{NoOG: true})
	for _, p := range []string{"page/2/index.html", "page/3/index.html", "tags/cloud/page/3/index.html"} {
		file(t, out, p)
	}
	if _, ok := out.Files["page/4/index.html"]; ok {
		t.Errorf("page 4 of 47 briefs at 20 a page")
	}
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
	fsys := loadSite(t, "testdata/site.txtar")
	a := build(t, fsys, Options{BaseURL: "https://x.example/"})
	b := build(t, fsys, Options{BaseURL: "https://x.example/"})
	if len(a.Files) != len(b.Files) {
		t.Fatalf("%d files, then %d", len(a.Files), len(b.Files))
	}
	for p, data := range a.Files {
		if !bytes.Equal(data, b.Files[p]) {
			t.Errorf("%s differs between two builds", p)
		}
	}
}

func TestLayoutOverride(t *testing.T) {
	fsys := loadSite(t, "testdata/site.txtar")
	fsys["layouts/brief.html"] = &fstest.MapFile{Data: []byte(`{{define "main"}}<p class="custom">{{.Brief.Title}}</p>{{.Brief.Body}}{{end}}`)}
	out := build(t, fsys, Options{})
	page := file(t, out, "amazon/index.html")
	if !strings.Contains(page, `<p class="custom">The Cloud Behind the Cart</p>`) || !strings.Contains(page, "16.9%") {
		t.Errorf("layout override not used")
	}
	fsys["layouts/brief.html"] = &fstest.MapFile{Data: []byte("{{define \"main\"}}\n{{.Brief.Nope}\n{{end}}")}
	_, errs := Build(fsys, Options{Now: now})
	if len(errs) == 0 || !strings.HasPrefix(errs[0].Error(), "layouts/brief.html:2:") {
		t.Errorf("template error = %v", errs)
	}
}

func TestErrorsFailTheBuild(t *testing.T) {
	fsys := loadSite(t, "testdata/site.txtar")
	fsys["content/bad.md"] = &fstest.MapFile{Data: []byte("---\ntitle: Bad\ndate: 2025-01-01\nfigures:\n  a: 1e3\n  b: NO\n---\n{{ c }} and 58%.\n")}
	_, errs := Build(fsys, Options{Now: now})
	var got []string
	for _, e := range errs.Errors(false) {
		got = append(got, e.Error())
	}
	want := []string{"content/bad.md:5:6: 1e3 is in exponent notation", "content/bad.md:6:6: NO is not a number", "content/bad.md:8:1: unknown name c"}
	if len(got) != len(want) {
		t.Fatalf("errors:\n%s", strings.Join(got, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("got %s, want %s…", got[i], want[i])
		}
	}
}

func TestDuplicateSlug(t *testing.T) {
	fsys := loadSite(t, "testdata/site.txtar")
	fsys["content/other.md"] = &fstest.MapFile{Data: []byte("---\ntitle: Other\ndate: 2025-01-01\nslug: amazon\n---\nx\n")}
	_, errs := Build(fsys, Options{Now: now})
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "slug amazon is already used by content/amazon.md") {
		t.Errorf("errors = %v", errs)
	}
}

func TestStrictWarnings(t *testing.T) {
	fsys := loadSite(t, "testdata/site.txtar")
	fsys["content/meta.md"].Data = append(append([]byte{}, fsys["content/meta.md"].Data...), "\nThat is 125.6% of it.\n"...)
	out, errs := Build(fsys, Options{Now: now})
	if out == nil || len(errs) != 1 || !errs[0].Warning {
		t.Fatalf("a warning must not fail the build: %v", errs)
	}
	_, errs = Build(fsys, Options{Now: now, Strict: true})
	if errs.Err() != nil {
		t.Errorf("Err ignores warnings even when strict; the caller decides: %v", errs)
	}
	if len(errs.Errors(true)) != 1 {
		t.Errorf("strict errors = %v", errs.Errors(true))
	}
}

func BenchmarkBuildSample(b *testing.B) {
	fsys := loadSite(b, "testdata/site.txtar")
	b.ReportAllocs()
	for b.Loop() {
		if _, errs := Build(fsys, Options{Now: now, NoOG: true}); errs.Err() != nil {
			b.Fatal(errs)
		}
	}
}

// TestIncrementalEqualsFull applies edits through Update and compares every
// output file with a full build of the same sources.
func TestIncrementalEqualsFull(t *testing.T) {
	fsys := loadSite(t, "testdata/site.txtar")
	for i := 0; i < 30; i++ {
		fsys[fmt.Sprintf("content/gen-%02d.md", i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf("---\ntitle: Generated %d\ndate: 2024-01-%02d\ntags: [cloud, t%d]\nfigures: {a: %d.5}\n---\nValue {{ a }}.\n", i, i%28+1, i%3, i))}
	}
	for name, f := range loadSite(t, "testdata/company.txtar") {
		if name != "content/_index.md" {
			fsys[name] = f
		}
	}
	opts := Options{Now: now, KeepLastGood: true, BaseURL: "https://x.example/", NoOG: true}
	b := NewBuilder(fsys, opts)
	if _, errs := b.Build(); errs.Err() != nil {
		t.Fatal(errs)
	}
	edit := func(name, from, to string) func() {
		return func() {
			fsys[name] = &fstest.MapFile{Data: []byte(strings.Replace(string(fsys[name].Data), from, to, 1))}
		}
	}
	steps := []struct {
		what string
		path string
		do   func()
	}{
		{"prose", "content/amazon.md", edit("content/amazon.md", "yet it earned", "but it earned")},
		{"figure", "content/amazon.md", edit("content/amazon.md", "value: 39.8", "value: 40.1")},
		{"title", "content/gen-05.md", edit("content/gen-05.md", "title: Generated 5", "title: Renamed five")},
		{"date", "content/gen-06.md", edit("content/gen-06.md", "date: 2024-01-07", "date: 2025-05-01")},
		{"tags", "content/gen-07.md", edit("content/gen-07.md", "tags: [cloud, t1]", "tags: [t9]")},
		{"delete", "content/gen-08.md", func() { delete(fsys, "content/gen-08.md") }},
		{"add", "content/new.md", func() {
			fsys["content/new.md"] = &fstest.MapFile{Data: []byte("---\ntitle: New\ndate: 2025-03-01\nfigures: {a: 2.0}\n---\n{{ a }}\n")}
		}},
		{"chart removed", "content/amazon.md", edit("content/amazon.md", "type: donut", "type: bar")},
		{"prose again", "content/meta.md", edit("content/meta.md", "The apps earned", "The apps made")},
		{"updated", "content/meta.md", edit("content/meta.md", "date: 2025-01-30", "date: 2025-01-30\nupdated: 2025-04-02")},
		// Across briefs: a figure other briefs read (FY2023's prose, growth
		// and margin change, FY2024's two-year growth and range chart).
		{"figure read by others", "content/acme-fy2022.md", edit("content/acme-fy2022.md", "value: 100.0", "value: 96.0")},
		{"derived read by others", "content/acme-fy2022.md", edit("content/acme-fy2022.md", "expr: profit / sales", "expr: profit / sales - 1%")},
		{"neighbour's title", "content/acme-fy2023.md", edit("content/acme-fy2023.md", "title: Acme in 2023", "title: Acme's 2023")},
		{"restated", "content/acme-fy2024.md", edit("content/acme-fy2024.md", "FY2023: 120.0, FY2024: 150.0}, label: Net sales,", "FY2023: 125.0, FY2024: 150.0}, label: Net sales, restated: true, note: new segments,")},
		{"new period", "content/acme-fy2025.md", func() {
			fsys["content/acme-fy2025.md"] = &fstest.MapFile{Data: []byte("---\ntitle: Acme in 2025\ndate: 2025-05-01\nticker: ACME\nperiod: FY2025\nfigures:\n  sales: 160.0\n  profit: 20.0\nderived:\n  margin: profit / sales\n  g: growth(sales)\n---\n{{ g }} after {{ sales@FY2024 }}.\n")}
		}},
		{"company moves", "content/acme-fy2025.md", func() {
			fsys["content/acme-fy2025.md"] = &fstest.MapFile{Data: []byte("---\ntitle: Acme in 2025\ndate: 2025-05-01\nticker: ACMX\nperiod: FY2025\nfigures:\n  sales: 160.0\n---\n{{ sales }}.\n")}
		}},
		{"drafted", "content/acme-fy2024.md", edit("content/acme-fy2024.md", "period: FY2024\n", "period: FY2024\ndraft: true\n")},
	}
	for _, st := range steps {
		st.do()
		got, errs := b.Update([]string{st.path})
		if errs.Err() != nil {
			t.Fatalf("%s: %v", st.what, errs)
		}
		want, errs := Build(fsys, opts)
		if errs.Err() != nil {
			t.Fatalf("%s: full build: %v", st.what, errs)
		}
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
	fsys := loadSite(t, "testdata/site.txtar")
	// Company pages are written company by company when streaming.
	for name, f := range loadSite(t, "testdata/company.txtar") {
		if name != "content/_index.md" {
			fsys[name] = f
		}
	}
	opts := Options{BaseURL: "https://x.example/"}
	want := build(t, fsys, opts)
	sink := &mapSink{files: map[string][]byte{}}
	opts.Sink = sink
	got := build(t, fsys, opts)
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

// TestSameCardSharesImage: two briefs whose cards are identical (same
// title, no headline) share one image file instead of failing the build.
func TestSameCardSharesImage(t *testing.T) {
	brief := "---\ntitle: Same title\ndate: 2025-01-0%d\nslug: s%d\n---\nBody.\n"
	fsys := fstest.MapFS{
		"content/a.md": {Data: []byte(fmt.Sprintf(brief, 1, 1))},
		"content/b.md": {Data: []byte(fmt.Sprintf(brief, 2, 2))},
	}
	sink := &mapSink{files: map[string][]byte{}}
	b := NewBuilder(fsys, Options{Now: now, Sink: sink, BaseURL: "https://x.example/"})
	if _, errs := b.Build(); len(errs) > 0 {
		t.Fatal(errs)
	}
	var images []string
	for p := range sink.files {
		if strings.HasPrefix(p, "og/") {
			images = append(images, p)
		}
	}
	if len(images) != 1 || b.OGDrawn != 1 {
		t.Fatalf("images %v, drawn %d; want one shared image", images, b.OGDrawn)
	}
	for _, slug := range []string{"s1", "s2"} {
		if !bytes.Contains(sink.files[slug+"/index.html"], []byte(images[0])) {
			t.Errorf("%s does not use %s", slug, images[0])
		}
	}
}

// TestSharedImageSurvivesEdit: when one of two briefs sharing an image
// changes its title, the preview keeps the image the other still uses.
func TestSharedImageSurvivesEdit(t *testing.T) {
	brief := "---\ntitle: Same title\ndate: 2025-01-0%d\nslug: s%d\n---\nBody.\n"
	fsys := fstest.MapFS{
		"content/a.md": {Data: []byte(fmt.Sprintf(brief, 1, 1))},
		"content/b.md": {Data: []byte(fmt.Sprintf(brief, 2, 2))},
	}
	opts := Options{Now: now, KeepLastGood: true, BaseURL: "https://x.example/"}
	b := NewBuilder(fsys, opts)
	if _, errs := b.Build(); len(errs) > 0 {
		t.Fatal(errs)
	}
	fsys["content/a.md"] = &fstest.MapFile{Data: []byte(strings.Replace(fmt.Sprintf(brief, 1, 1), "Same title", "Other title", 1))}
	got, errs := b.Update([]string{"content/a.md"})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	want := build(t, fsys, opts)
	if !reflect.DeepEqual(got.Paths(), want.Paths()) {
		t.Errorf("after the edit: %v\nwant %v", got.Paths(), want.Paths())
	}
}

// TestOGImagesReused builds twice; the second build finds every image in the
// previous output and draws none.
func TestOGImagesReused(t *testing.T) {
	fsys := loadSite(t, "testdata/site.txtar")
	b1 := NewBuilder(fsys, Options{Now: now, BaseURL: "https://x.example/"})
	first, errs := b1.Build()
	if errs.Err() != nil {
		t.Fatal(errs)
	}
	if b1.OGDrawn != 2 {
		t.Errorf("first build drew %d images, want 2", b1.OGDrawn)
	}
	prev := fstest.MapFS{}
	for p, data := range first.Files {
		prev[p] = &fstest.MapFile{Data: data}
	}
	b2 := NewBuilder(fsys, Options{Now: now, BaseURL: "https://x.example/", Previous: prev})
	second, errs := b2.Build()
	if errs.Err() != nil {
		t.Fatal(errs)
	}
	if b2.OGDrawn != 0 {
		t.Errorf("second build drew %d images, want 0", b2.OGDrawn)
	}
	for p := range first.Files {
		if strings.HasPrefix(p, "og/") && !bytes.Equal(first.Files[p], second.Files[p]) {
			t.Errorf("%s changed", p)
		}
	}
	page := string(second.Files["amazon/index.html"])
	m := regexp.MustCompile(`og:image" content="https://x.example/(og/[0-9a-f]+\.png)"`).FindStringSubmatch(page)
	if m == nil || second.Files[m[1]] == nil {
		t.Errorf("og:image does not name an output file")
	}
}

// TestKickerWithoutCompany: a brief with a period but no company shows the
// period alone, with no stray separator before it.
func TestKickerWithoutCompany(t *testing.T) {
	fsys := fstest.MapFS{"content/a.md": {Data: []byte("---\ntitle: A\ndate: 2025-01-01\nperiod: FY2024\n---\nBody.\n")}}
	page := file(t, build(t, fsys, Options{}), "a/index.html")
	if !strings.Contains(page, `<p class="kicker">FY2024</p>`) {
		t.Errorf("kicker: %s", regexp.MustCompile(`<p class="kicker">.*?</p>`).FindString(page))
	}
}

func TestCompanyAcrossBriefs(t *testing.T) {
	out := build(t, loadSite(t, "testdata/company.txtar"), Options{NoOG: true})
	for name, wants := range map[string][]string{
		"acme-fy2023/index.html": {
			// growth(sales) compares with the FY2022 brief's figure.
			`<data value="0.2000" title="= 120.0 ÷ 100.0 − 1 · Acme 2023 annual report; Acme 2022 annual report">20.0%</data>`,
			`<data value="100000000000" title="Net sales, FY2022 · Acme 2022 annual report">$100.0 billion</data>`,
			// A derived value of another brief, and one computed from it.
			`<data value="0.1000" title="= 10.0% · Acme 2022 annual report">10.0%</data>`,
			`<data value="0.0500">5.0%</data>`,
		},
		"acme-fy2024/index.html": {
			`<data value="0.5000" title="= 150.0 ÷ 100.0 − 100% · Acme 2024 annual report; Acme 2022 annual report">50.0%</data>`,
			// The range gathers FY2022 from its brief and FY2023, FY2024 from the series.
			`<th scope="row">FY2022</th><td class="num">$100.0B</td>`,
			`<th scope="row">FY2023</th><td class="num">$120.0B</td>`,
			`<th scope="row">FY2024</th><td class="num">$150.0B</td>`,
		},
	} {
		page := file(t, out, name)
		for _, want := range wants {
			if !strings.Contains(page, want) {
				t.Errorf("%s lacks %s", name, want)
			}
		}
	}
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
			[]string{"content/acme-fy2024.md:7:13: period_end 2023-06-30 of FY2024 is before period_end 2023-12-31 of the earlier period FY2023"}},
		{"restated without note", "content/acme-fy2024.md", "label: Net sales, source: r24", "label: Net sales, restated: true, source: r24",
			[]string{"content/acme-fy2024.md:11:3: figure sales is restated: give the reason in note"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := loadSite(t, "testdata/company.txtar")
			src := string(fsys[tt.file].Data)
			if !strings.Contains(src, tt.from) {
				t.Fatalf("%s lacks %q", tt.file, tt.from)
			}
			fsys[tt.file] = &fstest.MapFile{Data: []byte(strings.Replace(src, tt.from, tt.to, 1))}
			_, errs := Build(fsys, Options{Now: now, NoOG: true})
			var got []string
			for _, e := range errs.Errors(false) {
				got = append(got, e.Error())
			}
			if len(got) != len(tt.want) {
				t.Fatalf("errors:\n%s\nwant %d", strings.Join(got, "\n"), len(tt.want))
			}
			for i := range tt.want {
				if !strings.HasPrefix(got[i], tt.want[i]) {
					t.Errorf("got  %s\nwant %s…", got[i], tt.want[i])
				}
			}
		})
	}
}

// TestRestated accepts a newer brief's different value when it says why.
func TestRestated(t *testing.T) {
	fsys := loadSite(t, "testdata/company.txtar")
	src := string(fsys["content/acme-fy2024.md"].Data)
	src = strings.Replace(src, "FY2023: 120.0, FY2024: 150.0}, label: Net sales,", "FY2023: 121.0, FY2024: 150.0}, label: Net sales, restated: true, note: Acme moved a unit into sales,", 1)
	fsys["content/acme-fy2024.md"] = &fstest.MapFile{Data: []byte(src)}
	out := build(t, fsys, Options{NoOG: true})
	if page := file(t, out, "acme-fy2024/index.html"); !strings.Contains(page, "restated") || !strings.Contains(page, "Acme moved a unit into sales") {
		t.Errorf("the restated value is not marked on its page")
	}
}

func TestCompanyPages(t *testing.T) {
	fsys := loadSite(t, "testdata/company.txtar")
	src := string(fsys["content/acme-fy2024.md"].Data)
	src = strings.Replace(src, "FY2023: 120.0, FY2024: 150.0}, label: Net sales,", "FY2023: 121.0, FY2024: 150.0}, label: Net sales, restated: true, note: Acme moved a unit into sales,", 1)
	src = strings.Replace(src, "period: FY2024\n", "period: FY2024\nheadline: sales\n", 1)
	fsys["content/acme-fy2024.md"] = &fstest.MapFile{Data: []byte(src)}
	out := build(t, fsys, Options{NoOG: true, BaseURL: "https://x.example/"})
	list := file(t, out, "companies/index.html")
	for _, want := range []string{
		`<a href="../companies/acme/">Acme Corp.</a>`,
		`<data value="150000000000">$150.0 billion</data> <span>Net sales</span>`,
		`aria-label="Net sales: FY2022 $100.0 billion, FY2023 $121.0 billion, FY2024 $150.0 billion"`,
	} {
		if !strings.Contains(list, want) {
			t.Errorf("/companies/ lacks %s", want)
		}
	}
	page := file(t, out, "companies/acme/index.html")
	for _, want := range []string{
		`<th scope="col" class="num">FY2022</th><th scope="col" class="num">FY2023</th><th scope="col" class="num">FY2024</th>`,
		// The restated value wins over the FY2023 brief's, and says so.
		`<th scope="row">Net sales</th><td class="num"><data value="100000000000">$100.0 billion</data></td><td class="num"><data value="121000000000">$121.0 billion</data> <a class="restated" href="#restated-1">restated</a></td>`,
		`<li id="restated-1">Restated: Net sales, FY2023: Acme moved a unit into sales</li>`,
		// A derived value of two periods is a row; one of one period is not.
		`<th scope="row">Operating margin</th>`,
		`class="chart-svg chart-wide chart-line"`,
		// The phone layout too: the wide one is hidden below 40rem.
		`class="chart-svg chart-narrow chart-line"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("company page lacks %s", want)
		}
	}
	if strings.Contains(page, "Growth over two years") {
		t.Errorf("a value of one period is in the company table")
	}
	// Newest first.
	if a, b, c := strings.Index(page, "Acme in 2024"), strings.Index(page, "Acme in 2023"), strings.Index(page, "Acme in 2022"); !(a < b && b < c) {
		t.Errorf("briefs not newest first: %d %d %d", a, b, c)
	}
	mid := file(t, out, "acme-fy2023/index.html")
	for _, want := range []string{
		`<a href="../companies/acme/">All briefs on Acme Corp.</a>`,
		`<a rel="prev" href="../acme-fy2022/">Previous: FY2022 · Acme in 2022</a>`,
		`<a rel="next" href="../acme-fy2024/">Next: FY2024 · Acme in 2024</a>`,
	} {
		if !strings.Contains(mid, want) {
			t.Errorf("FY2023 brief lacks %s", want)
		}
	}
	if first := file(t, out, "acme-fy2022/index.html"); strings.Contains(first, `rel="prev"`) {
		t.Errorf("the first brief links to a previous one")
	}
	sm := file(t, out, "sitemap.xml")
	for _, want := range []string{"https://x.example/companies/", "https://x.example/companies/acme/"} {
		if !strings.Contains(sm, "<loc>"+want+"</loc>") {
			t.Errorf("sitemap lacks %s", want)
		}
	}
}

// TestCompaniesPaginated: /companies/ of a large site is paged like the
// home page.
func TestCompaniesPaginated(t *testing.T) {
	fsys := fstest.MapFS{}
	for i := 0; i < companiesPerPage+1; i++ {
		fsys[fmt.Sprintf("content/c%03d.md", i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf("---\ntitle: C%d\ndate: 2024-01-01\nticker: T%03d\nperiod: FY2024\nfigures: {a: 1.0}\n---\n{{ a }}\n", i, i))}
	}
	out := build(t, fsys, Options{NoOG: true})
	first, second := file(t, out, "companies/index.html"), file(t, out, "companies/page/2/index.html")
	if strings.Count(first, `<li>`) != companiesPerPage || !strings.Contains(first, `<a rel="next" href="../companies/page/2/">`) {
		t.Errorf("first page of companies: %d rows, or no link to the next", strings.Count(first, `<li>`))
	}
	if !strings.Contains(second, `<a href="../../../companies/t050/">`) || !strings.Contains(second, `<a rel="prev" href="../../../companies/">`) {
		t.Errorf("second page of companies lacks its company or its link back")
	}
}
