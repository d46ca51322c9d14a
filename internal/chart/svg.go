package chart

import (
	"bytes"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Sizes shared with the site's CSS (.chart text and .chart .tick): text is
// measured at the size the browser draws it.
const (
	Width     = 640.0
	LabelSize = 13.0
	TickSize  = 12.0
	lineH     = 16.0
	plotH     = 240.0
	palette   = 6 // classes s0..s5
)

// Renderer draws charts. It caches font faces and measured text, so it is
// cheap to reuse and must not be shared between goroutines: give each
// worker its own.
type Renderer struct {
	m *measurer
}

// NewRenderer returns a renderer; it fails only if the font cannot load.
func NewRenderer() (*Renderer, error) {
	m, err := newMeasurer()
	if err != nil {
		return nil, err
	}
	return &Renderer{m: m}, nil
}

// SVG draws c as a standalone, well-formed SVG element.
func (r *Renderer) SVG(c *Chart) ([]byte, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	w := &svgWriter{r: r, c: c}
	switch c.Kind {
	case Bar, Stacked, Waterfall:
		w.columns()
	case HBar:
		w.rows()
	case Donut, Pie:
		w.pie()
	case Line:
		w.lines()
	}
	return w.finish(), nil
}

type svgWriter struct {
	r      *Renderer
	c      *Chart
	body   bytes.Buffer
	height float64
}

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#39;")

// esc escapes text for XML, dropping what XML 1.0 cannot carry at all
// (control characters, invalid UTF-8).
func esc(s string) string {
	clean := strings.Map(func(r rune) rune {
		if r == utf8.RuneError || r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF {
			return -1
		}
		return r
	}, s)
	return xmlEscaper.Replace(clean)
}

func num(v float64) string {
	if math.Abs(v) < 0.05 {
		return "0"
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

func (w *svgWriter) finish() []byte {
	var out bytes.Buffer
	id := esc(w.c.ID)
	out.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 `)
	out.WriteString(num(Width) + " " + num(math.Ceil(w.height)))
	out.WriteString(`" class="chart-svg chart-` + string(w.c.Kind) + `" role="img" aria-labelledby="` + id + `-t ` + id + `-d">`)
	out.WriteString(`<title id="` + id + `-t">` + esc(w.c.Title) + `</title>`)
	out.WriteString(`<desc id="` + id + `-d">` + esc(w.c.Desc()) + `</desc>`)
	out.Write(w.body.Bytes())
	out.WriteString(`</svg>`)
	return out.Bytes()
}

func (w *svgWriter) rect(x, y, width, height float64, class string) {
	w.body.WriteString(`<rect x="` + num(x) + `" y="` + num(y) + `" width="` + num(width) + `" height="` + num(height) + `" class="` + class + `"/>`)
}

func (w *svgWriter) line(x1, y1, x2, y2 float64, class string) {
	w.body.WriteString(`<line x1="` + num(x1) + `" y1="` + num(y1) + `" x2="` + num(x2) + `" y2="` + num(y2) + `" class="` + class + `"/>`)
}

func (w *svgWriter) text(x, y float64, anchor, class, s string) {
	w.body.WriteString(`<text x="` + num(x) + `" y="` + num(y) + `"`)
	if anchor != "start" {
		w.body.WriteString(` text-anchor="` + anchor + `"`)
	}
	w.body.WriteString(` class="` + class + `">` + esc(s) + `</text>`)
}

func (w *svgWriter) width(s string, size float64) float64 { return w.r.m.width(s, size) }

// wrap breaks s into lines no wider than max, breaking inside a word only
// when the word alone is too wide.
func (w *svgWriter) wrap(s string, max, size float64) []string {
	var lines []string
	cur := ""
	for _, word := range strings.Fields(s) {
		for w.width(word, size) > max && len([]rune(word)) > 1 {
			rs := []rune(word)
			n := len(rs) - 1
			for n > 1 && w.width(string(rs[:n])+"-", size) > max {
				n--
			}
			if cur != "" {
				lines = append(lines, cur)
				cur = ""
			}
			lines = append(lines, string(rs[:n])+"-")
			word = string(rs[n:])
		}
		switch {
		case cur == "":
			cur = word
		case w.width(cur+" "+word, size) <= max:
			cur += " " + word
		default:
			lines = append(lines, cur)
			cur = word
		}
	}
	if cur != "" || len(lines) == 0 {
		lines = append(lines, cur)
	}
	return lines
}

// niceRange widens [lo, hi] to round ticks; it always includes zero, so
// every bar starts at the zero line.
func niceRange(lo, hi float64) (min, max, step float64) {
	lo, hi = math.Min(lo, 0), math.Max(hi, 0)
	if lo == hi {
		hi = 1
	}
	span := hi - lo
	if hi > 0 {
		hi += span * 0.06
	}
	if lo < 0 {
		lo -= span * 0.1
	}
	rough := (hi - lo) / 5
	mag := math.Pow(10, math.Floor(math.Log10(rough)))
	switch n := rough / mag; {
	case n <= 1:
		step = mag
	case n <= 2:
		step = 2 * mag
	case n <= 2.5:
		step = 2.5 * mag
	case n <= 5:
		step = 5 * mag
	default:
		step = 10 * mag
	}
	return math.Floor(lo/step) * step, math.Ceil(hi/step) * step, step
}

func stepDecimals(step float64) int {
	for d := 0; d < 6; d++ {
		if math.Abs(step*math.Pow(10, float64(d))-math.Round(step*math.Pow(10, float64(d)))) < 1e-9 {
			return d
		}
	}
	return 6
}

// tickText formats an axis value with a true minus sign.
func tickText(v float64, prefix, suffix string, decimals int) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', decimals, 64)
	if v < 0 && strings.Trim(s, "0.") != "" {
		return "−" + prefix + s + suffix
	}
	return prefix + s + suffix
}

type axis struct {
	min, max, step float64
	top, bottom    float64
}

func (a axis) y(v float64) float64 {
	return a.bottom - (v-a.min)/(a.max-a.min)*(a.bottom-a.top)
}

// yAxis draws gridlines and tick labels and returns the left edge of the plot.
func (w *svgWriter) yAxis(a axis, left, right float64) {
	dec := stepDecimals(a.step)
	for v := a.min; v <= a.max+a.step/2; v += a.step {
		y := a.y(v)
		class := "grid"
		if math.Abs(v) < a.step/1e6 {
			continue // the zero line is drawn last, above the bars
		}
		w.line(left, y, right, y, class)
		w.text(left-6, y+4, "end", "tick", tickText(v, w.c.Prefix, w.c.Suffix, dec))
	}
}

func (w *svgWriter) tickWidth(a axis) float64 {
	dec := stepDecimals(a.step)
	mw := 0.0
	for v := a.min; v <= a.max+a.step/2; v += a.step {
		mw = math.Max(mw, w.width(tickText(v, w.c.Prefix, w.c.Suffix, dec), TickSize))
	}
	return mw
}

// legend draws swatches and names in rows from y and returns the height used.
func (w *svgWriter) legend(x0, y float64) float64 {
	if len(w.c.Series) < 2 {
		return 0
	}
	x, rows := x0, 1.0
	for i, s := range w.c.Series {
		tw := w.width(s.Name, LabelSize)
		if x > x0 && x+18+tw > Width-8 {
			x, rows = x0, rows+1
		}
		yy := y + (rows-1)*20
		w.rect(x, yy, 12, 12, "sw s"+strconv.Itoa(i%palette))
		w.text(x+18, yy+11, "start", "lbl", s.Name)
		x += 18 + tw + 20
	}
	return rows*20 + 6
}

// columns draws bar, stacked and waterfall charts: categories across,
// values up from the zero line and down below it.
func (w *svgWriter) columns() {
	c := w.c
	type bar struct {
		lo, hi float64
		class  string
		text   string
		label  string
	}
	var cats []string
	var stacks [][]bar // per category, its segments
	for _, p := range c.Series[0].Points {
		cats = append(cats, p.Label)
	}
	switch c.Kind {
	case Bar:
		for i, p := range c.Series[0].Points {
			stacks = append(stacks, []bar{{lo: math.Min(0, p.Value), hi: math.Max(0, p.Value), class: "s" + strconv.Itoa(i%palette), text: p.Text, label: p.Label}})
		}
	case Stacked:
		for i := range cats {
			var seg []bar
			up, down := 0.0, 0.0
			for si, s := range c.Series {
				v := s.Points[i].Value
				b := bar{class: "s" + strconv.Itoa(si%palette), text: s.Points[i].Text, label: s.Name}
				if v >= 0 {
					b.lo, b.hi, up = up, up+v, up+v
				} else {
					b.lo, b.hi, down = down+v, down, down+v
				}
				seg = append(seg, b)
			}
			stacks = append(stacks, seg)
		}
	case Waterfall:
		run := 0.0
		for _, p := range c.Series[0].Points {
			class := "up"
			if p.Value < 0 {
				class = "down"
			}
			stacks = append(stacks, []bar{{lo: math.Min(run, run+p.Value), hi: math.Max(run, run+p.Value), class: class, text: p.Text, label: p.Label}})
			run += p.Value
		}
		t := c.total()
		cats = append(cats, t.Label)
		stacks = append(stacks, []bar{{lo: math.Min(0, t.Value), hi: math.Max(0, t.Value), class: "total", text: t.Text, label: t.Label}})
	}
	lo, hi := 0.0, 0.0
	for _, st := range stacks {
		for _, b := range st {
			lo, hi = math.Min(lo, b.lo), math.Max(hi, b.hi)
		}
	}
	mn, mx, step := niceRange(lo, hi)
	top := 28.0
	top += w.legend(16, 4)
	a := axis{min: mn, max: mx, step: step, top: top, bottom: top + plotH}
	left := 16 + w.tickWidth(a) + 8
	right := Width - 12
	slot := (right - left) / float64(len(cats))
	barW := math.Min(slot*0.62, 96)
	maxLines := 1
	wrapped := make([][]string, len(cats))
	for i, l := range cats {
		wrapped[i] = w.wrap(l, slot-6, LabelSize)
		maxLines = max(maxLines, len(wrapped[i]))
	}
	w.yAxis(a, left, right)
	zero := a.y(0)
	for i, st := range stacks {
		cx := left + slot*(float64(i)+0.5)
		x := cx - barW/2
		for _, b := range st {
			y1, y2 := a.y(b.hi), a.y(b.lo)
			h := y2 - y1
			if b.hi == b.lo {
				// A zero value still shows: a hairline on the zero line.
				y1, h = zero-0.5, 1
			} else if h < 1 {
				// The smallest value stays visible.
				if b.hi > 0 {
					y1 = y2 - 1
				}
				h = 1
			}
			w.rect(x, y1, barW, h, "bar "+b.class)
			if c.Kind == Stacked {
				if h >= lineH+2 && w.width(b.text, LabelSize) <= barW-4 {
					w.text(cx, y1+h/2+4.5, "middle", "val in", b.text)
				}
				continue
			}
			neg := b.class == "down" || (c.Kind != Waterfall && b.lo < 0) || (b.class == "total" && b.lo < 0)
			if neg {
				w.text(cx, y1+h+lineH-2, "middle", "val", b.text)
			} else {
				w.text(cx, y1-6, "middle", "val", b.text)
			}
		}
		if c.Kind == Waterfall && i < len(stacks)-1 {
			// A connector carries the running total to the next step.
			end := stacks[i][0].hi
			if stacks[i][0].class == "down" {
				end = stacks[i][0].lo
			}
			w.line(x+barW, a.y(end), x+slot, a.y(end), "link")
		}
		for li, l := range wrapped[i] {
			w.text(cx, a.bottom+18+float64(li)*lineH, "middle", "lbl", l)
		}
	}
	w.line(left, zero, right, zero, "zero")
	w.height = a.bottom + 18 + float64(maxLines)*lineH
}

// rows draws a horizontal bar chart: labels on the left, bars from the zero
// line, each value labelled at its bar's end.
func (w *svgWriter) rows() {
	ps := w.c.Series[0].Points
	labelW := 0.0
	valW := 0.0
	lo, hi := 0.0, 0.0
	for _, p := range ps {
		labelW = math.Max(labelW, w.width(p.Label, LabelSize))
		valW = math.Max(valW, w.width(p.Text, LabelSize))
		lo, hi = math.Min(lo, p.Value), math.Max(hi, p.Value)
	}
	labelW = math.Min(labelW, Width*0.38)
	left := 12 + labelW + 12
	plotL, plotR := left, Width-12
	if lo < 0 {
		plotL += valW + 8
	}
	if hi > 0 {
		plotR -= valW + 8
	}
	x := func(v float64) float64 {
		if hi == lo {
			return plotL
		}
		return plotL + (v-math.Min(lo, 0))/(math.Max(hi, 0)-math.Min(lo, 0))*(plotR-plotL)
	}
	zero := x(0)
	y := 8.0
	for i, p := range ps {
		lines := w.wrap(p.Label, labelW, LabelSize)
		rowH := math.Max(30, float64(len(lines))*lineH+12)
		for li, l := range lines {
			w.text(left-12, y+rowH/2-float64(len(lines)-1)*lineH/2+float64(li)*lineH+4.5, "end", "lbl", l)
		}
		x1, x2 := math.Min(zero, x(p.Value)), math.Max(zero, x(p.Value))
		bw := x2 - x1
		if p.Value == 0 {
			x1, bw = zero-0.5, 1
		} else if bw < 1 {
			bw = 1
		}
		w.rect(x1, y+5, bw, rowH-10, "bar s"+strconv.Itoa(i%palette))
		if p.Value < 0 {
			w.text(x1-6, y+rowH/2+4.5, "end", "val", p.Text)
		} else {
			w.text(x1+bw+6, y+rowH/2+4.5, "start", "val", p.Text)
		}
		y += rowH
	}
	w.line(zero, 4, zero, y+4, "zero")
	w.height = y + 8
}

// pie draws a pie or donut with a legend beside it; every part, zero ones
// included, is named in the legend with its value.
func (w *svgWriter) pie() {
	ps := w.c.Series[0].Points
	total := 0.0
	for _, p := range ps {
		total += p.Value
	}
	const cx, cy, R = 150.0, 150.0, 130.0
	inner := 0.0
	if w.c.Kind == Donut {
		inner = R * 0.58
	}
	angle := -math.Pi / 2
	for i, p := range ps {
		if p.Value == 0 {
			continue
		}
		sweep := p.Value / total * 2 * math.Pi
		class := "slice s" + strconv.Itoa(i%palette)
		if sweep >= 2*math.Pi-1e-9 {
			w.body.WriteString(`<circle cx="` + num(cx) + `" cy="` + num(cy) + `" r="` + num(R) + `" class="` + class + `"/>`)
			if inner > 0 {
				w.body.WriteString(`<circle cx="` + num(cx) + `" cy="` + num(cy) + `" r="` + num(inner) + `" class="hole"/>`)
			}
			angle += sweep
			continue
		}
		a0, a1 := angle, angle+sweep
		large := "0"
		if sweep > math.Pi {
			large = "1"
		}
		var d strings.Builder
		d.WriteString("M" + num(cx+R*math.Cos(a0)) + " " + num(cy+R*math.Sin(a0)))
		d.WriteString("A" + num(R) + " " + num(R) + " 0 " + large + " 1 " + num(cx+R*math.Cos(a1)) + " " + num(cy+R*math.Sin(a1)))
		if inner > 0 {
			d.WriteString("L" + num(cx+inner*math.Cos(a1)) + " " + num(cy+inner*math.Sin(a1)))
			d.WriteString("A" + num(inner) + " " + num(inner) + " 0 " + large + " 0 " + num(cx+inner*math.Cos(a0)) + " " + num(cy+inner*math.Sin(a0)))
		} else {
			d.WriteString("L" + num(cx) + " " + num(cy))
		}
		d.WriteString("Z")
		w.body.WriteString(`<path d="` + d.String() + `" class="` + class + `"/>`)
		angle = a1
	}
	lx := 310.0
	y := 30.0
	for i, p := range ps {
		w.rect(lx, y-11, 12, 12, "sw s"+strconv.Itoa(i%palette))
		lines := w.wrap(p.Label, Width-lx-24, LabelSize)
		for li, l := range lines {
			w.text(lx+20, y+float64(li)*lineH, "start", "lbl", l)
		}
		y += float64(len(lines)) * lineH
		w.text(lx+20, y, "start", "val", p.Text)
		y += lineH + 12
	}
	w.height = math.Max(cy+R+10, y)
}

// lines draws series over periods, each point marked and the last labelled.
func (w *svgWriter) lines() {
	c := w.c
	lo, hi := 0.0, 0.0
	for _, s := range c.Series {
		for _, p := range s.Points {
			lo, hi = math.Min(lo, p.Value), math.Max(hi, p.Value)
		}
	}
	mn, mx, step := niceRange(lo, hi)
	top := 20.0 + w.legend(16, 4)
	a := axis{min: mn, max: mx, step: step, top: top, bottom: top + plotH}
	left := 16 + w.tickWidth(a) + 8
	valW := 0.0
	for _, s := range c.Series {
		valW = math.Max(valW, w.width(s.Points[len(s.Points)-1].Text, LabelSize))
	}
	right := Width - 12 - valW - 8
	n := len(c.Series[0].Points)
	slot := (right - left) / float64(n)
	x := func(i int) float64 { return left + slot*(float64(i)+0.5) }
	w.yAxis(a, left, right)
	w.line(left, a.y(0), right, a.y(0), "zero")
	type end struct {
		y    float64
		text string
	}
	var ends []end
	for si, s := range c.Series {
		class := "s" + strconv.Itoa(si%palette)
		var d strings.Builder
		for i, p := range s.Points {
			if i == 0 {
				d.WriteString("M")
			} else {
				d.WriteString("L")
			}
			d.WriteString(num(x(i)) + " " + num(a.y(p.Value)))
		}
		w.body.WriteString(`<path d="` + d.String() + `" class="ln ` + class + `"/>`)
		for i, p := range s.Points {
			w.body.WriteString(`<circle cx="` + num(x(i)) + `" cy="` + num(a.y(p.Value)) + `" r="3.5" class="dot ` + class + `"/>`)
		}
		last := s.Points[len(s.Points)-1]
		ends = append(ends, end{a.y(last.Value), last.Text})
	}
	// Keep end labels at least a line apart.
	for i := 1; i < len(ends); i++ {
		for j := range i {
			if math.Abs(ends[i].y-ends[j].y) < lineH {
				if ends[i].y >= ends[j].y {
					ends[i].y = ends[j].y + lineH
				} else {
					ends[i].y = ends[j].y - lineH
				}
			}
		}
	}
	for _, e := range ends {
		w.text(x(n-1)+10, e.y+4.5, "start", "val", e.text)
	}
	maxLines := 1
	for i, p := range c.Series[0].Points {
		lines := w.wrap(p.Label, slot-6, LabelSize)
		maxLines = max(maxLines, len(lines))
		for li, l := range lines {
			w.text(x(i), a.bottom+18+float64(li)*lineH, "middle", "lbl", l)
		}
	}
	w.height = a.bottom + 18 + float64(maxLines)*lineH
}
