package sec

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The SEC's hosts: company facts are on data.sec.gov, the ticker map on
// www.sec.gov.
const (
	dataHost = "https://data.sec.gov"
	wwwHost  = "https://www.sec.gov"
)

// Client downloads company facts and the ticker map. The SEC asks every
// client to name itself in the User-Agent and to stay under 10 requests a
// second; Client does both and retries, within bounds, when the SEC is
// busy.
type Client struct {
	// UserAgent names the person or company fetching, with an email
	// address ("Jane Doe jane@example.com"); required.
	UserAgent string
	// BaseURL, when set, replaces both SEC hosts (tests point it at a local
	// server).
	BaseURL string
	HTTP    *http.Client
	// Interval is the least time between the starts of two requests
	// (default 125 ms: 8 a second, so never 10 within any second).
	Interval time.Duration
	// Retries bounds the retries of one download after a 429, a 5xx or a
	// broken connection (default 4); Backoff is the first wait, doubled each
	// time (default 1 s). A Retry-After header, up to a minute, wins.
	Retries int
	Backoff time.Duration

	mu   sync.Mutex
	last time.Time
}

// ErrNoUserAgent is returned when the client has no User-Agent to send.
var ErrNoUserAgent = errors.New("the SEC requires a User-Agent naming you and an email address, such as \"Jane Doe jane@example.com\": pass --user-agent or set BRIEFS_SEC_USER_AGENT")

func (c *Client) base(host string) string {
	if c.BaseURL != "" {
		return strings.TrimSuffix(c.BaseURL, "/")
	}
	return host
}

// TickersURL is the address of the SEC's ticker map.
func (c *Client) TickersURL() string { return c.base(wwwHost) + "/files/" + TickersFile }

// FactsURL is the address of a company's facts.
func (c *Client) FactsURL(cik int64) string {
	return c.base(dataHost) + "/api/xbrl/companyfacts/" + FileName(cik)
}

// wait holds a request back until Interval has passed since the last one.
func (c *Client) wait(ctx context.Context) error {
	interval := c.Interval
	if interval <= 0 {
		interval = 125 * time.Millisecond
	}
	c.mu.Lock()
	next := c.last.Add(interval)
	now := time.Now()
	if next.Before(now) {
		next = now
	}
	c.last = next
	c.mu.Unlock()
	if err := sleep(ctx, time.Until(next)); err != nil {
		return err
	}
	// A timer can fire late on a loaded machine; spacing the next request
	// from when this one really leaves keeps any second under the limit.
	c.mu.Lock()
	if now := time.Now(); now.After(c.last) {
		c.last = now
	}
	c.mu.Unlock()
	return nil
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// retryable is a failure worth another try.
type retryable struct {
	err   error
	after time.Duration // from Retry-After, or 0
}

func (r *retryable) Error() string { return r.err.Error() }

// Get downloads url whole, retrying busy or failed responses.
func (c *Client) Get(ctx context.Context, url string) ([]byte, error) {
	if strings.TrimSpace(c.UserAgent) == "" {
		return nil, ErrNoUserAgent
	}
	retries, backoff := c.Retries, c.Backoff
	if retries == 0 {
		retries = 4
	}
	if backoff <= 0 {
		backoff = time.Second
	}
	for attempt := 0; ; attempt++ {
		body, err := c.once(ctx, url)
		var r *retryable
		if err == nil || !errors.As(err, &r) {
			return body, err
		}
		if attempt >= retries {
			return nil, fmt.Errorf("%v (gave up after %d tries)", r.err, attempt+1)
		}
		wait := backoff << attempt
		if r.after > 0 {
			wait = min(r.after, time.Minute)
		}
		if err := sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

func (c *Client) once(ctx context.Context, url string) ([]byte, error) {
	if err := c.wait(ctx); err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", c.UserAgent)
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 5 * time.Minute}
	}
	resp, err := hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &retryable{err: fmt.Errorf("GET %s: %v", url, err)}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	switch {
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		after := time.Duration(0)
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
			after = time.Duration(s) * time.Second
		}
		return nil, &retryable{err: fmt.Errorf("GET %s: %s", url, resp.Status), after: after}
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	case err != nil:
		return nil, &retryable{err: fmt.Errorf("GET %s: the download broke off: %v", url, err)}
	case resp.ContentLength >= 0 && int64(len(body)) != resp.ContentLength:
		return nil, &retryable{err: fmt.Errorf("GET %s: got %d of %d bytes", url, len(body), resp.ContentLength)}
	}
	return body, nil
}

// Fetch downloads the ticker map and the company facts of each ticker into
// dir, printing to out what changed. A file is replaced only by a complete
// download that parses; a failure for one ticker does not stop the others,
// and the error lists every failure.
func (c *Client) Fetch(ctx context.Context, dir string, tickers []string, out io.Writer) error {
	if strings.TrimSpace(c.UserAgent) == "" {
		return ErrNoUserAgent
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	show := func(name string) string { return filepath.ToSlash(filepath.Join(dir, name)) }
	data, err := c.Get(ctx, c.TickersURL())
	if err != nil {
		return err
	}
	ciks, err := ParseTickers(show(TickersFile), data)
	if err != nil {
		return fmt.Errorf("the ticker map downloaded is not valid, so it was not saved: %w", err)
	}
	status, err := replace(dir, TickersFile, data)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s: %s (%d tickers)\n", show(TickersFile), status, len(ciks))
	var failed []string
	for _, t := range tickers {
		cik, ok := ciks[strings.ToUpper(t)]
		if !ok {
			failed = append(failed, fmt.Sprintf("%s: not in the SEC's ticker map", t))
			continue
		}
		name := FileName(cik)
		msg, err := c.fetchFacts(ctx, dir, name, cik, show(name))
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			failed = append(failed, fmt.Sprintf("%s: %v", t, err))
			continue
		}
		fmt.Fprintf(out, "%s (%s): %s\n", show(name), strings.ToUpper(t), msg)
	}
	if len(failed) > 0 {
		return errors.New(strings.Join(failed, "\n"))
	}
	return nil
}

func (c *Client) fetchFacts(ctx context.Context, dir, name string, cik int64, shown string) (string, error) {
	data, err := c.Get(ctx, c.FactsURL(cik))
	if err != nil {
		return "", err
	}
	fresh, err := Parse(shown, data)
	if err != nil {
		return "", fmt.Errorf("the download is not valid company facts, so it was not saved: %w", err)
	}
	if fresh.CIK != cik {
		return "", fmt.Errorf("the download holds CIK %d, not %d, so it was not saved", fresh.CIK, cik)
	}
	now, err := summarize(fresh)
	if err != nil {
		return "", fmt.Errorf("the download is not valid company facts, so it was not saved: %w", err)
	}
	var before *summary
	if old, err := os.ReadFile(filepath.Join(dir, name)); err == nil {
		if bytes.Equal(old, data) {
			return "unchanged", writeIndex(dir, name, fresh, data)
		}
		if oc, err := Parse(shown, old); err == nil {
			before, _ = summarize(oc)
		}
	}
	// The index goes first: beside the old file it is stale, and ignored.
	if err := writeIndex(dir, name, fresh, data); err != nil {
		return "", err
	}
	if _, err := replace(dir, name, data); err != nil {
		return "", err
	}
	return now.describe(before), nil
}

// writeIndex writes the index of the company facts c parsed from data
// beside the file (index.go).
func writeIndex(dir, name string, c *Company, data []byte) error {
	_, err := replace(dir, IndexName(name), c.Index(data))
	return err
}

// summary is what fetch reports of a company-facts file.
type summary struct {
	concepts, facts int
	latest          Fact
	keys            map[string]bool
}

func summarize(c *Company) (*summary, error) {
	s := &summary{keys: map[string]bool{}}
	for _, name := range c.Concepts() {
		k, err := c.Concept(name)
		if err != nil {
			return nil, err
		}
		s.concepts++
		for _, unit := range k.Units() {
			for _, f := range k.Facts(unit) {
				s.facts++
				s.keys[name+"\x00"+unit+"\x00"+f.Period()+"\x00"+f.Accn+"\x00"+f.Val.String()] = true
				if f.Filed.After(s.latest.Filed) || f.Filed.Equal(s.latest.Filed) && f.Accn > s.latest.Accn {
					s.latest = f
				}
			}
		}
	}
	return s, nil
}

func (s *summary) describe(before *summary) string {
	what := fmt.Sprintf("%d concepts, %d facts", s.concepts, s.facts)
	if s.facts > 0 {
		what += ", latest " + Describe(&s.latest)
	}
	if before == nil {
		return "new: " + what
	}
	added, removed := 0, 0
	for k := range s.keys {
		if !before.keys[k] {
			added++
		}
	}
	for k := range before.keys {
		if !s.keys[k] {
			removed++
		}
	}
	return fmt.Sprintf("updated: %d facts added, %d removed; %s", added, removed, what)
}

// replace writes data to dir/name through a temporary file and a rename,
// so that readers see the old file or the new one, never a part.
func replace(dir, name string, data []byte) (string, error) {
	target := filepath.Join(dir, name)
	status := "new"
	if old, err := os.ReadFile(target); err == nil {
		if bytes.Equal(old, data) {
			return "unchanged", nil
		}
		status = "updated"
	}
	tmp, err := os.CreateTemp(dir, "."+name+".*")
	if err != nil {
		return "", err
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), target)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return "", fmt.Errorf("writing %s: %v", target, err)
	}
	return status, nil
}
