package sec

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/briefs/briefs/internal/diag"
)

// Dir is where a site keeps its SEC files.
const Dir = "data/sec"

// TickersFile is the SEC's ticker map inside Dir.
const TickersFile = "company_tickers.json"

// Cache opens each company's facts once per build and shares them between
// the briefs that name the company; it is safe for concurrent use.
//
// It holds the decoded facts of the companies used most recently only: a
// build visits a company's briefs one after another (a streaming build
// reads them as one job), and keeping a thousand companies' facts until
// the end gave the garbage collector that much more to mark in every
// cycle. A company used again after it was let go decodes its concepts
// again; one read through its index is opened again (a few kilobytes),
// while one read in full keeps where its concepts lie, so that the file is
// not read in full twice.
type Cache struct {
	fsys fs.FS
	keep int // companies whose facts are held

	mu        sync.Mutex
	companies map[int64]*cached
	recent    []*cached // the companies holding facts, least recently used first

	tickersOnce sync.Once
	tickers     map[string]int64
	tickersErr  error
}

type cached struct {
	cik   int64
	once  sync.Once
	ready atomic.Bool // once has run: c and err may be read
	c     *Company
	err   error
}

// NewCache returns an empty cache over a site's source tree.
func NewCache(fsys fs.FS) *Cache {
	// Each build worker checks one company at a time; the slack keeps the
	// companies of briefs read in another order (check, serve) for a while.
	return newCache(fsys, max(16, 4*runtime.GOMAXPROCS(0)))
}

func newCache(fsys fs.FS, keep int) *Cache {
	return &Cache{fsys: fsys, keep: keep, companies: map[int64]*cached{}}
}

// Company returns the company's facts, opening data/sec/CIK##########.json
// on first use; a missing or malformed file is an error naming it.
func (c *Cache) Company(cik int64) (*Company, error) {
	c.mu.Lock()
	e, ok := c.companies[cik]
	if !ok {
		e = &cached{cik: cik}
		c.companies[cik] = e
	}
	c.use(e)
	c.mu.Unlock()
	e.once.Do(func() {
		defer e.ready.Store(true)
		name := path.Join(Dir, FileName(cik))
		if _, err := fs.Stat(c.fsys, name); err != nil {
			e.err = &diag.Error{File: name, Msg: fmt.Sprintf("no company facts for CIK %d: run briefs fetch sec with the company's ticker", cik)}
			return
		}
		e.c, e.err = Open(c.fsys, name)
		if e.err == nil && e.c.CIK != 0 && e.c.CIK != cik {
			e.c, e.err = nil, &diag.Error{File: name, Msg: fmt.Sprintf("the file holds the facts of CIK %d, not %d", e.c.CIK, cik)}
		}
	})
	return e.c, e.err
}

// use makes e the most recently used company and lets go of the facts of
// the least recently used one beyond keep. The caller holds c.mu.
func (c *Cache) use(e *cached) {
	if n := len(c.recent); n > 0 && c.recent[n-1] == e {
		return // the same company as the last brief's: the common case
	}
	if i := slices.Index(c.recent, e); i >= 0 {
		c.recent = slices.Delete(c.recent, i, i+1)
	}
	c.recent = append(c.recent, e)
	if len(c.recent) <= c.keep {
		return
	}
	old := c.recent[0]
	c.recent = slices.Delete(c.recent, 0, 1)
	if !old.ready.Load() {
		// Still opening elsewhere: whoever opens it keeps it; a later
		// brief opens it again.
		delete(c.companies, old.cik)
		return
	}
	if old.err == nil && old.c.release() {
		delete(c.companies, old.cik)
	}
}

// Ticker returns the CIK of a ticker from data/sec/company_tickers.json.
func (c *Cache) Ticker(ticker string) (int64, bool, error) {
	c.tickersOnce.Do(func() {
		name := path.Join(Dir, TickersFile)
		data, err := fs.ReadFile(c.fsys, name)
		if err != nil {
			c.tickersErr = &diag.Error{File: name, Msg: fmt.Sprintf("cannot read the ticker map: %v (run briefs fetch sec TICKER)", unwrapPath(err)), Err: err}
			return
		}
		c.tickers, c.tickersErr = ParseTickers(name, data)
	})
	if c.tickersErr != nil {
		return 0, false, c.tickersErr
	}
	cik, ok := c.tickers[strings.ToUpper(ticker)]
	return cik, ok, nil
}

// TickerEntry is one entry of the SEC's company_tickers.json.
type TickerEntry struct {
	CIK    int64  `json:"cik_str"`
	Ticker string `json:"ticker"`
	Title  string `json:"title"`
}

// ParseTickers reads the SEC's ticker map ({"0": {"cik_str": 320193,
// "ticker": "AAPL", "title": "Apple Inc."}, ...}) into ticker → CIK.
func ParseTickers(name string, data []byte) (map[string]int64, error) {
	var raw map[string]TickerEntry
	if err := json.Unmarshal(data, &raw); err != nil {
		if se, ok := err.(*json.SyntaxError); ok {
			return nil, positionedData(name, data, &offsetError{off: se.Offset, syntax: true, msg: se.Error()})
		}
		if te, ok := err.(*json.UnmarshalTypeError); ok {
			return nil, positionedData(name, data, &offsetError{off: te.Offset, msg: fmt.Sprintf("%s must be %s, not %s (the SEC's ticker map is {\"0\": {\"cik_str\": 320193, \"ticker\": \"AAPL\", \"title\": \"Apple Inc.\"}, ...})", te.Field, typeName(te.Type), te.Value)})
		}
		return nil, diag.Wrap(name, diag.Pos{}, err)
	}
	out := make(map[string]int64, len(raw))
	for k, e := range raw {
		if e.Ticker == "" || e.CIK <= 0 {
			return nil, &diag.Error{File: name, Msg: fmt.Sprintf("entry %s needs a ticker and a cik_str", k)}
		}
		out[strings.ToUpper(e.Ticker)] = e.CIK
	}
	return out, nil
}
