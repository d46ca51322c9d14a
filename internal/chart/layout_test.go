package chart

import (
	"bytes"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var longLabels = []string{"Aerospace and defence", "Gases", "Electronics", "Household and personal care products", "Financial services", "Telecommunications",
	"Industrial machinery", "Food and beverages", "Mining", "Construction materials", "Pharmaceuticals", "Automobiles and parts", "Software", "Utilities"}

func pts(labels []string, prefix, suffix string, vals ...float64) []Point {
	var ps []Point
	for i, v := range vals {
		digits := strconv.FormatFloat(math.Abs(v), 'f', 1, 64)
		if math.Abs(v) >= 1e9 {
			digits = strconv.FormatFloat(math.Abs(v), 'g', 3, 64)
		}
		txt := prefix + digits + suffix
		if v < 0 {
			txt = "−" + txt
		}
		ps = append(ps, Point{Label: labels[i%len(labels)], Value: v, Text: txt})
	}
	return ps
}

func periods(n int) []string {
	var ps []string
	for i := range n {
		ps = append(ps, fmt.Sprintf("FY%d", 2013+i))
	}
	return ps
}

// stressCharts are the gallery's hard cases: long labels, many categories,
// all-negative and mixed signs, a single value, colliding line ends, tiny
// stacked segments, huge magnitudes.
func stressCharts() map[string]*Chart {
	one := func(k Kind, ps []Point) *Chart {
		return &Chart{Kind: k, Title: string(k), Prefix: "£", Suffix: "M", Series: []Series{{Name: "s", Points: ps}}}
	}
	cs := map[string]*Chart{
		"bar-14-long":     one(Bar, pts(longLabels, "£", "M", 12500, 133.3, 26.8, 4410.2, 980, 77, 1500, 2600.5, 310, 45, 8800, 120, 5400, 640)),
		"hbar-14-long":    one(HBar, pts(longLabels, "£", "M", 12500, 133.3, 26.8, 4410.2, 980, 77, 1500, 2600.5, 310, 45, 8800, 120, 5400, 640)),
		"bar-negative":    one(Bar, pts(longLabels[:4], "€", "B", -1.8, -0.4, -1.2, -0.05)),
		"bar-mixed":       one(Bar, pts([]string{"North America", "International", "AWS", "Other bets"}, "$", "B", 25, -3.8, 39.8, -1.2)),
		"bar-single":      one(Bar, pts([]string{"Reality Labs"}, "$", "B", -17.7)),
		"hbar-mixed":      one(HBar, pts([]string{"Family of Apps", "Reality Labs"}, "$", "B", 87.1, -17.7)),
		"waterfall-long":  one(Waterfall, pts(longLabels[:7], "$", "B", 121.3, 6.1, -4.4, -10.5, 30.2, -2.2, 8)),
		"waterfall-short": one(Waterfall, pts([]string{"North America", "International", "AWS"}, "$", "B", 25, 3.8, 39.8)),
		"pie-other":       one(Pie, pts(append(longLabels[:6:6], Other), "$", "B", 40, 22, 14, 9, 7, 5, 3)),
		"donut-two":       one(Donut, pts([]string{"AWS", "Everything else"}, "$", "B", 39.8, 28.8)),
		"bar-40": one(Bar, pts(periods(40), "", "", func() []float64 {
			var v []float64
			for i := range 40 {
				v = append(v, float64(i*37%23)-5)
			}
			return v
		}()...)),
		"bar-huge": one(Bar, pts([]string{"A", "B", "C"}, "$", "B", 2.5e49, 1.1e49, 3e48)),
		"bar-tiny": one(Bar, pts([]string{"A", "B"}, "", "%", 0.0003, 0.0012)),
	}
	ys := periods(12)
	cs["line-three"] = &Chart{Kind: Line, Title: "line", Prefix: "$", Suffix: "B", Series: []Series{
		{Name: "Amazon net sales", Points: pts(ys, "$", "B", 61, 74, 89, 107, 136, 178, 233, 281, 386, 470, 514, 574.8)},
		{Name: "Amazon Web Services", Points: pts(ys, "$", "B", 3, 5, 8, 12, 17, 26, 35, 45, 62, 80, 90.8, 107.6)},
		{Name: "Advertising services", Points: pts(ys, "$", "B", 1, 2, 3, 5, 8, 10, 14, 20, 31, 38, 46.9, 103)},
	}}
	var long []float64
	for i := range 120 {
		long = append(long, float64(i%17)*3.5-20)
	}
	cs["line-120"] = &Chart{Kind: Line, Title: "line", Series: []Series{{Name: "Monthly", Points: pts(periods(120), "", "", long...)}}}
	cs["line-legend"] = &Chart{Kind: Line, Title: "line", Series: []Series{
		{Name: "Nettoumsatzerlöseentwicklungsvergleich", Points: pts(periods(3), "€", "B", 5, 6, 7)},
		{Name: "Cloud", Points: pts(periods(3), "€", "B", 1, 2, 3)},
	}}
	cats := []string{"North America", "International", "AWS", "Subscriptions", "Physical stores"}
	cs["stacked-three"] = &Chart{Kind: Stacked, Title: "stacked", Prefix: "$", Suffix: "B", Series: []Series{
		{Name: "Online stores", Points: pts(cats, "$", "B", 120, 80, 0.4, 30, 10)},
		{Name: "Third-party seller services", Points: pts(cats, "$", "B", 90, 40, 0.2, 1.5, 2)},
		{Name: "Advertising", Points: pts(cats, "$", "B", 30, 10, 0.1, 0.3, -4)},
	}}
	for name, c := range cs {
		c.ID = name
	}
	return cs
}

type textBox struct {
	x0, x1, y0, y1 float64
	class, s       string
}

var (
	textElRE = regexp.MustCompile(`<text x="([-\d.]+)" y="([-\d.]+)"(?: text-anchor="(\w+)")? class="([\w ]+)">([^<]*)</text>`)
	lineElRE = regexp.MustCompile(`<line x1="([-\d.]+)" y1="([-\d.]+)" x2="([-\d.]+)" y2="([-\d.]+)" class="(zero|link)"/>`)
	rectElRE = regexp.MustCompile(`<rect x="([-\d.]+)" y="([-\d.]+)" width="([-\d.]+)" height="([-\d.]+)" class="([\w ]+)"/>`)
	viewRE   = regexp.MustCompile(`viewBox="0 0 ([\d.]+) ([\d.]+)"`)
)

var unescaper = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&quot;", `"`, "&#39;", "'")

// texts measures every text element of svg with the font it is drawn in.
func texts(r *Renderer, svg string) []textBox {
	var out []textBox
	for _, m := range textElRE.FindAllStringSubmatch(svg, -1) {
		x, _ := strconv.ParseFloat(m[1], 64)
		y, _ := strconv.ParseFloat(m[2], 64)
		size := LabelSize
		if m[4] == "tick" {
			size = TickSize
		}
		s := unescaper.Replace(m[5])
		tw := r.m.width(s, size)
		x0 := x
		switch m[3] {
		case "middle":
			x0 = x - tw/2
		case "end":
			x0 = x - tw
		}
		// A glyph box: cap height above the baseline, descenders below.
		out = append(out, textBox{x0, x0 + tw, y - size*0.75, y + size*0.22, m[4], s})
	}
	return out
}

func barBoxes(svg string) []textBox {
	var out []textBox
	for _, m := range rectElRE.FindAllStringSubmatch(svg, -1) {
		if !strings.HasPrefix(m[5], "bar") {
			continue
		}
		var f [4]float64
		for i := range f {
			f[i], _ = strconv.ParseFloat(m[i+1], 64)
		}
		out = append(out, textBox{f[0], f[0] + f[2], f[1], f[1] + f[3], m[5], ""})
	}
	return out
}

// axisLines are the zero lines and waterfall connectors as thin boxes.
func axisLines(svg string) []textBox {
	var out []textBox
	for _, m := range lineElRE.FindAllStringSubmatch(svg, -1) {
		var f [4]float64
		for i := range f {
			f[i], _ = strconv.ParseFloat(m[i+1], 64)
		}
		out = append(out, textBox{math.Min(f[0], f[2]) - 0.75, math.Max(f[0], f[2]) + 0.75, math.Min(f[1], f[3]) - 0.75, math.Max(f[1], f[3]) + 0.75, m[5], ""})
	}
	return out
}

func overlap(a, b textBox) bool {
	const slack = 0.5
	return a.x0 < b.x1-slack && b.x0 < a.x1-slack && a.y0 < b.y1-slack && b.y0 < a.y1-slack
}

// TestStressLayouts lays out every stress chart wide and narrow and checks
// from the SVG geometry, with the measured font: every text inside the view
// box, no text over another, no value label or tick over a bar, labels
// broken only at spaces, horizontal bars of one thickness.
func TestStressLayouts(t *testing.T) {
	r, err := NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range stressCharts() {
		words := map[string]bool{"Total": c.Kind == Waterfall}
		for _, s := range c.Series {
			for _, f := range strings.Fields(s.Name) {
				words[f] = true
			}
			for _, p := range s.Points {
				for _, f := range strings.Fields(p.Label) {
					words[f] = true
				}
			}
		}
		for _, narrow := range []bool{false, true} {
			c.Narrow = narrow
			t.Run(fmt.Sprintf("%s/narrow=%v", name, narrow), func(t *testing.T) {
				svg, err := r.SVG(c)
				if err != nil {
					t.Fatal(err)
				}
				wellFormed(t, svg)
				vb := viewRE.FindStringSubmatch(string(svg))
				w, _ := strconv.ParseFloat(vb[1], 64)
				h, _ := strconv.ParseFloat(vb[2], 64)
				if want := map[bool]float64{false: Width, true: NarrowWidth}[narrow]; w != want {
					t.Errorf("view box %v wide, want %v", w, want)
				}
				ts, bs, ls := texts(r, string(svg)), barBoxes(string(svg)), axisLines(string(svg))
				if len(ts) < 2 {
					t.Fatalf("only %d texts", len(ts))
				}
				for i, a := range ts {
					if a.x0 < -0.5 || a.x1 > w+0.5 || a.y0 < -0.5 || a.y1 > h+0.5 {
						t.Errorf("%q (%.1f..%.1f × %.1f..%.1f) outside the %.0f×%.0f view box", a.s, a.x0, a.x1, a.y0, a.y1, w, h)
					}
					for _, b := range ts[:i] {
						if overlap(a, b) {
							t.Errorf("%q overlaps %q", a.s, b.s)
						}
					}
					if a.class != "val in" {
						for _, b := range bs {
							if overlap(a, b) {
								t.Errorf("%s %q overlaps a bar at %.1f..%.1f × %.1f..%.1f", a.class, a.s, b.x0, b.x1, b.y0, b.y1)
							}
						}
					}
					for _, l := range ls {
						if overlap(a, l) {
							t.Errorf("%s %q crosses a %s line", a.class, a.s, l.class)
						}
					}
					if a.class == "lbl" {
						for _, f := range strings.Fields(a.s) {
							if !words[f] {
								t.Errorf("label text %q breaks a word (%q)", a.s, f)
							}
						}
					}
				}
				// Every horizontal bar has one thickness.
				if strings.Contains(string(svg), `class="zero"`) && len(bs) > 1 && c.Kind != Line {
					vertical := bs[0].y1-bs[0].y0 > 0 && math.Abs(bs[0].y1-bs[0].y0-barT) < 0.05
					for _, b := range bs {
						if vertical && math.Abs(b.y1-b.y0-barT) > 0.05 {
							t.Errorf("horizontal bars differ in thickness: %.1f and %.1f", bs[0].y1-bs[0].y0, b.y1-b.y0)
							break
						}
					}
				}
			})
		}
	}
}

// TestBarsTurnHorizontal: a bar chart whose labels cannot sit under their
// bars without breaking a word is drawn as horizontal bars.
func TestBarsTurnHorizontal(t *testing.T) {
	r, _ := NewRenderer()
	c := stressCharts()["bar-14-long"]
	for _, narrow := range []bool{false, true} {
		c.Narrow = narrow
		svg, _ := r.SVG(c)
		for _, b := range barBoxes(string(svg)) {
			if math.Abs(b.y1-b.y0-barT) > 0.05 {
				t.Errorf("narrow=%v: bar %.1f tall, want horizontal bars %.0f thick", narrow, b.y1-b.y0, barT)
				break
			}
		}
	}
	c = stressCharts()["bar-mixed"]
	c.Narrow = false
	svg, _ := r.SVG(c)
	if bs := barBoxes(string(svg)); math.Abs(bs[0].y1-bs[0].y0-barT) < 0.05 {
		t.Errorf("four short labels fit under their bars on a wide chart, yet it turned horizontal")
	}
}

func TestTicks(t *testing.T) {
	tests := []struct {
		lo, hi         float64
		prefix, suffix string
		want           string
	}{
		{0, 58, "", "%", "0 10% 20% 30% 40% 50% 60%"},
		{-1.8, 0, "€", "B", "−€2.0B −€1.5B −€1.0B −€0.5B 0"},
		{0, 12500, "£", "M", "0 £2,500M £5,000M £7,500M £10,000M £12,500M"},
		{0, 1450, "", "", "0 250 500 750 1,000 1,250 1,500"},
		{-3.8, 39.8, "$", "B", "−$10B 0 $10B $20B $30B $40B"},
		{0, 2.5e49, "$", "B", "0 $5,000,000,000,000,000,000,000,000,000,000,000,000,000,000,000,000B $10,000,000,000,000,000,000,000,000,000,000,000,000,000,000,000,000B $15,000,000,000,000,000,000,000,000,000,000,000,000,000,000,000,000B $20,000,000,000,000,000,000,000,000,000,000,000,000,000,000,000,000B $25,000,000,000,000,000,000,000,000,000,000,000,000,000,000,000,000B"},
		{0, 0.0012, "", "%", "0 0.0002% 0.0004% 0.0006% 0.0008% 0.0010% 0.0012%"},
		{0, 0, "", "", "0 0.2 0.4 0.6 0.8 1.0"},
	}
	for _, tt := range tests {
		s := niceScale(tt.lo, tt.hi, 6)
		var got []string
		for _, v := range s.ticks {
			got = append(got, tickLabel(v, s.dec, tt.prefix, tt.suffix))
		}
		if strings.Join(got, " ") != tt.want {
			t.Errorf("ticks for %g..%g = %s\nwant %s", tt.lo, tt.hi, strings.Join(got, " "), tt.want)
		}
	}
}

// TestTicksAtAnyMagnitude: the axis spans the data, shows zero, wastes at
// most 15% of its length where a round step allows it, and its labels are
// exact decimals at every magnitude.
func TestTicksAtAnyMagnitude(t *testing.T) {
	artifact := regexp.MustCompile(`[1-9]0*[1-9]`)
	for e := -12; e <= 60; e++ {
		for _, m := range []float64{1, 1.8, 2.5, 3.7, 5.8, 7.2, 9.9} {
			// The float nearest the decimal, as a brief's value arrives.
			hi, _ := strconv.ParseFloat(fmt.Sprintf("%ge%d", m, e), 64)
			for _, lo := range []float64{0, -hi / 3} {
				s := niceScale(lo, hi, 6)
				if s.min > lo || s.max < hi {
					t.Fatalf("%g..%g: axis %g..%g does not span the data", lo, hi, s.min, s.max)
				}
				// Mixed signs may need a coarser step: −0.6..1.8 has no
				// round step tighter than −1..2.
				limit := headroom
				if lo < 0 {
					limit = 0.2
				}
				if waste := 1 - (hi-lo)/(s.max-s.min); waste > limit+1e-9 {
					t.Errorf("%g..%g: axis %g..%g wastes %.0f%%", lo, hi, s.min, s.max, waste*100)
				}
				zero := false
				for _, v := range s.ticks {
					zero = zero || v.IsZero()
					digits := strings.Trim(strings.ReplaceAll(strings.ReplaceAll(v.Abs().String(), ".", ""), ",", ""), "0")
					if len(digits) > 3 || artifact.MatchString(digits) && len(digits) > 2 {
						t.Errorf("%g..%g: tick %s is not round", lo, hi, v)
					}
				}
				if !zero {
					t.Errorf("%g..%g: no zero tick", lo, hi)
				}
			}
		}
	}
}

// TestCoordinates: coordinates have one decimal and are within half a
// tenth of the value.
func TestCoordinates(t *testing.T) {
	form := regexp.MustCompile(`^(0|-?\d+\.\d)$`)
	for _, v := range []float64{0, 0.04, -0.04, 0.05, 0.06, -0.06, 1.25, 1.35, 639.95, -17.749, 123456.789, 1e20} {
		var b bytes.Buffer
		(&svgWriter{body: &b}).num(v)
		got, err := strconv.ParseFloat(b.String(), 64)
		if !form.MatchString(b.String()) || err != nil || math.Abs(got-v) > 0.05+1e-9 {
			t.Errorf("num(%v) = %s", v, b.String())
		}
	}
}

// TestOneSeriesOneColour: a single series is drawn in one colour, several
// series each in their own, and a highlight sets chosen bars apart.
func TestOneSeriesOneColour(t *testing.T) {
	r, _ := NewRenderer()
	classes := func(c *Chart) map[string]bool {
		svg, err := r.SVG(c)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, m := range rectElRE.FindAllStringSubmatch(string(svg), -1) {
			got[strings.TrimSuffix(m[5], " neg")] = true
		}
		return got
	}
	c := stressCharts()["bar-mixed"]
	if got := classes(c); len(got) != 1 || !got["bar s0"] {
		t.Errorf("one series drawn in %v", got)
	}
	c.Highlight = []string{"AWS"}
	if got := classes(c); len(got) != 2 || !got["bar hl"] || !got["bar mute"] {
		t.Errorf("highlighted series drawn in %v", got)
	}
	if got := classes(stressCharts()["stacked-three"]); !got["bar s0"] || !got["bar s1"] || !got["bar s2"] || got["bar s3"] {
		t.Errorf("three stacked series drawn in %v", got)
	}
}

// TestLineLabels: lines are named at their ends; a legend appears only
// when a name cannot fit beside the plot.
func TestLineLabels(t *testing.T) {
	r, _ := NewRenderer()
	for name, legend := range map[string]bool{"line-three": false, "line-legend": true} {
		c := stressCharts()[name]
		for _, narrow := range []bool{false, true} {
			c.Narrow = narrow
			svg, _ := r.SVG(c)
			if got := strings.Contains(string(svg), `class="sw `); got != legend {
				t.Errorf("%s narrow=%v: legend %v, want %v", name, narrow, got, legend)
			}
			if !legend {
				for _, s := range c.Series {
					if !strings.Contains(string(svg), ">"+s.Points[len(s.Points)-1].Text+"<") || !strings.Contains(string(svg), strings.Fields(s.Name)[0]) {
						t.Errorf("%s narrow=%v: %s not named at its end", name, narrow, s.Name)
					}
				}
			}
		}
	}
}
