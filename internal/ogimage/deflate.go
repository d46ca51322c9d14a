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
type deflater struct {
	// blocks are where the stream's blocks begin, in order, the first
	// at 0, and the codes each is written with (nil to make codes for
	// its tokens); none means one block with codes made for it.
	blocks []block
	cur    int // the block being written
	// first is the first block as last written, kept when it is not
	// the last and its pieces are glyph rows only (see keepFirst).
	first  firstBlock
	kept   int // how many times the first block was kept
	tokens []token
	// head is the last position of each hash, plus base: a position
	// from an earlier stream is below base, and the table is cleared
	// only when base would overflow.
	head   [1 << hashBits]int32
	base   int32
	litLen [numLitLen]uint32 // symbol frequencies, then code lengths
	dist   [numDist]uint32
	bw     bitWriter
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

// pieceFlag | k stands for the tokens of piece k's glyph row.
const pieceFlag = 1 << 30

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
	c            *codes
	out          []byte // the bits after the zlib header, whole bytes
	acc          uint64
	nacc         uint
	a, b         uint64
	at, tried    int
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
		if scan[m].row == nil {
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
	z.bw.reset(append(dst, 0x78, 0x01))
	z.cur = -1
	adler := z.tokenize(data, stride, pieces)
	return binary.BigEndian.AppendUint32(z.bw.flush(), adler)
}

// A span is the bytes [lo, hi) of data.
type span struct{ lo, hi int }

// A piece is the bytes [lo, hi) of data, to compress, or, when row is not
// nil, a glyph's row: coded as row's tokens, or when dist > 0 as a copy
// of the same bytes dist before.
type piece struct {
	lo, hi int
	row    *glyphRow
	dist   int
}

// flushAt is how many tokens of a block whose codes are made wait to be
// written: few enough to stay in the nearest cache.
const flushAt = 1024

// flush writes the tokens of the current block, ending it when end is
// set, and returns tokens emptied; a block whose codes are made from its
// own tokens keeps them until its end.
func (z *deflater) flush(tokens []token, scan []piece, end bool) []token {
	b := &z.blocks[z.cur]
	c := b.c
	if c == nil && !end {
		return tokens
	}
	if b.counts != nil {
		count(&b.counts.litLen, &b.counts.dist, tokens, scan)
	}
	if c == nil {
		clear(z.litLen[:])
		clear(z.dist[:])
		count(&z.litLen, &z.dist, tokens, scan)
		z.litLen[endBlock] = 1
		c = makeCodes(&z.litLen, &z.dist)
		z.beginBlock(c)
	}
	c.write(&z.bw, tokens, scan, b.c != nil)
	if end {
		z.bw.write(uint64(c.end), uint(c.endN))
	}
	return tokens[:0]
}

// beginBlock writes the start of the current block, coded in c.
func (z *deflater) beginBlock(c *codes) {
	final := uint64(0)
	if z.cur == len(z.blocks)-1 {
		final = 1
	}
	z.bw.write(final|2<<1, 3) // dynamic codes
	z.bw.writeString(c.header)
}

// tokenize writes data as tokens in z's blocks and returns its Adler-32.
func (z *deflater) tokenize(data []byte, stride int, scan []piece) uint32 {
	// Locals, not fields, so that the loop keeps them in registers.
	tokens := z.tokens[:0]
	var c *codes // the codes of the block being tokenized
	tried := 0   // where the last stretch the same as the row above ended
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
	start := len(z.bw.out)
	restored := false
	endK := 0 // the first piece past the block
	if keep && f.c == z.blocks[0].c && f.dataLen == len(data) && f.off == start && slices.Equal(f.pieces, scan[:m]) {
		z.bw.out = append(z.bw.out, f.out...)
		z.bw.acc, z.bw.nacc = f.acc, f.nacc
		a, b, at, tried = f.a, f.b, f.at, f.tried
		z.cur, k0, restored = 0, m, true
		z.kept++
	}
	for k := k0; k <= len(scan); k++ {
		// The zeros from at on, as a run of the byte before.
		lo, hi := len(data), len(data)
		var row *glyphRow
		if k < len(scan) {
			lo, hi, row = scan[k].lo, scan[k].hi, scan[k].row
		}
		// A block begins before the paper that leads to its first piece.
		for z.cur+1 < len(z.blocks) && z.blocks[z.cur+1].at <= lo {
			if z.cur >= 0 && !restored {
				tokens = z.flush(tokens, scan, true)
				if z.cur == 0 && keep {
					f.pieces = append(f.pieces[:0], scan[:m]...)
					f.c, f.dataLen, f.off = z.blocks[0].c, len(data), start
					f.out = append(f.out[:0], z.bw.out[start:]...)
					f.acc, f.nacc = z.bw.acc, z.bw.nacc
					f.a, f.b, f.at, f.tried = a, b, at, tried
				}
			}
			restored = false
			z.cur++
			if c = z.blocks[z.cur].c; c != nil {
				z.beginBlock(c)
			}
		}
		if len(tokens) >= flushAt {
			tokens = z.flush(tokens, scan, false)
		}
		if c != nil && at >= stride && k < len(scan) && at >= tried {
			// A stretch the same as the row above, glyph rows and all,
			// is one match when that is cheaper. When it is not, no
			// later part of the same stretch is either.
			// Not past the block: its bits depend on its pieces only.
			for endK = max(endK, k); endK < len(scan) && (z.cur+1 == len(z.blocks) || scan[endK].lo < z.blocks[z.cur+1].at); endK++ {
			}
			end, next, same := cover(c, data, stride, scan[:endK], k, at)
			tried = same
			if end > at {
				tokens = appendMatches(tokens, end-at, stride)
				for p := at; p < end; {
					var q int
					switch {
					case k < next && p == scan[k].lo:
						q = scan[k].hi
						if r := scan[k].row; r != nil {
							b += uint64(q-p)*a + r.weighted
							a += r.sum
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
				at = end
				k--
				continue
			}
		}
		if n := lo - at; n > 0 {
			b += uint64(n) * a
			tokens = append(tokens, zeros(n, at == 0 || data[at-1] != 0))
		}
		if row != nil {
			if n := hi - lo; scan[k].dist > 0 && n >= minMatch {
				tokens = appendMatches(tokens, n, scan[k].dist)
			} else {
				tokens = append(tokens, pieceFlag|token(k))
			}
			b += uint64(hi-lo)*a + row.weighted
			a += row.sum
			at = hi
			continue
		}
		for i := lo; i < hi; {
			room := min(hi-i, maxMatch)
			best, dist := 0, 0
			if room >= minMatch {
				// A run of the previous byte.
				if i > 0 {
					if l := matchLen(data[i:], data[i-1:], room); l >= minMatch {
						c := uint64(data[i-1])
						ln := uint64(l)
						b += ln*a + c*ln*(ln+1)/2
						a += c * ln
						tokens = append(tokens, match(l, 1))
						i += l
						continue
					}
				}
				if i >= stride {
					best, dist = matchLen(data[i:], data[i-stride:], room), stride
				}
				h := hash4(binary.LittleEndian.Uint32(data[i:]))
				if cand := int(head[h]) - base; cand >= 0 && i-cand <= window && i-cand != stride {
					if l := matchLen(data[i:], data[cand:], room); l > best {
						best, dist = l, i-cand
					}
				}
				head[h] = int32(i + base)
			}
			if best < minMatch {
				c := data[i]
				tokens = append(tokens, token(c))
				a += uint64(c)
				b += a
				i++
				continue
			}
			tokens = append(tokens, match(best, dist))
			for _, c := range data[i : i+best] {
				a += uint64(c)
				b += a
			}
			i += best
		}
		at = hi
	}
	z.tokens = z.flush(tokens, scan, true)
	a %= adlerMod
	b %= adlerMod
	return uint32(b<<16 | a)
}

// cover returns where a match one row up from at, over the zeros before
// scan[k] and the pieces after, should end to cost fewer bits in c than
// coding them one by one, and the first piece it leaves; end is at when
// no such match pays, and tried is how far the row above was the same.
func cover(c *codes, data []byte, stride int, scan []piece, k, at int) (end, next, tried int) {
	// The pieces the same as the row above, with the zeros before each:
	// a glyph row knows whether it repeats the one above it.
	own := 0 // the bits of coding [at, pos) piece by piece
	pos := at
	j := k
	for ; j < len(scan); j++ {
		p := &scan[j]
		if n := p.lo - pos; !p.sameAbove(data, stride) || matchLen(data[pos:], data[pos-stride:], n) < n {
			break
		}
		own += c.zerosCost(p.lo-pos, pos == 0 || data[pos-1] != 0) + c.pieceCost(*p)
		pos = p.hi
	}
	if j == k {
		// Not one piece: splitting the zeros does not pay.
		return at, k, at
	}
	// Then the zeros after, as far as the row above is the same.
	stop := pos
	if j < len(scan) {
		n := scan[j].lo - pos
		if m := matchLen(data[pos:], data[pos-stride:], n); m > 0 {
			stop += m
			own += c.zerosCost(n, data[pos-1] != 0) - c.zerosCost(n-m, false)
		}
	}
	if stop-at < minMatch || c.runCost(stop-at, stride) >= own {
		return at, k, stop
	}
	return stop, j, stop
}

// sameAbove tells whether p's bytes are those a row above.
func (p *piece) sameAbove(data []byte, stride int) bool {
	if p.row != nil {
		return p.row.same
	}
	n := p.hi - p.lo
	return matchLen(data[p.lo:], data[p.lo-stride:], n) == n
}

// zerosCost is the bits of n zeros coded as tokenize codes them; lit
// tells that the byte before is not a zero.
func (c *codes) zerosCost(n int, lit bool) int {
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

// runCost is the bits of n ≥ minMatch bytes coded as matches dist back.
func (c *codes) runCost(n, dist int) int {
	dc := distCode(dist)
	per := int(c.distLens[dc]) + int(distExtra[dc])
	bits := 0
	for n > 0 {
		l := min(n, maxMatch)
		if n-l > 0 && n-l < minMatch {
			l = n - minMatch
		}
		bits += int(c.litN[256+l]) + per
		n -= l
	}
	return bits
}

// pieceCost is the bits of a piece as tokenize codes it; a span to
// compress counts as too many to keep (a match covering it is cheaper).
func (c *codes) pieceCost(p piece) int {
	if p.row == nil {
		return 1 << 30
	}
	if n := p.hi - p.lo; p.dist > 0 && n >= minMatch {
		return c.runCost(n, p.dist)
	}
	return int(p.row.bits(c).n)
}

// appendMatches codes n ≥ minMatch bytes as matches dist back, none
// longer than maxMatch and none shorter than minMatch.
func appendMatches(tokens []token, n, dist int) []token {
	for n > 0 {
		l := min(n, maxMatch)
		if n-l > 0 && n-l < minMatch {
			l = n - minMatch
		}
		tokens = append(tokens, match(l, dist))
		n -= l
	}
	return tokens
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
}

// bitsN are n bits to write, lowest first.
type bitsN struct {
	v uint64
	n uint
}

// A bitString is bits to write, 32 to a word, lowest first.
type bitString struct {
	words []uint32
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
		i := 0
		zeroTokens(zeros(n, false), func(t token) {
			b := c.bits(t)
			if tl := &c.zeroTail[n][i]; tl.n+b.n > 56 {
				i++
				c.zeroTail[n][i] = b
			} else {
				*tl = bitsN{tl.v | b.v<<tl.n, tl.n + b.n}
			}
		})
	}
	var w bitWriter
	header(&w, litLens[:], c.distLens[:])
	c.header = w.bitString()
	return &c
}

// write writes the tokens in c: a token that refers to a piece writes
// the piece's glyph row (coded once, as bits, when c is fixed).
func (c *codes) write(w *bitWriter, tokens []token, pieces []piece, fixed bool) {
	acc, nacc, out := w.acc, w.nacc, w.out
	for _, t := range tokens {
		if t&pieceFlag != 0 {
			w.acc, w.nacc, w.out = acc, nacc, out
			r := pieces[t&^pieceFlag].row
			if fixed {
				w.writeString(r.bits(c))
			} else {
				c.write(w, r.tokens, nil, false)
			}
			acc, nacc, out = w.acc, w.nacc, w.out
			continue
		}
		if t&zerosFlag != 0 {
			w.acc, w.nacc, w.out = acc, nacc, out
			c.writeZeros(w, t)
			acc, nacc, out = w.acc, w.nacc, w.out
			continue
		}
		b := c.bits(t)
		v, n := b.v, b.n
		// At most 15+5+15+13 = 48 bits after at most 7: whole bytes
		// are written eight at a time.
		acc |= v << nacc
		nacc += n
		if len(out)+8 > cap(out) {
			out = slices.Grow(out, 8+len(out)/2)
		}
		binary.LittleEndian.PutUint64(out[len(out):len(out)+8], acc)
		nb := nacc / 8
		out = out[:len(out)+int(nb)]
		acc >>= nb * 8
		nacc -= nb * 8
	}
	w.acc, w.nacc, w.out = acc, nacc, out
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

// writeZeros writes a zeros token: its runs of maxMatch several at a
// time, its tail from a table.
func (c *codes) writeZeros(w *bitWriter, t token) {
	n := int(t & (1<<20 - 1))
	if t&zerosLit != 0 {
		w.write(uint64(c.litBits[0]), uint(c.litN[0]))
		n--
	}
	if n >= minMatch {
		for chunk := c.runCount * maxMatch; n >= chunk+minMatch; n -= chunk {
			w.write(c.zeroRun.v, c.zeroRun.n)
		}
		for ; n >= maxMatch+minMatch; n -= maxMatch {
			w.write(c.zeroTail[maxMatch][0].v, c.zeroTail[maxMatch][0].n)
		}
	}
	tail := &c.zeroTail[n]
	w.write(tail[0].v, tail[0].n)
	if tail[1].n > 0 {
		w.write(tail[1].v, tail[1].n)
	}
}

// count adds the symbols of tokens (pieces' glyph rows included) to the
// counts.
func count(litLen *[numLitLen]uint32, dist *[numDist]uint32, tokens []token, pieces []piece) {
	for _, t := range tokens {
		switch {
		case t&pieceFlag != 0:
			count(litLen, dist, pieces[t&^pieceFlag].row.tokens, nil)
		case t&zerosFlag != 0:
			zeroTokens(t, func(t token) {
				if t.isMatch() {
					litLen[257+int(lengthCode[t.length()-3])]++
					dist[distCode(t.distance())]++
				} else {
					litLen[t]++
				}
			})
		case t.isMatch():
			litLen[257+int(lengthCode[t.length()-3])]++
			dist[distCode(t.distance())]++
		default:
			litLen[t]++
		}
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
	w.write(uint64(nLit-257), 5)
	w.write(uint64(nDist-1), 5)
	w.write(uint64(nCode-4), 4)
	for _, s := range codeOrder[:nCode] {
		w.write(uint64(cl[s]), 3)
	}
	for _, op := range ops {
		s := op & 0xff
		w.write(uint64(cc[s]), uint(cl[s]))
		switch s {
		case 16:
			w.write(uint64(op>>8), 2)
		case 17:
			w.write(uint64(op>>8), 3)
		case 18:
			w.write(uint64(op>>8), 7)
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

// bitWriter appends bits to a byte slice, lowest bit first.
type bitWriter struct {
	out  []byte
	acc  uint64
	nacc uint
}

func (w *bitWriter) reset(dst []byte) { w.out, w.acc, w.nacc = dst, 0, 0 }

func (w *bitWriter) write(v uint64, n uint) {
	// Whole bytes are written at once, eight stored and as many kept as
	// are whole: at most 7 bits wait, so n may be up to 56.
	w.acc |= v << w.nacc
	w.nacc += n
	if len(w.out)+8 > cap(w.out) {
		w.out = slices.Grow(w.out, 8+len(w.out)/2)
	}
	binary.LittleEndian.PutUint64(w.out[len(w.out):len(w.out)+8], w.acc)
	nb := w.nacc / 8
	w.out = w.out[:len(w.out)+int(nb)]
	w.acc >>= nb * 8
	w.nacc -= nb * 8
}

// writeString writes the bits of s.
func (w *bitWriter) writeString(s bitString) {
	n := s.n
	// The bits past n in the last word are zeros.
	for _, v := range s.words {
		w.write(uint64(v), min(n, 32))
		n -= min(n, 32)
	}
}

// bitString returns the bits written, and empties w.
func (w *bitWriter) bitString() bitString {
	n := uint(len(w.out))*8 + w.nacc
	out := w.flush()
	for len(out)%4 != 0 {
		out = append(out, 0)
	}
	words := make([]uint32, len(out)/4)
	for i := range words {
		words[i] = binary.LittleEndian.Uint32(out[4*i:])
	}
	return bitString{words: words, n: n}
}

// flush writes what is left, padded to a byte, and returns the bytes.
func (w *bitWriter) flush() []byte {
	for w.nacc > 0 {
		w.out = append(w.out, byte(w.acc))
		w.acc >>= 8
		w.nacc -= min(w.nacc, 8)
	}
	out := w.out
	w.out = nil
	return out
}
