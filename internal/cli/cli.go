// Package cli is the briefs command line: it parses arguments, runs a verb
// and reports results. main only calls Run.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/briefs/briefs/internal/buildcache"
	"github.com/briefs/briefs/internal/content"
	"github.com/briefs/briefs/internal/diag"
	"github.com/briefs/briefs/internal/gctune"
	"github.com/briefs/briefs/internal/plural"
	"github.com/briefs/briefs/internal/publish"
	"github.com/briefs/briefs/internal/site"
)

// Version is set at link time.
var Version = "dev"

// ExitError is a failed command: its exit code and why it failed. Run
// prints Err (when set: a command that printed its own report has none) on
// stderr and returns the ExitError; main only exits with Code.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err != nil {
		return e.Err.Error()
	}
	return fmt.Sprintf("exit status %d", e.Code)
}

// Unwrap returns the cause.
func (e *ExitError) Unwrap() error { return e.Err }

// fail returns a command's failure with exit code code, for Run to print.
func fail(code int, format string, args ...any) *ExitError {
	return &ExitError{Code: code, Err: fmt.Errorf(format, args...)}
}

// Interrupted is the cause of a context cancelled by a signal (see
// SignalContext). A command that stops for it exits with 128 plus the
// signal's number, as shells do: 130 for Ctrl-C, 143 for SIGTERM.
type Interrupted struct{ Signal os.Signal }

func (i *Interrupted) Error() string { return "interrupted by " + i.Signal.String() }

// SignalContext returns a context that is cancelled, with an *Interrupted
// cause, on the first SIGINT or SIGTERM. A second signal ends the process
// at once. stop releases the signal handlers.
func SignalContext(parent context.Context) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-sigs:
			cancel(&Interrupted{Signal: sig})
			select {
			case sig := <-sigs:
				os.Exit(exitCode(sig))
			case <-done:
			}
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		cancel(nil)
	}
}

func exitCode(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 130
}

// interrupted reports a command stopped by ctx's cancellation, or returns
// nil when ctx is live.
func interrupted(ctx context.Context, stderr io.Writer, what string) error {
	if ctx.Err() == nil {
		return nil
	}
	code := 130
	var in *Interrupted
	if errors.As(context.Cause(ctx), &in) {
		code = exitCode(in.Signal)
	}
	return &ExitError{Code: code, Err: errors.New(what)}
}

const usage = `briefs: a static site generator for financial briefs

usage:
  briefs build [--src DIR] [--out public] [--base-url URL] [--drafts] [--strict] [--no-og] [--force]
  briefs serve [--src DIR] [--addr 127.0.0.1:1313] [--drafts]
  briefs check [--src DIR] [--strict] [--format text|github|json]
  briefs diff OLD NEW        (two folders or two git revisions)
  briefs new content/SLUG.md
  briefs fetch sec [--user-agent "Name email"] TICKER...   (SEC company facts into data/sec/)
  briefs version
`

// Server runs the preview server; cmd/briefs wires in the real one so this
// package stays free of network code.
type Server func(ctx context.Context, src, addr string, drafts bool, stdout, stderr io.Writer) error

// Run executes the command line args (without the program name). A failed
// command's error is printed on stderr and returned as an *ExitError.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer, serve Server) error {
	err := dispatch(ctx, args, stdout, stderr, serve)
	if err == nil {
		return nil
	}
	var exit *ExitError
	if !errors.As(err, &exit) {
		exit = &ExitError{Code: 1, Err: fmt.Errorf("briefs: %w", err)}
	}
	if exit.Err != nil {
		fmt.Fprintln(stderr, strings.TrimSuffix(exit.Err.Error(), "\n"))
	}
	return exit
}

func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer, serve Server) error {
	if len(args) == 0 {
		return fail(2, "%s", usage)
	}
	switch args[0] {
	case "build":
		return build(ctx, args[1:], stdout, stderr)
	case "check":
		return check(ctx, args[1:], stdout, stderr)
	case "new":
		return newBrief(args[1:], stdout, stderr)
	case "diff":
		return diff(args[1:], stdout, stderr)
	case "serve":
		return runServe(ctx, args[1:], stdout, stderr, serve)
	case "fetch":
		return fetch(ctx, args[1:], stdout, stderr)
	case "version", "--version":
		fmt.Fprintln(stdout, "briefs", Version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return fail(2, "briefs: unknown command %q\n\n%s", args[0], usage)
}

func flags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("briefs "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return &ExitError{Code: 2}
	}
	return nil
}

// report prints diagnostics, warnings included, and returns a failing exit
// when any is an error.
func report(stderr io.Writer, errs diag.List, strict bool) error {
	for _, e := range errs {
		fmt.Fprintln(stderr, e.Error())
	}
	if n := len(errs.Errors(strict)); n > 0 {
		fmt.Fprintln(stderr, plural.Count(n, "error"))
		return &ExitError{Code: 1}
	}
	return nil
}

func build(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flags("build", stderr)
	src := fs.String("src", ".", "the site's source folder (holding content/)")
	out := fs.String("out", "", "output folder (default SRC/public)")
	baseURL := fs.String("base-url", netlifyURL(os.Getenv), "absolute site URL (default: Netlify's $URL, or $DEPLOY_PRIME_URL in deploy previews and branch deploys)")
	drafts := fs.Bool("drafts", false, "include drafts and future-dated briefs")
	strict := fs.Bool("strict", false, "treat warnings as errors")
	noOG := fs.Bool("no-og", false, "skip OpenGraph images (benchmarks time them on their own)")
	force := fs.Bool("force", false, "build even when no input changed since the last build, and replace an --out folder that holds files no build wrote")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		*out = filepath.Join(*src, "public")
	}
	if err := publish.CheckOut(*out, *src, *force); err != nil {
		return fail(2, "briefs build: %w", err)
	}
	if _, err := os.Stat(filepath.Join(*src, "content")); err != nil {
		return fail(1, "briefs build: %s has no content/ folder", *src)
	}
	start := time.Now()
	defer gctune.Batch()()
	key := buildKey(*src, *baseURL, *drafts, *strict, *noOG)
	if key != "" && !*force {
		if n, ok := buildcache.UpToDate(*out, key); ok {
			fmt.Fprintf(stdout, "nothing changed: %s is up to date (%s) in %s\n", *out, plural.Count(n, "brief"), time.Since(start).Round(time.Millisecond))
			return nil
		}
	}
	buildcache.Forget(*out)
	opts := site.Options{BaseURL: *baseURL, Drafts: *drafts, Strict: *strict, NoOG: *noOG}
	if st, err := os.Stat(*out); err == nil && st.IsDir() {
		opts.Previous = os.DirFS(*out)
	}
	stage, err := publish.Begin(*out)
	if err != nil {
		return fail(1, "briefs build: %w", err)
	}
	// Briefs stream into the staging folder as they render; nothing is
	// swapped in unless the whole build succeeds.
	opts.Sink = stage
	b := site.NewBuilder(os.DirFS(*src), opts)
	o, errs := b.BuildContext(ctx)
	const stopped = "build interrupted: public/ left as it was"
	if err := interrupted(ctx, stderr, stopped); err != nil {
		_ = stage.Abort()
		return err
	}
	if err := report(stderr, errs, *strict); err != nil || o == nil {
		_ = stage.Abort()
		return fail(1, "build failed: public/ left as it was")
	}
	for name, data := range o.Files {
		if err := stage.WriteFile(name, data); err != nil {
			_ = stage.Abort()
			return fail(1, "briefs build: writing %s: %w", *out, err)
		}
	}
	if err := interrupted(ctx, stderr, stopped); err != nil {
		_ = stage.Abort()
		return err
	}
	if err := stage.Commit(); err != nil {
		return fail(1, "briefs build: writing %s: %w", *out, err)
	}
	// Warnings are printed by every build, so a build with warnings is not
	// skipped next time.
	if key != "" && len(errs) == 0 {
		if err := buildcache.Save(*out, key, o.Briefs); err != nil {
			fmt.Fprintf(stderr, "briefs build: note: cannot remember this build: %v\n", err)
		}
	}
	pages := o.Briefs + o.Companies + o.ListPages
	for _, p := range o.Paths() {
		if strings.HasSuffix(p, ".html") {
			pages++
		}
	}
	fmt.Fprintf(stdout, "built %s, %s, %s (%s drawn) in %s → %s\n",
		plural.Count(o.Briefs, "brief"), plural.Count(o.Charts, "chart"), plural.Count(pages, "page"),
		plural.Count(b.OGDrawn, "OpenGraph image"), time.Since(start).Round(time.Millisecond), *out)
	if _, ok := o.Files["sitemap.xml"]; !ok {
		// A sitemap must list absolute URLs; said once here rather than
		// written wrong.
		fmt.Fprintln(stdout, "no sitemap.xml (and no Sitemap: line in robots.txt): no base URL; pass --base-url or set $URL")
	}
	return nil
}

// netlifyURL is the site's address as Netlify gives it: the production URL,
// except in deploy previews and branch deploys, which live at their own.
func netlifyURL(getenv func(string) string) string {
	switch getenv("CONTEXT") {
	case "deploy-preview", "branch-deploy":
		if u := getenv("DEPLOY_PRIME_URL"); u != "" {
			return u
		}
	}
	return getenv("URL")
}

// buildKey fingerprints everything a build reads: sources, layouts, the
// options, today's date (future-dated briefs appear when their day comes)
// and the briefs binary itself. "" means the inputs could not be read, and
// the build just runs.
func buildKey(src, baseURL string, drafts, strict, noOG bool) string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	bin, err := buildcache.FileHash(exe)
	if err != nil {
		return ""
	}
	key, err := buildcache.Fingerprint(os.DirFS(src), []string{"content", "layouts", "data/sec"},
		bin, baseURL, fmt.Sprint(drafts, strict, noOG), time.Now().Format("2006-01-02"))
	if err != nil {
		return ""
	}
	return key
}

func check(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flags("check", stderr)
	src := fs.String("src", ".", "the site's source folder (holding content/)")
	strict := fs.Bool("strict", false, "treat warnings as errors")
	format := fs.String("format", "text", "output format: text, github or json")
	drafts := fs.Bool("drafts", true, "check drafts and future-dated briefs too")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *format != "text" && *format != "github" && *format != "json" {
		return fail(2, "briefs check: unknown format %q (text, github or json)", *format)
	}
	srcFS := os.DirFS(*src)
	_, errs := site.NewBuilder(srcFS, site.Options{Drafts: *drafts, Strict: *strict, NoOG: true}).BuildContext(ctx)
	if err := interrupted(ctx, stderr, "check interrupted"); err != nil {
		return err
	}
	nErr := len(errs.Errors(*strict))
	switch *format {
	case "github":
		for _, e := range errs {
			kind := "error"
			if e.Warning && !*strict {
				kind = "warning"
			}
			fmt.Fprintf(stdout, "::%s file=%s,line=%d,col=%d::%s\n", kind, e.File, e.Line, e.Col, escapeAnnotation(e.Msg))
		}
	case "json":
		type item struct {
			File     string `json:"file"`
			Line     int    `json:"line"`
			Col      int    `json:"col"`
			Severity string `json:"severity"`
			Message  string `json:"message"`
		}
		items := []item{}
		for _, e := range errs {
			sev := "error"
			if e.Warning && !*strict {
				sev = "warning"
			}
			items = append(items, item{e.File, e.Line, e.Col, sev, e.Msg})
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(items)
	default:
		for _, e := range errs {
			fmt.Fprintln(stdout, e.Error())
		}
		paths, _ := content.List(srcFS)
		briefs := len(paths)
		warnings := len(errs) - nErr
		fmt.Fprintf(stdout, "checked %s: %s, %s\n", plural.Count(briefs, "brief"), plural.Count(nErr, "error"), plural.Count(warnings, "warning"))
	}
	if nErr > 0 {
		return &ExitError{Code: 1}
	}
	return nil
}

// escapeAnnotation escapes a message for a GitHub workflow command.
func escapeAnnotation(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

var slugFile = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*\.md$`)

func newBrief(args []string, stdout, stderr io.Writer) error {
	fs := flags("new", stderr)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fail(2, "usage: briefs new content/SLUG.md")
	}
	p := fs.Arg(0)
	if !slugFile.MatchString(filepath.Base(p)) {
		return fail(2, "briefs new: %s: the file name must be a slug ([a-z0-9-]+.md)", p)
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fail(1, "briefs new: %w", err)
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, os.ErrExist) {
		return fail(1, "briefs new: %s already exists", p)
	}
	if err != nil {
		return fail(1, "briefs new: %w", err)
	}
	_, err = f.WriteString(Scaffold(time.Now()))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fail(1, "briefs new: %w", err)
	}
	fmt.Fprintf(stdout, "created %s (draft: true; preview with briefs serve --drafts)\n", p)
	return nil
}

// Scaffold is the text of a new brief with every field, dated today.
func Scaffold(today time.Time) string {
	return `---
title: A title that states the finding
summary: One sentence a reader can take away.
date: ` + today.Format("2006-01-02") + `
# updated: YYYY-MM-DD   # once published: the day its figures or argument last changed
draft: true
company: Example Corp.
ticker: EXMP
period: FY2024
period_end: 2024-12-31   # the period's last day: orders the company's briefs, matches SEC filings
# cik: 1234567          # to check figures against SEC filings: xbrl: us-gaap:Revenues on a figure,
#                       # and the company facts in data/sec/ (briefs fetch sec EXMP)
tags: [earnings]
currency: USD
scale: billion
headline: segment_share
sources:
  annual-report: {title: Example Corp. 2024 Annual Report, url: "https://example.com/annual-report-2024", date: 2025-02-01}
figures:
  revenue:         {values: {FY2023: 90.0, FY2024: 100.0}, label: Revenue, source: annual-report}
  segment_revenue: {value: 25.0, label: Segment revenue, source: annual-report}
derived:
  segment_share:  {expr: segment_revenue / revenue, label: Segment share of revenue}
  revenue_growth: {expr: growth(revenue), label: Revenue growth}
checks:
  - segment_share < 100%
---
Revenue grew {{ revenue_growth }} to {{ revenue }}; the segment brought in
{{ segment_revenue }}, or {{ segment_share }} of the total.

` + "```chart" + `
type: bar
title: Revenue by year
data: [revenue@FY2023, revenue@FY2024]
` + "```" + `
`
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer, serve Server) error {
	fs := flags("serve", stderr)
	src := fs.String("src", ".", "the site's source folder (holding content/)")
	addr := fs.String("addr", "127.0.0.1:1313", "address to listen on")
	drafts := fs.Bool("drafts", false, "include drafts and future-dated briefs")
	if err := parse(fs, args); err != nil {
		return err
	}
	if serve == nil {
		return fail(1, "briefs serve: not available in this build")
	}
	if err := serve(ctx, *src, *addr, *drafts, stdout, stderr); err != nil {
		return fail(1, "briefs serve: %w", err)
	}
	return nil
}
