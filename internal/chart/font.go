package chart

import (
	"sync"

	"github.com/golang/freetype/truetype"
	gochart "github.com/wcharczuk/go-chart/v2"
	"github.com/wcharczuk/go-chart/v2/roboto"
	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
)

// go-chart loads its default font lazily without synchronisation (a data
// race under concurrent renders), so it is loaded exactly once here.
var (
	fontOnce sync.Once
	ttf      *truetype.Font
	fontErr  error
)

func loadFont() (*truetype.Font, error) {
	fontOnce.Do(func() { ttf, fontErr = gochart.GetDefaultFont() })
	return ttf, fontErr
}

// FontFile returns the TrueType font charts are measured with, so the site
// can serve it and the browser draws text in the font it was measured in.
func FontFile() []byte { return roboto.Roboto }

// measurer measures text. It keeps one face per size and a cache of widths:
// a truetype face is costly to make and not safe for concurrent use, so a
// measurer belongs to one goroutine.
type measurer struct {
	font   *truetype.Font
	faces  map[float64]font.Face
	widths map[widthKey]float64
}

type widthKey struct {
	size float64
	text string
}

func newMeasurer() (*measurer, error) {
	f, err := loadFont()
	if err != nil {
		return nil, err
	}
	return &measurer{font: f, faces: map[float64]font.Face{}, widths: map[widthKey]float64{}}, nil
}

// width returns the advance width of s in pixels at size px.
func (m *measurer) width(s string, size float64) float64 {
	k := widthKey{size, s}
	if w, ok := m.widths[k]; ok {
		return w
	}
	face, ok := m.faces[size]
	if !ok {
		// At 72 DPI a point is a CSS pixel.
		face = truetype.NewFace(m.font, &truetype.Options{Size: size, DPI: 72, Hinting: font.HintingNone})
		m.faces[size] = face
	}
	var adv fixed.Int26_6
	prev := rune(-1)
	for _, r := range s {
		if prev >= 0 {
			adv += face.Kern(prev, r)
		}
		a, _ := face.GlyphAdvance(r)
		adv += a
		prev = r
	}
	w := float64(adv) / 64
	m.widths[k] = w
	return w
}
