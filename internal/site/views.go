package site

import (
	"bytes"
	"errors"
	"html/template"
	"net/url"
	"strings"

	"github.com/briefs/briefs/internal/brief"
	"github.com/briefs/briefs/internal/figures"
)

type pageData struct {
	Site        brief.Site
	Root        string
	Title       string
	OGTitle     string
	Description string
	Canonical   string
	OGImage     string
	CSS         string
	Brief       *briefView
	List        *listView
	Tags        []tagCount
	Company     *companyView
	Companies   *companiesView
}

// tagCount is a tag on the page listing every tag.
type tagCount struct{ Name, URL, Count string }

type tagLink struct{ Name, URL string }

type briefView struct {
	Root              string
	Title, Summary    string
	DateISO, DateText string
	// UpdatedISO is empty unless the brief gives updated:.
	UpdatedISO, UpdatedText string
	Company, Ticker         string
	Period                  string
	Tags                    []tagLink
	Body                    template.HTML
	Values                  []valueRow
	Sources                 []sourceItem
	// CompanyLink, Prev and Next link to the company's page and to its
	// briefs for the periods before and after this one.
	CompanyLink, Prev, Next *navLink
}

type listItem struct {
	Title, URL, Summary, Kicker string
	DateISO, DateText           string
	HeadlineText, HeadlineData  string
	HeadlineLabel               string
}

type listView struct {
	Heading     string
	Items       []*listItem
	Page, Pages int
	Prev, Next  string
	// AllTags links a tag's list to the page of every tag.
	AllTags bool
}

// errLayouts stands for layouts that failed to load; their own errors are
// reported where they were found.
var errLayouts = errors.New("layouts failed to load")

// abs returns the absolute URL of a site path, or "" without a base URL.
func (b *Builder) abs(p string) string {
	if b.opts.BaseURL == "" {
		return ""
	}
	return b.opts.BaseURL + p
}

// urlSegment writes a folder name (a tag's slug may hold any letter, and +)
// as a URL path segment. + is escaped too: some static hosts read a + in a
// path as a space.
func urlSegment(s string) string {
	return strings.ReplaceAll(url.PathEscape(s), "+", "%2B")
}

// siteDirs are the top-level folders of the site's own pages, which no
// brief slug may take.
var siteDirs = []string{"tags", "page", "og", "css", "fonts", "companies"}

func (b *Builder) execute(name string, d *pageData) ([]byte, error) {
	// Sized for the page up front: growing a buffer by doubling copies
	// a brief's page several times over.
	size := 16 << 10
	if d.Brief != nil {
		size += len(d.Brief.Body)
	}
	buf := bytes.NewBuffer(make([]byte, 0, size))
	d.Site, d.CSS = b.site, b.cssPath
	t := b.pages[name]
	if t == nil {
		return nil, errLayouts
	}
	if err := t.ExecuteTemplate(buf, "base", d); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (b *Builder) briefPage(bf *brief.Brief, body []byte, og *ogSpec, e *entry) ([]byte, error) {
	v := &briefView{
		Root: "../", Title: bf.Title, Summary: bf.Summary,
		DateISO: bf.Date.Format("2006-01-02"), DateText: bf.Date.Format("2 January 2006"),
		Company: bf.Company, Ticker: bf.Ticker, Period: bf.Period,
		Body: template.HTML(body),
	}
	if !bf.Updated.IsZero() {
		v.UpdatedISO, v.UpdatedText = bf.Updated.Format("2006-01-02"), bf.Updated.Format("2 January 2006")
	}
	v.Values, v.Sources = numbers(bf)
	v.CompanyLink, v.Prev, v.Next = b.nav(e)
	for _, t := range bf.Tags {
		v.Tags = append(v.Tags, tagLink{Name: t.Name, URL: "tags/" + urlSegment(t.Slug) + "/"})
	}
	d := &pageData{
		Root: "../", Title: bf.Title + " · " + b.site.Title, OGTitle: bf.Title,
		Description: bf.Summary, Canonical: b.abs(bf.Slug + "/"), Brief: v,
	}
	if og != nil && b.opts.BaseURL != "" {
		d.OGImage = b.abs(og.path())
	}
	return b.execute("brief.html", d)
}

// restatedNote marks a value that replaces an older brief's.
func restatedNote(e *figures.Entry) string {
	if !e.Restated {
		return ""
	}
	return " · restated: " + e.Note
}

func kicker(bf *brief.Brief) string {
	parts := []string{}
	if bf.Company != "" {
		parts = append(parts, bf.Company)
	}
	if bf.Period != "" {
		parts = append(parts, bf.Period)
	}
	return strings.Join(parts, " · ")
}

func item(bf *brief.Brief) listItem {
	it := listItem{
		Title: bf.Title, URL: bf.Slug + "/", Summary: bf.Summary, Kicker: kicker(bf),
		DateISO: bf.Date.Format("2006-01-02"), DateText: bf.Date.Format("2 January 2006"),
	}
	if e, ok := bf.Figures.Get(bf.Headline); ok && e.HasValue {
		text, err := figures.Format(e.Value, e.Format)
		if err == nil {
			it.HeadlineText, it.HeadlineData, it.HeadlineLabel = text, e.Value.DataValue(), e.Label
		}
	}
	return it
}
