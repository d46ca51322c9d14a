package ogimage

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"hash/crc32"
)

// The PNG is written here rather than by image/png, because nearly all of
// a card is rows the text does not touch: those rows (runs of the frame:
// paper, the bar, the rule) are compressed once per drawer and copied into
// every image, and only the rows under text are compressed anew. Each run
// is a self-contained piece of the deflate stream (compressed from a reset
// state and ended by a sync flush), so the pieces join into one valid
// stream and an image's bytes do not depend on what the drawer drew
// before.

// row is one scanline as PNG stores it: a filter byte (0, none) and the
// palette indices.
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
	raw    []byte
	frames map[[2]int]*piece
	out    bytes.Buffer
}

func newEncoder() *encoder {
	zw, _ := flate.NewWriter(nil, flate.BestSpeed) // the level is valid
	return &encoder{zw: zw, raw: make([]byte, 0, rowLen*Height), frames: map[[2]int]*piece{}}
}

const adlerMod = 65521

// compress deflates rows [lo, hi) of pix into a self-contained piece.
func (e *encoder) compress(pix []uint8, lo, hi int, dst *bytes.Buffer) piece {
	raw := e.raw[:0]
	for y := lo; y < hi; y++ {
		raw = append(raw, 0)
		raw = append(raw, pix[y*Width:(y+1)*Width]...)
	}
	start := dst.Len()
	e.zw.Reset(dst)
	_, _ = e.zw.Write(raw) // writes to a bytes.Buffer do not fail
	_ = e.zw.Flush()
	p := piece{z: dst.Bytes()[start:], n: uint64(len(raw))}
	p.sum, p.w = sums(raw)
	return p
}

// sums returns the sum of raw's bytes and the sum of each byte times its
// distance from the end, both modulo adlerMod; zero bytes, most of a
// card, are skipped eight at a time.
func sums(raw []byte) (sum, w uint64) {
	n := uint64(len(raw))
	i := 0
	for i < len(raw) {
		if i+8 <= len(raw) && binary.LittleEndian.Uint64(raw[i:]) == 0 {
			i += 8
			continue
		}
		x := uint64(raw[i])
		sum += x
		w += x * (n - uint64(i))
		i++
		if i&0xfff == 0 {
			sum, w = sum%adlerMod, w%adlerMod
		}
	}
	return sum % adlerMod, w % adlerMod
}

// encode writes pix (Width×Height palette indices) as a PNG, compressing
// anew only the rows marked dirty.
func (e *encoder) encode(pix, frame []uint8, dirty *[Height]bool) []byte {
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
			add(e.compress(pix, y, end, out))
		} else {
			p := e.frames[[2]int{y, end}]
			if p == nil {
				var z bytes.Buffer
				q := e.compress(frame, y, end, &z)
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
