// Package sec reads the SEC's XBRL "company facts" files and ticker map,
// matches a brief's figures with the facts filed for their period, and
// downloads the files from the SEC (briefs fetch sec).
package sec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/briefs/briefs/internal/diag"
	"github.com/shopspring/decimal"
)

// Fact is one value of a concept as one filing reports it.
type Fact struct {
	// Start is zero for an instant (a balance-sheet value).
	Start, End time.Time
	Val        decimal.Decimal
	Accn, Form string
	FY         int
	FP, Frame  string
	Filed      time.Time
}

// Instant tells whether the fact is a value at a point in time.
func (f *Fact) Instant() bool { return f.Start.IsZero() }

// Days is the length of the fact's period, both ends included (a calendar
// year is 365 or 366), and 0 for an instant.
func (f *Fact) Days() int {
	if f.Instant() {
		return 0
	}
	return int(f.End.Sub(f.Start).Hours()/24) + 1
}

// Period describes the fact's period: "2024-01-01 to 2024-12-31" or, for an
// instant, "2024-12-31".
func (f *Fact) Period() string {
	if f.Instant() {
		return f.End.Format(dateLayout)
	}
	return f.Start.Format(dateLayout) + " to " + f.End.Format(dateLayout)
}

// IndexURL is the address of the filing's index page on EDGAR.
func IndexURL(cik int64, accn string) string {
	// Written out rather than formatted: a build cites a filing for every
	// figure it checks.
	return "https://www.sec.gov/Archives/edgar/data/" + strconv.FormatInt(cik, 10) + "/" + strings.ReplaceAll(accn, "-", "") + "/" + accn + "-index.htm"
}

// Concept is the facts filed for one concept ("us-gaap:OperatingIncomeLoss"),
// by unit ("USD", "shares", "USD/shares"). The facts are held compactly
// (a build may hold a few concepts of a thousand companies) and expanded
// into Facts only where asked for.
type Concept struct {
	Name  string
	Label string
	units map[string]*table
}

// table is one unit's facts, sorted by end date.
type table struct {
	rows    []row
	filings []filing // shared by the rows: accession, form, fy, fp
	frames  []string
	vals    []byte // the values as filed, back to back
}

// row is a fact in 28 bytes: dates as days since 1970, the rest as indexes.
type row struct {
	start, end, filed int32 // start is noStart for an instant
	filing, frame     uint32
	val, valLen       uint32
}

type filing struct {
	accn, form, fp string
	fy             int
}

const noStart = math.MinInt32

func days(t time.Time) int32 { return int32(t.Unix() / 86400) }

func date(d int32) time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// Units returns the units the concept is filed in, sorted.
func (k *Concept) Units() []string {
	us := make([]string, 0, len(k.units))
	for u := range k.units {
		us = append(us, u)
	}
	sort.Strings(us)
	return us
}

// Facts returns every fact in a unit, sorted by end date.
func (k *Concept) Facts(unit string) []Fact {
	t := k.units[unit]
	if t == nil {
		return nil
	}
	out := make([]Fact, len(t.rows))
	for i := range t.rows {
		out[i] = t.fact(&t.rows[i])
	}
	return out
}

// Match is Match over the concept's facts in a unit, expanding only the
// facts that end near end.
func (k *Concept) Match(unit string, end time.Time, kind Kind, tolerance int) []Fact {
	t := k.units[unit]
	if t == nil {
		return nil
	}
	lo, hi := days(end)-int32(tolerance), days(end)+int32(tolerance)
	i := sort.Search(len(t.rows), func(i int) bool { return t.rows[i].end >= lo })
	var near []Fact
	for ; i < len(t.rows) && t.rows[i].end <= hi; i++ {
		near = append(near, t.fact(&t.rows[i]))
	}
	return Match(near, end, kind, tolerance)
}

func (t *table) fact(r *row) Fact {
	fl := t.filings[r.filing]
	f := Fact{End: date(r.end), Filed: date(r.filed), Accn: fl.accn, Form: fl.form, FY: fl.fy, FP: fl.fp, Frame: t.frames[r.frame]}
	if r.start != noStart {
		f.Start = date(r.start)
	}
	// Validated when the concept was read.
	f.Val, _ = decimal.NewFromString(string(t.vals[r.val : r.val+r.valLen]))
	return f
}

const dateLayout = "2006-01-02"

// span is where a concept's JSON value lies in its file, and where its
// key's closing quote is; crc is the value's CRC-32C when read from an
// index.
type span struct {
	key, start, end int64
	crc             uint32
}

// Company is one company-facts file. Opening it reads the whole file once to
// index where each concept lies (or takes that from the file's index, see
// index.go); a concept's facts are decoded only when asked for, so a build
// keeps just the concepts its briefs name.
type Company struct {
	// File is the file's path as shown in messages (data/sec/CIK0001018724.json).
	File string
	CIK  int64
	Name string

	fsys fs.FS

	mu       sync.Mutex
	spans    spanTable
	factsAt  span   // from after the key "facts" to the end of its value
	index    *index // where the concepts lie, from an index file checked as it is used; nil once the file is read in full
	concepts map[string]*Concept
}

// FileName is the name the SEC gives a company's facts file.
func FileName(cik int64) string { return fmt.Sprintf("CIK%010d.json", cik) }

// Open indexes the company-facts file at name in fsys, through the index
// beside it when that matches the file. A malformed file is a *diag.Error at
// the offending position.
func Open(fsys fs.FS, name string) (*Company, error) {
	if c := openIndexed(fsys, name); c != nil {
		return c, nil
	}
	return openScan(fsys, name)
}

// openScan indexes the file by reading it in full.
func openScan(fsys fs.FS, name string) (*Company, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, &diag.Error{File: name, Msg: fmt.Sprintf("cannot read the company facts: %v", unwrapPath(err)), Err: err}
	}
	defer f.Close()
	c, err := scan(f)
	if err != nil {
		return nil, positioned(fsys, name, err)
	}
	c.File, c.fsys = name, fsys
	return c, nil
}

// Parse indexes company facts held in memory (a download being checked).
func Parse(name string, data []byte) (*Company, error) {
	c, err := scan(bytes.NewReader(data))
	if err != nil {
		return nil, positionedData(name, data, err)
	}
	c.File, c.fsys = name, memFS{name: name, data: data}
	return c, nil
}

// offsetError is a problem at a byte offset of a file; syntax marks a JSON
// syntax error, whose exact position and wording the caller recovers by
// validating the whole file.
type offsetError struct {
	off    int64
	msg    string
	syntax bool
}

func (e *offsetError) Error() string { return e.msg }

// scan reads a company-facts file token by token. Each concept's value is
// read as raw bytes and only its position kept, so memory stays small
// however large the file.
func scan(r io.Reader) (*Company, error) {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	c := &Company{concepts: map[string]*Concept{}}
	spans := map[string]span{}
	sc := &scanner{dec: dec}
	var raw json.RawMessage
	if err := sc.open("the company facts"); err != nil {
		return nil, err
	}
	sawFacts := false
	for dec.More() {
		k, err := sc.key()
		if err != nil {
			return nil, err
		}
		switch k {
		case "cik":
			if err := dec.Decode(&raw); err != nil {
				return nil, sc.wrap(err)
			}
			n, err := strconv.ParseInt(strings.Trim(string(raw), `"`), 10, 64)
			if err != nil || n <= 0 {
				return nil, sc.bad("cik must be a number, not %s", raw)
			}
			c.CIK = n
		case "entityName":
			if err := dec.Decode(&c.Name); err != nil {
				return nil, sc.wrap(err)
			}
		case "facts":
			sawFacts = true
			c.factsAt.start = dec.InputOffset()
			if err := sc.facts(spans); err != nil {
				return nil, err
			}
			c.factsAt.end = dec.InputOffset()
		default:
			if err := dec.Decode(&raw); err != nil {
				return nil, sc.wrap(err)
			}
		}
	}
	if err := sc.closeObj(); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, sc.bad("unexpected data after the company facts")
	}
	if !sawFacts {
		return nil, &offsetError{off: 0, msg: "no facts: this is not an SEC company-facts file"}
	}
	c.spans = newSpanTable(spans)
	return c, nil
}

// scanner reads a company-facts file's JSON tokens, its errors carrying the
// offset where they occur.
type scanner struct {
	dec *json.Decoder
}

func (sc *scanner) bad(format string, args ...any) error {
	return &offsetError{off: sc.dec.InputOffset(), msg: fmt.Sprintf(format, args...)}
}

// wrap gives a decoder's error the offset it occurred at.
func (sc *scanner) wrap(err error) error {
	if err == nil {
		return nil
	}
	var oe *offsetError
	if errors.As(err, &oe) {
		return err
	}
	return &offsetError{off: sc.dec.InputOffset(), msg: err.Error(), syntax: true}
}

// open reads the start of an object, what naming it in the error.
func (sc *scanner) open(what string) error {
	t, err := sc.dec.Token()
	if err != nil {
		return sc.wrap(err)
	}
	if d, ok := t.(json.Delim); !ok || d != '{' {
		return sc.bad("%s must be an object", what)
	}
	return nil
}

func (sc *scanner) key() (string, error) {
	t, err := sc.dec.Token()
	if err != nil {
		return "", sc.wrap(err)
	}
	return t.(string), nil // inside an object the decoder only yields string keys
}

func (sc *scanner) closeObj() error {
	_, err := sc.dec.Token()
	return sc.wrap(err)
}

// facts reads the facts object, taxonomy by taxonomy, keeping where each
// concept's key ends and its value lies in the file.
func (sc *scanner) facts(spans map[string]span) error {
	var raw json.RawMessage
	if err := sc.open("facts"); err != nil {
		return err
	}
	for sc.dec.More() {
		tax, err := sc.key()
		if err != nil {
			return err
		}
		if err := sc.open("facts." + tax); err != nil {
			return err
		}
		for sc.dec.More() {
			name, err := sc.key()
			if err != nil {
				return err
			}
			keyEnd := sc.dec.InputOffset()
			if err := sc.dec.Decode(&raw); err != nil {
				return sc.wrap(err)
			}
			end := sc.dec.InputOffset()
			if len(raw) == 0 || raw[0] != '{' {
				return &offsetError{off: end - int64(len(raw)), msg: fmt.Sprintf("%s:%s must be an object with units", tax, name)}
			}
			spans[tax+":"+name] = span{key: keyEnd, start: end - int64(len(raw)), end: end}
		}
		if err := sc.closeObj(); err != nil {
			return err
		}
	}
	return sc.closeObj()
}

// Concepts returns the names of every concept in the file, sorted.
func (c *Company) Concepts() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.index != nil {
		// A listing is what an error shows; it must be the file's, not the index's.
		if err := c.rescan(); err != nil {
			return nil
		}
	}
	return c.spans.list()
}

// Concept decodes the named concept's facts (once; later calls share them).
// It returns nil and no error when the file has no such concept.
func (c *Company) Concept(name string) (*Concept, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if k, ok := c.concepts[name]; ok {
		return k, nil
	}
	data, sp, err := c.read(name)
	if err != nil || data == nil {
		return nil, err
	}
	k, err := decodeConcept(name, data)
	if err != nil {
		var oe *offsetError
		if errors.As(err, &oe) {
			oe.off += sp.start
		}
		return nil, positioned(c.fsys, c.File, err)
	}
	c.concepts[name] = k
	return k, nil
}

// read returns the bytes of a concept's value and where they lie, or nil
// when the file has no such concept. Offsets from an index are checked
// against the key they must follow; a concept missing from an index or
// found elsewhere than it says is looked up in the file itself.
func (c *Company) read(name string) ([]byte, span, error) {
	if c.index != nil {
		if sp, ok := c.index.get(name); ok {
			_, local, _ := strings.Cut(name, ":")
			from := sp.key - int64(len(local)+2) // the key's opening quote
			data, err := readRange(c.fsys, c.File, max(from, 0), sp.end)
			if err == nil && from >= 0 && keyAt(local, data[:sp.start-from]) && crc32.Checksum(data[sp.start-from:], castagnoli) == sp.crc {
				return data[sp.start-from:], sp, nil
			}
		}
		// Missing from the index, or not where it says: read the file.
		if err := c.rescan(); err != nil {
			return nil, span{}, err
		}
	}
	sp, ok := c.spans.get(name)
	if !ok {
		return nil, span{}, nil
	}
	data, err := readRange(c.fsys, c.File, sp.start, sp.end)
	if err != nil {
		return nil, span{}, &diag.Error{File: c.File, Msg: fmt.Sprintf("reading %s: %v", name, err), Err: err}
	}
	return data, sp, nil
}

// rescan replaces an index with where the file's own concepts lie.
func (c *Company) rescan() error {
	fresh, err := openScan(c.fsys, c.File)
	if err != nil {
		return err
	}
	c.spans, c.index = fresh.spans, nil
	return nil
}

type factJSON struct {
	Start string      `json:"start"`
	End   string      `json:"end"`
	Val   json.Number `json:"val"`
	Accn  string      `json:"accn"`
	FY    json.Number `json:"fy"`
	FP    string      `json:"fp"`
	Form  string      `json:"form"`
	Filed string      `json:"filed"`
	Frame string      `json:"frame"`
}

func decodeConcept(name string, data []byte) (*Concept, error) {
	// Each fact has an accession number: room for them all at once.
	cb := newConceptBuilder(name, bytes.Count(data, []byte(`"accn"`)), len(data))
	label, ok := quickFacts(data, cb.unit, cb.fact)
	if !ok {
		var raw conceptJSON
		if err := json.Unmarshal(data, &raw); err != nil {
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) {
				return nil, &offsetError{off: te.Offset, msg: fmt.Sprintf("%s: %s must be %s, not %s", name, te.Field, typeName(te.Type), te.Value)}
			}
			return nil, &offsetError{msg: fmt.Sprintf("%s: %v", name, err)}
		}
		if raw.Units == nil {
			return nil, &offsetError{msg: fmt.Sprintf("%s has no units", name)}
		}
		cb = newConceptBuilder(name, 0, 0)
		for unit, list := range raw.Units {
			cb.unit(unit)
			for i := range list {
				cb.fact(&list[i])
			}
		}
		label = raw.Label
	}
	return cb.done(label)
}

// conceptBuilder puts a concept's facts into tables as they are read,
// unit by unit: the facts are not held as decoded, which was most of what
// checking a build's figures allocated.
type conceptBuilder struct {
	k   *Concept
	err error // the first fact that is not valid

	rows    []row  // room for every unit's rows
	vals    []byte // room for every unit's values
	t       *table
	unitOf  string
	n       int // facts read in the unit
	from    int // where the unit's rows start in rows
	filings map[filing]uint32
	frames  map[string]uint32
}

func newConceptBuilder(name string, facts, size int) *conceptBuilder {
	return &conceptBuilder{k: &Concept{Name: name, units: map[string]*table{}},
		rows: make([]row, 0, facts), vals: make([]byte, 0, min(facts*16, size)),
		filings: map[filing]uint32{}, frames: map[string]uint32{}}
}

// unit starts a unit's facts; unit may be part of the concept's text.
func (cb *conceptBuilder) unit(unit string) {
	cb.end()
	cb.unitOf = strings.Clone(unit)
	cb.t = &table{}
	cb.k.units[cb.unitOf] = cb.t
	cb.n, cb.from = 0, len(cb.rows)
	clear(cb.filings)
	clear(cb.frames)
}

// end finishes the unit being read: its rows and values are the ones
// added since it started.
func (cb *conceptBuilder) end() {
	t := cb.t
	if t == nil {
		return
	}
	t.rows = cb.rows[cb.from:len(cb.rows):len(cb.rows)]
	sort.SliceStable(t.rows, func(i, j int) bool { return t.rows[i].end < t.rows[j].end })
	cb.t = nil
}

// fact adds a fact to the unit being read; its strings may be parts of
// the concept's text, and are copied only where kept.
func (cb *conceptBuilder) fact(fj *factJSON) {
	cb.n++
	if cb.err != nil {
		return
	}
	start, end, filed, err := fj.check()
	if err != nil {
		cb.err = &offsetError{msg: fmt.Sprintf("%s: fact %d in %s: %v", cb.k.Name, cb.n, cb.unitOf, err)}
		return
	}
	t := cb.t
	fy, _ := strconv.Atoi(string(fj.FY))
	fl := filing{accn: fj.Accn, form: fj.Form, fp: fj.FP, fy: fy}
	fi, ok := cb.filings[fl]
	if !ok {
		fi = uint32(len(t.filings))
		cb.filings[fl] = fi
		t.filings = append(t.filings, filing{accn: strings.Clone(fl.accn), form: strings.Clone(fl.form), fp: strings.Clone(fl.fp), fy: fy})
	}
	fr, ok := cb.frames[fj.Frame]
	if !ok {
		fr = uint32(len(t.frames))
		cb.frames[fj.Frame] = fr
		t.frames = append(t.frames, strings.Clone(fj.Frame))
	}
	// The values of every unit share one array (done).
	cb.rows = append(cb.rows, row{start: start, end: end, filed: filed, filing: fi, frame: fr,
		val: uint32(len(cb.vals)), valLen: uint32(len(fj.Val))})
	cb.vals = append(cb.vals, fj.Val...)
}

// done returns the concept, or the first fact that is not valid.
func (cb *conceptBuilder) done(label *string) (*Concept, error) {
	cb.end()
	if cb.err != nil {
		return nil, cb.err
	}
	for _, t := range cb.k.units {
		t.vals = cb.vals
	}
	if label != nil {
		cb.k.Label = strings.Clone(*label)
	}
	return cb.k, nil
}

func typeName(t reflect.Type) string {
	if t == reflect.TypeFor[json.Number]() {
		return "a number"
	}
	return kindName(t.Kind().String())
}

func kindName(k string) string {
	switch k {
	case "string":
		return "text"
	case "int", "int64", "float64":
		return "a number"
	}
	return "a " + k
}

// check validates a fact and returns its dates as days since 1970 (start
// is noStart for an instant). The value is a valid JSON number already.
func (fj *factJSON) check() (start, end, filed int32, err error) {
	day := func(field, s string) (int32, error) {
		d, ok := parseDay(s)
		if !ok {
			return 0, fmt.Errorf("%s %q is not a date (YYYY-MM-DD)", field, s)
		}
		return d, nil
	}
	if end, err = day("end", fj.End); err != nil {
		return
	}
	start = noStart
	if fj.Start != "" {
		if start, err = day("start", fj.Start); err != nil {
			return
		}
		if start > end {
			err = fmt.Errorf("start %s is after end %s", fj.Start, fj.End)
			return
		}
	}
	if filed, err = day("filed", fj.Filed); err != nil {
		return
	}
	switch {
	case fj.Val == "":
		err = errors.New("val is missing")
	case fj.Accn == "":
		err = errors.New("accn (the accession number) is missing")
	}
	return
}

// parseDay reads YYYY-MM-DD as days since 1970 (faster than time.Parse,
// which matters when a build reads thousands of facts).
func parseDay(s string) (int32, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, false
	}
	num := func(t string) int {
		n := 0
		for i := 0; i < len(t); i++ {
			c := t[i]
			if c < '0' || c > '9' {
				return -1
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	y, m, d := num(s[:4]), num(s[5:7]), num(s[8:])
	if y < 0 || m < 1 || m > 12 || d < 1 {
		return 0, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d { // 2024-02-30 would roll over into March
		return 0, false
	}
	return days(t), true
}

// readRange reads bytes from to end of a file.
func readRange(fsys fs.FS, name string, from, end int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readFrom(f, from, end)
}

// readFrom reads bytes from to end of an open file.
func readFrom(f fs.File, from, end int64) ([]byte, error) {
	buf := make([]byte, end-from)
	var err error
	if ra, ok := f.(io.ReaderAt); ok {
		_, err = ra.ReadAt(buf, from)
	} else {
		if _, err = io.CopyN(io.Discard, f, from); err == nil {
			_, err = io.ReadFull(f, buf)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("the file changed while the build read it: %v", err)
	}
	return buf, nil
}

// positioned turns a scan error into a *diag.Error with line and column,
// reading the file again only on this failure path.
func positioned(fsys fs.FS, name string, err error) error {
	var oe *offsetError
	if !errors.As(err, &oe) {
		return diag.Wrap(name, diag.Pos{}, err)
	}
	data, rerr := fs.ReadFile(fsys, name)
	if rerr != nil {
		return &diag.Error{File: name, Msg: oe.msg}
	}
	return positionedData(name, data, err)
}

func positionedData(name string, data []byte, err error) error {
	var oe *offsetError
	if !errors.As(err, &oe) {
		return diag.Wrap(name, diag.Pos{}, err)
	}
	off, msg := oe.off, oe.msg
	if oe.syntax {
		// The decoder's own offsets are relative to the value it was reading;
		// validating the whole file gives the exact place and wording.
		var v json.RawMessage
		uerr := json.Unmarshal(data, &v)
		var se *json.SyntaxError
		switch {
		case errors.As(uerr, &se) && se.Offset >= int64(len(data)):
			off, msg = int64(len(data)), se.Error() // cut short: point past the end
		case errors.As(uerr, &se):
			off, msg = max(se.Offset-1, 0), se.Error()
		case uerr != nil:
			msg = uerr.Error()
		}
	}
	p := diag.NewLines(data).Pos(int(off))
	return &diag.Error{File: name, Line: p.Line, Col: p.Col, Msg: msg}
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// memFS serves one in-memory file, so that a Company parsed from a download
// decodes its concepts like one opened from disk.
type memFS struct {
	name string
	data []byte
}

func (m memFS) Open(name string) (fs.File, error) {
	if name != m.name {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return &memFile{Reader: bytes.NewReader(m.data)}, nil
}

type memFile struct{ *bytes.Reader }

func (*memFile) Stat() (fs.FileInfo, error) { return nil, errors.New("not supported") }
func (*memFile) Close() error               { return nil }

// release lets go of the decoded concepts, and tells whether the company
// is cheap to open again (through its index) rather than worth keeping
// for where its concepts lie.
func (c *Company) release() (reopen bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.concepts)
	return c.index != nil
}
