package ogimage

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/golang/freetype/truetype"
	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
)

// face is one font at one size, with the glyphs it has rasterized so far.
// Hinting puts every glyph origin and advance on whole pixels, so a glyph
// is rasterized once and reused at any position.
type face struct {
	size   float64
	ttf    *truetype.Font
	f      font.Face
	ascii  [128]*glyph
	glyphs map[rune]*glyph
	kerns  map[[2]rune]fixed.Int26_6
	// asciiKerns are the kerning of pairs of ASCII characters, made
	// when first needed: most text is ASCII, and a map costs more.
	asciiKerns *[128 * 128]int16
}

// glyph is a rasterized glyph: coverage quantized to ink levels, w×h
// pixels whose top-left is (dx, dy) from the origin.
type glyph struct {
	dx, dy, w, h int
	cov          []uint8
	advance      fixed.Int26_6
	// boxes are its rows in each ink, tokenized when first needed; px
	// its pixels in each ink.
	boxes [len(inks)]*boxCode
	px    [len(inks)][]uint8
	// last is where it last stood apart in each ink.
	last [len(inks)]seen
}

func newFace(f *truetype.Font, size float64) *face {
	return &face{
		size: size,
		ttf:  f,
		// The face's own cache is not needed: glyphs are kept here,
		// quantized, so one entry keeps its mask buffer small.
		f:      truetype.NewFace(f, &truetype.Options{Size: size, DPI: 72, Hinting: font.HintingFull, GlyphCacheEntries: 1, SubPixelsX: 1}),
		glyphs: map[rune]*glyph{},
		kerns:  map[[2]rune]fixed.Int26_6{},
	}
}

func (f *face) glyph(r rune) *glyph {
	if r >= 0 && r < 128 {
		if g := f.ascii[r]; g != nil {
			return g
		}
	} else if g, ok := f.glyphs[r]; ok {
		return g
	}
	g := &glyph{}
	dr, mask, mp, adv, ok := f.f.Glyph(fixed.Point26_6{}, r)
	if ok && invisible(r, f.ttf) {
		ok = false // no box for a character that has no ink
	}
	if ok {
		g.dx, g.dy, g.w, g.h, g.advance = dr.Min.X, dr.Min.Y, dr.Dx(), dr.Dy(), adv
		g.cov = make([]uint8, g.w*g.h)
		for j := 0; j < g.h; j++ {
			for i := 0; i < g.w; i++ {
				_, _, _, a := mask.At(mp.X+i, mp.Y+j).RGBA()
				g.cov[j*g.w+i] = uint8((int(a>>8)*(levels-1) + 127) / 255)
			}
		}
	}
	if r >= 0 && r < 128 {
		f.ascii[r] = g
	} else {
		f.glyphs[r] = g
	}
	return g
}

// invisible reports a character drawn as nothing, never as the font's
// box for a missing glyph: a control or format character (BEL, ESC, DEL,
// U+0085, a zero-width joiner), or a combining mark the font lacks.
func invisible(r rune, ttf *truetype.Font) bool {
	switch {
	case unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r):
		return true
	case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r):
		return ttf.Index(r) == 0
	}
	return false
}

// noKern marks a pair of ASCII characters whose kerning is not yet known.
const noKern = math.MinInt16

func (f *face) kern(a, b rune) fixed.Int26_6 {
	if a >= 0 && a < 128 && b >= 0 && b < 128 {
		if f.asciiKerns == nil {
			f.asciiKerns = new([128 * 128]int16)
			for i := range f.asciiKerns {
				f.asciiKerns[i] = noKern
			}
		}
		k := &f.asciiKerns[a<<7|b]
		if *k != noKern {
			return fixed.Int26_6(*k)
		}
		// Kerning in 1/64 px is far inside int16; the map keeps any
		// that is not.
		if v := f.f.Kern(a, b); v > noKern && v <= math.MaxInt16 {
			*k = int16(v)
			return v
		}
	}
	k, ok := f.kerns[[2]rune{a, b}]
	if !ok {
		k = f.f.Kern(a, b)
		f.kerns[[2]rune{a, b}] = k
	}
	return k
}

// width is the advance of s set in f.
func (f *face) width(s string) fixed.Int26_6 {
	w := fixed.Int26_6(0)
	prev := rune(-1)
	for _, r := range s {
		if prev >= 0 {
			w += f.kern(prev, r)
		}
		w += f.glyph(r).advance
		prev = r
	}
	return w
}

const ellipsis = "…"

// fit returns s when it fits in max pixels, else its longest head that
// fits with an ellipsis after it, cut between graphemes (a letter keeps
// its accents, an emoji sequence stays whole), without trailing spaces or
// separators; "" when not one grapheme fits before the ellipsis.
func (f *face) fit(s string, max int) string {
	limit := fixed.I(max)
	if f.width(s) <= limit {
		return s
	}
	room := limit - f.glyph('…').advance
	if room < 0 {
		return ""
	}
	cut, w := 0, fixed.Int26_6(0)
	prev := rune(-1)
	for i, r := range s {
		if prev >= 0 && boundary(s, i) {
			cut = i
		}
		if prev >= 0 {
			w += f.kern(prev, r)
		}
		w += f.glyph(r).advance
		if w > room {
			break
		}
		prev = r
	}
	// Cut at a space instead when that keeps most of the room filled: a
	// whole word reads better than a word's start.
	if sp := strings.LastIndexByte(s[:cut], ' '); sp > 0 && f.width(s[:sp]) >= room*2/3 {
		cut = sp
	}
	head := strings.TrimRightFunc(s[:cut], func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune("·,;:-–—/", r)
	})
	if head == "" {
		return ""
	}
	return head + ellipsis
}

// fitKicker fits "A · B" by cutting A and keeping " · B" whole (a long
// company name gives way, the period stays), else fits it like any line.
func (f *face) fitKicker(s string, max int) string {
	if f.width(s) <= fixed.I(max) {
		return s
	}
	if i := strings.LastIndex(s, " · "); i > 0 {
		if cut, ok := f.fitHead(s, i, max); ok {
			return cut
		}
	}
	return f.fit(s, max)
}

// fitFigure fits a figure by cutting its number and keeping its last word
// (the scale: "−CHF 123,456… trillion"), else fits it like any line.
func (f *face) fitFigure(s string, max int) string {
	if f.width(s) <= fixed.I(max) {
		return s
	}
	if i := strings.LastIndexByte(s, ' '); i > 0 && strings.IndexFunc(s[i+1:], func(r rune) bool { return !unicode.IsLetter(r) }) < 0 {
		if cut, ok := f.fitHead(s, i, max); ok {
			return cut
		}
	}
	return f.fit(s, max)
}

// fitHead cuts s[:i] to fit before s[i:], kept whole; ok is false when
// not one grapheme of the head fits.
func (f *face) fitHead(s string, i, max int) (string, bool) {
	tail := s[i:]
	if room := max - f.width(tail).Ceil(); room > 0 {
		if head := f.fit(s[:i], room); head != "" && head != ellipsis {
			return head + tail, true
		}
	}
	return "", false
}

// wrap breaks s into lines of at most max pixels at spaces; a word wider
// than a line is cut to fit.
func (f *face) wrap(s string, max int) []string {
	var lines []string
	cur := ""
	for _, word := range strings.Fields(s) {
		try := word
		if cur != "" {
			try = cur + " " + word
		}
		if cur != "" && f.width(try).Ceil() > max {
			lines = append(lines, f.fit(cur, max))
			cur = word
			continue
		}
		cur = try
	}
	if cur != "" {
		lines = append(lines, f.fit(cur, max))
	}
	return lines
}

// boundary tells whether s may be cut before byte i (a rune start): not
// inside a grapheme cluster, as far as combining marks, joiners, variation
// selectors, emoji modifiers and tags, and flag pairs go.
func boundary(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	p, _ := utf8.DecodeLastRuneInString(s[:i])
	switch {
	case extends(r), p == '\u200d':
		return false
	case regional(r) && regional(p):
		// Flags are pairs of regional indicators: cut only after an even
		// number of them.
		n := 0
		for j := i; j > 0; {
			q, size := utf8.DecodeLastRuneInString(s[:j])
			if !regional(q) {
				break
			}
			n++
			j -= size
		}
		return n%2 == 0
	}
	return true
}

// extends tells whether r belongs to the grapheme before it.
func extends(r rune) bool {
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc) ||
		r == '\u200d' || r == '\u200c' ||
		(r >= 0xfe00 && r <= 0xfe0f) || (r >= 0xe0100 && r <= 0xe01ef) ||
		(r >= 0x1f3fb && r <= 0x1f3ff) || (r >= 0xe0020 && r <= 0xe007f)
}

func regional(r rune) bool { return r >= 0x1f1e6 && r <= 0x1f1ff }
