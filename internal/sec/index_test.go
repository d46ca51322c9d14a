package sec

import (
	"bytes"
	"fmt"
	"hash/crc32"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

const factsName = "data/sec/CIK0001018724.json"

// indexed returns a file system holding the sample facts (as changed by
// edit) and the index of the unchanged sample.
func indexed(t *testing.T, edit func(string) string) fstest.MapFS {
	t.Helper()
	c, err := Parse(factsName, []byte(sampleFacts))
	if err != nil {
		t.Fatal(err)
	}
	return fstest.MapFS{
		factsName:            {Data: []byte(edit(sampleFacts))},
		IndexName(factsName): {Data: c.Index([]byte(sampleFacts))},
	}
}

func same(s string) string { return s }

// allFacts decodes every concept of c, by name and unit.
func allFacts(t *testing.T, c *Company) map[string][]Fact {
	t.Helper()
	out := map[string][]Fact{}
	for _, name := range []string{"dei:EntityCommonStockSharesOutstanding", "us-gaap:EarningsPerShareDiluted", "us-gaap:OperatingIncomeLoss"} {
		k, err := c.Concept(name)
		if err != nil || k == nil {
			t.Fatalf("%s: %v %v", name, k, err)
		}
		for _, u := range k.Units() {
			out[name+" "+u] = k.Facts(u)
		}
	}
	return out
}

func TestIndexUsed(t *testing.T) {
	fsys := indexed(t, same)
	c, err := Open(fsys, factsName)
	if err != nil {
		t.Fatal(err)
	}
	if c.index == nil || c.CIK != 1018724 || c.Name != "AMAZON.COM, INC." {
		t.Fatalf("indexed %v cik %d name %q", c.index != nil, c.CIK, c.Name)
	}
	scanned, err := Parse(factsName, []byte(sampleFacts))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := allFacts(t, c), allFacts(t, scanned); !reflect.DeepEqual(got, want) {
		t.Errorf("through the index:\n%v\nread in full:\n%v", got, want)
	}
	if c.index == nil {
		t.Error("a good index was given up")
	}
}

func TestIndexIgnored(t *testing.T) {
	other := strings.Replace(sampleFacts, `"cik":1018724`, `"cik":1018725`, 1)
	for _, tc := range []struct {
		name string
		edit func(fstest.MapFS)
	}{
		// Same length, so only the concept's checksum tells.
		{"stale index", func(m fstest.MapFS) {
			m[factsName].Data = []byte(strings.Replace(sampleFacts, `"val":68593000000`, `"val":68600000000`, 1))
		}},
		{"company renamed", func(m fstest.MapFS) {
			m[factsName].Data = []byte(strings.Replace(sampleFacts, `AMAZON.COM, INC.`, `Amazon.com, Inc.`, 1))
		}},
		{"index of another file", func(m fstest.MapFS) {
			o, _ := Parse("other.json", []byte(other))
			m[IndexName(factsName)].Data = o.Index([]byte(other))
		}},
		{"index cut short", func(m fstest.MapFS) {
			d := m[IndexName(factsName)].Data
			m[IndexName(factsName)].Data = d[:len(d)/2]
		}},
		{"index of an older format", func(m fstest.MapFS) {
			d := m[IndexName(factsName)].Data
			m[IndexName(factsName)].Data = bytes.Replace(d, []byte("index 1\n"), []byte("index 0\n"), 1)
		}},
		{"index with a bad line", func(m fstest.MapFS) {
			m[IndexName(factsName)].Data = append(m[IndexName(factsName)].Data, "\"us-gaap:X\" 1 2\n"...)
		}},
		{"index past the end of the file", func(m fstest.MapFS) {
			m[IndexName(factsName)].Data = append(m[IndexName(factsName)].Data, "\"us-gaap:X\" 1 2 100000\n"...)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := indexed(t, same)
			tc.edit(fsys)
			c, err := Open(fsys, factsName)
			if err != nil {
				t.Fatal(err)
			}
			want, err := Parse(factsName, fsys[factsName].Data)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := allFacts(t, c), allFacts(t, want); !reflect.DeepEqual(got, want) {
				t.Errorf("got\n%v\nwant\n%v", got, want)
			}
			if c.CIK != want.CIK || c.Name != want.Name {
				t.Errorf("company %d %q, want %d %q", c.CIK, c.Name, want.CIK, want.Name)
			}
			if c.index != nil {
				t.Fatal("index trusted")
			}
		})
	}
}

// A checksum that matches does not make offsets right: a concept the index
// lacks or misplaces is looked up in the file.
func TestIndexChecked(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(string) string
	}{
		{"concept missing in index", func(ix string) string {
			var keep []string
			for _, l := range strings.SplitAfter(ix, "\n") {
				if !strings.HasPrefix(l, `"us-gaap:OperatingIncomeLoss"`) {
					keep = append(keep, l)
				}
			}
			return strings.Join(keep, "")
		}},
		{"offsets of another concept", func(ix string) string {
			var eps, oi string
			for _, l := range strings.Split(ix, "\n") {
				if n, sp, ok := strings.Cut(l, " "); ok && n == `"us-gaap:EarningsPerShareDiluted"` {
					eps = sp
				} else if ok && n == `"us-gaap:OperatingIncomeLoss"` {
					oi = sp
				}
			}
			return strings.Replace(ix, `"us-gaap:OperatingIncomeLoss" `+oi, `"us-gaap:OperatingIncomeLoss" `+eps, 1)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := indexed(t, same)
			fsys[IndexName(factsName)].Data = []byte(tc.edit(string(fsys[IndexName(factsName)].Data)))
			c, err := Open(fsys, factsName)
			if err != nil || c.index == nil {
				t.Fatalf("index not used: %v", err)
			}
			k, err := c.Concept("us-gaap:OperatingIncomeLoss")
			if err != nil || k == nil {
				t.Fatalf("%v %v", k, err)
			}
			if f := k.Facts("USD"); len(f) != 3 || f[2].Val.String() != "68593000000" {
				t.Errorf("facts %+v", f)
			}
			if c.index != nil {
				t.Error("still trusting the index")
			}
			if k, err := c.Concept("us-gaap:Revenues"); k != nil || err != nil {
				t.Errorf("a concept the file lacks: %v %v", k, err)
			}
		})
	}
}

// A file cut short beside the index of the whole file is read in full and
// refused as malformed, naming the file.
func TestIndexTruncatedFile(t *testing.T) {
	fsys := indexed(t, func(s string) string { return s[:len(s)-40] })
	_, err := Open(fsys, factsName)
	if err == nil || !strings.HasPrefix(err.Error(), factsName+":") || !strings.Contains(err.Error(), "unexpected end of JSON input") {
		t.Fatalf("got %v", err)
	}
}

// A concept the index places right whose value is malformed is an error at
// its position, as without an index.
func TestIndexMalformedConcept(t *testing.T) {
	bad := strings.Replace(sampleFacts, `"end":"2024-12-31","val":68593000000`, `"end":"2024-13-31","val":68593000000`, 1)
	c, err := Parse(factsName, []byte(bad))
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{factsName: {Data: []byte(bad)}, IndexName(factsName): {Data: c.Index([]byte(bad))}}
	for _, fsys := range []fstest.MapFS{fsys, {factsName: {Data: []byte(bad)}}} {
		c, err := Open(fsys, factsName)
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Concept("us-gaap:OperatingIncomeLoss")
		if err == nil || err.Error() != factsName+`:4:23: us-gaap:OperatingIncomeLoss: fact 3 in USD: end "2024-13-31" is not a date (YYYY-MM-DD)` {
			t.Errorf("indexed %v: got %v", len(fsys) == 2, err)
		}
	}
}

// FuzzIndex puts arbitrary indexes beside a company-facts file: whatever
// the index says, the facts read are the file's own.
func FuzzIndex(f *testing.F) {
	c, err := Parse(factsName, []byte(sampleFacts))
	if err != nil {
		f.Fatal(err)
	}
	good := c.Index([]byte(sampleFacts))
	f.Add(good)
	f.Add(bytes.Replace(good, []byte(" 1"), []byte(" 2"), 3))
	f.Add([]byte(indexHeader + "size 1\n"))
	want := map[string][]Fact{}
	for _, name := range c.Concepts() {
		k, _ := c.Concept(name)
		for _, u := range k.Units() {
			want[name+" "+u] = k.Facts(u)
		}
	}
	f.Fuzz(func(t *testing.T, ix []byte) {
		fsys := fstest.MapFS{factsName: {Data: []byte(sampleFacts)}, IndexName(factsName): {Data: ix}}
		c, err := Open(fsys, factsName)
		if err != nil {
			t.Fatal(err)
		}
		if got := allFacts(t, c); !reflect.DeepEqual(got, want) {
			t.Fatalf("got\n%v\nwant\n%v", got, want)
		}
		if c.CIK != 1018724 {
			t.Errorf("cik %d", c.CIK)
		}
	})
}

// An index's lines are looked up as needed: the first line, the last, a
// concept named twice (the later line counts, as a table of them would
// have it) and one not named.
func TestIndexLookup(t *testing.T) {
	c, err := Parse(factsName, []byte(sampleFacts))
	if err != nil {
		t.Fatal(err)
	}
	data := c.Index([]byte(sampleFacts))
	ix, ok := parseIndex(data)
	if !ok {
		t.Fatal("index refused")
	}
	for _, name := range c.Concepts() {
		want, _ := c.spans.get(name)
		want.crc = crc32.Checksum([]byte(sampleFacts[want.start:want.end]), castagnoli)
		if got, ok := ix.get(name); !ok || got != want {
			t.Errorf("%s: %+v %v, want %+v", name, got, ok, want)
		}
	}
	if _, ok := ix.get("us-gaap:Operating"); ok {
		t.Error("found a concept by the start of its name")
	}
	oi, _ := ix.get("us-gaap:OperatingIncomeLoss")
	eps, _ := ix.get("us-gaap:EarningsPerShareDiluted")
	twice := fmt.Appendf(bytes.Clone(data), "%q %d %d %d %08x\n", "us-gaap:EarningsPerShareDiluted", oi.key, oi.start, oi.end, oi.crc)
	ix, ok = parseIndex(twice)
	if !ok {
		t.Fatal("index refused")
	}
	if got, _ := ix.get("us-gaap:EarningsPerShareDiluted"); got != oi || got == eps {
		t.Errorf("named twice: %+v, want the later line's %+v", got, oi)
	}
}
