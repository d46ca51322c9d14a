// Package site builds a briefs site from a source tree (content/ and an
// optional layouts/) into an in-memory set of output files. It keeps what it
// rendered per brief, so that a preview server can re-render only what an
// edit touches.
package site

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/briefs/briefs/internal/brief"
	"github.com/briefs/briefs/internal/chart"
	"github.com/briefs/briefs/internal/diag"
	"github.com/briefs/briefs/internal/markdown"
	"github.com/briefs/briefs/internal/ogimage"
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
	Title, Summary, Slug string
	Date                 time.Time
	Draft                bool
	Tags                 []string
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
	entries map[string]*entry
	ogMu    sync.Mutex
	ogCache map[string][]byte
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
func (b *Builder) Build() (*Output, diag.List) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var errs diag.List
	errs.Extend(b.loadLayouts())
	b.loadSite()
	paths, err := fs.Glob(b.fsys, "content/*.md")
	if err != nil {
		errs.Add(&diag.Error{File: "content", Msg: err.Error()})
	}
	var briefPaths []string
	for _, p := range paths {
		if path.Base(p) != "_index.md" {
			briefPaths = append(briefPaths, p)
		}
	}
	b.entries = map[string]*entry{}
	b.last = nil
	b.render(briefPaths)
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
		case strings.HasPrefix(p, "layouts/"), p == "content/_index.md":
			all = true
		case strings.HasPrefix(p, "content/") && strings.HasSuffix(p, ".md") && path.Dir(p) == "content":
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
		paths, _ := fs.Glob(b.fsys, "content/*.md")
		for _, p := range paths {
			if _, ok := b.entries[p]; !ok && path.Base(p) != "_index.md" {
				briefs = append(briefs, p)
			}
		}
		sort.Strings(briefs)
	} else if b.pages == nil {
		errs.Extend(b.loadLayouts())
	}
	b.render(briefs)
	return b.assemble(errs)
}

func (b *Builder) loadSite() {
	b.lists = nil
	b.site, b.siteErr = brief.Site{Title: "Briefs"}, nil
	src, err := fs.ReadFile(b.fsys, "content/_index.md")
	if err != nil {
		return
	}
	s, errs := brief.ParseSite("content/_index.md", src)
	if s.Title == "" {
		s.Title = "Briefs"
	}
	b.site, b.siteErr = s, errs
}

// render parses and renders the given brief files in parallel; a file that
// no longer exists is dropped.
func (b *Builder) render(paths []string) {
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
		jobs <- job{p, e}
	}
	close(jobs)
	wg.Wait()
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
	return orderKey{m.Date, m.Slug, m.Draft, strings.Join(m.Tags, "\x00"), true}
}

func (b *Builder) renderOne(e *entry, r *chart.Renderer) {
	src, err := fs.ReadFile(b.fsys, e.path)
	if err != nil {
		if _, statErr := fs.Stat(b.fsys, e.path); statErr != nil {
			e.gone = true
			return
		}
		e.errs = diag.List{{File: e.path, Msg: err.Error()}}
		return
	}
	bf, errs := brief.Parse(e.path, src)
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
		meta: meta{Title: bf.Title, Summary: bf.Summary, Slug: bf.Slug, Date: bf.Date, Draft: bf.Draft, Tags: bf.Tags}}
	out.files["figures.json"] = figuresJSON(bf)
	out.item = item(bf)
	if !b.opts.NoOG && b.publishable(out.meta) {
		out.og = newOGSpec(bf, b.site.Title)
		out.ogData = b.ogImage(out.og)
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
	if r.og != nil {
		if err := b.opts.Sink.WriteFile(r.og.path(), r.ogData); err != nil {
			return err
		}
	}
	r.page, r.files, r.ogData = nil, nil, nil
	return nil
}

func hash8(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])[:10]
}

// loadLayouts reads templates and the stylesheet: the site's layouts/ where
// present, the embedded defaults otherwise.
func (b *Builder) loadLayouts() diag.List {
	var errs diag.List
	read := func(name string) []byte {
		if data, err := fs.ReadFile(b.fsys, "layouts/"+name); err == nil {
			return data
		}
		data, err := fs.ReadFile(layouts.FS, name)
		if err != nil {
			errs.Add(&diag.Error{File: "layouts/" + name, Msg: err.Error()})
		}
		return data
	}
	// Each page kind is base + its "main": parse them into separate sets.
	base := minified("text/x-template", read("base.html"))
	sets := map[string]*template.Template{}
	for _, name := range []string{"brief.html", "list.html", "404.html"} {
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
	font := chart.FontFile()
	fontPath := "fonts/chart." + hash8(font) + ".ttf"
	css := minified("text/css", bytes.ReplaceAll(read("site.css"), []byte("{{FONT}}"), []byte("../"+fontPath)))
	b.cssPath = "css/site." + hash8(css) + ".css"
	b.assets = map[string][]byte{fontPath: font, b.cssPath: css, "favicon.svg": minified("image/svg+xml", read("favicon.svg"))}
	if len(errs) == 0 {
		b.pages = sets
	}
	b.lists = nil
	return errs
}

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
