// Package diag defines the positioned error every stage of briefs reports:
// one type, printed as path:line:col: message.
package diag

import (
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// Error is a problem at a position in a source file. Warnings are errors that
// do not fail a build unless the caller asks for strictness.
type Error struct {
	File    string
	Line    int
	Col     int
	Msg     string
	Warning bool
	// Err is the cause when the problem came from another error (a read
	// that failed, a library's parse error), kept for errors.Is and As.
	Err error
}

func (e *Error) Error() string {
	prefix := ""
	if e.Warning {
		prefix = "warning: "
	}
	switch {
	case e.Line > 0:
		return fmt.Sprintf("%s:%d:%d: %s%s", e.File, e.Line, e.Col, prefix, e.Msg)
	case e.File != "":
		return fmt.Sprintf("%s: %s%s", e.File, prefix, e.Msg)
	}
	return prefix + e.Msg
}

// Unwrap returns the cause, if any.
func (e *Error) Unwrap() error { return e.Err }

// Wrap returns an error in file at p (no position when p is zero) whose
// message is err's and whose cause is err. A *fs.PathError gives only its
// own message: the file already prefixes the error.
func Wrap(file string, p Pos, err error) *Error {
	msg := err.Error()
	var pe *fs.PathError
	if errors.As(err, &pe) {
		msg = pe.Err.Error()
	}
	return &Error{File: file, Line: p.Line, Col: p.Col, Msg: msg, Err: err}
}

// Pos is a 1-based line and column (columns count characters, not bytes).
type Pos struct {
	Line, Col int
}

// At returns an error at p in file.
func At(file string, p Pos, format string, args ...any) *Error {
	return &Error{File: file, Line: p.Line, Col: p.Col, Msg: fmt.Sprintf(format, args...)}
}

// Warnf returns a warning at p in file.
func Warnf(file string, p Pos, format string, args ...any) *Error {
	e := At(file, p, format, args...)
	e.Warning = true
	return e
}

// List collects every problem of a run so that all of them are reported, not
// only the first.
type List []*Error

// Add appends e unless it is nil.
func (l *List) Add(e *Error) {
	if e != nil {
		*l = append(*l, e)
	}
}

// Extend appends all of o.
func (l *List) Extend(o List) { *l = append(*l, o...) }

// Errors returns the entries that are not warnings, and with strict all.
func (l List) Errors(strict bool) List {
	var out List
	for _, e := range l {
		if strict || !e.Warning {
			out = append(out, e)
		}
	}
	return out
}

// Sort orders the list by file, line and column, keeping the order of equal
// positions.
func (l List) Sort() {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i], l[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}

// Err returns the list as an error, or nil when it holds no error (warnings
// do not count).
func (l List) Err() error {
	errs := l.Errors(false)
	if len(errs) == 0 {
		return nil
	}
	return errs
}

func (l List) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Lines maps byte offsets in a file to line and column.
type Lines struct {
	src    []byte
	starts []int
	// runes[k] counts the characters before byte k*runeBlock, so that a
	// column costs at most one block of counting however long the line
	// (40,000 positions on one line would otherwise be quadratic).
	runesOnce sync.Once
	runes     []int
}

const runeBlock = 256

// NewLines indexes src.
func NewLines(src []byte) *Lines {
	starts := []int{0}
	for i, c := range src {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return &Lines{src: src, starts: starts}
}

// Pos returns the position of byte offset off.
func (l *Lines) Pos(off int) Pos {
	if off < 0 {
		off = 0
	}
	if off > len(l.src) {
		off = len(l.src)
	}
	i := sort.Search(len(l.starts), func(i int) bool { return l.starts[i] > off }) - 1
	start := l.starts[i]
	if off-start <= runeBlock {
		return Pos{Line: i + 1, Col: utf8.RuneCount(l.src[start:off]) + 1}
	}
	return Pos{Line: i + 1, Col: l.runesBefore(off) - l.runesBefore(start) + 1}
}

// runesBefore counts the characters before byte off: the bytes that do not
// continue a UTF-8 sequence, which counts each valid character once.
func (l *Lines) runesBefore(off int) int {
	l.runesOnce.Do(func() {
		l.runes = make([]int, len(l.src)/runeBlock+1)
		n := 0
		for i, c := range l.src {
			if i%runeBlock == 0 {
				l.runes[i/runeBlock] = n
			}
			if c&0xC0 != 0x80 {
				n++
			}
		}
	})
	k := off / runeBlock
	n := l.runes[k]
	for _, c := range l.src[k*runeBlock : off] {
		if c&0xC0 != 0x80 {
			n++
		}
	}
	return n
}

// Line returns the text of a 1-based line without its newline.
func (l *Lines) Line(n int) string {
	if n < 1 || n > len(l.starts) {
		return ""
	}
	end := len(l.src)
	if n < len(l.starts) {
		end = l.starts[n] - 1
	}
	return strings.TrimRight(string(l.src[l.starts[n-1]:end]), "\r")
}
