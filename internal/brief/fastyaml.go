package brief

import (
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
)

// fastYAML decodes the frontmatter a brief is usually written in — block
// mappings, block sequences of scalars, one-line flow mappings and
// sequences, plain and one-line quoted scalars without escapes — into the
// very nodes yaml.v3 makes of it (values, tags, styles, lines and columns),
// at a fraction of the cost. It is false on anything else, and the caller
// then asks yaml.v3: so every error, and every construct it does not know
// (comments, anchors, tags, block scalars, escapes, tabs, CR), goes the one
// way it always went. FuzzFastYAML holds the two to the same nodes.
//
// The nodes live in the decoder's memory, reused across briefs: nothing
// may hold a node once release is called (a brief keeps only values).
func fastYAML(front []byte) (doc *yaml.Node, release func(), ok bool) {
	nodes, ok := fastChars(front)
	if !ok || nodes > maxFastNodes {
		return nil, nil, false
	}
	f := decoders.Get().(*fastDecoder)
	f.start(front, nodes)
	i := f.nextLine(0)
	if i == len(f.lines) || f.lines[i].indent != 0 {
		f.release()
		return nil, nil, false
	}
	mark := len(f.stack)
	root, next, ok := f.blockMapping(i, 0)
	if !ok || next != len(f.lines) {
		f.release()
		return nil, nil, false
	}
	doc = f.node()
	f.stack = append(f.stack, root)
	*doc = yaml.Node{Kind: yaml.DocumentNode, Line: root.Line, Column: root.Column, Content: f.content(mark)}
	return doc, f.release, true
}

// maxFastNodes bounds the frontmatter the fast decoder reads (a brief's
// is a few hundred nodes at most), and so the memory it keeps for reuse.
const maxFastNodes = 4096

var decoders = sync.Pool{New: func() any { return new(fastDecoder) }}

// fastChars is true when the text holds only characters the fast decoder
// reads as yaml.v3 does: printable ASCII, newlines and valid UTF-8 beyond
// ASCII that YAML neither refuses nor treats as a line break or a BOM.
// nodes is at least the number of nodes the text can make (each starts
// a line or follows a colon, a dash, a comma or a bracket).
func fastChars(src []byte) (nodes int, ok bool) {
	nodes = 3
	for i := 0; i < len(src); {
		c := src[i]
		if c < utf8.RuneSelf {
			switch c {
			case ':', '[':
				nodes += 2
			case '\n', ',', '-', '{':
				nodes++
			default:
				if c < 0x20 || c > 0x7E {
					return 0, false
				}
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(src[i:])
		switch {
		case r == utf8.RuneError, r == 0x2028, r == 0x2029, r == 0xFEFF:
			return 0, false
		case r >= 0xA0 && r <= 0xD7FF, r >= 0xE000 && r <= 0xFFFD, r >= 0x10000:
		default:
			return 0, false
		}
		i += size
	}
	return nodes, true
}

type fastLine struct {
	start, end int // the line's bytes, without its newline
	indent     int // leading spaces
	blank      bool
}

type fastDecoder struct {
	src   []byte
	lines []fastLine
	// nodes are handed out in order (used so far); contents holds the
	// collections' Content, each copied from stack once complete.
	nodes    []yaml.Node
	used     int
	contents []*yaml.Node
	stack    []*yaml.Node
}

// start readies the decoder for front, which makes at most n nodes.
func (f *fastDecoder) start(front []byte, n int) {
	f.src = front
	if len(f.nodes) < n {
		f.nodes = make([]yaml.Node, max(n, 256))
	}
	f.splitLines()
}

// release forgets the last decoding (its nodes and what they point to)
// and gives the decoder back for the next brief.
func (f *fastDecoder) release() {
	clear(f.nodes[:f.used])
	clear(f.contents)
	clear(f.stack)
	f.src, f.used, f.contents, f.stack, f.lines = nil, 0, f.contents[:0], f.stack[:0], f.lines[:0]
	decoders.Put(f)
}

// content makes the Content of the collection whose children were pushed
// on the stack since mark (nil for none, as yaml.v3 leaves it).
func (f *fastDecoder) content(mark int) []*yaml.Node {
	n := len(f.stack) - mark
	if n == 0 {
		return nil
	}
	at := len(f.contents)
	if at+n > cap(f.contents) {
		// A new block: the collections made so far keep the old one.
		f.contents = make([]*yaml.Node, 0, max(2*cap(f.contents), n, 256))
		at = 0
	}
	f.contents = append(f.contents, f.stack[mark:]...)
	f.stack = f.stack[:mark]
	return f.contents[at : at+n : at+n]
}

func (f *fastDecoder) splitLines() {
	for off := 0; off <= len(f.src); {
		end := off
		for end < len(f.src) && f.src[end] != '\n' {
			end++
		}
		l := fastLine{start: off, end: end}
		for off+l.indent < end && f.src[off+l.indent] == ' ' {
			l.indent++
		}
		l.blank = off+l.indent == end
		f.lines = append(f.lines, l)
		off = end + 1
	}
}

// node hands out the next node of the decoder's memory.
func (f *fastDecoder) node() *yaml.Node {
	if f.used == len(f.nodes) {
		// Never, if fastChars counted right: a new block, the nodes made
		// so far keep the old one.
		f.nodes, f.used = make([]yaml.Node, 256), 0
	}
	n := &f.nodes[f.used]
	f.used++
	return n
}

// nextLine is the first line from i on that is not blank.
func (f *fastDecoder) nextLine(i int) int {
	for i < len(f.lines) && f.lines[i].blank {
		i++
	}
	return i
}

// col is the 1-based column of byte off of line l, counted in characters
// as yaml.v3 counts them.
func (f *fastDecoder) col(l fastLine, off int) int {
	return utf8.RuneCount(f.src[l.start:off]) + 1
}

// blockMapping reads the mapping whose keys start line i at the given
// indent; it returns the first line after it.
func (f *fastDecoder) blockMapping(i, indent int) (*yaml.Node, int, bool) {
	mark := len(f.stack)
	m := f.node()
	l := f.lines[i]
	*m = yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: i + 1, Column: indent + 1}
	for i < len(f.lines) {
		l = f.lines[i]
		if l.indent < indent {
			break
		}
		if l.indent > indent {
			return nil, 0, false
		}
		key, off, ok := f.blockKey(i, l.start+indent)
		if !ok {
			return nil, 0, false
		}
		var val *yaml.Node
		for off < l.end && f.src[off] == ' ' {
			off++
		}
		if off == l.end {
			// The value is on the lines below: a mapping or a sequence.
			j := f.nextLine(i + 1)
			if j == len(f.lines) {
				return nil, 0, false
			}
			next := f.lines[j]
			switch {
			case f.isEntry(next) && next.indent >= indent:
				val, i, ok = f.blockSequence(j, next.indent)
			case next.indent > indent:
				val, i, ok = f.blockMapping(j, next.indent)
			default:
				ok = false
			}
			if !ok {
				return nil, 0, false
			}
		} else {
			val, ok = f.lineValue(i, off)
			if !ok {
				return nil, 0, false
			}
			i = f.nextLine(i + 1)
		}
		f.stack = append(f.stack, key, val)
	}
	m.Content = f.content(mark)
	return m, i, true
}

// isEntry is true when a line is a block sequence entry ("- ").
func (f *fastDecoder) isEntry(l fastLine) bool {
	at := l.start + l.indent
	return at < l.end && f.src[at] == '-' && (at+1 == l.end || f.src[at+1] == ' ')
}

// blockSequence reads the sequence whose entries start line i at the
// given indent, each a scalar or a flow collection on its line.
func (f *fastDecoder) blockSequence(i, indent int) (*yaml.Node, int, bool) {
	mark := len(f.stack)
	s := f.node()
	*s = yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: i + 1, Column: indent + 1}
	for i < len(f.lines) {
		l := f.lines[i]
		if l.indent < indent || l.indent == indent && !f.isEntry(l) {
			break
		}
		if l.indent > indent {
			return nil, 0, false
		}
		off := l.start + indent + 1
		for off < l.end && f.src[off] == ' ' {
			off++
		}
		if off == l.end {
			return nil, 0, false
		}
		v, ok := f.lineValue(i, off)
		if !ok {
			return nil, 0, false
		}
		f.stack = append(f.stack, v)
		i = f.nextLine(i + 1)
	}
	s.Content = f.content(mark)
	return s, i, true
}

// blockKey reads a plain key at off of line i and its colon; it returns
// the offset past the colon.
func (f *fastDecoder) blockKey(i, off int) (*yaml.Node, int, bool) {
	l := f.lines[i]
	end := off
	for end < l.end && keyChar(f.src[end]) {
		end++
	}
	if end == off || end-off > 512 || end == l.end || f.src[end] != ':' ||
		end+1 < l.end && f.src[end+1] != ' ' || !plainStart(f.src[off:end]) {
		return nil, 0, false
	}
	k, ok := f.plain(i, off, end)
	return k, end + 1, ok
}

// keyChar is a byte of a plain key: letters, digits and a few marks.
func keyChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.' || c == '/' || c >= utf8.RuneSelf
}

// wordChar is an ASCII letter or digit.
func wordChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// plainStart is false when a plain scalar would start with an indicator
// (YAML reads those as something else) or be empty.
func plainStart(s []byte) bool {
	if len(s) == 0 {
		return false
	}
	switch s[0] {
	case '-':
		return len(s) > 1 && s[1] != ' '
	case '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`', ' ':
		return false
	}
	return true
}

// plain makes a plain scalar node of src[start:end] on line i.
func (f *fastDecoder) plain(i, start, end int) (*yaml.Node, bool) {
	v := string(f.src[start:end])
	tag, ok := resolvePlain(v)
	if !ok {
		return nil, false
	}
	n := f.node()
	*n = yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: v, Line: i + 1, Column: f.col(f.lines[i], start)}
	return n, true
}

// lineValue reads the value at off of line i, which ends the line: a
// quoted scalar, a flow collection or a plain scalar.
func (f *fastDecoder) lineValue(i, off int) (*yaml.Node, bool) {
	l := f.lines[i]
	var n *yaml.Node
	var end int
	var ok bool
	switch f.src[off] {
	case '"', '\'':
		n, end, ok = f.quoted(i, off)
	case '[', '{':
		n, end, ok = f.flow(i, off, 0)
	default:
		end = l.end
		for end > off && f.src[end-1] == ' ' {
			end--
		}
		s := f.src[off:end]
		if !plainStart(s) || s[len(s)-1] == ':' || strings.Contains(string(s), ": ") || strings.IndexByte(string(s), '#') >= 0 {
			return nil, false
		}
		n, ok = f.plain(i, off, end)
	}
	if !ok {
		return nil, false
	}
	for end < l.end && f.src[end] == ' ' {
		end++
	}
	if end != l.end {
		return nil, false
	}
	// A more indented line below would continue the value.
	if j := f.nextLine(i + 1); j < len(f.lines) && f.lines[j].indent > f.lines[i].indent {
		return nil, false
	}
	return n, true
}

// quoted reads a one-line quoted scalar without escapes (but a doubled
// quote in single quotes) at off of line i; it returns the offset past
// its closing quote.
func (f *fastDecoder) quoted(i, off int) (*yaml.Node, int, bool) {
	l := f.lines[i]
	q := f.src[off]
	var sb []byte
	plainRun := true // no '' seen: the value is the text between the quotes
	end := off + 1
	for {
		if end == l.end {
			return nil, 0, false
		}
		c := f.src[end]
		if c == '\\' && q == '"' {
			return nil, 0, false
		}
		if c == q {
			if q == '\'' && end+1 < l.end && f.src[end+1] == '\'' {
				if plainRun {
					sb = append(sb, f.src[off+1:end]...)
					plainRun = false
				}
				sb = append(sb, '\'')
				end += 2
				continue
			}
			break
		}
		if !plainRun {
			sb = append(sb, c)
		}
		end++
	}
	var v string
	if plainRun {
		v = string(f.src[off+1 : end])
	} else {
		v = string(sb)
	}
	style := yaml.DoubleQuotedStyle
	if q == '\'' {
		style = yaml.SingleQuotedStyle
	}
	n := f.node()
	*n = yaml.Node{Kind: yaml.ScalarNode, Style: style, Tag: "!!str", Value: v, Line: i + 1, Column: f.col(l, off)}
	return n, end + 1, true
}

// flow reads a flow mapping or sequence at off of line i that closes on
// the same line; it returns the offset past its closing bracket.
func (f *fastDecoder) flow(i, off, depth int) (*yaml.Node, int, bool) {
	l := f.lines[i]
	if depth > 8 {
		return nil, 0, false
	}
	open := f.src[off]
	n := f.node()
	*n = yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle, Tag: "!!seq", Line: i + 1, Column: f.col(l, off)}
	closer := byte(']')
	if open == '{' {
		n.Kind, n.Tag, closer = yaml.MappingNode, "!!map", '}'
	}
	at := f.skipSpaces(l, off+1)
	if at < l.end && f.src[at] == closer {
		return n, at + 1, true
	}
	mark := len(f.stack)
	for {
		if at == l.end {
			return nil, 0, false
		}
		if open == '{' {
			start := at
			for at < l.end && keyChar(f.src[at]) {
				at++
			}
			if at == start || at-start > 512 || at+1 >= l.end || f.src[at] != ':' || f.src[at+1] != ' ' || !plainStart(f.src[start:at]) {
				return nil, 0, false
			}
			k, ok := f.plain(i, start, at)
			if !ok {
				return nil, 0, false
			}
			f.stack = append(f.stack, k)
			at = f.skipSpaces(l, at+1)
			if at == l.end {
				return nil, 0, false
			}
		}
		v, end, ok := f.flowValue(i, at, depth)
		if !ok {
			return nil, 0, false
		}
		f.stack = append(f.stack, v)
		at = f.skipSpaces(l, end)
		if at == l.end {
			return nil, 0, false
		}
		switch f.src[at] {
		case closer:
			n.Content = f.content(mark)
			return n, at + 1, true
		case ',':
			at = f.skipSpaces(l, at+1)
			if at < l.end && (f.src[at] == closer || f.src[at] == ',') {
				return nil, 0, false
			}
		default:
			return nil, 0, false
		}
	}
}

func (f *fastDecoder) skipSpaces(l fastLine, off int) int {
	for off < l.end && f.src[off] == ' ' {
		off++
	}
	return off
}

// flowValue reads one value inside a flow collection.
func (f *fastDecoder) flowValue(i, off, depth int) (*yaml.Node, int, bool) {
	l := f.lines[i]
	switch f.src[off] {
	case '"', '\'':
		return f.quoted(i, off)
	case '[', '{':
		return f.flow(i, off, depth+1)
	}
	end := off
	for end < l.end {
		c := f.src[end]
		if c == ',' || c == ']' || c == '}' || c == '[' || c == '{' {
			break
		}
		// A colon inside a word (us-gaap:Revenue) is part of it, as in
		// yaml.v3; any other is left to yaml.v3.
		if c == ':' && (end+1 == l.end || !wordChar(f.src[end+1])) || c == '#' || c == '?' || c == '"' || c == '\'' {
			return nil, 0, false
		}
		end++
	}
	stop := end
	for stop > off && f.src[stop-1] == ' ' {
		stop--
	}
	if !plainStart(f.src[off:stop]) {
		return nil, 0, false
	}
	n, ok := f.plain(i, off, stop)
	return n, stop, ok
}

// resolvePlain is the tag yaml.v3 gives a plain scalar (its resolve, for
// an untagged value); it is false for a merge key, left to yaml.v3.
func resolvePlain(in string) (string, bool) {
	if in == "<<" {
		return "", false
	}
	hint := byte('N')
	if in != "" {
		hint = fastResolveTable(in[0])
	}
	if hint == 0 {
		return "!!str", true
	}
	switch in {
	case "true", "True", "TRUE", "false", "False", "FALSE":
		return "!!bool", true
	case "", "~", "null", "Null", "NULL":
		return "!!null", true
	case ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF":
		return "!!float", true
	}
	switch hint {
	case 'M':
		return "!!str", true
	case '.':
		if _, err := strconv.ParseFloat(in, 64); err == nil {
			return "!!float", true
		}
		return "!!str", true
	}
	// 'D' or 'S': a timestamp, an int or a float, else text. The two
	// shapes briefs are full of, dates and decimals, are told apart
	// without the failed parses (and their errors) on the way.
	if isDate(in) {
		if _, err := time.Parse("2006-01-02", in); err != nil {
			return "!!str", true
		}
		return "!!timestamp", true
	}
	if isDecimal(in) {
		return "!!float", true
	}
	if yamlTimestamp(in) {
		return "!!timestamp", true
	}
	plain := strings.ReplaceAll(in, "_", "")
	if _, err := strconv.ParseInt(plain, 0, 64); err == nil {
		return "!!int", true
	}
	if _, err := strconv.ParseUint(plain, 0, 64); err == nil {
		return "!!int", true
	}
	if yamlFloat.MatchString(plain) {
		if _, err := strconv.ParseFloat(plain, 64); err == nil {
			return "!!float", true
		}
	}
	switch {
	case strings.HasPrefix(plain, "0b"):
		if _, err := strconv.ParseInt(plain[2:], 2, 64); err == nil {
			return "!!int", true
		}
		if _, err := strconv.ParseUint(plain[2:], 2, 64); err == nil {
			return "!!int", true
		}
	case strings.HasPrefix(plain, "-0b"):
		if _, err := strconv.ParseInt("-"+plain[3:], 2, 64); err == nil {
			return "!!int", true
		}
	}
	switch {
	case strings.HasPrefix(plain, "0o"):
		if _, err := strconv.ParseInt(plain[2:], 8, 64); err == nil {
			return "!!int", true
		}
		if _, err := strconv.ParseUint(plain[2:], 8, 64); err == nil {
			return "!!int", true
		}
	case strings.HasPrefix(plain, "-0o"):
		if _, err := strconv.ParseInt("-"+plain[3:], 8, 64); err == nil {
			return "!!int", true
		}
	}
	return "!!str", true
}

// isDate is true for text shaped YYYY-MM-DD, which yaml.v3 reads as a
// timestamp if it is a real date (no other format of its fits ten
// characters without a T or a space) and else as text.
func isDate(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if i != 4 && i != 7 && (s[i] < '0' || s[i] > '9') {
			return false
		}
	}
	return true
}

// isDecimal is true for [-+]?digits.digits, which no integer parse reads
// and yaml.v3's float pattern does.
func isDecimal(s string) bool {
	if s != "" && (s[0] == '-' || s[0] == '+') {
		s = s[1:]
	}
	whole, frac, ok := strings.Cut(s, ".")
	return ok && allDigits(whole) && allDigits(frac)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// fastResolveTable is yaml.v3's hint for a scalar's first byte: S sign,
// D digit, M maybe in its map of words, . maybe a float, 0 text.
func fastResolveTable(c byte) byte {
	switch {
	case c == '+' || c == '-':
		return 'S'
	case c >= '0' && c <= '9':
		return 'D'
	case strings.IndexByte("yYnNtTfFoO~<", c) >= 0:
		return 'M'
	case c == '.':
		return '.'
	}
	return 0
}

var yamlFloat = regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)

// yamlTimestamp is yaml.v3's parseTimestamp: a value starting YYYY- that
// one of its formats reads.
func yamlTimestamp(s string) bool {
	i := 0
	for ; i < len(s); i++ {
		if c := s[i]; c < '0' || c > '9' {
			break
		}
	}
	if i != 4 || i == len(s) || s[i] != '-' {
		return false
	}
	for _, format := range []string{"2006-1-2T15:4:5.999999999Z07:00", "2006-1-2t15:4:5.999999999Z07:00", "2006-1-2 15:4:5.999999999", "2006-1-2"} {
		if _, err := time.Parse(format, s); err == nil {
			return true
		}
	}
	return false
}
