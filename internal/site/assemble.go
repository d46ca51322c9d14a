package site

import (
	"errors"
	"maps"

	"github.com/briefs/briefs/internal/diag"
)

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

// assemble writes every output file from the rendered briefs.
func (b *Builder) assemble(errs diag.List) (*Output, diag.List) {
	errs.Extend(b.siteErr)
	errs.Add(b.contentErr)
	var pub []*rendered
	var briefErrs diag.List
	if b.recs != nil {
		b.recPub, briefErrs = b.recs.published(b)
	} else {
		pub, briefErrs = b.published()
	}
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
	var lists briefLists
	if b.recs != nil {
		lists = b.recs.lists(b.recPub)
		out.Briefs = len(b.recPub)
		for _, i := range b.recPub {
			out.Charts += int(b.recs.recs[i].charts)
		}
	} else {
		lists = listsOf(pub)
	}
	fail := func(err error) (*Output, diag.List) {
		if !errors.Is(err, errLayouts) {
			errs.Add(diag.Wrap("layouts", diag.Pos{}, err))
		}
		return nil, errs
	}
	if err := b.writeLists(b.listPut(out.Files, &out.streamed, len(errs.Errors(b.opts.Strict)) > 0), lists); err != nil {
		return fail(err)
	}
	out.ListPages = len(out.streamed)
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
	if b.recs != nil {
		out.Files["feed.xml"] = b.recs.feed(b, b.recPub)
	} else {
		out.Files["feed.xml"] = b.feed(pub)
	}
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
	if err := b.writeLists(b.listPut(files, &out.streamed, len(errs.Errors(b.opts.Strict)) > 0), listsOf(pub)); err != nil {
		if !errors.Is(err, errLayouts) {
			errs.Add(diag.Wrap("layouts", diag.Pos{}, err))
		}
		return nil, errs
	}
	coPaths, err := b.writeCompanies(files, pub)
	if err != nil {
		if !errors.Is(err, errLayouts) {
			errs.Add(diag.Wrap("layouts", diag.Pos{}, err))
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
