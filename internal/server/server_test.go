package server

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/briefs/briefs/internal/site"
	"github.com/briefs/briefs/internal/sitetest"
)

// live is a server on a free loopback port watching a temporary site.
type live struct {
	t    *testing.T
	dir  string
	base string
	srv  *Server
}

func start(t *testing.T, files map[string]string) *live {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		write(t, filepath.Join(dir, name), data)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := New(os.DirFS(dir), site.Options{})
	s.AllowHost(ln.Addr().String())
	hs := &http.Server{Handler: s}
	go func() { _ = hs.Serve(ln) }()
	ctx, cancel := context.WithCancel(context.Background())
	if _, err := s.StartWatch(ctx, dir, t.Logf); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		s.closeStreams()
		_ = hs.Close()
	})
	return &live{t: t, dir: dir, base: "http://" + ln.Addr().String(), srv: s}
}

func write(t *testing.T, p, data string) {
	t.Helper()
	sitetest.WriteFiles(t, filepath.Dir(p), map[string]string{filepath.Base(p): data})
}

func (l *live) get(p string, header ...string) (int, string) {
	l.t.Helper()
	req, _ := http.NewRequest("GET", l.base+p, nil)
	for i := 0; i+1 < len(header); i += 2 {
		if header[i] == "Host" {
			req.Host = header[i+1]
		} else {
			req.Header.Set(header[i], header[i+1])
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		l.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// events connects to the event stream and returns a channel of event names.
func (l *live) events() <-chan string {
	l.t.Helper()
	req, _ := http.NewRequest("GET", l.base+"/_briefs/events", nil)
	req.Header.Set("Origin", l.base)
	ctx, cancel := context.WithCancel(context.Background())
	l.t.Cleanup(cancel)
	resp, err := http.DefaultClient.Do(req.WithContext(ctx))
	if err != nil || resp.StatusCode != 200 {
		l.t.Fatalf("events: %v %v", err, resp)
	}
	ch := make(chan string, 16)
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if name, ok := strings.CutPrefix(sc.Text(), "event: "); ok {
				ch <- name
			}
		}
		close(ch)
	}()
	if got := <-ch; got != "hello" {
		l.t.Fatalf("first event %q", got)
	}
	return ch
}

func (l *live) waitReload(ch <-chan string) {
	l.t.Helper()
	select {
	case ev := <-ch:
		if ev != "reload" {
			l.t.Fatalf("event %q, want reload", ev)
		}
	case <-time.After(5 * time.Second):
		l.t.Fatal("no reload event within 5s")
	}
}

func TestEditReloads(t *testing.T) {
	l := start(t, map[string]string{"content/good.md": sitetest.Brief})
	code, body := l.get("/good/")
	if code != 200 || !strings.Contains(body, ">58.0%</data>") || !strings.Contains(body, `<script src="/_briefs/reload.js?v=1" defer></script>`) {
		t.Fatalf("initial page: %d", code)
	}
	ev := l.events()
	write(t, filepath.Join(l.dir, "content/good.md"), strings.Replace(sitetest.Brief, "value: 39.8", "value: 34.3", 1))
	l.waitReload(ev)
	if _, body := l.get("/good/"); !strings.Contains(body, ">50.0%</data>") {
		t.Errorf("edit not served")
	}
	// An editor that saves by writing a new file and renaming it over the old.
	tmp := filepath.Join(l.dir, "content", ".good.md.swp")
	write(t, tmp, strings.Replace(sitetest.Brief, "value: 39.8", "value: 13.72", 1))
	if err := os.Rename(tmp, filepath.Join(l.dir, "content/good.md")); err != nil {
		t.Fatal(err)
	}
	l.waitReload(ev)
	if _, body := l.get("/good/"); !strings.Contains(body, ">20.0%</data>") {
		t.Errorf("rename-save not served")
	}
}

func TestBrokenThenFixed(t *testing.T) {
	l := start(t, map[string]string{"content/good.md": sitetest.Brief, "content/other.md": strings.Replace(sitetest.Brief, "title: Good", "title: Other", 1)})
	// The page is open while its brief is edited: the preview keeps the
	// pages it served (not every page of a large site).
	if code, _ := l.get("/good/"); code != 200 {
		t.Fatalf("initial page: %d", code)
	}
	ev := l.events()
	write(t, filepath.Join(l.dir, "content/good.md"), strings.Replace(sitetest.Brief, "{{ share }}", "{{ shar }}", 1))
	l.waitReload(ev)
	code, body := l.get("/good/")
	if code != 200 || !strings.Contains(body, ">58.0%</data>") {
		t.Errorf("broken brief must keep its last good page (code %d)", code)
	}
	for _, want := range []string{
		`<p class="briefs-pos">content/good.md:13:6</p>`,
		"<pre>A is {{ shar }} of B.\n     ^</pre>",
		`unknown name shar (did you mean share?)`,
		`>1 error: pages show their last good version</h2>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("error panel lacks %q", want)
		}
	}
	if _, other := l.get("/other/"); !strings.Contains(other, "briefs-errors") || !strings.Contains(other, ">58.0%</data>") {
		t.Errorf("other pages keep serving, with the error shown")
	}
	write(t, filepath.Join(l.dir, "content/good.md"), sitetest.Brief)
	l.waitReload(ev)
	if _, body := l.get("/good/"); strings.Contains(body, "briefs-errors") {
		t.Errorf("fixed brief still shows errors")
	}
}

func TestNewBrokenBriefShowsErrors(t *testing.T) {
	l := start(t, map[string]string{"content/good.md": sitetest.Brief})
	ev := l.events()
	write(t, filepath.Join(l.dir, "content/new.md"), "---\ntitle: New\ndate: 2025-01-01\nfigures: {a: NO}\n---\n")
	l.waitReload(ev)
	code, body := l.get("/new/")
	if code != 404 || !strings.Contains(body, "content/new.md:4:14") {
		t.Errorf("new broken brief: %d, panel missing", code)
	}
}

func TestDeleteAndRename(t *testing.T) {
	l := start(t, map[string]string{"content/good.md": sitetest.Brief})
	ev := l.events()
	if err := os.Rename(filepath.Join(l.dir, "content/good.md"), filepath.Join(l.dir, "content/renamed.md")); err != nil {
		t.Fatal(err)
	}
	l.waitReload(ev)
	if code, _ := l.get("/good/"); code != 404 {
		t.Errorf("old URL after rename: %d", code)
	}
	if code, _ := l.get("/renamed/"); code != 200 {
		t.Errorf("new URL after rename: %d", code)
	}
	if err := os.Remove(filepath.Join(l.dir, "content/renamed.md")); err != nil {
		t.Fatal(err)
	}
	l.waitReload(ev)
	if code, _ := l.get("/renamed/"); code != 404 {
		t.Errorf("deleted brief: %d", code)
	}
	if _, body := l.get("/"); strings.Contains(body, "Good") {
		t.Errorf("index still lists the deleted brief")
	}
}

func TestLayoutEdit(t *testing.T) {
	l := start(t, map[string]string{"content/good.md": sitetest.Brief, "layouts/404.html": `{{define "main"}}<h1>Lost</h1>{{end}}`})
	ev := l.events()
	write(t, filepath.Join(l.dir, "layouts/404.html"), `{{define "main"}}<h1>Gone astray</h1>{{end}}`)
	l.waitReload(ev)
	if code, body := l.get("/nope/"); code != 404 || !strings.Contains(body, "Gone astray") {
		t.Errorf("layout edit not applied: %d", code)
	}
}

func TestSafety(t *testing.T) {
	l := start(t, map[string]string{"content/good.md": sitetest.Brief})
	host := strings.TrimPrefix(l.base, "http://")
	_, port, _ := net.SplitHostPort(host)
	for _, tt := range []struct {
		path string
		hdr  []string
		code int
	}{
		{"/good/", nil, 200},
		{"/good", nil, 200}, // redirected to /good/
		{"/", []string{"Host", "localhost:" + port}, 200},
		{"/", []string{"Host", "evil.example"}, 403},
		{"/", []string{"Host", "evil.example:" + port}, 403},
		{"/", []string{"Host", "127.0.0.1:1"}, 403},
		{"/_briefs/events", []string{"Origin", "http://evil.example"}, 403},
		{"/_briefs/events", []string{"Origin", "https://" + host}, 403},
		{"/../../etc/passwd", nil, 400},
		{"/%2e%2e/%2e%2e/etc/passwd", nil, 400},
		{"/%252e%252e/etc/passwd", nil, 400},
		{"/good/..%2f..%2fgo.mod", nil, 400},
		{"/good%5c..%5c..%5cgo.mod", nil, 400},
		{"/css/../../go.mod", nil, 400},
		{"/nope", nil, 404},
	} {
		req, _ := http.NewRequest("GET", l.base+"/", nil)
		req.URL.Opaque = tt.path // sent exactly as written
		for i := 0; i+1 < len(tt.hdr); i += 2 {
			if tt.hdr[i] == "Host" {
				req.Host = tt.hdr[i+1]
			} else {
				req.Header.Set(tt.hdr[i], tt.hdr[i+1])
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		resp, err := http.DefaultClient.Do(req.WithContext(ctx))
		if err != nil {
			cancel()
			t.Fatalf("%s: %v", tt.path, err)
		}
		_ = resp.Body.Close()
		cancel()
		if resp.StatusCode != tt.code {
			t.Errorf("%s %v: %d, want %d", tt.path, tt.hdr, resp.StatusCode, tt.code)
		}
		if tt.code == 200 && resp.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("CORS header set")
		}
	}
	code, body := l.get("/good/")
	if code != 200 || strings.Contains(body, "go.mod") {
		t.Errorf("page")
	}
}

func TestPanicRecovers(t *testing.T) {
	l := start(t, map[string]string{"content/good.md": sitetest.Brief})
	l.srv.beforeServe = func(r *http.Request) {
		if r.URL.Path == "/boom" {
			panic("boom")
		}
	}
	if code, _ := l.get("/boom"); code != 500 {
		t.Errorf("panicking handler answered %d, want 500", code)
	}
	if code, _ := l.get("/good/"); code != 200 {
		t.Errorf("server did not live on: %d", code)
	}
}

func TestRunShutsDown(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "content/good.md"), sitetest.Brief)
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb strings.Builder
	done := make(chan error, 1)
	go func() { done <- Run(ctx, dir, "127.0.0.1:0", false, &out, &errb) }()
	time.Sleep(300 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if err != nil || !strings.Contains(out.String(), "stopped") {
			t.Errorf("Run: %v, %q", err, out.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop")
	}
}

// benchBrief is brief i of a bench site: company i/10's brief for
// FY2015+i%10, which (after the first) reads a of the year before; a is
// the value that the edit changes.
func benchBrief(i int, a string) string {
	head := fmt.Sprintf("title: Brief %d\nticker: T%04d\nperiod: FY%d", i, i/10, 2015+i%10)
	src := strings.Replace(sitetest.Brief, "title: Good", head, 1)
	src = strings.Replace(src, "tags: [x]", fmt.Sprintf("tags: [t%d]", i%50), 1)
	src = strings.Replace(src, "value: 39.8", "value: "+a, 1)
	if i%10 > 0 {
		src = strings.Replace(src, "  share: a / b\n", fmt.Sprintf("  share: a / b\n  change: a - a@FY%d\n", 2015+i%10-1), 1)
	}
	return src
}

// benchSite writes n briefs shaped like the sample ones, ten to a company.
func benchSite(b *testing.B, n int) string {
	dir := b.TempDir()
	for i := 0; i < n; i++ {
		src := benchBrief(i, "39.8") +
			strings.Repeat("Prose about the business and its segments. ", 100) +
			"\n\n```chart\ntype: bar\ntitle: Shares\ndata: [a, b]\n```\n\n```chart\ntype: donut\ntitle: Parts\ndata: {A: a, B: b - a}\n```\n"
		write(&testing.T{}, filepath.Join(dir, "content", fmt.Sprintf("b%05d.md", i)), src)
	}
	return dir
}

// benchmarkEdit measures the time from saving one brief to the reload
// event, with the file watcher, debounce and rebuild in the path.
func benchmarkEdit(b *testing.B, n int) {
	dir := benchSite(b, n)
	s := New(os.DirFS(dir), site.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if _, err := s.StartWatch(ctx, dir, func(string, ...any) {}); err != nil {
		b.Fatal(err)
	}
	ch := make(chan uint64, 1)
	s.mu.Lock()
	s.subs[ch] = struct{}{}
	s.mu.Unlock()
	var rebuild time.Duration
	s.Rebuilt = func(_ uint64, took time.Duration) { rebuild += took }
	target := filepath.Join(dir, "content", "b00042.md")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// The brief's value is read by the company's next brief, which
		// re-renders too.
		write(&testing.T{}, target, benchBrief(42, fmt.Sprintf("%d.5", 30+i%9)))
		select {
		case <-ch:
		case <-time.After(10 * time.Second):
			b.Fatal("no reload")
		}
	}
	b.ReportMetric(float64(rebuild.Microseconds())/float64(b.N)/1000, "ms-rebuild/op")
}

func BenchmarkEditToReload1k(b *testing.B)  { benchmarkEdit(b, 1000) }
func BenchmarkEditToReload10k(b *testing.B) { benchmarkEdit(b, 10000) }

// TestContentTypes: what a site holds is served with its own type whatever
// the machine's mime.types says (CSV and WOFF2 lack one on a minimal system).
func TestContentTypes(t *testing.T) {
	l := start(t, map[string]string{"content/good.md": sitetest.Brief + "\n```chart\ntype: bar\ntitle: T\ndata: [a, b]\n```\n"})
	for p, want := range map[string]string{"/good/chart-1.csv": "text/csv; charset=utf-8", "/good/figures.json": "application/json", "/feed.xml": "application/xml"} {
		req, _ := http.NewRequest("GET", l.base+p, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("Content-Type"); resp.StatusCode != 200 || got != want {
			t.Errorf("%s: %d %q, want %q", p, resp.StatusCode, got, want)
		}
	}
}
