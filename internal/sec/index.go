package sec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io/fs"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// A company-facts file is megabytes of JSON of which a build needs a few
// concepts, so briefs fetch sec writes an index beside it
// (CIK##########.index) giving where each concept lies, and a build that
// finds one reads a few kilobytes of the file instead of all of it. Even
// checksumming whole files would cost a build of a thousand companies
// gigabytes of reading, so the index is checked where it is used: the file
// must have the size it names, the bytes around the facts (the CIK and the
// company's name) their checksum, and each concept read its key at the
// place named and its value the checksum named. Any other index (stale,
// of another file, damaged, of an older format) is ignored and the file
// read in full, as it is without an index (a file copied by hand); so is a
// concept the index lacks or places wrongly.
//
// What a build does not see through an index is damage to concepts it does
// not read, in a file of unchanged size: those concepts are not used.

const indexHeader = "briefs company-facts index 1\n"

// IndexName is the name of the index beside a company-facts file.
func IndexName(factsName string) string {
	return strings.TrimSuffix(factsName, ".json") + ".index"
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Index returns the index of a company-facts file held in data, which c
// was parsed from (Parse).
func (c *Company) Index(data []byte) []byte {
	var b bytes.Buffer
	b.WriteString(indexHeader)
	sum := func(from, end int64) uint32 { return crc32.Checksum(data[from:end], castagnoli) }
	size := int64(len(data))
	fmt.Fprintf(&b, "size %d\nhead %d %08x\ntail %d %08x\n", size, c.factsAt.start, sum(0, c.factsAt.start), c.factsAt.end, sum(c.factsAt.end, size))
	for i, n := range c.spans.list() {
		sp := c.spans.ents[i].span
		fmt.Fprintf(&b, "%s %d %d %d %08x\n", strconv.Quote(n), sp.key, sp.start, sp.end, sum(sp.start, sp.end))
	}
	return b.Bytes()
}

// index is a parsed index file. Its concept lines are checked when it is
// read but kept as written and looked up when a brief names a concept:
// a build needs two or three of a file's hundreds of concepts, and
// building a table of them all was most of what opening a file cost.
type index struct {
	size       int64
	head, tail span // [0, head.end) and [tail.start, size) with their checksums
	lines      []byte
}

// parseIndex reads an index file; ok is false for anything malformed,
// which the caller ignores like a missing index.
func parseIndex(data []byte) (ix *index, ok bool) {
	rest, found := bytes.CutPrefix(data, []byte(indexHeader))
	if !found {
		return nil, false
	}
	line := func() []byte {
		l, r, _ := bytes.Cut(rest, []byte("\n"))
		rest = r
		return l
	}
	bad := false
	// nums reads n decimal numbers and a checksum in hexadecimal.
	nums := func(s []byte, n int) ([]int64, uint32) {
		out := make([]int64, n)
		crc, ok := numbers(s, out)
		bad = bad || !ok
		return out, crc
	}
	field := func(key string) []byte {
		v, ok := bytes.CutPrefix(line(), []byte(key+" "))
		bad = bad || !ok
		return v
	}
	ix = &index{}
	var err error
	if ix.size, err = strconv.ParseInt(string(field("size")), 10, 64); err != nil {
		return nil, false
	}
	n, crc := nums(field("head"), 1)
	ix.head = span{end: n[0], crc: crc}
	n, crc = nums(field("tail"), 1)
	ix.tail = span{start: n[0], end: ix.size, crc: crc}
	if bad || ix.head.end > ix.tail.start || ix.tail.start > ix.size {
		return nil, false
	}
	ix.lines = rest
	for len(rest) > 0 {
		if _, _, ok := ix.line(line()); !ok {
			return nil, false
		}
	}
	return ix, true
}

// line reads a concept's line, "us-gaap:Revenues" 1234 1250 98765 1a2b3c4d:
// the end of the concept's key, where its value starts and ends, and the
// value's checksum. q is the name as quoted.
func (ix *index) line(l []byte) (q []byte, sp span, ok bool) {
	q = quotedPrefix(l)
	if q == nil {
		return nil, span{}, false
	}
	var n [3]int64
	crc, ok := numbers(l[len(q):], n[:])
	sp = span{key: n[0], start: n[1], end: n[2], crc: crc}
	if !ok || sp.key > sp.start || sp.start >= sp.end || sp.end > ix.tail.start || sp.key < ix.head.end {
		return nil, span{}, false
	}
	return q, sp, true
}

// get returns where the index places a concept; of lines naming it twice,
// the last counts.
func (ix *index) get(name string) (span, bool) {
	key := append(append([]byte{'\n'}, strconv.Quote(name)...), ' ')
	i := -1
	if bytes.HasPrefix(ix.lines, key[1:]) {
		i = 0
	}
	// Forward, as bytes.Index is much faster than bytes.LastIndex.
	for from := 0; ; {
		j := bytes.Index(ix.lines[from:], key)
		if j < 0 {
			break
		}
		i = from + j + 1 // past the line end before it
		from = i
	}
	if i < 0 {
		return span{}, false
	}
	l, _, _ := bytes.Cut(ix.lines[i:], []byte("\n"))
	_, sp, ok := ix.line(l)
	return sp, ok
}

// quotedPrefix returns the Go-quoted string at the start of l, or nil.
func quotedPrefix(l []byte) []byte {
	if len(l) > 0 && l[0] == '"' {
		// The names briefs fetch sec writes need no escapes: no allocation.
		if j := bytes.IndexAny(l[1:], `"\`); j >= 0 && l[1+j] == '"' {
			return l[:j+2]
		}
	}
	q, err := strconv.QuotedPrefix(string(l))
	if err != nil {
		return nil
	}
	return l[:len(q)]
}

// numbers reads len(out) decimal numbers and a checksum of eight
// hexadecimal digits, separated by spaces, without allocating.
func numbers(s []byte, out []int64) (crc uint32, ok bool) {
	f := fields(s)
	for i := range out {
		d := f()
		if len(d) == 0 || len(d) > 18 {
			return 0, false
		}
		v := int64(0)
		for _, c := range d {
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int64(c-'0')
		}
		out[i] = v
	}
	h := f()
	if len(h) != 8 || len(f()) != 0 {
		return 0, false
	}
	for _, c := range h {
		var x byte
		switch {
		case '0' <= c && c <= '9':
			x = c - '0'
		case 'a' <= c && c <= 'f':
			x = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			x = c - 'A' + 10
		default:
			return 0, false
		}
		crc = crc<<4 | uint32(x)
	}
	return crc, true
}

// fields returns the space-separated fields of s one by one, then nil.
func fields(s []byte) func() []byte {
	return func() []byte {
		s = bytes.TrimLeft(s, " \t\r")
		i := bytes.IndexAny(s, " \t\r")
		if i < 0 {
			i = len(s)
		}
		f := s[:i]
		s = s[i:]
		return f
	}
}

// openIndexed opens a company-facts file through its index, or returns nil
// when there is none or it does not fit the file.
func openIndexed(fsys fs.FS, name string) *Company {
	data, err := fs.ReadFile(fsys, IndexName(name))
	if err != nil {
		return nil
	}
	ix, ok := parseIndex(data)
	if !ok {
		return nil
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil
	}
	defer f.Close()
	if info, err := f.Stat(); err != nil || info.Size() != ix.size {
		return nil
	}
	var around [2][]byte
	for i, sp := range []span{ix.head, ix.tail} {
		around[i], err = readFrom(f, sp.start, sp.end)
		if err != nil || crc32.Checksum(around[i], castagnoli) != sp.crc {
			return nil
		}
	}
	// The file without its facts, {"cik":1018724,"entityName":"…","facts":null},
	// gives the company's number and name.
	var head struct {
		CIK  json.RawMessage `json:"cik"`
		Name string          `json:"entityName"`
	}
	doc := slices.Concat(around[0], []byte(":null"), around[1])
	if json.Unmarshal(doc, &head) != nil {
		return nil
	}
	cik, err := strconv.ParseInt(strings.Trim(string(head.CIK), `"`), 10, 64)
	if err != nil || cik <= 0 {
		return nil
	}
	return &Company{File: name, CIK: cik, Name: head.Name, fsys: fsys, index: ix, concepts: map[string]*Concept{}}
}

// keyAt tells whether lead, the bytes an index says come before a
// concept's value, are its key and a colon: an index whose checksum matches
// but whose offsets do not is not trusted.
func keyAt(local string, lead []byte) bool {
	rest, ok := bytes.CutPrefix(lead, []byte(`"`+local+`"`))
	return ok && string(bytes.TrimSpace(rest)) == ":"
}

// spanTable maps concept names to where they lie without pointers: a build
// holds the tables of a thousand files, hundreds of concepts each, and as
// maps of strings they gave the garbage collector that much more to scan
// in every cycle of the build.
type spanTable struct {
	names []byte    // the names, back to back
	ents  []spanEnt // sorted by name
}

type spanEnt struct {
	off, n uint32 // the name in names
	span
}

func newSpanTable(m map[string]span) spanTable {
	keys := make([]string, 0, len(m))
	size := 0
	for k := range m {
		keys = append(keys, k)
		size += len(k)
	}
	sort.Strings(keys)
	t := spanTable{names: make([]byte, 0, size), ents: make([]spanEnt, len(keys))}
	for i, k := range keys {
		t.ents[i] = spanEnt{off: uint32(len(t.names)), n: uint32(len(k)), span: m[k]}
		t.names = append(t.names, k...)
	}
	return t
}

func (t *spanTable) name(i int) string {
	e := &t.ents[i]
	return string(t.names[e.off : e.off+e.n])
}

// get returns the span of a concept.
func (t *spanTable) get(name string) (span, bool) {
	i := sort.Search(len(t.ents), func(i int) bool {
		e := &t.ents[i]
		return string(t.names[e.off:e.off+e.n]) >= name
	})
	if i < len(t.ents) && t.name(i) == name {
		return t.ents[i].span, true
	}
	return span{}, false
}

// list returns every concept's name, sorted.
func (t *spanTable) list() []string {
	out := make([]string, len(t.ents))
	for i := range t.ents {
		out[i] = t.name(i)
	}
	return out
}
