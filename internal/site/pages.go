package site

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"maps"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/briefs/briefs/internal/brief"
	"github.com/briefs/briefs/internal/diag"
	"github.com/briefs/briefs/internal/figures"
	"github.com/briefs/briefs/internal/plural"
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
	var buf bytes.Buffer
	d.Site, d.CSS = b.site, b.cssPath
	t := b.pages[name]
	if t == nil {
		return nil, errLayouts
	}
	if err := t.ExecuteTemplate(&buf, "base", d); err != nil {
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

// published returns the briefs to publish, newest first, and the errors of
// the briefs that failed.
func (b *Builder) published() ([]*rendered, diag.List) {
	var errs diag.List
	type cand struct {
		path string
		r    *rendered
	}
	cands := make([]cand, 0, len(b.entries))
	if b.orderDirty || len(b.order) != len(b.entries) {
		b.order = b.order[:0]
		for p := range b.entries {
			b.order = append(b.order, p)
		}
		// Newest first; ties by slug, then path, so the order never
		// depends on map iteration.
		sort.Slice(b.order, func(i, j int) bool {
			a, c := b.entries[b.order[i]].sortKey(), b.entries[b.order[j]].sortKey()
			if !a.date.Equal(c.date) {
				return a.date.After(c.date)
			}
			if a.slug != c.slug {
				return a.slug < c.slug
			}
			return b.order[i] < b.order[j]
		})
		b.orderDirty = false
	}
	for _, p := range b.order {
		e := b.entries[p]
		errs.Extend(e.errs)
		r := e.good
		if r == nil || (!b.opts.KeepLastGood && len(e.errs.Errors(b.opts.Strict)) > 0) {
			continue
		}
		if !b.publishable(r.meta) {
			continue
		}
		cands = append(cands, cand{p, r})
	}
	for _, co := range b.companies {
		errs.Extend(co.errs)
	}
	out := make([]*rendered, 0, len(cands))
	slugs := make(map[string]cand, len(cands))
	for _, c := range cands {
		m := c.r.meta
		if slices.Contains(siteDirs, m.Slug) {
			errs.Add(diag.At(c.path, m.SlugAt, "slug %s is taken by the site's own pages (%s): set another slug", m.Slug, strings.Join(siteDirs, ", ")))
			continue
		}
		if other, ok := slugs[m.Slug]; ok {
			// The error goes to the later file by name, whichever is newer.
			first, second := other, c
			if second.path < first.path {
				first, second = second, first
			}
			errs.Add(diag.At(second.path, second.r.meta.SlugAt, "slug %s is already used by %s", m.Slug, first.path))
			continue
		}
		slugs[m.Slug] = c
		out = append(out, c.r)
	}
	errs.Extend(tagCollisions(out))
	return out, errs
}

// tagCollisions reports tags of different briefs that would share a page:
// they make one URL but are written differently beyond letter case (C# and
// C). The error is at the later brief's tag.
func tagCollisions(pub []*rendered) diag.List {
	var errs diag.List
	type first struct {
		tag  brief.Tag
		path string
	}
	seen := map[string]first{}
	for _, r := range pub {
		for _, t := range r.meta.Tags {
			f, ok := seen[t.Slug]
			if !ok {
				seen[t.Slug] = first{t, r.meta.Path}
				continue
			}
			if sameTag(f.tag.Name, t.Name) {
				continue
			}
			errs.Add(diag.At(r.meta.Path, t.At, "tag %q has the same URL (tags/%s/) as tag %q at %s:%d:%d: write the tag the same way everywhere, or rename one",
				t.Name, t.Slug, f.tag.Name, f.path, f.tag.At.Line, f.tag.At.Col))
		}
	}
	return errs
}

// sameTag reports whether two tags are written alike but for letter case
// and spacing.
func sameTag(a, b string) bool {
	norm := func(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }
	return norm(a) == norm(b)
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

// listCache is what a paginated list rendered last time: a page is reused
// when it would show the same items, so an edit to a brief's prose (which
// changes no list item) re-renders no list page at all.
type listCache struct {
	heading string
	items   []*listItem
	pages   map[string][]byte
}

func sameItems(a, b []*listItem, lo, hi int) bool {
	if hi > len(a) || hi > len(b) {
		return false
	}
	for i := lo; i < hi; i++ {
		if a[i] != b[i] && *a[i] != *b[i] {
			return false
		}
	}
	return true
}

// listPages writes a paginated list under dir ("" for the home page).
func (b *Builder) listPages(files map[string][]byte, dir, heading, title string, items []*listItem) error {
	tagList := strings.HasPrefix(dir, "tags/")
	per := b.opts.PerPage
	pages := max(1, (len(items)+per-1)/per)
	prev := b.lists[dir]
	if prev != nil && (prev.heading != heading || (len(prev.items)+per-1)/per != (len(items)+per-1)/per) {
		prev = nil // page count or heading changed: every page's pager or title differs
	}
	cur := &listCache{heading: heading, items: items, pages: map[string][]byte{}}
	if b.opts.Sink == nil {
		b.nextLists[dir] = cur // a streaming build keeps nothing
	}
	depth := strings.Count(dir, "/")
	for p := 1; p <= pages; p++ {
		lo, hi := (p-1)*per, min(p*per, len(items))
		rel := dir
		if p > 1 {
			rel += "page/" + strconv.Itoa(p) + "/"
		}
		if prev != nil && sameItems(prev.items, items, lo, hi) && prev.pages[rel] != nil {
			cur.pages[rel] = prev.pages[rel]
			files[rel+"index.html"] = prev.pages[rel]
			continue
		}
		root := strings.Repeat("../", depth+strings.Count(rel[len(dir):], "/"))
		if root == "" {
			root = "./"
		}
		lv := &listView{Heading: heading, Items: items[lo:hi], Page: p, Pages: pages, AllTags: tagList}
		if p > 1 {
			lv.Prev = dir
			if p > 2 {
				lv.Prev += "page/" + strconv.Itoa(p-1) + "/"
			}
		}
		if p < pages {
			lv.Next = dir + "page/" + strconv.Itoa(p+1) + "/"
		}
		t := title
		if p > 1 {
			t += fmt.Sprintf(" (page %d)", p)
		}
		d := &pageData{Root: root, Title: t, OGTitle: t, Description: b.site.Description, Canonical: b.abs(rel), List: lv}
		page, err := b.execute("list.html", d)
		if err != nil {
			return err
		}
		cur.pages[rel] = page
		files[rel+"index.html"] = page
	}
	return nil
}

// addBrief puts a brief's page, files and OpenGraph image into files.
func addBrief(files map[string][]byte, r *rendered) {
	dir := r.meta.Slug + "/"
	files[dir+"index.html"] = r.page
	for name, data := range r.files {
		files[dir+name] = data
	}
	if r.og != nil {
		files[r.og.path()] = r.ogData
	}
}

// removeBrief takes out what addBrief put in.
func removeBrief(files map[string][]byte, r *rendered) {
	dir := r.meta.Slug + "/"
	delete(files, dir+"index.html")
	for name := range r.files {
		delete(files, dir+name)
	}
	if r.og != nil {
		delete(files, r.og.path())
	}
}

// count records how many briefs and charts are published.
func (o *Output) count(pub []*rendered) {
	for _, r := range pub {
		o.Briefs++
		o.Charts += r.charts
	}
}

// writeLists writes the home page list and every tag's list.
func (b *Builder) writeLists(files map[string][]byte, pub []*rendered) error {
	items := make([]*listItem, 0, len(pub))
	tags := map[string][]*listItem{}
	tagNames := map[string]string{}
	for _, r := range pub {
		items = append(items, &r.item)
		for _, t := range r.meta.Tags {
			tags[t.Slug] = append(tags[t.Slug], &r.item)
			if _, ok := tagNames[t.Slug]; !ok {
				tagNames[t.Slug] = t.Name
			}
		}
	}
	if err := b.listPages(files, "", "Latest briefs", b.site.Title, items); err != nil {
		return err
	}
	tagSlugs := make([]string, 0, len(tags))
	for s := range tags {
		tagSlugs = append(tagSlugs, s)
	}
	sort.Strings(tagSlugs)
	index := make([]tagCount, 0, len(tagSlugs))
	for _, s := range tagSlugs {
		name := tagNames[s]
		if err := b.listPages(files, "tags/"+s+"/", "Briefs tagged “"+name+"”", "Tagged "+name+" · "+b.site.Title, tags[s]); err != nil {
			return err
		}
		index = append(index, tagCount{Name: name, URL: "tags/" + s + "/", Count: plural.Count(len(tags[s]), "brief")})
	}
	page, err := b.execute("tags.html", &pageData{Root: "../", Title: "Tags · " + b.site.Title, OGTitle: "Tags",
		Description: b.site.Description, Canonical: b.abs("tags/"), Tags: index})
	if err != nil {
		return err
	}
	files["tags/index.html"] = page
	return nil
}

// assemble writes every output file from the rendered briefs.
func (b *Builder) assemble(errs diag.List) (*Output, diag.List) {
	errs.Extend(b.siteErr)
	errs.Add(b.contentErr)
	pub, briefErrs := b.published()
	errs.Extend(briefErrs)
	errs.Sort()
	if b.pages == nil {
		return nil, errs
	}
	b.nextLists = map[string]*listCache{}
	defer func() { b.lists, b.nextLists = b.nextLists, nil }()
	changed := b.changed
	b.changed = nil
	patch := b.opts.KeepLastGood && b.last != nil && !b.moved
	b.moved = false
	if patch {
		return b.patch(pub, changed, errs)
	}
	out := &Output{Files: make(map[string][]byte, len(b.entries)*4+len(b.assets))}
	for p, data := range b.assets {
		out.Files[p] = data
	}
	for _, r := range pub {
		if b.opts.Sink == nil { // a streaming build wrote them already
			addBrief(out.Files, r)
		}
	}
	out.count(pub)
	fail := func(err error) (*Output, diag.List) {
		if !errors.Is(err, errLayouts) {
			errs.Add(&diag.Error{File: "layouts", Msg: err.Error()})
		}
		return nil, errs
	}
	if err := b.writeLists(out.Files, pub); err != nil {
		return fail(err)
	}
	coPaths, err := b.writeCompanies(out.Files, pub)
	if err != nil {
		return fail(err)
	}
	b.coPaths = coPaths
	if b.opts.Sink != nil {
		out.Companies = len(b.coItems)
	}
	notFound, err := b.execute("404.html", &pageData{Root: "/", Title: "Page not found · " + b.site.Title, OGTitle: "Page not found"})
	if err != nil {
		return fail(err)
	}
	out.Files["404.html"] = notFound
	out.Files["feed.xml"] = b.feed(pub)
	robots := "User-agent: *\nAllow: /\n"
	// A sitemap lists absolute URLs: without a base URL there is none.
	if b.opts.BaseURL != "" {
		out.Files["sitemap.xml"] = b.sitemap(out, pub)
		robots += "Sitemap: " + b.abs("sitemap.xml") + "\n"
	}
	out.Files["robots.txt"] = []byte(robots)
	b.last = out
	return out, errs
}

// patch derives the output from the previous one when no brief was added,
// removed or moved: only the changed briefs' files and the list pages are
// replaced. The previous map is cloned, never modified, since the preview
// server may still be serving it.
func (b *Builder) patch(pub []*rendered, changed []change, errs diag.List) (*Output, diag.List) {
	files := maps.Clone(b.last.Files)
	for _, c := range changed {
		if c.old != nil {
			removeBrief(files, c.old)
		}
	}
	for _, c := range changed {
		if c.new != nil {
			addBrief(files, c.new)
		}
	}
	// A removed rendering took its image with it, but briefs with identical
	// cards share one image: put back any that a published brief still uses.
	for _, r := range pub {
		if r.og != nil && r.ogData != nil {
			if _, ok := files[r.og.path()]; !ok {
				files[r.og.path()] = r.ogData
			}
		}
	}
	out := &Output{Files: files}
	out.count(pub)
	if err := b.writeLists(files, pub); err != nil {
		if !errors.Is(err, errLayouts) {
			errs.Add(&diag.Error{File: "layouts", Msg: err.Error()})
		}
		return nil, errs
	}
	coPaths, err := b.writeCompanies(files, pub)
	if err != nil {
		if !errors.Is(err, errLayouts) {
			errs.Add(&diag.Error{File: "layouts", Msg: err.Error()})
		}
		return nil, errs
	}
	// A brief that moved to another company leaves a page behind.
	stale := false
	for p := range b.coPaths {
		if !coPaths[p] {
			delete(files, p)
			stale = true
		}
	}
	stale = stale || len(coPaths) != len(b.coPaths)
	b.coPaths = coPaths
	files["feed.xml"] = b.feed(pub)
	if stale {
		files["sitemap.xml"] = b.sitemap(out, pub)
	}
	b.last = out
	return out, errs
}

// xbrlJSON is what figures.json says of a figure checked against filings:
// its concept and, by period, the filing each value agrees with.
type xbrlJSON struct {
	Concept string                   `json:"concept"`
	Filings map[string]*brief.Filing `json:"filings,omitempty"`
}

// figuresJSON lists every figure and derived value of a brief with exact
// decimals as strings.
func figuresJSON(bf *brief.Brief) []byte {
	type src struct {
		ID    string `json:"id"`
		Title string `json:"title"`
		URL   string `json:"url,omitempty"`
		Date  string `json:"date,omitempty"`
	}
	type val struct {
		Name        string            `json:"name"`
		Kind        string            `json:"kind"`
		Label       string            `json:"label"`
		Unit        string            `json:"unit"`
		Currency    string            `json:"currency,omitempty"`
		Scale       string            `json:"scale,omitempty"`
		Value       string            `json:"value,omitempty"`
		Display     string            `json:"display,omitempty"`
		Values      map[string]string `json:"values,omitempty"`
		Expr        string            `json:"expr,omitempty"`
		Computation string            `json:"computation,omitempty"`
		Sources     []string          `json:"sources,omitempty"`
		XBRL        *xbrlJSON         `json:"xbrl,omitempty"`
	}
	doc := struct {
		Slug    string `json:"slug"`
		Title   string `json:"title"`
		Company string `json:"company,omitempty"`
		Period  string `json:"period,omitempty"`
		Date    string `json:"date"`
		Note    string `json:"note"`
		Sources []src  `json:"sources"`
		Figures []val  `json:"figures"`
	}{Slug: bf.Slug, Title: bf.Title, Company: bf.Company, Period: bf.Period, Date: bf.Date.Format("2006-01-02"),
		Note:    "Values are exact decimals as strings: money in whole currency units, percentages as fractions (0.58 is 58%).",
		Sources: []src{}, Figures: []val{}}
	for _, s := range bf.Sources {
		doc.Sources = append(doc.Sources, src{s.ID, s.Title, s.URL, s.Date})
	}
	filed := map[*figures.Entry]*xbrlJSON{}
	for _, x := range bf.XBRL {
		filed[x.Entry] = &xbrlJSON{Concept: x.Concept, Filings: x.Filings}
	}
	for _, e := range bf.Figures.Entries() {
		v := val{Name: e.Name, Kind: "figure", Label: e.Label, Unit: e.Value.Unit.String(), XBRL: filed[e]}
		if e.Derived {
			v.Kind, v.Expr, v.Computation = "derived", e.ExprText, e.Computation
		}
		if e.Value.Unit == figures.Money {
			v.Currency, v.Scale = e.Value.Currency, e.Value.Scale.Name
		}
		if len(e.Series) > 0 {
			v.Unit = e.Series[0].Value.Unit.String()
			v.Values = map[string]string{}
			for _, p := range e.Series {
				v.Values[p.Period] = p.Value.Exact()
			}
			if e.Series[0].Value.Unit == figures.Money {
				v.Currency, v.Scale = e.Series[0].Value.Currency, e.Series[0].Value.Scale.Name
			}
		}
		if e.HasValue {
			v.Value = e.Value.Exact()
			v.Display, _ = figures.Format(e.Value, e.Format)
		}
		for _, s := range e.Sources {
			v.Sources = append(v.Sources, s.ID)
		}
		doc.Figures = append(doc.Figures, v)
	}
	data, _ := json.MarshalIndent(doc, "", "  ")
	return append(data, '\n')
}
