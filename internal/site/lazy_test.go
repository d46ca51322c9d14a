package site

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// previewSite is the sample site, the company site and 30 generated briefs
// (two pages of the home list, tags with several briefs).
func previewSite(t *testing.T) fstest.MapFS {
	fsys := loadSite(t, "testdata/site.txtar")
	for i := 0; i < 30; i++ {
		fsys[fmt.Sprintf("content/gen-%02d.md", i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf("---\ntitle: Generated %d\ndate: 2024-01-%02d\ntags: [cloud, t%d]\nfigures: {a: %d.5}\n---\nValue {{ a }}.\n", i, i%28+1, i%3, i))}
	}
	for name, f := range loadSite(t, "testdata/company.txtar") {
		if name != "content/_index.md" {
			fsys[name] = f
		}
	}
	return fsys
}

// samePreview checks that the preview serves every file a full build
// writes, byte for byte, and none of the paths in stale that the build
// does not write.
func samePreview(t *testing.T, what string, p *Preview, fsys fstest.MapFS, opts Options, stale map[string]bool) *Output {
	t.Helper()
	want, errs := Build(fsys, opts)
	if errs.Err() != nil {
		t.Fatalf("%s: full build: %v", what, errs)
	}
	if errs := p.Errors(); errs.Err() != nil {
		t.Fatalf("%s: preview: %v", what, errs)
	}
	for _, name := range want.Paths() {
		got, ok := p.File(name)
		if !ok {
			t.Errorf("%s: the preview has no %s", what, name)
		} else if !bytes.Equal(got, want.Files[name]) {
			t.Errorf("%s: %s differs from a full build", what, name)
		}
	}
	for name := range stale {
		if _, ok := want.Files[name]; ok {
			continue
		}
		if _, ok := p.File(name); ok {
			t.Errorf("%s: the preview still serves %s", what, name)
		}
	}
	for _, extra := range []string{"page/1/index.html", "page/02/index.html", "tags/cloud/page/9/index.html", "companies/nope/index.html", "nope/index.html"} {
		if _, ok := p.File(extra); ok {
			t.Errorf("%s: the preview serves %s, which a build does not write", what, extra)
		}
	}
	return want
}

// TestPreviewEqualsBuild renders every page on request, before and after
// edits of every kind, and compares it with a full build of the same
// sources: what the preview serves is what build writes.
func TestPreviewEqualsBuild(t *testing.T) {
	fsys := previewSite(t)
	opts := Options{Now: now, BaseURL: "https://x.example/", PerPage: 4}
	p := NewPreview(fsys, opts)
	p.Build()
	opts.NoOG, opts.KeepLastGood = true, true
	want := samePreview(t, "first build", p, fsys, opts, nil)
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
		{"figure read by others", "content/acme-fy2022.md", edit("content/acme-fy2022.md", "value: 100.0", "value: 96.0")},
		{"neighbour's title", "content/acme-fy2023.md", edit("content/acme-fy2023.md", "title: Acme in 2023", "title: Acme's 2023")},
		{"restated", "content/acme-fy2024.md", edit("content/acme-fy2024.md", "FY2023: 120.0, FY2024: 150.0}, label: Net sales,", "FY2023: 125.0, FY2024: 150.0}, label: Net sales, restated: true, note: new segments,")},
		{"new period", "content/acme-fy2025.md", func() {
			fsys["content/acme-fy2025.md"] = &fstest.MapFile{Data: []byte("---\ntitle: Acme in 2025\ndate: 2025-05-01\nticker: ACME\nperiod: FY2025\nfigures:\n  sales: 160.0\n  profit: 20.0\nderived:\n  margin: profit / sales\n  g: growth(sales)\n---\n{{ g }} after {{ sales@FY2024 }}.\n")}
		}},
		{"company moves", "content/acme-fy2025.md", func() {
			fsys["content/acme-fy2025.md"] = &fstest.MapFile{Data: []byte("---\ntitle: Acme in 2025\ndate: 2025-05-01\nticker: ACMX\nperiod: FY2025\nfigures:\n  sales: 160.0\n---\n{{ sales }}.\n")}
		}},
		{"drafted", "content/acme-fy2024.md", edit("content/acme-fy2024.md", "period: FY2024\n", "period: FY2024\ndraft: true\n")},
		{"layout", "layouts/404.html", func() {
			fsys["layouts/404.html"] = &fstest.MapFile{Data: []byte(`{{define "main"}}<h1>Gone astray</h1>{{end}}`)}
		}},
	}
	for i, st := range steps {
		// Every other step edits with every page in the cache, the others
		// with none: open pages re-render at once, the others on request.
		if i%2 == 1 {
			p.b.mu.Lock()
			p.cache.clear()
			p.b.mu.Unlock()
		}
		st.do()
		p.Update([]string{st.path})
		stale := map[string]bool{}
		for name := range want.Files {
			stale[name] = true
		}
		want = samePreview(t, "after the "+st.what+" edit", p, fsys, opts, stale)
	}
}

// TestPreviewCheckFindsRenderErrors: the errors only rendering finds (a
// reference in the prose) are found in the background, shown with the
// others, and take the brief off the lists as a build does.
func TestPreviewCheckFindsRenderErrors(t *testing.T) {
	fsys := previewSite(t)
	fsys["content/bad.md"] = &fstest.MapFile{Data: []byte("---\ntitle: Bad\ndate: 2025-05-01\nfigures: {a: 2.0}\n---\n{{ b }}\n")}
	opts := Options{Now: now}
	p := NewPreview(fsys, opts)
	p.Build()
	changed := make(chan struct{}, 16)
	p.Changed = func() { changed <- struct{}{} }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go p.Check(ctx)
	select {
	case <-changed:
	case <-time.After(10 * time.Second):
		t.Fatal("the check reported nothing")
	}
	errs := p.Errors()
	if len(errs) != 1 || !strings.Contains(errs.Error(), "content/bad.md:6:1: unknown name b") {
		t.Fatalf("errors: %v", errs)
	}
	opts.NoOG, opts.KeepLastGood = true, true
	want, _ := Build(fsys, opts)
	for _, name := range []string{"index.html", "page/2/index.html", "feed.xml"} {
		if got, _ := p.File(name); !bytes.Equal(got, want.Files[name]) {
			t.Errorf("%s differs from a build's", name)
		}
	}
	if _, ok := p.File("bad/index.html"); ok {
		t.Errorf("the broken brief has a page")
	}
}

// TestPreviewCacheBounded: the cache drops the least recently used pages
// beyond its size, keeping at least one.
func TestPreviewCacheBounded(t *testing.T) {
	c := newPageCache(100)
	for i := 0; i < 10; i++ {
		c.put(fmt.Sprint(i), &rendered{page: make([]byte, 30)}, 0)
		c.get("0")
	}
	if c.size > 100 || c.ll.Len() != 3 {
		t.Errorf("size %d with %d pages, want at most 100 with 3", c.size, c.ll.Len())
	}
	if _, _, ok := c.get("0"); !ok {
		t.Errorf("the page used most recently was dropped")
	}
	c.put("big", &rendered{page: make([]byte, 500)}, 0)
	if _, _, ok := c.get("big"); !ok || c.ll.Len() != 1 {
		t.Errorf("a page larger than the cache is kept alone")
	}
}

// TestPreviewCompanyRowsEqualBuild checks the rows of /companies/, which
// the preview makes from the headline's values alone: a brief's own value
// over a newer brief's for its period, a restated value over both, the
// label of the value chosen.
func TestPreviewCompanyRowsEqualBuild(t *testing.T) {
	brief := func(title, date, period, figs string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte("---\ntitle: " + title + "\ndate: " + date + "\ncompany: Zeta\nticker: ZT\nperiod: " + period +
			"\nheadline: sales\nfigures:\n" + figs + "---\nSales {{ sales }}.\n")}
	}
	fsys := fstest.MapFS{
		"content/_index.md": {Data: []byte("---\ntitle: Rows\n---\n")},
		"content/z1.md":     brief("Zeta one", "2023-02-01", "FY2022", "  sales: {value: 100.4, label: Sales as first told}\n"),
		"content/z2.md":     brief("Zeta two", "2024-02-01", "FY2023", "  sales: {values: {FY2022: 100, FY2023: 120.25}, label: Net sales}\n"),
		"content/z3.md":     brief("Zeta three", "2025-02-01", "FY2024", "  sales: {values: {FY2023: 120.3, FY2024: 150.0}, label: Sales}\n"),
		"content/z4.md":     brief("Zeta four", "2025-03-01", "FY2024", "  sales: {values: {FY2023: 121.0, FY2024: 150}, label: Revenue, restated: true, note: new segments}\n"),
	}
	opts := Options{Now: now, PerPage: 4}
	p := NewPreview(fsys, opts)
	p.Build()
	opts.NoOG, opts.KeepLastGood = true, true
	want := samePreview(t, "rows", p, fsys, opts, nil)
	page := string(want.Files["companies/index.html"])
	for _, s := range []string{`class="spark"`, "FY2022 $100.4 billion", "FY2023 $121.0 billion", "FY2024 $150 billion", "Revenue"} {
		if !strings.Contains(page, s) {
			t.Errorf("companies/index.html lacks %q, which the test means to check:\n%s", s, page)
		}
	}
}

// The check gives the memory back to the system once it has checked every
// brief after the site was read: not after each edit, and again after the
// site is read again.
func TestPreviewCheckFreesMemoryOnceRead(t *testing.T) {
	fsys := previewSite(t)
	p := NewPreview(fsys, Options{Now: now})
	freed := make(chan int, 16)
	p.freeMemory = func() {
		p.b.mu.Lock()
		left := len(p.sweep)
		p.b.mu.Unlock()
		freed <- left
	}
	p.Build()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go p.Check(ctx)
	wait := func(what string) {
		t.Helper()
		select {
		case left := <-freed:
			if left != 0 {
				t.Errorf("%s: the memory was given back with %d briefs to check", what, left)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("%s: the memory was not given back", what)
		}
	}
	wait("read")
	fsys["content/gen-05.md"] = &fstest.MapFile{Data: []byte(strings.Replace(string(fsys["content/gen-05.md"].Data), "Generated 5", "Five", 1))}
	p.Update([]string{"content/gen-05.md"})
	p.Update([]string{"content"})
	wait("read again")
	select {
	case <-freed:
		t.Errorf("the memory was given back after an edit")
	case <-time.After(300 * time.Millisecond):
	}
}
