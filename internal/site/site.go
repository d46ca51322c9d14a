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
	"html/template"
	"io/fs"
	"regexp"
	"runtime"
	"sort"
	"strconv"
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
	// site then needs little memory). Output holds the other files.
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
	errs diag.List
	// good is the last rendering without errors.
	good *rendered
}

// rendered is one brief's output. When the build streams its files to a
// Sink, page and files are written and dropped, and only the small parts
// the lists need are kept.
type rendered struct {
	meta   meta
	item   listItem
	page   []byte
	files  map[string][]byte // relative to the brief's folder
	names  []string          // every file name of files, kept when streaming
	charts int
	og     *ogSpec
	ogData []byte
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
	ogMu       sync.Mutex
	ogCache    map[string][]byte
	// ogWritten holds the images a streaming build has written.
	ogWritten map[string]bool
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
	b.last = nil
	b.ogWritten = nil
	b.filings = sec.NewCache(b.fsys)
	b.render(ctx, briefPaths)
	if ctx.Err() != nil {
		b.entries = map[string]*entry{}
		return nil, errs
	}
	return b.assemble(errs)
}

// Update re-renders after the given source paths changed (were edited,
// created or deleted). A layout or site change re-renders every brief; a
// brief change re-renders that brief and the pages that list briefs.
func (b *Builder) Update(changed []string) (*Output, diag.List) {
	b.mu.Lock()
	defer b.mu.Unlock()
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
	return b.assemble(errs)
}

// contentError reports a content/ folder that cannot be listed.
func contentError(err error) *diag.Error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, fs.ErrNotExist):
		return &diag.Error{File: content.Dir, Msg: "the site has no content/ folder"}
	}
	return &diag.Error{File: content.Dir, Msg: fmt.Sprintf("cannot list the briefs: %v", unwrapPath(err))}
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

func (b *Builder) loadSite() {
	b.lists = nil
	b.site, b.siteErr = brief.Site{Title: "Briefs"}, nil
	src, err := content.ReadFile(b.fsys, content.Index)
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	if err != nil {
		b.siteErr = diag.List{{File: content.Index, Msg: unwrapPath(err).Error()}}
		return
	}
	s, errs := brief.ParseSite(content.Index, src)
	if s.Title == "" {
		s.Title = "Briefs"
	}
	b.site, b.siteErr = s, errs
}

// render parses and renders the given brief files in parallel; a file that
// no longer exists is dropped. When ctx is cancelled it stops handing out
// work and returns once the briefs in progress are done, leaving the
// entries untouched.
func (b *Builder) render(ctx context.Context, paths []string) {
	if len(paths) == 0 {
		return
	}
	type job struct {
		path string
		e    *entry
	}
	jobs := make(chan job)
	var wg sync.WaitGroup
	workers := min(runtime.GOMAXPROCS(0), len(paths))
	results := make([]*entry, len(paths))
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := chart.NewRenderer()
			for j := range jobs {
				if ctx.Err() != nil {
					continue
				}
				if err != nil {
					j.e.errs = diag.List{{File: j.path, Msg: fmt.Sprintf("cannot load the chart font: %v", err)}}
					continue
				}
				b.renderOne(j.e, r)
			}
		}()
	}
	for i, p := range paths {
		prev := b.entries[p]
		e := &entry{path: p}
		if prev != nil {
			e.good = prev.good
		}
		results[i] = e
		select {
		case jobs <- job{p, e}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
	}
	close(jobs)
	wg.Wait()
	if ctx.Err() != nil {
		return
	}
	for _, e := range results {
		prev, existed := b.entries[e.path]
		if e.gone {
			delete(b.entries, e.path) // deleted file
			b.orderDirty, b.moved = true, true
			continue
		}
		if !existed || prev.sortKey() != e.sortKey() {
			b.orderDirty, b.moved = true, true
		}
		if existed && prev.good != e.good {
			b.changed = append(b.changed, change{prev.good, e.good})
		}
		b.entries[e.path] = e
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
	src, err := content.ReadFile(b.fsys, e.path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			e.gone = true
			return
		}
		e.errs = diag.List{{File: e.path, Msg: unwrapPath(err).Error()}}
		return
	}
	bf, errs := brief.ParseChecked(e.path, src, b.filings)
	e.errs = errs
	if bf == nil {
		return
	}
	if len(errs.Errors(b.opts.Strict)) > 0 {
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
		meta: meta{Path: e.path, Title: bf.Title, Summary: bf.Summary, Slug: bf.Slug, SlugAt: bf.SlugAt, Date: bf.Date, Updated: bf.Updated, ID: bf.ID, Draft: bf.Draft, Tags: bf.Tags}}
	out.files["figures.json"] = figuresJSON(bf)
	for _, c := range doc.Charts {
		out.files[c.File] = c.CSV
	}
	out.item = item(bf)
	if !b.opts.NoOG && b.publishable(out.meta) {
		out.og = newOGSpec(bf, b.site.Title)
		// Briefs whose cards show the same thing (same title, no headline)
		// share one image file: a streaming build draws and writes it once.
		if b.opts.Sink == nil || b.firstOGWrite(out.og.name) {
			out.ogData = b.ogImage(out.og)
		}
	}
	page, err := b.briefPage(bf, body, out.og)
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
			e.errs.Add(&diag.Error{File: e.path, Msg: fmt.Sprintf("writing output: %v", err)})
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
	if err := b.opts.Sink.WriteFile(dir+"index.html", r.page); err != nil {
		return err
	}
	for name, data := range r.files {
		if err := b.opts.Sink.WriteFile(dir+name, data); err != nil {
			return err
		}
		r.names = append(r.names, name)
	}
	if r.og != nil && r.ogData != nil {
		if err := b.opts.Sink.WriteFile(r.og.path(), r.ogData); err != nil {
			return err
		}
	}
	r.page, r.files, r.ogData = nil, nil, nil
	return nil
}

// firstOGWrite tells whether the image name is written for the first time
// in this build.
func (b *Builder) firstOGWrite(name string) bool {
	b.ogMu.Lock()
	defer b.ogMu.Unlock()
	if b.ogWritten[name] {
		return false
	}
	if b.ogWritten == nil {
		b.ogWritten = map[string]bool{}
	}
	b.ogWritten[name] = true
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
			errs.Add(&diag.Error{File: "layouts/" + name, Msg: unwrapPath(err).Error()})
			return nil
		}
		data, err = fs.ReadFile(layouts.FS, name)
		if err != nil {
			errs.Add(&diag.Error{File: "layouts/" + name, Msg: err.Error()})
		}
		return data
	}
	// Each page kind is base + its "main": parse them into separate sets.
	base := minified("text/x-template", read("base.html"))
	sets := map[string]*template.Template{}
	for _, name := range []string{"brief.html", "list.html", "404.html", "tags.html"} {
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
	css := bytes.ReplaceAll(read("site.css"), []byte("{{FONT}}"), []byte("../"+fontPath))
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
	b.lists = nil
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

var templateLine = regexp.MustCompile(`^template: [^:]+:(\d+):(?:(\d+):)? ?(.*)$`)

// templateError positions an html/template parse error in its file.
func templateError(file string, err error) *diag.Error {
	m := templateLine.FindStringSubmatch(err.Error())
	if m == nil {
		return &diag.Error{File: file, Msg: err.Error()}
	}
	line, _ := strconv.Atoi(m[1])
	col := 1
	if m[2] != "" {
		col, _ = strconv.Atoi(m[2])
	}
	return &diag.Error{File: file, Line: line, Col: col, Msg: m[3]}
}
