package site_test

import (
	"encoding/xml"
	"strings"
	"testing"

	"github.com/briefs/briefs/internal/site"
	"github.com/briefs/briefs/internal/sitetest"
)

type atomFeed struct {
	ID      string `xml:"id"`
	Updated string `xml:"updated"`
	Entries []struct {
		ID        string `xml:"id"`
		Published string `xml:"published"`
		Updated   string `xml:"updated"`
		Link      struct {
			Href string `xml:"href,attr"`
		} `xml:"link"`
	} `xml:"entry"`
}

func readFeed(t *testing.T, b *sitetest.Builder) atomFeed {
	t.Helper()
	var f atomFeed
	if err := xml.Unmarshal([]byte(b.FileContent("feed.xml")), &f); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestFeedIDsStable: entry and feed ids are the same whatever address the
// site is built for (production, a deploy preview, none), and come from
// id_domain and the brief's first date, or the brief's own id.
func TestFeedIDsStable(t *testing.T) {
	const index = "---\ntitle: Test Briefs\nid_domain: briefs.example.org\n---\n"
	var ids []string
	for _, base := range []string{"https://briefs.example.org/", "https://deploy-preview-4--briefs.netlify.app/", ""} {
		f := readFeed(t, sample(t, site.Options{BaseURL: base}).EditFiles("content/_index.md", index).Build())
		got := f.ID
		for _, e := range f.Entries {
			got += " " + e.ID
		}
		ids = append(ids, got)
	}
	want := "tag:briefs.example.org,2025-01-30:feed tag:briefs.example.org,2025-02-10:amazon tag:briefs.example.org,2025-01-30:meta"
	for i, got := range ids {
		if got != want {
			t.Errorf("build %d: ids %q, want %q", i, got, want)
		}
	}
	b := sample(t, site.Options{}).EditFiles("content/_index.md", index)
	b.EditFileReplace("content/meta.md", "date: 2025-01-30", "date: 2025-01-30\nid: urn:uuid:0b7e8a4c-3b43-4d5e-9a53-0f1c0b6a7f11")
	f := readFeed(t, b.Build())
	if got := f.Entries[1].ID; got != "urn:uuid:0b7e8a4c-3b43-4d5e-9a53-0f1c0b6a7f11" {
		t.Errorf("a brief's own id: %q", got)
	}
}

// TestFeedUpdated: an entry's updated moves when the brief says it was
// updated; published stays its date; the feed's updated is the latest.
func TestFeedUpdated(t *testing.T) {
	b := sample(t, site.Options{}).Build()
	before := readFeed(t, b)
	b.EditFileReplace("content/meta.md", "date: 2025-01-30", "date: 2025-01-30\nupdated: 2025-03-15")
	b.EditFileReplace("content/meta.md", "foa: 87.11", "foa: 87.21").Build()
	after := readFeed(t, b)
	if before.Entries[1].Updated != "2025-01-30T00:00:00Z" || after.Entries[1].Updated != "2025-03-15T00:00:00Z" {
		t.Errorf("entry updated %s, then %s", before.Entries[1].Updated, after.Entries[1].Updated)
	}
	if after.Entries[1].Published != "2025-01-30T00:00:00Z" || after.Updated != "2025-03-15T00:00:00Z" {
		t.Errorf("published %s, feed updated %s", after.Entries[1].Published, after.Updated)
	}
	// The page says when the brief was updated.
	b.AssertFileContent("meta/index.html", ` · updated <time datetime="2025-03-15">15 March 2025</time>`)
}

// TestNoSitemapWithoutBaseURL: a sitemap needs absolute URLs, so without a
// base URL there is no sitemap.xml and robots.txt names none.
func TestNoSitemapWithoutBaseURL(t *testing.T) {
	b := sample(t, site.Options{}).Build()
	b.AssertFileExists("sitemap.xml", false)
	b.AssertFileContent("robots.txt", "! Sitemap")
	for _, e := range readFeed(t, b).Entries {
		if strings.HasPrefix(e.Link.Href, "/") || strings.Contains(e.Link.Href, "//") {
			t.Errorf("feed link %q", e.Link.Href)
		}
	}
}

// TestTagIndex: /tags/ lists every tag with its count, tag pages link to
// it, and the sitemap lists it.
func TestTagIndex(t *testing.T) {
	b := sample(t, site.Options{BaseURL: "https://briefs.example.org/"}).Build()
	b.AssertFileContent("tags/index.html", `
		<li><a href="../tags/antitrust-competition/">Antitrust &amp; Competition</a> <span class="count">1 brief</span></li>
		<li><a href="../tags/cloud/">cloud</a> <span class="count">2 briefs</span></li>
		<link rel="canonical" href="https://briefs.example.org/tags/">
	`)
	b.AssertFileOrder("tags/index.html", "Antitrust", ">cloud<")
	// A tag page links to all tags, and the sitemap lists them.
	b.AssertFileContent("tags/cloud/index.html", `<a href="../../tags/">All tags</a>`)
	b.AssertFileContent("sitemap.xml", "<loc>https://briefs.example.org/tags/</loc>")
}
