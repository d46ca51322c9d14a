package ogimage

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"image"
	"image/png"
	"io"
	"math/bits"
	"math/rand/v2"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/briefs/briefs/internal/fonts"
	"github.com/golang/freetype/truetype"
	"github.com/wcharczuk/go-chart/v2/roboto"
	"golang.org/x/image/math/fixed"
)

var typical = Card{Site: "Follow the Profit", Kicker: "Amazon.com, Inc. · FY2024", Title: "The Cloud Behind the Cart", Figure: "58.0%", FigureLabel: "AWS share of operating income"}

var long = Card{
	Site:        "Follow the Profit",
	Kicker:      "The Extraordinarily Long Company Name Holdings International Incorporated · FY2024Q3",
	Title:       strings.Repeat("A very long title that must wrap onto several lines ", 4),
	Figure:      "−$2.8 billion",
	FigureLabel: "Operating loss of the devices segment excluding one-off charges",
}

func newDrawer(t testing.TB) *Drawer {
	t.Helper()
	f, err := DefaultFonts()
	if err != nil {
		t.Fatal(err)
	}
	d, err := NewDrawer(f)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func decode(t *testing.T, data []byte) *image.Paletted {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	p, ok := img.(*image.Paletted)
	if !ok {
		t.Fatalf("decoded a %T, want a paletted image", img)
	}
	return p
}

// The hand-written PNG decodes (checksums included) to exactly the card's
// glyphs drawn on the frame.
func TestDrawDecodesToCanvas(t *testing.T) {
	d := newDrawer(t)
	for _, c := range []Card{typical, long, {Site: "x", Title: "y"}, {}} {
		data, err := d.Draw(c)
		if err != nil {
			t.Fatal(err)
		}
		img := decode(t, data)
		if b := img.Bounds(); b.Dx() != Width || b.Dy() != Height {
			t.Errorf("size %v", b)
		}
		want := render(d)
		for y := 0; y < Height; y++ {
			if !bytes.Equal(img.Pix[y*img.Stride:y*img.Stride+Width], want[y*rowLen:y*rowLen+Width]) {
				t.Fatalf("%q: decoded row %d differs from the canvas", c.Title, y)
			}
		}
		if len(img.Palette) != len(palette) {
			t.Errorf("palette of %d colours, want %d", len(img.Palette), len(palette))
		}
	}
}

// An image's bytes depend on its card only: not on the drawer's history,
// nor on which drawer drew it.
func TestDrawDeterministic(t *testing.T) {
	fresh, err := newDrawer(t).Draw(typical)
	if err != nil {
		t.Fatal(err)
	}
	d := newDrawer(t)
	for _, c := range []Card{long, {Site: "Other", Kicker: "Ünïcödé · FY2023", Title: "Zebra"}, typical, long} {
		if _, err := d.Draw(c); err != nil {
			t.Fatal(err)
		}
	}
	used, _ := d.Draw(typical)
	pooled, _ := Draw(typical)
	if !bytes.Equal(fresh, used) || !bytes.Equal(fresh, pooled) {
		t.Errorf("the same card drew differently: %d, %d and %d bytes", len(fresh), len(used), len(pooled))
	}
	other, _ := d.Draw(Card{Site: "x", Title: "y"})
	if bytes.Equal(fresh, other) {
		t.Errorf("different cards drew the same image")
	}
}

// Drawers of the same fonts share their codes, made once (else six sample
// cards per drawer), and draw as a drawer of fonts that made its own.
func TestDrawersShareCodes(t *testing.T) {
	a, b := newDrawer(t), newDrawer(t)
	for p := range parts {
		if a.codes[p] == nil || a.codes[p] != b.codes[p] {
			t.Fatalf("part %d: drawers of the same fonts made codes of their own", p)
		}
	}
	// The same font parsed anew is another pair of fonts: its drawer
	// makes its own codes, the same ones.
	f, err := truetype.Parse(roboto.Roboto)
	if err != nil {
		t.Fatal(err)
	}
	own, err := NewDrawer(Fonts{Title: f, UI: f})
	if err != nil {
		t.Fatal(err)
	}
	if own.codes[partTitle] == a.codes[partTitle] {
		t.Fatal("drawers of other fonts share codes")
	}
	for _, c := range []Card{typical, long} {
		if want, got := mustDraw(t, a, c), mustDraw(t, own, c); !bytes.Equal(want, got) {
			t.Errorf("drawers of the same font drew differently: %d and %d bytes", len(want), len(got))
		}
	}
}

// Long lines are cut, never drawn past the right margin.
func TestDrawStaysInside(t *testing.T) {
	d := newDrawer(t)
	for _, c := range []Card{
		long,
		{Site: strings.Repeat("Site ", 80), Title: strings.Repeat("W", 200)},
		{Title: "t", Kicker: strings.Repeat("Ünternehmen ", 30), Figure: "$1,556,000,000.0 million", FigureLabel: strings.Repeat("label ", 40)},
	} {
		img := decode(t, mustDraw(t, d, c))
		// Below the bar, nothing but paper in the right margin (a glyph
		// may overhang its advance by a pixel or two).
		for y := 12; y < Height; y++ {
			for x := Width - margin + 4; x < Width; x++ {
				if img.Pix[y*img.Stride+x] != 0 {
					t.Fatalf("%.30q: ink at (%d, %d), in the right margin", c.Kicker+c.Title, x, y)
				}
			}
		}
	}
}

func mustDraw(t *testing.T, d *Drawer, c Card) []byte {
	t.Helper()
	data, err := d.Draw(c)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestFit(t *testing.T) {
	f := newDrawer(t).kicker
	const max = 300
	tests := []struct {
		name, in string
		// keep is what the cut line must keep whole: its head must not end
		// inside it.
		keep string
	}{
		{"ascii", strings.Repeat("Operating income ", 10), ""},
		{"one long word", strings.Repeat("x", 100), ""},
		{"combining accents", strings.Repeat("e\u0301", 100), "e\u0301"},
		{"flags", strings.Repeat("\U0001F1EB\U0001F1F7", 60), "\U0001F1EB\U0001F1F7"},
		{"zwj family", strings.Repeat("\U0001F468\u200d\U0001F469\u200d\U0001F467 ", 40), "\U0001F468\u200d\U0001F469\u200d\U0001F467"},
		{"skin tone", strings.Repeat("\U0001F44D\U0001F3FD", 60), "\U0001F44D\U0001F3FD"},
		{"cjk", strings.Repeat("日本語の会社名", 20), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := f.fit(tt.in, max)
			if !strings.HasSuffix(got, ellipsis) {
				t.Fatalf("fit(%q) = %q, want a cut line ending in an ellipsis", tt.in, got)
			}
			if w := f.width(got); w > fixed.I(max) {
				t.Errorf("fit(%.20q) is %d px wide, more than %d", tt.in, w.Ceil(), max)
			}
			head := strings.TrimSuffix(got, ellipsis)
			if !utf8.ValidString(head) || !strings.HasPrefix(tt.in, head) || head == "" {
				t.Fatalf("fit(%.20q) = %q, not a non-empty head of it", tt.in, got)
			}
			if tt.keep != "" && strings.Count(head, tt.keep)*len(tt.keep) != len(strings.ReplaceAll(head, " ", "")) {
				t.Errorf("fit(%.20q) = %q cuts inside %q", tt.in, got, tt.keep)
			}
		})
	}
	if got := f.fit("Short", max); got != "Short" {
		t.Errorf("fit(Short) = %q, want it whole", got)
	}
	if got := f.fit("Anything at all", 5); got != "" {
		t.Errorf("fit in 5 px = %q, want nothing", got)
	}
	// A cut prefers the end of a word when that wastes little room.
	if got := f.fit("Operating income of the devices segment excluding charges", max); strings.HasSuffix(strings.TrimSuffix(got, ellipsis), "segm") {
		t.Errorf("cut inside a word: %q", got)
	}
}

func TestFitKickerKeepsPeriod(t *testing.T) {
	f := newDrawer(t).kicker
	in := strings.ToUpper("The Extraordinarily Long Company Name Holdings International Incorporated · FY2024Q3")
	got := f.fitKicker(in, 600)
	if !strings.HasSuffix(got, "… · FY2024Q3") || f.width(got) > fixed.I(600) {
		t.Errorf("fitKicker = %q (%d px), want the company cut and the period kept within 600 px", got, f.width(got).Ceil())
	}
	if got := f.fitKicker("ACME · FY2024", 600); got != "ACME · FY2024" {
		t.Errorf("fitKicker cut a kicker that fits: %q", got)
	}
}

// A headline too wide for the card loses digits, not its scale word.
func TestFitFigureKeepsScale(t *testing.T) {
	d := newDrawer(t)
	f := d.figure[len(d.figure)-1]
	const max = Width - 2*margin
	got := f.fitFigure("−CHF 123,456,789,012,345,678,901,234.25 trillion", max)
	if !strings.HasPrefix(got, "−CHF 123") || !strings.HasSuffix(got, "… trillion") || f.width(got) > fixed.I(max) {
		t.Errorf("fitFigure = %q (%d px), want the number cut and the scale kept within %d px", got, f.width(got).Ceil(), max)
	}
	if got := f.fitFigure("−$2,807.6 million", max); got != "−$2,807.6 million" {
		t.Errorf("fitFigure cut a figure that fits: %q", got)
	}
}

func TestWrap(t *testing.T) {
	f := newDrawer(t).title
	lines := f.wrap(long.Title, Width-2*margin)
	if len(lines) < 4 {
		t.Fatalf("%d lines, want the long title on more than three", len(lines))
	}
	if got := strings.Join(lines, " "); got != strings.TrimSpace(long.Title) {
		t.Errorf("wrap lost words: %q", got)
	}
	for _, l := range lines {
		if f.width(l).Ceil() > Width-2*margin {
			t.Errorf("line %q too wide", l)
		}
	}
}

// Drawers in parallel (one per goroutine) and the shared Draw agree.
func TestDrawConcurrent(t *testing.T) {
	want := map[int][]byte{}
	cards := make([]Card, 8)
	for i := range cards {
		cards[i] = Card{Site: "Follow the Profit", Kicker: fmt.Sprintf("Company %d · FY2024", i), Title: fmt.Sprintf("Title number %d", i), Figure: fmt.Sprintf("%d.0%%", i), FigureLabel: "Share"}
		want[i] = mustDraw(t, newDrawer(t), cards[i])
	}
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := newDrawer(t)
			for i, c := range cards {
				mine, _ := d.Draw(c)
				shared, _ := Draw(c)
				if !bytes.Equal(mine, want[i]) || !bytes.Equal(shared, want[i]) {
					errs <- fmt.Sprintf("card %d drew differently", i)
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

// BenchmarkDraw is one build worker's cost per image: ≤ 2 ms and ≤ 512 KB
// allocated, files ≤ 20 KB (the bytes/image metric) for a typical card.
func BenchmarkDraw(b *testing.B) {
	d := newDrawer(b)
	cpu := startCPU()
	n := 0
	size := 0
	for b.Loop() {
		c := typical
		c.Title = fmt.Sprintf("The Cloud Behind the Cart, part %d", n)
		data, err := d.Draw(c)
		if err != nil {
			b.Fatal(err)
		}
		size = len(data)
		n++
	}
	b.ReportMetric(float64(size), "bytes/image")
	cpu.report(b)
}

// BenchmarkDrawFresh is the cost of an image from a new drawer, for one
// image alone (font faces made, glyphs rasterized).
func BenchmarkDrawFresh(b *testing.B) {
	f, err := DefaultFonts()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		d, err := NewDrawer(f)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := d.Draw(typical); err != nil {
			b.Fatal(err)
		}
	}
}

// cpuClock measures the process's CPU time (user and system, every thread:
// the collector's work included), which a loaded machine does not inflate
// as it does the wall clock.
type cpuClock struct{ start time.Duration }

func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func startCPU() cpuClock { return cpuClock{processCPU()} }

// report adds the CPU time per iteration as cpu-ns/op.
func (c cpuClock) report(b *testing.B) {
	if b.N > 0 {
		b.ReportMetric(float64(processCPU()-c.start)/float64(b.N), "cpu-ns/op")
	}
}

// buildFonts are the fonts the site sets its cards in.
func buildFonts(t testing.TB) Fonts {
	t.Helper()
	title, err := truetype.Parse(fonts.TextBold().TTF())
	if err != nil {
		t.Fatal(err)
	}
	ui, err := truetype.Parse(fonts.Sans())
	if err != nil {
		t.Fatal(err)
	}
	return Fonts{Title: title, UI: ui}
}

// buildCard is the i-th card of a build of the bench corpus: every card
// different, as a worker draws them.
func buildCard(i int) Card {
	return Card{
		Site:        "Benchmark",
		Kicker:      fmt.Sprintf("Company %d Inc. · FY%d", i/10, 2015+i%10),
		Title:       fmt.Sprintf("Company %d in %d, and the segment that pays for the rest", i/10, 2015+i%10),
		Figure:      fmt.Sprintf("%d.%d%%", i%97, i%10),
		FigureLabel: []string{"Segment share of revenue", "Segment share of operating income"}[i%2],
	}
}

// BenchmarkDrawBuild is a build worker's cost per image in the site's
// fonts, a different card each time: CPU (cpu-ns/op, the collector
// included), what the default build pays over --no-og for each brief, and
// files ≤ 20 KB (max-bytes/image).
func BenchmarkDrawBuild(b *testing.B) {
	d, err := NewDrawer(buildFonts(b))
	if err != nil {
		b.Fatal(err)
	}
	cpu := startCPU()
	n, total, most := 0, 0, 0
	for b.Loop() {
		data, err := d.Draw(buildCard(n))
		if err != nil {
			b.Fatal(err)
		}
		total += len(data)
		most = max(most, len(data))
		n++
	}
	b.ReportMetric(float64(total)/float64(n), "bytes/image")
	b.ReportMetric(float64(most), "max-bytes/image")
	cpu.report(b)
}

// reference draws the card the straightforward way: every glyph blitted
// onto a fresh frame, none copied in.
func reference(t *testing.T, d *Drawer, c Card) []uint8 {
	t.Helper()
	if _, err := d.Draw(c); err != nil {
		t.Fatal(err)
	}
	return render(d)
}

// render draws the glyphs d placed last, every one blitted onto a fresh
// frame (the drawer's canvas holds only the rows its encoder reads).
func render(d *Drawer) []uint8 {
	copy(d.raw, d.frame)
	for _, p := range d.placed {
		d.blit(p.g, p.x-p.g.dx, p.y-p.g.dy, p.ink)
	}
	return d.canvas.Pix
}

// Every pixel of the PNG is the straightforward rendering's, whether a
// glyph was coded from its cached rows, as a copy of the same glyph before
// it, or compressed on the card (glyphs that touch: tight pairs, lines
// that meet, text on the bar).
func TestDrawMatchesReference(t *testing.T) {
	cards := []Card{typical, long, {}, {Site: "x", Title: "y"}}
	for i := range 12 {
		cards = append(cards, buildCard(i*37))
	}
	cards = append(cards,
		Card{Site: "AVAVAV ffffff TTTTyyyy", Kicker: "WAVE · FY2024", Title: "Tight pairs: AVAV fff jjj Tyyy, yet more ŴÄŸÝ words ÅÅÅÅ", Figure: "−$1,111,111.1", FigureLabel: "jjj ÂÂÂ"},
		Card{Title: strings.Repeat("ÉÉÉ ÅÅÅ ggg ", 6), Kicker: strings.Repeat("Ü ", 60)},
	)
	for _, f := range []Fonts{buildFonts(t), mustDefaultFonts(t)} {
		d, err := NewDrawer(f)
		if err != nil {
			t.Fatal(err)
		}
		ref, err := NewDrawer(f)
		if err != nil {
			t.Fatal(err)
		}
		apart, touching, copies := 0, 0, 0
		for _, c := range cards {
			img := decode(t, mustDraw(t, d, c))
			for _, p := range d.placed {
				switch {
				case !p.apart:
					touching++
				case p.dist > 0:
					copies++
				default:
					apart++
				}
			}
			want := reference(t, ref, c)
			for y := range Height {
				if got, want := img.Pix[y*img.Stride:y*img.Stride+Width], want[y*rowLen:y*rowLen+Width]; !bytes.Equal(got, want) {
					t.Fatalf("%.40q: row %d differs from the reference rendering", c.Title, y)
				}
			}
		}
		if apart == 0 || touching == 0 || copies == 0 {
			t.Errorf("%d glyphs apart, %d touching, %d copies: want each way of coding tested", apart, touching, copies)
		}
	}
}

func mustDefaultFonts(t *testing.T) Fonts {
	f, err := DefaultFonts()
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// The deflater's stream decodes to its input whatever the bytes: random
// ink (no match to find), long runs, skewed symbol counts whose Huffman
// codes must be cut to 15 bits, and an input of zeros only.
func TestDeflaterRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	data := make([]byte, rowLen*Height)
	var pieces []piece
	for y := 0; y < Height; y += 3 {
		lo := y*rowLen + rng.IntN(600)
		hi := lo + rng.IntN(600)
		for i := lo; i < hi; i++ {
			switch y % 4 {
			case 0:
				data[i] = byte(rng.IntN(256))
			case 1:
				data[i] = byte(i / 300)
			default:
				// Fibonacci-like counts: symbol k about twice as often as k+1.
				data[i] = byte(bits.LeadingZeros64(rng.Uint64()|1) % 40)
			}
		}
		pieces = append(pieces, piece{lo: lo, hi: hi})
	}
	var z deflater
	for _, tc := range []struct {
		name   string
		pieces []piece
		data   []byte
	}{{"mixed", pieces, data}, {"zeros", nil, make([]byte, rowLen*Height)}} {
		out := z.zlib(nil, tc.data, rowLen, tc.pieces)
		r, err := zlib.NewReader(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got, err := io.ReadAll(r)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if err := r.Close(); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !bytes.Equal(got, tc.data) {
			t.Errorf("%s: decoded %d bytes differ from the %d compressed", tc.name, len(got), len(tc.data))
		}
	}
	// Code lengths stay within deflate's limit however skewed the counts.
	freq := make([]uint32, 40)
	for i := range freq {
		freq[i] = 1 << min(i, 31)
	}
	lens := make([]uint8, len(freq))
	huffmanLengths(freq, 15, lens)
	kraft := 0.0
	for _, l := range lens {
		if l == 0 || l > 15 {
			t.Fatalf("code lengths %v: want all in 1..15", lens)
		}
		kraft += 1 / float64(uint(1)<<l)
	}
	if kraft > 1 {
		t.Errorf("code lengths %v are not a prefix code", lens)
	}
}

// Text that reaches the bar and the rule (no card's layout does today)
// has those rows compressed as they lie, and the PNG is still the canvas.
func TestTextOnTheFrame(t *testing.T) {
	d := newDrawer(t)
	// Baselines from where only descenders reach the rule's first row to
	// where the text covers the rule, and on the bar.
	inked := 0
	for y := 95; y < 135; y += 3 {
		d.begin()
		d.text(d.site, "gjpqy Égal gÅy", margin, y, inkMuted)
		if y > 120 {
			d.text(d.title, "ÅÉ", 700, y-100, inkText)
		}
		img := decode(t, d.finish(nil))
		if !rowsEqual(img, d) {
			t.Fatalf("baseline %d: the PNG differs from the canvas", y)
		}
		for k := range Height {
			if !d.paper[k] && d.ink[k].lo < d.ink[k].hi {
				inked++
			}
		}
	}
	if inked == 0 {
		t.Error("no ink on the bar or the rule: the test tests nothing")
	}
	// The next card, on a clean frame, decodes too.
	img := decode(t, mustDraw(t, d, typical))
	if !rowsEqual(img, d) {
		t.Error("the card after text on the frame differs from the canvas")
	}
}

func rowsEqual(img *image.Paletted, d *Drawer) bool {
	want := render(d)
	for y := range Height {
		if !bytes.Equal(img.Pix[y*img.Stride:y*img.Stride+Width], want[y*rowLen:y*rowLen+Width]) {
			return false
		}
	}
	return true
}

// Any card's PNG decodes to the straightforward rendering, pixel for pixel:
// the glyph-row cache, copies and the hand-written deflater never change
// what is drawn, whatever the text (run with make fuzz).
func FuzzDraw(f *testing.F) {
	f.Add("Follow the Profit", "Amazon.com, Inc. · FY2024", "The cloud behind the cart", "58.0%", "AWS share of operating income")
	f.Add("AVAV", "WAVE", "Tight pairs: AVAV fff jjj Tyyy ÅÅÅ", "−$1,111.1", "jjj ÂÂÂ")
	f.Add("", "", strings.Repeat("ÉÉÉ ggg ", 20), "", "")
	fnt := buildFonts(f)
	d, err := NewDrawer(fnt)
	if err != nil {
		f.Fatal(err)
	}
	ref, err := NewDrawer(fnt)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, site, kicker, title, figure, label string) {
		c := Card{Site: site, Kicker: kicker, Title: title, Figure: figure, FigureLabel: label}
		data, err := d.Draw(c)
		if err != nil {
			return // refused cards are tested elsewhere; here only drawn ones
		}
		img := decode(t, data)
		want := reference(t, ref, c)
		for y := range Height {
			if !bytes.Equal(img.Pix[y*img.Stride:y*img.Stride+Width], want[y*rowLen:y*rowLen+Width]) {
				t.Fatalf("%q: row %d differs from the reference rendering", c, y)
			}
		}
	})
}

// Text is drawn composed: an accent typed as a combining mark draws as the
// precomposed letter, never as a box, in both the site's fonts and the
// default ones. Control and format characters draw as nothing.
func TestDrawComposedAndControls(t *testing.T) {
	for _, f := range []Fonts{buildFonts(t), mustDefaultFonts(t)} {
		if f.Title.Index('é') == 0 || f.UI.Index('é') == 0 {
			t.Fatal("the card fonts have no é")
		}
		d, err := NewDrawer(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct{ got, want Card }{
			{Card{Site: "Socie\u0301te\u0301", Kicker: "Ame\u0301lie · FY2024", Title: "Ame\u0301lie and Cafe\u0301", Figure: "1", FigureLabel: "Re\u0301sume\u0301"},
				Card{Site: "Société", Kicker: "Amélie · FY2024", Title: "Amélie and Café", Figure: "1", FigureLabel: "Résumé"}},
			{Card{Site: "A\x00B", Kicker: "K\x1b\x7f", Title: "Bell\x07 \u0085and\u009b CSI\u200d", FigureLabel: "L\u00ad"},
				Card{Site: "AB", Kicker: "K", Title: "Bell and CSI", FigureLabel: "L"}},
		} {
			got, want := mustDraw(t, d, tc.got), mustDraw(t, d, tc.want)
			if !bytes.Equal(got, want) {
				t.Errorf("%q draws other than %q", tc.got.Title, tc.want.Title)
			}
		}
	}
}

// A card whose head (the site's name) is the last card's has its first
// block written from the last card's bits: byte for byte the PNG a new
// drawer writes for it.
func TestDrawKeepsTheHead(t *testing.T) {
	fnt := buildFonts(t)
	d, err := NewDrawer(fnt)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 6 {
		c := buildCard(i * 131)
		if i == 3 {
			c.Site = "Another Site"
		}
		got := mustDraw(t, d, c)
		fresh, err := NewDrawer(fnt)
		if err != nil {
			t.Fatal(err)
		}
		if want := mustDraw(t, fresh, c); !bytes.Equal(got, want) {
			t.Fatalf("card %d: %d bytes after another card, %d from a new drawer", i, len(got), len(want))
		}
	}
	// Cards 1, 2 and 5 follow a card with the same head.
	if d.enc.z.kept != 3 {
		t.Errorf("the head was kept %d times, want 3", d.enc.z.kept)
	}
}

// Glyphs whose boxes touch are compressed as one span of their own: the
// other glyphs on their rows are still coded from their cached rows.
func TestTouchingGlyphsKeepTheirRow(t *testing.T) {
	d, err := NewDrawer(buildFonts(t))
	if err != nil {
		t.Fatal(err)
	}
	mustDraw(t, d, buildCard(123))
	rows := 0
	for y := range Height {
		touching := false
		for _, p := range d.placed {
			touching = touching || (!p.apart && p.y <= y && y < p.y+p.g.h)
		}
		if !touching {
			continue
		}
		rows++
		cached := 0
		for _, p := range d.out {
			if p.lo/rowLen == y && p.box != 0 {
				cached++
			}
		}
		if cached == 0 {
			t.Fatalf("row %d: a pair that touches has the whole row compressed as it lies", y)
		}
	}
	if rows == 0 {
		t.Fatal("no glyphs touch: the test tests nothing")
	}
}

// A typical card in the site's fonts is at most 20 KB (the bench corpus's
// cards: BenchmarkDrawBuild reports the same sizes).
func TestCardSize(t *testing.T) {
	d, err := NewDrawer(buildFonts(t))
	if err != nil {
		t.Fatal(err)
	}
	const n = 200
	total := 0
	for i := range n {
		total += len(mustDraw(t, d, buildCard(i*7)))
	}
	if avg := total / n; avg > 20_000 {
		t.Errorf("cards of %d bytes on average, want at most 20,000", avg)
	}
}

// runCost is the bits putRun writes, for runs across a row and more, one
// byte back and one row up.
func TestRunCost(t *testing.T) {
	d := newDrawer(t)
	for _, c := range d.codes {
		for _, dist := range []int{1, 7, rowLen} {
			for n := minMatch; n < 3*rowLen; n++ {
				var w bitWriter
				c.putRun(&w, nil, n, dist)
				if got, want := c.runCost(n, dist), w.n*8+int(w.nacc); got != want {
					t.Fatalf("runCost(%d, %d) = %d, putRun writes %d bits", n, dist, got, want)
				}
			}
		}
	}
}

// AppendDraw appends the PNG Draw returns, after what dst held.
func TestAppendDraw(t *testing.T) {
	d := newDrawer(t)
	want := mustDraw(t, d, typical)
	got, err := d.AppendDraw([]byte("prefix"), typical)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(got, []byte("prefix")) || !bytes.Equal(got[len("prefix"):], want) {
		t.Errorf("appended %d bytes, want prefix then Draw's %d", len(got), len(want))
	}
}
