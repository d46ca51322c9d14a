package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/briefs/briefs/internal/server"
	"github.com/briefs/briefs/internal/site"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// root is the repository root (this file is internal/e2e/e2e_test.go).
func root(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// skipOut is where need announces a skip; go test's -v is not needed to
// see it.
var skipOut io.Writer = os.Stderr

// need skips (or, under BRIEFS_E2E=require, fails) when a tool is missing.
func need(t *testing.T, what string, ok bool) {
	t.Helper()
	if ok {
		return
	}
	msg := fmt.Sprintf("\n%s\n!!! E2E TEST SKIPPED: %s is not installed.\n!!! Install it (see .ci/run) to run browser, accessibility and HTML validation tests.\n%s",
		strings.Repeat("!", 72), what, strings.Repeat("!", 72))
	if os.Getenv("BRIEFS_E2E") == "require" {
		t.Fatal(msg)
	}
	fmt.Fprintln(skipOut, msg)
	noteSkip(t, what)
	t.Skip(msg)
}

// noteSkip records a skipped test in the file $BRIEFS_E2E_SKIPPED names, one
// "test<TAB>what is missing" line each, so that make test can say at its
// very end what did not run; go test's own output scrolls past.
func noteSkip(t *testing.T, what string) {
	name := os.Getenv("BRIEFS_E2E_SKIPPED")
	if name == "" {
		return
	}
	f, err := os.OpenFile(name, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Logf("cannot record the skip: %v", err)
		return
	}
	defer f.Close()
	fmt.Fprintf(f, "%s\t%s\n", t.Name(), what)
}

func chromiumPath() string {
	for _, p := range []string{os.Getenv("BRIEFS_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p != "" {
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	return ""
}

// browser starts headless Chromium with the flags this machine needs.
func browser(t *testing.T) context.Context {
	t.Helper()
	bin := chromiumPath()
	need(t, "Chromium (Debian package chromium)", bin != "")
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	for _, enable := range []func() error{
		func() error { _, err := chromedp.Call(ctx, cdplog.Enable, cdp.Empty{}); return err },
		func() error { _, err := chromedp.Call(ctx, cdpruntime.Enable, cdp.Empty{}); return err },
	} {
		if err := enable(); err != nil {
			t.Fatal(err)
		}
	}
	return ctx
}

// netlifyHeaders reads the [[headers]] rules of netlify.toml.
type headerRule struct {
	For    string            `toml:"for"`
	Values map[string]string `toml:"values"`
}

func netlifyHeaders(t *testing.T) []headerRule {
	var cfg struct {
		Headers []headerRule `toml:"headers"`
	}
	if _, err := toml.DecodeFile(filepath.Join(root(t), "netlify.toml"), &cfg); err != nil {
		t.Fatalf("netlify.toml: %v", err)
	}
	if len(cfg.Headers) == 0 {
		t.Fatal("netlify.toml has no headers")
	}
	return cfg.Headers
}

func matchFor(pattern, p string) bool {
	re := "^" + strings.ReplaceAll(regexp.QuoteMeta(pattern), `\*`, ".*") + "$"
	return regexp.MustCompile(re).MatchString(p)
}

func sampleSite(t *testing.T, base string) *site.Output {
	t.Helper()
	out, errs := site.Build(os.DirFS(root(t)), site.Options{BaseURL: base})
	if err := errs.Err(); err != nil {
		t.Fatalf("building the sample site: %v", err)
	}
	return out
}

func pages(out *site.Output) []string {
	var ps []string
	for _, p := range out.Paths() {
		if strings.HasSuffix(p, ".html") {
			ps = append(ps, p)
		}
	}
	return ps
}

// TestCompanyPagesChecked: the browser and validator tests go through
// every page, and the company pages must be among them.
func TestCompanyPagesChecked(t *testing.T) {
	ps := strings.Join(pages(sampleSite(t, "")), " ")
	for _, want := range []string{"companies/index.html", "companies/amzn/index.html", "companies/meta/index.html"} {
		if !strings.Contains(ps, want) {
			t.Errorf("the sample site has no %s (pages: %s)", want, ps)
		}
	}
}

// consoleProblems collects console errors, exceptions and CSP violations.
type consoleProblems struct {
	ch chan string
}

func listen(t *testing.T, ctx context.Context) *consoleProblems {
	c := &consoleProblems{ch: make(chan string, 1000)}
	err := chromedp.Listen(ctx, func(ev any) {
		msg := ""
		switch e := ev.(type) {
		case *cdplog.EventEntryAdded:
			if e.Entry.Level == cdplog.EntryLevelError || strings.Contains(e.Entry.Text, "Content Security Policy") {
				msg = fmt.Sprintf("%s: %s (%s)", e.Entry.Source, e.Entry.Text, e.Entry.URL)
			}
		case *cdpruntime.EventExceptionThrown:
			msg = "exception: " + e.ExceptionDetails.Text
		case *cdpruntime.EventConsoleAPICalled:
			if e.Type == cdpruntime.ConsoleAPICalledTypeError || e.Type == cdpruntime.ConsoleAPICalledTypeWarning {
				var parts []string
				for _, a := range e.Args {
					parts = append(parts, string(a.Value)+a.Description)
				}
				msg = "console." + string(e.Type) + ": " + strings.Join(parts, " ")
			}
		}
		if msg != "" {
			select {
			case c.ch <- msg:
			default:
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (c *consoleProblems) drain() []string {
	var out []string
	for {
		select {
		case m := <-c.ch:
			out = append(out, m)
		default:
			return out
		}
	}
}

type axeResult struct {
	Violations []struct {
		ID    string `json:"id"`
		Help  string `json:"help"`
		Nodes []struct {
			Target []any `json:"target"`
		} `json:"nodes"`
	} `json:"violations"`
}

func runAxe(ctx context.Context, axeSrc string) (axeResult, error) {
	var res axeResult
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](axeSrc)); err != nil {
		return res, err
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}).then(r => JSON.stringify(r))`, chromedp.EvalAwaitPromise))
	if err != nil {
		return res, err
	}
	err = json.Unmarshal([]byte(raw), &res)
	return res, err
}

// scheme emulates light or dark mode.
func scheme(name string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: name}}})
		return err
	})
}

// TestSampleSiteInBrowser loads every page of the built sample site.
func TestSampleSiteInBrowser(t *testing.T) {
	axePath := filepath.Join(root(t), "node_modules", "axe-core", "axe.min.js")
	_, axeErr := os.Stat(axePath)
	need(t, "axe-core (npm ci)", axeErr == nil)
	axeSrc, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatal(err)
	}
	ctx := browser(t)
	// The site is built for the address it is served at, as on Netlify.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	out := sampleSite(t, "http://"+addr+"/")
	base := serveAt(t, addr, out.Files)
	shots := filepath.Join(root(t), "testdata-out", "screenshots")
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	problems := listen(t, ctx)
	checked := 0
	for _, p := range pages(out) {
		url := base + "/" + strings.TrimSuffix(p, "index.html")
		if p == "404.html" {
			url = base + "/no/such/page/"
		}
		t.Run(p, func(t *testing.T) {
			for _, mode := range []string{"light", "dark"} {
				if err := chromedp.Do(ctx,
					scheme(mode),
					chromedp.EmulateViewport(1000, 800),
					chromedp.Navigate(url),
					chromedp.WaitReady("body"),
				); err != nil {
					t.Fatalf("loading %s: %v", url, err)
				}
				time.Sleep(100 * time.Millisecond) // let late console messages arrive
				for _, m := range problems.drain() {
					if p == "404.html" && strings.Contains(m, "404") && strings.HasSuffix(m, "("+url+")") {
						continue // the 404 page's own status
					}
					t.Errorf("%s (%s): %s", p, mode, m)
				}
				res, err := runAxe(ctx, string(axeSrc))
				if err != nil {
					t.Fatalf("axe on %s: %v", p, err)
				}
				for _, v := range res.Violations {
					t.Errorf("%s (%s): axe %s: %s at %v", p, mode, v.ID, v.Help, v.Nodes[0].Target)
				}
				_ = problems.drain() // axe's own evaluation is not the page's
			}
			// Readable on a 360 px phone: no horizontal scrolling.
			if err := chromedp.Do(ctx, scheme("light"), chromedp.EmulateViewport(360, 740, chromedp.EmulateScale(2)),
				chromedp.Navigate(url), chromedp.WaitReady("body")); err != nil {
				t.Fatal(err)
			}
			width, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
			if err != nil {
				t.Fatal(err)
			}
			if width > 360 {
				t.Errorf("%s is %d px wide on a 360 px phone", p, width)
			}
			if clipped := numbersClipped(t, ctx); clipped != "" {
				t.Errorf("%s: on a 360 px phone, The numbers %s", p, clipped)
			}
			_ = problems.drain()
			if strings.Count(p, "/") == 1 && p != "404.html" && !strings.HasPrefix(p, "page/") {
				if err := chromedp.Do(ctx, chromedp.EmulateViewport(1000, 800), chromedp.Navigate(url), chromedp.WaitReady("body")); err != nil {
					t.Fatal(err)
				}
				png, err := chromedp.Run(ctx, chromedp.FullScreenshot(90))
				if err != nil {
					t.Fatal(err)
				}
				name := strings.TrimSuffix(p, "/index.html")
				if err := os.WriteFile(filepath.Join(shots, name+".jpg"), png, 0o644); err != nil {
					t.Fatal(err)
				}
				// Every chart is drawn and visible.
				charts, err := chromedp.Run(ctx, chromedp.Evaluate[int](`[...document.querySelectorAll("figure.chart svg")].filter(s => s.getBoundingClientRect().height > 60 && s.getBoundingClientRect().width > 300).length`))
				if err != nil {
					t.Fatal(err)
				}
				if want := strings.Count(string(out.Files[p]), `<figure class="chart"`); charts != want {
					t.Errorf("%s: %d of %d charts visible", p, charts, want)
				}
			}
			checked++
		})
	}
	if checked < 8 {
		t.Errorf("only %d pages checked", checked)
	}
}

// numbersClipped says how "The numbers" does not fit the screen: its table
// scrolls inside its frame, or a cell's text is cut off; "" when it fits.
func numbersClipped(t *testing.T, ctx context.Context) string {
	t.Helper()
	msg, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		for (const w of document.querySelectorAll(".numbers .table-wrap")) {
			if (w.scrollWidth > w.clientWidth) return "scrolls sideways (" + w.scrollWidth + " px in " + w.clientWidth + ")";
		}
		for (const c of document.querySelectorAll(".numbers th, .numbers td")) {
			if (c.scrollWidth > c.clientWidth + 1) return "cuts off " + JSON.stringify(c.textContent);
		}
		return "";
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	return msg
}

func serveAt(t *testing.T, addr string, files map[string][]byte) string {
	t.Helper()
	rules := netlifyHeaders(t)
	var ln net.Listener
	var err error
	for i := 0; i < 50; i++ { // the port was free a moment ago
		if ln, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	base := staticServerOn(t, ln, rules, files)
	return base
}

func staticServerOn(t *testing.T, ln net.Listener, rules []headerRule, files map[string][]byte) string {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, rule := range rules {
			if matchFor(rule.For, r.URL.Path) {
				for k, v := range rule.Values {
					w.Header().Set(k, v)
				}
			}
		}
		name := strings.TrimPrefix(r.URL.Path, "/")
		if name == "" || strings.HasSuffix(name, "/") {
			name += "index.html"
		}
		data, ok := files[name]
		status := 200
		if !ok {
			data, status, name = files["404.html"], 404, "404.html"
		}
		ct := map[string]string{".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8", ".ttf": "font/ttf", ".woff2": "font/woff2", ".png": "image/png", ".xml": "application/xml", ".json": "application/json", ".csv": "text/csv; charset=utf-8", ".txt": "text/plain; charset=utf-8"}[path.Ext(name)]
		w.Header().Set("Content-Type", ct)
		w.WriteHeader(status)
		_, _ = w.Write(data)
	})
	srv := &http.Server{Handler: h}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "http://" + ln.Addr().String()
}

// TestHTMLValid runs the Nu Html Checker on every built page.
func TestHTMLValid(t *testing.T) {
	jar := filepath.Join(root(t), "node_modules", "vnu-jar", "build", "dist", "vnu.jar")
	_, jarErr := os.Stat(jar)
	need(t, "the Nu Html Checker (npm ci: vnu-jar)", jarErr == nil)
	java, javaErr := exec.LookPath("java")
	need(t, "Java (for the Nu Html Checker)", javaErr == nil)
	out := sampleSite(t, "https://briefs.example.org/")
	dir := t.TempDir()
	var files []string
	for _, p := range out.Paths() {
		if !strings.HasSuffix(p, ".html") && !strings.HasSuffix(p, ".css") {
			continue
		}
		f := filepath.Join(dir, filepath.FromSlash(p))
		_ = os.MkdirAll(filepath.Dir(f), 0o755)
		if err := os.WriteFile(f, out.Files[p], 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	sort.Strings(files)
	args := append([]string{"-jar", jar, "--errors-only", "--also-check-css", "--format", "json"}, files...)
	cmd := exec.Command(java, args...)
	outb, err := cmd.CombinedOutput()
	var res struct {
		Messages []struct {
			Type, Message, URL string
			LastLine           int
		}
	}
	if jerr := json.Unmarshal(outb, &res); jerr != nil {
		t.Fatalf("vnu: %v %v\n%s", err, jerr, outb)
	}
	for _, m := range res.Messages {
		// The checker's CSS validator predates paint-order (CSS Fill and
		// Stroke, SVG 2), which every current browser supports; the chart
		// labels' halo needs it. Nothing else is excused.
		if strings.Contains(m.Message, "“paint-order”: Property “paint-order” doesn't exist") {
			continue
		}
		t.Errorf("%s:%d: %s: %s", strings.TrimPrefix(m.URL, "file:"+dir), m.LastLine, m.Type, m.Message)
	}
	if len(files) < 10 {
		t.Errorf("only %d files validated", len(files))
	}
}

// TestLiveReload edits a brief under briefs serve and sees the open page
// change without touching the browser.
func TestLiveReload(t *testing.T) {
	ctx := browser(t)
	dir := t.TempDir()
	// The FY2024 brief reads values from Amazon's earlier briefs: copy them all.
	_ = os.MkdirAll(filepath.Join(dir, "content"), 0o755)
	others, _ := filepath.Glob(filepath.Join(root(t), "content", "amazon-*.md"))
	for _, o := range others {
		data, err := os.ReadFile(o)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "content", filepath.Base(o)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	src, err := os.ReadFile(filepath.Join(root(t), "content", "amazon-fy2024.md"))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "content", "amazon-fy2024.md") // copied above
	// The brief checks figures against the company facts beside it.
	if err := os.CopyFS(filepath.Join(dir, "data", "sec"), os.DirFS(filepath.Join(root(t), "data", "sec"))); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := server.New(os.DirFS(dir), site.Options{})
	s.AllowHost(ln.Addr().String())
	srv := &http.Server{Handler: s}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	wctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	if _, err := s.StartWatch(wctx, dir, t.Logf); err != nil {
		t.Fatal(err)
	}
	problems := listen(t, ctx)
	url := "http://" + ln.Addr().String() + "/amazon-fy2024/"
	if err := chromedp.Do(ctx, chromedp.Navigate(url), chromedp.WaitReady("h1")); err != nil {
		t.Fatal(err)
	}
	title, err := chromedp.Run(ctx, chromedp.Text("h1"))
	if err != nil {
		t.Fatal(err)
	}
	if title != "The Cloud Behind the Cart" {
		t.Fatalf("title %q", title)
	}
	for deadline := time.Now().Add(10 * time.Second); s.Subscribers() == 0; {
		if time.Now().After(deadline) {
			t.Fatal("the page never connected to the reload stream")
		}
		time.Sleep(20 * time.Millisecond)
	}
	edited := strings.Replace(string(src), "title: The Cloud Behind the Cart", "title: The Cloud Behind the Counter", 1)
	if err := os.WriteFile(p, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	// The page reloads itself; evaluating while it navigates may fail, so
	// ask again until the new title shows or time runs out.
	waitFor := func(expr string) bool {
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
			if err == nil && ok {
				return true
			}
			time.Sleep(50 * time.Millisecond)
		}
		return false
	}
	if !waitFor(`!!document.querySelector("h1") && document.querySelector("h1").textContent === "The Cloud Behind the Counter"`) {
		t.Fatal("the page did not reload with the edit")
	}
	// A broken edit shows the error panel in the open page.
	broken := strings.Replace(edited, "{{ aws_net_sales }}", "{{ aws_net_sale }}", 1)
	if err := os.WriteFile(p, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	if !waitFor(`!!document.querySelector(".briefs-errors")`) {
		t.Fatal("no error panel after a broken edit")
	}
	panel, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector(".briefs-errors").textContent`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(panel, "unknown name aws_net_sale (did you mean aws_net_sales?)") {
		t.Errorf("panel: %s", panel)
	}
	for _, m := range problems.drain() {
		if !strings.Contains(m, "net::ERR") { // a reload aborts the open event stream
			t.Errorf("console: %s", m)
		}
	}
}

// TestServePagesInBrowser opens every page of the sample site through
// briefs serve: the preview must enforce the Content-Security-Policy that
// netlify.toml gives production, and its reload script and event stream must
// load under it without a console error or CSP violation.
func TestServePagesInBrowser(t *testing.T) {
	ctx := browser(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := server.New(os.DirFS(root(t)), site.Options{})
	s.AllowHost(ln.Addr().String())
	srv := &http.Server{Handler: s}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	base := "http://" + ln.Addr().String()

	var want string
	for _, rule := range netlifyHeaders(t) {
		if rule.For == "/*" {
			want = rule.Values["Content-Security-Policy"]
		}
	}
	resp, err := http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("Content-Security-Policy"); want == "" || got != want {
		t.Errorf("briefs serve sends CSP %q; netlify.toml gives production %q", got, want)
	}

	problems := listen(t, ctx)
	checked := 0
	for _, p := range pages(sampleSite(t, "")) {
		url := base + "/" + strings.TrimSuffix(p, "index.html")
		if p == "404.html" {
			url = base + "/no/such/page/"
		}
		if err := chromedp.Do(ctx, chromedp.Navigate(url), chromedp.WaitReady("body")); err != nil {
			t.Fatalf("loading %s: %v", url, err)
		}
		live, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!document.querySelector('script[src^="/_briefs/reload.js"]')`))
		if err != nil || !live {
			t.Errorf("%s under serve has no reload script (%v)", p, err)
		}
		// Time for the script to open its event stream, and for a blocked
		// script or connection to be reported.
		time.Sleep(200 * time.Millisecond)
		for _, m := range problems.drain() {
			switch {
			case p == "404.html" && strings.Contains(m, "404") && strings.HasSuffix(m, "("+url+")"):
				// the 404 page's own status
			case strings.Contains(m, "net::ERR_ABORTED") || strings.Contains(m, "net::ERR_INCOMPLETE_CHUNKED_ENCODING"):
				// leaving a page cuts its event stream
			default:
				t.Errorf("%s under serve: %s", p, m)
			}
		}
		checked++
	}
	if checked < 8 {
		t.Errorf("only %d pages checked", checked)
	}
}
