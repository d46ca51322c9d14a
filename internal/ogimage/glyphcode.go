package ogimage

import (
	"bytes"
	"math"
	"slices"
)

// Most of a card's ink is glyphs that stand apart: no other glyph, line or
// frame inside their box. Such a glyph's rows compress the same wherever
// it stands, if its tokens refer only to its own box (a match's distance
// is the same wherever the box is). So each glyph, in each ink, is
// tokenized and coded once per drawer; a card writes its glyphs' rows'
// bits and adds their checksums' parts in one step, and only the rest of
// the ink (glyphs that touch another) is compressed per card, the only
// part of the canvas the encoder reads (see Drawer.finish).

// A boxCode is a box's rows (a glyph's in an ink, or a run of the
// frame's rows): each row's tokens, and their bits in the codes last used.
type boxCode struct {
	rows   []rowInfo
	tokens [][]token
	// words are every row's bits in c, 56 to a word, each row's from a
	// word of its own (rowInfo.off).
	c     *codes
	words []uint64
}

// rowInfo is what the encoder needs of a box's row, small so that a
// card's rows, read across its glyphs, take few cache lines.
type rowInfo struct {
	// lo and hi bound the row's ink: the columns outside are zeros and
	// are coded as paper.
	lo, hi int16
	// same tells that the row's ink is the same as the row above in
	// the box (not the first row).
	same bool
	// off is the row's first word in words, n its bits.
	off, n uint32
	// sum is the sum of the row's bytes; weighted the sum of each byte
	// times its distance from the row's end (the last byte counts once):
	// the parts of the Adler-32 of its bytes (see deflater.tokenize).
	sum, weighted uint32
}

// code codes the rows' tokens in c.
func (b *boxCode) code(c *codes) {
	b.words = b.words[:0]
	var w bitWriter
	for j, t := range b.tokens {
		c.writeTokens(&w, t)
		s := w.bitString()
		b.rows[j].off, b.rows[j].n = uint32(len(b.words)), uint32(s.n)
		b.words = append(b.words, s.words...)
	}
	b.c = c
}

// chainDepth is how many earlier places with the same four bytes a glyph's
// tokenizer tries: done once per glyph, it may look harder than a card's.
const chainDepth = 32

// rows returns g's rows in ink, tokenized as they lie in raw (rows
// rowLen apart), referring to nothing outside the glyph's box.
func (g *glyph) rows(ink int) *boxCode {
	if g.boxes[ink] == nil {
		g.boxes[ink] = boxRows(g.pixels(ink), g.w, g.h)
	}
	return g.boxes[ink]
}

// boxRows tokenizes the rows of a box of w×h bytes as they lie in raw
// (rows rowLen apart), referring to nothing outside the box.
func boxRows(px []uint8, w, h int) *boxCode {
	at := func(j, i int) uint8 { return px[j*w+i] }
	// Place (j, i) is j*rowLen+i from the box's corner in raw. head holds the latest place of each four bytes (its index in px,
	// plus one), prev the place before that for each place.
	head := map[uint32]int32{}
	prev := make([]int32, w*h)
	key := func(j, i int) uint32 {
		r := px[j*w+i : j*w+i+4]
		return uint32(r[0]) | uint32(r[1])<<8 | uint32(r[2])<<16 | uint32(r[3])<<24
	}
	box := &boxCode{rows: make([]rowInfo, h), tokens: make([][]token, h)}
	for j := range h {
		var tokens []token
		var sum, weighted uint32
		lo, hi := 0, w
		for lo < hi && at(j, lo) == 0 {
			lo++
		}
		for hi > lo && at(j, hi-1) == 0 {
			hi--
		}
		for i := lo; i < hi; i++ {
			c := uint32(at(j, i))
			sum += c
			weighted += uint32(hi-i) * c
		}
		// find is the longest match at column i: with the byte before,
		// the byte above, or an earlier place of the same four bytes.
		find := func(i int) (best, dist int) {
			room := min(hi-i, maxMatch)
			// length of the match with the byte at (sj, si), which must
			// be in the box with all it covers.
			length := func(sj, si int) int {
				n := 0
				for n < room && si+n < w && at(j, i+n) == at(sj, si+n) {
					n++
				}
				return n
			}
			if i > 0 {
				best, dist = length(j, i-1), 1
			}
			if j > 0 {
				if l := length(j-1, i); l > best {
					best, dist = l, rowLen
				}
			}
			if i+4 <= w && best < room {
				here := j*rowLen + i
				for n, q := 0, head[key(j, i)]; q > 0 && n < chainDepth; n, q = n+1, prev[q-1] {
					pj, pi := int(q-1)/w, int(q-1)%w
					p := pj*rowLen + pi
					if here-p > window {
						break
					}
					if l := length(pj, pi); l > best {
						best, dist = l, here-p
					}
				}
			}
			return best, dist
		}
		insert := func(i int) {
			if i+4 <= w {
				k := key(j, i)
				prev[j*w+i] = head[k]
				head[k] = int32(j*w + i + 1)
			}
		}
		for i := lo; i < hi; {
			best, dist := find(i)
			insert(i)
			// A longer match one byte on is worth a literal now.
			if best >= minMatch && i+1 < hi {
				if next, _ := find(i + 1); next > best {
					best = 0
				}
			}
			if best < minMatch {
				tokens = append(tokens, token(at(j, i)))
				i++
				continue
			}
			tokens = append(tokens, match(best, dist))
			for k := i + 1; k < i+best; k++ {
				insert(k)
			}
			i += best
		}
		same := j > 0 && bytes.Equal(px[j*w+lo:j*w+hi], px[(j-1)*w+lo:(j-1)*w+hi])
		box.rows[j] = rowInfo{lo: int16(lo), hi: int16(hi), sum: sum, weighted: weighted, same: same}
		box.tokens[j] = tokens
	}
	return box
}

// seen is where a glyph last stood apart: on which card (a drawer's
// serial number of cards) and where.
type seen struct {
	serial uint64
	x, y   int
}

// pixels returns g's coverage as palette indices of ink, w×h.
func (g *glyph) pixels(ink int) []uint8 {
	if g.px[ink] == nil {
		base := index(ink, 1)
		px := make([]uint8, g.w*g.h)
		for i, l := range g.cov {
			if l != 0 {
				px[i] = base + l - 1
			}
		}
		g.px[ink] = px
	}
	return g.px[ink]
}

// A placement is a glyph drawn on the card: its ink, its box's top-left
// corner on the canvas, and whether it stands apart.
type placement struct {
	// What pieces reads for each row comes first.
	x, y int
	w    int // g's, here where the encoder reads it
	// rows are box.rows.
	rows []rowInfo
	// dist is how far before it the same glyph stands apart on the same
	// line, or 0.
	dist int
	// id is box's number among the encoder's boxes.
	id    int32
	apart bool
	// box is g's rows in ink, when it stands apart.
	box *boxCode
	g   *glyph
	ink int
	h   int
}

// minX is far below any left edge a glyph on the canvas or near it has.
const minX = -1 << 20

// A box is placement k's pixels: [x0, x1) × [y0, y1).
type box struct{ x0, y0, x1, y1, k int32 }

// standApart marks the placements whose box lies on paper rows of the
// canvas and meets no other placement's box.
func (d *Drawer) standApart() {
	ps := d.placed
	for k := range ps {
		p := &ps[k]
		p.apart = p.x >= 0 && p.x+p.w <= Width && p.y >= 0 && p.y+p.h <= Height
		for y := max(p.y, 0); p.apart && y < min(p.y+p.h, Height); y++ {
			p.apart = d.paper[y]
		}
	}
	// The boxes by left edge (a key of left edge and index sorts
	// fastest): each is compared with those that begin before it ends.
	keys := d.byX[:0]
	for k, p := range ps {
		// Clamped: a box that far off the canvas meets none on it.
		keys = append(keys, uint64(min(max(p.x-minX, 0), math.MaxUint32))<<32|uint64(k))
	}
	slices.Sort(keys)
	d.byX = keys
	boxes := d.boxes[:0]
	for _, key := range keys {
		k := int32(key)
		p := &ps[k]
		boxes = append(boxes, box{int32(p.x), int32(p.y), int32(p.x + p.w), int32(p.y + p.h), k})
	}
	d.boxes = boxes
	for k, p := range boxes {
		for _, q := range boxes[k+1:] {
			if q.x0 >= p.x1 {
				break
			}
			if p.y0 < q.y1 && q.y0 < p.y1 {
				ps[p.k].apart, ps[q.k].apart = false, false
			}
		}
	}
	// The same glyph earlier on its line is the same bytes: each row of
	// it is a copy.
	d.serial++
	for k := range ps {
		p := &ps[k]
		p.dist = 0
		if !p.apart {
			continue
		}
		p.box = p.g.rows(p.ink)
		p.rows = p.box.rows
		d.enc.z.boxes = append(d.enc.z.boxes, p.box)
		p.id = int32(len(d.enc.z.boxes) - 1)
		if l := &p.g.last[p.ink]; l.serial == d.serial && l.y == p.y && p.x > l.x {
			p.dist = p.x - l.x
		}
		p.g.last[p.ink] = seen{d.serial, p.x, p.y}
	}
}

// pieces lists what the encoder must code, in order: the glyph rows of
// placements that stand apart, spans of raw to compress, and between them
// zeros (paper) only.
func (d *Drawer) pieces() []piece {
	for y := range d.byRow {
		d.byRow[y] = d.byRow[y][:0]
	}
	for k, p := range d.placed {
		for y := max(p.y, 0); y < min(p.y+p.h, Height); y++ {
			d.byRow[y] = append(d.byRow[y], int32(k))
		}
	}
	out := d.out[:0]
	blocks := d.enc.z.blocks
	blk := 0
	for y := range Height {
		row := y * rowLen
		// The codes the row is written in: its rows' bits are in them.
		for blk+1 < len(blocks) && blocks[blk+1].at <= row {
			blk++
		}
		c := blocks[blk].c
		if !d.paper[y] {
			// The frame's own rows (the bar, the rule) are coded once,
			// unless text reached them.
			// Their tokens refer to the rows above in the run: text on
			// any row of the run has the run compressed as it lies.
			run := d.frameRun[y]
			inked := false
			for k := run.lo; k < run.hi; k++ {
				inked = inked || d.inkOn(k).lo < d.inkOn(k).hi
			}
			if box, j := d.frameBox[y], y-run.lo; !inked && box.rows[j].lo < box.rows[j].hi {
				out = appendRow(out, c, box, d.frameID[y], j, row, 0)
			} else if inked {
				out = append(out, piece{lo: row, hi: row + rowLen})
			}
			continue
		}
		first := len(out)
		ordered := true
		for _, k := range d.byRow[y] {
			p := &d.placed[k]
			lo, hi := row+1+max(p.x, 0), row+1+min(p.x+p.w, Width)
			if lo >= hi {
				continue
			}
			if n := len(out); n > first && lo < out[n-1].hi {
				if p.apart || out[n-1].box != 0 || lo < out[n-1].lo {
					ordered = false
					break
				}
				// Glyphs that touch, in order: one span over both.
				out[n-1].hi = max(out[n-1].hi, hi)
				continue
			}
			if p.apart {
				if r := &p.rows[y-p.y]; r.lo < r.hi {
					out = appendRow(out, c, p.box, p.id, y-p.y, row+1+p.x, p.dist)
				}
			} else if n := len(out); n > first && out[n-1].box == 0 && out[n-1].hi == lo {
				out[n-1].hi = hi
			} else {
				out = append(out, piece{lo: lo, hi: hi})
			}
		}
		if !ordered {
			// Lines that share the row out of order: compress the
			// row's ink as it lies.
			in := d.inkOn(y)
			out = append(out[:first], piece{lo: row + in.lo, hi: row + in.hi})
		}
	}
	d.out = out
	return out
}

// inkOn returns the columns of raw the glyphs placed on row y reach.
func (d *Drawer) inkOn(y int) span {
	in := span{rowLen, 0}
	for _, k := range d.byRow[y] {
		p := &d.placed[k]
		in.lo = min(in.lo, 1+max(p.x, 0))
		in.hi = max(in.hi, 1+min(p.x+p.w, Width))
	}
	return in
}

// appendRow appends row j of box (the encoder's boxes[id]), whose left
// edge is at, coded in c.
func appendRow(out []piece, c *codes, box *boxCode, id int32, j, at, dist int) []piece {
	if box.c != c {
		box.code(c)
	}
	r := &box.rows[j]
	n := len(out)
	if n == cap(out) {
		out = slices.Grow(out, 1)
	}
	// Field by field: a piece built whole is built aside and copied.
	out = out[:n+1]
	q := &out[n]
	q.lo, q.hi, q.box, q.j, q.dist = at+int(r.lo), at+int(r.hi), id, int32(j), int32(dist)
	q.same, q.off, q.n, q.sum, q.weighted = r.same, r.off, r.n, r.sum, r.weighted
	return out
}
