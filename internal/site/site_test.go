package site

import (
	"fmt"
	"strings"
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

func BenchmarkBuildSample(b *testing.B) {
	fsys := loadSite(b, "testdata/site.txtar")
	b.ReportAllocs()
	for b.Loop() {
		if _, errs := Build(fsys, Options{Now: now, NoOG: true}); errs.Err() != nil {
			b.Fatal(errs)
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
