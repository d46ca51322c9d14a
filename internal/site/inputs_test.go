package site

import (
	"html"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
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

func mdBrief(title, date, extra, body string) *fstest.MapFile {
	return &fstest.MapFile{Data: []byte("---\ntitle: " + title + "\ndate: " + date + "\n" + extra + "---\n" + body + "\n")}
}

// Tags in any script get their own page; symbols that tell tags apart
// (C++ and C) are kept; the URL is percent-encoded where needed.
func TestTagSlugs(t *testing.T) {
	fsys := fstest.MapFS{
		"content/a.md": mdBrief("A", "2024-01-01", "tags: [日本, C++]\n", "a"),
		"content/b.md": mdBrief("B", "2024-01-02", "tags: [中国, C, Café Society, हिन्दी]\n", "b"),
	}
	out := build(t, fsys, Options{BaseURL: "https://example.org/"})
	for _, p := range []string{"tags/日本/index.html", "tags/中国/index.html", "tags/c++/index.html", "tags/c/index.html", "tags/café-society/index.html", "tags/हिन्दी/index.html"} {
		file(t, out, p)
	}
	page := file(t, out, "a/index.html")
	var hrefs []string
	for _, m := range regexp.MustCompile(`href="(\.\./tags/[^"]+)"`).FindAllStringSubmatch(page, -1) {
		u, err := url.PathUnescape(html.UnescapeString(m[1]))
		if err != nil {
			t.Fatal(err)
		}
		hrefs = append(hrefs, u)
	}
	if strings.Join(hrefs, " ") != "../tags/日本/ ../tags/c++/" {
		t.Errorf("tag links %q", hrefs)
	}
	sitemap := file(t, out, "sitemap.xml")
	if !strings.Contains(page, `href="../tags/c%2b%2b/"`) && !strings.Contains(page, `href="../tags/c%2B%2B/"`) {
		t.Errorf("+ must be percent-encoded (some hosts read it as a space)")
	}
	if !strings.Contains(sitemap, "<loc>https://example.org/tags/%E6%97%A5%E6%9C%AC/</loc>") || !strings.Contains(sitemap, "<loc>https://example.org/tags/c%2B%2B/</loc>") {
		t.Errorf("sitemap does not percent-encode a Unicode tag:\n%s", sitemap)
	}
}

// A company's page and every link to it work whatever letters its name
// holds: the folder is written as is, links carry it percent-encoded.
func TestCompanyURLEncoded(t *testing.T) {
	fsys := fstest.MapFS{
		"content/a.md": mdBrief("A", "2024-01-01", "company: Société Générale\nperiod: FY2024\n", "a"),
		"content/b.md": mdBrief("B", "2024-01-02", "company: Berkshire\nticker: BRK+B\nperiod: FY2024\n", "b"),
	}
	out := build(t, fsys, Options{NoOG: true, BaseURL: "https://example.org/"})
	file(t, out, "companies/société-générale/index.html")
	file(t, out, "companies/brk+b/index.html")
	for page, want := range map[string][]string{
		"a/index.html":               {`href="../companies/soci%c3%a9t%c3%a9-g%c3%a9n%c3%a9rale/"`},
		"b/index.html":               {`href="../companies/brk%2bb/"`},
		"companies/index.html":       {`href="../companies/soci%c3%a9t%c3%a9-g%c3%a9n%c3%a9rale/"`, `href="../companies/brk%2bb/"`},
		"companies/brk+b/index.html": {`<link rel="canonical" href="https://example.org/companies/brk%2bb/"`},
	} {
		got := strings.ToLower(file(t, out, page))
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("%s lacks %s", page, w)
			}
		}
	}
	sitemap := file(t, out, "sitemap.xml")
	if !strings.Contains(sitemap, "<loc>https://example.org/companies/brk%2Bb/</loc>") {
		t.Errorf("sitemap:\n%s", sitemap)
	}
}

// A company page lists its briefs newest first by period, as DESIGN says
// ("ordered by period"), not by the day each was written: a look back at
// FY2022 written last stays last. Briefs of one period go newest first.
func TestCompanyBriefsByPeriod(t *testing.T) {
	fsys := fstest.MapFS{
		"content/a.md": mdBrief("Looking back at 2022", "2025-03-01", "ticker: ACME\nperiod: FY2022\n", "a"),
		"content/b.md": mdBrief("The year 2024", "2025-01-01", "ticker: ACME\nperiod: FY2024\n", "b"),
		"content/c.md": mdBrief("The year 2023", "2024-01-01", "ticker: ACME\nperiod: FY2023\n", "c"),
		"content/d.md": mdBrief("The first half", "2024-08-01", "ticker: ACME\nperiod: FY2024H1\n", "d"),
		"content/e.md": mdBrief("2024 again", "2025-02-01", "ticker: ACME\nperiod: FY2024\n", "e"),
	}
	page := file(t, build(t, fsys, Options{NoOG: true}), "companies/acme/index.html")
	var at []int
	for _, title := range []string{"2024 again", "The year 2024", "The first half", "The year 2023", "Looking back at 2022"} {
		i := strings.Index(page, title)
		if i < 0 {
			t.Fatalf("the company page lacks %q", title)
		}
		at = append(at, i)
	}
	if !slices.IsSorted(at) {
		t.Errorf("briefs are not newest first by period: positions %v", at)
	}
}

func errorLines(t *testing.T, fsys fstest.MapFS) []string {
	t.Helper()
	_, errs := Build(fsys, Options{Now: now})
	var got []string
	for _, e := range errs.Errors(false) {
		got = append(got, e.Error())
	}
	return got
}

func wantErrors(t *testing.T, got []string, want ...string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d errors, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("error %d:\n got  %s\n want %s…", i, got[i], want[i])
		}
	}
}

// Two tags that would share a URL, a tag with no URL at all, a brief slug
// that is a site path and two briefs with one slug: each is an error at
// the position that causes it.
func TestSlugCollisions(t *testing.T) {
	for _, tc := range []struct {
		name string
		fsys fstest.MapFS
		want []string
	}{
		{"tags differ by a symbol", fstest.MapFS{
			"content/a.md": mdBrief("A", "2024-01-02", "tags: [C]\n", "a"),
			"content/b.md": mdBrief("B", "2024-01-01", "tags: [x, C#]\n", "b"),
		}, []string{`content/b.md:4:11: tag "C#" has the same URL (tags/c/) as tag "C" at content/a.md:4:8: write the tag the same way everywhere, or rename one`}},
		{"case is one tag", fstest.MapFS{
			"content/a.md": mdBrief("A", "2024-01-02", "tags: [Cloud]\n", "a"),
			"content/b.md": mdBrief("B", "2024-01-01", "tags: [cloud]\n", "b"),
		}, nil},
		{"twice in one brief", fstest.MapFS{
			"content/a.md": mdBrief("A", "2024-01-02", "tags: [cloud, Cloud]\n", "a"),
		}, []string{`content/a.md:4:15: tag "Cloud" repeats tag "cloud"`}},
		{"no letters", fstest.MapFS{
			"content/a.md": mdBrief("A", "2024-01-02", "tags: [\"—\", ok]\n", "a"),
		}, []string{`content/a.md:4:8: tag "—" has no letter or digit to make its URL from`}},
		{"slug is a site path", fstest.MapFS{
			"content/a.md":    mdBrief("A", "2024-01-02", "slug: tags\n", "a"),
			"content/page.md": mdBrief("P", "2024-01-02", "", "p"),
		}, []string{
			"content/a.md:4:7: slug tags is taken by the site's own pages",
			"content/page.md:1:1: slug page is taken by the site's own pages",
		}},
		{"tickers differ by case", fstest.MapFS{
			"content/a.md": mdBrief("A", "2024-01-02", "ticker: AMZN\n", "a"),
			"content/b.md": mdBrief("B", "2024-01-01", "ticker: amzn\n", "b"),
			"content/c.md": mdBrief("C", "2023-01-01", "company: Amazon\nticker: AMZN\n", "c"),
		}, []string{`content/b.md:4:9: ticker "amzn" has the same page (companies/amzn/) as ticker "AMZN" at content/a.md:4:9: write the company the same way in every brief, or rename one`}},
		{"company names differ by a comma", fstest.MapFS{
			"content/a.md": mdBrief("A", "2024-01-02", "company: Acme Inc.\n", "a"),
			"content/b.md": mdBrief("B", "2024-01-01", "company: \"Acme, Inc.\"\n", "b"),
		}, []string{`content/b.md:4:11: company "Acme, Inc." has the same page (companies/acme-inc/) as company "Acme Inc." at content/a.md:4:10`}},
		{"a ticker and a name", fstest.MapFS{
			"content/a.md": mdBrief("A", "2024-01-02", "company: Acme\nticker: ACME\n", "a"),
			"content/b.md": mdBrief("B", "2024-01-01", "company: acme\n", "b"),
		}, []string{`content/b.md:4:10: company "acme" has the same page (companies/acme/) as ticker "ACME" at content/a.md:5:9`}},
		{"two briefs, one slug", fstest.MapFS{
			"content/a.md": mdBrief("A", "2024-01-02", "", "a"),
			"content/b.md": mdBrief("B", "2024-01-01", "summary: S\nslug: a\n", "b"),
		}, []string{"content/b.md:5:7: slug a is already used by content/a.md"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantErrors(t, errorLines(t, tc.fsys), tc.want...)
			// A streaming build (briefs and company pages written as they
			// are done) finds the same errors.
			b := NewBuilder(tc.fsys, Options{Now: now, Sink: &mapSink{files: map[string][]byte{}}})
			_, errs := b.Build()
			var got []string
			for _, e := range errs.Errors(false) {
				got = append(got, e.Error())
			}
			wantErrors(t, got, tc.want...)
		})
	}
}

// One rule for content/: dot-files are skipped, links that dangle, loop or
// leave the site are errors at the link, and nothing outside is read.
func TestContentLinks(t *testing.T) {
	dir := t.TempDir()
	site := filepath.Join(dir, "site")
	write := func(p, data string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	symlink := func(target, p string) {
		t.Helper()
		if err := os.Symlink(target, filepath.Join(site, p)); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(site, "content/a.md"), "---\ntitle: A\ndate: 2024-01-01\n---\na\n")
	write(filepath.Join(site, "content/.hidden.md"), "not a brief")
	write(filepath.Join(site, "content/._a.md"), "\x00\x05\x16\x07 AppleDouble")
	write(filepath.Join(dir, "outside.md"), "---\ntitle: SECRET\ndate: 2024-01-01\n---\nsecret\n")
	symlink("a.md", "content/same.md")
	symlink("nowhere.md", "content/dangling.md")
	symlink("loop2.md", "content/loop1.md")
	symlink("loop1.md", "content/loop2.md")
	symlink("/etc/passwd", "content/passwd.md")
	symlink("../../outside.md", "content/up.md")
	out, errs := Build(os.DirFS(site), Options{Now: now})
	var got []string
	for _, e := range errs {
		got = append(got, e.Error())
	}
	wantErrors(t, got,
		"content/dangling.md: broken symbolic link: its target content/nowhere.md does not exist",
		"content/loop1.md: symbolic link loop",
		"content/loop2.md: symbolic link loop",
		"content/passwd.md: symbolic link to /etc/passwd, outside the site",
		"content/up.md: symbolic link to ../../outside.md, outside the site",
	)
	if out == nil {
		t.Fatal("no output")
	}
	for _, p := range out.Paths() {
		if strings.Contains(string(out.Files[p]), "SECRET") || strings.Contains(string(out.Files[p]), "root:") {
			t.Errorf("%s holds what lies outside the site", p)
		}
	}
	if out.Briefs != 2 {
		t.Errorf("%d briefs, want 2 (a and its link same)", out.Briefs)
	}
}
