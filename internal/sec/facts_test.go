package sec

import (
	"io/fs"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
)

const sampleFacts = `{"cik":1018724,"entityName":"AMAZON.COM, INC.","facts":{
"dei":{"EntityCommonStockSharesOutstanding":{"label":"Entity Common Stock, Shares Outstanding","units":{"shares":[{"end":"2025-01-24","val":10597729000,"accn":"0001018724-25-000004","fy":2024,"fp":"FY","form":"10-K","filed":"2025-02-07","frame":"CY2024Q4I"}]}}},
"us-gaap":{
"OperatingIncomeLoss":{"label":"Operating Income (Loss)","description":"…","units":{"USD":[
 {"start":"2023-01-01","end":"2023-12-31","val":36852000000,"accn":"0001018724-24-000008","fy":2023,"fp":"FY","form":"10-K","filed":"2024-02-02"},
 {"start":"2023-01-01","end":"2023-12-31","val":36852000000,"accn":"0001018724-25-000004","fy":2024,"fp":"FY","form":"10-K","filed":"2025-02-07"},
 {"start":"2024-01-01","end":"2024-12-31","val":68593000000,"accn":"0001018724-25-000004","fy":2024,"fp":"FY","form":"10-K","filed":"2025-02-07"}]}},
"EarningsPerShareDiluted":{"label":"EPS, diluted","units":{"USD/shares":[
 {"start":"2024-01-01","end":"2024-12-31","val":5.53,"accn":"0001018724-25-000004","fy":2024,"fp":"FY","form":"10-K","filed":"2025-02-07"}]}}
}}}`

func TestOpen(t *testing.T) {
	fsys := fstest.MapFS{"data/sec/CIK0001018724.json": {Data: []byte(sampleFacts)}}
	c, err := Open(fsys, "data/sec/CIK0001018724.json")
	if err != nil {
		t.Fatal(err)
	}
	if c.CIK != 1018724 || c.Name != "AMAZON.COM, INC." {
		t.Errorf("cik %d name %q", c.CIK, c.Name)
	}
	if got := strings.Join(c.Concepts(), " "); got != "dei:EntityCommonStockSharesOutstanding us-gaap:EarningsPerShareDiluted us-gaap:OperatingIncomeLoss" {
		t.Errorf("concepts %s", got)
	}
	k, err := c.Concept("us-gaap:OperatingIncomeLoss")
	if err != nil || k == nil {
		t.Fatal(k, err)
	}
	facts := k.Facts("USD")
	if len(facts) != 3 || facts[2].Val.String() != "68593000000" || facts[2].Days() != 366 || facts[2].FY != 2024 || facts[2].FP != "FY" {
		t.Errorf("facts %+v", facts)
	}
	eps, _ := c.Concept("us-gaap:EarningsPerShareDiluted")
	if got := eps.Facts("USD/shares")[0].Val.String(); got != "5.53" {
		t.Errorf("eps %s", got)
	}
	shares, _ := c.Concept("dei:EntityCommonStockSharesOutstanding")
	if f := shares.Facts("shares")[0]; !f.Instant() || f.Frame != "CY2024Q4I" {
		t.Errorf("shares %+v", f)
	}
	if k, err := c.Concept("us-gaap:Nope"); k != nil || err != nil {
		t.Errorf("missing concept: %v %v", k, err)
	}
}

func TestMalformed(t *testing.T) {
	name := "data/sec/CIK0000000001.json"
	good := `{"cik":1,"facts":{"us-gaap":{"X":{"units":{"USD":[{"end":"2024-12-31","val":1,"accn":"a","form":"10-K","filed":"2025-01-01"}]}}}}}`
	tests := []struct {
		name, data, concept, want string
	}{
		{"syntax error", "{\"cik\":1,\n\"facts\":{\"us-gaap\":{\"X\":{\"units\":{\"USD\":[}}}}}", "",
			name + ":2:42: invalid character '}' looking for beginning of value"},
		{"truncated download", good[:60], "", name + ":1:61: unexpected end of JSON input"},
		{"not an object", `[1,2]`, "", name + ":1:2: the company facts must be an object"},
		{"facts not an object", `{"cik":1,"facts":[]}`, "", name + ":1:19: facts must be an object"},
		{"no facts", `{"cik":1}`, "", name + ":1:1: no facts: this is not an SEC company-facts file"},
		{"trailing data", good + `{}`, "", name + ":1:132: unexpected data after the company facts"},
		{"bad cik", `{"cik":"x","facts":{}}`, "", name + ":1:11: cik must be a number, not \"x\""},
		{"bad date", strings.Replace(good, "2024-12-31", "2024-13-01", 1), "us-gaap:X",
			name + ":1:34: us-gaap:X: fact 1 in USD: end \"2024-13-01\" is not a date (YYYY-MM-DD)"},
		{"val not a number", strings.Replace(good, `"val":1`, `"val":true`, 1), "us-gaap:X",
			name + ":1:81: us-gaap:X: units.val must be a number, not bool"},
		{"missing accession", strings.Replace(good, `"accn":"a"`, `"accn":""`, 1), "us-gaap:X",
			name + ":1:34: us-gaap:X: fact 1 in USD: accn (the accession number) is missing"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{name: {Data: []byte(tc.data)}}
			c, err := Open(fsys, name)
			if err == nil && tc.concept != "" {
				_, err = c.Concept(tc.concept)
			}
			if err == nil {
				t.Fatal("no error")
			}
			if err.Error() != tc.want {
				t.Errorf("got  %s\nwant %s", err, tc.want)
			}
		})
	}
}

func TestCacheSharesOneLoad(t *testing.T) {
	fsys := &countingFS{MapFS: fstest.MapFS{"data/sec/CIK0001018724.json": {Data: []byte(sampleFacts)}}}
	c := NewCache(fsys)
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			co, err := c.Company(1018724)
			if err != nil {
				t.Error(err)
				return
			}
			if _, err := co.Concept("us-gaap:OperatingIncomeLoss"); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	// One open to index the file, one to decode the concept.
	if fsys.opens != 2 {
		t.Errorf("opened the file %d times, want 2", fsys.opens)
	}
	if _, err := c.Company(320193); err == nil || !strings.Contains(err.Error(), "data/sec/CIK0000320193.json: no company facts for CIK 320193") {
		t.Errorf("missing file: %v", err)
	}
}

func TestTickers(t *testing.T) {
	fsys := fstest.MapFS{"data/sec/company_tickers.json": {Data: []byte(`{"0":{"cik_str":1018724,"ticker":"AMZN","title":"AMAZON COM INC"},"1":{"cik_str":320193,"ticker":"AAPL","title":"Apple Inc."}}`)}}
	c := NewCache(fsys)
	for ticker, want := range map[string]int64{"AMZN": 1018724, "aapl": 320193} {
		got, ok, err := c.Ticker(ticker)
		if err != nil || !ok || got != want {
			t.Errorf("%s: %d %v %v", ticker, got, ok, err)
		}
	}
	if _, ok, _ := c.Ticker("MSFT"); ok {
		t.Error("MSFT found")
	}
	_, err := ParseTickers("t.json", []byte(`{"0":{"cik_str":"x"}}`))
	if err == nil || err.Error() != `t.json:1:20: cik_str must be a number, not string (the SEC's ticker map is {"0": {"cik_str": 320193, "ticker": "AAPL", "title": "Apple Inc."}, ...})` {
		t.Errorf("bad ticker map: %v", err)
	}
}

type countingFS struct {
	fstest.MapFS
	mu    sync.Mutex
	opens int
}

func (f *countingFS) Open(name string) (fs.File, error) {
	f.mu.Lock()
	f.opens++
	f.mu.Unlock()
	return f.MapFS.Open(name)
}

// FuzzParse feeds company-facts parsing arbitrary bytes: it may refuse them
// with a positioned error, never panic, and what it accepts decodes or
// refuses each concept the same way.
func FuzzParse(f *testing.F) {
	f.Add([]byte(sampleFacts))
	f.Add([]byte(`{"cik":1,"facts":{"us-gaap":{"X":{"units":{"USD":[{"end":"2024-12-31","val":1,"accn":"a","form":"10-K","filed":"2025-01-01"}]}}}}}`))
	f.Add([]byte(`{"facts":{"a":{"b":[]}}}`))
	f.Add([]byte(`{"cik":"0001018724","facts":{}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("f.json", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.json:") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, name := range c.Concepts() {
			k, err := c.Concept(name)
			if err == nil && k == nil {
				t.Fatalf("%s listed but not found", name)
			}
			if k == nil {
				continue // refused with an error
			}
			for _, unit := range k.Units() {
				for _, f := range k.Facts(unit) {
					_ = k.Match(unit, f.End, Year, 0)
				}
			}
		}
	})
}
