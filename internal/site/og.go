package site

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"

	"crypto/sha256"
	"encoding/binary"
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
	// id is the name as a number: the name is its 16 hex digits.
	id uint64
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
	sum := h.Sum(nil)[:8]
	return &ogSpec{card: c, name: hex.EncodeToString(sum), id: binary.BigEndian.Uint64(sum)}
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
	if data := b.previousCard(o); data != nil {
		b.remember(o.name, data, false)
		return data
	}
	if err := b.withDrawer(func(d *ogimage.Drawer) (err error) {
		data, err = d.Draw(o.card)
		return err
	}); err != nil {
		return nil
	}
	b.remember(o.name, data, true)
	return data
}

// withDrawer calls f with an idle drawer, made if none is, and leaves the
// drawer idle again.
func (b *Builder) withDrawer(f func(*ogimage.Drawer) error) error {
	d, err := b.ogDrawer()
	if err != nil {
		return err
	}
	err = f(d)
	b.ogMu.Lock()
	b.ogIdle = append(b.ogIdle, d)
	b.ogMu.Unlock()
	return err
}

// previousCard returns o's image from the previous output, or nil.
func (b *Builder) previousCard(o *ogSpec) []byte {
	if b.opts.Previous == nil {
		return nil
	}
	if data, err := fs.ReadFile(b.opts.Previous, o.path()); err == nil && len(data) > 0 {
		return data
	}
	return nil
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
	if rs, ok := b.opts.Sink.(releasingSink); ok {
		if data := b.previousCard(og); data != nil {
			return rs.WriteFileThen(og.path(), data, nil)
		}
		return b.drawCardInto(rs, og)
	}
	data := b.ogImage(og)
	if data == nil {
		return nil
	}
	return b.opts.Sink.WriteFile(og.path(), data)
}

// A releasingSink says when it is done with a file's bytes, so that a
// build can reuse them (publish.Stage is one).
type releasingSink interface {
	WriteFileThen(name string, data []byte, done func()) error
}

// cardBufs are the buffers of cards being written: a card is ~20 KB, and
// 10,000 of them allocated and collected cost a tenth of their drawing.
var cardBufs = sync.Pool{New: func() any { return new([]byte) }}

// drawCardInto draws a card into a pooled buffer and writes it to rs,
// which returns the buffer to the pool once written.
func (b *Builder) drawCardInto(rs releasingSink, og *ogSpec) error {
	buf := cardBufs.Get().(*[]byte)
	if err := b.withDrawer(func(d *ogimage.Drawer) (err error) {
		*buf, err = d.AppendDraw((*buf)[:0], og.card)
		return err
	}); err != nil {
		cardBufs.Put(buf)
		return nil // as ogImage: a card that cannot be drawn is left out
	}
	b.ogMu.Lock()
	b.OGDrawn++
	b.ogMu.Unlock()
	data := *buf
	if err := rs.WriteFileThen(og.path(), data, func() { cardBufs.Put(buf) }); err != nil {
		cardBufs.Put(buf)
		return err
	}
	return nil
}

// cardBatch is how many cards a streaming build's worker draws in a row:
// drawn one after another, a drawer's glyphs, tables and canvas stay in
// the CPU's caches; drawn a company's few at a time between pages, each
// card began with them pushed out by the pages' rendering and cost twice
// as much.
const cardBatch = 128

// cardsLeft is how many cards a streaming build leaves, in all, to draw
// while it writes the lists, the feed and the sitemap, which keep only
// one core busy. A few thousand fill that time at 10,000 briefs; more
// would only hold more in memory.
var cardsLeft = 4096

// A cardQueue is one worker's cards left for later, with the brief each
// is for (for errors).
type cardQueue struct {
	b *Builder
	// keep is how many cards the queue leaves for the end.
	keep  int
	cards []queuedCard
}

type queuedCard struct {
	path string
	og   *ogSpec
}

// add leaves the cards of a company's briefs for later, and draws the
// oldest cardBatch once more than keep are left.
func (q *cardQueue) add(group []*entry) {
	for _, e := range group {
		if r := e.good; r != nil && r.ogLater {
			r.ogLater = false
			// Copies: a brief's strings may point into its source.
			c := r.og.card
			c.Site, c.Kicker, c.Title = strings.Clone(c.Site), strings.Clone(c.Kicker), strings.Clone(c.Title)
			c.Figure, c.FigureLabel = strings.Clone(c.Figure), strings.Clone(c.FigureLabel)
			q.cards = append(q.cards, queuedCard{strings.Clone(e.path), &ogSpec{card: c, name: r.og.name, id: r.og.id}})
		}
	}
	switch n := len(q.cards); {
	case n < q.keep+cardBatch:
		return
	case n >= q.keep+maxLeftBehind:
		q.b.drawSlots <- struct{}{} // too far behind: wait for a drawer
	default:
		select {
		case q.b.drawSlots <- struct{}{}:
		default:
			return // maxDrawers workers are drawing: this one draws later
		}
	}
	defer func() { <-q.b.drawSlots }()
	for len(q.cards) >= q.keep+cardBatch {
		for _, err := range q.draw(context.Background(), cardBatch) {
			q.b.recs.addErr(err)
		}
	}
}

// maxDrawers is how many workers of a streaming build draw cards at once:
// half of them, rounded up. Each drawer holds ~3 MB (canvas, frame, glyph
// caches) to the end of the build, and the build's memory limit (gctune)
// follows the live heap, so a drawer per worker raised a 100,000-brief
// build's peak by as much; drawing is about a quarter of a cold build's
// work, and the last cards are drawn while the lists keep one core busy,
// so half the workers keep up with it.
func maxDrawers() int { return (runtime.GOMAXPROCS(0) + 1) / 2 }

// maxLeftBehind is how many cards beyond its keep a worker leaves while
// others are drawing before it waits for a drawer.
const maxLeftBehind = 4 * cardBatch

// draw draws and writes the n oldest cards left, and returns the errors
// of those that could not be written. The briefs' records are kept
// already, so such an error is the build's (which then publishes
// nothing).
func (q *cardQueue) draw(ctx context.Context, n int) diag.List {
	var errs diag.List
	for i, c := range q.cards[:n] {
		if ctx.Err() != nil {
			break
		}
		if err := q.b.writeCard(c.og); err != nil {
			errs.Add(&diag.Error{File: c.path, Msg: fmt.Sprintf("writing output: %v", err), Err: err})
		}
		q.cards[i] = queuedCard{}
	}
	q.cards = q.cards[:copy(q.cards, q.cards[n:])]
	return errs
}

// drawCardsLeft starts drawing the cards a streaming build's workers
// left, one goroutine per worker, and returns a function that waits for
// them and returns the errors of cards that could not be written.
func (b *Builder) drawCardsLeft(ctx context.Context) func() diag.List {
	queues := b.cardQueues
	b.cardQueues = nil
	errs := make([]diag.List, len(queues))
	var wg sync.WaitGroup
	for i, q := range queues {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b.drawSlots <- struct{}{}
			defer func() { <-b.drawSlots }()
			errs[i] = q.draw(ctx, len(q.cards))
		}()
	}
	return func() diag.List {
		wg.Wait()
		var all diag.List
		for _, e := range errs {
			all.Extend(e)
		}
		return all
	}
}
