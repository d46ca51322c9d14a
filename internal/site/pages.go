package site

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"html/template"
	"maps"
	"sort"
	"strconv"
	"strings"

	"github.com/briefs/briefs/internal/brief"
	"github.com/briefs/briefs/internal/diag"
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
	Company     *companyView
	Companies   *companiesView
}

type tagLink struct{ Name, URL string }

type valueRow struct{ Label, Text, Data, How string }

type briefView struct {
	Root              string
	Title, Summary    string
	DateISO, DateText string
	Company, Ticker   string
	Period            string
	Tags              []tagLink
	Body              template.HTML
	Values            []valueRow
	Sources           []*figures.Source
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

// TagSlug makes a tag's URL segment.
func TagSlug(tag string) string {
	var sb strings.Builder
	dash := false
	for _, r := range strings.ToLower(tag) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			sb.WriteRune(r)
			dash = false
		} else if !dash && sb.Len() > 0 {
			sb.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(sb.String(), "-")
}

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
		Body: template.HTML(body), Sources: bf.Sources,
	}
	v.CompanyLink, v.Prev, v.Next = b.nav(e)
	for _, t := range bf.Tags {
		v.Tags = append(v.Tags, tagLink{Name: t, URL: "tags/" + TagSlug(t) + "/"})
	}
	for _, e := range bf.Figures.Entries() {
		if !e.HasValue {
			continue
		}
		text, err := figures.Format(e.Value, e.Format)
		if err != nil {
			text, _ = figures.Format(e.Value, "")
		}
		v.Values = append(v.Values, valueRow{Label: e.Label, Text: text, Data: e.Value.DataValue(), How: how(e) + restatedNote(e)})
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

// how says where a value comes from: the computation of a derived value,
// the source of a reported one.
func how(e *figures.Entry) string {
	var titles []string
	for _, s := range e.Sources {
		titles = append(titles, s.Title)
	}
	src := strings.Join(titles, "; ")
	switch {
	case e.Derived && src != "":
		return "= " + e.Computation + " · " + src
	case e.Derived:
		return "= " + e.Computation
	case src != "":
		return "Reported: " + src
	}
	return "Reported"
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
	slugs := make(map[string]string, len(cands))
	for _, c := range cands {
		if other, ok := slugs[c.r.meta.Slug]; ok {
			first, second := other, c.path
			if second < first {
				first, second = second, first
			}
			errs.Add(&diag.Error{File: second, Line: 1, Col: 1, Msg: fmt.Sprintf("slug %s is already used by %s", c.r.meta.Slug, first)})
			continue
		}
		slugs[c.r.meta.Slug] = c.path
		out = append(out, c.r)
	}
	return out, errs
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
		lv := &listView{Heading: heading, Items: items[lo:hi], Page: p, Pages: pages}
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
			s := TagSlug(t)
			tags[s] = append(tags[s], &r.item)
			if _, ok := tagNames[s]; !ok {
				tagNames[s] = t
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
	for _, s := range tagSlugs {
		name := tagNames[s]
		if err := b.listPages(files, "tags/"+s+"/", "Briefs tagged “"+name+"”", "Tagged "+name+" · "+b.site.Title, tags[s]); err != nil {
			return err
		}
	}
	return nil
}

// assemble writes every output file from the rendered briefs.
func (b *Builder) assemble(errs diag.List) (*Output, diag.List) {
	errs.Extend(b.siteErr)
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
	out.Files["sitemap.xml"] = b.sitemap(out, pub)
	robots := "User-agent: *\nAllow: /\n"
	if b.opts.BaseURL != "" {
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

func (b *Builder) feed(pub []*rendered) []byte {
	type link struct {
		Href string `xml:"href,attr"`
		Rel  string `xml:"rel,attr,omitempty"`
		Type string `xml:"type,attr,omitempty"`
	}
	type entryX struct {
		Title   string `xml:"title"`
		Link    link   `xml:"link"`
		ID      string `xml:"id"`
		Updated string `xml:"updated"`
		Summary string `xml:"summary,omitempty"`
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
	f := feedX{Title: b.site.Title, Updated: "1970-01-01T00:00:00Z"}
	f.Author.Name = b.site.Title
	base := b.abs("")
	f.ID = base
	if base == "" {
		f.ID = "urn:briefs:" + TagSlug(b.site.Title)
		f.Links = []link{{Href: "./", Rel: "alternate"}}
	} else {
		f.Links = []link{{Href: base, Rel: "alternate"}, {Href: base + "feed.xml", Rel: "self", Type: "application/atom+xml"}}
	}
	for i, r := range pub {
		if i == 20 {
			break
		}
		bf := r.meta
		updated := bf.Date.Format("2006-01-02") + "T00:00:00Z"
		if i == 0 {
			f.Updated = updated
		}
		e := entryX{Title: bf.Title, Link: link{Href: bf.Slug + "/"}, Updated: updated, Summary: bf.Summary}
		if base != "" {
			e.Link.Href, e.ID = base+bf.Slug+"/", base+bf.Slug+"/"
		} else {
			e.ID = "urn:briefs:" + bf.Slug
		}
		f.Entries = append(f.Entries, e)
	}
	data, _ := xml.MarshalIndent(f, "", "  ")
	return append([]byte(xml.Header), append(data, '\n')...)
}

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
	if b.opts.Sink != nil { // brief and company pages went straight to the sink
		for _, r := range pub {
			pages = append(pages, r.meta.Slug+"/index.html")
		}
		for k := range b.coItems {
			pages = append(pages, companyURL(k)+"index.html")
		}
	}
	sort.Strings(pages)
	for _, p := range pages {
		loc := strings.TrimSuffix(p, "index.html")
		if b.opts.BaseURL != "" {
			loc = b.abs(loc)
		} else {
			loc = "/" + loc
		}
		buf.WriteString("  <url><loc>")
		_ = xml.EscapeText(&buf, []byte(loc))
		buf.WriteString("</loc></url>\n")
	}
	buf.WriteString("</urlset>\n")
	return buf.Bytes()
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
	for _, e := range bf.Figures.Entries() {
		v := val{Name: e.Name, Kind: "figure", Label: e.Label, Unit: e.Value.Unit.String()}
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
