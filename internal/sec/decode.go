package sec

import "encoding/json"

// conceptJSON is a concept's value in a company-facts file.
type conceptJSON struct {
	Label *string               `json:"label"`
	Units map[string][]factJSON `json:"units"`
}

// quickDecode decodes a concept's value written as the SEC writes it, about
// ten times faster than encoding/json, which is most of what checking a
// build's figures costs. Anything else (escapes in the fields read, keys
// it does not know, nulls, numbers as text, duplicate units, malformed
// input) makes it give up, ok false, and leaves the value to
// encoding/json, which decodes it or says what is wrong; what it accepts it
// decodes exactly as encoding/json would (FuzzQuickDecode).
func quickDecode(data []byte) (c conceptJSON, ok bool) {
	c.Units = map[string][]factJSON{}
	var unit string
	c.Label, ok = quickFacts(data,
		func(u string) { unit = u; c.Units[u] = []factJSON{} },
		func(f *factJSON) { c.Units[unit] = append(c.Units[unit], *f) })
	if !ok {
		return conceptJSON{}, false
	}
	return c, true
}

// quickFacts is quickDecode handing over each unit (unit) and each of its
// facts (fact) as it reads them, in the order written, and the label; a
// concept's facts are not held as decoded. When ok is false, what was
// handed over is to be thrown away.
func quickFacts(data []byte, unit func(string), fact func(*factJSON)) (label *string, ok bool) {
	// The fields are read as parts of one string, which decodeConcept
	// copies out of only what it keeps (a concept's facts share a few
	// filings): a string for each field of each fact was most of what
	// checking a build's figures allocated.
	d := &quick{data: data, src: string(data)}
	var f factJSON // one for every fact: handed over, it would escape
	defer func() {
		if r := recover(); r != nil {
			if _, gaveUp := r.(giveUp); !gaveUp {
				panic(r)
			}
			label, ok = nil, false
		}
	}()
	d.expect('{')
	sawUnits := false
	seen := map[string]bool{}
	for d.more('}') {
		switch d.key() {
		case "label":
			if label != nil {
				d.fail()
			}
			s := d.text()
			label = &s
		case "description":
			d.skipText()
		case "units":
			if sawUnits {
				d.fail()
			}
			sawUnits = true
			d.expect('{')
			for d.more('}') {
				u := d.key()
				if seen[u] {
					d.fail()
				}
				seen[u] = true
				unit(u)
				d.expect('[')
				for d.more(']') {
					f = d.fact()
					fact(&f)
				}
			}
		default:
			d.fail()
		}
	}
	d.space()
	if d.i != len(d.data) || !sawUnits {
		d.fail()
	}
	return label, true
}

type quick struct {
	data  []byte
	src   string // data as a string
	i     int
	first bool // just inside an object or array: no comma before a member
}

type giveUp struct{}

func (d *quick) fail() { panic(giveUp{}) }

func (d *quick) space() {
	for d.i < len(d.data) {
		switch d.data[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *quick) expect(c byte) {
	d.space()
	if d.i >= len(d.data) || d.data[d.i] != c {
		d.fail()
	}
	d.i++
	d.first = true
}

// more tells whether another member follows in the object or array being
// read, reading the comma before it or the closing delimiter after the last.
func (d *quick) more(end byte) bool {
	d.space()
	if d.i >= len(d.data) {
		d.fail()
	}
	if d.data[d.i] == end {
		d.i++
		d.first = false
		return false
	}
	if !d.first {
		if d.data[d.i] != ',' {
			d.fail()
		}
		d.i++
	}
	d.first = false
	return true
}

// key reads a member's name and its colon.
func (d *quick) key() string {
	k := d.text()
	d.expect(':')
	d.first = false
	return k
}

// text reads a string without escapes.
func (d *quick) text() string {
	d.space()
	if d.i >= len(d.data) || d.data[d.i] != '"' {
		d.fail()
	}
	start := d.i + 1
	for j := start; j < len(d.data); j++ {
		switch c := d.data[j]; {
		case c == '"':
			d.i = j + 1
			return d.src[start:j]
		case c == '\\' || c < 0x20 || c >= 0x80:
			d.fail() // escapes and other than ASCII: encoding/json's
		}
	}
	d.fail()
	return ""
}

// skipText reads past a string, checking its escapes.
func (d *quick) skipText() {
	d.space()
	if d.i >= len(d.data) || d.data[d.i] != '"' {
		d.fail()
	}
	for j := d.i + 1; j < len(d.data); j++ {
		switch c := d.data[j]; {
		case c == '"':
			d.i = j + 1
			return
		case c < 0x20:
			d.fail()
		case c == '\\':
			if j+1 >= len(d.data) {
				d.fail()
			}
			switch d.data[j+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				j++
			case 'u':
				if j+5 >= len(d.data) {
					d.fail()
				}
				for _, h := range d.data[j+2 : j+6] {
					if !('0' <= h && h <= '9' || 'a' <= h && h <= 'f' || 'A' <= h && h <= 'F') {
						d.fail()
					}
				}
				j += 5
			default:
				d.fail()
			}
		}
	}
	d.fail()
}

// number reads a JSON number as written.
func (d *quick) number() json.Number {
	d.space()
	start, b := d.i, d.data
	digits := func() int {
		n := 0
		for d.i < len(b) && '0' <= b[d.i] && b[d.i] <= '9' {
			d.i++
			n++
		}
		return n
	}
	if d.i < len(b) && b[d.i] == '-' {
		d.i++
	}
	switch {
	case d.i < len(b) && b[d.i] == '0':
		d.i++
	case digits() == 0:
		d.fail()
	}
	if d.i < len(b) && b[d.i] == '.' {
		d.i++
		if digits() == 0 {
			d.fail()
		}
	}
	if d.i < len(b) && (b[d.i] == 'e' || b[d.i] == 'E') {
		d.i++
		if d.i < len(b) && (b[d.i] == '+' || b[d.i] == '-') {
			d.i++
		}
		if digits() == 0 {
			d.fail()
		}
	}
	return json.Number(d.src[start:d.i])
}

// fact reads one fact object.
func (d *quick) fact() factJSON {
	var f factJSON
	d.expect('{')
	for d.more('}') {
		switch d.key() {
		case "start":
			f.Start = d.text()
		case "end":
			f.End = d.text()
		case "val":
			f.Val = d.number()
		case "accn":
			f.Accn = d.text()
		case "fy":
			f.FY = d.number()
		case "fp":
			f.FP = d.text()
		case "form":
			f.Form = d.text()
		case "filed":
			f.Filed = d.text()
		case "frame":
			f.Frame = d.text()
		default:
			d.fail()
		}
	}
	return f
}
