package ogimage

import (
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
	z deflater
}

func newEncoder() *encoder { return &encoder{} }

// encode appends raw (Height scanlines) as a PNG to dst. Outside the
// pieces in scan, raw is zeros.
func (e *encoder) encode(dst []byte, raw []uint8, scan []piece) []byte {
	dst = append(dst, "\x89PNG\r\n\x1a\n"...)
	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:], Width)
	binary.BigEndian.PutUint32(ihdr[4:], Height)
	ihdr[8], ihdr[9] = 8, 3 // 8-bit palette indices
	dst = chunk(dst, "IHDR", ihdr[:])
	dst = chunk(dst, "PLTE", plte)
	// IDAT, compressed in place: its length is known after.
	at := len(dst)
	dst = append(dst, 0, 0, 0, 0, 'I', 'D', 'A', 'T')
	dst = e.z.zlib(dst, raw, rowLen, scan)
	binary.BigEndian.PutUint32(dst[at:], uint32(len(dst)-at-8))
	dst = binary.BigEndian.AppendUint32(dst, crc32.ChecksumIEEE(dst[at+4:]))
	return chunk(dst, "IEND", nil)
}

func chunk(dst []byte, kind string, data []byte) []byte {
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(data)))
	start := len(dst)
	dst = append(dst, kind...)
	dst = append(dst, data...)
	return binary.BigEndian.AppendUint32(dst, crc32.ChecksumIEEE(dst[start:]))
}

var plte = func() []byte {
	var p []byte
	for _, c := range palette {
		r, g, b, _ := c.RGBA()
		p = append(p, uint8(r>>8), uint8(g>>8), uint8(b>>8))
	}
	return p
}()
