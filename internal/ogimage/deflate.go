package ogimage

import (
	"encoding/binary"
	"math"
	"math/bits"
	"slices"
)

// A deflater compresses a card's scanlines into a zlib stream (RFC 1950,
// 1951) made for what a card is: long runs of one colour (paper, the bar,
// the solid inside of strokes), rows that repeat the row above (the parts
// of a glyph between its curves), and glyphs that recur along a line. It
// looks for a match at only three places, the previous byte, the byte a
// row above and the last place the next four bytes were seen, skips runs
// eight bytes at a time, and sums the Adler-32 of a run in one step: a
// card costs about as much as the ink on it, not as its 757 KB of pixels.
// A block per part of the card, each with Huffman codes made for that
// part (its inks), keeps the file small; a stretch the same as the row
// above, glyph rows and all, is one match when that costs fewer bits.
// Bits are written as they are decided, no token kept: a glyph's row is
// its bits, coded once per drawer.
type deflater struct {
	// blocks are where the stream's blocks begin, in order, the first
	// at 0, and the codes each is written with (nil: codes made for its
	// symbols, counted in a first pass); none means one such block.
	blocks []block
	cur    int // the block being written
	// boxes are what the pieces' box ids stand for (boxes[0] is none).
	boxes []*boxCode
	// first is the first block as last written, kept when it is not
	// the last and its pieces are glyph rows only (see firstPieces).
	first firstBlock
	kept  int // how many times the first block was kept
	// head is the last position of each hash, plus base: a position
	// from an earlier stream is below base, and the table is cleared
	// only when base would overflow.
	head [1 << hashBits]int32
	base int32
	bw   bitWriter
}

const (
	hashBits  = 14
	numLitLen = 286
	numDist   = 30
	minMatch  = 4
	maxMatch  = 258
	window    = 1 << 15
	endBlock  = 256
	adlerMod  = 65521
)

// A token is a literal byte (below 256) or a match: matchFlag | (length-3)<<16 | (distance-1).
type token uint32

const matchFlag = 1 << 31

// zerosFlag | n stands for n zeros (n < 1<<20), coded as a literal 0 when
// zerosLit is set (the byte before is not a 0), then as runs of the byte
// before (see zeroTokens).
const (
	zerosFlag = 1 << 29
	zerosLit  = 1 << 28
)

func zeros(n int, lit bool) token {
	t := zerosFlag | token(n)
	if lit {
		t |= zerosLit
	}
	return t
}

// zeroTokens calls f with the tokens a zeros token stands for.
func zeroTokens(t token, f func(token)) {
	n := int(t & (1<<20 - 1))
	if t&zerosLit != 0 {
		f(0)
		n--
	}
	if n < minMatch {
		for ; n > 0; n-- {
			f(0)
		}
		return
	}
	for n > 0 {
		l := min(n, maxMatch)
		if n-l > 0 && n-l < minMatch {
			l = n - minMatch
		}
		f(match(l, 1))
		n -= l
	}
}

func (t token) isMatch() bool { return t&matchFlag != 0 }
func (t token) length() int   { return int(t>>16&0xff) + 3 }
func (t token) distance() int { return int(t&0xffff) + 1 }

func match(length, dist int) token { return matchFlag | token(length-3)<<16 | token(dist-1) }

// A block is the part of the stream from byte at of the data on, up to
// the next block, coded in c; its symbols are added to counts unless nil.
type block struct {
	at     int
	c      *codes
	counts *symbolCounts
}

// symbolCounts are how often each symbol is written.
type symbolCounts struct {
	litLen [numLitLen]uint32
	dist   [numDist]uint32
}

// A firstBlock is the state of a stream at the end of its first block:
// the same pieces, in the same codes, give the same bits and sums (a
// card's head, the same on every card of a site, is written once).
type firstBlock struct {
	pieces       []piece
	boxes        []*boxCode // those the pieces' ids stand for
	c            *codes
	out          []byte // the bits after the zlib header, whole bytes
	acc          uint64
	nacc         uint
	a, b         uint64
	at, tried    int
	zero         bool
	dataLen, off int
}

// firstPieces returns how many of scan lie in the first block, and
// whether the block can be kept: not the last block, in codes made
// beforehand, its pieces all glyph rows (whose bytes they tell).
func (z *deflater) firstPieces(scan []piece) (int, bool) {
	if len(z.blocks) < 2 || z.blocks[0].c == nil || z.blocks[0].counts != nil {
		return 0, false
	}
	m := 0
	for m < len(scan) && scan[m].lo < z.blocks[1].at {
		if scan[m].box == 0 {
			return 0, false
		}
		m++
	}
	return m, true
}

// zlib appends data compressed as a zlib stream to dst. stride is the
// length of a row: where the row above a byte is. Only the pieces of data
// listed (in order, apart) may hold other bytes than 0: the rest is known
// to be zeros and is not read.
func (z *deflater) zlib(dst, data []byte, stride int, pieces []piece) []byte {
	if len(z.blocks) == 0 {
		z.blocks = append(z.blocks, block{})
	}
	if slices.ContainsFunc(z.blocks, func(b block) bool { return b.c == nil }) {
		defer copy(z.blocks, z.makeCodes(data, stride, pieces))
	}
	z.bw.reset(append(dst, 0x78, 0x01))
	z.cur = -1
	adler := z.tokenize(data, stride, pieces)
	return binary.BigEndian.AppendUint32(z.bw.flush(), adler)
}

// makeCodes gives each block without codes codes made for its symbols,
// counted in a first pass written in codes for any byte, and returns the
// blocks as they were.
func (z *deflater) makeCodes(data []byte, stride int, pieces []piece) []block {
	any := fixedCodes(&[numLitLen]uint32{}, &[numDist]uint32{}, 256)
	blocks := slices.Clone(z.blocks)
	counts := make([]symbolCounts, len(blocks))
	for i := range z.blocks {
		if z.blocks[i].c == nil {
			z.blocks[i].c, z.blocks[i].counts = any, &counts[i]
		}
	}
	z.bw.reset(nil)
	z.cur = -1
	z.tokenize(data, stride, pieces)
	for i, b := range blocks {
		if b.c == nil {
			z.blocks[i] = block{at: b.at, c: fixedCodes(&counts[i].litLen, &counts[i].dist, 256), counts: b.counts}
		}
	}
	return blocks
}

// A span is the bytes [lo, hi) of data.
type span struct{ lo, hi int }

// A piece is the bytes [lo, hi) of data, to compress, or, when box is not
// 0, row j of the deflater's boxes[box]: coded as its tokens, or when
// dist > 0 as a copy of the same bytes dist before. The row's fields are
// copied here, where the encoder reads them in order; a piece holds no
// pointer, so that the collector need not scan a card's thousands.
type piece struct {
	lo, hi int
	box    int32
	j      int32
	dist   int32
	same   bool
	// off and n are the row's bits in its box's words; sum and weighted
	// its bytes' parts of the Adler-32 (see rowInfo).
	off, n        uint32
	sum, weighted uint32
}

// endBlock writes the end of the current block, coded in c.
func (z *deflater) endBlock(c *codes) {
	z.bw.putc(uint64(c.end), uint(c.endN))
}

// beginBlock writes the start of the current block, coded in c.
func (z *deflater) beginBlock(c *codes) {
	final := uint64(0)
	if z.cur == len(z.blocks)-1 {
		final = 1
	}
	z.bw.putc(final|2<<1, 3) // dynamic codes
	z.bw.writeString(c.header)
}

// tokenize writes data in z's blocks and returns its Adler-32.
func (z *deflater) tokenize(data []byte, stride int, scan []piece) uint32 {
	// Locals, not fields, so that the loop keeps them in registers.
	var c *codes          // the codes of the current block
	var cnt *symbolCounts // where its symbols are counted, if anywhere
	w := &z.bw
	tried := 0 // where the last stretch the same as the row above ended
	head := &z.head
	if int64(z.base)+2*int64(len(data))+2 > math.MaxInt32 || z.base == 0 {
		clear(head[:])
		z.base = 0
	}
	z.base += int32(len(data)) + 1
	base := int(z.base)
	// Adler-32's sums, reduced at the end: data is far too short for them
	// to overflow 64 bits (255·n²/2 for n bytes).
	var a, b uint64 = 1, 0
	at := 0
	k0 := 0
	m, keep := z.firstPieces(scan)
	f := &z.first
	start := w.n
	restored := false
	// zero tells that the byte before at is a 0 (when at > 0): read from
	// the pieces, not data, which holds only some of the glyphs.
	zero := false
	endK := 0                // the first piece past the block
	up := 0                  // see cover
	nextAt := z.blocks[0].at // where the next block begins
	if keep && f.c == z.blocks[0].c && f.dataLen == len(data) && f.off == start && slices.Equal(f.pieces, scan[:m]) && slices.Equal(f.boxes, z.boxes[:min(len(f.boxes), len(z.boxes))]) {
		w.room(len(f.out))
		w.n += copy(w.buf[w.n:], f.out)
		w.acc, w.nacc = f.acc, f.nacc
		a, b, at, tried, zero = f.a, f.b, f.at, f.tried, f.zero
		z.cur, k0, restored = 0, m, true
		c, nextAt = z.blocks[0].c, z.blocks[1].at
		z.kept++
	}
	// force: the piece at k is written as it is (a stretch from it did
	// not pay).
	force := false
	k := k0
	for {
		lo := len(data)
		if k < len(scan) {
			lo = scan[k].lo
		}
		// A block begins before the paper that leads to its first piece.
		for lo >= nextAt {
			if z.cur >= 0 && !restored {
				z.endBlock(c)
				if z.cur == 0 && keep {
					f.pieces = append(f.pieces[:0], scan[:m]...)
					f.boxes = f.boxes[:0]
					for _, p := range f.pieces {
						for int(p.box) >= len(f.boxes) {
							f.boxes = append(f.boxes, z.boxes[len(f.boxes)])
						}
					}
					f.c, f.dataLen, f.off = z.blocks[0].c, len(data), start
					f.out = append(f.out[:0], w.buf[start:w.n]...)
					f.acc, f.nacc = w.acc, w.nacc
					f.a, f.b, f.at, f.tried, f.zero = a, b, at, tried, zero
				}
			}
			restored = false
			z.cur++
			c, cnt = z.blocks[z.cur].c, z.blocks[z.cur].counts
			z.beginBlock(c)
			nextAt = math.MaxInt
			if z.cur+1 < len(z.blocks) {
				nextAt = z.blocks[z.cur+1].at
			}
		}
		if k == len(scan) {
			break
		}
		if p := &scan[k]; !force && at >= stride && at >= tried && (p.box == 0 || p.same) {
			// A stretch the same as the row above, glyph rows and all,
			// is one match when that is cheaper. When it is not, no
			// later part of the same stretch is either.
			// Not past the block: its bits depend on its pieces only.
			for endK = max(endK, k); endK < len(scan) && scan[endK].lo < nextAt; endK++ {
			}
			end, next, same := cover(c, data, stride, scan, endK, k, at, at == 0 || !zero, &up)
			tried = same
			if end > at {
				c.putRun(w, cnt, end-at, stride)
				for p := at; p < end; {
					var q int
					switch {
					case k < next && p == scan[k].lo:
						q = scan[k].hi
						if scan[k].box != 0 {
							b += uint64(q-p)*a + uint64(scan[k].weighted)
							a += uint64(scan[k].sum)
						} else {
							for _, c := range data[p:q] {
								a += uint64(c)
								b += a
							}
						}
						k++
					case k < next:
						q = scan[k].lo
						b += uint64(q-p) * a
					default:
						q = end
						b += uint64(q-p) * a
					}
					p = q
				}
				// The byte before end is the last piece's, or paper.
				last := &scan[next-1]
				zero = end > last.hi || !last.endsInk(data)
				at = end
				continue
			}
			force = true
		}
		if scan[k].box != 0 {
			// Glyph rows in this block, up to where a stretch the same
			// as the row above may begin: each the zeros before it and
			// its bits, or a copy. Most of a card is written here.
			for ; k < len(scan); k++ {
				p := &scan[k]
				if p.box == 0 || p.lo >= nextAt || (!force && p.same && at >= stride && at >= tried) {
					break
				}
				force = false
				if n := p.lo - at; n > 0 {
					b += uint64(n) * a
					if n < len(c.zeroTail) && cnt == nil {
						// Most gaps: one or two strings from a table.
						t := &c.zeroTail[n]
						if at == 0 || !zero {
							t = &c.zeroGap[n]
						}
						w.room(16)
						w.put(t[0].v, t[0].n)
						if t[1].n > 0 {
							w.put(t[1].v, t[1].n)
						}
					} else {
						c.putZeros(w, cnt, n, at == 0 || !zero)
					}
				}
				if n, dist := p.hi-p.lo, int(p.dist); dist > 0 && n >= minMatch {
					if n <= maxMatch && cnt == nil {
						m := c.bits(match(n, dist))
						w.room(8)
						w.put(m.v, m.n)
					} else {
						c.putRun(w, cnt, n, dist)
					}
				} else {
					n := uint(p.n)
					words := z.boxes[p.box].words[p.off : p.off+uint32(n+55)/56]
					w.room(len(words) * 7)
					for _, v := range words {
						w.put(v, min(n, 56))
						n -= min(n, 56)
					}
					if cnt != nil {
						cnt.add(z.boxes[p.box].tokens[p.j])
					}
				}
				b += uint64(p.hi-p.lo)*a + uint64(p.weighted)
				a += uint64(p.sum)
				at, zero = p.hi, false
			}
			continue
		}
		// A span, compressed as it lies.
		force = false
		hi := scan[k].hi
		if n := lo - at; n > 0 {
			b += uint64(n) * a
			c.putZeros(w, cnt, n, at == 0 || !zero)
		}
		for i := lo; i < hi; {
			room := min(hi-i, maxMatch)
			best, dist := 0, 0
			if room >= minMatch {
				// A run of the previous byte.
				if i > 0 {
					if l := matchLen(data[i:], data[i-1:], room); l >= minMatch {
						ch := uint64(data[i-1])
						ln := uint64(l)
						b += ln*a + ch*ln*(ln+1)/2
						a += ch * ln
						z.put(c, cnt, match(l, 1))
						i += l
						continue
					}
				}
				if i >= stride {
					best, dist = matchLen(data[i:], data[i-stride:], room), stride
				}
				h := hash4(binary.LittleEndian.Uint32(data[i:]))
				if cand := int(head[h]) - base; cand >= 0 && i-cand <= window && i-cand != stride {
					// Not past cand's row: the rows after a span's
					// may hold glyphs not drawn (see Drawer.finish).
					if l := matchLen(data[i:], data[cand:], min(room, (cand/stride+1)*stride-cand)); l > best {
						best, dist = l, i-cand
					}
				}
				head[h] = int32(i + base)
			}
			if best < minMatch {
				ch := data[i]
				z.put(c, cnt, token(ch))
				a += uint64(ch)
				b += a
				i++
				continue
			}
			z.put(c, cnt, match(best, dist))
			for _, c := range data[i : i+best] {
				a += uint64(c)
				b += a
			}
			i += best
		}
		at, zero = hi, data[hi-1] == 0
		k++
	}
	// The paper after the last piece.
	if n := len(data) - at; n > 0 {
		b += uint64(n) * a
		c.putZeros(w, cnt, n, at == 0 || !zero)
	}
	z.endBlock(c)
	a %= adlerMod
	b %= adlerMod
	return uint32(b<<16 | a)
}

// put writes a literal or a match in c, counting it in cnt.
func (z *deflater) put(c *codes, cnt *symbolCounts, t token) {
	v := c.bits(t)
	z.bw.putc(v.v, v.n)
	if cnt != nil {
		cnt.addOne(t)
	}
}

// cover returns where a match one row up from at, over the zeros before
// scan[k] and the pieces after (up to scan[last], the block's end), should
// end to cost fewer bits in c than coding them one by one, and the first
// piece it leaves; end is at when no such match pays, and tried is how far
// the row above was the same. up is the first piece that ends after
// at-stride, as far as the caller's last call went (at only grows).
func cover(c *codes, data []byte, stride int, scan []piece, last, k, at int, lit bool, up *int) (end, next, tried int) {
	// Zeros are the same as the row above as far as no piece lies above
	// them: outside the pieces, data is zeros. (A piece's bounds are its
	// ink's, so this is exact but for zeros inside a piece's bounds.)
	q := *up
	zerosAbove := func(pos, n int) int {
		u := pos - stride
		for q < len(scan) && scan[q].hi <= u {
			q++
		}
		if q < len(scan) && scan[q].lo < u+n {
			return max(0, scan[q].lo-u)
		}
		return n
	}
	zerosAbove(at, 0)
	*up = q
	// The pieces the same as the row above, with the zeros before each:
	// a glyph row knows whether it repeats the one above it.
	own := 0 // the bits of coding [at, pos) piece by piece
	pos := at
	j := k
	for ; j < last; j++ {
		p := &scan[j]
		if n := p.lo - pos; !p.sameAbove(data, stride) || zerosAbove(pos, n) < n {
			break
		}
		own += c.zerosCost(p.lo-pos, lit) + c.pieceCost(p)
		pos, lit = p.hi, p.endsInk(data)
	}
	if j == k {
		// Not one piece: splitting the zeros does not pay.
		return at, k, at
	}
	// Then the zeros after, as far as the row above is the same.
	stop := pos
	if j < last {
		n := scan[j].lo - pos
		if m := zerosAbove(pos, n); m > 0 {
			stop += m
			own += c.zerosCost(n, lit) - c.zerosCost(n-m, false)
		}
	}
	if stop-at < minMatch || c.runCost(stop-at, stride) >= own {
		return at, k, stop
	}
	return stop, j, stop
}

// endsInk tells whether p's last byte is not a 0: a glyph's row is cut to
// its ink; a span lies in data.
func (p *piece) endsInk(data []byte) bool {
	return p.box != 0 || data[p.hi-1] != 0
}

// sameAbove tells whether p's bytes are those a row above.
func (p *piece) sameAbove(data []byte, stride int) bool {
	if p.box != 0 {
		return p.same
	}
	n := p.hi - p.lo
	return matchLen(data[p.lo:], data[p.lo-stride:], n) == n
}

// zerosCost is the bits of n zeros coded as tokenize codes them; lit
// tells that the byte before is not a zero.
func (c *codes) zerosCost(n int, lit bool) int {
	if n < len(c.zeroTailN) {
		if lit && n > 0 {
			return int(c.zeroGapN[n])
		}
		return int(c.zeroTailN[n])
	}
	bits := 0
	if n > 0 && lit {
		bits += int(c.litN[0])
		n--
	}
	if n >= minMatch {
		return bits + c.runCost(n, 1)
	}
	return bits + n*int(c.litN[0])
}

// runCost is the bits of n ≥ minMatch bytes coded as matches dist back,
// as putRun splits them: matches of maxMatch, the last two shortened
// when what would be left is shorter than minMatch.
func (c *codes) runCost(n, dist int) int {
	dc := distCode(dist)
	per := int(c.distLens[dc]) + int(distExtra[dc])
	full, rem := n/maxMatch, n%maxMatch
	switch {
	case rem == 0:
		return full * (int(c.litN[256+maxMatch]) + per)
	case rem >= minMatch || full == 0:
		return full*(int(c.litN[256+maxMatch])+per) + int(c.litN[256+rem]) + per
	}
	return (full-1)*(int(c.litN[256+maxMatch])+per) + int(c.litN[256+maxMatch+rem-minMatch]) + int(c.litN[256+minMatch]) + 2*per
}

// pieceCost is the bits of a piece as tokenize codes it; a span to
// compress counts as too many to keep (a match covering it is cheaper).
func (c *codes) pieceCost(p *piece) int {
	if p.box == 0 {
		return 1 << 30
	}
	if n := p.hi - p.lo; p.dist > 0 && n >= minMatch {
		return c.runCost(n, int(p.dist))
	}
	return int(p.n)
}

func hash4(u uint32) uint32 { return (u * 0x1e35a7bd) >> (32 - hashBits) }

// matchLen is how many leading bytes of a and b agree, at most max. b may
// overlap a (b starts before a).
func matchLen(a, b []byte, max int) int {
	if len(a) < max {
		max = len(a)
	}
	n := 0
	for n+8 <= max {
		x := binary.LittleEndian.Uint64(a[n:]) ^ binary.LittleEndian.Uint64(b[n:])
		if x != 0 {
			return n + bits.TrailingZeros64(x)/8
		}
		n += 8
	}
	for n < max && a[n] == b[n] {
		n++
	}
	return n
}

// Lengths and distances: each code's base value and its extra bits.
var (
	lengthBase  = [29]uint16{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}
	lengthExtra = [29]uint8{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
	distBase    = [30]uint16{1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577}
	distExtra   = [30]uint8{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13}
	// lengthCode maps length-3 to its code (0-28).
	lengthCode = func() (t [256]uint8) {
		for c := range lengthBase {
			for l := int(lengthBase[c]); l < 259 && (c == 28 || l < int(lengthBase[c+1])); l++ {
				t[l-3] = uint8(c)
			}
		}
		return t
	}()
)

func distCode(d int) int {
	d--
	if d < 4 {
		return d
	}
	// Two codes per power of two from 4 on.
	e := bits.Len(uint(d)) - 1
	return 2*e + (d>>(e-1))&1
}

// codes are a block's Huffman codes, ready to write: each literal's and
// each length's code with its extra bits as one value (code | extra<<n)
// and its bit count, the distances' codes, and the block's header (after
// the block's first three bits).
type codes struct {
	litBits   [256 + maxMatch + 1]uint32
	litN      [256 + maxMatch + 1]uint8
	distCodes [numDist]uint16
	distLens  [numDist]uint8
	end       uint32
	endN      uint8
	header    bitString
	// zeroRun is runCount matches of maxMatch bytes one back, as bits;
	// zeroTail[n] the tokens of n zeros after the literal (n < minMatch +
	// maxMatch), as one or two strings of bits.
	zeroRun  bitsN
	runCount int
	zeroTail [minMatch + maxMatch][2]bitsN
	// zeroGap[n] is the same for n zeros the first of which is the
	// literal (a gap after ink).
	zeroGap [minMatch + maxMatch][2]bitsN
	// zeroTailN and zeroGapN are their lengths in bits (zerosCost).
	zeroTailN, zeroGapN [minMatch + maxMatch]uint16
}

// bitsN are n bits to write, lowest first.
type bitsN struct {
	v uint64
	n uint
}

// A bitString is bits to write, 56 to a word (what put takes), lowest
// first.
type bitString struct {
	words []uint64
	n     uint
}

// fixedCodes returns codes fit for the symbol counts given, with a code
// for every length, distance and byte below bytes, so that they can code
// any tokens of data whose bytes are all below bytes: a drawer's cards
// share one block header and one set of codes, made from sample cards,
// so that a glyph's rows are coded once as bits.
func fixedCodes(litLen *[numLitLen]uint32, dist *[numDist]uint32, bytes int) *codes {
	var l [numLitLen]uint32
	var d [numDist]uint32
	for i := range l {
		l[i] = litLen[i]
		if i < bytes || i >= endBlock {
			l[i]++
		}
	}
	for i := range d {
		d[i] = dist[i] + 1
	}
	return makeCodes(&l, &d)
}

// makeCodes returns the Huffman codes for the symbol counts.
func makeCodes(litLen *[numLitLen]uint32, dist *[numDist]uint32) *codes {
	var litLens [numLitLen]uint8
	var c codes
	huffmanLengths(litLen[:], 15, litLens[:])
	huffmanLengths(dist[:], 15, c.distLens[:])
	var litCodes [numLitLen]uint16
	canonical(litLens[:], litCodes[:])
	canonical(c.distLens[:], c.distCodes[:])
	for i := range 256 {
		c.litBits[i], c.litN[i] = uint32(litCodes[i]), litLens[i]
	}
	for l := 3; l <= maxMatch; l++ {
		lc := int(lengthCode[l-3])
		n := litLens[257+lc]
		c.litBits[256+l], c.litN[256+l] = uint32(litCodes[257+lc])|uint32(l-int(lengthBase[lc]))<<n, n+lengthExtra[lc]
	}
	c.end, c.endN = uint32(litCodes[endBlock]), litLens[endBlock]
	run := c.bits(match(maxMatch, 1))
	c.runCount = max(1, 56/int(run.n))
	for range c.runCount {
		c.zeroRun = bitsN{c.zeroRun.v | run.v<<c.zeroRun.n, c.zeroRun.n + run.n}
	}
	for n := range c.zeroTail {
		c.zeroTail[n] = c.zeroBits(zeros(n, false))
		c.zeroTailN[n] = uint16(c.zeroTail[n][0].n + c.zeroTail[n][1].n)
		if n > 0 {
			c.zeroGap[n] = c.zeroBits(zeros(n, true))
			c.zeroGapN[n] = uint16(c.zeroGap[n][0].n + c.zeroGap[n][1].n)
		}
	}
	var w bitWriter
	header(&w, litLens[:], c.distLens[:])
	c.header = w.bitString()
	return &c
}

// zeroBits returns the bits of a zeros token of fewer than minMatch +
// maxMatch zeros, as one or two strings of at most 56 bits.
func (c *codes) zeroBits(t token) [2]bitsN {
	var out [2]bitsN
	i := 0
	zeroTokens(t, func(t token) {
		b := c.bits(t)
		if tl := &out[i]; tl.n+b.n > 56 {
			i++
			out[i] = b
		} else {
			*tl = bitsN{tl.v | b.v<<tl.n, tl.n + b.n}
		}
	})
	return out
}

// writeTokens writes tokens (literals and matches) in c.
func (c *codes) writeTokens(w *bitWriter, tokens []token) {
	for _, t := range tokens {
		b := c.bits(t)
		w.putc(b.v, b.n)
	}
}

// bits returns a literal's or a match's bits.
func (c *codes) bits(t token) bitsN {
	if !t.isMatch() {
		return bitsN{uint64(c.litBits[t]), uint(c.litN[t])}
	}
	l := t.length()
	v, n := uint64(c.litBits[256+l]), uint(c.litN[256+l])
	d := t.distance()
	dc := distCode(d)
	v |= (uint64(c.distCodes[dc]) | uint64(d-int(distBase[dc]))<<c.distLens[dc]) << n
	return bitsN{v, n + uint(c.distLens[dc]) + uint(distExtra[dc])}
}

// putZeros writes n zeros, a literal 0 first when lit is set (the byte
// before is not a 0), then as runs of the byte before: its runs of
// maxMatch several at a time, its tail from a table.
func (c *codes) putZeros(w *bitWriter, cnt *symbolCounts, n int, lit bool) {
	if cnt != nil {
		zeroTokens(zeros(n, lit), cnt.addOne)
	}
	if lit {
		w.putc(uint64(c.litBits[0]), uint(c.litN[0]))
		n--
	}
	if n >= minMatch {
		for chunk := c.runCount * maxMatch; n >= chunk+minMatch; n -= chunk {
			w.putc(c.zeroRun.v, c.zeroRun.n)
		}
		for ; n >= maxMatch+minMatch; n -= maxMatch {
			w.putc(c.zeroTail[maxMatch][0].v, c.zeroTail[maxMatch][0].n)
		}
	}
	tail := &c.zeroTail[n]
	w.room(16)
	w.put(tail[0].v, tail[0].n)
	if tail[1].n > 0 {
		w.put(tail[1].v, tail[1].n)
	}
}

// putRun writes n ≥ minMatch bytes as matches dist back, none longer
// than maxMatch and none shorter than minMatch.
func (c *codes) putRun(w *bitWriter, cnt *symbolCounts, n, dist int) {
	for n > 0 {
		l := min(n, maxMatch)
		if n-l > 0 && n-l < minMatch {
			l = n - minMatch
		}
		t := match(l, dist)
		b := c.bits(t)
		w.putc(b.v, b.n)
		if cnt != nil {
			cnt.addOne(t)
		}
		n -= l
	}
}

// add counts the symbols of tokens (literals and matches).
func (s *symbolCounts) add(tokens []token) {
	for _, t := range tokens {
		s.addOne(t)
	}
}

// addOne counts a literal's or a match's symbols.
func (s *symbolCounts) addOne(t token) {
	if t.isMatch() {
		s.litLen[257+int(lengthCode[t.length()-3])]++
		s.dist[distCode(t.distance())]++
	} else {
		s.litLen[t]++
	}
}

// codeOrder is the order code length codes' lengths are sent in.
var codeOrder = [19]uint8{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}

// header writes a block's code lengths, themselves coded (RFC 1951 3.2.7).
func header(w *bitWriter, litLens, distLens []uint8) {
	nLit := numLitLen
	for nLit > 257 && litLens[nLit-1] == 0 {
		nLit--
	}
	nDist := numDist
	for nDist > 1 && distLens[nDist-1] == 0 {
		nDist--
	}
	lens := slices.Concat(litLens[:nLit], distLens[:nDist])
	// Run-length code the lengths: 16 repeats the last 3-6 times, 17 and
	// 18 are 3-10 and 11-138 zeros. Each op is symbol | extra<<8.
	var ops []uint16
	for i := 0; i < len(lens); {
		l := lens[i]
		run := 1
		for i+run < len(lens) && lens[i+run] == l {
			run++
		}
		i += run
		if l == 0 {
			for run >= 11 {
				r := min(run, 138)
				ops = append(ops, 18|uint16(r-11)<<8)
				run -= r
			}
			if run >= 3 {
				ops = append(ops, 17|uint16(run-3)<<8)
				run = 0
			}
		} else {
			ops = append(ops, uint16(l))
			run--
			for run >= 3 {
				r := min(run, 6)
				ops = append(ops, 16|uint16(r-3)<<8)
				run -= r
			}
		}
		for ; run > 0; run-- {
			ops = append(ops, uint16(l))
		}
	}
	var freq [19]uint32
	for _, op := range ops {
		freq[op&0xff]++
	}
	var cl [19]uint8
	var cc [19]uint16
	huffmanLengths(freq[:], 7, cl[:])
	canonical(cl[:], cc[:])
	nCode := 19
	for nCode > 4 && cl[codeOrder[nCode-1]] == 0 {
		nCode--
	}
	w.putc(uint64(nLit-257), 5)
	w.putc(uint64(nDist-1), 5)
	w.putc(uint64(nCode-4), 4)
	for _, s := range codeOrder[:nCode] {
		w.putc(uint64(cl[s]), 3)
	}
	for _, op := range ops {
		s := op & 0xff
		w.putc(uint64(cc[s]), uint(cl[s]))
		switch s {
		case 16:
			w.putc(uint64(op>>8), 2)
		case 17:
			w.putc(uint64(op>>8), 3)
		case 18:
			w.putc(uint64(op>>8), 7)
		}
	}
}

// huffmanLengths sets lens to the code lengths of a Huffman code for freq,
// none longer than max. At least two symbols get a code, as some decoders
// want.
func huffmanLengths(freq []uint32, max int, lens []uint8) {
	clear(lens)
	type node struct {
		freq          uint64
		left, right   int32 // children, -1 for a leaf
		sym           int32
		depth, parent int32
	}
	f := make([]uint64, len(freq))
	used := 0
	for i, v := range freq {
		f[i] = uint64(v)
		if v > 0 {
			used++
		}
	}
	for i := 0; used < 2; i++ {
		if f[i] == 0 {
			f[i] = 1
			used++
		}
	}
	for {
		nodes := make([]node, 0, 2*used)
		for i, v := range f {
			if v > 0 {
				nodes = append(nodes, node{freq: v, left: -1, right: -1, sym: int32(i)})
			}
		}
		slices.SortStableFunc(nodes, func(a, b node) int {
			switch {
			case a.freq < b.freq:
				return -1
			case a.freq > b.freq:
				return 1
			}
			return int(a.sym - b.sym)
		})
		// Two queues: the sorted leaves, and the inner nodes, which are
		// made in order of weight.
		leaf, inner := 0, len(nodes)
		pop := func() int {
			if leaf < used && (inner >= len(nodes) || nodes[leaf].freq <= nodes[inner].freq) {
				leaf++
				return leaf - 1
			}
			inner++
			return inner - 1
		}
		for k := 0; k < used-1; k++ {
			l, r := pop(), pop()
			nodes = append(nodes, node{freq: nodes[l].freq + nodes[r].freq, left: int32(l), right: int32(r), sym: -1})
			nodes[l].parent = int32(len(nodes) - 1)
			nodes[r].parent = int32(len(nodes) - 1)
		}
		// The root is last; children come before parents, so walk down.
		deepest := 0
		for k := len(nodes) - 2; k >= 0; k-- {
			nodes[k].depth = nodes[nodes[k].parent].depth + 1
			if nodes[k].sym >= 0 && int(nodes[k].depth) > deepest {
				deepest = int(nodes[k].depth)
			}
		}
		if deepest <= max {
			for _, nd := range nodes[:used] {
				lens[nd.sym] = uint8(nd.depth)
			}
			return
		}
		// Too deep: flatten the frequencies and try again.
		for i, v := range f {
			if v > 0 {
				f[i] = v/2 + 1
			}
		}
	}
}

// canonical sets codes to the canonical Huffman codes for lens, bit
// reversed as deflate sends them (first bit lowest).
func canonical(lens []uint8, codes []uint16) {
	var count [16]uint16
	for _, l := range lens {
		count[l]++
	}
	count[0] = 0
	var next [16]uint16
	code := uint16(0)
	for l := 1; l < 16; l++ {
		code = (code + count[l-1]) << 1
		next[l] = code
	}
	for i, l := range lens {
		if l == 0 {
			continue
		}
		codes[i] = bits.Reverse16(next[l]) >> (16 - l)
		next[l]++
	}
}

// bitWriter appends bits to a byte slice, lowest bit first. The bytes
// written are buf[:n]: put stores no pointer (a store the collector
// would have to watch while it runs).
type bitWriter struct {
	buf  []byte
	n    int
	acc  uint64
	nacc uint
}

func (w *bitWriter) reset(dst []byte) { w.buf, w.n, w.acc, w.nacc = dst[:cap(dst)], len(dst), 0, 0 }

func (w *bitWriter) put(v uint64, n uint) {
	// Whole bytes are written at once, eight stored and as many kept as
	// are whole: at most 7 bits wait, so n may be up to 56. The caller
	// has made room (room).
	acc := w.acc | v<<w.nacc
	nacc := w.nacc + n
	binary.LittleEndian.PutUint64(w.buf[w.n:w.n+8], acc)
	nb := nacc &^ 7
	w.n += int(nb / 8)
	w.acc = acc >> nb
	w.nacc = nacc & 7
}

// putc is put with room made first.
func (w *bitWriter) putc(v uint64, n uint) {
	w.room(8)
	w.put(v, n)
}

// room makes room for n more bytes and the eight put stores at once.
func (w *bitWriter) room(n int) {
	if len(w.buf)-w.n < n+8 {
		w.grow(n)
	}
}

func (w *bitWriter) grow(n int) {
	w.buf = slices.Grow(w.buf[:w.n], n+8+w.n/2)
	w.buf = w.buf[:cap(w.buf)]
}

// writeString writes the bits of s.
func (w *bitWriter) writeString(s bitString) {
	w.room(len(s.words) * 7)
	n := s.n
	// The bits past n in the last word are zeros.
	for _, v := range s.words {
		w.put(v, min(n, 56))
		n -= min(n, 56)
	}
}

// bitString returns the bits written, and empties w.
func (w *bitWriter) bitString() bitString {
	n := uint(w.n)*8 + w.nacc
	out := w.flush()
	// 56 bits are 7 bytes.
	words := make([]uint64, (n+55)/56)
	for i := range words {
		var b [8]byte
		copy(b[:7], out[7*i:])
		words[i] = binary.LittleEndian.Uint64(b[:])
	}
	return bitString{words: words, n: n}
}

// flush writes what is left, padded to a byte, and returns the bytes.
func (w *bitWriter) flush() []byte {
	out := w.buf[:w.n]
	for w.nacc > 0 {
		out = append(out, byte(w.acc))
		w.acc >>= 8
		w.nacc -= min(w.nacc, 8)
	}
	w.buf, w.n = nil, 0
	return out
}
