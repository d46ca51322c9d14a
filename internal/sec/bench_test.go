//go:build unix

package sec_test

import (
	"bufio"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/briefs/briefs/internal/bench"
	"github.com/briefs/briefs/internal/gctune"
	"github.com/briefs/briefs/internal/sec"
	"github.com/briefs/briefs/internal/site"
)

// The benchmark's size: by default a tenth of the site (1,000 briefs
// against 100 company-facts files of 0.5 to 1.4 MB) so that go test -bench
// runs in seconds; BRIEFS_SEC_BENCH=full runs the 10,000 briefs
// against 1,000 files of realistic size, 1.7 to 5 MB (3.4 MB on average;
// the SEC's files run from about a megabyte for a small filer to 15 MB for
// Amazon). BRIEFS_SEC_BENCH_CONCEPTS sets the average number of concepts
// per file (40 by default, 150 in full; each is about 23 KB).
func benchSize() (briefs, concepts int) {
	briefs, concepts = 1000, 40
	if os.Getenv("BRIEFS_SEC_BENCH") == "full" {
		briefs, concepts = 10000, 150
	}
	if n, err := strconv.Atoi(os.Getenv("BRIEFS_SEC_BENCH_CONCEPTS")); err == nil && n > 0 {
		concepts = n
	}
	return
}

// conceptsOf spreads the files' sizes around the average: company c's file
// has from half to one and a half times the average number of concepts.
func conceptsOf(c, average int) int {
	return max(2, average*(5+c%11)/10)
}

// value is a company's filed value of a concept for a period, in millions.
func value(company, concept, year, part int) int64 {
	h := uint64(company*7919+concept*104729+year*31+part) * 0x9E3779B97F4A7C15
	return int64(1000 + h>>40%900000)
}

// tenths writes a value in millions as billions with one decimal, rounded
// half away from zero, as a writer would type it.
func tenths(m int64) string {
	t := (m + 50) / 100
	return fmt.Sprintf("%d.%d", t/10, t%10)
}

const (
	revenue = iota
	operatingIncome
)

func conceptName(c int) string {
	switch c {
	case revenue:
		return "Revenues"
	case operatingIncome:
		return "OperatingIncomeLoss"
	}
	return fmt.Sprintf("SyntheticConcept%03dOfSomeDescriptiveLength", c)
}

// writeFacts writes a company-facts file shaped like the SEC's: every
// concept with annual facts for 2012 to 2024, each repeated by the next two
// 10-Ks, and quarterly and year-to-date facts from 10-Qs with their
// prior-year comparatives.
func writeFacts(path string, company, cik, concepts int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<16)
	fmt.Fprintf(w, `{"cik":%d,"entityName":"Company %d Inc.","facts":{"dei":{"EntityCommonStockSharesOutstanding":{"label":"Entity Common Stock, Shares Outstanding","description":"Indicate number of shares outstanding.","units":{"shares":[{"end":"2025-01-24","val":1059772900,"accn":"%010d-25-000004","fy":2024,"fp":"FY","form":"10-K","filed":"2025-02-07","frame":"CY2024Q4I"}]}}},"us-gaap":{`, cik, company, cik)
	fact := func(first bool, start, end string, val int64, accnYear, seq int, fy int, fp, form, filed, frame string) {
		if !first {
			w.WriteByte(',')
		}
		fmt.Fprintf(w, `{"start":"%s","end":"%s","val":%d,"accn":"%010d-%02d-%06d","fy":%d,"fp":"%s","form":"%s","filed":"%s"`, start, end, val, cik, accnYear%100, seq, fy, fp, form, filed)
		if frame != "" {
			fmt.Fprintf(w, `,"frame":"%s"`, frame)
		}
		w.WriteByte('}')
	}
	for c := 0; c < concepts; c++ {
		if c > 0 {
			w.WriteByte(',')
		}
		fmt.Fprintf(w, `"%s":{"label":"%s","description":"The amount of %s reported by the entity, a synthetic concept of benchmark data.","units":{"USD":[`, conceptName(c), conceptName(c), conceptName(c))
		first := true
		for y := 2012; y <= 2024; y++ {
			for k := 0; k < 3 && y+k <= 2024; k++ { // the 10-Ks of y, y+1, y+2
				frame := ""
				if k == 2 || y+k == 2024 {
					frame = fmt.Sprintf("CY%d", y)
				}
				fact(first, fmt.Sprintf("%d-01-01", y), fmt.Sprintf("%d-12-31", y), value(company, c, y, 0)*1000000, y+k+1, 4, y+k, "FY", "10-K", fmt.Sprintf("%d-02-07", y+k+1), frame)
				first = false
			}
			for q := 1; q <= 3; q++ {
				for k := 0; k < 2 && y+k <= 2024; k++ { // the 10-Q of y and its comparative
					end := [...]string{"", "03-31", "06-30", "09-30"}[q]
					filed := fmt.Sprintf("%d-%02d-01", y+k, q*3+2)
					fact(false, fmt.Sprintf("%d-%02d-01", y, q*3-2), fmt.Sprintf("%d-%s", y, end), value(company, c, y, q)*1000000, y+k, 10+q, y+k, fmt.Sprintf("Q%d", q), "10-Q", filed, "")
					if q > 1 {
						fact(false, fmt.Sprintf("%d-01-01", y), fmt.Sprintf("%d-%s", y, end), value(company, c, y, 10+q)*1000000, y+k, 10+q, y+k, fmt.Sprintf("Q%d", q), "10-Q", filed, "")
					}
				}
			}
		}
		w.WriteString(`]}}`)
	}
	w.WriteString("}}}\n")
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

var (
	periodEndLine = regexp.MustCompile(`(?m)^period_end: .*$`)
	revenueLine   = regexp.MustCompile(`(?m)^  revenue: .*$`)
	incomeLine    = regexp.MustCompile(`(?m)^  operating_income: .*$`)
)

// briefFor is synthetic brief i as the briefs-bench writes it (company
// i/10's brief for FY2015+i%10), with the company's CIK and its revenue
// and operating income as filed; checked adds the XBRL concepts.
func briefFor(i int, checked bool) string {
	company, year := i/bench.BriefsPerCompany, 2015+i%bench.BriefsPerCompany
	src := bench.Brief(i)
	src = periodEndLine.ReplaceAllString(src, fmt.Sprintf("period_end: %d-12-31\ncik: %d", year, 1000000+company))
	xr, xo := "", ""
	if checked {
		xr, xo = ", xbrl: us-gaap:"+conceptName(revenue), ", xbrl: us-gaap:"+conceptName(operatingIncome)
	}
	rev := fmt.Sprintf("{value: %s", tenths(value(company, revenue, year, 0)))
	if i%bench.BriefsPerCompany == 0 { // the first brief gives the year before too, as the bench does
		rev = fmt.Sprintf("{values: {FY%d: %s, FY%d: %s}", year-1, tenths(value(company, revenue, year-1, 0)), year, tenths(value(company, revenue, year, 0)))
	}
	src = revenueLine.ReplaceAllString(src, fmt.Sprintf("  revenue:          %s, label: Revenue, source: release%s}", rev, xr))
	src = incomeLine.ReplaceAllString(src, fmt.Sprintf("  operating_income: {value: %s, label: Operating income, source: release%s}",
		tenths(value(company, operatingIncome, year, 0)), xo))
	return src
}

// corpus writes the plain and the checked site once per size and reuses it.
func corpus(b *testing.B) (plain, checked string, mb float64) {
	briefs, concepts := benchSize()
	companies := briefs / bench.BriefsPerCompany
	root := filepath.Join(os.TempDir(), fmt.Sprintf("briefs-sec-bench-v3-%d-%d", briefs, concepts))
	plain, checked = filepath.Join(root, "plain"), filepath.Join(root, "checked")
	done := filepath.Join(root, "done")
	if _, err := os.Stat(done); err != nil {
		_ = os.RemoveAll(root)
		for _, dir := range []string{plain, checked} {
			if err := os.MkdirAll(filepath.Join(dir, "content"), 0o755); err != nil {
				b.Fatal(err)
			}
		}
		if err := os.MkdirAll(filepath.Join(checked, "data", "sec"), 0o755); err != nil {
			b.Fatal(err)
		}
		for i := 0; i < briefs; i++ {
			name := fmt.Sprintf("brief-%05d.md", i)
			if err := os.WriteFile(filepath.Join(plain, "content", name), []byte(briefFor(i, false)), 0o644); err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(checked, "content", name), []byte(briefFor(i, true)), 0o644); err != nil {
				b.Fatal(err)
			}
		}
		for c := 0; c < companies; c++ {
			cik := 1000000 + c
			name := filepath.Join(checked, "data", "sec", sec.FileName(int64(cik)))
			if err := writeFacts(name, c, cik, conceptsOf(c, concepts)); err != nil {
				b.Fatal(err)
			}
			// The index briefs fetch sec writes beside each file.
			data, err := os.ReadFile(name)
			if err != nil {
				b.Fatal(err)
			}
			facts, err := sec.Parse(name, data)
			if err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(sec.IndexName(name), facts.Index(data), 0o644); err != nil {
				b.Fatal(err)
			}
		}
		if err := os.WriteFile(done, nil, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	var total int64
	n := 0
	entries, _ := os.ReadDir(filepath.Join(checked, "data", "sec"))
	for _, e := range entries {
		if info, err := e.Info(); err == nil && strings.HasSuffix(e.Name(), ".json") {
			total, n = total+info.Size(), n+1
		}
	}
	return plain, checked, float64(total) / float64(n) / (1 << 20)
}

type discard struct{}

func (discard) WriteFile(string, []byte) error { return nil }

// cpu is the CPU time the process has used, which other processes on a
// busy machine disturb less than wall time.
func cpu() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// noIndex hides the company-facts indexes, as in a site whose files were
// copied by hand.
type noIndex struct{ fs.FS }

func (n noIndex) Open(name string) (fs.File, error) {
	if strings.HasSuffix(name, ".index") {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return n.FS.Open(name)
}

// build runs one cold build and returns its wall and CPU time. Each
// starts as briefs build does, with an empty heap and the collector set
// afresh: a memory limit raised by one build must not make the next one's
// collections cheaper.
func build(b *testing.B, fsys fs.FS) (wall, cputime time.Duration) {
	runtime.GC()
	defer gctune.Batch()()
	start, startCPU := time.Now(), cpu()
	out, errs := site.Build(fsys, site.Options{NoOG: true, Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Sink: discard{}})
	if err := errs.Err(); err != nil {
		b.Fatalf("%v", errs[:min(len(errs), 5)])
	}
	if out.Briefs == 0 {
		b.Fatal("no briefs built")
	}
	return time.Since(start), cpu() - startCPU
}

// BenchmarkCheckAgainstFilings times a cold build (a fresh builder, no
// OpenGraph images, output discarded) of the same briefs without and with
// their revenue and operating income checked against company-facts files,
// and reports what the checking adds: with the indexes briefs fetch sec
// writes beside the files, and without them (files copied by hand).
func BenchmarkCheckAgainstFilings(b *testing.B) {
	plain, checked, mb := corpus(b)
	for _, bc := range []struct {
		name    string
		checked fs.FS
	}{
		{"indexed", os.DirFS(checked)},
		{"json-only", noIndex{os.DirFS(checked)}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			build(b, os.DirFS(plain)) // warm the page cache: both builds read files already read once
			build(b, bc.checked)
			var tp, tc, cp, cc time.Duration
			n := 0
			b.ResetTimer()
			for b.Loop() {
				w, c := build(b, os.DirFS(plain))
				tp, cp = tp+w, cp+c
				w, c = build(b, bc.checked)
				tc, cc = tc+w, cc+c
				n++
			}
			b.ReportMetric(tp.Seconds()/float64(n), "plain-s/build")
			b.ReportMetric(tc.Seconds()/float64(n), "checked-s/build")
			b.ReportMetric(100*(tc.Seconds()-tp.Seconds())/tp.Seconds(), "overhead-%")
			b.ReportMetric(cp.Seconds()/float64(n), "plain-cpu-s/build")
			b.ReportMetric(cc.Seconds()/float64(n), "checked-cpu-s/build")
			b.ReportMetric(100*(cc.Seconds()-cp.Seconds())/cp.Seconds(), "cpu-overhead-%")
			b.ReportMetric(mb, "MB/facts-file")
		})
	}
}
