package chart

import (
	"bytes"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Sizes shared with the site's CSS (.chart-svg text and .tick): text is
// measured at the size the browser draws it. A wide chart is drawn at
// Width and shown from 40rem up, where it is scaled by at least 0.95; a
// narrow one at NarrowWidth, shown 1:1 or larger on a phone.
const (
	Width       = 600.0
	NarrowWidth = 320.0
	LabelSize   = 13.0
	TickSize    = 12.0
	lineH       = 16.0
	barT        = 20.0 // the thickness of every horizontal bar
	palette     = 8    // classes s0..s7
)

// Other is the label of the slice a pie folds its smallest parts into; it
// is drawn muted.
const Other = "Other"

// Renderer draws charts. It caches font faces and measured text, so it is
// cheap to reuse and must not be shared between goroutines: give each
// worker its own.
type Renderer struct {
	m *measurer
	// body is the drawing under way, reused from chart to chart.
	body bytes.Buffer
	// scales remembers axes already worked out, with their labels.
	scales map[scaleKey]*scale
}

type scaleKey struct {
	lo, hi         float64
	steps          int
	prefix, suffix string
}

// scale returns the value axis for [lo, hi] with labels decorated like the
// chart's values.
func (r *Renderer) scale(lo, hi float64, steps int, prefix, suffix string) *scale {
	k := scaleKey{lo, hi, steps, prefix, suffix}
	if s, ok := r.scales[k]; ok {
		return s
	}
	s := niceScale(lo, hi, steps)
	for _, t := range s.ticks {
		s.labels = append(s.labels, tickLabel(t, s.dec, prefix, suffix))
	}
	if len(r.scales) > 4096 {
		clear(r.scales)
	}
	r.scales[k] = &s
	return &s
}

// NewRenderer returns a renderer; it fails only if the font cannot load.
func NewRenderer() (*Renderer, error) {
	m, err := newMeasurer()
	if err != nil {
		return nil, err
	}
	return &Renderer{m: m, scales: map[scaleKey]*scale{}}, nil
}

// SVG draws c as a standalone, well-formed SVG element, laid out for
// Width or, when c.Narrow, for NarrowWidth.
func (r *Renderer) SVG(c *Chart) ([]byte, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	r.body.Reset()
	w := &svgWriter{r: r, c: c, W: Width, plotH: 240, body: &r.body}
	if c.Narrow {
		w.W, w.plotH = NarrowWidth, 200
	}
	switch c.Kind {
	case Bar, Stacked, Waterfall:
		bs := w.bands()
		if !w.columns(bs) {
			w.rows(bs)
		}
	case HBar:
		w.rows(w.bands())
	case Donut, Pie:
		w.pie()
	case Line:
		w.lines()
	}
	return w.finish(), nil
}

type svgWriter struct {
	r        *Renderer
	c        *Chart
	W, plotH float64
	body     *bytes.Buffer
	height   float64
}

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#39;")

// writeEsc writes s escaped for XML, dropping what XML 1.0 cannot carry at
// all (control characters, invalid UTF-8).
func writeEsc(b *bytes.Buffer, s string) {
	plain := true
	for i := 0; i < len(s) && plain; i++ {
		c := s[i]
		plain = c >= 0x20 && c < 0x80 && c != '&' && c != '<' && c != '>' && c != '"' && c != '\''
	}
	if plain {
		b.WriteString(s)
		return
	}
	clean := strings.Map(func(r rune) rune {
		if r == utf8.RuneError || r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF {
			return -1
		}
		return r
	}, s)
	xmlEscaper.WriteString(b, clean)
}

// num writes a coordinate with one decimal.
func (w *svgWriter) num(v float64) {
	if math.Abs(v) < 0.05 {
		w.body.WriteByte('0')
		return
	}
	t := math.Round(v * 10)
	if math.Abs(t) >= 1e15 || t != t {
		w.body.Write(strconv.AppendFloat(w.body.AvailableBuffer(), v, 'f', 1, 64))
		return
	}
	// Tenths as an integer: the same digits as AppendFloat's 'f', 1, for a
	// fraction of its cost (coordinates are most of a chart's bytes).
	n := int64(t)
	if n < 0 {
		w.body.WriteByte('-')
		n = -n
	}
	w.body.Write(strconv.AppendInt(w.body.AvailableBuffer(), n/10, 10))
	w.body.WriteByte('.')
	w.body.WriteByte(byte('0' + n%10))
}

func (w *svgWriter) attr(name string, v float64) {
	w.body.WriteByte(' ')
	w.body.WriteString(name)
	w.body.WriteString(`="`)
	w.num(v)
	w.body.WriteByte('"')
}

func (w *svgWriter) finish() []byte {
	desc := w.c.Desc()
	out := bytes.NewBuffer(make([]byte, 0, w.body.Len()+len(desc)+2*len(w.c.Title)+8*len(w.c.ID)+300))
	layout := "chart-wide"
	if w.c.Narrow {
		layout = "chart-narrow"
	}
	out.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 `)
	out.Write(strconv.AppendInt(out.AvailableBuffer(), int64(w.W), 10))
	out.WriteByte(' ')
	out.Write(strconv.AppendInt(out.AvailableBuffer(), int64(math.Ceil(w.height)), 10))
	out.WriteString(`" class="chart-svg `)
	out.WriteString(layout)
	out.WriteString(` chart-`)
	out.WriteString(string(w.c.Kind))
	out.WriteString(`" role="img" aria-labelledby="`)
	writeEsc(out, w.c.ID)
	out.WriteString(`-t `)
	writeEsc(out, w.c.ID)
	out.WriteString(`-d"><title id="`)
	writeEsc(out, w.c.ID)
	out.WriteString(`-t">`)
	writeEsc(out, w.c.Title)
	out.WriteString(`</title><desc id="`)
	writeEsc(out, w.c.ID)
	out.WriteString(`-d">`)
	writeEsc(out, desc)
	out.WriteString(`</desc>`)
	out.Write(w.body.Bytes())
	out.WriteString(`</svg>`)
	return out.Bytes()
}

func (w *svgWriter) rect(x, y, width, height float64, class string) {
	w.classRect(x, y, width, height, "", class)
}

// classRect draws a rect of the classes kind and class ("bar", "s0").
func (w *svgWriter) classRect(x, y, width, height float64, kind, class string) {
	w.body.WriteString(`<rect`)
	w.attr("x", x)
	w.attr("y", y)
	w.attr("width", width)
	w.attr("height", height)
	w.body.WriteString(` class="`)
	if kind != "" {
		w.body.WriteString(kind)
		w.body.WriteByte(' ')
	}
	w.body.WriteString(class)
	w.body.WriteString(`"/>`)
}

func (w *svgWriter) line(x1, y1, x2, y2 float64, class string) {
	w.body.WriteString(`<line`)
	w.attr("x1", x1)
	w.attr("y1", y1)
	w.attr("x2", x2)
	w.attr("y2", y2)
	w.body.WriteString(` class="`)
	w.body.WriteString(class)
	w.body.WriteString(`"/>`)
}

func (w *svgWriter) text(x, y float64, anchor, class, s string) {
	w.body.WriteString(`<text`)
	w.attr("x", x)
	w.attr("y", y)
	if anchor != "start" {
		w.body.WriteString(` text-anchor="` + anchor + `"`)
	}
	w.body.WriteString(` class="`)
	w.body.WriteString(class)
	w.body.WriteString(`">`)
	writeEsc(w.body, s)
	w.body.WriteString(`</text>`)
}

func (w *svgWriter) width(s string, size float64) float64 { return w.r.m.width(s, size) }

// wrap breaks s at spaces into lines no wider than max. It never breaks a
// word: ok is false when a word alone is wider than max, and the caller
// picks another layout.
func (w *svgWriter) wrap(s string, max, size float64) (lines []string, ok bool) {
	if w.width(s, size) <= max {
		return []string{s}, true
	}
	ok = true
	cur := ""
	for _, word := range strings.Fields(s) {
		if w.width(word, size) > max {
			ok = false
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
	return lines, ok
}

// highlighted tells whether name is one the chart asks to stand out, and
// whether the chart highlights anything at all.
func (w *svgWriter) highlighted(name string) (hl, any bool) {
	return slices.Contains(w.c.Highlight, name), len(w.c.Highlight) > 0
}

// colour is the class of category or series i: its palette colour, or
// with a highlight, the accent or muted.
func (w *svgWriter) colour(name string, i int) string {
	if hl, any := w.highlighted(name); any {
		if hl {
			return "hl"
		}
		return "mute"
	}
	return seriesClass[i%palette]
}

var seriesClass = [palette]string{"s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7"}

// seg is one drawn bar or stacked segment, from lo to hi.
type seg struct {
	lo, hi float64
	class  string
	text   string // drawn inside a stacked segment when it fits
}

// band is a category: its segments and the value label at its end.
type band struct {
	label string
	segs  []seg
	val   string
	at    float64 // where the value label goes
	below bool    // below (left of) at rather than above (right of)
}

func negClass(class string, v float64) string {
	if v >= 0 {
		return class
	}
	// Losses are outlined as well as coloured, so they read without
	// colour vision; their labels carry a minus sign.
	if class == "s0" {
		return "s0 neg"
	}
	return class + " neg"
}

// bands turns bar, hbar, stacked and waterfall data into categories.
func (w *svgWriter) bands() []band {
	c := w.c
	bs := make([]band, 0, len(c.Series[0].Points)+1)
	switch c.Kind {
	case Bar, HBar:
		for _, p := range c.Series[0].Points {
			class := w.colour(p.Label, 0)
			bs = append(bs, band{label: p.Label, segs: []seg{{lo: math.Min(0, p.Value), hi: math.Max(0, p.Value), class: negClass(class, p.Value)}},
				val: p.Text, at: p.Value, below: p.Value < 0})
		}
	case Stacked:
		for i, p := range c.Series[0].Points {
			b := band{label: p.Label}
			up, down := 0.0, 0.0
			for si, s := range c.Series {
				v := s.Points[i].Value
				sg := seg{class: negClass(w.colour(s.Name, si), v), text: s.Points[i].Text}
				if v >= 0 {
					sg.lo, sg.hi, up = up, up+v, up+v
				} else {
					sg.lo, sg.hi, down = down+v, down, down+v
				}
				b.segs = append(b.segs, sg)
			}
			b.at, b.below = up, up == 0 && down < 0
			if b.below {
				b.at = down
			}
			if i < len(c.Totals) {
				b.val = c.Totals[i]
			} else {
				b.val = tickText(up+down, c.Prefix, c.Suffix, 1)
			}
			bs = append(bs, b)
		}
	case Waterfall:
		run := 0.0
		for _, p := range c.Series[0].Points {
			class := "up"
			if p.Value < 0 {
				class = "down"
			}
			if hl, any := w.highlighted(p.Label); any && !hl {
				class = "mute"
			}
			lo, hi := math.Min(run, run+p.Value), math.Max(run, run+p.Value)
			b := band{label: p.Label, segs: []seg{{lo: lo, hi: hi, class: negClass(class, p.Value)}}, val: p.Text, at: hi}
			if p.Value < 0 {
				b.at, b.below = lo, true
			}
			bs = append(bs, b)
			run += p.Value
		}
		t := c.total()
		class := "total"
		if hl, any := w.highlighted(t.Label); any && !hl {
			class = "mute"
		}
		bs = append(bs, band{label: t.Label, segs: []seg{{lo: math.Min(0, t.Value), hi: math.Max(0, t.Value), class: negClass(class, t.Value)}},
			val: t.Text, at: t.Value, below: t.Value < 0})
	}
	return bs
}

func extent(bs []band) (lo, hi float64) {
	for _, b := range bs {
		for _, s := range b.segs {
			lo, hi = math.Min(lo, s.lo), math.Max(hi, s.hi)
		}
	}
	return lo, hi
}

// tickWidth is the widest tick label.
func (w *svgWriter) tickWidth(s *scale) float64 {
	mw := 0.0
	for _, l := range s.labels {
		mw = math.Max(mw, w.width(l, TickSize))
	}
	return mw
}

// yAxis draws gridlines and tick labels, zero included, from left to right.
func (w *svgWriter) yAxis(s *scale, y func(float64) float64, left, right float64) {
	for i, t := range s.ticks {
		yy := y(s.at[i])
		if !t.IsZero() {
			w.line(left, yy, right, yy, "grid")
		}
		w.text(left-6, yy+4, "end", "tick", s.labels[i])
	}
}

// legend draws swatches and names in rows that wrap at the chart's width,
// from y, and returns the height used.
func (w *svgWriter) legend(x0, y float64, names []string, classes []string) float64 {
	x, rows := x0, 1.0
	for i, name := range names {
		tw := w.width(name, LabelSize)
		if x > x0 && x+18+tw > w.W-8 {
			x, rows = x0, rows+1
		}
		yy := y + (rows-1)*20
		w.rect(x, yy, 12, 12, "sw "+classes[i])
		w.text(x+18, yy+11, "start", "lbl", name)
		x += 18 + tw + 20
	}
	return rows*20 + 6
}

func (w *svgWriter) seriesLegend(y float64) float64 {
	if len(w.c.Series) < 2 {
		return 0
	}
	var names, classes []string
	for i, s := range w.c.Series {
		names = append(names, s.Name)
		classes = append(classes, w.colour(s.Name, i))
	}
	return w.legend(8, y, names, classes)
}

// columns draws categories across and values up from the zero line (down
// below it). It draws nothing and returns false when a label would have
// to break inside a word or a value label would reach its neighbour's: the
// caller then lays the chart out as rows.
func (w *svgWriter) columns(bs []band) bool {
	c := w.c
	lo, hi := extent(bs)
	s := w.r.scale(lo, hi, 6, c.Prefix, c.Suffix)
	left := 6 + w.tickWidth(s) + 8
	right := w.W - 8
	slot := (right - left) / float64(len(bs))
	wrapped := make([][]string, len(bs))
	maxLines := 1
	below := false
	for i, b := range bs {
		lines, ok := w.wrap(b.label, slot-6, LabelSize)
		if !ok || len(lines) > 3 || w.width(b.val, LabelSize) > slot-6 {
			return false
		}
		wrapped[i] = lines
		maxLines = max(maxLines, len(lines))
		below = below || b.below
	}
	top := 6.0 + w.seriesLegend(6) + lineH + 4
	bottom := top + w.plotH
	y := func(v float64) float64 { return bottom - (v-s.min)/(s.max-s.min)*(bottom-top) }
	barW := math.Min(slot*0.66, 96)
	w.yAxis(s, y, left, right)
	zero := y(0)
	for i, b := range bs {
		cx := left + slot*(float64(i)+0.5)
		x := cx - barW/2
		for _, sg := range b.segs {
			y1, y2 := y(sg.hi), y(sg.lo)
			h := y2 - y1
			if sg.hi == sg.lo {
				// A zero value still shows: a hairline on the zero line.
				y1, h = zero-0.5, 1
			} else if h < 1 {
				if sg.hi > 0 {
					y1 = y2 - 1
				}
				h = 1
			}
			w.classRect(x, y1, barW, h, "bar", sg.class)
			// A stacked segment is labelled inside when its value fits;
			// a smaller one is left to the data table.
			if c.Kind == Stacked && h >= lineH+2 && w.width(sg.text, LabelSize) <= barW-4 {
				w.text(cx, y1+h/2+4.5, "middle", "val in", sg.text)
			}
		}
		if b.below {
			w.text(cx, y(b.at)+lineH-3, "middle", "val", b.val)
		} else {
			w.text(cx, y(b.at)-5, "middle", "val", b.val)
		}
		if c.Kind == Waterfall && i < len(bs)-1 {
			// A connector carries the running total to the next step.
			end := b.segs[0].hi
			if b.below {
				end = b.segs[0].lo
			}
			w.line(x+barW, y(end), x+slot, y(end), "link")
		}
	}
	w.line(left, zero, right, zero, "zero")
	labels := bottom + 17
	if below {
		labels += lineH
	}
	for i, lines := range wrapped {
		cx := left + slot*(float64(i)+0.5)
		for li, l := range lines {
			w.text(cx, labels+float64(li)*lineH, "middle", "lbl", l)
		}
	}
	w.height = labels + float64(maxLines-1)*lineH + 6
	return true
}

// rows draws categories down and values across from the zero line. Labels
// sit beside the bars when they fit in a third of the width, else above
// them across the whole width; every bar is barT thick.
func (w *svgWriter) rows(bs []band) {
	c := w.c
	lo, hi := extent(bs)
	if hi == lo {
		hi = 1
	}
	lay := w.layRows(bs)
	side, wrapped, left, posW, negW := lay.side, lay.wrapped, lay.left, lay.posW, lay.negW
	plotL, plotR := left, w.W-8
	if negW > 0 {
		plotL += negW + 6
	}
	if posW > 0 {
		plotR -= posW + 6
	}
	x := func(v float64) float64 { return plotL + (v-lo)/(hi-lo)*(plotR-plotL) }
	zero := x(0)
	y := 6.0 + w.seriesLegend(6)
	top := y
	prevEnd, prevBottom := math.NaN(), 0.0
	for i, b := range bs {
		lines := wrapped[i]
		var barY, rowH float64
		if side {
			rowH = math.Max(barT+10, float64(len(lines))*lineH+8)
			barY = y + (rowH-barT)/2
			first := y + rowH/2 - float64(len(lines)-1)*lineH/2 + 4.5
			for li, l := range lines {
				w.text(left-10, first+float64(li)*lineH, "end", "lbl", l)
			}
		} else {
			for li, l := range lines {
				w.text(8, y+13+float64(li)*lineH, "start", "lbl", l)
			}
			barY = y + float64(len(lines))*lineH + 4
			rowH = float64(len(lines))*lineH + 4 + barT + 10
		}
		if !math.IsNaN(prevEnd) {
			w.line(prevEnd, prevBottom, prevEnd, barY, "link")
		}
		if !side {
			// The zero line runs through the bars, not the labels above them.
			w.line(zero, barY-2, zero, barY+barT+2, "zero")
		}
		w.drawRowBar(b, barY, zero, x)
		if b.below {
			w.text(x(b.at)-6, barY+barT/2+4.5, "end", "val", b.val)
		} else {
			w.text(x(b.at)+6, barY+barT/2+4.5, "start", "val", b.val)
		}
		prevEnd = math.NaN()
		if c.Kind == Waterfall && side && i < len(bs)-1 {
			prevEnd, prevBottom = x(b.segs[0].hi), barY+barT
			if b.below {
				prevEnd = x(b.segs[0].lo)
			}
		}
		y += rowH
	}
	if side {
		w.line(zero, top, zero, y, "zero")
	}
	w.text(zero, y+14, "middle", "tick", "0")
	w.height = y + 20
}

// rowLayout is where a rows chart puts its labels: beside the bars (side)
// or above them, wrapped, the bars starting at left; posW and negW are the
// widths of the value labels right and left of the bars.
type rowLayout struct {
	side             bool
	wrapped          [][]string
	left, posW, negW float64
}

// layRows measures the labels of a rows chart and places them.
func (w *svgWriter) layRows(bs []band) rowLayout {
	posW, negW := 0.0, 0.0
	for _, b := range bs {
		if b.below {
			negW = math.Max(negW, w.width(b.val, LabelSize))
		} else {
			posW = math.Max(posW, w.width(b.val, LabelSize))
		}
	}
	reserve := 8.0 + 8
	if posW > 0 {
		reserve += posW + 6
	}
	if negW > 0 {
		reserve += negW + 6
	}
	sideW := 0.0
	for _, b := range bs {
		sideW = math.Max(sideW, w.width(b.label, LabelSize))
	}
	sideW = math.Min(sideW, w.W*0.34)
	wrapped := make([][]string, len(bs))
	side := w.W-reserve-sideW-10 >= w.W*0.4
	for i, b := range bs {
		lines, ok := w.wrap(b.label, sideW, LabelSize)
		side = side && ok && len(lines) <= 2
		wrapped[i] = lines
	}
	left := 8.0
	if side {
		left += sideW + 10
	} else {
		for i, b := range bs {
			wrapped[i] = w.forceWrap(b.label, w.W-16)
		}
	}
	return rowLayout{side: side, wrapped: wrapped, left: left, posW: posW, negW: negW}
}

// drawRowBar draws one band's segments at barY, x mapping values across.
func (w *svgWriter) drawRowBar(b band, barY, zero float64, x func(float64) float64) {
	for _, sg := range b.segs {
		x1, x2 := x(sg.lo), x(sg.hi)
		bw := x2 - x1
		if sg.hi == sg.lo {
			x1, bw = zero-0.5, 1
		} else if bw < 1 {
			if sg.hi <= 0 {
				x1 = x2 - 1
			}
			bw = 1
		}
		w.classRect(x1, barY, bw, barT, "bar", sg.class)
		if w.c.Kind == Stacked && w.width(sg.text, LabelSize) <= bw-6 {
			w.text(x1+bw/2, barY+barT/2+4.5, "middle", "val in", sg.text)
		}
	}
}

// forceWrap wraps at spaces and, only for a word wider than the whole
// chart, breaks it: the one case no layout can avoid.
func (w *svgWriter) forceWrap(s string, max float64) []string {
	lines, ok := w.wrap(s, max, LabelSize)
	if ok {
		return lines
	}
	var out []string
	for _, l := range lines {
		for w.width(l, LabelSize) > max && utf8.RuneCountInString(l) > 1 {
			rs := []rune(l)
			n := len(rs) - 1
			for n > 1 && w.width(string(rs[:n]), LabelSize) > max {
				n--
			}
			out = append(out, string(rs[:n]))
			l = string(rs[n:])
		}
		out = append(out, l)
	}
	return out
}

// share is a slice's part of the whole, as given or rounded here.
func (c *Chart) share(p Point) string {
	if p.Share != "" {
		return p.Share
	}
	total := 0.0
	for _, q := range c.Series[0].Points {
		total += q.Value
	}
	return strconv.FormatFloat(math.Round(p.Value/total*100), 'f', 0, 64) + "%"
}

// pie draws a pie or donut, each slice's share on it where it fits, and a
// legend naming every part with its value and share: beside the pie on a
// wide layout, below it on a narrow one.
func (w *svgWriter) pie() {
	ps := w.c.Series[0].Points
	total := 0.0
	for _, p := range ps {
		total += p.Value
	}
	R := 110.0
	cx, cy := 8+R, 8+R
	if w.c.Narrow {
		R = 100
		cx, cy = w.W/2, 8+R
	}
	inner := 0.0
	if w.c.Kind == Donut {
		inner = R * 0.56
	}
	classes := make([]string, len(ps))
	for i, p := range ps {
		classes[i] = w.colour(p.Label, i)
		if p.Label == Other && i == len(ps)-1 && len(w.c.Highlight) == 0 {
			classes[i] = "other"
		}
	}
	angle := -math.Pi / 2
	for i, p := range ps {
		if p.Value == 0 {
			continue
		}
		sweep := p.Value / total * 2 * math.Pi
		w.slice(cx, cy, R, inner, angle, sweep, "slice "+classes[i])
		// The share on the slice, where the slice is wide enough for it.
		mid := angle + sweep/2
		rm := (R + inner) / 2
		if inner == 0 {
			rm = R * 0.62
		}
		share := w.c.share(p)
		if tw := w.width(share, LabelSize); sweep >= 2*math.Pi-1e-9 || (sweep*rm >= tw+16 && sweep > 0.35) {
			w.text(cx+rm*math.Cos(mid), cy+rm*math.Sin(mid)+4.5, "middle", "val in", share)
		}
		angle += sweep
	}
	y := w.pieLegend(ps, classes, R)
	w.height = math.Max(cy+R+8, y-10)
}

// slice draws one slice of a pie (or of a donut with a hole of radius
// inner) centred at cx, cy, from angle start over sweep radians.
func (w *svgWriter) slice(cx, cy, R, inner, start, sweep float64, class string) {
	pt := func(r, a float64) {
		w.num(cx + r*math.Cos(a))
		w.body.WriteByte(' ')
		w.num(cy + r*math.Sin(a))
	}
	if sweep >= 2*math.Pi-1e-9 {
		w.body.WriteString(`<circle`)
		w.attr("cx", cx)
		w.attr("cy", cy)
		w.attr("r", R)
		w.body.WriteString(` class="` + class + `"/>`)
		if inner > 0 {
			w.body.WriteString(`<circle`)
			w.attr("cx", cx)
			w.attr("cy", cy)
			w.attr("r", inner)
			w.body.WriteString(` class="hole"/>`)
		}
	} else {
		a0, a1 := start, start+sweep
		large := " 0 "
		if sweep > math.Pi {
			large = " 1 "
		}
		// arc draws the circle of radius r to angle a, clockwise or back.
		arc := func(r, a float64, sweepFlag string) {
			w.body.WriteString("A")
			w.num(r)
			w.body.WriteByte(' ')
			w.num(r)
			w.body.WriteString(" 0" + large + sweepFlag + " ")
			pt(r, a)
		}
		w.body.WriteString(`<path d="M`)
		pt(R, a0)
		arc(R, a1, "1")
		if inner > 0 {
			w.body.WriteString("L")
			pt(inner, a1)
			arc(inner, a0, "0")
		} else {
			w.body.WriteString("L")
			w.num(cx)
			w.body.WriteByte(' ')
			w.num(cy)
		}
		w.body.WriteString(`Z" class="` + class + `"/>`)
	}
}

// pieLegend writes a pie's legend: one column beside the pie, or two below
// it on a phone, each row as tall as its taller entry. It returns the y
// below the last row.
func (w *svgWriter) pieLegend(ps []Point, classes []string, R float64) float64 {
	lx, y, lw, cols := 2*R+48, 24.0, w.W-(2*R+48)-8, 1
	if w.c.Narrow {
		lx, y, lw, cols = 8, 2*R+16+20, (w.W-16)/2, 2
	}
	for row := 0; row*cols < len(ps); row++ {
		rowH := 0.0
		for col := range cols {
			i := row*cols + col
			if i >= len(ps) {
				break
			}
			p := ps[i]
			x := lx + float64(col)*lw
			w.rect(x, y-11, 12, 12, "sw "+classes[i])
			lines := w.forceWrap(p.Label, lw-24)
			for li, l := range lines {
				w.text(x+20, y+float64(li)*lineH, "start", "lbl", l)
			}
			w.text(x+20, y+float64(len(lines))*lineH, "start", "val", p.Text+" · "+w.c.share(p))
			rowH = math.Max(rowH, float64(len(lines)+1)*lineH)
		}
		y += rowH + 10
	}
	return y
}

// lines draws series over periods, each labelled at its end with its name
// and last value; the labels move apart where they would collide. Only
// when a name cannot fit beside the plot does a legend name the series.
func (w *svgWriter) lines() {
	c := w.c
	lo, hi := 0.0, 0.0
	for _, s := range c.Series {
		for _, p := range s.Points {
			lo, hi = math.Min(lo, p.Value), math.Max(hi, p.Value)
		}
	}
	sc := w.r.scale(lo, hi, 5, c.Prefix, c.Suffix)
	left := 6 + w.tickWidth(sc) + 8
	labW := w.W * 0.3
	// End labels: the name's lines, then the value.
	ends := make([][]string, len(c.Series))
	named := true
	need := 0.0
	for i, s := range c.Series {
		last := s.Points[len(s.Points)-1].Text
		if len(c.Series) == 1 {
			ends[i] = []string{last}
		} else {
			lines, ok := w.wrap(s.Name, labW, LabelSize)
			named = named && ok && len(lines) <= 2
			ends[i] = append(lines, last)
		}
	}
	top := 6.0
	if !named {
		top += w.seriesLegend(6)
		for i, s := range c.Series {
			ends[i] = []string{s.Points[len(s.Points)-1].Text}
		}
	}
	for _, e := range ends {
		for _, l := range e {
			need = math.Max(need, w.width(l, LabelSize))
		}
	}
	top += lineH
	bottom := top + w.plotH
	y := func(v float64) float64 { return bottom - (v-sc.min)/(sc.max-sc.min)*(bottom-top) }
	right := w.W - 8 - need - 6
	n := len(c.Series[0].Points)
	// Points run from edge to edge of the plot, a little inside it.
	const inset = 12.0
	slot := right - left - 2*inset
	if n > 1 {
		slot /= float64(n - 1)
	}
	x := func(i int) float64 {
		if n == 1 {
			return (left + right) / 2
		}
		return left + inset + slot*float64(i)
	}
	w.yAxis(sc, y, left, right)
	w.line(left, y(0), right, y(0), "zero")
	blocks := make([]labelBlock, len(c.Series))
	for si, s := range c.Series {
		class := w.colour(s.Name, si)
		w.body.WriteString(`<path d="`)
		for i, p := range s.Points {
			if i == 0 {
				w.body.WriteByte('M')
			} else {
				w.body.WriteByte('L')
			}
			w.num(x(i))
			w.body.WriteByte(' ')
			w.num(y(p.Value))
		}
		w.body.WriteString(`" class="ln ` + class + `"/>`)
		if n <= 40 {
			for i, p := range s.Points {
				w.body.WriteString(`<circle`)
				w.attr("cx", x(i))
				w.attr("cy", y(p.Value))
				w.body.WriteString(` r="3.5" class="dot ` + class + `"/>`)
			}
		}
		h := float64(len(ends[si])) * lineH
		blocks[si] = labelBlock{y(s.Points[n-1].Value) - h/2, h, ends[si]}
	}
	spreadLabels(blocks, bottom)
	for _, b := range blocks {
		for li, l := range b.lines {
			class := "val"
			if li < len(b.lines)-1 {
				class = "lbl"
			}
			w.text(right+6, b.y0+float64(li)*lineH+12, "start", class, l)
		}
	}
	w.periodLabels(c.Series[0].Points, x, slot, bottom)
	w.height = bottom + 24
}

// periodLabels writes the periods under a line chart: every k-th from the
// last, so they never touch.
func (w *svgWriter) periodLabels(ps []Point, x func(int) float64, slot, bottom float64) {
	n := len(ps)
	widest := 0.0
	for _, p := range ps {
		widest = math.Max(widest, w.width(p.Label, LabelSize))
	}
	every := max(1, int(math.Ceil((widest+8)/slot)))
	for i, p := range ps {
		if (n-1-i)%every != 0 {
			continue
		}
		w.text(x(i), bottom+18, "middle", "lbl", p.Label)
	}
}

// labelBlock is a line's end label: its top, height and lines.
type labelBlock struct {
	y0, h float64
	lines []string
}

// spreadLabels moves end labels apart: down from the top in order of
// position, then up again from bottom if the last ran past it.
func spreadLabels(blocks []labelBlock, bottom float64) {
	order := make([]int, len(blocks))
	for i := range order {
		order[i] = i
	}
	sort := func() {
		slices.SortStableFunc(order, func(a, b int) int {
			switch {
			case blocks[a].y0 < blocks[b].y0:
				return -1
			case blocks[a].y0 > blocks[b].y0:
				return 1
			}
			return 0
		})
	}
	sort()
	for k := 1; k < len(order); k++ {
		p, q := &blocks[order[k-1]], &blocks[order[k]]
		if q.y0 < p.y0+p.h+2 {
			q.y0 = p.y0 + p.h + 2
		}
	}
	if k := len(order) - 1; k >= 0 {
		limit := bottom + 4
		for j := k; j >= 0; j-- {
			b := &blocks[order[j]]
			if b.y0+b.h > limit {
				b.y0 = limit - b.h
			}
			limit = b.y0 - 2
		}
	}
}

// tickText formats a value with a true minus sign, for labels the caller
// did not format.
func tickText(v float64, prefix, suffix string, decimals int) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', decimals, 64)
	if v < 0 && strings.Trim(s, "0.") != "" {
		return "−" + prefix + s + suffix
	}
	return prefix + s + suffix
}
