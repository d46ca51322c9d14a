package site

import (
	"fmt"
	"sync"

	"crypto/sha256"
	"encoding/hex"
	"github.com/briefs/briefs/internal/fonts"
	"github.com/golang/freetype/truetype"
	"io/fs"

	"github.com/briefs/briefs/internal/brief"
	"github.com/briefs/briefs/internal/diag"
	"github.com/briefs/briefs/internal/ogimage"
)

// ogSpec is what a brief's OpenGraph image shows; its hash names the file,
// so an image whose content did not change is reused instead of redrawn.
type ogSpec struct {
	card ogimage.Card
	name string
}

func newOGSpec(bf *brief.Brief, site string) *ogSpec {
	c := ogimage.Card{Site: site, Kicker: kickerOf(bf).String(), Title: bf.Title}
	if f, ok := bf.Figures.Figure(bf.Headline); ok {
		c.Figure, c.FigureLabel = f.Text(), f.Label
	}
	h := sha256.New()
	for _, s := range []string{"og-v3", c.Site, c.Kicker, c.Title, c.Figure, c.FigureLabel} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return &ogSpec{card: c, name: hex.EncodeToString(h.Sum(nil))[:16]}
}

func (o *ogSpec) path() string { return "og/" + o.name + ".png" }

// ogImage returns the PNG for o: from the builder's cache, from the
// previous output (Options.Previous), or drawn now.
// It is called from the build workers.
func (b *Builder) ogImage(o *ogSpec) []byte {
	b.ogMu.Lock()
	data, ok := b.ogCache[o.name]
	b.ogMu.Unlock()
	if ok {
		return data
	}
	if b.opts.Previous != nil {
		if data, err := fs.ReadFile(b.opts.Previous, o.path()); err == nil && len(data) > 0 {
			b.remember(o.name, data, false)
			return data
		}
	}
	d, err := b.ogDrawer()
	if err != nil {
		return nil
	}
	data, err = d.Draw(o.card)
	b.ogMu.Lock()
	b.ogIdle = append(b.ogIdle, d)
	b.ogMu.Unlock()
	if err != nil {
		return nil
	}
	b.remember(o.name, data, true)
	return data
}

// ogDrawer returns an idle drawer, or a new one when every drawer is in
// use (so there are never more than workers).
func (b *Builder) ogDrawer() (*ogimage.Drawer, error) {
	b.ogMu.Lock()
	if n := len(b.ogIdle); n > 0 {
		d := b.ogIdle[n-1]
		b.ogIdle = b.ogIdle[:n-1]
		b.ogMu.Unlock()
		return d, nil
	}
	b.ogMu.Unlock()
	f, err := cardFonts()
	if err != nil {
		return nil, err
	}
	return ogimage.NewDrawer(f)
}

// cardFonts are the page's own: the title in the bold serif of headlines,
// the rest in the sans of the site's UI and charts.
var cardFonts = sync.OnceValues(func() (ogimage.Fonts, error) {
	title, err := truetype.Parse(fonts.TextBold().TTF())
	if err != nil {
		return ogimage.Fonts{}, fmt.Errorf("parsing the title font: %w", err)
	}
	ui, err := truetype.Parse(fonts.Sans())
	if err != nil {
		return ogimage.Fonts{}, fmt.Errorf("parsing the sans font: %w", err)
	}
	return ogimage.Fonts{Title: title, UI: ui}, nil
})

// remember caches an image, unless the build streams (then nothing is kept).
func (b *Builder) remember(name string, data []byte, drawn bool) {
	b.ogMu.Lock()
	defer b.ogMu.Unlock()
	if drawn {
		b.OGDrawn++
	}
	if b.opts.Sink == nil {
		b.ogCache[name] = data
	}
}

// drawCards draws and writes the cards of a company's briefs that a
// streaming build left for later (rendered.ogLater), now.
func (b *Builder) drawCards(group []*entry) {
	for _, e := range group {
		r := e.good
		if r == nil || !r.ogLater {
			continue
		}
		r.ogLater = false
		if err := b.writeCard(r.og); err != nil {
			e.errs.Add(&diag.Error{File: e.path, Msg: fmt.Sprintf("writing output: %v", err), Err: err})
			e.good = nil
		}
	}
}

// writeCard draws (or finds) a card and writes it to the sink.
func (b *Builder) writeCard(og *ogSpec) error {
	data := b.ogImage(og)
	if data == nil {
		return nil
	}
	return b.opts.Sink.WriteFile(og.path(), data)
}

// cardBatch is how many cards a streaming build's worker leaves for later
// before it draws them, one after another: drawn in a row, a drawer's
// glyphs, tables and canvas stay in the CPU's caches; drawn a company's
// few at a time between pages, each card began with them pushed out by
// the pages' rendering and cost twice as much.
const cardBatch = 128

// A cardQueue is one worker's cards left for later, with the brief each
// is for (for errors).
type cardQueue struct {
	b     *Builder
	cards []queuedCard
}

type queuedCard struct {
	path string
	og   *ogSpec
}

// add leaves the cards of a company's briefs for later, and draws the
// cards left once there are cardBatch.
func (q *cardQueue) add(group []*entry) {
	for _, e := range group {
		if r := e.good; r != nil && r.ogLater {
			r.ogLater = false
			q.cards = append(q.cards, queuedCard{e.path, r.og})
		}
	}
	if len(q.cards) >= cardBatch {
		q.flush()
	}
}

// flush draws and writes the cards left. The briefs' records are already
// kept, so a card that cannot be written is an error of the build (which
// then publishes nothing).
func (q *cardQueue) flush() {
	for i, c := range q.cards {
		if err := q.b.writeCard(c.og); err != nil {
			q.b.recs.addErr(&diag.Error{File: c.path, Msg: fmt.Sprintf("writing output: %v", err), Err: err})
		}
		q.cards[i] = queuedCard{}
	}
	q.cards = q.cards[:0]
}
