package fonts

import (
	"bytes"
	"testing"

	"github.com/golang/freetype/truetype"
)

// TestFaces: every face parses as TrueType for drawing, covers the
// characters briefs writes (German and French names, the true minus, the
// euro, the multiplication sign), and is served as WOFF2.
func TestFaces(t *testing.T) {
	for _, f := range Text {
		font, err := truetype.Parse(f.TTF())
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		for _, r := range "Aa09$€£¥−×÷–—‘’“”…·äöüßÄÖÜéèçœŁłŞş" {
			if font.Index(r) == 0 {
				t.Errorf("%s has no glyph for %q", f.Name, r)
			}
		}
		if name := font.Name(truetype.NameIDFontFamily); name != TextFamily {
			t.Errorf("%s is named %q, want %q", f.Name, name, TextFamily)
		}
		if !bytes.HasPrefix(f.WOFF2(), []byte("wOF2")) {
			t.Errorf("%s.woff2 is not WOFF2", f.Name)
		}
	}
	if !bytes.Contains(License(), []byte("SIL OPEN FONT LICENSE Version 1.1")) {
		t.Errorf("the licence text is missing")
	}
	if _, err := truetype.Parse(Sans()); err != nil {
		t.Errorf("Roboto: %v", err)
	}
}
