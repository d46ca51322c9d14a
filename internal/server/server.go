// Package server is briefs' preview server: it reads the site into memory,
// renders pages as they are asked for (site.Preview), serves them on
// loopback, watches the sources, rebuilds only what an edit touches and
// tells the browser to reload over Server-Sent Events. A broken brief shows
// its errors in the page while every page keeps its last good version.
package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"io/fs"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/briefs/briefs/internal/content"
	"github.com/briefs/briefs/internal/diag"
	"github.com/briefs/briefs/internal/plural"
	"github.com/briefs/briefs/internal/site"
	"github.com/fsnotify/fsnotify"
)

// Debounce is how long the server waits after a change for more changes
// (editors write a file in several steps) before rebuilding.
const Debounce = 10 * time.Millisecond

// Server serves a site being edited.
type Server struct {
	fsys    fs.FS
	preview *site.Preview
	// stop ends the preview's background check.
	stop context.CancelFunc

	mu      sync.RWMutex
	version uint64
	subs    map[chan uint64]struct{}

	// hosts says which Host headers are accepted (DNS rebinding); nil
	// accepts all.
	hosts *hostPolicy
	// Rebuilt, when set, is called after every rebuild (tests and benchmarks).
	Rebuilt func(version uint64, took time.Duration)
	// beforeServe, when set, runs first in every request (tests inject
	// failures with it).
	beforeServe func(*http.Request)
}

// New reads the site in fsys and returns a server for it. Close stops
// the background check of its briefs.
func New(fsys fs.FS, opts site.Options) *Server {
	s := &Server{fsys: fsys, preview: site.NewPreview(fsys, opts), subs: map[chan uint64]struct{}{}}
	s.preview.Build()
	s.bump()
	// The check renders every brief in the background for the errors only
	// rendering finds; pages that show errors reload when it finds more.
	s.preview.Changed = s.bump
	ctx, cancel := context.WithCancel(context.Background())
	s.stop = cancel
	go s.preview.Check(ctx)
	return s
}

// Close stops the background check.
func (s *Server) Close() { s.stop() }

// Errors returns the current problems (warnings included).
func (s *Server) Errors() diag.List { return s.preview.Errors() }

// Subscribers is the number of pages listening for reloads.
func (s *Server) Subscribers() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.subs)
}

// Version counts rebuilds.
func (s *Server) Version() uint64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.version
}

// bump counts a new version of the site and tells the pages to reload.
func (s *Server) bump() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.version++
	v := s.version
	for ch := range s.subs {
		select {
		case ch <- v:
		default: // a slow client gets the next one
		}
	}
}

// Update rebuilds after the given source paths (slash-separated, relative
// to the site folder) changed, and notifies browsers.
func (s *Server) Update(changed []string) {
	start := time.Now()
	s.preview.Update(changed)
	s.bump()
	if s.Rebuilt != nil {
		s.Rebuilt(s.Version(), time.Since(start))
	}
}

// StartWatch watches dir's content/, layouts/ and data/sec/ until ctx ends, rebuilding
// after each burst of changes. It returns once the watches are in place, so
// no edit made after it returns is missed; the channel reports the end.
func (s *Server) StartWatch(ctx context.Context, dir string, logf func(string, ...any)) (<-chan error, error) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	// The site folder itself is watched too, so that content/ or layouts/
	// deleted, moved away or made again is seen and watched anew.
	if err := w.Add(dir); err != nil {
		_ = w.Close()
		return nil, err
	}
	for _, sub := range watched {
		if err := watchDir(w, filepath.Join(dir, sub)); err != nil {
			_ = w.Close()
			return nil, err
		}
	}
	done := make(chan error, 1)
	go func() {
		defer w.Close()
		done <- s.watch(ctx, w, dir, logf)
	}()
	return done, nil
}

// siteTypes are the content types of what a site holds, whatever the
// machine's /etc/mime.types says (a minimal system has none for CSV or
// WOFF2, and the preview would serve them as octet-stream).
var siteTypes = map[string]string{
	".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
	".csv": "text/csv; charset=utf-8", ".json": "application/json", ".xml": "application/xml", ".txt": "text/plain; charset=utf-8",
	".svg": "image/svg+xml", ".png": "image/png", ".woff2": "font/woff2", ".ttf": "font/ttf",
}

// watched are the site's folders whose files the server watches.
var watched = []string{"content", "layouts", "data/sec"}

// watchedFolder returns the watched folder rel lies in (or is), or "".
func watchedFolder(rel string) string {
	for _, w := range watched {
		if rel == w || strings.HasPrefix(rel, w+"/") {
			return w
		}
	}
	return ""
}

// watchDir watches p if it is a folder.
func watchDir(w *fsnotify.Watcher, p string) error {
	if st, err := os.Stat(p); err != nil || !st.IsDir() {
		return nil
	}
	return w.Add(p)
}

func (s *Server) watch(ctx context.Context, w *fsnotify.Watcher, dir string, logf func(string, ...any)) error {
	pending := map[string]bool{}
	var timer <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			rel, err := filepath.Rel(dir, ev.Name)
			if err != nil || strings.HasPrefix(filepath.Base(rel), ".") || strings.HasSuffix(rel, "~") {
				continue // editor swap and backup files
			}
			rel = filepath.ToSlash(rel)
			top := watchedFolder(rel)
			if top == "" {
				continue // the site folder's other files
			}
			if rel == top && !ev.Has(fsnotify.Create) && !ev.Has(fsnotify.Remove) && !ev.Has(fsnotify.Rename) {
				continue // the folder's own attributes changed
			}
			if rel == top {
				// The folder itself came, went or moved. A watch follows
				// the folder, not its name: drop it so that edits in a
				// folder moved away are not taken for the site's, and
				// watch what now has the name.
				_ = w.Remove(ev.Name)
				if err := watchDir(w, ev.Name); err != nil {
					logf("watch: %v", err)
				}
			}
			pending[rel] = true
			if timer == nil {
				timer = time.After(Debounce)
			}
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			logf("watch: %v", err)
		case <-timer:
			timer = nil
			var changed []string
			for p := range pending {
				changed = append(changed, p)
			}
			pending = map[string]bool{}
			start := time.Now()
			s.Update(changed)
			errs := s.Errors().Errors(false)
			if len(errs) > 0 {
				logf("rebuilt in %s with %s:\n%s", time.Since(start).Round(time.Microsecond), plural.Count(len(errs), "error"), errs.Error())
			} else {
				logf("rebuilt %s in %s", strings.Join(changed, ", "), time.Since(start).Round(time.Microsecond))
			}
		}
	}
}

// Run serves on addr and watches dir until ctx ends, then shuts down.
func Run(ctx context.Context, dir, addr string, drafts bool, stdout, stderr io.Writer) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	start := time.Now()
	s := New(os.DirFS(dir), site.Options{Drafts: drafts})
	defer s.Close()
	bound := ln.Addr().String()
	s.AllowHost(bound)
	logf := func(format string, args ...any) { fmt.Fprintf(stderr, format+"\n", args...) }
	if errs := s.Errors(); len(errs) > 0 {
		logf("%s", errs.Error())
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 5 * time.Second}
	urls := URLs(bound)
	fmt.Fprintf(stdout, "serving %s on %s (built in %s; Ctrl-C stops)\n", dir, urls[0], time.Since(start).Round(time.Millisecond))
	if len(urls) > 1 {
		fmt.Fprintf(stdout, "on your network: %s\n", strings.Join(urls[1:], " "))
	}
	watchCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	if _, err := s.StartWatch(watchCtx, dir, logf); err != nil {
		return err
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.closeStreams()
	shutdown, done := context.WithTimeout(context.Background(), 3*time.Second)
	defer done()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	fmt.Fprintln(stdout, "stopped")
	return nil
}

// AllowHost accepts requests addressed to the bind address hostport (as
// browsers write it: without :80 for port 80, any case, a trailing dot).
// A loopback bind also accepts localhost, 127.0.0.1 and [::1]. A wildcard
// bind (0.0.0.0, [::]) serves the network, so it accepts those, this
// machine's host name and any IP literal: a DNS rebinding attack needs a
// name of the attacker's that resolves to this machine, and its requests
// carry that name, never an IP literal. Other names are refused, and any
// host on another port.
func (s *Server) AllowHost(hostport string) {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		return
	}
	p := &hostPolicy{port: port, names: map[string]bool{normHost(host): true}}
	ip, ipErr := netip.ParseAddr(host)
	wildcard := host == "" || (ipErr == nil && ip.IsUnspecified())
	if wildcard || (ipErr == nil && ip.IsLoopback()) || strings.EqualFold(host, "localhost") {
		for _, h := range []string{"localhost", "127.0.0.1", "::1"} {
			p.names[h] = true
		}
	}
	if wildcard {
		p.anyIP = true
		if name, err := os.Hostname(); err == nil && name != "" {
			name = normHost(name)
			p.names[name], p.names[name+".local"] = true, true
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hosts = p
}

// hostPolicy is which Host headers the server answers.
type hostPolicy struct {
	port  string
	names map[string]bool
	anyIP bool
}

// normHost lowercases a host and drops IPv6 brackets and a final dot.
func normHost(h string) string {
	return strings.TrimSuffix(strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")), ".")
}

// allows reports whether a Host header (host or host:port) is accepted.
func (p *hostPolicy) allows(hostport string) bool {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		host, port = hostport, "80" // browsers omit the scheme's default port
	}
	if port != p.port || host == "" {
		return false
	}
	host = normHost(host)
	if p.names[host] {
		return true
	}
	if p.anyIP {
		_, err := netip.ParseAddr(host)
		return err == nil
	}
	return false
}

// hostAllowed reports whether a request's Host is accepted.
func (s *Server) hostAllowed(hostport string) bool {
	s.mu.RLock()
	p := s.hosts
	s.mu.RUnlock()
	return p == nil || p.allows(hostport)
}

// allowedOrigin reports whether a page at origin may listen for reloads:
// a page this server served, over http.
func (s *Server) allowedOrigin(origin string) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Scheme != "http" || u.Host == "" || u.Path != "" {
		return false
	}
	return s.hostAllowed(u.Host)
}

// URLs are the addresses at which a server bound to hostport can be
// opened: a wildcard bind's localhost first, then this machine's network
// addresses. Port 80 is left out, as browsers write it.
func URLs(hostport string) []string {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		return []string{"http://" + hostport + "/"}
	}
	mk := func(h string) string {
		if port == "80" {
			if strings.Contains(h, ":") {
				return "http://[" + h + "]/"
			}
			return "http://" + h + "/"
		}
		return "http://" + net.JoinHostPort(h, port) + "/"
	}
	ip, err := netip.ParseAddr(host)
	if host != "" && (err != nil || !ip.IsUnspecified()) {
		return []string{mk(host)}
	}
	urls := []string{mk("localhost")}
	addrs, _ := net.InterfaceAddrs()
	var v6 []string
	for _, a := range addrs {
		pfx, err := netip.ParsePrefix(a.String())
		if err != nil || !pfx.Addr().IsGlobalUnicast() {
			continue // loopback, link-local (needs a zone) and the like
		}
		if ip.Is4() && !pfx.Addr().Is4() {
			continue // 0.0.0.0 serves IPv4 only
		}
		if pfx.Addr().Is4() {
			urls = append(urls, mk(pfx.Addr().String()))
		} else {
			v6 = append(v6, mk(pfx.Addr().String()))
		}
	}
	return append(urls, v6...)
}

func (s *Server) closeStreams() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for ch := range s.subs {
		close(ch)
		delete(s.subs, ch)
	}
}

// ServeHTTP serves the built site with the reload script and error panel.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			http.Error(w, "internal error", http.StatusInternalServerError)
		}
	}()
	if s.beforeServe != nil {
		s.beforeServe(r)
	}
	if !s.hostAllowed(r.Host) {
		http.Error(w, "forbidden host", http.StatusForbidden)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	setSecurityHeaders(w.Header())
	switch r.URL.Path {
	case "/_briefs/events":
		s.events(w, r)
		return
	case "/_briefs/reload.js":
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = io.WriteString(w, reloadJS)
		return
	case "/_briefs/overlay.css":
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		_, _ = io.WriteString(w, overlayCSS)
		return
	}
	name, ok := cleanPath(r.URL.Path, r.URL.RawPath)
	if !ok {
		http.Error(w, "bad path", http.StatusBadRequest)
		return
	}
	s.mu.RLock()
	version := s.version
	s.mu.RUnlock()
	errs := s.preview.Errors().Errors(false)
	data, found := s.preview.File(name)
	if !found && !strings.HasSuffix(name, "index.html") && path.Ext(name) == "" {
		if _, dir := s.preview.File(name + "/index.html"); dir {
			http.Redirect(w, r, "/"+name+"/", http.StatusMovedPermanently)
			return
		}
	}
	status := http.StatusOK
	if !found {
		status = http.StatusNotFound
		name = "404.html"
		data, found = s.preview.File(name)
		if !found {
			data = []byte("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title></head><body><h1>Not found</h1></body></html>")
		}
	}
	ctype := siteTypes[path.Ext(name)]
	if ctype == "" {
		ctype = mime.TypeByExtension(path.Ext(name))
	}
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Cache-Control", "no-store")
	if strings.HasSuffix(name, ".html") {
		data = s.inject(data, errs, version)
	}
	w.WriteHeader(status)
	if r.Method == http.MethodGet {
		_, _ = w.Write(data)
	}
}

// cleanPath maps a request path to an output file name, refusing anything
// that could climb out of the site: ".." segments, encoded or double-encoded.
func cleanPath(p, raw string) (string, bool) {
	if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, "\\\x00") || strings.Contains(p, "%") {
		return "", false
	}
	lower := strings.ToLower(raw)
	if strings.Contains(lower, "%2e") || strings.Contains(lower, "%2f") || strings.Contains(lower, "%5c") || strings.Contains(lower, "%25") {
		return "", false
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == ".." || seg == "." {
			return "", false
		}
	}
	name := strings.TrimPrefix(path.Clean(p), "/")
	if name == "." || name == "" {
		return "index.html", true
	}
	if strings.HasSuffix(p, "/") {
		name += "/index.html"
	}
	return name, true
}

func setSecurityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; font-src 'self'; script-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
}

// inject adds the reload script, and the error panel when the site has
// errors, to a served page. Nothing of this is ever written to public/.
func (s *Server) inject(page []byte, errs diag.List, version uint64) []byte {
	var extra bytes.Buffer
	// The page carries the build it shows, so that a page that missed a
	// reload event (it was loading, or reconnecting) still catches up.
	fmt.Fprintf(&extra, `<script src="/_briefs/reload.js?v=%d" defer></script>`, version)
	if len(errs) > 0 {
		extra.WriteString(`<link rel="stylesheet" href="/_briefs/overlay.css">`)
	}
	out := bytes.Replace(page, []byte("</head>"), append(extra.Bytes(), "</head>"...), 1)
	if len(errs) == 0 {
		return out
	}
	panel := s.errorPanel(errs)
	if i := bytes.Index(out, []byte("<body>")); i >= 0 {
		i += len("<body>")
		return append(out[:i:i], append(panel, out[i:]...)...)
	}
	return append(panel, out...)
}

func (s *Server) errorPanel(errs diag.List) []byte {
	var b bytes.Buffer
	b.WriteString(`<aside class="briefs-errors" role="alert" aria-labelledby="briefs-errors-h"><h2 id="briefs-errors-h">`)
	b.WriteString(plural.Count(len(errs), "error") + ": pages show their last good version")
	b.WriteString(`</h2><ol>`)
	for _, e := range errs {
		b.WriteString(`<li><p class="briefs-pos">`)
		if e.Line > 0 {
			b.WriteString(html.EscapeString(fmt.Sprintf("%s:%d:%d", e.File, e.Line, e.Col)))
		} else {
			b.WriteString(html.EscapeString(e.File))
		}
		b.WriteString(`</p>`)
		if line := s.sourceLine(e); line != "" {
			b.WriteString(`<pre>` + html.EscapeString(line) + "\n" + strings.Repeat(" ", max(e.Col-1, 0)) + "^</pre>")
		}
		b.WriteString(`<p class="briefs-msg">` + html.EscapeString(e.Msg) + `</p></li>`)
	}
	b.WriteString(`</ol></aside>`)
	return b.Bytes()
}

func (s *Server) sourceLine(e *diag.Error) string {
	if e.Line < 1 || e.File == "" {
		return ""
	}
	src, err := content.ReadFile(s.fsys, e.File) // never a file outside the site
	if err != nil {
		return ""
	}
	return diag.NewLines(src).Line(e.Line)
}

// events streams a "reload" event after every rebuild.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	if origin := r.Header.Get("Origin"); origin != "" {
		if !s.allowedOrigin(origin) {
			http.Error(w, "forbidden origin", http.StatusForbidden)
			return
		}
	}
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	ch, v := s.subscribe()
	defer s.unsubscribe(ch)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	fmt.Fprintf(w, "retry: 500\nevent: hello\ndata: %d\n\n", v)
	flusher.Flush()
	ping := time.NewTicker(15 * time.Second)
	defer ping.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case v, open := <-ch:
			if !open {
				return
			}
			fmt.Fprintf(w, "event: reload\ndata: %d\n\n", v)
			flusher.Flush()
		case <-ping.C:
			_, _ = io.WriteString(w, ": ping\n\n")
			flusher.Flush()
		}
	}
}

// subscribe registers a listener for rebuilds and returns the current
// version. Locks are released by defer so that no panic can wedge them.
func (s *Server) subscribe() (chan uint64, uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := make(chan uint64, 1)
	s.subs[ch] = struct{}{}
	return ch, s.version
}

func (s *Server) unsubscribe(ch chan uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.subs, ch)
}

// reloadJS reloads the page on a reload event, keeping the scroll position.
const reloadJS = `(function () {
  "use strict";
  var key = "briefs-scroll:" + location.pathname;
  var shown = parseInt(new URL(document.currentScript.src).searchParams.get("v"), 10) || 0;
  var saved = sessionStorage.getItem(key);
  if (saved !== null) { sessionStorage.removeItem(key); window.scrollTo(0, parseInt(saved, 10) || 0); }
  function reload() {
    sessionStorage.setItem(key, String(window.scrollY));
    location.reload();
  }
  var es = new EventSource("/_briefs/events");
  es.addEventListener("hello", function (e) { if (parseInt(e.data, 10) > shown) { reload(); } });
  es.addEventListener("reload", reload);
})();
`

const overlayCSS = `.briefs-errors { position: sticky; top: 0; z-index: 10; margin: 0 0 1rem; padding: .75rem 1rem;
  background: #fff4f2; color: #5c0b00; border: 2px solid #b3261e; font: .9rem/1.4 system-ui, sans-serif; max-height: 60vh; overflow: auto; }
.briefs-errors h2 { margin: 0 0 .5rem; font-size: 1rem; }
.briefs-errors ol { margin: 0; padding-left: 1.25rem; }
.briefs-errors pre { background: #fff; color: #1a1a1a; padding: .25rem .5rem; overflow-x: auto; }
.briefs-pos { font-family: ui-monospace, monospace; font-weight: 700; margin: .25rem 0; }
.briefs-msg { margin: .25rem 0 .75rem; }
`
