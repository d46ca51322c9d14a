package diag

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestLines(t *testing.T) {
	src := []byte("---\ntitle: “Quotes”\r\nx: 1\n")
	l := NewLines(src)
	for _, tt := range []struct {
		off  int
		want Pos
	}{
		{0, Pos{1, 1}},
		{4, Pos{2, 1}},
		{11, Pos{2, 8}}, // after “ (3 bytes, one character)
		{14, Pos{2, 9}},
		{len(src), Pos{4, 1}},
		{-5, Pos{1, 1}},
		{1 << 20, Pos{4, 1}},
	} {
		if got := l.Pos(tt.off); got != tt.want {
			t.Errorf("Pos(%d) = %v, want %v", tt.off, got, tt.want)
		}
	}
	if got := l.Line(2); got != "title: “Quotes”" {
		t.Errorf("Line(2) = %q", got)
	}
	if l.Line(0) != "" || l.Line(99) != "" {
		t.Errorf("out-of-range lines")
	}
}

func TestListErrors(t *testing.T) {
	var l List
	l.Add(&Error{File: "b.md", Line: 2, Col: 1, Msg: "second"})
	l.Add(&Error{File: "a.md", Line: 9, Col: 3, Msg: "warn", Warning: true})
	l.Add(nil)
	l.Add(&Error{File: "a.md", Line: 1, Col: 5, Msg: "first"})
	l.Sort()
	want := "a.md:1:5: first\na.md:9:3: warning: warn\nb.md:2:1: second"
	if l.Error() != want {
		t.Errorf("got\n%s\nwant\n%s", l.Error(), want)
	}
	if len(l.Errors(false)) != 2 || len(l.Errors(true)) != 3 || len(l.Errors(true))-len(l.Errors(false)) != 1 {
		t.Errorf("filters")
	}
	if (List{{Msg: "w", Warning: true}}).Err() != nil {
		t.Errorf("warnings alone are not an error")
	}
	var unwrapped List
	if !errors.As(fmt.Errorf("building: %w", l), &unwrapped) || len(unwrapped) != 3 {
		t.Errorf("a wrapped List lost entries: %v", unwrapped)
	}
}

// TestLinesLongLine checks columns on long lines, where they are counted
// from block totals, against counting from the line's start.
func TestLinesLongLine(t *testing.T) {
	src := []byte("first\n" + strings.Repeat("é€x𝄞 ", 500) + "\nlast")
	l := NewLines(src)
	start := 6
	for off := start; off < len(src)-5; off++ {
		if !utf8.RuneStart(src[off]) {
			continue
		}
		want := Pos{Line: 2, Col: utf8.RuneCount(src[start:off]) + 1}
		if got := l.Pos(off); got != want {
			t.Fatalf("Pos(%d) = %v, want %v", off, got, want)
		}
	}
	if got := l.Pos(len(src)); got != (Pos{Line: 3, Col: 5}) {
		t.Errorf("end: %v", got)
	}
}

// BenchmarkPositionsOnOneLine asks for the column of every 12th byte of a
// line of 40,000 amounts (prose warnings do this): linear, not quadratic.
func BenchmarkPositionsOnOneLine(b *testing.B) {
	for _, n := range []int{10000, 40000} {
		b.Run(fmt.Sprintf("amounts=%d", n), func(b *testing.B) {
			src := []byte(strings.Repeat("$1.0 billion ", n))
			for b.Loop() {
				l := NewLines(src)
				for off := 0; off < len(src); off += 13 {
					_ = l.Pos(off)
				}
			}
		})
	}
}
