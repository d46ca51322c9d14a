package markdown

import (
	"fmt"
	"path/filepath"
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

// TestCases runs testdata/*.txtar: brief.md renders to HTML holding every
// line of "html", with exactly the diagnostics of "errors" (as prefixes).
func TestCases(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.txtar")
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			parts := map[string]string{}
			for _, f := range ar.Files {
				parts[f.Name] = string(f.Data)
			}
			html, doc := renderBrief(t, "brief.md", []byte(parts["brief.md"]))
			for _, line := range strings.Split(strings.TrimSpace(parts["html"]), "\n") {
				if line != "" && !strings.Contains(html, line) {
					t.Errorf("HTML lacks\n  %s\nin\n%s", line, html)
				}
			}
			var got []string
			for _, e := range doc.Errs {
				got = append(got, e.Error())
			}
			want := strings.Split(strings.TrimSpace(parts["errors"]), "\n")
			if want[0] == "" {
				want = nil
			}
			if len(got) != len(want) {
				t.Fatalf("got %d diagnostics, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
			}
			for i := range want {
				if !strings.HasPrefix(got[i], want[i]) {
					t.Errorf("diagnostic %d:\n got  %s\n want %s…", i, got[i], want[i])
				}
			}
		})
	}
}

func TestNoRawHTML(t *testing.T) {
	src := "---\ntitle: x\ndate: 2025-01-01\n---\n<script>alert(1)</script>\n\n<b onclick=x>hi</b>\n"
	html, _ := renderBrief(t, "x.md", []byte(src))
	if strings.Contains(html, "<script") || strings.Contains(html, "<b onclick") {
		t.Errorf("raw HTML passed through: %s", html)
	}
}

func TestChartsCollected(t *testing.T) {
	src := "---\ntitle: x\ndate: 2025-01-01\nfigures: {a: 1.0, b: 2.0}\n---\n```chart\ntype: bar\ntitle: One\ndata: [a, b]\n```\n\n```chart\ntype: donut\ntitle: Two\ndata: {A: a, B: b}\n```\n"
	html, doc := renderBrief(t, "x.md", []byte(src))
	if len(doc.Charts) != 2 || doc.Charts[0].ID != "chart-1" || doc.Charts[1].ID != "chart-2" {
		t.Fatalf("charts: %d", len(doc.Charts))
	}
	if got := string(doc.Charts[1].CSV()); got != "\uFEFFseries,label,value,display\n,A,1000000000,$1.0B\n,B,2000000000,$2.0B\n" {
		t.Errorf("CSV = %q", got)
	}
	if strings.Count(html, `id="chart-1-t"`) != 1 || strings.Count(html, `id="chart-2-t"`) != 1 {
		t.Errorf("chart ids not unique")
	}
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

// A figure or derived value whose YAML or expression is wrong has its own
// error; references to it in prose add none ("unknown name" would mislead).
func TestFailedValuesDoNotCascade(t *testing.T) {
	src := "---\ntitle: T\ndate: 2024-01-01\nfigures:\n  a: &v 2.0\n  b: *v\n  c: {value: *v}\n  s: {values: *v}\n  u: !!str 2.0\nderived:\n  d: a +\n  e: b * 2\n---\n{{ b }} {{ c }} {{ s@FY2024 }} {{ u }} {{ d }} {{ e }}\n"
	b, errs := brief.Parse("x.md", []byte(src))
	if b == nil {
		t.Fatalf("parse: %v", errs)
	}
	r, err := chart.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	_, doc := New().Render(b, r)
	if len(doc.Errs) > 0 {
		t.Errorf("prose errors cascade from failed values:\n%v", doc.Errs)
	}
	if len(errs) != 5 {
		t.Errorf("want 5 errors (b, c, s, u, d), got:\n%v", errs)
	}
}

// TestChartCSV: the CSV keeps values machine-readable (exact, a plain
// minus, no grouping) beside their display text, behind a byte-order mark.
func TestChartCSV(t *testing.T) {
	src := "---\ntitle: x\ndate: 2025-01-01\ncurrency: EUR\nscale: million\nfigures: {a: 1234.5678, b: -2.0}\n---\n```chart\ntype: bar\ntitle: One\ndata: {\"Big, \\\"quoted\\\"\": a, Loss: b}\n```\n"
	_, doc := renderBrief(t, "x.md", []byte(src))
	if len(doc.Charts) != 1 {
		t.Fatalf("charts: %d (%v)", len(doc.Charts), doc.Errs)
	}
	want := "\uFEFFseries,label,value,display\n,\"Big, \"\"quoted\"\"\",1234567800,\"€1,234.5678M\"\n,Loss,-2000000,−€2.0M\n"
	if got := string(doc.Charts[0].CSV()); got != want {
		t.Errorf("CSV = %q\nwant  %q", got, want)
	}
	if doc.Charts[0].File != "chart-1.csv" || doc.Charts[0].Download != "x-chart-1.csv" {
		t.Errorf("CSV file %q, saved as %q", doc.Charts[0].File, doc.Charts[0].Download)
	}
}
