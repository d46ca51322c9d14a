// Package bench measures whole-site builds: it generates synthetic corpora
// shaped like real briefs, runs the briefs binary on them as a user would
// and reports wall time, throughput and peak memory.
package bench

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/briefs/briefs/internal/gctune"
	"github.com/briefs/briefs/internal/ogimage"
	"github.com/briefs/briefs/internal/publish"
	"github.com/briefs/briefs/internal/site"
)

var words = strings.Fields(`the company reported segment revenue growth margin operating income
customers demand pricing cloud advertising retail subscriptions devices costs investment capacity
quarter year market share competition regulators analysts guidance outlook spending infrastructure
efficiency scale contracts enterprise consumer international domestic logistics software hardware`)

var tagPool = func() []string {
	var t []string
	for i := 0; i < 50; i++ {
		t = append(t, fmt.Sprintf("topic-%02d", i))
	}
	return t
}()

// BriefsPerCompany is how many briefs (one a year, FY2015 on) each
// synthetic company has: 10,000 briefs are 1,000 companies.
const BriefsPerCompany = 10

// revenue is company c's revenue in year y, the same in every brief that
// gives it (briefs of one company must agree).
func revenue(c, y int) int {
	return 50 + rand.New(rand.NewPCG(uint64(c), uint64(y))).IntN(400)
}

// Brief returns synthetic brief number i: about 700 words of prose with
// references, four figures, three derived values, two charts. Brief i is
// company i/10's brief for FY2015+i%10; its revenue growth and revenue
// chart read the company's earlier briefs (the first brief gives the year
// before as a series).
func Brief(i int) string {
	r := rand.New(rand.NewPCG(uint64(i), 7))
	c, y := i/BriefsPerCompany, 2015+i%BriefsPerCompany
	rev := revenue(c, y)
	seg := 5 + r.IntN(rev/3)
	oi := 5 + r.IntN(rev/5)
	segOI := r.IntN(oi*2) - oi/4
	revFig := fmt.Sprintf("{value: %d.0, label: Revenue, source: release}", rev)
	revChart := fmt.Sprintf("[revenue@FY%d..FY%d]", max(2015, y-4), y)
	if i%BriefsPerCompany == 0 {
		revFig = fmt.Sprintf("{values: {FY%d: %d.0, FY%d: %d.0}, label: Revenue, source: release}", y-1, revenue(c, y-1), y, rev)
		revChart = "[revenue]"
	}
	var b strings.Builder
	fmt.Fprintf(&b, `---
title: Company %d in %d, and the segment that pays for the rest
summary: A synthetic brief for benchmarks, number %d.
date: %d-%02d-%02d
company: Company %d Inc.
ticker: C%04d
period: FY%d
period_end: %d-12-31
tags: [%s, %s]
sources:
  release: {title: Company %d FY%d results, url: "https://example.com/results/%d", date: %d-02-01}
figures:
  revenue:          %s
  segment_revenue:  {value: %d.5, label: Segment revenue, source: release}
  operating_income: {value: %d.2, label: Operating income, source: release}
  segment_income:   {value: %d.4, label: Segment operating income, source: release}
derived:
  segment_share:  {expr: segment_revenue / revenue, label: Segment share of revenue}
  income_share:   {expr: segment_income / operating_income, label: Segment share of operating income}
  revenue_growth: {expr: growth(revenue), label: Revenue growth}
---
`, c, y, i, y+1, i%12+1, i%28+1, c, c, y, y, tagPool[i%50], tagPool[(i*7+3)%50], c, y, i, y+1, revFig, seg, oi, segOI)
	refs := []string{"{{ revenue }}", "{{ segment_share }}", "{{ income_share }}", "{{ revenue_growth }}", "{{ segment_revenue }}", "{{ operating_income:money_short }}"}
	n := 0
	for p := 0; p < 10; p++ {
		for s := 0; s < 5; s++ {
			w := 9 + r.IntN(6)
			for k := 0; k < w; k++ {
				word := words[r.IntN(len(words))]
				if k == 0 {
					word = strings.ToUpper(word[:1]) + word[1:]
				}
				b.WriteString(word + " ")
				n++
			}
			if s == 2 {
				b.WriteString("at " + refs[(p+s)%len(refs)] + " ")
				n += 2
			}
			b.WriteString("ends here.\n")
		}
		b.WriteString("\n")
		if p == 3 {
			b.WriteString("```chart\ntype: bar\ntitle: Segment shares\ndata:\n  Share of revenue: segment_share\n  Share of operating income: income_share\n```\n\n")
		}
		if p == 7 {
			b.WriteString("```chart\ntype: line\ntitle: Revenue by year\ndata: " + revChart + "\n```\n\n")
		}
	}
	return b.String()
}

// Generate writes n briefs under dir/content.
func Generate(dir string, n int) error {
	if err := os.MkdirAll(filepath.Join(dir, "content"), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "content", "_index.md"), []byte("---\ntitle: Benchmark\n---\n"), 0o644); err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		if err := os.WriteFile(filepath.Join(dir, "content", fmt.Sprintf("brief-%05d.md", i)), []byte(Brief(i)), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Result is one measured run.
type Result struct {
	Corpus int
	Run    string
	Wall   time.Duration
	PeakKB int64
	Output string
}

// discard is a sink that keeps nothing.
type discard struct{}

func (discard) WriteFile(string, []byte) error { return nil }

// median returns the run with the median wall time, with the highest peak
// memory of all runs.
func median(runs []Result) Result {
	sorted := append([]Result{}, runs...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Wall < sorted[j].Wall })
	m := sorted[len(sorted)/2]
	for _, r := range runs {
		m.PeakKB = max(m.PeakKB, r.PeakKB)
	}
	return m
}

func runBuild(bin, dir string, extra ...string) (Result, error) {
	args := append([]string{"build", "--src", dir, "--out", filepath.Join(dir, "public")}, extra...)
	cmd := exec.Command(bin, args...)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return Result{}, fmt.Errorf("%s %v: %v\n%s", bin, args, err, out.String())
	}
	return Result{Wall: wall, PeakKB: peakKB(cmd.ProcessState), Output: strings.TrimSpace(out.String())}, nil
}

// stampPath records when a bench last deleted its files (in the folder the
// bench runs in, beside its corpora).
const stampPath = ".bench-deleted"

// Run is the bench command: briefs-bench [-sizes 1000,10000] [-runs 3] [-settle 6m] [-dir .] [-keep].
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("briefs-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sizes := fs.String("sizes", "1000,10000", "corpus sizes")
	keep := fs.Bool("keep", false, "keep the generated corpora")
	reps := fs.Int("runs", 3, "runs of each step; the median is reported")
	settle := fs.Duration("settle", 6*time.Minute, "time to leave between the previous bench's cleanup and the first build")
	under := fs.String("dir", ".", "folder to generate the corpora in; the project folder is on the disk a real site lives on")
	if err := fs.Parse(args); err != nil {
		return err
	}
	// Corpora go beside the project, on the disk a real site lives on
	// (here /tmp is a much slower file system for creating files).
	tmp, err := os.MkdirTemp(*under, ".bench-")
	if err != nil {
		return err
	}
	if !*keep {
		defer func() {
			_ = os.RemoveAll(tmp)
			if *under != "." {
				return // deletions elsewhere (a tmpfs) do not slow this disk
			}
			_ = os.WriteFile(stampPath, []byte(time.Now().Format(time.RFC3339Nano)+"\n"), 0o644)
		}()
	}
	tmp, err = filepath.Abs(tmp)
	if err != nil {
		return err
	}
	r := &runner{bin: filepath.Join(tmp, "briefs"), reps: *reps, stderr: stderr, trash: filepath.Join(tmp, "moved-aside")}
	build := exec.CommandContext(ctx, "go", "build", "-o", r.bin, "./cmd/briefs")
	build.Stdout, build.Stderr = stderr, stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("building briefs: %w", err)
	}
	if err := os.Mkdir(r.trash, 0o755); err != nil {
		return err
	}
	waited := settleAfterLastBench(stderr, *settle)
	syncDisks()
	var corpora []corpus
	for _, s := range strings.Split(*sizes, ",") {
		var n int
		if _, err := fmt.Sscan(s, &n); err != nil || n <= 0 {
			return fmt.Errorf("bad size %q", s)
		}
		c := corpus{n, filepath.Join(tmp, fmt.Sprintf("site-%d", n))}
		corpora = append(corpora, c)
		fmt.Fprintf(stderr, "generating %d briefs…\n", n)
		if err := Generate(c.dir, n); err != nil {
			return err
		}
		if err := r.builds(c); err != nil {
			return err
		}
	}
	for _, c := range corpora {
		if err := r.measure(c.n, c.dir, step{"cold, right after rm -rf", func() error { return deleteOutput(c.dir) }, nil}); err != nil {
			return err
		}
	}
	// The same cold builds in this process with their output discarded:
	// the CPU share of a build, with no file system in the way, under the
	// garbage collector settings briefs build uses. They run last: a child
	// process's peak memory as the kernel reports it includes its parent's
	// (exec records the forked address space's), so no build may follow.
	defer gctune.Batch()()
	for _, c := range corpora {
		res, err := discardedBuild(c, *reps)
		if err != nil {
			return err
		}
		r.results = append(r.results, res)
	}
	og, ogBytes, err := timeOGImages()
	if err != nil {
		return err
	}
	r.report(stdout)
	fmt.Fprintf(stdout, "OpenGraph image (1200×630 PNG): %.2f ms each on one core, %.1f KB; unchanged images are reused, not redrawn.\n", float64(og.Microseconds())/1000, ogBytes/1000)
	fmt.Fprintf(stdout, "Median of %d runs each (steps measured together take turns) on %s, sources and output in %s; waited %v for an earlier bench's deletions to pass; the last build said: %s\n", *reps, machine(), where(*under), waited.Round(time.Second), r.lastSaid)
	return nil
}

// corpus is a generated site of n briefs in dir.
type corpus struct {
	n   int
	dir string
}

// step is a kind of build, run with its own flags after prep.
type step struct {
	name  string
	prep  func() error
	flags []string
}

// runner runs the briefs binary bin over corpora and collects the results.
type runner struct {
	bin      string
	reps     int
	stderr   io.Writer
	results  []Result
	lastSaid string
	// A cold build's output and state are moved aside into trash, not
	// deleted, until every build has run: on a file system that avoids
	// reusing recently deleted inodes (this machine's ext4 has no journal,
	// so the kernel skips inodes freed in the last minutes), a build right
	// after deleting tens of thousands of files pays for the deletion. That
	// case is measured on its own, last.
	trash string
	moved int
}

// builds measures a corpus's cold builds, its no-change rebuild and its
// one-brief edit.
func (r *runner) builds(c corpus) error {
	edits := 0
	editOne := func() error {
		edits++
		p := filepath.Join(c.dir, "content", "brief-00042.md")
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(p, append(data, fmt.Sprintf("\nEdit %d ends here.\n", edits)...), 0o644)
	}
	aside := func() error { return r.moveAside(c.dir) }
	// The default build (what users run) is listed first; it runs
	// last of the two, so the steps after it start from its output.
	if err := r.measure(c.n, c.dir, step{"cold build, --no-og", aside, []string{"--no-og"}}, step{"cold build", aside, nil}); err != nil {
		return err
	}
	k := len(r.results)
	r.results[k-2], r.results[k-1] = r.results[k-1], r.results[k-2]
	if err := r.measure(c.n, c.dir, step{"no-change rebuild", nil, nil}); err != nil {
		return err
	}
	return r.measure(c.n, c.dir, step{"one-brief edit", editOne, nil})
}

func (r *runner) moveAside(dir string) error {
	out := filepath.Join(dir, "public")
	for _, p := range []string{out, publish.StateDir(out)} {
		r.moved++
		err := os.Rename(p, filepath.Join(r.trash, fmt.Sprint(r.moved)))
		if err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	return nil
}

func deleteOutput(dir string) error {
	out := filepath.Join(dir, "public")
	return errors.Join(os.RemoveAll(out), os.RemoveAll(publish.StateDir(out)))
}

// measure runs each step r.reps times, the steps taking turns, so that the
// load of a shared machine falls on them alike; the last step's state is
// what the next measure starts from.
func (r *runner) measure(n int, dir string, steps ...step) error {
	runs := make([][]Result, len(steps))
	for rep := 0; rep < r.reps; rep++ {
		for i, st := range steps {
			if st.prep != nil {
				if err := st.prep(); err != nil {
					return err
				}
			}
			// Each run starts with nothing left to flush to disk, so
			// one run's writes are not charged to the next.
			syncDisks()
			fmt.Fprintf(r.stderr, "%d briefs: %s (%d of %d)…\n", n, st.name, rep+1, r.reps)
			res, err := runBuild(r.bin, dir, st.flags...)
			if err != nil {
				return err
			}
			runs[i] = append(runs[i], res)
		}
	}
	for i, st := range steps {
		res := median(runs[i])
		res.Corpus, res.Run = n, st.name
		r.results = append(r.results, res)
		r.lastSaid = res.Output
	}
	return nil
}

// settleAfterLastBench waits out the previous bench's deletions and returns
// how long it waited. Deleting many files makes creating files slow for a
// few minutes on this kind of disk (see runner): up to six, when the
// kernel's copy of a freed inode is written to again. The previous bench
// deleted a few hundred thousand; leave it that long before the first
// build.
func settleAfterLastBench(stderr io.Writer, settle time.Duration) time.Duration {
	data, err := os.ReadFile(stampPath)
	if err != nil {
		return 0
	}
	last, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(string(data)))
	if err != nil {
		return 0
	}
	wait := settle - time.Since(last)
	if wait <= 0 {
		return 0
	}
	fmt.Fprintf(stderr, "the previous bench deleted its files %v ago; waiting %v so that its deletions do not slow these builds…\n", time.Since(last).Round(time.Second), wait.Round(time.Second))
	time.Sleep(wait)
	return wait
}

// discardedBuild times reps cold builds of c in this process, their output
// discarded, and returns the median.
func discardedBuild(c corpus, reps int) (Result, error) {
	var cpu []Result
	for rep := 0; rep < reps; rep++ {
		start := time.Now()
		_, errs := site.Build(os.DirFS(c.dir), site.Options{Sink: discard{}})
		if err := errs.Err(); err != nil {
			return Result{}, err
		}
		cpu = append(cpu, Result{Wall: time.Since(start)})
	}
	r := median(cpu)
	r.Corpus, r.Run = c.n, "cold, output discarded"
	return r, nil
}

// timeOGImages times OpenGraph images on their own: one worker's drawer,
// one image after another. It returns the time and size of one image.
func timeOGImages() (time.Duration, float64, error) {
	fonts, err := ogimage.DefaultFonts()
	if err != nil {
		return 0, 0, err
	}
	drawer, err := ogimage.NewDrawer(fonts)
	if err != nil {
		return 0, 0, err
	}
	const ogN = 200
	start := time.Now()
	ogBytes := 0
	for i := 0; i < ogN; i++ {
		data, err := drawer.Draw(ogimage.Card{Site: "Benchmark", Kicker: fmt.Sprintf("Company %d Inc. · FY2024", i), Title: fmt.Sprintf("Company %d and the segment that pays for the rest", i), Figure: "58.0%", FigureLabel: "Segment share of operating income"})
		if err != nil {
			return 0, 0, err
		}
		ogBytes += len(data)
	}
	return time.Since(start) / ogN, float64(ogBytes) / ogN, nil
}

// report prints the results as a table, smallest corpus first, and the
// cold default build's cost over the --no-og one.
func (r *runner) report(stdout io.Writer) {
	results := r.results
	sort.SliceStable(results, func(i, j int) bool { return results[i].Corpus < results[j].Corpus })
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "briefs\trun\twall\tbriefs/s\tper brief\tpeak RSS\t")
	for _, r := range results {
		peak := fmt.Sprintf("%.0f MiB", float64(r.PeakKB)/1024)
		if r.PeakKB == 0 {
			peak = "-"
		}
		fmt.Fprintf(tw, "%d\t%s\t%.2fs\t%.0f\t%.3f ms\t%s\t\n", r.Corpus, r.Run, r.Wall.Seconds(), float64(r.Corpus)/r.Wall.Seconds(), float64(r.Wall.Microseconds())/1000/float64(r.Corpus), peak)
	}
	_ = tw.Flush()
	fmt.Fprintln(stdout)
	for _, r := range results {
		if r.Run != "cold build" {
			continue
		}
		for _, q := range results {
			if q.Corpus == r.Corpus && q.Run == "cold build, --no-og" {
				fmt.Fprintf(stdout, "%d briefs: the cold default build takes %.2f× the cold --no-og build (target: at most 1.25×).\n", r.Corpus, r.Wall.Seconds()/q.Wall.Seconds())
			}
		}
	}
}

// where names the folder the corpora were in for the report.
func where(dir string) string {
	if dir == "." {
		return "the project's folder (on its disk)"
	}
	return dir
}

func machine() string {
	n := "?"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		c := strings.Count(string(data), "processor\t:")
		n = fmt.Sprint(c)
	}
	return n + " CPUs"
}
