package site

import (
	"bytes"
	"container/list"
	"context"
	"errors"
	"io/fs"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/briefs/briefs/internal/brief"
	"github.com/briefs/briefs/internal/chart"
	"github.com/briefs/briefs/internal/content"
	"github.com/briefs/briefs/internal/diag"
	"github.com/briefs/briefs/internal/figures"
	"github.com/briefs/briefs/internal/gctune"
	"github.com/briefs/briefs/internal/plural"
	"github.com/briefs/briefs/internal/sec"
)

// Preview is a site served while it is edited, rendered on request. It
// keeps what the lists, tag pages, company pages and feed need of each
// brief (its record: the frontmatter with its values resolved across the
// company), and renders a page when it is asked for, keeping the latest in
// a bounded cache; so a preview of 100,000 briefs starts in seconds and
// holds little memory. An edit re-renders at once the briefs whose pages
// are in the cache (the open pages); the others keep only their new
// records, and a background pass (Check) renders every brief not rendered
// since it changed, for the errors only rendering finds (a reference in
// the prose, a chart).
//
// A brief whose page rendered keeps serving that page while an edit
// breaks it, if the page is still in the cache.
//
// Its methods are safe for concurrent use.
type Preview struct {
	b *Builder
	// Changed, when set, is called after Check found new errors or took a
	// brief off the lists (without the builder's lock).
	Changed func()

	// The fields below are guarded by b.mu; mu guards those the render
	// workers of an update share.
	initial  bool            // records only: the first build
	eager    map[string]bool // briefs that render now, whatever the cache
	loadErrs diag.List
	errs     diag.List
	pub      []*rendered
	bySlug   map[string]string // published slug → brief path
	gen      uint64            // publications so far: list pages' cache key
	views    *views            // groupings of pub, made on demand
	// rows are the companies' rows on /companies/, made when a company is
	// read; guarded by mu.
	rows     map[string]*companyItem
	r        *chart.Renderer
	dirty    bool      // Check changed the errors or the lists
	notified time.Time // when Check last published
	sweep    []*entry  // every brief, to render once in the background
	hydrated []*entry  // the briefs whose frontmatter is read (one company)
	gone     []string  // companies an update may leave without briefs
	// at is each published brief's place in pub; errEntries the briefs
	// with errors and collisions the errors of slugs and tags shared, as
	// of the last full publication.
	at         map[string]int
	errEntries []*entry
	collisions diag.List
	wake       chan struct{}
	// settled tells whether Check gave the memory back since the site was
	// read; freeMemory gives it (debug.FreeOSMemory).
	settled    bool
	freeMemory func()
	// busy is until when the sweep waits: a request or an edit was just
	// served, and the user waits for the next.
	busy time.Time

	mu sync.Mutex
	// unverified are the records not rendered since they changed, with the
	// good rendering each replaced (nil: none).
	unverified map[*rendered]*rendered
	// pending are the briefs whose rendering is to check; soon those an
	// edit touched, checked before the sweep.
	pending map[*entry]bool
	soon    []*entry
	cache   *pageCache
	// touched are the briefs rendered or read since the last publication.
	touched []*entry
}

// PreviewCacheBytes bounds the memory of a preview's rendered pages.
const PreviewCacheBytes = 64 << 20

// NewPreview returns a preview of the source tree in fsys; Build reads it.
func NewPreview(fsys fs.FS, opts Options) *Preview {
	opts.KeepLastGood, opts.NoOG, opts.Sink = true, true, nil
	p := &Preview{b: NewBuilder(fsys, opts), unverified: map[*rendered]*rendered{}, pending: map[*entry]bool{},
		cache: newPageCache(PreviewCacheBytes), wake: make(chan struct{}, 1), freeMemory: debug.FreeOSMemory}
	p.b.preview = p
	return p
}

// Build reads every brief and resolves its values, rendering none.
func (p *Preview) Build() {
	p.b.mu.Lock()
	defer p.b.mu.Unlock()
	p.loadAll()
}

// loadAll reads layouts, the site's settings and every brief. The caller
// holds b.mu.
func (p *Preview) loadAll() {
	b := p.b
	// Most of what reading every brief allocates is garbage at once.
	defer gctune.Load()()
	p.loadErrs = b.loadLayouts()
	b.loadSite()
	paths, err := content.List(b.fsys)
	b.contentErr = contentError(err)
	b.filings = sec.NewCache(b.fsys)
	p.load(paths)
	p.publish()
	p.signal()
	p.settled = false
}

// load reads the given briefs (every brief of the site) company by
// company, resolves their values and keeps their records, replacing the
// entries. Only one company per worker is read at a time, and what the
// records do not need is dropped as each is done. A brief that does not
// read now keeps its last good rendering.
func (p *Preview) load(paths []string) {
	b := p.b
	p.dropHydrated()
	p.mu.Lock()
	p.rows = nil
	p.mu.Unlock()
	old := b.entries
	jobs, heads := p.readHeads(paths)
	results := make([][]*entry, len(jobs))
	cos := make([][]*company, len(jobs))
	p.initial = true
	parallel(context.Background(), len(jobs), func() func(int) {
		return func(j int) {
			var group []*entry
			for _, i := range jobs[j] {
				path := paths[i]
				var e *entry
				if heads[i] != nil {
					e = b.readSource(path, heads[i], false)
					heads[i] = nil // each worker its own companies' heads
				} else {
					e = b.readOne(path, false)
				}
				if !e.gone {
					if prev := old[path]; prev != nil {
						e.good = prev.good
					}
					group = append(group, e)
				}
			}
			results[j] = group
			// The quick look may have been wrong, or a file changed since:
			// each brief goes with the briefs of the key it names now.
			byKey := map[string][]*entry{}
			var keys []string
			for _, e := range group {
				if e.fm != nil && e.key != "" {
					if byKey[e.key] == nil {
						keys = append(keys, e.key)
					}
					byKey[e.key] = append(byKey[e.key], e)
				}
			}
			here := map[string]*company{}
			for _, key := range keys {
				here[key] = newCompany(key, byKey[key])
				cos[j] = append(cos[j], here[key])
			}
			rvs := make([]*resolver, len(group))
			for i, e := range group {
				if e.fm != nil {
					rvs[i] = &resolver{co: here[e.key], self: e}
					e.fm.Figures.SetResolver(rvs[i])
				}
			}
			for _, co := range here {
				co.resolving = true
			}
			for i, e := range group {
				if e.fm != nil {
					e.resolveErrs = e.fm.Resolve(rvs[i])
				}
			}
			for _, key := range keys {
				here[key].resolving, here[key].cycles = false, nil
				here[key].check()
			}
			for _, e := range group {
				p.record(e)
			}
			for _, key := range keys {
				p.companyRow(here[key])
			}
			for _, e := range group {
				e.fm = nil
			}
		}
	})
	p.initial = false
	b.entries = map[string]*entry{}
	b.companies = map[string]*company{}
	for j, group := range results {
		for _, e := range group {
			b.entries[e.path] = e
		}
		for _, co := range cos[j] {
			b.companies[co.key] = co
		}
	}
	b.orderDirty, b.moved = true, true
	p.sweep = b.sortedEntries()
}

// readHeads reads every brief once and groups them by company (indexes
// into paths) from a quick look at each, as groupByCompany does; it keeps
// of each file what reading its frontmatter needs (brief.Head), so that
// the briefs are not read from disk twice. A file that could not be read
// has no head and is read again, for its error, in its turn; a file that
// is no more is left out.
func (p *Preview) readHeads(paths []string) (jobs [][]int, heads [][]byte) {
	b := p.b
	keys := make([]string, len(paths))
	gone := make([]bool, len(paths))
	heads = make([][]byte, len(paths))
	// One buffer for all the files a worker reads spares an allocation
	// per file; the folder's links are followed once.
	folder := content.OpenFolder(b.fsys, content.Dir)
	parallel(context.Background(), len(paths), func() func(int) {
		var buf []byte
		return func(i int) {
			src, err := folder.ReadFile(paths[i], buf)
			buf = src
			if err != nil {
				gone[i] = errors.Is(err, fs.ErrNotExist)
				return
			}
			// A copy: the head alone, not the file it is cut from.
			head := bytes.Clone(brief.Head(src))
			heads[i] = head
			key, ok := brief.QuickKey(head)
			if !ok {
				if bf, _ := brief.Read(paths[i], head); bf != nil {
					key = bf.Key()
				}
			}
			keys[i] = key
		}
	})
	return groupKeys(keys, gone), heads
}

// parts are what the company pages need of the company's published
// briefs, from their frontmatter (read, and resolved).
func (p *Preview) parts(co *company, published func(*entry) bool) []*coPart {
	var parts []*coPart
	for _, m := range co.members {
		if m.fm != nil && m.good != nil && published(m) {
			parts = append(parts, newCoPart(m.fm, co.key, &m.good.item))
		}
	}
	sortParts(parts)
	return parts
}

// companyRow makes a company's row on /companies/ while its briefs are
// read. Briefs that are not published are left out, as a build does.
func (p *Preview) companyRow(co *company) {
	row := previewRow(co, func(m *entry) bool { return p.b.publishable(m.good.meta) })
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.rows == nil {
		p.rows = map[string]*companyItem{}
	}
	if row == nil {
		delete(p.rows, co.key)
	} else {
		p.rows[co.key] = row
	}
}

// previewRow is the row newCompanyItem makes of the company's published
// briefs, nil when it has none. It reads of each brief only what the row
// shows (the headline's values alone, not every value by period as the
// company page needs): every brief of the site passes here when the
// preview starts.
func previewRow(co *company, published func(*entry) bool) *companyItem {
	var parts []*coPart
	sets := map[*coPart]*brief.Brief{}
	for _, m := range co.members {
		if m.fm != nil && m.good != nil && published(m) {
			bf := m.fm
			part := &coPart{key: co.key, name: bf.Company, ticker: bf.Ticker, period: bf.Period, headline: bf.Headline, item: &m.good.item, date: bf.Date}
			parts = append(parts, part)
			sets[part] = bf
		}
	}
	if len(parts) == 0 {
		return nil
	}
	sortParts(parts)
	latest := parts[0]
	for _, part := range parts[1:] {
		if c, ok := figures.ComparePeriods(part.period, latest.period); ok && c > 0 {
			latest = part
		}
	}
	name, ticker := co.key, ""
	for i := len(parts) - 1; i >= 0; i-- {
		if parts[i].name != "" {
			name = parts[i].name
		}
		if parts[i].ticker != "" {
			ticker = parts[i].ticker
		}
	}
	item := &companyItem{Name: name, Ticker: ticker, URL: companyURL(co.key), Briefs: len(parts), Period: latest.period}
	// The headline's values by period, chosen as newHistory chooses, and
	// its periods in the order it sorts them (SortPeriods orders any
	// subset of periods as it orders the whole).
	head := latest.headline
	at := map[string]*histValue{}
	var periods []string
	for _, part := range parts {
		bf := sets[part]
		e, ok := bf.Figures.Named(head)
		if !ok || e.Failed {
			continue
		}
		add := func(period string, f figures.Figure) {
			v := &histValue{coValue: coValue{name: f.Name, label: f.Label, period: period, v: f.Value, restated: f.Restated, note: f.Note, fig: f},
				date: part.date, own: period == part.period}
			cur, seen := at[period]
			if !seen {
				periods = append(periods, period)
			}
			if cur == nil || better(v, cur) {
				at[period] = v
			}
		}
		for _, per := range e.Periods {
			f, _ := bf.Figures.Point(head, per)
			add(per, f)
		}
		if f, ok := bf.Figures.Figure(head); ok && len(e.Periods) == 0 && bf.Period != "" {
			add(bf.Period, f)
		}
	}
	if hv := at[latest.period]; hv != nil {
		figures.SortPeriods(periods)
		series := make([]*histValue, len(periods))
		for i, per := range periods {
			series[i] = at[per]
		}
		item.HeadlineLabel = hv.label
		item.HeadlineText, item.HeadlineData = hv.fig.Text(), hv.fig.Data()
		item.Spark = sparkline(hv.label, series)
	}
	return item
}

// newCompany makes the company of members, which name key.
func newCompany(key string, members []*entry) *company {
	co := &company{key: key, members: members}
	co.sortMembers()
	co.sig = co.signature()
	for _, m := range co.members {
		if m.fm.Company != "" {
			co.name = m.fm.Company
		}
		if m.fm.Ticker != "" {
			co.ticker = m.fm.Ticker
		}
	}
	return co
}

// dropAll drops what was read of the given briefs but their records.
func (p *Preview) dropAll(paths []string) {
	for _, path := range paths {
		if e := p.b.entries[path]; e != nil {
			e.fm = nil
		}
	}
}

// dropHydrated drops the briefs that hydrate read (b.mu held).
func (p *Preview) dropHydrated() {
	for _, m := range p.hydrated {
		m.fm = nil
	}
	p.hydrated = nil
}

// hydrate reads again the frontmatter of e's company (e's alone when it
// has none) and resolves its values, for rendering e (b.mu held). It is
// false when a file changed since it was read: the update its change
// brings comes next.
func (p *Preview) hydrate(e *entry) bool {
	b := p.b
	if e.fm != nil {
		return true
	}
	p.dropHydrated()
	members := []*entry{e}
	co := b.companies[e.key]
	if e.key != "" && co != nil {
		members = co.members
	} else {
		co = nil
	}
	for _, m := range members {
		fresh := b.readOne(m.path, m == e)
		if fresh.fm == nil || fresh.key != m.key {
			for _, m := range members {
				m.fm = nil
			}
			return false
		}
		m.fm, m.readErrs = fresh.fm, fresh.readErrs
	}
	p.hydrated = members
	for _, m := range members {
		m.fm.Figures.SetResolver(&resolver{co: co, self: m})
	}
	if co != nil {
		co.resolving = true
	}
	for _, m := range members {
		m.resolveErrs = m.fm.Resolve(&resolver{co: co, self: m})
	}
	if co != nil {
		co.resolving, co.cycles = false, nil
	}
	return true
}

// Update reads the given source paths again (slash-separated, relative to
// the site folder: edited, created or deleted), renders the briefs whose
// pages are open and updates the records of the others.
func (p *Preview) Update(changed []string) {
	b := p.b
	b.mu.Lock()
	defer b.mu.Unlock()
	p.busy = time.Now().Add(quiet)
	p.dropHydrated()
	p.eager = map[string]bool{}
	var briefs []string
	restyle := false
	for _, c := range changed {
		switch {
		case c == "layouts" || strings.HasPrefix(c, "layouts/") || c == content.Index:
			restyle = true
		case !content.IsBrief(c):
			// The content folder itself, or filings: every brief is read
			// again.
			p.mu.Lock()
			p.cache.clear()
			p.mu.Unlock()
			p.loadAll()
			return
		default:
			p.eager[c] = true
			briefs = append(briefs, c)
		}
	}
	if restyle {
		// Layouts or the site's settings: every page may differ, but no
		// brief's record; every brief renders again in the background, for
		// the errors of the new layouts.
		p.loadErrs = b.loadLayouts()
		b.loadSite()
		p.mu.Lock()
		p.cache.clear()
		p.sweep = b.sortedEntries()
		for _, e := range p.sweep {
			if len(e.readErrs) == 0 {
				p.pending[e] = true
			}
		}
		p.mu.Unlock()
	}
	// The whole company of each edited brief, before and after, is read
	// again: its briefs read each other's values, and what was read of
	// them was dropped.
	seen := map[string]bool{}
	company := func(key string) {
		if co := b.companies[key]; key != "" && co != nil {
			for _, m := range co.members {
				if !seen[m.path] && !p.eager[m.path] {
					seen[m.path] = true
					briefs = append(briefs, m.path)
				}
			}
		}
	}
	for _, c := range changed {
		if e := b.entries[c]; e != nil {
			company(e.key)
			p.gone = append(p.gone, e.key)
		}
		if e := b.readOne(c, false); e.fm != nil {
			company(e.key)
		}
	}
	if errs := b.update(briefs); !restyle {
		p.loadErrs = errs
	}
	p.eager = nil
	rowed := map[string]bool{}
	for _, path := range briefs {
		if e := b.entries[path]; e != nil && !rowed[e.key] {
			rowed[e.key] = true
			if co := b.companies[e.key]; co != nil {
				p.companyRow(co)
			}
		}
	}
	for _, e := range p.gone {
		if b.companies[e] == nil {
			p.mu.Lock()
			delete(p.rows, e)
			p.mu.Unlock()
		}
	}
	p.gone = nil
	p.dropAll(briefs)
	p.publish()
	p.signal()
}

// Errors returns the site's problems (warnings included).
func (p *Preview) Errors() diag.List {
	p.b.mu.Lock()
	defer p.b.mu.Unlock()
	return p.errs
}

// signal wakes Check.
func (p *Preview) signal() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// renderMarked is an update's rendering of a brief it marked: a brief
// whose page is open (cached) or that was edited renders now; the others
// keep their new record until Check or a request renders them.
func (p *Preview) renderMarked(e *entry, r *chart.Renderer) {
	b := p.b
	key := "b:" + e.path
	p.mu.Lock()
	p.touched = append(p.touched, e)
	cached, _, open := p.cache.get(key)
	open = open || p.eager[e.path]
	p.cache.remove(key)
	p.mu.Unlock()
	if p.initial || !open {
		p.record(e)
		return
	}
	prev := e.good
	b.renderOne(e, r)
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.pending, e)
	if e.good == prev || e.good == nil {
		// Broken: the last good page stays, when there is one.
		p.revert(e)
		if cached != nil {
			p.cache.put(key, cached, 0)
		}
		return
	}
	delete(p.unverified, prev)
	p.cache.put(key, e.good, 0)
	e.good = strip(e.good)
}

// strip returns r without its files: what the builder keeps of a brief.
func strip(r *rendered) *rendered {
	s := *r
	s.page, s.files = nil, nil
	return &s
}

// revert takes back a record that did not render (p.mu held): the brief
// keeps the good rendering before it.
func (p *Preview) revert(e *entry) {
	for e.good != nil {
		prev, ok := p.unverified[e.good]
		if !ok {
			return
		}
		delete(p.unverified, e.good)
		e.good = prev
		p.b.orderDirty, p.b.moved = true, true
	}
}

// record keeps a brief's record without rendering it, as renderOne would
// keep it: with the errors of reading and resolving, and only when there
// are none (else the brief keeps its last good rendering).
func (p *Preview) record(e *entry) {
	b := p.b
	e.errs = append(append(diag.List{}, e.readErrs...), e.resolveErrs...)
	bf := e.fm
	if bf == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.initial && !p.pending[e] {
		p.soon = append(p.soon, e)
	}
	p.pending[e] = true
	if len(e.errs.Errors(b.opts.Strict)) > 0 {
		return
	}
	// The same record as renderOne's.
	out := &rendered{meta: meta{Path: e.path, Title: bf.Title, Summary: bf.Summary, Slug: bf.Slug, SlugAt: bf.SlugAt, Date: bf.Date, Updated: bf.Updated, ID: bf.ID, Draft: bf.Draft, Tags: bf.Tags}}
	out.item = item(bf)
	// What the company pages need is not kept (it is most of a brief's
	// values): they read their company again (companyRow, sitePage).
	if prev, ok := p.unverified[e.good]; ok {
		// The last good rendering is the one the unrendered record replaced.
		delete(p.unverified, e.good)
		p.unverified[out] = prev
	} else {
		p.unverified[out] = e.good
	}
	e.good = out
}

// renderNow renders a brief (b.mu held): its page and files on success,
// and the record stays; on failure the brief's errors say why, and a
// record never rendered gives way to the last good rendering.
func (p *Preview) renderNow(e *entry) *rendered {
	b := p.b
	if p.r == nil {
		r, err := chart.NewRenderer()
		if err != nil {
			e.errs = diag.List{{File: e.path, Msg: "cannot load the chart font: " + err.Error()}}
			return nil
		}
		p.r = r
	}
	// A file that changed or went since it was read is read again by the
	// update its change brings: until then it is not rendered, and that is
	// no error of the brief's.
	if !p.hydrate(e) {
		return nil
	}
	rec := e.good
	before := len(e.errs)
	b.renderOne(e, p.r)
	e.fm.DropSource()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.touched = append(p.touched, e)
	delete(p.pending, e)
	if len(e.errs) != before {
		p.dirty = true
	}
	if e.good == rec || e.good == nil || rec == nil {
		if _, ok := p.unverified[rec]; ok {
			p.dirty = true
		}
		p.revert(e)
		return nil
	}
	out := e.good
	e.good = rec // the lists hold the record
	delete(p.unverified, rec)
	return out
}

// Check renders in the background every brief not rendered since it
// changed, edited ones first, for the errors only rendering finds; it
// returns when ctx ends. New errors are published at most once a second
// while many briefs wait.
func (p *Preview) Check(ctx context.Context) {
	b := p.b
	for {
		b.mu.Lock()
		if wait := time.Until(p.busy); wait > 0 {
			p.mu.Lock()
			edited := len(p.soon) > 0
			p.mu.Unlock()
			if !edited {
				b.mu.Unlock()
				select {
				case <-ctx.Done():
					return
				case <-time.After(wait):
				}
				continue
			}
		}
		e := p.next()
		if e != nil {
			p.renderNow(e)
		}
		changed := false
		p.mu.Lock()
		idle := len(p.soon) == 0
		p.mu.Unlock()
		if p.dirty && (idle || time.Since(p.notified) > time.Second) {
			p.publish()
			p.dirty, p.notified, changed = false, time.Now(), true
		}
		// Reading the site and checking every brief left most of what
		// they allocated free, which the runtime would keep for minutes:
		// once all is checked, give it back to the system. Not sooner:
		// the check would take it again at once.
		settle := e == nil && !p.settled
		p.settled = p.settled || settle
		b.mu.Unlock()
		if changed && p.Changed != nil {
			p.Changed()
		}
		if settle {
			p.freeMemory()
		}
		if e != nil {
			if ctx.Err() != nil {
				return
			}
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-p.wake:
		}
	}
}

// quiet is how long the background check leaves the machine to the user
// after a request or an edit (the briefs an edit touched are checked at
// once).
const quiet = time.Second

// next returns the next brief to check, or nil (b.mu held).
func (p *Preview) next() *entry {
	p.mu.Lock()
	defer p.mu.Unlock()
	// The briefs of the company read last first: it is read already.
	for _, m := range p.hydrated {
		if p.pending[m] && p.b.entries[m.path] == m {
			return m
		}
	}
	for len(p.soon) > 0 || len(p.sweep) > 0 {
		var e *entry
		if len(p.soon) > 0 {
			e, p.soon = p.soon[0], p.soon[1:]
		} else {
			e, p.sweep = p.sweep[0], p.sweep[1:]
		}
		if p.pending[e] && p.b.entries[e.path] == e {
			return e
		}
		delete(p.pending, e)
	}
	return nil
}

// publish orders the published briefs and gathers the errors (b.mu held).
// When no brief was added, removed or moved, it patches the last order
// instead: at 100,000 briefs, ordering them and checking their slugs and
// tags again would take most of an edit's time.
func (p *Preview) publish() {
	b := p.b
	p.gen++
	p.views = nil
	p.mu.Lock()
	touched := p.touched
	p.touched = nil
	p.mu.Unlock()
	if !b.moved && !b.orderDirty && p.pub != nil {
		for _, c := range b.changed {
			if c.new == nil {
				continue
			}
			if i, ok := p.at[c.new.meta.Path]; ok {
				p.pub[i] = c.new
			}
		}
		b.changed = nil
		var errs diag.List
		errs.Extend(p.loadErrs)
		errs.Extend(b.siteErr)
		errs.Add(b.contentErr)
		seen := map[*entry]bool{}
		var withErrs []*entry
		for _, e := range append(p.errEntries, touched...) {
			if !seen[e] && b.entries[e.path] == e && len(e.errs) > 0 {
				seen[e] = true
				withErrs = append(withErrs, e)
				errs.Extend(e.errs)
			}
		}
		for _, co := range b.companies {
			errs.Extend(co.errs)
		}
		errs.Extend(p.collisions)
		errs.Sort()
		p.errEntries, p.errs = withErrs, errs
		return
	}
	var errs diag.List
	errs.Extend(p.loadErrs)
	errs.Extend(b.siteErr)
	errs.Add(b.contentErr)
	pub, briefErrs := b.published()
	// published lists the briefs' errors, then their companies', then
	// those of slugs and tags shared: keep the last for patching.
	n := 0
	p.errEntries = p.errEntries[:0]
	for _, e := range b.entries {
		n += len(e.errs)
		if len(e.errs) > 0 {
			p.errEntries = append(p.errEntries, e)
		}
	}
	for _, co := range b.companies {
		n += len(co.errs)
	}
	p.collisions = append(diag.List{}, briefErrs[n:]...)
	errs.Extend(briefErrs)
	errs.Sort()
	p.bySlug = make(map[string]string, len(pub))
	p.at = make(map[string]int, len(pub))
	for i, r := range pub {
		p.bySlug[r.meta.Slug] = r.meta.Path
		p.at[r.meta.Path] = i
	}
	b.moved, b.changed = false, nil
	p.pub, p.errs = pub, errs
}

// views are the groupings of the published briefs that the tag and
// company pages need.
type views struct {
	tags     map[string][]*listItem
	tagNames map[string]string
	tagSlugs []string
	coKeys   []string
	coBySlug map[string]string
	coItems  []*companyItem // sorted as on /companies/; made on demand
}

func (p *Preview) getViews() *views {
	if p.views != nil {
		return p.views
	}
	v := &views{tags: map[string][]*listItem{}, tagNames: map[string]string{}, coBySlug: map[string]string{}}
	for _, r := range p.pub {
		for _, t := range r.meta.Tags {
			v.tags[t.Slug] = append(v.tags[t.Slug], &r.item)
			if _, ok := v.tagNames[t.Slug]; !ok {
				v.tagNames[t.Slug] = t.Name
			}
		}
	}
	for s := range v.tags {
		v.tagSlugs = append(v.tagSlugs, s)
	}
	sort.Strings(v.tagSlugs)
	seen := map[string]bool{}
	for _, r := range p.pub {
		e := p.b.entries[r.meta.Path]
		if e != nil && e.key != "" && !seen[e.key] && p.b.companies[e.key] != nil {
			seen[e.key] = true
			v.coKeys = append(v.coKeys, e.key)
		}
	}
	sort.Strings(v.coKeys)
	for _, k := range v.coKeys {
		v.coBySlug[companySlug(k)] = k
	}
	p.views = v
	return v
}

// File returns the output file at name (slash-separated, no leading
// slash), rendering it if need be, as build would write it.
func (p *Preview) File(name string) ([]byte, bool) {
	b := p.b
	b.mu.Lock()
	defer b.mu.Unlock()
	p.busy = time.Now().Add(quiet)
	if data, ok := b.assets[name]; ok {
		return data, true
	}
	if b.pages == nil {
		return nil, false // the layouts are broken: their errors say so
	}
	dir, file := name, ""
	if i := strings.IndexByte(name, '/'); i >= 0 {
		dir, file = name[:i], name[i+1:]
	}
	if path, ok := p.bySlug[dir]; ok && file != "" {
		return p.briefFile(path, file)
	}
	key := "p:" + name
	p.mu.Lock()
	c, gen, ok := p.cache.get(key)
	p.mu.Unlock()
	if ok && gen == p.gen {
		return c.page, true
	}
	data, ok := p.sitePage(name)
	if !ok {
		return nil, false
	}
	p.mu.Lock()
	p.cache.put(key, &rendered{page: data}, p.gen)
	p.mu.Unlock()
	return data, true
}

// briefFile returns one of a published brief's files, rendering the brief
// unless its page is in the cache.
func (p *Preview) briefFile(path, file string) ([]byte, bool) {
	key := "b:" + path
	p.mu.Lock()
	r, _, ok := p.cache.get(key)
	p.mu.Unlock()
	if !ok {
		e := p.b.entries[path]
		if e == nil {
			return nil, false
		}
		if r = p.renderNow(e); r == nil {
			if p.dirty {
				// Rendering found errors: they show at once.
				p.publish()
				p.dirty = false
				if p.Changed != nil {
					go p.Changed()
				}
			}
			return nil, false
		}
		p.mu.Lock()
		p.cache.put(key, r, 0)
		p.mu.Unlock()
	}
	if file == "index.html" {
		return r.page, true
	}
	data, ok := r.files[file]
	return data, ok
}

// sitePage renders one of the site's own pages (b.mu held).
func (p *Preview) sitePage(name string) ([]byte, bool) {
	b := p.b
	per := b.opts.PerPage
	switch name {
	case "404.html":
		data, err := b.execute("404.html", &pageData{Root: "/", Title: "Page not found · " + b.site.Title, OGTitle: "Page not found"})
		return data, err == nil
	case "feed.xml":
		return b.feed(p.pub), true
	case "robots.txt":
		robots := "User-agent: *\nAllow: /\n"
		if b.opts.BaseURL != "" {
			robots += "Sitemap: " + b.abs("sitemap.xml") + "\n"
		}
		return []byte(robots), true
	case "sitemap.xml":
		if b.opts.BaseURL == "" {
			return nil, false
		}
		return b.sitemap(&Output{Files: p.pagePaths()}, p.pub), true
	case "tags/index.html":
		v := p.getViews()
		index := make([]tagCount, 0, len(v.tagSlugs))
		for _, s := range v.tagSlugs {
			index = append(index, tagCount{Name: v.tagNames[s], URL: "tags/" + s + "/", Count: plural.Count(len(v.tags[s]), "brief")})
		}
		data, err := b.tagsPage(index)
		return data, err == nil
	}
	dir, n, ok := pageOf(name)
	if !ok {
		return nil, false
	}
	switch {
	case dir == "":
		return p.listPage("", "Latest briefs", b.site.Title, p.items(), n, per)
	case strings.HasPrefix(dir, "tags/"):
		slug := strings.TrimSuffix(strings.TrimPrefix(dir, "tags/"), "/")
		v := p.getViews()
		items, ok := v.tags[slug]
		if !ok || strings.Contains(slug, "/") {
			return nil, false
		}
		name := v.tagNames[slug]
		return p.listPage(dir, "Briefs tagged “"+name+"”", "Tagged "+name+" · "+b.site.Title, items, n, per)
	case dir == "companies/":
		items := p.companyItems()
		pages := (len(items) + companiesPerPage - 1) / companiesPerPage
		if n > pages {
			return nil, false
		}
		data, err := b.companiesPage(items[(n-1)*companiesPerPage:min(n*companiesPerPage, len(items))], n, pages)
		return data, err == nil
	case strings.HasPrefix(dir, "companies/") && n == 1:
		v := p.getViews()
		key, ok := v.coBySlug[strings.TrimSuffix(strings.TrimPrefix(dir, "companies/"), "/")]
		if !ok {
			return nil, false
		}
		co := b.companies[key]
		if !p.hydrate(co.members[0]) {
			return nil, false
		}
		parts := p.parts(co, func(m *entry) bool { return p.bySlug[m.good.meta.Slug] == m.path })
		if len(parts) == 0 {
			return nil, false
		}
		if p.r == nil {
			r, err := chart.NewRenderer()
			if err != nil {
				return nil, false
			}
			p.r = r
		}
		data, _, err := b.companyPage(key, parts, p.r)
		return data, err == nil
	}
	return nil, false
}

// pageOf splits a list page's name into its list's folder and page number:
// "tags/x/page/3/index.html" is "tags/x/", 3.
func pageOf(name string) (string, int, bool) {
	dir, ok := strings.CutSuffix(name, "index.html")
	if !ok || (dir != "" && !strings.HasSuffix(dir, "/")) {
		return "", 0, false
	}
	i := strings.LastIndex(dir, "page/")
	if i < 0 || (i > 0 && dir[i-1] != '/') {
		return dir, 1, true
	}
	num := strings.TrimSuffix(dir[i+len("page/"):], "/")
	n, err := strconv.Atoi(num)
	if err != nil || n < 2 || strconv.Itoa(n) != num {
		return dir, 1, true // a folder that happens to be named page
	}
	return dir[:i], n, true
}

// listPage renders page n of a list, if the list has that page.
func (p *Preview) listPage(dir, heading, title string, items []*listItem, n, per int) ([]byte, bool) {
	pages := max(1, (len(items)+per-1)/per)
	if n > pages {
		return nil, false
	}
	data, err := p.b.listPage(dir, heading, title, items[(n-1)*per:min(n*per, len(items))], n, pages)
	return data, err == nil
}

// items are the home page's list, newest first.
func (p *Preview) items() []*listItem {
	items := make([]*listItem, len(p.pub))
	for i, r := range p.pub {
		items[i] = &r.item
	}
	return items
}

// companyItems are the rows of /companies/.
func (p *Preview) companyItems() []*companyItem {
	v := p.getViews()
	if v.coItems != nil {
		return v.coItems
	}
	items := make([]*companyItem, 0, len(v.coKeys))
	p.mu.Lock()
	for _, k := range v.coKeys {
		if row := p.rows[k]; row != nil {
			items = append(items, row)
		}
	}
	p.mu.Unlock()
	sort.SliceStable(items, func(i, j int) bool {
		a, c := strings.ToLower(items[i].Name), strings.ToLower(items[j].Name)
		if a != c {
			return a < c
		}
		return items[i].URL < items[j].URL
	})
	v.coItems = items
	return items
}

// pagePaths lists every page of the site, for the sitemap.
func (p *Preview) pagePaths() map[string][]byte {
	b := p.b
	paths := map[string][]byte{}
	add := func(dir string, n int) {
		for i := 1; i <= n; i++ {
			rel := dir
			if i > 1 {
				rel += "page/" + strconv.Itoa(i) + "/"
			}
			paths[rel+"index.html"] = nil
		}
	}
	per := b.opts.PerPage
	add("", max(1, (len(p.pub)+per-1)/per))
	v := p.getViews()
	for _, s := range v.tagSlugs {
		add("tags/"+s+"/", (len(v.tags[s])+per-1)/per)
	}
	paths["tags/index.html"] = nil
	if len(v.coKeys) > 0 {
		add("companies/", (len(v.coKeys)+companiesPerPage-1)/companiesPerPage)
		for _, k := range v.coKeys {
			paths[companyURL(k)+"index.html"] = nil
		}
	}
	for _, r := range p.pub {
		paths[r.meta.Slug+"/index.html"] = nil
	}
	return paths
}

// pageCache holds rendered pages up to a size, dropping the least
// recently used first.
type pageCache struct {
	max, size int
	ll        *list.List
	at        map[string]*list.Element
}

type cacheItem struct {
	key  string
	r    *rendered
	gen  uint64 // the publication a site page was rendered for
	size int
}

func newPageCache(max int) *pageCache {
	return &pageCache{max: max, ll: list.New(), at: map[string]*list.Element{}}
}

func (c *pageCache) get(key string) (*rendered, uint64, bool) {
	el, ok := c.at[key]
	if !ok {
		return nil, 0, false
	}
	c.ll.MoveToFront(el)
	it := el.Value.(*cacheItem)
	return it.r, it.gen, true
}

func (c *pageCache) put(key string, r *rendered, gen uint64) {
	c.remove(key)
	size := len(r.page)
	for _, f := range r.files {
		size += len(f)
	}
	c.at[key] = c.ll.PushFront(&cacheItem{key, r, gen, size})
	c.size += size
	for c.size > c.max && c.ll.Len() > 1 {
		c.remove(c.ll.Back().Value.(*cacheItem).key)
	}
}

func (c *pageCache) remove(key string) {
	if el, ok := c.at[key]; ok {
		c.size -= el.Value.(*cacheItem).size
		c.ll.Remove(el)
		delete(c.at, key)
	}
}

func (c *pageCache) clear() {
	c.ll.Init()
	c.at = map[string]*list.Element{}
	c.size = 0
}
