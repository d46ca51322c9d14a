package ogimage

import "bytes"

// Most of a card's ink is glyphs that stand apart: no other glyph, line or
// frame inside their box. Such a glyph's rows compress the same wherever
// it stands, if its tokens refer only to its own box (a match's distance
// is the same wherever the box is). So each glyph, in each ink, is
// tokenized once per drawer; a card copies its glyphs' tokens and adds
// their checksums' parts in one step, and only the rest of the ink (glyphs
// that touch another) is compressed per card.

// glyphRow is one row of a glyph in an ink: its tokens, and the parts of
// the Adler-32 of its bytes (see deflater.tokenize).
type glyphRow struct {
	// lo and hi bound the row's ink: the columns outside are zeros and
	// are coded as paper.
	lo, hi int
	tokens []token
	// sum is the sum of the row's bytes; weighted the sum of each byte
	// times its distance from the row's end (the last byte counts once).
	sum, weighted uint64
	// same tells that the row's ink is the same as the row above in
	// the box (not the first row).
	same bool
	// coded is the tokens as bits in the codes c.
	coded bitString
	c     *codes
}

// bits returns the row's tokens coded in c.
func (r *glyphRow) bits(c *codes) bitString {
	if r.c != c {
		var w bitWriter
		c.write(&w, r.tokens, nil, false)
		r.coded, r.c = w.bitString(), c
	}
	return r.coded
}

// chainDepth is how many earlier places with the same four bytes a glyph's
// tokenizer tries: done once per glyph, it may look harder than a card's.
const chainDepth = 32

// rows returns g's rows in ink, tokenized as they lie in raw (rows
// rowLen apart), referring to nothing outside the glyph's box.
func (g *glyph) rows(ink int) []glyphRow {
	if g.tokens[ink] != nil {
		return g.tokens[ink]
	}
	g.tokens[ink] = boxRows(g.pixels(ink), g.w, g.h)
	return g.tokens[ink]
}

// boxRows tokenizes the rows of a box of w×h bytes as they lie in raw
// (rows rowLen apart), referring to nothing outside the box.
func boxRows(px []uint8, w, h int) []glyphRow {
	at := func(j, i int) uint8 { return px[j*w+i] }
	// Place (j, i) is j*rowLen+i from the box's corner in raw. head holds the latest place of each four bytes (its index in px,
	// plus one), prev the place before that for each place.
	head := map[uint32]int32{}
	prev := make([]int32, w*h)
	key := func(j, i int) uint32 {
		r := px[j*w+i : j*w+i+4]
		return uint32(r[0]) | uint32(r[1])<<8 | uint32(r[2])<<16 | uint32(r[3])<<24
	}
	rows := make([]glyphRow, h)
	for j := range h {
		var tokens []token
		var sum, weighted uint64
		lo, hi := 0, w
		for lo < hi && at(j, lo) == 0 {
			lo++
		}
		for hi > lo && at(j, hi-1) == 0 {
			hi--
		}
		for i := lo; i < hi; i++ {
			c := uint64(at(j, i))
			sum += c
			weighted += uint64(hi-i) * c
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
		rows[j] = glyphRow{lo: lo, hi: hi, tokens: tokens, sum: sum, weighted: weighted, same: same}
	}
	return rows
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
	g     *glyph
	ink   int
	x, y  int
	apart bool
	// dist is how far before it the same glyph stands apart on the same
	// line, or 0.
	dist int
}

// A box is a placement's pixels: [x0, x1) × [y0, y1).
type box struct{ x0, y0, x1, y1 int32 }

// standApart marks the placements whose box lies on paper rows of the
// canvas and meets no other placement's box.
func (d *Drawer) standApart() {
	ps := d.placed
	for k := range ps {
		p := &ps[k]
		p.apart = p.x >= 0 && p.x+p.g.w <= Width && p.y >= 0 && p.y+p.g.h <= Height
		for y := max(p.y, 0); p.apart && y < min(p.y+p.g.h, Height); y++ {
			p.apart = d.paper[y]
		}
	}
	// The boxes side by side in memory: every pair is compared.
	boxes := d.boxes[:0]
	for _, p := range ps {
		boxes = append(boxes, box{int32(p.x), int32(p.y), int32(p.x + p.g.w), int32(p.y + p.g.h)})
	}
	d.boxes = boxes
	for k, p := range boxes {
		for m := k + 1; m < len(boxes); m++ {
			if q := boxes[m]; p.x0 < q.x1 && q.x0 < p.x1 && p.y0 < q.y1 && q.y0 < p.y1 {
				ps[k].apart, ps[m].apart = false, false
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
		for y := max(p.y, 0); y < min(p.y+p.g.h, Height); y++ {
			d.byRow[y] = append(d.byRow[y], int32(k))
		}
	}
	out := d.out[:0]
	for y := range Height {
		row := y * rowLen
		if !d.paper[y] {
			// The frame's own rows (the bar, the rule) are coded once,
			// unless text reached them.
			// Their tokens refer to the rows above in the run: text on
			// any row of the run has the run compressed as it lies.
			inked := false
			for k := d.frameRun[y].lo; k < d.frameRun[y].hi; k++ {
				inked = inked || d.ink[k].lo < d.ink[k].hi
			}
			if r := &d.frameRows[y]; !inked && r.lo < r.hi {
				out = append(out, piece{lo: row + r.lo, hi: row + r.hi, row: r})
			} else if inked {
				out = append(out, piece{lo: row, hi: row + rowLen})
			}
			continue
		}
		first := len(out)
		ordered := true
		for _, k := range d.byRow[y] {
			p := &d.placed[k]
			lo, hi := row+1+max(p.x, 0), row+1+min(p.x+p.g.w, Width)
			if lo >= hi {
				continue
			}
			if n := len(out); n > first && lo < out[n-1].hi {
				if p.apart || out[n-1].row != nil || lo < out[n-1].lo {
					ordered = false
					break
				}
				// Glyphs that touch, in order: one span over both.
				out[n-1].hi = max(out[n-1].hi, hi)
				continue
			}
			if p.apart {
				r := &p.g.rows(p.ink)[y-p.y]
				if r.lo < r.hi {
					out = append(out, piece{lo: row + 1 + p.x + r.lo, hi: row + 1 + p.x + r.hi, row: r, dist: p.dist})
				}
			} else if n := len(out); n > first && out[n-1].row == nil && out[n-1].hi == lo {
				out[n-1].hi = hi
			} else {
				out = append(out, piece{lo: lo, hi: hi})
			}
		}
		if !ordered {
			// Lines that share the row out of order: compress the
			// row's ink as it lies.
			out = append(out[:first], piece{lo: row + d.ink[y].lo, hi: row + d.ink[y].hi})
		}
	}
	d.out = out
	return out
}
