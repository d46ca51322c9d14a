// Package site builds a briefs site from a source tree (content/ and an
// optional layouts/) into an in-memory set of output files. It keeps what it
// rendered per brief, so that a preview server can re-render only what an
// edit touches.
package site

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/maphash"
	"html/template"
	"io"
	"io/fs"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/briefs/briefs/internal/brief"
	"github.com/briefs/briefs/internal/chart"
	"github.com/briefs/briefs/internal/content"
	"github.com/briefs/briefs/internal/diag"
	"github.com/briefs/briefs/internal/fonts"
	"github.com/briefs/briefs/internal/markdown"
	"github.com/briefs/briefs/internal/ogimage"
	"github.com/briefs/briefs/internal/sec"
	"github.com/briefs/briefs/layouts"
)

// Options control a build.
type Options struct {
	// BaseURL is the site's absolute URL ("https://example.org/"); empty
	// means relative links only.
	BaseURL string
	// Drafts includes drafts and future-dated briefs.
	Drafts bool
	// Now decides which briefs are future-dated.
	Now time.Time
	// Strict turns warnings into errors.
	Strict bool
	// KeepLastGood makes a broken brief keep its last good page (preview).
	KeepLastGood bool
	// PerPage is the number of briefs on an index page (default 20).
	PerPage int
	// Previous is the last published output, from which unchanged
	// OpenGraph images are reused instead of redrawn; nil draws all.
	Previous fs.FS
	// NoOG leaves OpenGraph images out (benchmarks time them separately).
	NoOG bool
	// Sink, when set, receives each brief's files as soon as they are
	// rendered, and the builder keeps none of them (a cold build of a large
	// site then needs little memory): only a compact record of each brief
	// for the lists, so such a builder builds once (Build; Update is for
	// the preview). Output holds the other files.
	Sink Sink
}

// Sink receives output files; it must be safe for concurrent use.
type Sink interface {
	WriteFile(name string, data []byte) error
}

// Output is a built site: output path (slash-separated, no leading slash)
// to content.
type Output struct {
	Files  map[string][]byte
	Briefs int
	Charts int
	// Companies counts the company pages a streaming build wrote to its
	// sink (they are not in Files).
	Companies int
	// ListPages counts the list pages (home, tags) a streaming build wrote
	// to its sink (they are not in Files either).
	ListPages int
	// streamed are the paths of those list pages, for the sitemap.
	streamed []string
}

// Paths returns the output paths in sorted order.
func (o *Output) Paths() []string {
	ps := make([]string, 0, len(o.Files))
	for p := range o.Files {
		ps = append(ps, p)
	}
	sort.Strings(ps)
	return ps
}

// entry is what the builder knows of one brief file.
type entry struct {
	path string
	gone bool
	// fm is the brief as read (nil when its frontmatter is unreadable) and
	// key its company.
	fm  *brief.Brief
	key string
	// readErrs and resolveErrs are the errors of reading the brief and of
	// resolving its values; errs adds those of rendering it.
	readErrs, resolveErrs diag.List
	errs                  diag.List
	// deps are the values of the company this brief read, by period and
	// name (allPeriods: it asked which periods hold the name).
	// A few per brief: a slice is smaller than a map.
	deps []dep
	// good is the last rendering without errors.
	good *rendered
}

// changes are the values of a company that an edit may have changed:
// period → names, where the name "" stands for every name (an edited
// brief's period).
type changes map[string]map[string]bool

func (c changes) add(period, name string) {
	if c[period] == nil {
		c[period] = map[string]bool{}
	}
	c[period][name] = true
}

// reads tells whether the brief read a value that may have changed.
func (e *entry) reads(c changes) bool {
	for _, d := range e.deps {
		if d.period == allPeriods {
			// Which periods hold a name changes only with an edited brief.
			for _, cn := range c {
				if cn[""] || cn[d.name] {
					return true
				}
			}
			continue
		}
		if cn := c[d.period]; cn[""] || cn[d.name] {
			return true
		}
	}
	return false
}

// rendered is one brief's output. When the build streams its files to a
// Sink, page and files are written and dropped, and only the small parts
// the lists need are kept.
type rendered struct {
	meta   meta
	item   listItem
	page   []byte
	files  map[string][]byte // relative to the brief's folder
	charts int
	og     *ogSpec
	ogData []byte
	// ogLater: a streaming build draws and writes the card later, with
	// other cards (cardQueue, or drawCards), not with the page.
	ogLater bool
	// co is what the company's pages need of the brief (nil: no company).
	co *coPart
}

// meta is what lists, feeds and ordering need of a brief.
type meta struct {
	// Path is the brief's file; SlugAt where its slug comes from.
	Path                 string
	Title, Summary, Slug string
	SlugAt               diag.Pos
	Date, Updated        time.Time
	ID                   string
	Draft                bool
	Tags                 []brief.Tag
	// Company is the brief's company key (brief.Key), written in field
	// CompanyField ("ticker" or "company") at CompanyAt.
	Company, CompanyField string
	CompanyAt             diag.Pos
}

// Builder builds a site and rebuilds it after edits.
type Builder struct {
	fsys fs.FS
	opts Options
	conv *markdown.Converter

	mu      sync.Mutex
	pages   map[string]*template.Template
	assets  map[string][]byte
	cssPath string
	site    brief.Site
	siteErr diag.List
	// contentErr is why content/ could not be listed, if it could not.
	contentErr *diag.Error
	entries    map[string]*entry
	// companies groups the entries by company key.
	companies map[string]*company
	ogMu      sync.Mutex
	ogCache   map[string][]byte
	// cardQueues are the cards a streaming build's workers left to draw
	// at the end (drawCardsLeft).
	cardQueues []*cardQueue
	// drawSlots holds a token for each worker drawing cards, at most
	// maxDrawers: every drawer is kept to the end of the build.
	drawSlots chan struct{}
	// ogWritten holds the images a streaming build has written, by
	// ogSpec.id: at 100,000 briefs, names as strings were ~10 MB that the
	// collector scans, which raised the build's memory limit (gctune)
	// and so its peak by as much.
	ogWritten map[uint64]struct{}
	// ogIdle holds the OpenGraph drawers no worker is using: at most one
	// per worker is ever made, and each keeps its glyphs across images.
	ogIdle []*ogimage.Drawer
	// lists caches rendered list pages by list folder; nextLists is being
	// filled by the running assemble. Both reset when layouts reload.
	lists, nextLists map[string]*listCache
	// order is the entries' paths in publication order; orderDirty marks
	// it stale (a brief added, removed, or its date, slug or draft changed).
	order      []string
	orderDirty bool
	// moved records, until the next assemble, that some brief was added,
	// removed or moved since the last output.
	moved bool
	// last is the previous output; changed pairs the renderings replaced
	// since then. A preview edit that moves no brief patches last instead
	// of assembling every file again.
	last    *Output
	changed []change
	// coPages caches company pages by company key; coPaths are the
	// company pages of the last output; chartR draws their charts.
	coPages map[string]*companyCache
	coIndex map[string]*companyIndex
	coPaths map[string]bool
	chartR  *chart.Renderer
	// coItems are the rows of /companies/ of a streaming build, whose
	// company pages are written as each company is done.
	coMu    sync.Mutex
	coItems map[string]*companyItem
	// claimed maps each folder a streaming build wrote a page into to its
	// writer, both by hash (at 100,000 briefs the strings would be
	// megabytes the collector scans): a second brief or company with the
	// same folder is not written, and published reports the collision at
	// its position.
	claimed    map[pathHash]uint64
	claimSeeds [3]maphash.Seed
	// recs is what a streaming build keeps of its briefs instead of
	// entries; recPub are the records it publishes, newest first.
	recs   *records
	recPub []int32
	// resolveOnly stops after resolving values (Briefs).
	resolveOnly bool
	// preview, when set, decides which briefs render now and which only
	// keep their records (see Preview).
	preview *Preview
	// OGDrawn counts OpenGraph images drawn (not reused) so far.
	OGDrawn int
	// filings holds the SEC company facts read so far, shared by the
	// briefs of a company; replaced when data/sec/ changes.
	filings *sec.Cache
}

// NewBuilder returns a builder over a source tree holding content/ and
// optionally layouts/.
func NewBuilder(fsys fs.FS, opts Options) *Builder {
	if opts.PerPage <= 0 {
		opts.PerPage = 20
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.BaseURL != "" && !strings.HasSuffix(opts.BaseURL, "/") {
		opts.BaseURL += "/"
	}
	return &Builder{fsys: fsys, opts: opts, conv: markdown.New(), entries: map[string]*entry{}, ogCache: map[string][]byte{}}
}

// Build builds the site from scratch.
func Build(fsys fs.FS, opts Options) (*Output, diag.List) {
	return NewBuilder(fsys, opts).Build()
}

// Build reads and renders everything.
func (b *Builder) Build() (*Output, diag.List) { return b.BuildContext(context.Background()) }

// BuildContext is Build that stops early when ctx is cancelled: it then
// returns no output, and the caller reports ctx's cause.
func (b *Builder) BuildContext(ctx context.Context) (*Output, diag.List) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var errs diag.List
	errs.Extend(b.loadLayouts())
	b.loadSite()
	briefPaths, err := content.List(b.fsys)
	b.contentErr = contentError(err)
	b.entries = map[string]*entry{}
	b.companies, b.coItems, b.claimed = nil, nil, nil
	b.recs, b.recPub = nil, nil
	b.last = nil
	b.ogWritten = nil
	b.filings = sec.NewCache(b.fsys)
	b.render(ctx, briefPaths)
	// The cards a streaming build left are drawn while the lists are
	// written, which keep only one core busy.
	cardErrs := b.drawCardsLeft(ctx)
	if ctx.Err() != nil {
		cardErrs()
		b.entries, b.companies = map[string]*entry{}, nil
		return nil, errs
	}
	out, errs := b.assemble(errs)
	if more := cardErrs(); len(more) > 0 {
		errs.Extend(more)
		errs.Sort()
	}
	if ctx.Err() != nil {
		return nil, errs
	}
	return out, errs
}

// Update re-renders after the given source paths changed (were edited,
// created or deleted). A layout or site change re-renders every brief; a
// brief change re-renders that brief and the pages that list briefs.
func (b *Builder) Update(changed []string) (*Output, diag.List) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.assemble(b.update(changed))
}

// update is Update up to assembling the output: it returns the errors of
// loading the layouts, when they were loaded again.
func (b *Builder) update(changed []string) diag.List {
	var errs diag.List
	all := false
	var briefs []string
	for _, p := range changed {
		switch {
		// The folders themselves: created, deleted or moved as a whole.
		case p == "layouts" || strings.HasPrefix(p, "layouts/"), p == content.Dir, p == content.Index:
			all = true
		case strings.HasPrefix(p, sec.Dir+"/"):
			all, b.filings = true, nil
		case content.IsBrief(p):
			briefs = append(briefs, p)
		}
	}
	if all {
		b.last = nil
		errs.Extend(b.loadLayouts())
		b.loadSite()
		briefs = briefs[:0]
		for p := range b.entries {
			briefs = append(briefs, p)
		}
		paths, err := content.List(b.fsys)
		b.contentErr = contentError(err)
		for _, p := range paths {
			if _, ok := b.entries[p]; !ok {
				briefs = append(briefs, p)
			}
		}
		sort.Strings(briefs)
	} else if b.pages == nil {
		errs.Extend(b.loadLayouts())
	}
	if b.filings == nil {
		b.filings = sec.NewCache(b.fsys)
	}
	b.render(context.Background(), briefs)
	return errs
}

// contentError reports a content/ folder that cannot be listed.
func contentError(err error) *diag.Error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, fs.ErrNotExist):
		return &diag.Error{File: content.Dir, Msg: "the site has no content/ folder"}
	}
	return &diag.Error{File: content.Dir, Msg: fmt.Sprintf("cannot list the briefs: %v", unwrapPath(err)), Err: err}
}

// unwrapPath drops the path an fs error repeats: messages name the file
// already.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Briefs reads every brief of a source tree and resolves its values as a
// build does (name@PERIOD across each company's briefs), without rendering:
// the briefs by path, and the errors of reading and resolving them.
func Briefs(fsys fs.FS) (map[string]*brief.Brief, diag.List) {
	b := NewBuilder(fsys, Options{})
	b.resolveOnly = true
	var errs diag.List
	briefs, err := content.List(fsys)
	if e := contentError(err); e != nil {
		errs.Add(e)
	}
	b.filings = sec.NewCache(fsys)
	b.render(context.Background(), briefs)
	out := map[string]*brief.Brief{}
	for _, e := range b.sortedEntries() {
		errs.Extend(e.readErrs)
		errs.Extend(e.resolveErrs)
		if e.fm != nil {
			out[e.path] = e.fm
		}
	}
	for _, co := range b.companies {
		errs.Extend(co.errs)
	}
	errs.Sort()
	return out, errs
}

func (b *Builder) loadSite() {
	b.lists = nil
	b.site, b.siteErr = brief.Site{Title: "Briefs"}, nil
	src, err := content.ReadFile(b.fsys, content.Index)
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	if err != nil {
		b.siteErr = diag.List{diag.Wrap(content.Index, diag.Pos{}, err)}
		return
	}
	s, errs := brief.ParseSite(content.Index, src)
	if s.Title == "" {
		s.Title = "Briefs"
	}
	b.site, b.siteErr = s, errs
}

// render reads the given brief files, resolves their values and those of
// every brief that reads from them, and renders those briefs, in parallel;
// a file that no longer exists is dropped. When ctx is cancelled it stops
// handing out work and returns once the briefs in progress are done.
func (b *Builder) render(ctx context.Context, paths []string) {
	if len(paths) == 0 {
		return
	}
	if b.opts.Sink != nil && len(b.entries) == 0 && !b.resolveOnly {
		b.renderStreaming(ctx, paths)
		return
	}
	// 1. Read each changed brief's frontmatter.
	read := make([]*entry, len(paths))
	parallel(ctx, len(paths), func() func(int) {
		return func(i int) { read[i] = b.readOne(paths[i], b.opts.Sink == nil && b.preview == nil) }
	})
	if ctx.Err() != nil {
		return
	}
	ps := b.install(read)
	b.markReaders(ps, read)
	todo := ps.resolve(ctx, b)
	if b.resolveOnly {
		return
	}
	b.renderEntries(ctx, todo)
	if ctx.Err() != nil {
		return
	}
	for _, e := range todo {
		if ps.prevKey[e] != e.sortKey() {
			b.orderDirty, b.moved = true, true
		}
		if pg, ok := ps.prevGood[e]; ok && pg != e.good {
			b.changed = append(b.changed, change{pg, e.good})
		}
	}
}

// pass is what one render pass knows of the briefs it read: the companies
// and periods they touch, the briefs to resolve and render again, and each
// one's previous rendering and place in the order.
type pass struct {
	touched  map[string]changes
	marked   map[*entry]bool
	prevGood map[*entry]*rendered
	prevKey  map[*entry]orderKey
}

func (ps *pass) touch(e *entry) {
	if e == nil || e.fm == nil || e.key == "" {
		return
	}
	if ps.touched[e.key] == nil {
		ps.touched[e.key] = changes{}
	}
	ps.touched[e.key].add(e.fm.Period, "")
}

// install puts the briefs just read in place of their previous versions,
// noting the companies and periods they touch.
func (b *Builder) install(read []*entry) *pass {
	ps := &pass{touched: map[string]changes{}, marked: map[*entry]bool{},
		prevGood: map[*entry]*rendered{}, prevKey: map[*entry]orderKey{}}
	for _, ne := range read {
		prev := b.entries[ne.path]
		ps.touch(prev)
		if ne.gone {
			if prev != nil {
				delete(b.entries, ne.path)
				b.orderDirty, b.moved = true, true
			}
			continue
		}
		if prev != nil {
			ne.good = prev.good
			ps.prevGood[ne], ps.prevKey[ne] = prev.good, prev.sortKey()
		} else {
			ps.prevKey[ne] = orderKey{}
		}
		ps.touch(ne)
		b.entries[ne.path] = ne
		ps.marked[ne] = true
	}
	return ps
}

// markReaders groups briefs by company and marks what must render again:
// every brief of a company whose list of briefs changed (each links to its
// neighbours), and every brief that read a value that may have changed.
func (b *Builder) markReaders(ps *pass, read []*entry) {
	from := b.entries
	if b.preview != nil {
		// The preview reads every brief of a touched company again: they
		// are all in read, and the site's other briefs need no look.
		from = make(map[string]*entry, len(read))
		for _, e := range read {
			if !e.gone {
				from[e.path] = e
			}
		}
	}
	b.group(ps.touched, from)
	for key, ch := range ps.touched {
		co := b.companies[key]
		if co == nil {
			continue
		}
		if co.sig != co.prevSig {
			for _, m := range co.members {
				ps.marked[m] = true
			}
		}
		// Every brief that read a value that may have changed, and in turn
		// every brief that read its derived values (its figures are as
		// they were).
		done := map[*entry]bool{}
		for more := true; more; {
			more = false
			for _, m := range co.members {
				if done[m] || !m.reads(ch) {
					continue
				}
				done[m], ps.marked[m], more = true, true, true
				for _, fe := range m.fm.Figures.Entries() {
					if fe.Derived {
						ch.add(m.fm.Period, fe.Name)
					}
				}
			}
		}
	}
}

// resolve resolves the marked briefs' values, one goroutine per company,
// checks the touched companies and returns the marked briefs by path.
func (ps *pass) resolve(ctx context.Context, b *Builder) []*entry {
	var todo []*entry
	groups := map[*company][]*entry{}
	var alone []*entry
	markedList := make([]*entry, 0, len(ps.marked))
	for e := range ps.marked {
		markedList = append(markedList, e)
	}
	sort.Slice(markedList, func(i, j int) bool { return markedList[i].path < markedList[j].path })
	for _, e := range markedList {
		if _, ok := ps.prevGood[e]; !ok && e.good != nil {
			ps.prevGood[e], ps.prevKey[e] = e.good, e.sortKey()
		}
		todo = append(todo, e)
		if e.fm == nil {
			continue
		}
		e.deps = nil
		e.fm.Figures.Reset()
		co := b.companies[e.key]
		e.fm.Figures.SetResolver(&resolver{co: co, self: e})
		if co == nil {
			alone = append(alone, e)
		} else {
			groups[co] = append(groups[co], e)
		}
	}
	cos := make([]*company, 0, len(groups))
	for co := range groups {
		cos = append(cos, co)
	}
	sort.Slice(cos, func(i, j int) bool { return cos[i].key < cos[j].key })
	parallel(ctx, len(cos)+len(alone), func() func(int) {
		return func(i int) {
			if i >= len(cos) {
				e := alone[i-len(cos)]
				e.resolveErrs = e.fm.Resolve(&resolver{self: e})
				return
			}
			co := cos[i]
			co.resolving, co.cycles = true, nil
			for _, e := range groups[co] {
				e.resolveErrs = e.fm.Resolve(&resolver{co: co, self: e})
			}
			co.resolving, co.cycles = false, nil
		}
	})
	for key := range ps.touched {
		if co := b.companies[key]; co != nil {
			co.check()
		}
	}
	return todo
}

// renderEntries renders the briefs in parallel. A streaming build renders
// company by company, writes each company's page as soon as its briefs are
// done and then drops what it read of them, so that a large site is never
// all in memory.
func (b *Builder) renderEntries(ctx context.Context, todo []*entry) {
	jobs := make([][]*entry, 0, len(todo))
	if b.opts.Sink != nil {
		at := map[string]int{}
		for _, e := range todo {
			if i, ok := at[e.key]; ok && e.key != "" {
				jobs[i] = append(jobs[i], e)
				continue
			}
			at[e.key] = len(jobs)
			jobs = append(jobs, []*entry{e})
		}
	} else {
		for _, e := range todo {
			jobs = append(jobs, []*entry{e})
		}
	}
	parallel(ctx, len(jobs), func() func(int) {
		r, err := chart.NewRenderer()
		return func(i int) {
			for _, e := range jobs[i] {
				if err != nil {
					e.errs = diag.List{{File: e.path, Msg: fmt.Sprintf("cannot load the chart font: %v", err)}}
					continue
				}
				if b.preview != nil {
					b.preview.renderMarked(e, r)
					continue
				}
				b.renderOne(e, r)
			}
			if b.opts.Sink != nil && err == nil {
				b.streamCompany(jobs[i], r, nil)
			}
		}
	})
}

// groupByCompany groups the brief paths by company from a quick look at
// the head of each file, in the order of each company's first brief; a
// file that is no more is left out, and a brief with no company is a group
// of its own.
func (b *Builder) groupByCompany(ctx context.Context, paths []string) [][]string {
	keys := make([]string, len(paths))
	gone := make([]bool, len(paths))
	parallel(ctx, len(paths), func() func(int) {
		buf := make([]byte, quickRead)
		return func(i int) {
			// The head of the file holds the frontmatter: read no more.
			head, err := readHead(b.fsys, paths[i], buf)
			if err != nil {
				// A link that cannot be followed is reported when the
				// brief is read; only a file that is no more is gone.
				gone[i] = errors.Is(err, fs.ErrNotExist)
				return
			}
			key, ok := brief.QuickKey(head)
			if !ok {
				src, err := content.ReadFile(b.fsys, paths[i])
				if err != nil {
					return // reported when the brief is read
				}
				if bf, _ := brief.Read(paths[i], src); bf != nil {
					key = bf.Key()
				}
			}
			keys[i] = key
		}
	})
	groups := groupKeys(keys, gone)
	jobs := make([][]string, len(groups))
	for j, g := range groups {
		jobs[j] = make([]string, len(g))
		for k, i := range g {
			jobs[j][k] = paths[i]
		}
	}
	return jobs
}

// groupKeys groups the indexes of keys that are not gone by key, in the
// order each key first appears; an empty key (a brief of no company) is a
// group of its own.
func groupKeys(keys []string, gone []bool) [][]int {
	var groups [][]int
	at := map[string]int{}
	for i, k := range keys {
		if gone[i] {
			continue
		}
		if j, ok := at[k]; ok && k != "" {
			groups[j] = append(groups[j], i)
			continue
		}
		at[k] = len(groups)
		groups = append(groups, []int{i})
	}
	return groups
}

// renderStreaming is a streaming build's render: it groups the briefs by
// company from a quick look at each file, then reads, resolves and renders
// one company at a time, writes its pages and forgets it. Only a company's
// briefs are ever in memory together.
func (b *Builder) renderStreaming(ctx context.Context, paths []string) {
	jobs := b.groupByCompany(ctx, paths)
	if ctx.Err() != nil {
		return
	}
	b.companies = map[string]*company{}
	b.recs = newRecords(len(paths))
	b.drawSlots = make(chan struct{}, maxDrawers())
	var queuesMu sync.Mutex
	parallel(ctx, len(jobs), func() func(int) {
		r, rerr := chart.NewRenderer()
		cards := &cardQueue{b: b, keep: cardsLeft / runtime.GOMAXPROCS(0)}
		queuesMu.Lock()
		b.cardQueues = append(b.cardQueues, cards)
		queuesMu.Unlock()
		return func(j int) {
			group := make([]*entry, 0, len(jobs[j]))
			key := ""
			for _, p := range jobs[j] {
				e := b.readOne(p, true)
				if e.gone {
					continue
				}
				key = e.key
				group = append(group, e)
			}
			jobs[j] = nil // the records keep the paths they need
			var co *company
			if len(group) > 0 && key != "" {
				co = &company{key: key}
				for _, e := range group {
					if e.fm != nil && e.key == key {
						co.members = append(co.members, e)
					} else if e.fm != nil {
						// Never expected: QuickKey is sure only when Read agrees.
						e.readErrs.Add(&diag.Error{File: e.path, Line: 1, Col: 1, Msg: fmt.Sprintf("internal error: the brief was grouped with company %s but names %s", key, e.key)})
					}
				}
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
				b.coMu.Lock()
				b.companies[key] = co
				b.coMu.Unlock()
			}
			if co != nil {
				co.resolving = true
			}
			rvs := make([]*resolver, len(group))
			for i, e := range group {
				if e.fm == nil {
					continue
				}
				rvs[i] = &resolver{self: e}
				if co != nil && e.key == co.key {
					rvs[i].co = co
				}
				e.fm.Figures.SetResolver(rvs[i])
			}
			for i, e := range group {
				if e.fm != nil {
					e.resolveErrs = e.fm.Resolve(rvs[i])
				}
			}
			if co != nil {
				co.resolving, co.cycles = false, nil
				co.check()
			}
			for _, e := range group {
				if rerr != nil {
					e.errs = diag.List{{File: e.path, Msg: fmt.Sprintf("cannot load the chart font: %v", rerr)}}
					continue
				}
				b.renderOne(e, r)
			}
			if rerr == nil {
				b.streamCompany(group, r, cards)
			}
			for _, e := range group {
				b.recs.add(e, e.good != nil && (b.opts.KeepLastGood || len(e.errs.Errors(b.opts.Strict)) == 0) && b.publishable(e.good.meta))
			}
		}
	})
	b.orderDirty, b.moved = true, true
}

// quickRead is how much of a file the grouping pass reads: frontmatter
// longer than this is read whole.
const quickRead = 8 << 10

// readHead reads up to len(buf) bytes of a file, ending at a line end
// unless the file ends first.
func readHead(fsys fs.FS, name string, buf []byte) ([]byte, error) {
	real, err := content.Resolve(fsys, name)
	if err != nil {
		return nil, err
	}
	f, err := fsys.Open(real)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	n, err := io.ReadFull(f, buf)
	switch {
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		return buf[:n], nil
	case err != nil:
		return nil, err
	}
	if i := bytes.LastIndexByte(buf, '\n'); i >= 0 {
		return buf[:i+1], nil
	}
	return nil, nil
}

// parallel runs n jobs on GOMAXPROCS workers; each worker makes its job
// function once (with its own state) from worker. It stops handing out
// jobs when ctx is cancelled.
func parallel(ctx context.Context, n int, worker func() func(int)) {
	if n == 0 {
		return
	}
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(runtime.GOMAXPROCS(0), n); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn := worker()
			for i := range jobs {
				if ctx.Err() == nil {
					fn(i)
				}
			}
		}()
	}
	for i := 0; i < n && ctx.Err() == nil; i++ {
		select {
		case jobs <- i:
		case <-ctx.Done():
		}
	}
	close(jobs)
	wg.Wait()
}

// readOne reads a brief's frontmatter; unless keep, it drops the body
// until the brief renders, so that a large site is not held in memory.
func (b *Builder) readOne(p string, keep bool) *entry {
	e := &entry{path: p}
	src, err := content.ReadFile(b.fsys, p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			e.gone = true
			return e
		}
		e.readErrs = diag.List{diag.Wrap(p, diag.Pos{}, err)}
		return e
	}
	return b.readSource(p, src, keep)
}

// readSource is readOne of a file already read (src: the file, or its
// brief.Head when keep is false).
func (b *Builder) readSource(p string, src []byte, keep bool) *entry {
	e := &entry{path: p}
	e.fm, e.readErrs = brief.ReadChecked(p, src, b.filings)
	if e.fm != nil {
		e.key = e.fm.Key()
		if !keep {
			e.fm.DropSource()
		}
	}
	return e
}

// sortedEntries returns the entries by path.
func (b *Builder) sortedEntries() []*entry {
	out := make([]*entry, 0, len(b.entries))
	for _, e := range b.entries {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out
}

// group puts the briefs of the touched companies (all, the first time)
// into their companies, keeping each company's identity so that
// resolvers stay valid.
func (b *Builder) group(touched map[string]changes, entries map[string]*entry) {
	if b.companies == nil {
		b.companies = map[string]*company{}
	}
	for key := range touched {
		if co := b.companies[key]; co != nil {
			co.members = co.members[:0]
		}
	}
	// Members are sorted below, so map order does not matter here.
	for _, e := range entries {
		if e.fm == nil || e.key == "" || touched[e.key] == nil {
			continue
		}
		co := b.companies[e.key]
		if co == nil {
			co = &company{key: e.key}
			b.companies[e.key] = co
		}
		co.members = append(co.members, e)
	}
	for key := range touched {
		co := b.companies[key]
		if co == nil {
			continue
		}
		if len(co.members) == 0 {
			delete(b.companies, key)
			continue
		}
		co.sortMembers()
		co.prevSig, co.sig = co.sig, co.signature()
		co.name, co.ticker = "", ""
		for _, m := range co.members {
			if m.fm.Company != "" {
				co.name = m.fm.Company
			}
			if m.fm.Ticker != "" {
				co.ticker = m.fm.Ticker
			}
		}
	}
}

// change is one brief's rendering replaced by another.
type change struct{ old, new *rendered }

// orderKey is what decides a brief's place in the lists and which list
// pages exist.
type orderKey struct {
	date  time.Time
	slug  string
	draft bool
	tags  string
	ok    bool
}

func (e *entry) sortKey() orderKey {
	if e.good == nil {
		return orderKey{}
	}
	m := e.good.meta
	var tags strings.Builder
	for _, t := range m.Tags {
		tags.WriteString(t.Name + "\x00")
	}
	return orderKey{m.Date, m.Slug, m.Draft, tags.String(), true}
}

func (b *Builder) renderOne(e *entry, r *chart.Renderer) {
	e.errs = append(append(diag.List{}, e.readErrs...), e.resolveErrs...)
	bf := e.fm
	if bf == nil {
		return
	}
	if bf.Src == nil {
		src, err := content.ReadFile(b.fsys, e.path)
		if err == nil && !bf.SetSource(src) {
			err = errors.New("the file changed during the build: build again")
		}
		if err != nil {
			e.errs.Add(diag.Wrap(e.path, diag.Pos{}, err))
			return
		}
		defer bf.DropSource()
	}
	if len(e.errs.Errors(b.opts.Strict)) > 0 {
		// Render anyway to report reference and chart errors too.
		_, doc := b.conv.Render(bf, r)
		e.errs.Extend(doc.Errs)
		return
	}
	body, doc := b.conv.Render(bf, r)
	e.errs.Extend(doc.Errs)
	if len(e.errs.Errors(b.opts.Strict)) > 0 {
		return
	}
	out := &rendered{files: map[string][]byte{}, charts: len(doc.Charts),
		meta: meta{Path: e.path, Title: bf.Title, Summary: bf.Summary, Slug: bf.Slug, SlugAt: bf.SlugAt, Date: bf.Date, Updated: bf.Updated, ID: bf.ID, Draft: bf.Draft, Tags: bf.Tags,
			Company: e.key, CompanyField: bf.KeyField(), CompanyAt: bf.KeyAt()}}
	out.files["figures.json"] = figuresJSON(bf)
	for _, c := range doc.Charts {
		out.files[c.File] = c.CSV()
	}
	out.item = item(bf)
	if e.key != "" {
		out.co = newCoPart(bf, e.key, &out.item)
	}
	if !b.opts.NoOG && b.publishable(out.meta) {
		out.og = newOGSpec(bf, b.site.Title)
		// Briefs whose cards show the same thing (same title, no headline)
		// share one image file: a streaming build draws and writes it once.
		switch {
		case b.opts.Sink == nil:
			out.ogData = b.ogImage(out.og)
		case b.firstOGWrite(out.og):
			out.ogLater = true
		}
	}
	page, err := b.briefPage(bf, body, out.og, e)
	if errors.Is(err, errLayouts) {
		return
	}
	if err != nil {
		te := templateError("layouts/brief.html", err)
		te.Msg = fmt.Sprintf("rendering %s: %s", e.path, te.Msg)
		e.errs.Add(te)
		return
	}
	out.page = page
	if b.opts.Sink != nil {
		if err := b.stream(out); err != nil {
			e.errs.Add(&diag.Error{File: e.path, Msg: fmt.Sprintf("writing output: %v", err), Err: err})
			return
		}
	}
	e.good = out
}

// publishable tells whether a brief is published: drafts and future-dated
// briefs only with Options.Drafts.
func (b *Builder) publishable(m meta) bool {
	return b.opts.Drafts || !(m.Draft || m.Date.After(b.opts.Now))
}

// stream writes a brief's files to the sink and drops them from memory.
// Drafts and future briefs are not written unless they are published.
func (b *Builder) stream(r *rendered) error {
	if !b.publishable(r.meta) {
		r.page, r.files = nil, nil
		return nil
	}
	dir := r.meta.Slug + "/"
	if !b.claim(dir, r.meta.Path) {
		r.page, r.files, r.ogData, r.ogLater = nil, nil, nil, false
		return nil
	}
	if err := b.opts.Sink.WriteFile(dir+"index.html", r.page); err != nil {
		return err
	}
	for name, data := range r.files {
		if err := b.opts.Sink.WriteFile(dir+name, data); err != nil {
			return err
		}
	}
	if r.og != nil && r.ogData != nil {
		if err := b.opts.Sink.WriteFile(r.og.path(), r.ogData); err != nil {
			return err
		}
	}
	r.page, r.files, r.ogData = nil, nil, nil
	return nil
}

// claim tells whether writer may write the folder dir of a streaming
// build: no other writer took it first.
func (b *Builder) claim(dir, writer string) bool {
	b.coMu.Lock()
	defer b.coMu.Unlock()
	if b.claimed == nil {
		b.claimed = map[pathHash]uint64{}
		b.claimSeeds = [3]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed(), maphash.MakeSeed()}
	}
	k := pathHash{maphash.String(b.claimSeeds[0], dir), maphash.String(b.claimSeeds[1], dir)}
	w := maphash.String(b.claimSeeds[2], writer)
	if got, ok := b.claimed[k]; ok {
		return got == w
	}
	b.claimed[k] = w
	return true
}

// pathHash identifies a path by two independent 64-bit hashes: two paths
// of one build share one with a chance of about n²/2¹²⁹.
type pathHash [2]uint64

// firstOGWrite tells whether the image o is written for the first time
// in this build.
func (b *Builder) firstOGWrite(o *ogSpec) bool {
	b.ogMu.Lock()
	defer b.ogMu.Unlock()
	if _, ok := b.ogWritten[o.id]; ok {
		return false
	}
	if b.ogWritten == nil {
		b.ogWritten = map[uint64]struct{}{}
	}
	b.ogWritten[o.id] = struct{}{}
	return true
}

// hash10 names an asset by its content: ten hex digits of its SHA-256.
func hash10(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])[:10]
}

// loadLayouts reads templates and the stylesheet: the site's layouts/ where
// present, the embedded defaults otherwise.
func (b *Builder) loadLayouts() diag.List {
	var errs diag.List
	read := func(name string) []byte {
		data, err := content.ReadFile(b.fsys, "layouts/"+name)
		if err == nil {
			return data
		}
		if !errors.Is(err, fs.ErrNotExist) {
			errs.Add(diag.Wrap("layouts/"+name, diag.Pos{}, err))
			return nil
		}
		data, err = fs.ReadFile(layouts.FS, name)
		if err != nil {
			errs.Add(diag.Wrap("layouts/"+name, diag.Pos{}, err))
		}
		return data
	}
	// Each page kind is base + its "main": parse them into separate sets.
	base := minified("text/x-template", read("base.html"))
	sets := map[string]*template.Template{}
	for _, name := range []string{"brief.html", "list.html", "404.html", "tags.html", "companies.html", "company.html"} {
		set := template.New(name).Option("missingkey=error")
		if _, err := set.Parse(string(base)); err != nil {
			errs.Add(templateError("layouts/base.html", err))
			continue
		}
		if _, err := set.Parse(string(minified("text/x-template", read(name)))); err != nil {
			errs.Add(templateError("layouts/"+name, err))
			continue
		}
		sets[name] = set
	}
	if len(errs) == 0 {
		b.conv = markdown.New(templateIDs(sets["brief.html"])...)
	}
	font := chart.FontFile()
	fontPath := "fonts/chart." + hash10(font) + ".ttf"
	b.assets = map[string][]byte{fontPath: font, "fonts/OFL.txt": fonts.License()}
	// The company pages' rules live in their own file, served as one sheet.
	sheet := append(append(read("site.css"), '\n'), read("companies.css")...)
	css := bytes.ReplaceAll(sheet, []byte("{{FONT}}"), []byte("../"+fontPath))
	for _, f := range fonts.Text {
		data := f.WOFF2()
		p := "fonts/" + f.Name + "." + hash10(data) + ".woff2"
		b.assets[p] = data
		css = bytes.ReplaceAll(css, []byte("{{FONT:"+f.Name+"}}"), []byte("../"+p))
	}
	css = minified("text/css", css)
	b.cssPath = "css/site." + hash10(css) + ".css"
	b.assets[b.cssPath] = css
	b.assets["favicon.svg"] = minified("image/svg+xml", read("favicon.svg"))
	if len(errs) == 0 {
		b.pages = sets
	}
	b.lists, b.coPages, b.coIndex = nil, nil, nil
	return errs
}

// templateIDs lists the ids a page template writes literally (id="main"),
// which headings in a brief must not take.
func templateIDs(t *template.Template) []string {
	var ids []string
	for _, tt := range t.Templates() {
		if tt.Tree == nil {
			continue
		}
		for _, m := range idLiteral.FindAllStringSubmatch(tt.Tree.Root.String(), -1) {
			ids = append(ids, m[1])
		}
	}
	return ids
}

var idLiteral = regexp.MustCompile(`\bid="?([A-Za-z0-9_:.-]+)`)

// templateError positions an html/template parse error in its file.
func templateError(file string, err error) *diag.Error {
	p, msg := diag.TemplatePos(err)
	return &diag.Error{File: file, Line: p.Line, Col: p.Col, Msg: msg, Err: err}
}
