package site_test

import (
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/briefs/briefs/internal/site"
	"github.com/briefs/briefs/internal/sitetest"
)

var idAttr = regexp.MustCompile(` id="([^"]*)"`)

// Content headings never take an id the page template or a chart uses.
func TestHeadingIDsUnique(t *testing.T) {
	b := sitetest.Test(t, `
-- content/x.md --
---
title: T
date: 2024-01-01
figures:
  a: 1.0
  b: 2.0
---
## Main

## Chart 1

## Chart 1 t

## The numbers h

## Numbers h

## Sources h

## Main

`+"```chart\ntype: bar\ntitle: C\ndata: [a, b]\n```\n", site.Options{})
	page := b.FileContent("x/index.html")
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
	b.AssertFileContent("x/index.html", `<h2 id="the-numbers-h">`)
}

// Tags in any script get their own page; symbols that tell tags apart
// (C++ and C) are kept; the URL is percent-encoded where needed.
func TestTagSlugs(t *testing.T) {
	b := sitetest.Test(t, `
-- content/a.md --
---
title: A
date: 2024-01-01
tags: [日本, C++]
---
a
-- content/b.md --
---
title: B
date: 2024-01-02
tags: [中国, C, Café Society, हिन्दी]
---
b
`, site.Options{BaseURL: "https://example.org/"})
	for _, p := range []string{"tags/日本/index.html", "tags/中国/index.html", "tags/c++/index.html", "tags/c/index.html", "tags/café-society/index.html", "tags/हिन्दी/index.html"} {
		b.AssertFileExists(p, true)
	}
	var hrefs []string
	for _, m := range regexp.MustCompile(`href="(\.\./tags/[^"]+)"`).FindAllStringSubmatch(b.FileContent("a/index.html"), -1) {
		u, err := url.PathUnescape(html.UnescapeString(m[1]))
		if err != nil {
			t.Fatal(err)
		}
		hrefs = append(hrefs, u)
	}
	if strings.Join(hrefs, " ") != "../tags/日本/ ../tags/c++/" {
		t.Errorf("tag links %q", hrefs)
	}
	// + is percent-encoded (some hosts read it as a space), and so is a
	// Unicode tag in the sitemap.
	b.AssertFileContent("a/index.html", `href="../tags/c%2B%2B/"`)
	b.AssertFileContent("sitemap.xml", "<loc>https://example.org/tags/%E6%97%A5%E6%9C%AC/</loc>", "<loc>https://example.org/tags/c%2B%2B/</loc>")
}

// brief is a txtar file of a brief with a title, a date, more frontmatter
// and a body.
func brief(name, title, date, extra, body string) string {
	return "-- content/" + name + " --\n---\ntitle: " + title + "\ndate: " + date + "\n" + extra + "---\n" + body + "\n"
}

// Two tags that would share a URL, a tag with no URL at all, a brief slug
// that is a site path and two briefs with one slug: each is an error at
// the position that causes it.
func TestSlugCollisions(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files string
		want  []string
	}{
		{"tags differ by a symbol",
			brief("a.md", "A", "2024-01-02", "tags: [C]\n", "a") + brief("b.md", "B", "2024-01-03", "tags: [x, C#]\n", "b"),
			[]string{`content/b.md:4:11: tag "C#" has the same URL (tags/c/) as tag "C" at content/a.md:4:8: write the tag the same way everywhere, or rename one`}},
		{"case is one tag",
			brief("a.md", "A", "2024-01-02", "tags: [Cloud]\n", "a") + brief("b.md", "B", "2024-01-01", "tags: [cloud]\n", "b"),
			nil},
		{"twice in one brief",
			brief("a.md", "A", "2024-01-02", "tags: [cloud, Cloud]\n", "a"),
			[]string{`content/a.md:4:15: tag "Cloud" repeats tag "cloud"`}},
		{"no letters",
			brief("a.md", "A", "2024-01-02", "tags: [\"—\", ok]\n", "a"),
			[]string{`content/a.md:4:8: tag "—" has no letter or digit to make its URL from`}},
		{"slug is a site path",
			brief("a.md", "A", "2024-01-02", "slug: tags\n", "a") + brief("page.md", "P", "2024-01-02", "", "p"),
			[]string{
				"content/a.md:4:7: slug tags is taken by the site's own pages",
				"content/page.md:1:1: slug page is taken by the site's own pages",
			}},
		{"two briefs, one slug",
			brief("a.md", "A", "2024-01-02", "", "a") + brief("b.md", "B", "2024-01-01", "summary: S\nslug: a\n", "b"),
			[]string{"content/b.md:5:7: slug a is already used by content/a.md"}},
		{"tickers differ by case",
			brief("a.md", "A", "2024-01-02", "ticker: AMZN\n", "a") + brief("b.md", "B", "2024-01-03", "ticker: amzn\n", "b") +
				brief("c.md", "C", "2023-01-01", "company: Amazon\nticker: AMZN\n", "c"),
			[]string{`content/b.md:4:9: ticker "amzn" has the same page (companies/amzn/) as ticker "AMZN" at content/c.md:5:9: write the company the same way in every brief, or rename one`}},
		{"company names differ by a comma",
			brief("a.md", "A", "2024-01-02", "company: Acme Inc.\n", "a") + brief("b.md", "B", "2024-01-03", "company: \"Acme, Inc.\"\n", "b"),
			[]string{`content/b.md:4:11: company "Acme, Inc." has the same page (companies/acme-inc/) as company "Acme Inc." at content/a.md:4:10`}},
		// The later brief by date gets the error, whichever file it is.
		{"later brief's ticker",
			brief("a.md", "A", "2025-01-09", "ticker: BRK.B\n", "a") + brief("b.md", "B", "2025-01-02", "ticker: BRK-B\n", "b"),
			[]string{`content/a.md:4:9: ticker "BRK.B" has the same page (companies/brk-b/) as ticker "BRK-B" at content/b.md:4:9`}},
		{"later brief's ticker, dates swapped",
			brief("a.md", "A", "2025-01-02", "ticker: BRK.B\n", "a") + brief("b.md", "B", "2025-01-09", "ticker: BRK-B\n", "b"),
			[]string{`content/b.md:4:9: ticker "BRK-B" has the same page (companies/brk-b/) as ticker "BRK.B" at content/a.md:4:9`}},
		{"later brief's tag",
			brief("a.md", "A", "2025-01-09", "tags: [C#]\n", "a") + brief("b.md", "B", "2025-01-02", "tags: [C]\n", "b"),
			[]string{`content/a.md:4:8: tag "C#" has the same URL (tags/c/) as tag "C" at content/b.md:4:8`}},
		{"a ticker and a name",
			brief("a.md", "A", "2024-01-02", "company: Acme\nticker: ACME\n", "a") + brief("b.md", "B", "2024-01-03", "company: acme\n", "b"),
			[]string{`content/b.md:4:10: company "acme" has the same page (companies/acme/) as ticker "ACME" at content/a.md:5:9`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := sitetest.New(t, tc.files, site.Options{})
			if errs := b.BuildE(); (errs.Err() != nil) != (len(tc.want) > 0) {
				t.Errorf("build error %v, want %d", errs.Err(), len(tc.want))
			}
			b.AssertErrors(tc.want...)
			// A streaming build (pages written as each is done, as briefs
			// build does) writes no folder twice and finds the same errors.
			s := sitetest.New(t, tc.files, site.Options{Sink: &mapSink{files: map[string][]byte{}}})
			s.BuildE()
			s.AssertErrors(tc.want...)
		})
	}
}

// A company's page and every link to it work whatever its name holds: the
// folder is written as is, links carry it percent-encoded as tags' do (+
// too: some hosts read it as a space).
func TestCompanyURLEncoded(t *testing.T) {
	b := sitetest.Test(t, brief("a.md", "A", "2024-01-01", "company: Société Générale\nperiod: FY2024\n", "a")+
		brief("b.md", "B", "2024-01-02", "company: Berkshire\nticker: BRK+B\nperiod: FY2024\n", "b"),
		site.Options{NoOG: true, BaseURL: "https://example.org/"})
	b.AssertFileExists("companies/société-générale/index.html", true)
	b.AssertFileExists("companies/brk+b/index.html", true)
	b.AssertFileContent("a/index.html", `href="../companies/soci%C3%A9t%C3%A9-g%C3%A9n%C3%A9rale/"`)
	b.AssertFileContent("b/index.html", `href="../companies/brk%2Bb/"`)
	b.AssertFileContent("companies/index.html", `href="../companies/soci%C3%A9t%C3%A9-g%C3%A9n%C3%A9rale/"`, `href="../companies/brk%2Bb/"`)
	b.AssertFileContent("companies/brk+b/index.html", `<link rel="canonical" href="https://example.org/companies/brk%2Bb/"`)
	b.AssertFileContent("sitemap.xml", "<loc>https://example.org/companies/brk%2Bb/</loc>")
}

// A company page lists its briefs newest first by period, as DESIGN says
// ("ordered by period"), not by the day each was written: a look back at
// FY2022 written last stays last. Briefs of one period go newest first.
func TestCompanyBriefsByPeriod(t *testing.T) {
	b := sitetest.Test(t, brief("a.md", "Looking back at 2022", "2025-03-01", "ticker: ACME\nperiod: FY2022\n", "a")+
		brief("b.md", "The year 2024", "2025-01-01", "ticker: ACME\nperiod: FY2024\n", "b")+
		brief("c.md", "The year 2023", "2024-01-01", "ticker: ACME\nperiod: FY2023\n", "c")+
		brief("d.md", "The first half", "2024-08-01", "ticker: ACME\nperiod: FY2024H1\n", "d")+
		brief("e.md", "2024 again", "2025-02-01", "ticker: ACME\nperiod: FY2024\n", "e"),
		site.Options{NoOG: true})
	b.AssertFileOrder("companies/acme/index.html", "2024 again", "The year 2024", "The first half", "The year 2023", "Looking back at 2022")
}

// A company name typed with combining accents (NFD, as macOS pastes it) is
// the same company as the precomposed (NFC) spelling: one page, one
// history, no collision; the same for tags.
func TestCompanyNFC(t *testing.T) {
	b := sitetest.Test(t, brief("d.md", "D", "2024-01-01", "company: Soci\u00e9t\u00e9 G\u00e9n\u00e9rale\nperiod: FY2023\ntags: [Caf\u00e9]\n", "d")+
		brief("k.md", "K", "2024-01-02", "company: Socie\u0301te\u0301 Ge\u0301ne\u0301rale\nperiod: FY2024\ntags: [Cafe\u0301]\n", "k"),
		site.Options{NoOG: true})
	b.AssertFileExists("companies/soci\u00e9t\u00e9-g\u00e9n\u00e9rale/index.html", true)
	b.AssertFileExists("companies/socie\u0301te\u0301-ge\u0301ne\u0301rale/index.html", false)
	b.AssertFileExists("tags/cafe\u0301/index.html", false)
	b.AssertFileContent("tags/caf\u00e9/index.html", ">D<", ">K<")
	// Each brief links to the other as the same company's previous or next.
	b.AssertFileContent("companies/soci\u00e9t\u00e9-g\u00e9n\u00e9rale/index.html", ">D<", ">K<")
}
