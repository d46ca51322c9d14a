package sec

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

const tickersJSON = `{"0":{"cik_str":1018724,"ticker":"AMZN","title":"AMAZON COM INC"},"1":{"cik_str":320193,"ticker":"AAPL","title":"Apple Inc."}}`

// secServer is a stand-in for the SEC: it serves files by path, can fail
// the first requests of a path, and records what it was asked.
type secServer struct {
	mu       sync.Mutex
	files    map[string]string
	failures map[string][]int // path → status codes to answer first
	agents   []string
	times    []time.Time
	hits     map[string]int
}

func newSECServer(t *testing.T) (*secServer, *httptest.Server) {
	s := &secServer{
		files: map[string]string{
			"/files/company_tickers.json":               tickersJSON,
			"/api/xbrl/companyfacts/CIK0001018724.json": sampleFacts,
		},
		failures: map[string][]int{},
		hits:     map[string]int{},
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv
}

func (s *secServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.agents = append(s.agents, r.Header.Get("User-Agent"))
	s.times = append(s.times, time.Now())
	s.hits[r.URL.Path]++
	var status int
	if f := s.failures[r.URL.Path]; len(f) > 0 {
		status, s.failures[r.URL.Path] = f[0], f[1:]
	}
	body, ok := s.files[r.URL.Path]
	s.mu.Unlock()
	switch {
	case status == -1: // a download cut short: promise more than is sent
		w.Header().Set("Content-Length", "100000")
		_, _ = w.Write([]byte(body[:len(body)/2]))
	case status != 0:
		w.Header().Set("Retry-After", "0")
		http.Error(w, http.StatusText(status), status)
	case !ok:
		http.NotFound(w, r)
	default:
		_, _ = w.Write([]byte(body))
	}
}

func testClient(base string) *Client {
	return &Client{UserAgent: "Briefs Test test@example.com", BaseURL: base, Interval: 20 * time.Millisecond, Backoff: time.Millisecond}
}

func TestFetch(t *testing.T) {
	s, srv := newSECServer(t)
	dir := filepath.Join(t.TempDir(), "data", "sec")
	var out bytes.Buffer
	if err := testClient(srv.URL).Fetch(context.Background(), dir, []string{"amzn"}, &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"data/sec/company_tickers.json: new (2 tickers)\n",
		"data/sec/CIK0001018724.json (AMZN): new: 3 concepts, 5 facts, latest Form 10-K filed 2025-02-07, accession 0001018724-25-000004\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, "CIK0001018724.json"))
	if err != nil || string(data) != sampleFacts {
		t.Fatalf("file not written as served: %v", err)
	}
	for _, ua := range s.agents {
		if ua != "Briefs Test test@example.com" {
			t.Errorf("request sent User-Agent %q", ua)
		}
	}

	// Again: nothing changed. Then the SEC adds a fact.
	out.Reset()
	if err := testClient(srv.URL).Fetch(context.Background(), dir, []string{"AMZN"}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "company_tickers.json: unchanged") || !strings.Contains(out.String(), "(AMZN): unchanged") {
		t.Errorf("second fetch:\n%s", out.String())
	}
	s.mu.Lock()
	s.files["/api/xbrl/companyfacts/CIK0001018724.json"] = strings.Replace(sampleFacts, `"val":68593000000`, `"val":68600000000`, 1)
	s.mu.Unlock()
	out.Reset()
	if err := testClient(srv.URL).Fetch(context.Background(), dir, []string{"AMZN"}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "(AMZN): updated: 1 facts added, 1 removed; 3 concepts, 5 facts") {
		t.Errorf("third fetch:\n%s", out.String())
	}
	// The index written beside the file is the updated file's.
	c, err := Open(os.DirFS(dir), "CIK0001018724.json")
	if err != nil || c.index == nil {
		t.Fatalf("index not written or not used: %v", err)
	}
	k, err := c.Concept("us-gaap:OperatingIncomeLoss")
	if err != nil || c.index == nil {
		t.Fatalf("index not used: %v", err)
	}
	if f := k.Facts("USD"); f[len(f)-1].Val.String() != "68600000000" {
		t.Errorf("facts %+v", f)
	}
}

func TestFetchNeedsUserAgent(t *testing.T) {
	s, srv := newSECServer(t)
	c := testClient(srv.URL)
	c.UserAgent = " "
	err := c.Fetch(context.Background(), t.TempDir(), []string{"AMZN"}, &bytes.Buffer{})
	if err != ErrNoUserAgent {
		t.Fatalf("got %v", err)
	}
	if len(s.agents) != 0 {
		t.Errorf("%d requests made without a User-Agent", len(s.agents))
	}
}

func TestFetchRetries(t *testing.T) {
	s, srv := newSECServer(t)
	s.failures["/api/xbrl/companyfacts/CIK0001018724.json"] = []int{429, 503, -1}
	dir := t.TempDir()
	if err := testClient(srv.URL).Fetch(context.Background(), dir, []string{"AMZN"}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if n := s.hits["/api/xbrl/companyfacts/CIK0001018724.json"]; n != 4 {
		t.Errorf("%d requests for the facts, want 4 (429, 503, cut short, then good)", n)
	}

	// Retries are bounded.
	s.failures["/api/xbrl/companyfacts/CIK0001018724.json"] = []int{503, 503, 503, 503, 503, 503, 503}
	s.hits = map[string]int{}
	c := testClient(srv.URL)
	c.Retries = 2
	err := c.Fetch(context.Background(), dir, []string{"AMZN"}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "503 Service Unavailable (gave up after 3 tries)") {
		t.Errorf("got %v", err)
	}
	if n := s.hits["/api/xbrl/companyfacts/CIK0001018724.json"]; n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
}

func TestFetchRateLimit(t *testing.T) {
	s, srv := newSECServer(t)
	c := testClient(srv.URL)
	c.Interval = 0 // the default: 8 a second
	// Departures are timed on the client: the server's clock adds the
	// network's and the scheduler's jitter, which on a loaded machine can
	// bring two arrivals closer than the client ever sent them.
	sent := &departures{next: http.DefaultTransport}
	c.HTTP = &http.Client{Transport: sent}
	s.failures["/api/xbrl/companyfacts/CIK0001018724.json"] = []int{503, 503, 503}
	if err := c.Fetch(context.Background(), t.TempDir(), []string{"AMZN", "AMZN"}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	times := sent.times
	n := len(times)
	if n < 6 || n != len(s.times) {
		t.Fatalf("%d requests sent, %d received", n, len(s.times))
	}
	// Requests leave at least 125 ms apart, less the time between the end of
	// a wait and the request's start (microseconds, more when the scheduler
	// preempts there), so never ten within a second.
	if span := times[n-1].Sub(times[0]); span < time.Duration(n-1)*125*time.Millisecond-25*time.Millisecond {
		t.Errorf("%d requests in %v", n, span)
	}
	for i := 1; i < n; i++ {
		if gap := times[i].Sub(times[i-1]); gap < 100*time.Millisecond {
			t.Errorf("requests %d and %d only %v apart", i-1, i, gap)
		}
	}
}

// departures records when each request leaves the client.
type departures struct {
	mu    sync.Mutex
	times []time.Time
	next  http.RoundTripper
}

func (d *departures) RoundTrip(r *http.Request) (*http.Response, error) {
	d.mu.Lock()
	d.times = append(d.times, time.Now())
	d.mu.Unlock()
	return d.next.RoundTrip(r)
}

func TestFetchKeepsOldFile(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		fail       []int
		want       string
	}{
		{"invalid json", sampleFacts[:len(sampleFacts)-3], nil, "so it was not saved: "},
		{"cut short every time", sampleFacts, []int{-1, -1, -1, -1, -1}, "the download broke off"},
		{"another company's facts", strings.Replace(sampleFacts, `"cik":1018724`, `"cik":320193`, 1), nil, "the download holds CIK 320193, not 1018724"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, srv := newSECServer(t)
			s.files["/api/xbrl/companyfacts/CIK0001018724.json"] = tc.body
			s.failures["/api/xbrl/companyfacts/CIK0001018724.json"] = tc.fail
			dir := filepath.Join(t.TempDir(), "data", "sec")
			_ = os.MkdirAll(dir, 0o755)
			old := filepath.Join(dir, "CIK0001018724.json")
			if err := os.WriteFile(old, []byte("old"), 0o644); err != nil {
				t.Fatal(err)
			}
			c := testClient(srv.URL)
			c.Retries = 4
			err := c.Fetch(context.Background(), dir, []string{"AMZN"}, &bytes.Buffer{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
			if data, _ := os.ReadFile(old); string(data) != "old" {
				t.Errorf("old file replaced")
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if e.Name() != "CIK0001018724.json" && e.Name() != TickersFile {
					t.Errorf("left %s behind", e.Name())
				}
			}
		})
	}
}

func TestFetchUnknownTicker(t *testing.T) {
	_, srv := newSECServer(t)
	var out bytes.Buffer
	err := testClient(srv.URL).Fetch(context.Background(), t.TempDir(), []string{"NOPE", "AMZN"}, &out)
	if err == nil || err.Error() != "NOPE: not in the SEC's ticker map" {
		t.Errorf("got %v", err)
	}
	if !strings.Contains(out.String(), "(AMZN): new") {
		t.Errorf("the other ticker was not fetched:\n%s", out.String())
	}
}
