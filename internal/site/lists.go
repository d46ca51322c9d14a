package site

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/briefs/briefs/internal/brief"
	"github.com/briefs/briefs/internal/diag"
	"github.com/briefs/briefs/internal/plural"
)

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
		// depends on map iteration. Each brief's key is made once, not
		// at each comparison (at 100,000 briefs those were seconds).
		type keyed struct {
			key  orderKey
			path string
		}
		ks := make([]keyed, len(b.order))
		for i, p := range b.order {
			// The date and slug alone: sortKey's tags are not compared.
			ks[i].path = p
			if r := b.entries[p].good; r != nil {
				ks[i].key.date, ks[i].key.slug = r.meta.Date, r.meta.Slug
			}
		}
		sort.Slice(ks, func(i, j int) bool {
			a, c := ks[i].key, ks[j].key
			if !a.date.Equal(c.date) {
				return a.date.After(c.date)
			}
			if a.slug != c.slug {
				return a.slug < c.slug
			}
			return ks[i].path < ks[j].path
		})
		for i := range ks {
			b.order[i] = ks[i].path
		}
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
	metaAt := func(i int) meta { return out[i].meta }
	errs.Extend(tagCollisions(len(out), metaAt))
	errs.Extend(companyCollisions(len(out), metaAt))
	return out, errs
}

// tagCollisions reports tags of different briefs that would share a page:
// they make one URL but are written differently beyond letter case (C# and
// C). The error is at the later brief's tag, in publication order: the
// tag written first keeps its page. The n published briefs are meta(0),
// the newest, to metaAt(n-1).
func tagCollisions(n int, metaAt func(int) meta) diag.List {
	var errs diag.List
	type first struct {
		tag  brief.Tag
		path string
	}
	seen := map[string]first{}
	for i := n - 1; i >= 0; i-- { // in publication order: newest first
		m := metaAt(i)
		for _, t := range m.Tags {
			f, ok := seen[t.Slug]
			if !ok {
				seen[t.Slug] = first{t, m.Path}
				continue
			}
			if sameTag(f.tag.Name, t.Name) {
				continue
			}
			errs.Add(diag.At(m.Path, t.At, "tag %q has the same URL (tags/%s/) as tag %q at %s:%d:%d: write the tag the same way everywhere, or rename one",
				t.Name, t.Slug, f.tag.Name, f.path, f.tag.At.Line, f.tag.At.Col))
		}
	}
	return errs
}

// companyCollisions reports companies that would share a page: different
// tickers or company names (AMZN and amzn, "Acme, Inc." and "Acme Inc.")
// make one URL, but their briefs are different companies that never read
// each other's values. The error is at the later brief's ticker or company,
// in publication order. The briefs are as for tagCollisions.
func companyCollisions(n int, metaAt func(int) meta) diag.List {
	var errs diag.List
	seen := map[string]meta{}
	for i := n - 1; i >= 0; i-- { // in publication order: newest first
		m := metaAt(i)
		if m.Company == "" {
			continue
		}
		slug := companySlug(m.Company)
		f, ok := seen[slug]
		if !ok {
			seen[slug] = m
			continue
		}
		if f.Company == m.Company {
			continue
		}
		errs.Add(diag.At(m.Path, m.CompanyAt, "%s %q has the same page (companies/%s/) as %s %q at %s:%d:%d: write the company the same way in every brief, or rename one",
			m.CompanyField, m.Company, slug, f.CompanyField, f.Company, f.Path, f.CompanyAt.Line, f.CompanyAt.Col))
	}
	return errs
}

// sameTag reports whether two tags are written alike but for letter case
// and spacing.
func sameTag(a, b string) bool {
	norm := func(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }
	return norm(a) == norm(b)
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
func (b *Builder) listPages(put putFunc, dir, heading, title string, l itemList) error {
	per := b.opts.PerPage
	pages := max(1, (l.len()+per-1)/per)
	prev := b.lists[dir]
	if prev != nil && (l.recs != nil || prev.heading != heading || (len(prev.items)+per-1)/per != (l.len()+per-1)/per) {
		prev = nil // page count or heading changed: every page's pager or title differs
	}
	items := l.items
	cur := &listCache{heading: heading, items: items, pages: map[string][]byte{}}
	if b.opts.Sink == nil {
		b.nextLists[dir] = cur // a streaming build keeps nothing
	}
	for p := 1; p <= pages; p++ {
		lo, hi := (p-1)*per, min(p*per, l.len())
		rel := dir
		if p > 1 {
			rel += "page/" + strconv.Itoa(p) + "/"
		}
		if prev != nil && sameItems(prev.items, items, lo, hi) && prev.pages[rel] != nil {
			cur.pages[rel] = prev.pages[rel]
			if err := put(rel+"index.html", prev.pages[rel]); err != nil {
				return err
			}
			continue
		}
		page, err := b.listPage(dir, heading, title, l.slice(lo, hi), p, pages)
		if err != nil {
			return err
		}
		if b.opts.Sink == nil {
			cur.pages[rel] = page
		}
		if err := put(rel+"index.html", page); err != nil {
			return err
		}
	}
	return nil
}

// putFunc receives one output file.
type putFunc func(name string, data []byte) error

// listPut is where list pages go: into files, or, in a streaming build,
// straight to the sink (at 100,000 briefs the lists are thousands of
// pages), their paths kept in streamed for the sitemap.
// A build that already failed keeps them in files, as a build without a
// sink does: nothing of it is published, and a brief's page streamed where
// a list page goes (a slug taken by the site's own pages) must not turn
// into a second error.
func (b *Builder) listPut(files map[string][]byte, streamed *[]string, failed bool) putFunc {
	if b.opts.Sink == nil || failed {
		return func(name string, data []byte) error {
			files[name] = data
			return nil
		}
	}
	return func(name string, data []byte) error {
		*streamed = append(*streamed, name)
		return b.opts.Sink.WriteFile(name, data)
	}
}

// listPage renders page p (of pages) of the list under dir, showing items.
func (b *Builder) listPage(dir, heading, title string, items []*listItem, p, pages int) ([]byte, error) {
	rel := dir
	if p > 1 {
		rel += "page/" + strconv.Itoa(p) + "/"
	}
	root := strings.Repeat("../", strings.Count(rel, "/"))
	if root == "" {
		root = "./"
	}
	lv := &listView{Heading: heading, Items: items, Page: p, Pages: pages, AllTags: strings.HasPrefix(dir, "tags/")}
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
	return b.execute("list.html", d)
}

// itemList is the items of a list, newest first: held in memory, or
// the records at (of a streaming build), made a page at a time.
type itemList struct {
	items []*listItem
	recs  *records
	at    []int32
}

func (l itemList) len() int {
	if l.recs != nil {
		return len(l.at)
	}
	return len(l.items)
}

// slice returns items lo to hi.
func (l itemList) slice(lo, hi int) []*listItem {
	if l.recs == nil {
		return l.items[lo:hi]
	}
	out := make([]*listItem, 0, hi-lo)
	for _, i := range l.at[lo:hi] {
		out = append(out, l.recs.item(i))
	}
	return out
}

// briefLists are the home page's list and each tag's, by tag slug, with
// each tag's name (as the newest brief writes it).
type briefLists struct {
	home  itemList
	tags  map[string]itemList
	names map[string]string
}

// listsOf makes the lists of the published briefs.
func listsOf(pub []*rendered) briefLists {
	l := briefLists{home: itemList{items: make([]*listItem, 0, len(pub))}, tags: map[string]itemList{}, names: map[string]string{}}
	for _, r := range pub {
		l.home.items = append(l.home.items, &r.item)
		for _, t := range r.meta.Tags {
			tl := l.tags[t.Slug]
			tl.items = append(tl.items, &r.item)
			l.tags[t.Slug] = tl
			if _, ok := l.names[t.Slug]; !ok {
				l.names[t.Slug] = t.Name
			}
		}
	}
	return l
}

// writeLists writes the home page list and every tag's list.
func (b *Builder) writeLists(put putFunc, l briefLists) error {
	if err := b.listPages(put, "", "Latest briefs", b.site.Title, l.home); err != nil {
		return err
	}
	tagSlugs := make([]string, 0, len(l.tags))
	for s := range l.tags {
		tagSlugs = append(tagSlugs, s)
	}
	sort.Strings(tagSlugs)
	index := make([]tagCount, 0, len(tagSlugs))
	for _, s := range tagSlugs {
		name := l.names[s]
		if err := b.listPages(put, "tags/"+s+"/", "Briefs tagged “"+name+"”", "Tagged "+name+" · "+b.site.Title, l.tags[s]); err != nil {
			return err
		}
		index = append(index, tagCount{Name: name, URL: "tags/" + s + "/", Count: plural.Count(l.tags[s].len(), "brief")})
	}
	page, err := b.tagsPage(index)
	if err != nil {
		return err
	}
	return put("tags/index.html", page)
}

// tagsPage renders tags/, the page of every tag.
func (b *Builder) tagsPage(index []tagCount) ([]byte, error) {
	return b.execute("tags.html", &pageData{Root: "../", Title: "Tags · " + b.site.Title, OGTitle: "Tags",
		Description: b.site.Description, Canonical: b.abs("tags/"), Tags: index})
}
