// Package ogimage draws a brief's OpenGraph image (1200×630 PNG): the site,
// the company and period, the title and the headline figure.
//
// A Drawer keeps everything an image needs from one image to the next (font
// faces, rasterized glyphs, the canvas, the PNG encoder's buffers), so
// drawing many images costs little more than encoding them. A Drawer is not
// safe for concurrent use: give each worker its own.
package ogimage

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"slices"
	"strings"
	"sync"

	"github.com/golang/freetype/truetype"
	"github.com/wcharczuk/go-chart/v2/roboto"
	"golang.org/x/image/math/fixed"
	"golang.org/x/text/unicode/norm"
)

// Size of an OpenGraph image.
const (
	Width  = 1200
	Height = 630
)

// margin is the space left and right of everything on the card.
const margin = 60

// Card is what an image shows. Every line is cut with an ellipsis where it
// would not fit; a Kicker of the form "Company · Period" keeps its last
// part whole and cuts the rest.
type Card struct {
	Site, Kicker, Title string
	Figure, FigureLabel string
}

// Fonts are the typefaces a card is set in. A parsed font is read-only and
// may be shared by any number of drawers.
type Fonts struct {
	// Title sets the brief's title.
	Title *truetype.Font
	// UI sets the site's name, the kicker, the figure and its label.
	UI *truetype.Font
}

var defaultFonts = sync.OnceValues(func() (Fonts, error) {
	f, err := truetype.Parse(roboto.Roboto)
	if err != nil {
		return Fonts{}, fmt.Errorf("parsing roboto: %w", err)
	}
	return Fonts{Title: f, UI: f}, nil
})

// DefaultFonts returns Roboto for every part of the card.
func DefaultFonts() (Fonts, error) { return defaultFonts() }

// The card's inks. Each is drawn at levels-1 antialiasing steps over the
// paper, so the whole card fits a palette of 1+len(inks)*(levels-1) colours:
// an 8-bit paletted PNG a quarter the size of a full-colour one.
var (
	paper = color.RGBA{0xfb, 0xfa, 0xf6, 0xff}
	inks  = [...]color.RGBA{
		inkText:   {0x1a, 0x1a, 0x1a, 0xff},
		inkMuted:  {0x55, 0x52, 0x4c, 0xff},
		inkAccent: {0x8c, 0x1c, 0x13, 0xff},
		inkFigure: {0x1f, 0x5f, 0x8b, 0xff},
	}
)

const (
	inkText = iota
	inkMuted
	inkAccent
	inkFigure
)

// levels is the number of coverage steps of an ink, paper (0) included.
// Sixteen steps are what the eye resolves on antialiased edges.
const levels = 16

var palette = func() color.Palette {
	p := color.Palette{paper}
	for _, c := range inks {
		for l := 1; l < levels; l++ {
			mix := func(a, b uint8) uint8 { return uint8((int(a)*(levels-1-l) + int(b)*l + (levels-1)/2) / (levels - 1)) }
			p = append(p, color.RGBA{mix(paper.R, c.R), mix(paper.G, c.G), mix(paper.B, c.B), 0xff})
		}
	}
	return p
}()

// index is the palette index of ink at coverage level l (1..levels-1).
func index(ink int, l uint8) uint8 { return uint8(1+ink*(levels-1)) + l - 1 }

// Type sizes, in pixels.
const (
	sizeSite        = 30
	sizeKicker      = 26
	sizeTitle       = 64
	sizeTitleSmall  = 50
	sizeFigure      = 110
	sizeFigureSmall = 84
	sizeFigureTiny  = 64
	sizeLabel       = 30
)

// Drawer draws cards. It is not safe for concurrent use.
type Drawer struct {
	site, kicker, title, titleSmall, label *face
	figure                                 [3]*face
	// raw is the canvas as PNG scanlines: a filter byte (0) before each
	// row, so canvas.Pix starts at raw[1] and its stride is rowLen.
	raw    []uint8
	canvas *image.Paletted
	frame  []uint8 // raw before any text
	// paper tells the rows of the frame that are paper only (all zeros).
	paper [Height]bool
	// frameBox is, for each of the frame's rows that are not paper, its
	// run of them tokenized as one box, for the cards whose text keeps
	// off them.
	frameBox [Height]*boxCode
	// frameBoxes are the frame's boxes, each once; frameID[y] is the id
	// of frameBox[y] among the encoder's boxes, which begin with them.
	frameBoxes []*boxCode
	frameID    [Height]int32
	// frameRun is, for each such row, the rows of its run.
	frameRun [Height]span
	// ink is, for each row text was drawn on, the columns of raw it
	// touched (lo < hi); for the others lo >= hi.
	ink [Height]span
	// complete tells the rows whose pixels the encoder reads (finish).
	complete [Height]bool
	// placed are the glyphs of the card being drawn; byRow the indices
	// of those on each row; out the pieces the encoder codes.
	placed []placement
	boxes  []box
	byX    []uint64
	byRow  [Height][]int32
	out    []piece
	serial uint64
	enc    *encoder
	// scratch is Draw's buffer, kept from card to card.
	scratch []byte
	// codes are each part's Huffman codes, made from sample cards.
	codes [parts]*codes
	// parts are where each part of the card being drawn begins.
	parts []partStart
	// counts, while codes are made, are the symbols of each part.
	counts *[parts]symbolCounts
}

// The parts of a card, top to bottom, each written as a block of its own
// with its own codes: each part's text is in one or two inks, so its
// literals are fewer than the card's and their codes shorter.
const (
	partHead   = iota // the bar, the site's name and the rule
	partKicker        // company and period
	partTitle
	partFigure // the figure and its label
	parts
)

// samples are the cards a drawer's codes are made from: what most cards
// hold, capitals, figures and signs included.
var samples = []Card{
	{Site: "Follow the Profit", Kicker: "Amazon.com, Inc. · FY2024", Title: "The Cloud Behind the Cart: how one segment pays for the rest", Figure: "58.0%", FigureLabel: "Share of operating income"},
	{Site: "Benchmark", Kicker: "Company 1234 Inc. · FY2019Q3", Title: "Revenue grew 12% to $4.5 billion as margins held up, and why", Figure: "−$2,807.6 million", FigureLabel: "Operating loss of the devices segment"},
	{Site: "Quarterly Notes", Kicker: "Nestlé S.A. · H1 2023", Title: "Where the money comes from: coffee, pet food and a quiet year for water", Figure: "CHF 46.3 billion", FigureLabel: "Organic sales, first half"},
}

// NewDrawer returns a drawer setting cards in the given fonts.
func NewDrawer(f Fonts) (*Drawer, error) {
	if f.Title == nil || f.UI == nil {
		return nil, fmt.Errorf("ogimage: a title and a UI font are needed")
	}
	d := &Drawer{
		site:       newFace(f.UI, sizeSite),
		kicker:     newFace(f.UI, sizeKicker),
		title:      newFace(f.Title, sizeTitle),
		titleSmall: newFace(f.Title, sizeTitleSmall),
		label:      newFace(f.UI, sizeLabel),
		figure:     [3]*face{newFace(f.UI, sizeFigure), newFace(f.UI, sizeFigureSmall), newFace(f.UI, sizeFigureTiny)},
		raw:        make([]uint8, rowLen*Height),
	}
	d.canvas = &image.Paletted{Pix: d.raw[1:], Stride: rowLen, Rect: image.Rect(0, 0, Width, Height), Palette: palette}
	d.fill(image.Rect(0, 0, Width, 12), index(inkAccent, levels-1))
	d.fill(image.Rect(margin, 110, Width-margin, 113), index(inkText, levels-1))
	d.frame = bytes.Clone(d.raw)
	for y := range Height {
		d.paper[y] = !slices.ContainsFunc(d.frame[y*rowLen:(y+1)*rowLen], func(c uint8) bool { return c != 0 })
		d.ink[y] = span{rowLen, 0}
	}
	for y := 0; y < Height; {
		if d.paper[y] {
			y++
			continue
		}
		end := y
		for end < Height && !d.paper[end] {
			end++
		}
		box := boxRows(d.frame[y*rowLen:end*rowLen], rowLen, end-y)
		for k := y; k < end; k++ {
			d.frameRun[k] = span{y, end}
			d.frameBox[k] = box
			d.frameID[k] = int32(1 + len(d.frameBoxes))
		}
		d.frameBoxes = append(d.frameBoxes, box)
		y = end
	}
	d.enc = newEncoder()
	cs := sharedCodes(f)
	cs.once.Do(func() { cs.codes, cs.err = d.makeCodes() })
	if cs.err != nil {
		return nil, cs.err
	}
	d.codes = cs.codes
	return d, nil
}

// codeSet is the codes of the drawers of one pair of fonts, made once:
// they take six sample cards (tens of milliseconds), and a build makes a
// drawer per worker.
type codeSet struct {
	once  sync.Once
	codes [parts]*codes
	err   error
}

var (
	codeSetsMu sync.Mutex
	codeSets   = map[Fonts]*codeSet{}
)

// sharedCodes returns the code set of the fonts f; codes are never written
// once made, so drawers on any goroutine share them.
func sharedCodes(f Fonts) *codeSet {
	codeSetsMu.Lock()
	defer codeSetsMu.Unlock()
	cs := codeSets[f]
	if cs == nil {
		cs = &codeSet{}
		codeSets[f] = cs
	}
	return cs
}

// makeCodes makes the codes every card is written in from sample cards:
// twice, as the first codes tell which matches pay. It leaves d's codes
// as they were.
func (d *Drawer) makeCodes() ([parts]*codes, error) {
	defer func() { d.codes, d.counts = [parts]*codes{}, nil }()
	// The first pass writes in codes for any palette index.
	any := fixedCodes(&[numLitLen]uint32{}, &[numDist]uint32{}, len(palette))
	for p := range parts {
		d.codes[p] = any
	}
	for range 2 {
		d.counts = &[parts]symbolCounts{}
		for _, c := range samples {
			if _, err := d.Draw(c); err != nil {
				return [parts]*codes{}, err
			}
		}
		for p := range parts {
			// A card's bytes are palette indices.
			d.codes[p] = fixedCodes(&d.counts[p].litLen, &d.counts[p].dist, len(palette))
		}
	}
	return d.codes, nil
}

func (d *Drawer) fill(r image.Rectangle, ix uint8) {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := d.canvas.Pix[y*d.canvas.Stride:]
		for x := r.Min.X; x < r.Max.X; x++ {
			row[x] = ix
		}
	}
}

// Draw renders the card as PNG. The bytes are the caller's to keep.
func (d *Drawer) Draw(c Card) ([]byte, error) {
	data, err := d.AppendDraw(d.scratch[:0], c)
	d.scratch = data
	return bytes.Clone(data), err
}

// AppendDraw appends the card as PNG to dst: a caller that writes many
// cards can reuse its buffers.
func (d *Drawer) AppendDraw(dst []byte, c Card) ([]byte, error) {
	// Composed (NFC), an accent typed as a combining mark (as macOS pastes
	// text) is drawn with the font's precomposed glyph.
	for _, s := range []*string{&c.Site, &c.Kicker, &c.Title, &c.Figure, &c.FigureLabel} {
		*s = norm.NFC.String(*s)
	}
	d.begin()
	d.layout(c)
	return d.finish(dst), nil
}

// layout places the card's glyphs.
func (d *Drawer) layout(c Card) {
	const measure = Width - 2*margin
	d.text(d.site, d.site.fit(c.Site, measure), margin, 88, inkMuted)
	y := 175
	d.part(partKicker)
	if c.Kicker != "" {
		d.text(d.kicker, d.kicker.fitKicker(strings.ToUpper(c.Kicker), measure), margin, y, inkAccent)
		y += 30
	}
	d.part(partTitle)
	title := d.title
	lines := title.wrap(c.Title, measure)
	if len(lines) > 3 {
		title = d.titleSmall
		lines = title.wrap(c.Title, measure)
	}
	if len(lines) > 3 {
		// Cut the third line, with what follows it, by measurement.
		lines = append(lines[:2], title.fit(strings.Join(lines[2:], " "), measure))
	}
	lead := int(title.size * 1.15)
	for _, l := range lines {
		y += lead
		d.text(title, l, margin, y, inkText)
	}
	d.part(partFigure)
	if c.Figure != "" {
		// The figure shrinks before its label loses more than it must.
		const labelRoom, gap = 300, 30
		fig := d.figure[0]
		for _, f := range d.figure[1:] {
			if fig.width(c.Figure).Ceil() <= measure-labelRoom-gap {
				break
			}
			fig = f
		}
		figure := fig.fitFigure(c.Figure, measure)
		x := d.text(fig, figure, margin, Height-80, inkFigure)
		if room := Width - margin - (x + gap); room > 0 {
			d.text(d.label, d.label.fit(c.FigureLabel, room), x+gap, Height-85, inkMuted)
		}
	}
}

// begin starts a card: the canvas back to the frame, no glyph placed.
func (d *Drawer) begin() {
	// Only the rows the last card drew on differ from the frame, and
	// most of those are paper: zeros.
	for y, in := range d.ink {
		switch {
		case in.lo >= in.hi:
		case d.paper[y]:
			clear(d.raw[y*rowLen+in.lo : y*rowLen+in.hi])
		default:
			copy(d.raw[y*rowLen+in.lo:y*rowLen+in.hi], d.frame[y*rowLen+in.lo:])
		}
		d.ink[y] = span{rowLen, 0}
	}
	d.placed = d.placed[:0]
	d.parts = d.parts[:0]
}

// part starts a part of the card: the glyphs placed from now on are its.
func (d *Drawer) part(p int) {
	d.parts = append(d.parts, partStart{p, len(d.placed)})
}

// A partStart is where a part's glyphs begin in placed.
type partStart struct{ part, from int }

// blocks sets the encoder's blocks: one for the head, from the first row,
// and one for each part after it from its first row with ink.
func (d *Drawer) blocks() {
	z := &d.enc.z
	z.blocks = append(z.blocks[:0], d.block(0, partHead))
	for i, ps := range d.parts {
		end := len(d.placed)
		if i+1 < len(d.parts) {
			end = d.parts[i+1].from
		}
		if ps.from == end {
			continue
		}
		top := Height
		for _, p := range d.placed[ps.from:end] {
			top = min(top, p.y)
		}
		// Parts that overlap share a block.
		if at := max(top, 0) * rowLen; at > z.blocks[len(z.blocks)-1].at {
			z.blocks = append(z.blocks, d.block(at, ps.part))
		}
	}
}

func (d *Drawer) block(at, part int) block {
	b := block{at: at, c: d.codes[part]}
	if d.counts != nil {
		b.counts = &d.counts[part]
	}
	return b
}

// finish draws the glyphs placed and returns the card as PNG.
func (d *Drawer) finish(dst []byte) []byte {
	d.enc.z.boxes = append(append(d.enc.z.boxes[:0], nil), d.frameBoxes...)
	d.standApart()
	d.blocks()
	scan := d.pieces()
	// The encoder reads the canvas only where it compresses spans as
	// they lie: on their rows and the rows above. Elsewhere it writes
	// glyphs' coded rows and needs no pixels, so none are drawn there.
	clear(d.complete[:])
	for _, p := range scan {
		if p.box == 0 {
			y := p.lo / rowLen
			d.complete[y] = true
			d.complete[max(y-1, 0)] = true
		}
	}
	for _, p := range d.placed {
		if p.apart {
			d.copyIn(p)
		} else {
			d.blit(p.g, p.x-p.g.dx, p.y-p.g.dy, p.ink)
		}
	}
	return d.enc.encode(dst, d.raw, scan)
}

// text draws s with its baseline's left end at (x, y) and returns where
// the baseline ends.
func (d *Drawer) text(f *face, s string, x, y int, ink int) int {
	dot := fixed.I(x)
	prev := rune(-1)
	for _, r := range s {
		if prev >= 0 {
			dot += f.kern(prev, r)
		}
		g := f.glyph(r)
		if x := dot.Round(); g.w > 0 && g.h > 0 {
			d.placed = append(d.placed, placement{g: g, ink: ink, x: x + g.dx, y: y + g.dy, w: g.w, h: g.h})
		}
		dot += g.advance
		prev = r
	}
	return dot.Ceil()
}

// copyIn draws the complete rows of a glyph that stands apart: on paper
// and alone in its box, its pixels are its rows' bytes.
func (d *Drawer) copyIn(p placement) {
	px := p.g.pixels(p.ink)
	w := p.g.w
	for j := range p.g.h {
		if !d.complete[p.y+j] {
			continue
		}
		copy(d.raw[(p.y+j)*rowLen+1+p.x:], px[j*w:(j+1)*w])
		in := &d.ink[p.y+j]
		in.lo = min(in.lo, 1+p.x)
		in.hi = max(in.hi, 1+p.x+w)
	}
}

// blit draws a glyph's coverage in ink. Where it meets earlier strokes of
// the same ink (a tight kerning pair), coverages add as in "over".
func (d *Drawer) blit(g *glyph, x, y int, ink int) {
	base := index(ink, 1)
	for j := 0; j < g.h; j++ {
		py := y + g.dy + j
		if py < 0 || py >= Height {
			continue
		}
		row := d.canvas.Pix[py*d.canvas.Stride : py*d.canvas.Stride+Width]
		// In raw, column px is 1+px.
		in := &d.ink[py]
		in.lo = min(in.lo, max(1+x+g.dx, 1))
		in.hi = max(in.hi, min(1+x+g.dx+g.w, rowLen))
		cov := g.cov[j*g.w : (j+1)*g.w]
		for i, l := range cov {
			px := x + g.dx + i
			if l == 0 || px < 0 || px >= Width {
				continue
			}
			switch p := row[px]; {
			case p == 0:
				row[px] = base + l - 1
			case p >= base && p < base+levels-1:
				old := p - base + 1
				sum := int(old) + int(l) - (int(old)*int(l)+(levels-1)/2)/(levels-1)
				row[px] = base + uint8(sum) - 1
			case 2*int(l) >= levels-1:
				row[px] = base + l - 1
			}
		}
	}
}

var pool = sync.Pool{New: func() any {
	f, err := DefaultFonts()
	if err != nil {
		return err
	}
	d, err := NewDrawer(f)
	if err != nil {
		return err
	}
	return d
}}

// Draw renders the card as PNG in the default fonts, with a drawer from a
// shared pool. Builds that draw many images keep a Drawer per worker.
func Draw(c Card) ([]byte, error) {
	switch v := pool.Get().(type) {
	case *Drawer:
		defer pool.Put(v)
		return v.Draw(c)
	case error:
		return nil, v
	}
	return nil, fmt.Errorf("ogimage: no drawer")
}
