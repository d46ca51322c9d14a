package chart

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
)

func render(t testing.TB, c *Chart) string {
	t.Helper()
	r, err := NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	svg, err := r.SVG(c)
	if err != nil {
		t.Fatalf("SVG: %v", err)
	}
	wellFormed(t, svg)
	return string(svg)
}

// wellFormed parses the SVG as XML and fails on any error.
func wellFormed(t testing.TB, svg []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(svg))
	d.Strict = true
	for {
		_, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v\n%s", err, svg)
		}
	}
}

func bars(kind Kind, vals ...float64) *Chart {
	c := &Chart{Kind: kind, Title: "T", ID: "c1", Prefix: "$", Suffix: "B"}
	s := Series{Name: "s"}
	for i, v := range vals {
		s.Points = append(s.Points, Point{Label: fmt.Sprintf("L%d", i), Value: v, Text: fmt.Sprintf("$%.1fB", v)})
	}
	c.Series = []Series{s}
	return c
}

type rect struct{ x, y, w, h float64 }

var (
	rectRE = regexp.MustCompile(`<rect x="([-\d.]+)" y="([-\d.]+)" width="([-\d.]+)" height="([-\d.]+)" class="bar`)
	zeroRE = regexp.MustCompile(`<line x1="[-\d.]+" y1="([-\d.]+)" x2="[-\d.]+" y2="([-\d.]+)" class="zero"/>`)
)

func barRects(svg string) []rect {
	var out []rect
	for _, m := range rectRE.FindAllStringSubmatch(svg, -1) {
		var f [4]float64
		for i := range f {
			f[i], _ = strconv.ParseFloat(m[i+1], 64)
		}
		out = append(out, rect{f[0], f[1], f[2], f[3]})
	}
	return out
}

func zeroY(t *testing.T, svg string) float64 {
	m := zeroRE.FindStringSubmatch(svg)
	if m == nil {
		t.Fatal("no zero line")
	}
	y, _ := strconv.ParseFloat(m[1], 64)
	return y
}

func near(a, b float64) bool { return math.Abs(a-b) < 0.11 }

func TestBarsStartAtZero(t *testing.T) {
	// go-chart starts the range at the minimum value, drawing the smallest bar
	// with zero height; ours start at the zero line.
	svg := render(t, bars(Bar, 100, 101, 102, 103))
	zero := zeroY(t, svg)
	rs := barRects(svg)
	if len(rs) != 4 {
		t.Fatalf("got %d bars", len(rs))
	}
	for i, r := range rs {
		if !near(r.y+r.h, zero) || r.h < 100 {
			t.Errorf("bar %d spans %.1f..%.1f, want from the zero line %.1f and tall", i, r.y, r.y+r.h, zero)
		}
	}
	// Heights are proportional to the values.
	if ratio := rs[0].h / rs[3].h; math.Abs(ratio-100.0/103) > 0.01 {
		t.Errorf("height ratio %.3f, want %.3f", ratio, 100.0/103)
	}
}

func TestNegativeAndMixed(t *testing.T) {
	svg := render(t, bars(Bar, -2.8, 5, -1))
	zero := zeroY(t, svg)
	rs := barRects(svg)
	if !near(rs[0].y, zero) || rs[0].h <= 0 {
		t.Errorf("negative bar %+v should hang below the zero line %.1f", rs[0], zero)
	}
	if !near(rs[1].y+rs[1].h, zero) {
		t.Errorf("positive bar %+v should stand on the zero line %.1f", rs[1], zero)
	}
	if ratio := rs[0].h / rs[2].h; math.Abs(ratio-2.8) > 0.05 {
		t.Errorf("negative bars out of proportion: %.2f", ratio)
	}
	if !strings.Contains(svg, ">−$2.8B<") && !strings.Contains(svg, ">$-2.8B<") {
		t.Errorf("value label missing")
	}
	if !strings.Contains(svg, `class="tick">−$`) {
		t.Errorf("negative ticks should use a true minus sign")
	}
}

func TestAllNegativeHBar(t *testing.T) {
	svg := render(t, bars(HBar, -17.73, -16.12))
	for _, r := range barRects(svg) {
		if r.w <= 0 || r.x < 0 {
			t.Errorf("bar %+v outside the chart", r)
		}
	}
}

func TestSmallestAndZeroVisible(t *testing.T) {
	svg := render(t, bars(Bar, 1000, 0.001, 0))
	rs := barRects(svg)
	if rs[1].h < 1 {
		t.Errorf("a tiny value must stay visible, height %.2f", rs[1].h)
	}
	if rs[2].h < 1 || !strings.Contains(svg, ">$0.0B<") {
		t.Errorf("a zero value must be drawn and labelled: %+v", rs[2])
	}
}

func TestEscaping(t *testing.T) {
	c := bars(Bar, 1, 2)
	c.Title = `S&P 500 <b>"quoted"</b>`
	c.Series[0].Points[0].Label = "S&P 500"
	c.Series[0].Points[1].Label = "<script>alert(1)</script>"
	c.ID = `x"y`
	svg := render(t, c)
	if strings.Contains(svg, "<script") || strings.Contains(svg, "S&P") || strings.Contains(svg, `<b>`) {
		t.Errorf("unescaped label in SVG:\n%s", svg)
	}
	if !strings.Contains(svg, "S&amp;P 500") || !strings.Contains(svg, "&lt;script&gt;") {
		t.Errorf("escaped labels missing")
	}
}

func TestInvalidData(t *testing.T) {
	r, _ := NewRenderer()
	tests := []struct {
		c    *Chart
		want string
	}{
		{bars(Bar, math.NaN()), "not a finite number"},
		{bars(Bar, 1e300, 1), "too large or too small"},
		{bars(Line, 1e-300, 1), "too large or too small"},
		{bars(Line, math.Inf(1)), "not a finite number"},
		{bars(Bar), "no data"},
		{&Chart{Kind: Bar}, "no data"},
		{bars(Pie, 3, -1), "cannot show the negative value"},
		{bars(Donut, 0, 0), "add up to more than zero"},
		{bars("radar", 1), "unknown chart type"},
		{&Chart{Kind: Stacked, Series: []Series{{Name: "a", Points: []Point{{Value: 1}}}, {Name: "b"}}}, "has 0 values"},
	}
	for _, tt := range tests {
		_, err := r.SVG(tt.c)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error = %v, want %q", tt.c.Kind, err, tt.want)
		}
	}
}

func allKinds() []*Chart {
	long := "A label that is exactly forty characters"
	money := func(vals ...float64) []Point {
		var ps []Point
		for i, v := range vals {
			ps = append(ps, Point{Label: fmt.Sprintf("%s %d", long[:30], i), Value: v, Text: fmt.Sprintf("$%.1fB", v)})
		}
		return ps
	}
	years := func(vals ...float64) []Point {
		var ps []Point
		for i, v := range vals {
			ps = append(ps, Point{Label: fmt.Sprintf("FY%d", 2022+i), Value: v, Text: fmt.Sprintf("$%.1fB", v)})
		}
		return ps
	}
	return []*Chart{
		{Kind: Bar, Title: "bar", Series: []Series{{Points: money(16.9, 58.0, 0, -3)}}},
		{Kind: HBar, Title: "hbar", Series: []Series{{Points: []Point{{Label: long, Value: 87.1, Text: "$87.1B"}, {Label: "Reality Labs", Value: -17.7, Text: "−$17.7B"}}}}},
		{Kind: Stacked, Title: "stacked", Series: []Series{{Name: "Services", Points: years(272.5, 304.9)}, {Name: "Cloud", Points: years(33.1, 43.2)}}},
		{Kind: Donut, Title: "donut", Series: []Series{{Points: []Point{{Label: "AWS", Value: 39.8, Text: "$39.8B"}, {Label: long, Value: 28.8, Text: "$28.8B"}, {Label: "Zero", Value: 0, Text: "$0.0B"}}}}},
		{Kind: Pie, Title: "pie", Series: []Series{{Points: []Point{{Label: "All", Value: 5, Text: "$5.0B"}}}}},
		{Kind: Line, Title: "line", Series: []Series{{Name: "Net sales", Points: years(514, 574.8, 638)}, {Name: "AWS", Points: years(80.1, 90.8, 107.6)}}},
		{Kind: Waterfall, Title: "waterfall", Series: []Series{{Points: money(121.3, 6.1, -4.4, -10.5)}}, Total: &Point{Label: "Operating income", Value: 112.5, Text: "$112.5B"}},
	}
}

// TestEveryKind draws every chart type: well-formed, accessible, no inline
// style (a strict CSP forbids it), ids from the chart's ID, and a <desc>
// that states every value in words.
func TestEveryKind(t *testing.T) {
	for i, c := range allKinds() {
		c.ID = fmt.Sprintf("chart-%d", i+1)
		t.Run(string(c.Kind), func(t *testing.T) {
			svg := render(t, c)
			if strings.Contains(svg, "style=") || strings.Contains(svg, "<style") {
				t.Errorf("inline style in SVG")
			}
			if !strings.Contains(svg, `role="img"`) || !strings.Contains(svg, `aria-labelledby="`+c.ID+`-t `+c.ID+`-d"`) {
				t.Errorf("missing role or labels")
			}
			if !strings.Contains(svg, `<title id="`+c.ID+`-t">`+c.Title+`</title>`) {
				t.Errorf("missing title")
			}
			desc := regexp.MustCompile(`<desc id="[^"]+">([^<]*)</desc>`).FindStringSubmatch(svg)
			if desc == nil {
				t.Fatal("missing desc")
			}
			for _, s := range c.Series {
				for _, p := range s.Points {
					if !strings.Contains(desc[1], xmlEscaper.Replace(p.Text)) {
						t.Errorf("desc %q does not state %s", desc[1], p.Text)
					}
				}
			}
			if strings.Contains(svg, "transform=") || strings.Contains(svg, "rotate") {
				t.Errorf("rotated text in SVG")
			}
			ids := regexp.MustCompile(` id="([^"]+)"`).FindAllStringSubmatch(svg, -1)
			for _, id := range ids {
				if !strings.HasPrefix(id[1], c.ID+"-") {
					t.Errorf("id %q not scoped to the chart", id[1])
				}
			}
		})
	}
}

// TestLabelsFit checks that no text runs outside the chart or over its
// neighbour: each label's measured box is inside the view box and disjoint
// from every other text box.
func TestLabelsFit(t *testing.T) {
	r, _ := NewRenderer()
	textRE := regexp.MustCompile(`<text x="([-\d.]+)" y="([-\d.]+)"(?: text-anchor="(\w+)")? class="(\w+)(?: in)?">([^<]*)</text>`)
	vbRE := regexp.MustCompile(`viewBox="0 0 ([\d.]+) ([\d.]+)"`)
	for _, c := range allKinds() {
		c.ID = "c"
		t.Run(string(c.Kind), func(t *testing.T) {
			svg := render(t, c)
			vb := vbRE.FindStringSubmatch(svg)
			w, _ := strconv.ParseFloat(vb[1], 64)
			h, _ := strconv.ParseFloat(vb[2], 64)
			type box struct {
				x0, x1, y0, y1 float64
				s              string
			}
			var boxes []box
			for _, m := range textRE.FindAllStringSubmatch(svg, -1) {
				x, _ := strconv.ParseFloat(m[1], 64)
				y, _ := strconv.ParseFloat(m[2], 64)
				size := LabelSize
				if m[4] == "tick" {
					size = TickSize
				}
				text := strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&quot;", `"`, "&#39;", "'").Replace(m[5])
				tw := r.m.width(text, size)
				x0 := x
				switch m[3] {
				case "middle":
					x0 = x - tw/2
				case "end":
					x0 = x - tw
				}
				b := box{x0, x0 + tw, y - size*0.75, y + size*0.25, text}
				if b.x0 < -0.5 || b.x1 > w+0.5 || b.y0 < -0.5 || b.y1 > h+0.5 {
					t.Errorf("%q (%.1f..%.1f, %.1f..%.1f) outside the %.0f×%.0f view box", text, b.x0, b.x1, b.y0, b.y1, w, h)
				}
				for _, o := range boxes {
					if b.x0 < o.x1-0.5 && o.x0 < b.x1-0.5 && b.y0 < o.y1-0.5 && o.y0 < b.y1-0.5 {
						t.Errorf("%q overlaps %q", text, o.s)
					}
				}
				boxes = append(boxes, b)
			}
			if len(boxes) < 2 {
				t.Fatalf("only %d text elements found", len(boxes))
			}
		})
	}
}

func TestDeterministic(t *testing.T) {
	for _, c := range allKinds() {
		c.ID = "x"
		a, b := render(t, c), render(t, c)
		if a != b {
			t.Errorf("%s: two renders differ", c.Kind)
		}
	}
}

// TestConcurrent renders many charts at once, one renderer per goroutine;
// run with -race it proves the font is loaded once and nothing is shared.
func TestConcurrent(t *testing.T) {
	want := map[Kind]string{}
	for _, c := range allKinds() {
		c.ID = "x"
		want[c.Kind] = render(t, c)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := NewRenderer()
			if err != nil {
				errs <- err.Error()
				return
			}
			for i := 0; i < 20; i++ {
				for _, c := range allKinds() {
					c.ID = "x"
					svg, err := r.SVG(c)
					if err != nil || string(svg) != want[c.Kind] {
						errs <- fmt.Sprintf("%s differs under concurrency (%v)", c.Kind, err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func TestFontServedIsFontMeasured(t *testing.T) {
	f, err := loadFont()
	if err != nil || f == nil {
		t.Fatalf("font: %v", err)
	}
	if len(FontFile()) < 10000 || !bytes.Equal(FontFile()[:4], []byte{0, 1, 0, 0}) {
		t.Errorf("FontFile is not a TrueType font")
	}
}

func titledFourBars() *Chart {
	return &Chart{Kind: Bar, Title: "A fifth of the sales, most of the profit", ID: "chart-1", Suffix: "%", Series: []Series{{Points: []Point{
		{Label: "North America", Value: 6.4, Text: "6.4%"}, {Label: "International", Value: 2.7, Text: "2.7%"}, {Label: "AWS", Value: 37.0, Text: "37.0%"}, {Label: "Amazon", Value: 10.8, Text: "10.8%"},
	}}}}
}

// BenchmarkTitledFourBars is the target: under 0.2 ms and 128 KB
// per chart with a reused renderer.
func BenchmarkTitledFourBars(b *testing.B) {
	r, err := NewRenderer()
	if err != nil {
		b.Fatal(err)
	}
	c := titledFourBars()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.SVG(c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTitledFourBarsColdRenderer includes making the renderer (font
// faces and width cache) for every chart.
func BenchmarkTitledFourBarsColdRenderer(b *testing.B) {
	c := titledFourBars()
	b.ReportAllocs()
	for b.Loop() {
		r, _ := NewRenderer()
		if _, err := r.SVG(c); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEveryKind(b *testing.B) {
	r, _ := NewRenderer()
	cs := allKinds()
	b.ReportAllocs()
	for b.Loop() {
		for _, c := range cs {
			if _, err := r.SVG(c); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func FuzzChart(f *testing.F) {
	f.Add("bar", "S&P <500>", 1.0, -2.0, 0.0)
	f.Add("waterfall", "x", 1e9, -1e9, 3.0)
	f.Add("donut", "", 0.0, 0.0, 1.0)
	f.Fuzz(func(t *testing.T, kind, label string, a, b, c float64) {
		ch := &Chart{Kind: Kind(kind), Title: label, ID: "f", Series: []Series{{Name: label, Points: []Point{{Label: label, Value: a, Text: "a"}, {Label: label, Value: b, Text: "b"}, {Label: label, Value: c, Text: "c"}}}}}
		r, _ := NewRenderer()
		svg, err := r.SVG(ch)
		if err != nil {
			return
		}
		wellFormed(t, svg)
	})
}
