package sitetest

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/briefs/briefs/internal/site"
)

// recorder is a testing.TB that records failures instead of failing, so
// that the assertions can be shown to fail.
type recorder struct {
	testing.TB
	failures []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	runtime.Goexit()
}

func (r *recorder) Fatal(args ...any) {
	r.failures = append(r.failures, fmt.Sprint(args...))
	runtime.Goexit()
}

// failures runs f against a recorder and returns what failed.
func failures(t *testing.T, f func(tb testing.TB)) []string {
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(r)
	}()
	<-done
	return r.failures
}

const site1 = `A site of one brief.
-- content/good.md --
` + Brief

func TestBuildAndAssert(t *testing.T) {
	b := Test(t, site1, site.Options{})
	b.AssertFileContent("good/index.html", `
		<data value="0.5802" title="= 39.8 ÷ 68.6 · Release">58.0%</data>
		! 57.8%
	`)
	b.AssertFileExists("good/index.html", true)
	b.AssertFileExists("bad/index.html", false)
	b.AssertFileCount("tags/x/index.html", ">Good</a>", 1)
	b.AssertFileOrder("good/index.html", "<title>", "58.0%", "</html>")
	b.AssertErrors()
	if got := strings.Join(b.Paths("good/"), " "); got != "good/figures.json good/index.html" {
		t.Errorf("Paths = %v", got)
	}
}

// TestAssertionsFail shows every assertion failing when it should; a test
// helper that cannot fail would make the tests built on it pass for nothing.
func TestAssertionsFail(t *testing.T) {
	for _, tt := range []struct {
		name string
		do   func(b *Builder)
		want string
	}{
		{"missing text", func(b *Builder) { b.AssertFileContent("good/index.html", "58.1%") }, `good/index.html lacks "58.1%"`},
		{"present negation", func(b *Builder) { b.AssertFileContent("good/index.html", "! 58.0%") }, `good/index.html holds "58.0%"`},
		{"missing file", func(b *Builder) { b.AssertFileContent("nope.html", "x") }, "no output file nope.html"},
		{"exact", func(b *Builder) { b.AssertFileExact("robots.txt", "User-agent: *\n") }, "robots.txt differs"},
		{"count", func(b *Builder) { b.AssertFileCount("good/index.html", "58.0%", 7) }, `holds "58.0%"`},
		{"order", func(b *Builder) { b.AssertFileOrder("good/index.html", "</html>", "<title>") }, `holds "<title>" before "</html>"`},
		{"order missing", func(b *Builder) { b.AssertFileOrder("good/index.html", "<title>", "nope") }, `lacks "nope"`},
		{"exists", func(b *Builder) { b.AssertFileExists("good/index.html", false) }, "output file good/index.html written"},
		{"no errors expected one", func(b *Builder) { b.AssertErrors("content/good.md:1:1: x") }, "0 diagnostics, want 1"},
		{"edit of nothing", func(b *Builder) { b.EditFileReplace("content/good.md", "value: 1.0", "value: 2.0") }, `content/good.md lacks "value: 1.0"`},
		{"odd edit", func(b *Builder) { b.EditFiles("content/good.md") }, "want pairs"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := failures(t, func(tb testing.TB) { tt.do(Test(tb, site1, site.Options{})) })
			if len(got) == 0 || !strings.Contains(got[0], tt.want) {
				t.Errorf("failures %q, want one with %q", got, tt.want)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	b := New(t, site1+"-- content/bad.md --\n---\ntitle: Bad\ndate: 2025-01-01\nfigures:\n  a: 1e3\n---\n{{ c }} and 58.0%.\n", site.Options{})
	if errs := b.BuildE(); errs.Err() == nil {
		t.Fatal("a bad brief built")
	}
	b.AssertErrors("content/bad.md:5:6: 1e3 is in exponent notation", "content/bad.md:7:1: unknown name c")
	for _, want := range [][]string{
		{"content/bad.md:5:6: 1e3 is in exponent notation"},
		{"content/bad.md:5:6: 1e3 is in exponent notation", "content/bad.md:7:2: unknown name c"},
		{"content/bad.md:5:6: 1e3 is in exponent notation", "content/bad.md: unknown name c"},
	} {
		if got := failures(t, func(tb testing.TB) { b.t = tb; b.AssertErrors(want...) }); len(got) == 0 {
			t.Errorf("AssertErrors(%q) passed", want)
		}
	}
	b.t = t
	// Build fails the test on an error.
	if got := failures(t, func(tb testing.TB) {
		New(tb, site1+"-- content/bad.md --\n---\ntitle: Bad\n---\n{{ c }}\n", site.Options{}).Build()
	}); len(got) != 1 || !strings.HasPrefix(got[0], "build: content/bad.md:") {
		t.Errorf("Build of a bad site: %q", got)
	}
}

// TestRebuild edits, adds and removes sources and rebuilds as the preview
// does; each rebuild's output shows the edit.
func TestRebuild(t *testing.T) {
	b := Test(t, site1, site.Options{KeepLastGood: true})
	b.EditFileReplace("content/good.md", "value: 39.8", "value: 34.3").Build()
	b.AssertFileContent("good/index.html", ">50.0%</data>", "! >58.0%</data>")
	b.EditFiles("content/other.md", strings.Replace(Brief, "title: Good", "title: Other", 1)).Build()
	b.AssertFileContent("index.html", ">Good</a>", ">Other</a>")
	b.RemoveFiles("content/good.md").Build()
	b.AssertFileExists("good/index.html", false)
	b.AssertFileContent("index.html", "! >Good</a>", ">Other</a>")
	// A rebuild that breaks a brief reports where.
	b.EditFileReplace("content/other.md", "{{ share }}", "{{ shar }}")
	b.BuildE()
	b.AssertErrors("content/other.md:13:6: unknown name shar (did you mean share?)")
}

func TestWriteDir(t *testing.T) {
	dir := t.TempDir()
	WriteDir(t, dir, site1+"-- layouts/404.html --\nx\n")
	data, err := os.ReadFile(filepath.Join(dir, "content", "good.md"))
	if err != nil || string(data) != Brief {
		t.Errorf("content/good.md: %q, %v", data, err)
	}
	if data, err := os.ReadFile(filepath.Join(dir, "layouts", "404.html")); err != nil || string(data) != "x\n" {
		t.Errorf("layouts/404.html: %q, %v", data, err)
	}
}
