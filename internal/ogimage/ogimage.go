// Package ogimage draws a brief's OpenGraph image (1200×630 PNG): the site,
// the company and period, the title and the headline figure.
package ogimage

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"strings"
	"sync"

	"github.com/golang/freetype/truetype"
	"github.com/wcharczuk/go-chart/v2/roboto"
	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
)

// Size of an OpenGraph image.
const (
	Width  = 1200
	Height = 630
)

// Card is what an image shows.
type Card struct {
	Site, Kicker, Title string
	Figure, FigureLabel string
}

var (
	fontOnce sync.Once
	ttf      *truetype.Font
	fontErr  error
)

var (
	paper  = color.RGBA{0xfb, 0xfa, 0xf6, 0xff}
	ink    = color.RGBA{0x1a, 0x1a, 0x1a, 0xff}
	muted  = color.RGBA{0x55, 0x52, 0x4c, 0xff}
	accent = color.RGBA{0x8c, 0x1c, 0x13, 0xff}
	blue   = color.RGBA{0x1f, 0x5f, 0x8b, 0xff}
)

// Draw renders the card as PNG.
func Draw(c Card) ([]byte, error) {
	fontOnce.Do(func() { ttf, fontErr = truetype.Parse(roboto.Roboto) })
	if fontErr != nil {
		return nil, fontErr
	}
	img := image.NewRGBA(image.Rect(0, 0, Width, Height))
	draw.Draw(img, img.Bounds(), image.NewUniform(paper), image.Point{}, draw.Src)
	draw.Draw(img, image.Rect(0, 0, Width, 12), image.NewUniform(accent), image.Point{}, draw.Src)
	draw.Draw(img, image.Rect(60, 110, Width-60, 113), image.NewUniform(ink), image.Point{}, draw.Src)
	faces := map[float64]font.Face{}
	face := func(size float64) font.Face {
		if f, ok := faces[size]; ok {
			return f
		}
		f := truetype.NewFace(ttf, &truetype.Options{Size: size, DPI: 72, Hinting: font.HintingFull})
		faces[size] = f
		return f
	}
	text := func(s string, size float64, x, y int, col color.Color) {
		d := &font.Drawer{Dst: img, Src: image.NewUniform(col), Face: face(size), Dot: fixed.P(x, y)}
		d.DrawString(s)
	}
	text(c.Site, 30, 60, 88, muted)
	y := 175
	if c.Kicker != "" {
		text(strings.ToUpper(c.Kicker), 26, 60, y, accent)
		y += 30
	}
	size := 64.0
	lines := wrap(face(size), c.Title, Width-120)
	if len(lines) > 3 {
		size = 50
		lines = wrap(face(size), c.Title, Width-120)
		if len(lines) > 3 {
			lines = append(lines[:2], strings.TrimSpace(lines[2])+"…")
		}
	}
	for _, l := range lines {
		y += int(size * 1.15)
		text(l, size, 60, y, ink)
	}
	if c.Figure != "" {
		text(c.Figure, 110, 60, Height-80, blue)
		fw := font.MeasureString(face(110), c.Figure).Ceil()
		label := c.FigureLabel
		for len(label) > 0 && font.MeasureString(face(30), label).Ceil() > Width-120-fw-30 {
			label = label[:len(label)-1]
		}
		text(label, 30, 60+fw+30, Height-85, muted)
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func wrap(f font.Face, s string, max int) []string {
	var lines []string
	cur := ""
	for _, w := range strings.Fields(s) {
		try := w
		if cur != "" {
			try = cur + " " + w
		}
		if cur != "" && font.MeasureString(f, try).Ceil() > max {
			lines = append(lines, cur)
			cur = w
			continue
		}
		cur = try
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}
