// Package fonts holds the typefaces briefs sets its pages and images in, so
// that the page, its charts and its OpenGraph image agree:
//
//   - Briefs Text, a serif for headlines and reading (a subset of Charis SIL
//     6.101 from Debian's fonts-sil-charis, renamed as the SIL Open Font
//     License requires of a modified font; OFL.txt), as TrueType for
//     drawing in Go and WOFF2 for the browser. subset.py made the files.
//   - Roboto, the sans for charts and everything around the text (kicker,
//     byline, tables, pager): the font go-chart measures chart labels with,
//     served as is so the browser draws what was measured.
package fonts

import (
	"embed"

	"github.com/wcharczuk/go-chart/v2/roboto"
)

//go:embed *.ttf *.woff2 OFL.txt
var files embed.FS

// Face is one style of Briefs Text.
type Face struct {
	// Name names the files and the CSS placeholder of the face.
	Name string
	// Style and Weight are the face's CSS font-style and font-weight.
	Style  string
	Weight int
}

// TextFamily is the CSS family name of the serif.
const TextFamily = "Briefs Text"

// Text lists the styles of Briefs Text.
var Text = []Face{
	{Name: "text-regular", Style: "normal", Weight: 400},
	{Name: "text-italic", Style: "italic", Weight: 400},
	{Name: "text-bold", Style: "normal", Weight: 700},
}

// TTF returns the face as TrueType, for drawing (an OpenGraph image).
func (f Face) TTF() []byte { return read(f.Name + ".ttf") }

// WOFF2 returns the face as WOFF2, for the browser.
func (f Face) WOFF2() []byte { return read(f.Name + ".woff2") }

// License is the text of the SIL Open Font License that Briefs Text is
// distributed under; it travels with the font files.
func License() []byte { return read("OFL.txt") }

// Sans returns Roboto as TrueType: the chart font, and the site's sans.
func Sans() []byte { return roboto.Roboto }

func read(name string) []byte {
	data, err := files.ReadFile(name)
	if err != nil {
		panic("fonts: " + name + " is not embedded") // a build of this package without its files
	}
	return data
}

// TextBold is the bold face of Briefs Text, which sets headlines.
func TextBold() Face { return Text[2] }
