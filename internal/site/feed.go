package site

import (
	"net/url"

	"bytes"
	"encoding/xml"
	"github.com/briefs/briefs/internal/brief"
	"sort"
	"strings"
	"time"
)

// feedSize is the number of briefs in the Atom feed.
const feedSize = 20

// entryID is a brief's Atom id. It never changes with where a build is
// deployed (production, a deploy preview, a laptop): the brief's own id:,
// else a tag: URI (RFC 4151) under the site's id_domain dated the day the
// brief was first published, else urn:briefs:SLUG.
func (b *Builder) entryID(m meta) string {
	switch {
	case m.ID != "":
		return m.ID
	case b.site.IDDomain != "":
		return "tag:" + b.site.IDDomain + "," + m.Date.Format("2006-01-02") + ":" + m.Slug
	}
	return "urn:briefs:" + m.Slug
}

// feedID is the feed's own Atom id: a tag: URI under id_domain dated the
// day of the site's first brief (none: first is nil), else a urn from the
// site's title.
func (b *Builder) feedID(first *time.Time) string {
	if b.site.IDDomain == "" || first == nil {
		return "urn:briefs:" + url.PathEscape(brief.TagSlug(b.site.Title))
	}
	return "tag:" + b.site.IDDomain + "," + first.Format("2006-01-02") + ":feed"
}

// updated is when a brief last changed in substance: its updated: day, else
// its date. Builds of the same input therefore stay byte-identical, and a
// feed reader sees an edited brief as updated once the writer says so.
func (m meta) updated() time.Time {
	if m.Updated.After(m.Date) {
		return m.Updated
	}
	return m.Date
}

func atomTime(t time.Time) string { return t.Format("2006-01-02") + "T00:00:00Z" }

// feed is the Atom feed of the published briefs (newest first).
func (b *Builder) feed(pub []*rendered) []byte {
	var top []meta
	for _, r := range pub[:min(feedSize, len(pub))] {
		top = append(top, r.meta)
	}
	var first *time.Time
	if len(pub) > 0 {
		first = &pub[len(pub)-1].meta.Date
	}
	return b.feedOf(top, first)
}

// feedOf is the Atom feed of the newest briefs top, first the date of the
// site's first brief (nil without one).
func (b *Builder) feedOf(top []meta, first *time.Time) []byte {
	type link struct {
		Href string `xml:"href,attr"`
		Rel  string `xml:"rel,attr,omitempty"`
		Type string `xml:"type,attr,omitempty"`
	}
	type entryX struct {
		Title     string `xml:"title"`
		Link      link   `xml:"link"`
		ID        string `xml:"id"`
		Published string `xml:"published"`
		Updated   string `xml:"updated"`
		Summary   string `xml:"summary,omitempty"`
	}
	type feedX struct {
		XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
		Title   string   `xml:"title"`
		Links   []link   `xml:"link"`
		ID      string   `xml:"id"`
		Updated string   `xml:"updated"`
		Author  struct {
			Name string `xml:"name"`
		} `xml:"author"`
		Entries []entryX `xml:"entry"`
	}
	f := feedX{Title: b.site.Title, ID: b.feedID(first)}
	f.Author.Name = b.site.Title
	base := b.abs("")
	if base == "" {
		f.Links = []link{{Href: "./", Rel: "alternate"}}
	} else {
		f.Links = []link{{Href: base, Rel: "alternate"}, {Href: base + "feed.xml", Rel: "self", Type: "application/atom+xml"}}
	}
	var latest time.Time
	for _, m := range top {
		if u := m.updated(); u.After(latest) {
			latest = u
		}
		e := entryX{Title: m.Title, Link: link{Href: base + m.Slug + "/"}, ID: b.entryID(m),
			Published: atomTime(m.Date), Updated: atomTime(m.updated()), Summary: m.Summary}
		f.Entries = append(f.Entries, e)
	}
	f.Updated = "1970-01-01T00:00:00Z"
	if !latest.IsZero() {
		f.Updated = atomTime(latest)
	}
	data, _ := xml.MarshalIndent(f, "", "  ")
	return append([]byte(xml.Header), append(data, '\n')...)
}

// sitemap lists every page by its absolute URL; it is written only with a
// base URL, since the sitemap protocol has no relative URLs.
func (b *Builder) sitemap(out *Output, pub []*rendered) []byte {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	buf.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	var pages []string
	for p := range out.Files {
		if strings.HasSuffix(p, "index.html") {
			pages = append(pages, p)
		}
	}
	if b.opts.Sink != nil { // brief, company and list pages went straight to the sink
		pages = append(pages, out.streamed...)
		for _, r := range pub {
			pages = append(pages, r.meta.Slug+"/index.html")
		}
		for _, i := range b.recPub {
			pages = append(pages, b.recs.str(i, recSlug)+"/index.html")
		}
		for k := range b.coItems {
			pages = append(pages, companyDir(k)+"index.html")
		}
	}
	sort.Strings(pages)
	for _, p := range pages {
		// Tag folders may hold any letter: URLs carry them percent-encoded.
		segs := strings.Split(strings.TrimSuffix(p, "index.html"), "/")
		for i, seg := range segs {
			segs[i] = urlSegment(seg)
		}
		buf.WriteString("  <url><loc>")
		_ = xml.EscapeText(&buf, []byte(b.abs(strings.Join(segs, "/"))))
		buf.WriteString("</loc></url>\n")
	}
	buf.WriteString("</urlset>\n")
	return buf.Bytes()
}
