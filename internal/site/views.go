package site

import (
	"bytes"
	"errors"
	"html/template"
	"net/url"
	"strings"

	"github.com/briefs/briefs/internal/brief"
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
	Kicker                  kickerLine
	Tags                    []tagLink
	Body                    template.HTML
	Values                  []valueRow
	Sources                 []sourceItem
	// CompanyLink, Prev and Next link to the company's page and to its
	// briefs for the periods before and after this one.
	CompanyLink, Prev, Next *navLink
}

type listItem struct {
	Title, URL, Summary        string
	Kicker                     kickerLine
	DateISO, DateText          string
	HeadlineText, HeadlineData string
	HeadlineLabel              string
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
		Kicker: kickerOf(bf),
		Body:   template.HTML(body),
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

// kickerLine is the line above a brief's title, the same in lists, on the
// brief's page and on its card: company, ticker and period.
type kickerLine struct{ Company, Ticker, Period string }

func kickerOf(bf *brief.Brief) kickerLine {
	return kickerLine{Company: bf.Company, Ticker: bf.Ticker, Period: bf.Period}
}

// String is the kicker as plain text, for the card.
func (k kickerLine) String() string {
	ticker := ""
	if k.Ticker != "" {
		ticker = "(" + k.Ticker + ")"
	}
	return joinKicker(k.Company, ticker, k.Period)
}

// HTML is the kicker for pages, the ticker marked as one.
func (k kickerLine) HTML() template.HTML {
	esc := template.HTMLEscapeString
	ticker := ""
	if k.Ticker != "" {
		ticker = `<abbr title="Ticker symbol">(` + esc(k.Ticker) + `)</abbr>`
	}
	return template.HTML(joinKicker(esc(k.Company), ticker, esc(k.Period)))
}

// joinKicker writes "Company (TICKER) · FY2024", leaving out what is empty.
func joinKicker(company, ticker, period string) string {
	who := company
	if who != "" && ticker != "" {
		who += " "
	}
	who += ticker
	switch {
	case who == "":
		return period
	case period == "":
		return who
	}
	return who + " · " + period
}

func item(bf *brief.Brief) listItem {
	it := listItem{
		Title: bf.Title, URL: bf.Slug + "/", Summary: bf.Summary, Kicker: kickerOf(bf),
		DateISO: bf.Date.Format("2006-01-02"), DateText: bf.Date.Format("2 January 2006"),
	}
	if f, ok := bf.Figures.Figure(bf.Headline); ok {
		it.HeadlineText, it.HeadlineData, it.HeadlineLabel = f.Text(), f.Data(), f.Label
	}
	return it
}
