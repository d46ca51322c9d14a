package markdown

import (
	"cmp"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/briefs/briefs/internal/brief"
	"github.com/briefs/briefs/internal/chart"
	"golang.org/x/tools/txtar"
)

func renderBrief(t testing.TB, name string, src []byte) (string, *Doc) {
	t.Helper()
	b, errs := brief.Parse(name, src)
	if b == nil || len(errs) > 0 {
		t.Fatalf("parse: %v", errs)
	}
	r, err := chart.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	html, doc := New().Render(b, r)
	doc.Errs.Sort()
	return string(html), doc
}

var update = flag.Bool("update", false, "rewrite the expected outputs of testdata/*.txtar")

// TestCases runs the case files testdata/*.txtar, as goldmark's do: each
// holds a brief.md and its whole output, compared in full: "html" (the
// rendered body), "errors" (every diagnostic of parsing and rendering, one
// a line) and "chart-N.csv" for each chart. go test -update rewrites the
// outputs from what the code renders now; read the diff before committing.
func TestCases(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no case files: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var src []byte
			want := map[string]string{}
			for _, f := range ar.Files {
				if f.Name == "brief.md" {
					src = f.Data
				} else {
					want[f.Name] = string(f.Data)
				}
			}
			if src == nil {
				t.Fatal("no brief.md")
			}
			got := renderCase(t, src)
			if *update {
				out := &txtar.Archive{Comment: ar.Comment, Files: []txtar.File{{Name: "brief.md", Data: src}}}
				for _, name := range caseSections(got) {
					out.Files = append(out.Files, txtar.File{Name: name, Data: []byte(got[name])})
				}
				if err := os.WriteFile(file, txtar.Format(out), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			for _, name := range caseSections(got) {
				w, ok := want[name]
				if !ok {
					t.Errorf("no section %q; the code renders:\n%s", name, got[name])
					continue
				}
				if w != got[name] {
					t.Errorf("%s differs (go test -update rewrites it):\n%s", name, firstDiff(got[name], w))
				}
			}
			for name := range want {
				if _, ok := got[name]; !ok {
					t.Errorf("section %q: the code renders no such output", name)
				}
			}
		})
	}
}

// renderCase renders a case's brief into its sections, each ending in a
// newline as txtar stores them.
func renderCase(t *testing.T, src []byte) map[string]string {
	t.Helper()
	b, errs := brief.Parse("brief.md", src)
	if b == nil {
		t.Fatalf("parse: %v", errs)
	}
	r, err := chart.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	html, doc := New().Render(b, r)
	errs.Extend(doc.Errs)
	errs.Sort()
	var lines []string
	for _, e := range errs {
		lines = append(lines, e.Error()+"\n")
	}
	got := map[string]string{"html": withNewline(string(html)), "errors": strings.Join(lines, "")}
	for _, c := range doc.Charts {
		got[c.File] = withNewline(string(c.CSV()))
	}
	return got
}

func withNewline(s string) string {
	if s != "" && !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	return s
}

// caseSections orders a case's outputs: html, errors, then the charts.
func caseSections(got map[string]string) []string {
	names := []string{"html", "errors"}
	var csv []string
	for name := range got {
		if strings.HasSuffix(name, ".csv") {
			csv = append(csv, name)
		}
	}
	slices.SortFunc(csv, func(a, b string) int {
		return cmp.Or(cmp.Compare(len(a), len(b)), cmp.Compare(a, b))
	})
	return append(names, csv...)
}

// firstDiff shows the first line where got and want differ, with the
// column at which they part.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < max(len(g), len(w)); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			col := 0
			for col < min(len(gl), len(wl)) && gl[col] == wl[col] {
				col++
			}
			return fmt.Sprintf("line %d, byte %d:\n got  %q\n want %q", i+1, col+1, clip(gl, col), clip(wl, col))
		}
	}
	return "(equal)"
}

// clip keeps the part of a long line around col.
func clip(s string, col int) string {
	from := max(0, col-60)
	to := min(len(s), col+100)
	return s[from:to]
}

func FuzzRender(f *testing.F) {
	f.Add("{{ a }} {{ a:pct }} {{ b@X }} {{ nope }} {{ a | x }}\n\n```chart\ntype: bar\ntitle: t\ndata: [a, b@X]\n```\n")
	f.Add("58% and $1.5 billion, {{")
	f.Add("```chart\n: :\n```\n")
	f.Fuzz(func(t *testing.T, body string) {
		src := "---\ntitle: x\ndate: 2025-01-01\nperiod: Y\nfigures:\n  a: 1.5\n  b: {values: {X: 1, Y: 2}}\n---\n" + body
		b, errs := brief.Parse("f.md", []byte(src))
		if b == nil || len(errs) > 0 {
			return
		}
		r, _ := chart.NewRenderer()
		_, doc := New().Render(b, r)
		for _, e := range doc.Errs {
			if e.Line < 1 || e.Col < 1 {
				t.Fatalf("diagnostic without a position: %v", e)
			}
		}
	})
}

func FuzzProse(f *testing.F) {
	f.Add("AWS earned 58% or $39.8 billion, not 60% or €68.8bn; −5% and -$2 trillion; 1,234,567.89 percent")
	f.Fuzz(func(t *testing.T, text string) {
		src := "---\ntitle: x\ndate: 2025-01-01\nfigures:\n  a: 39.8\n  p: {value: 58.0, unit: percent}\n---\n" + text
		b, errs := brief.Parse("f.md", []byte(src))
		if b == nil || len(errs) > 0 {
			return
		}
		d := &Doc{Brief: b}
		d.scan(text, 0)
		for _, e := range d.Errs {
			if e.Line < 1 || e.Col < 1 {
				t.Fatalf("diagnostic without a position: %v", e)
			}
		}
	})
}

// BenchmarkHandTypedOnOneLine: 40,000 hand-typed amounts on one line, each
// a warning with its column; the cost per amount must not grow with the
// line (it took 6.9 s when columns were counted from the line's start).
func BenchmarkHandTypedOnOneLine(b *testing.B) {
	for _, n := range []int{10000, 40000} {
		b.Run(fmt.Sprintf("amounts=%d", n), func(b *testing.B) {
			src := []byte("---\ntitle: T\ndate: 2024-01-01\nscale: billion\nfigures:\n  a: 1.0\n---\n" + strings.Repeat("$1.0 billion ", n) + "\n")
			for b.Loop() {
				_, doc := renderBrief(b, "x.md", src)
				if len(doc.Errs) != n {
					b.Fatalf("%d warnings, want %d", len(doc.Errs), n)
				}
			}
		})
	}
}
