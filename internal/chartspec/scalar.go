package chartspec

import (
	"bytes"
	"sort"
	"strconv"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
)

// text is a block's source, to find where a character of a scalar's value
// stands: quotes, escapes and folded lines make a value differ from its
// text, so its columns cannot be counted from the value.
type text struct {
	src []byte
	// lines are the byte offsets of each line's start.
	lines []int
}

func newText(src []byte) *text {
	t := &text{src: src, lines: []int{0}}
	for i, b := range src {
		if b == '\n' {
			t.lines = append(t.lines, i+1)
		}
	}
	return t
}

// offset is the byte offset of line and col (both from 1, col counted in
// characters as YAML counts them), or -1 outside the block.
func (t *text) offset(line, col int) int {
	if line < 1 || line > len(t.lines) {
		return -1
	}
	off := t.lines[line-1]
	for c := 1; c < col && off < len(t.src) && t.src[off] != '\n'; c++ {
		_, w := utf8.DecodeRune(t.src[off:])
		off += w
	}
	return off
}

// pos is the line and column of a byte offset.
func (t *text) pos(off int) (line, col int) {
	line = sort.Search(len(t.lines), func(i int) bool { return t.lines[i] > off })
	return line, utf8.RuneCount(t.src[t.lines[line-1]:off]) + 1
}

// props skips a node's anchor and tag, which YAML places the node at.
func (t *text) props(off int) int {
	for off < len(t.src) && (t.src[off] == '&' || t.src[off] == '!') {
		for off < len(t.src) && !isSpace(t.src[off]) && t.src[off] != '\n' {
			off++
		}
		for off < len(t.src) && (isSpace(t.src[off]) || t.src[off] == '\n') {
			off++
		}
	}
	return off
}

// valuePos is the block line and column of byte off of scalar n's value
// (off may be its length: just past the value).
func (t *text) valuePos(n *yaml.Node, off int) (line, col int) {
	off = min(max(off, 0), len(n.Value))
	start := t.offset(n.Line, n.Column)
	if start < 0 {
		return n.Line, n.Column + utf8.RuneCountInString(n.Value[:off])
	}
	start = t.props(start)
	if at := t.decode(start, n); at != nil {
		return t.pos(at[off])
	}
	// A style not read here (a block scalar): count from the text's start.
	line, col = t.pos(start)
	if n.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle) != 0 {
		col++
	}
	return line, col + utf8.RuneCountInString(n.Value[:off])
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' }

// decoder reads a flow scalar's text back into its value, noting the
// source offset of every byte of the value.
type decoder struct {
	src  []byte
	i    int
	want string
	val  []byte
	at   []int
	// hard is the length of val that folding keeps: escaped characters
	// are never trimmed as trailing white space.
	hard int
}

func (d *decoder) emit(s string, from int) {
	for j := 0; j < len(s); j++ {
		d.val = append(d.val, s[j])
		d.at = append(d.at, from)
	}
}

// fold reads a line break at d.i and the white space around it: one break
// is a space, more are all but the first.
func (d *decoder) fold() {
	for len(d.val) > d.hard && isSpace(d.val[len(d.val)-1]) {
		d.val, d.at = d.val[:len(d.val)-1], d.at[:len(d.at)-1]
	}
	from, breaks := d.i, 0
	for d.i < len(d.src) {
		j := d.i
		for j < len(d.src) && (isSpace(d.src[j]) || d.src[j] == '\r') {
			j++
		}
		if j >= len(d.src) || d.src[j] != '\n' {
			d.i = j
			break
		}
		breaks++
		d.i = j + 1
	}
	if breaks == 1 {
		d.emit(" ", from)
	}
	for ; breaks > 1; breaks-- {
		d.emit("\n", from)
	}
	d.hard = len(d.val)
}

var escapes = map[byte]string{'0': "\x00", 'a': "\a", 'b': "\b", 't': "\t", '\t': "\t", 'n': "\n", 'v': "\v", 'f': "\f",
	'r': "\r", 'e': "\x1b", ' ': " ", '"': `"`, '/': "/", '\\': `\`, 'N': "\u0085", '_': "\u00a0", 'L': "\u2028", 'P': "\u2029"}

// escape reads a double-quoted scalar's escape at d.i (the backslash).
func (d *decoder) escape() bool {
	from := d.i
	if d.i+1 >= len(d.src) {
		return false
	}
	c := d.src[d.i+1]
	if s, ok := escapes[c]; ok {
		d.emit(s, from)
		d.i += 2
		d.hard = len(d.val)
		return true
	}
	if c == '\n' || c == '\r' {
		// An escaped line break joins the lines without a space.
		d.i++
		for d.i < len(d.src) && (d.src[d.i] == '\r' || d.src[d.i] == '\n') {
			d.i++
		}
		for d.i < len(d.src) && isSpace(d.src[d.i]) {
			d.i++
		}
		return true
	}
	digits := map[byte]int{'x': 2, 'u': 4, 'U': 8}[c]
	if digits == 0 || d.i+2+digits > len(d.src) {
		return false
	}
	r, err := strconv.ParseUint(string(d.src[d.i+2:d.i+2+digits]), 16, 32)
	if err != nil {
		return false
	}
	d.emit(string(rune(r)), from)
	d.i += 2 + digits
	d.hard = len(d.val)
	return true
}

// decode maps each byte of n's value, and the end of it, to its source
// offset; nil when the text at start does not read back as the value.
func (t *text) decode(start int, n *yaml.Node) []int {
	d := &decoder{src: t.src, i: start, want: n.Value}
	var quote byte
	switch {
	case n.Style&yaml.DoubleQuotedStyle != 0:
		quote = '"'
	case n.Style&yaml.SingleQuotedStyle != 0:
		quote = '\''
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		// An indentation indicator (|2) counts from the parent's indent,
		// which the node does not give: try each indent that fits.
		for indent := -1; indent < 80; indent++ {
			d := &decoder{src: t.src, i: start, want: n.Value}
			d.block(n.Style&yaml.FoldedStyle != 0, indent)
			if string(d.val) == d.want {
				return append(d.at, d.i)
			}
			if !explicitIndent(t.src[start:]) {
				break
			}
		}
		return nil
	}
	if quote != 0 {
		if d.i >= len(d.src) || d.src[d.i] != quote {
			return nil
		}
		d.i++
	}
	for len(d.val) < len(d.want) && d.i < len(d.src) {
		c := d.src[d.i]
		switch {
		case c == '\n' || c == '\r' && d.i+1 < len(d.src) && d.src[d.i+1] == '\n':
			d.fold()
		case quote == '\'' && c == '\'':
			if d.i+1 >= len(d.src) || d.src[d.i+1] != '\'' {
				return nil
			}
			d.emit("'", d.i)
			d.i += 2
			d.hard = len(d.val)
		case quote == '"' && c == '"':
			return nil
		case quote == '"' && c == '\\':
			if !d.escape() {
				return nil
			}
		default:
			d.emit(string(d.src[d.i:d.i+1]), d.i)
			d.i++
		}
	}
	if string(d.val) != d.want {
		return nil
	}
	return append(d.at, d.i)
}

// explicitIndent tells whether a block scalar's header has an indentation
// indicator.
func explicitIndent(header []byte) bool {
	for _, c := range header[1:] {
		switch {
		case c >= '1' && c <= '9':
			return true
		case c != '+' && c != '-':
			return false
		}
	}
	return false
}

// block reads a literal (|) or folded (>) scalar from its header at d.i:
// its lines less their indent, a folded one's single breaks between lines
// of text read as spaces. indent -1 takes the first line's.
func (d *decoder) block(folded bool, indent int) {
	nl := bytes.IndexByte(d.src[d.i:], '\n')
	if nl < 0 {
		return
	}
	i := d.i + nl + 1
	breaks, brk := 0, d.i+nl
	first, prevMore := true, false
	for i < len(d.src) && len(d.val) < len(d.want) {
		end := bytes.IndexByte(d.src[i:], '\n')
		if end < 0 {
			end = len(d.src)
		} else {
			end += i
		}
		line := bytes.TrimSuffix(d.src[i:end], []byte("\r"))
		sp := len(line) - len(bytes.TrimLeft(line, " "))
		if sp == len(line) && (indent < 0 || sp <= indent) {
			breaks++
			i = end + 1
			continue
		}
		if indent < 0 {
			indent = sp
		}
		if sp < indent {
			break
		}
		more := sp > indent || indent < len(line) && line[indent] == '\t'
		n := breaks + 1
		switch {
		case first:
			n = breaks
		case folded && !prevMore && !more && breaks == 0:
			d.emit(" ", brk)
			n = 0
		case folded && !prevMore && !more:
			n = breaks
		}
		for ; n > 0; n-- {
			d.emit("\n", brk)
		}
		for j := indent; j < len(line) && len(d.val) < len(d.want); j++ {
			d.emit(string(line[j:j+1]), i+j)
		}
		first, prevMore, breaks, brk = false, more, 0, i+len(line)
		i = end + 1
	}
	// A clipped or kept scalar ends in its line breaks.
	for len(d.val) < len(d.want) && d.want[len(d.val)] == '\n' {
		d.emit("\n", brk)
	}
	d.i = brk
}
