package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/briefs/briefs/internal/site"
	"github.com/briefs/briefs/internal/sitetest"
)

// A link out of the site is an error in the panel; what it points to is
// never read, so never shown. Dot-files are no briefs.
func TestServeRefusesOutsideLinks(t *testing.T) {
	l := start(t, map[string]string{"content/good.md": sitetest.Brief})
	ev := l.events()
	write(t, filepath.Join(l.dir, "content/.hidden.md"), "not a brief")
	if err := os.Symlink("/etc/passwd", filepath.Join(l.dir, "content/passwd.md")); err != nil {
		t.Fatal(err)
	}
	l.waitReload(ev)
	_, body := l.get("/good/")
	for ok := false; !ok; {
		// The link and the dot-file may come in two rebuilds.
		ok = strings.Contains(body, "content/passwd.md")
		if !ok {
			l.waitReload(ev)
			_, body = l.get("/good/")
		}
	}
	if !strings.Contains(body, "outside the site") || strings.Contains(body, "root:") || strings.Contains(body, "hidden") {
		t.Errorf("panel:\n%s", body)
	}
	if errs := l.srv.Errors(); len(errs) != 1 {
		t.Errorf("errors: %v", errs)
	}
}

// content/ deleted and made again: watched again, pages come back, and
// edits rebuild. Moved away: its pages are gone, not served from memory.
func TestContentFolderReplaced(t *testing.T) {
	l := start(t, map[string]string{"content/good.md": sitetest.Brief})
	ev := l.events()
	content := filepath.Join(l.dir, "content")
	if err := os.RemoveAll(content); err != nil {
		t.Fatal(err)
	}
	// Pages render on request: the brief's page is gone as soon as its file
	// is, the error shows once the change is read.
	waitFor(t, l, ev, func() bool {
		code, _ := l.get("/good/")
		_, body := l.get("/")
		return code == 404 && strings.Contains(body, "the site has no content/ folder")
	})
	write(t, filepath.Join(content, "good.md"), sitetest.Brief)
	waitFor(t, l, ev, func() bool { code, _ := l.get("/good/"); return code == 200 })
	write(t, filepath.Join(content, "good.md"), strings.Replace(sitetest.Brief, "value: 39.8", "value: 34.3", 1))
	waitFor(t, l, ev, func() bool { _, body := l.get("/good/"); return strings.Contains(body, ">50.0%</data>") })
	write(t, filepath.Join(content, "new.md"), strings.Replace(sitetest.Brief, "title: Good", "title: New", 1))
	waitFor(t, l, ev, func() bool { code, _ := l.get("/new/"); return code == 200 })

	away := filepath.Join(l.dir, "away")
	if err := os.Rename(content, away); err != nil {
		t.Fatal(err)
	}
	waitFor(t, l, ev, func() bool { code, _ := l.get("/good/"); return code == 404 })
	// Edits in the moved folder are not the site's.
	write(t, filepath.Join(away, "good.md"), strings.Replace(sitetest.Brief, "title: Good", "title: Moved", 1))
	if err := os.Rename(away, content); err != nil {
		t.Fatal(err)
	}
	waitFor(t, l, ev, func() bool { _, body := l.get("/good/"); return strings.Contains(body, "<h1>Moved</h1>") })
	if code, _ := l.get("/new/"); code != 200 {
		t.Errorf("new brief not back: %d", code)
	}
}

// waitFor waits for reloads until cond holds (one change may take several
// rebuilds), failing after 5 s.
func waitFor(t *testing.T, l *live, ev <-chan string, cond func() bool) {
	t.Helper()
	for i := 0; !cond(); i++ {
		if i == 10 {
			t.Fatal("condition not met after 10 reloads")
		}
		l.waitReload(ev)
	}
}

// Browsers omit the default port in Host; a wildcard bind serves the LAN by
// IP; names that could be a DNS rebinding are refused.
func TestHostCheck(t *testing.T) {
	s := New(fstest.MapFS{"content/good.md": {Data: []byte(sitetest.Brief)}}, site.Options{})
	for _, tc := range []struct {
		bind, host, origin string
		code               int
	}{
		{"127.0.0.1:80", "127.0.0.1", "", 200},
		{"127.0.0.1:80", "localhost", "", 200},
		{"127.0.0.1:80", "127.0.0.1:80", "", 200},
		{"127.0.0.1:80", "localhost:8080", "", 403},
		{"127.0.0.1:80", "evil.example", "", 403},
		{"127.0.0.1:1313", "127.0.0.1", "", 403},
		{"127.0.0.1:1313", "LOCALHOST:1313", "", 200},
		{"127.0.0.1:1313", "localhost.:1313", "", 200},
		{"[::1]:1313", "[::1]:1313", "", 200},
		{"[::1]:1313", "localhost:1313", "", 200},
		{"0.0.0.0:1313", "192.168.1.20:1313", "", 200},
		{"0.0.0.0:1313", "10.0.0.7:1313", "http://10.0.0.7:1313", 200},
		{"0.0.0.0:1313", "10.0.0.7:1313", "http://evil.example:1313", 403},
		{"0.0.0.0:1313", "localhost:1313", "", 200},
		{"[::]:1313", "[fe80::1]:1313", "", 200},
		{"[::]:1313", "192.168.1.20:1313", "", 200},
		{"0.0.0.0:1313", "evil.example:1313", "", 403},
		{"0.0.0.0:1313", "192.168.1.20.nip.io:1313", "", 403},
		{"0.0.0.0:1313", "192.168.1.20:9999", "", 403},
		{"0.0.0.0:80", "192.168.1.20", "", 200},
		{"192.168.1.20:1313", "192.168.1.20:1313", "", 200},
		{"192.168.1.20:1313", "10.0.0.7:1313", "", 403},
	} {
		s.AllowHost(tc.bind)
		req := httptest.NewRequest("GET", "/good/", nil)
		req.Host = tc.host
		if tc.origin != "" {
			req = httptest.NewRequest("GET", "/_briefs/events", nil)
			req.Host = tc.host
			req.Header.Set("Origin", tc.origin)
			if tc.code == 200 {
				continue // a stream that would not end: the host check is below
			}
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != tc.code {
			t.Errorf("bound to %s, Host %s, Origin %q: %d, want %d", tc.bind, tc.host, tc.origin, rec.Code, tc.code)
		}
	}
	s.AllowHost("0.0.0.0:1313")
	if !s.allowedOrigin("http://10.0.0.7:1313") || s.allowedOrigin("http://evil.example:1313") || s.allowedOrigin("https://10.0.0.7:1313") {
		t.Error("origin check disagrees with the host check")
	}
}

func TestURLs(t *testing.T) {
	for _, tc := range []struct {
		bind string
		want string
	}{
		{"127.0.0.1:1313", "http://127.0.0.1:1313/"},
		{"127.0.0.1:80", "http://127.0.0.1/"},
		{"[::1]:1313", "http://[::1]:1313/"},
		{"0.0.0.0:1313", "http://localhost:1313/"},
		{"[::]:1313", "http://localhost:1313/"},
	} {
		urls := URLs(tc.bind)
		if len(urls) == 0 || urls[0] != tc.want {
			t.Errorf("URLs(%s) = %v, want %s first", tc.bind, urls, tc.want)
		}
		for _, u := range urls {
			if strings.Contains(u, "0.0.0.0") || strings.Contains(u, "[::]") {
				t.Errorf("URLs(%s) has the unusable %s", tc.bind, u)
			}
		}
	}
	var _ http.Handler = (*Server)(nil)
}

// serve --addr 0.0.0.0:P and :P print addresses a browser can open.
func TestRunPrintsUsableURL(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "content/good.md"), sitetest.Brief)
	for _, addr := range []string{"0.0.0.0:0", ":0"} {
		ctx, cancel := context.WithCancel(context.Background())
		var out, errb syncBuffer
		done := make(chan error, 1)
		go func() { done <- Run(ctx, dir, addr, false, &out, &errb) }()
		deadline := time.Now().Add(5 * time.Second)
		for !strings.Contains(out.String(), "serving") && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		first, _, _ := strings.Cut(out.String(), "\n")
		if !strings.Contains(first, "on http://localhost:") || strings.Contains(out.String(), "0.0.0.0") || strings.Contains(out.String(), "[::]") {
			t.Errorf("--addr %s printed:\n%s", addr, out.String())
		}
	}
}

// syncBuffer is a strings.Builder safe for a writer and a reader.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Tag pages with any letter or + are served at their percent-encoded URLs.
func TestServeTagURLs(t *testing.T) {
	l := start(t, map[string]string{"content/good.md": strings.Replace(sitetest.Brief, "tags: [x]", "tags: [C++, 日本]", 1)})
	for _, p := range []string{"/tags/c%2B%2B/", "/tags/c++/", "/tags/%E6%97%A5%E6%9C%AC/"} {
		if code, _ := l.get(p); code != 200 {
			t.Errorf("GET %s: %d", p, code)
		}
	}
}
