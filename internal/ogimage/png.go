package ogimage

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"hash/adler32"
	"hash/crc32"
)

// The PNG is written here rather than by image/png, because nearly all of
// a card is rows the text does not touch: those rows (runs of the frame:
// paper, the bar, the rule) are compressed once per drawer and copied into
// every image, and only the rows under text are compressed anew. The
// canvas is laid out as PNG scanlines, so it is compressed where it lies. Each run
// is a self-contained piece of the deflate stream (compressed from a reset
// state and ended by a sync flush), so the pieces join into one valid
// stream and an image's bytes do not depend on what the drawer drew
// before.

// rowLen is one scanline as PNG stores it: a filter byte (0, none) and
// the row's palette indices.
const rowLen = 1 + Width

// piece is a compressed run of rows with what the zlib checksum needs of
// its raw bytes: their sum and their sum weighted by distance from the end.
type piece struct {
	z      []byte
	sum, w uint64
	n      uint64
}

type encoder struct {
	zw     *flate.Writer
	frames map[[2]int]*piece
	out    bytes.Buffer
}

func newEncoder() *encoder {
	zw, _ := flate.NewWriter(nil, flate.BestSpeed) // the level is valid
	return &encoder{zw: zw, frames: map[[2]int]*piece{}}
}

const adlerMod = 65521

// compress deflates scanlines [lo, hi) of raw into a self-contained piece.
func (e *encoder) compress(raw []uint8, lo, hi int, dst *bytes.Buffer) piece {
	data := raw[lo*rowLen : hi*rowLen]
	start := dst.Len()
	e.zw.Reset(dst)
	_, _ = e.zw.Write(data) // writes to a bytes.Buffer do not fail
	_ = e.zw.Flush()
	p := piece{z: dst.Bytes()[start:], n: uint64(len(data))}
	// Adler-32 from (1, 0) over data is (1+sum, n+w).
	c := adler32.Checksum(data)
	p.sum = (uint64(c&0xffff) + adlerMod - 1) % adlerMod
	p.w = (uint64(c>>16) + adlerMod - p.n%adlerMod) % adlerMod
	return p
}

// encode returns raw (Height scanlines) as a PNG, compressing anew only
// the rows marked dirty; the others are the frame's.
func (e *encoder) encode(raw []uint8, dirty *[Height]bool) []byte {
	e.out.Reset()
	out := &e.out
	out.WriteString("\x89PNG\r\n\x1a\n")
	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:], Width)
	binary.BigEndian.PutUint32(ihdr[4:], Height)
	ihdr[8], ihdr[9] = 8, 3 // 8-bit palette indices
	chunk(out, "IHDR", ihdr[:])
	chunk(out, "PLTE", plte)

	// IDAT: length and type now, data, then the length is patched.
	at := out.Len()
	out.Write([]byte{0, 0, 0, 0, 'I', 'D', 'A', 'T', 0x78, 0x01})
	a, b := uint64(1), uint64(0)
	add := func(p piece) {
		b = (b + p.n%adlerMod*a + p.w) % adlerMod
		a = (a + p.sum) % adlerMod
	}
	for y := 0; y < Height; {
		end := y + 1
		for end < Height && dirty[end] == dirty[y] {
			end++
		}
		if dirty[y] {
			add(e.compress(raw, y, end, out))
		} else {
			p := e.frames[[2]int{y, end}]
			if p == nil {
				var z bytes.Buffer
				q := e.compress(raw, y, end, &z)
				q.z = bytes.Clone(q.z)
				p = &q
				e.frames[[2]int{y, end}] = p
			}
			out.Write(p.z)
			add(*p)
		}
		y = end
	}
	out.Write([]byte{0x03, 0x00}) // a final, empty block
	var sum [4]byte
	binary.BigEndian.PutUint32(sum[:], uint32(b<<16|a))
	out.Write(sum[:])
	data := out.Bytes()
	binary.BigEndian.PutUint32(data[at:], uint32(len(data)-at-8))
	var crc [4]byte
	binary.BigEndian.PutUint32(crc[:], crc32.ChecksumIEEE(data[at+4:]))
	out.Write(crc[:])
	chunk(out, "IEND", nil)
	return bytes.Clone(out.Bytes())
}

func chunk(out *bytes.Buffer, kind string, data []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(data)))
	out.Write(n[:])
	start := out.Len()
	out.WriteString(kind)
	out.Write(data)
	binary.BigEndian.PutUint32(n[:], crc32.ChecksumIEEE(out.Bytes()[start:]))
	out.Write(n[:])
}

var plte = func() []byte {
	var p []byte
	for _, c := range palette {
		r, g, b, _ := c.RGBA()
		p = append(p, uint8(r>>8), uint8(g>>8), uint8(b>>8))
	}
	return p
}()
