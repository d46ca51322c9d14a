package server

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/briefs/briefs/internal/bench"
	"github.com/briefs/briefs/internal/site"
)

// The preview at scale, on make bench's corpus (internal/bench.Generate):
// how soon it serves, how much memory it holds, and how soon an edit
// reaches the page. 1,000 and 10,000 briefs always run; 100,000 only with
// BENCH_N=100000, as make bench's own 100k run:
//
//	BENCH_N=100000 go test -run '^$' -bench 'Serve' -benchtime 1x ./internal/server

// serveSizes are the corpus sizes the scale benchmarks run.
func serveSizes() []int {
	sizes := []int{1000, 10000}
	if n, err := strconv.Atoi(os.Getenv("BENCH_N")); err == nil && n > 10000 {
		sizes = append(sizes, n)
	}
	return sizes
}

// corpora caches the generated corpora across benchmark runs of one test
// binary; they are deleted when it ends (TestMain is not used: a corpus
// outlives its benchmark so that b.N rounds do not regenerate it).
var corpora = struct {
	sync.Mutex
	dirs map[int]string
}{dirs: map[int]string{}}

// corpus returns a folder holding n bench briefs, on tmpfs when there is
// one (creating 100,000 files on a disk is slow and noisy).
func corpus(b *testing.B, n int) string {
	b.Helper()
	corpora.Lock()
	defer corpora.Unlock()
	if dir, ok := corpora.dirs[n]; ok {
		return dir
	}
	parent := ""
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		parent = "/dev/shm"
	}
	dir, err := os.MkdirTemp(parent, fmt.Sprintf("briefs-serve-bench-%d-", n))
	if err != nil {
		b.Fatal(err)
	}
	if err := bench.Generate(dir, n); err != nil {
		_ = os.RemoveAll(dir)
		b.Fatal(err)
	}
	corpora.dirs[n] = dir
	return dir
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, dir := range corpora.dirs {
		_ = os.RemoveAll(dir)
	}
	os.Exit(code)
}

// rssMiB reads the process's resident memory now and at its peak.
func rssMiB() (now, peak float64) {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseFloat(f[1], 64)
		switch f[0] {
		case "VmRSS:":
			now = kb / 1024
		case "VmHWM:":
			peak = kb / 1024
		}
	}
	return now, peak
}

func getPage(b *testing.B, url string) []byte {
	b.Helper()
	resp, err := http.Get(url)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		b.Fatalf("GET %s: %d %v", url, resp.StatusCode, err)
	}
	return body
}

// BenchmarkServeReady times the preview from start to serving its home
// page and a brief's page, and reports the memory it then holds
// (rss-MiB, after a garbage collection, as a long-running preview settles)
// and the peak on the way.
func BenchmarkServeReady(b *testing.B) {
	for _, n := range serveSizes() {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			dir := corpus(b, n)
			var rss, peak float64
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				s := New(os.DirFS(dir), site.Options{})
				hs := httptest.NewServer(s)
				getPage(b, hs.URL+"/")
				getPage(b, hs.URL+"/brief-00042/")
				b.StopTimer()
				if errs := s.Errors(); errs.Err() != nil {
					b.Fatal(errs)
				}
				runtime.GC()
				rss, peak = rssMiB()
				hs.Close()
				s.Close()
				runtime.KeepAlive(s)
				b.StartTimer()
			}
			b.ReportMetric(rss, "rss-MiB")
			b.ReportMetric(peak, "peak-rss-MiB")
		})
	}
}

// BenchmarkServeEditToPage times an edit to one brief, from saving the
// file to the served page showing it: the file watcher, the debounce, the
// rebuild and the request, polling the page as a browser reloading would.
// The edited brief is read by the company's later briefs.
func BenchmarkServeEditToPage(b *testing.B) {
	for _, n := range serveSizes() {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			dir := corpus(b, n)
			s := New(os.DirFS(dir), site.Options{})
			defer s.Close()
			hs := httptest.NewServer(s)
			defer hs.Close()
			done := make(chan struct{})
			defer close(done)
			ctx := contextUntil(done)
			if _, err := s.StartWatch(ctx, dir, func(string, ...any) {}); err != nil {
				b.Fatal(err)
			}
			target := filepath.Join(dir, "content", "brief-00042.md")
			orig, err := os.ReadFile(target)
			if err != nil {
				b.Fatal(err)
			}
			defer func() { _ = os.WriteFile(target, orig, 0o644) }()
			url := hs.URL + "/brief-00042/"
			getPage(b, url) // the page is open
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				mark := fmt.Sprintf("Edited-%d-%d", n, i)
				if err := os.WriteFile(target, append(append([]byte{}, orig...), "\n"+mark+" ends here.\n"...), 0o644); err != nil {
					b.Fatal(err)
				}
				deadline := time.Now().Add(30 * time.Second)
				for !bytes.Contains(getPage(b, url), []byte(mark)) {
					if time.Now().After(deadline) {
						b.Fatal("the edit did not reach the page in 30 s")
					}
					time.Sleep(time.Millisecond)
				}
			}
		})
	}
}

// contextUntil is a context that ends when done is closed.
func contextUntil(done <-chan struct{}) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-done; cancel() }()
	return ctx
}
