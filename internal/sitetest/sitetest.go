// Package sitetest builds test sites in memory and asserts on their output,
// in the manner of Hugo's IntegrationTestBuilder: a site is a txtar archive
// (a comment, then "-- path --" lines each followed by that file), built
// over an fstest.MapFS, edited, rebuilt through the same site.Builder as the
// preview does, and checked file by file. Every package whose tests build
// sites (site, cli, server, bench) shares it and its one test brief.
package sitetest

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/briefs/briefs/internal/diag"
	"github.com/briefs/briefs/internal/site"
	"golang.org/x/tools/txtar"
)

// Brief is the small brief tests share: two figures from one source and
// a derived share, with one reference in its prose (line 13).
const Brief = `---
title: Good
date: 2025-01-02
tags: [x]
figures:
  a: {value: 39.8, label: A, source: s}
  b: {value: 68.6, label: B, source: s}
sources:
  s: {title: Release}
derived:
  share: a / b
---
A is {{ share }} of B.
`

// Now is the day test builds take as today unless their options set one:
// briefs dated after it are future-dated.
var Now = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

// Files parses a txtar archive into a file system; the archive's comment
// (its text before the first file) is ignored.
func Files(archive string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for _, f := range txtar.Parse([]byte(archive)).Files {
		fsys[f.Name] = &fstest.MapFile{Data: f.Data}
	}
	return fsys
}

// ReadFiles reads a txtar archive file (as testdata/site.txtar) into a file
// system, failing the test when it cannot.
func ReadFiles(t testing.TB, name string) fstest.MapFS {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return Files(string(data))
}

// WriteDir writes the files of a txtar archive under dir, for tests that
// need a site on disk (the CLI, the preview's watcher).
func WriteDir(t testing.TB, dir, archive string) {
	t.Helper()
	files := map[string]string{}
	for name, f := range Files(archive) {
		files[name] = string(f.Data)
	}
	WriteFiles(t, dir, files)
}

// WriteFiles writes files (slash-separated paths relative to dir, and
// their contents) under dir, making folders as needed.
func WriteFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// Builder is a test site: its sources, the site.Builder over them, and the
// output and diagnostics of the last build.
type Builder struct {
	t       testing.TB
	fsys    fstest.MapFS
	opts    site.Options
	b       *site.Builder
	changed []string
	out     *site.Output
	errs    diag.List
}

// New returns a builder of the site in archive, not yet built. Options
// without Now take Now.
func New(t testing.TB, archive string, opts site.Options) *Builder {
	return NewFS(t, Files(archive), opts)
}

// NewFS is New over a file system already made (ReadFiles, or a large
// generated site).
func NewFS(t testing.TB, fsys fstest.MapFS, opts site.Options) *Builder {
	if opts.Now.IsZero() {
		opts.Now = Now
	}
	return &Builder{t: t, fsys: fsys, opts: opts}
}

// Test builds the site in archive and fails the test on any error
// (warnings do not fail it).
func Test(t testing.TB, archive string, opts site.Options) *Builder {
	t.Helper()
	return New(t, archive, opts).Build()
}

// Build builds the site the first time and, after edits, rebuilds it as
// the preview does (site.Builder.Update with the paths edited since), and
// fails the test when the build reports an error.
func (b *Builder) Build() *Builder {
	b.t.Helper()
	if errs := b.BuildE(); errs.Err() != nil {
		b.t.Fatalf("build: %v", errs.Err())
	}
	return b
}

// BuildE is Build that returns the diagnostics, errors and warnings
// sorted by position, instead of failing on them.
func (b *Builder) BuildE() diag.List {
	b.t.Helper()
	if b.b == nil {
		b.b = site.NewBuilder(b.fsys, b.opts)
		b.out, b.errs = b.b.Build()
	} else {
		changed := b.changed
		b.out, b.errs = b.b.Update(changed)
	}
	b.changed = nil
	b.errs.Sort()
	return b.errs
}

// EditFiles replaces or adds files, given as path, content, path,
// content…; the next Build rebuilds after them.
func (b *Builder) EditFiles(pathsAndContents ...string) *Builder {
	b.t.Helper()
	if len(pathsAndContents)%2 != 0 {
		b.t.Fatalf("EditFiles: %d arguments, want pairs of path and content", len(pathsAndContents))
	}
	for i := 0; i < len(pathsAndContents); i += 2 {
		p := pathsAndContents[i]
		b.fsys[p] = &fstest.MapFile{Data: []byte(pathsAndContents[i+1])}
		b.touch(p)
	}
	return b
}

// EditFileReplace replaces the first old in the source file p by new,
// failing the test when p does not hold old (an edit that edits nothing
// would make a test pass for the wrong reason).
func (b *Builder) EditFileReplace(p, old, new string) *Builder {
	b.t.Helper()
	src := b.SourceContent(p)
	if !strings.Contains(src, old) {
		b.t.Fatalf("%s lacks %q", p, old)
	}
	return b.EditFiles(p, strings.Replace(src, old, new, 1))
}

// touch notes that source p changed, once.
func (b *Builder) touch(p string) {
	if !slices.Contains(b.changed, p) {
		b.changed = append(b.changed, p)
	}
}

// RemoveFiles deletes source files; the next Build rebuilds after them.
func (b *Builder) RemoveFiles(paths ...string) *Builder {
	b.t.Helper()
	for _, p := range paths {
		if _, ok := b.fsys[p]; !ok {
			b.t.Fatalf("RemoveFiles: no source file %s", p)
		}
		delete(b.fsys, p)
		b.touch(p)
	}
	return b
}

// FS is the site's sources; tests that change them directly must Build
// with a new builder, as Update does not know what changed.
func (b *Builder) FS() fstest.MapFS { return b.fsys }

// SourceContent returns a source file's content, failing the test when
// there is none.
func (b *Builder) SourceContent(p string) string {
	b.t.Helper()
	f, ok := b.fsys[p]
	if !ok {
		b.t.Fatalf("no source file %s", p)
	}
	return string(f.Data)
}

// Output is the last build's output.
func (b *Builder) Output() *site.Output {
	b.t.Helper()
	if b.out == nil {
		b.t.Fatalf("the site is not built")
	}
	return b.out
}

// Site is the site.Builder, built on the first Build.
func (b *Builder) Site() *site.Builder { return b.b }

// FileContent returns an output file's content (a path like
// "amazon/index.html"), failing the test when there is none.
func (b *Builder) FileContent(p string) string {
	b.t.Helper()
	data, ok := b.Output().Files[p]
	if !ok {
		b.t.Fatalf("no output file %s (have %s)", p, strings.Join(b.out.Paths(), " "))
	}
	return string(data)
}

// AssertFileContent checks that output file p holds every line of every
// want (each line trimmed of surrounding space, empty lines skipped), and
// holds none of a line written "! text".
func (b *Builder) AssertFileContent(p string, want ...string) {
	b.t.Helper()
	content := b.FileContent(p)
	for _, w := range want {
		for _, line := range strings.Split(w, "\n") {
			line = strings.TrimSpace(line)
			if line == "" {
				continue
			}
			if neg, ok := strings.CutPrefix(line, "! "); ok {
				if strings.Contains(content, neg) {
					b.t.Errorf("%s holds %q, which it must not", p, neg)
				}
				continue
			}
			if !strings.Contains(content, line) {
				b.t.Errorf("%s lacks %q", p, line)
			}
		}
	}
}

// AssertFileExact checks that output file p is exactly want.
func (b *Builder) AssertFileExact(p, want string) {
	b.t.Helper()
	if got := b.FileContent(p); got != want {
		b.t.Errorf("%s differs:\n got  %q\n want %q", p, got, want)
	}
}

// AssertFileCount checks how many times output file p holds s.
func (b *Builder) AssertFileCount(p, s string, n int) {
	b.t.Helper()
	if got := strings.Count(b.FileContent(p), s); got != n {
		b.t.Errorf("%s holds %q %d times, want %d", p, s, got, n)
	}
}

// AssertFileOrder checks that output file p holds each of ss, the first
// occurrence of each after the first occurrence of the one before.
func (b *Builder) AssertFileOrder(p string, ss ...string) {
	b.t.Helper()
	content := b.FileContent(p)
	last := -1
	for i, s := range ss {
		at := strings.Index(content, s)
		switch {
		case at < 0:
			b.t.Errorf("%s lacks %q", p, s)
			return
		case at <= last:
			b.t.Errorf("%s holds %q before %q (want in order: %q)", p, s, ss[i-1], ss)
			return
		}
		last = at
	}
}

// AssertFileExists checks whether output file p was written.
func (b *Builder) AssertFileExists(p string, exists bool) {
	b.t.Helper()
	if _, ok := b.Output().Files[p]; ok != exists {
		if exists {
			b.t.Errorf("no output file %s", p)
		} else {
			b.t.Errorf("output file %s written", p)
		}
	}
}

// AssertErrors checks the last build's diagnostics (errors and warnings,
// sorted by position): there are as many as want, and each begins with
// its want, which starts with the position: "content/a.md:5:6: message".
// A want may stop before the end of a long message.
func (b *Builder) AssertErrors(want ...string) {
	b.t.Helper()
	var got []string
	for _, e := range b.errs {
		got = append(got, e.Error())
	}
	if len(got) != len(want) {
		b.t.Errorf("%d diagnostics, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
		return
	}
	for i := range want {
		if !position.MatchString(want[i]) {
			b.t.Errorf("want %q names no file:line:col", want[i])
		}
		if !strings.HasPrefix(got[i], want[i]) {
			b.t.Errorf("diagnostic %d:\n got  %s\n want %s…", i+1, got[i], want[i])
		}
	}
}

// position is the "file:line:col: " an asserted diagnostic starts with.
var position = regexp.MustCompile(`^[^:\s]+:[1-9][0-9]*:[1-9][0-9]*: `)

// Paths returns the output paths that start with prefix, sorted.
func (b *Builder) Paths(prefix string) []string {
	b.t.Helper()
	var out []string
	for p := range b.Output().Files {
		if strings.HasPrefix(p, prefix) {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}
