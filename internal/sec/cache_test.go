package sec

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/briefs/briefs/internal/brief"
)

// twoCompanies holds the sample facts as the files of CIK 1018724 and of
// CIK 1018725 (with other values), with their indexes or without.
func twoCompanies(t *testing.T, withIndex bool) *countingFS {
	t.Helper()
	other := strings.ReplaceAll(strings.Replace(sampleFacts, `"cik":1018724`, `"cik":1018725`, 1), "68593000000", "12345000000")
	m := fstest.MapFS{}
	for cik, data := range map[int64]string{1018724: sampleFacts, 1018725: other} {
		name := Dir + "/" + FileName(cik)
		m[name] = &fstest.MapFile{Data: []byte(data)}
		if withIndex {
			c, err := Parse(name, []byte(data))
			if err != nil {
				t.Fatal(err)
			}
			m[IndexName(name)] = &fstest.MapFile{Data: c.Index([]byte(data))}
		}
	}
	return &countingFS{MapFS: m}
}

// operatingIncome is the last operating income a company's file holds.
func operatingIncome(t *testing.T, c *Cache, cik int64) string {
	t.Helper()
	co, err := c.Company(cik)
	if err != nil {
		t.Fatal(err)
	}
	k, err := co.Concept("us-gaap:OperatingIncomeLoss")
	if err != nil || k == nil {
		t.Fatalf("%v %v", k, err)
	}
	f := k.Facts("USD")
	return f[len(f)-1].Val.String()
}

// A company's facts are let go once more companies than the cache keeps
// were used after it, and read again, alike, when it is needed again.
func TestCacheReleasesFacts(t *testing.T) {
	for _, withIndex := range []bool{true, false} {
		t.Run(fmt.Sprintf("index %v", withIndex), func(t *testing.T) {
			fsys := twoCompanies(t, withIndex)
			c := newCache(fsys, 1)
			if got := operatingIncome(t, c, 1018724); got != "68593000000" {
				t.Fatalf("got %s", got)
			}
			first, _ := c.Company(1018724)
			if got := operatingIncome(t, c, 1018725); got != "12345000000" {
				t.Fatalf("got %s", got)
			}
			if n := len(first.concepts); n != 0 {
				t.Errorf("the first company still holds %d concepts", n)
			}
			_, kept := c.companies[1018724]
			if kept == withIndex {
				// Through an index, opening again is cheap; a file read in
				// full keeps where its concepts lie instead.
				t.Errorf("first company kept %v, want %v", kept, !withIndex)
			}
			before := fsys.opens
			if got := operatingIncome(t, c, 1018724); got != "68593000000" {
				t.Fatalf("again: got %s", got)
			}
			again, _ := c.Company(1018724)
			if withIndex == (again == first) {
				t.Errorf("opened again %v, want %v", again != first, withIndex)
			}
			// Needed again, the file is not read in full again: through
			// the index (which MapFS reads without an Open), the bytes
			// around the facts and the concept; else the concept alone.
			want := 1
			if withIndex {
				want = 2
			}
			if n := fsys.opens - before; n != want || withIndex && again.index == nil {
				t.Errorf("needed again: %d opens (want %d), index used %v", n, want, again.index != nil)
			}
		})
	}
}

// The briefs of two companies checked in turn, one after another and at
// once, against a cache that keeps one company's facts: each is checked
// against its own company's filings, as with a cache that keeps all.
func TestCheckCompaniesInTurn(t *testing.T) {
	brief1 := func(cik, value string) string {
		return "---\ntitle: T\ndate: 2025-02-10\ncompany: C" + cik + "\ncik: " + cik +
			"\nperiod: FY2024\nperiod_end: 2024-12-31\nfigures:\n  oi: {value: " + value + ", xbrl: us-gaap:OperatingIncomeLoss}\n---\nBody.\n"
	}
	type want struct{ src, err string }
	var briefs []want
	for i := range 12 {
		switch i % 4 {
		case 0:
			briefs = append(briefs, want{brief1("1018724", "68.6"), ""})
		case 1:
			briefs = append(briefs, want{brief1("1018725", "12.3"), ""})
		case 2:
			briefs = append(briefs, want{brief1("1018724", "12.3"), "68,593,000,000 USD"})
		case 3:
			briefs = append(briefs, want{brief1("1018725", "68.6"), "12,345,000,000 USD"})
		}
	}
	check := func(t *testing.T, c *Cache, w want) {
		b, errs := brief.ParseChecked("content/t.md", []byte(w.src), c)
		got := ""
		if len(errs) > 0 {
			got = errs[0].Error()
		}
		if w.err == "" && got != "" || w.err != "" && !strings.Contains(got, "does not agree with the filing") || !strings.Contains(got, w.err) {
			t.Errorf("got %q, want an error naming %q", got, w.err)
		}
		if w.err == "" && (b == nil || len(b.XBRL) != 1 || b.XBRL[0].Filings["FY2024"] == nil) {
			t.Errorf("no filing recorded")
		}
	}
	for _, withIndex := range []bool{true, false} {
		t.Run(fmt.Sprintf("index %v", withIndex), func(t *testing.T) {
			c := newCache(twoCompanies(t, withIndex), 1)
			for _, w := range briefs {
				check(t, c, w)
			}
			var wg sync.WaitGroup
			for g := range 8 {
				wg.Go(func() {
					for i := range briefs {
						check(t, c, briefs[(i+g)%len(briefs)])
					}
				})
			}
			wg.Wait()
		})
	}
}
