package ogimage

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
)

// The PNG is written here rather than by image/png: the canvas is laid
// out as PNG scanlines (each row after a filter byte of 0, none), so it is
// compressed where it lies, by a deflater made for cards.

// rowLen is one scanline as PNG stores it: a filter byte (0, none) and
// the row's palette indices.
const rowLen = 1 + Width

type encoder struct {
	z   deflater
	out bytes.Buffer
	buf []byte
}

func newEncoder() *encoder { return &encoder{} }

// encode returns raw (Height scanlines) as a PNG. Outside the pieces in
// scan, raw is zeros.
func (e *encoder) encode(raw []uint8, scan []piece) []byte {
	e.out.Reset()
	out := &e.out
	out.WriteString("\x89PNG\r\n\x1a\n")
	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:], Width)
	binary.BigEndian.PutUint32(ihdr[4:], Height)
	ihdr[8], ihdr[9] = 8, 3 // 8-bit palette indices
	chunk(out, "IHDR", ihdr[:])
	chunk(out, "PLTE", plte)
	e.buf = e.z.zlib(e.buf[:0], raw, rowLen, scan)
	chunk(out, "IDAT", e.buf)
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
