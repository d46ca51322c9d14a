package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/briefs/briefs/internal/sitetest"
)

// TestMain lets the test binary act as the briefs command for tests that
// must run (and kill) a real process.
func TestMain(m *testing.M) {
	if os.Getenv("BRIEFS_TEST_MAIN") == "1" {
		ctx, stop := SignalContext(context.Background())
		err := Run(ctx, os.Args[1:], os.Stdout, os.Stderr, nil)
		stop()
		var exit *ExitError
		if errors.As(err, &exit) {
			os.Exit(exit.Code)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func run(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	err := Run(context.Background(), args, &out, &errb, nil)
	var exit *ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.Code
	case err != nil:
		t.Fatalf("Run: %v", err)
	}
	return out.String(), errb.String(), code
}

func TestBuildBadBrief(t *testing.T) {
	dir := t.TempDir()
	sitetest.WriteFiles(t, dir, map[string]string{
		"content/good.md": sitetest.Brief,
		"content/x.md":    "---\ntitle: X\ndate: 2025-01-01\nfigures:\n  a: 1_000\n  b: 2.0\n---\nSee {{ c }} and {{ b:pct }}.\n",
	})
	_, stderr, code := run(t, "build", "--src", dir)
	if code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	want := "content/x.md:5:6: 1_000 uses digit separators: write 1000\n" +
		"content/x.md:8:5: unknown name c (did you mean a?)\n" +
		"content/x.md:8:17: b: format pct needs a percent, but the value is money (USD)\n" +
		"3 errors\nbuild failed: " + filepath.Join(dir, "public") + "/ left as it was\n"
	if stderr != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", stderr, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "public")); !os.IsNotExist(err) {
		t.Errorf("a failed build wrote public/")
	}
}

func TestBuildAndStaleFiles(t *testing.T) {
	dir := t.TempDir()
	sitetest.WriteFiles(t, dir, map[string]string{"content/good.md": sitetest.Brief, "content/other.md": strings.Replace(sitetest.Brief, "title: Good", "title: Other", 1)})
	stdout, stderr, code := run(t, "build", "--src", dir, "--base-url", "https://example.org")
	if code != 0 || !strings.HasPrefix(stdout, "built 2 briefs, 0 charts, 6 pages") {
		t.Fatalf("code %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	page, err := os.ReadFile(filepath.Join(dir, "public/good/index.html"))
	if err != nil || !bytes.Contains(page, []byte(">58.0%</data>")) {
		t.Fatalf("good page: %v", err)
	}
	if err := os.Remove(filepath.Join(dir, "content/other.md")); err != nil {
		t.Fatal(err)
	}
	if _, _, code := run(t, "build", "--src", dir); code != 0 {
		t.Fatal("second build failed")
	}
	if _, err := os.Stat(filepath.Join(dir, "public/other/index.html")); !os.IsNotExist(err) {
		t.Errorf("stale page of a removed brief survived")
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != ".public.briefs content public" {
		t.Errorf("beside the output: %v", names)
	}
}

// TestBuildSummary words counts of one in the singular, and says once
// that no sitemap is written without a base URL.
func TestBuildSummary(t *testing.T) {
	dir := t.TempDir()
	sitetest.WriteFiles(t, dir, map[string]string{"content/good.md": sitetest.Brief + "\n```chart\ntype: bar\ntitle: T\ndata: [a]\n```\n"})
	stdout, stderr, code := run(t, "build", "--src", dir, "--force")
	summary := regexp.MustCompile(`^built 1 brief, 1 chart, 5 pages \(1 OpenGraph image drawn\) in \S+ → \S+\n` +
		`no sitemap\.xml \(and no Sitemap: line in robots\.txt\): no base URL; pass --base-url or set \$URL\n$`)
	if code != 0 || !summary.MatchString(stdout) {
		t.Fatalf("code %d\nstdout %q\nstderr %s", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "public", "sitemap.xml")); !os.IsNotExist(err) {
		t.Errorf("sitemap.xml written without a base URL")
	}
	stdout, _, _ = run(t, "build", "--src", dir, "--base-url", "https://example.org/")
	if strings.Count(stdout, "\n") != 1 || strings.Contains(stdout, "sitemap") {
		t.Errorf("with a base URL: %q", stdout)
	}
}

func TestBuildRefusesDangerousOut(t *testing.T) {
	dir := t.TempDir()
	sitetest.WriteFiles(t, dir, map[string]string{"content/good.md": sitetest.Brief})
	t.Chdir(dir)
	home, _ := os.UserHomeDir()
	for _, out := range []string{".", "/", dir, home} {
		_, stderr, code := run(t, "build", "--out", out)
		if code != 2 || !strings.Contains(stderr, "refusing to write the site to") {
			t.Errorf("--out %s: code %d, %s", out, code, stderr)
		}
	}
	// Source and version-control folders, and a folder of someone else's
	// files, are never swapped away: the briefs must still be there.
	sitetest.WriteFiles(t, dir, map[string]string{"layouts/site.css": "body{}", ".git/HEAD": "ref: refs/heads/main\n", "notes/todo.txt": "mine"})
	for _, out := range []string{"content", "layouts", ".git", "content/public", "notes"} {
		_, stderr, code := run(t, "build", "--out", out)
		if code != 2 || !strings.Contains(stderr, "refusing to write the site to "+out) {
			t.Errorf("--out %s: code %d, %s", out, code, stderr)
		}
	}
	if data, err := os.ReadFile(filepath.Join(dir, "content/good.md")); err != nil || string(data) != sitetest.Brief {
		t.Errorf("content/good.md after refused builds: %v", err)
	}
	if _, stderr, code := run(t, "build", "--out", "notes", "--force"); code != 0 {
		t.Errorf("--out notes --force: code %d, %s", code, stderr)
	}
	sitetest.WriteFiles(t, dir, map[string]string{"site2/content/a.md": sitetest.Brief})
	if _, stderr, code := run(t, "build", "--out", "site2"); code != 2 || !strings.Contains(stderr, "holds a content/ folder") {
		t.Errorf("--out holding content/: code %d, %s", code, stderr)
	}
}

func TestCheckFormats(t *testing.T) {
	dir := t.TempDir()
	sitetest.WriteFiles(t, dir, map[string]string{
		"content/good.md": sitetest.Brief + "\nThat is 58% and not 60%.\n",
	})
	stdout, _, code := run(t, "check", "--src", dir, "--format", "github")
	// Workflow commands escape % as %25; GitHub shows it as %.
	want := "::warning file=content/good.md,line=15,col=9::hand-typed 58%25 matches share: write {{ share:pct0 }} so it stays in step with the data\n" +
		"::error file=content/good.md,line=15,col=21::hand-typed 60%25 contradicts the data: share is 58.0%25; write {{ share }}\n"
	if code != 1 || stdout != want {
		t.Errorf("github format (code %d):\n%s\nwant:\n%s", code, stdout, want)
	}
	stdout, _, code = run(t, "check", "--src", dir)
	wantText := "content/good.md:15:9: warning: hand-typed 58% matches share: write {{ share:pct0 }} so it stays in step with the data\n" +
		"content/good.md:15:21: hand-typed 60% contradicts the data: share is 58.0%; write {{ share }}\n" +
		"checked 1 brief: 1 error, 1 warning\n"
	if code != 1 || stdout != wantText {
		t.Errorf("text format (code %d):\n%s\nwant:\n%s", code, stdout, wantText)
	}
	stdout, _, _ = run(t, "check", "--src", dir, "--format", "json")
	if !strings.Contains(stdout, `"severity": "warning"`) || !strings.Contains(stdout, `"line": 15`) {
		t.Errorf("json format:\n%s", stdout)
	}
	// Only a warning: passes, unless --strict.
	sitetest.WriteFiles(t, dir, map[string]string{"content/good.md": sitetest.Brief + "\nThat is 58%.\n"})
	if _, _, code := run(t, "check", "--src", dir); code != 0 {
		t.Errorf("a warning failed check")
	}
	stdout, _, code = run(t, "check", "--src", dir, "--strict", "--format", "github")
	if code != 1 || !strings.HasPrefix(stdout, "::error file=content/good.md,line=15,col=9::hand-typed 58%25") {
		t.Errorf("--strict (code %d): %s", code, stdout)
	}
	if _, _, code := run(t, "check", "--format", "xml"); code != 2 {
		t.Errorf("unknown format accepted")
	}
}

func TestDiff(t *testing.T) {
	old, cur := t.TempDir(), t.TempDir()
	sitetest.WriteFiles(t, old, map[string]string{"content/good.md": strings.Replace(sitetest.Brief, "value: 68.6", "value: 68.8", 1), "content/gone.md": sitetest.Brief})
	sitetest.WriteFiles(t, cur, map[string]string{"content/good.md": sitetest.Brief, "content/new.md": "---\ntitle: New\ndate: 2025-01-01\nfigures: {n: 5}\n---\n"})
	stdout, stderr, code := run(t, "diff", old, cur)
	want := fmt.Sprintf(`## Figures changed between %s and %s

### content/gone.md: Good (removed)

### content/good.md: Good

| Value | Before | After |
|---|---|---|
| `+"`b`"+` | $68.8 billion | $68.6 billion |
| `+"`share`"+` | 57.8%% | 58.0%% |

The figures changed but `+"`updated:`"+` did not: set it to the day of this change so feed readers show the brief again.

### content/new.md: New (new brief)

| Value | Before | After |
|---|---|---|
| `+"`n`"+` | | $5 billion |

3 values changed in 3 briefs (1 new, 1 removed).
`, old, cur)
	if code != 0 || stdout != want {
		t.Errorf("diff (code %d, %s):\n%s\nwant:\n%s", code, stderr, stdout, want)
	}
	sitetest.WriteFiles(t, cur, map[string]string{"content/good.md": strings.Replace(sitetest.Brief, "date: 2025-01-02", "date: 2025-01-02\nupdated: 2025-03-01", 1)})
	if stdout, _, _ := run(t, "diff", old, cur); strings.Contains(stdout, "did not") || !strings.Contains(stdout, "| `share` | 57.8% | 58.0% |") {
		t.Errorf("diff of a brief whose updated: moved:\n%s", stdout)
	}
	stdout, _, _ = run(t, "diff", cur, cur)
	if !strings.HasSuffix(stdout, "\nNo figure or derived value changed.\n") {
		t.Errorf("no-change diff: %s", stdout)
	}
	if _, stderr, code := run(t, "diff", "nope-not-a-rev-or-folder", cur); code != 1 || !strings.Contains(stderr, "neither a folder nor a git revision") {
		t.Errorf("bad argument: %d %s", code, stderr)
	}
}

func TestDiffGitRevisions(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	git := func(args ...string) {
		cmd := exec.Command("git", append([]string{"-c", "user.email=t@t", "-c", "user.name=t"}, args...)...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q")
	sitetest.WriteFiles(t, dir, map[string]string{"content/good.md": sitetest.Brief})
	git("add", ".")
	git("commit", "-qm", "one")
	sitetest.WriteFiles(t, dir, map[string]string{"content/good.md": strings.Replace(sitetest.Brief, "value: 39.8", "value: 40.1", 1)})
	git("commit", "-qam", "two")
	t.Chdir(dir)
	stdout, stderr, code := run(t, "diff", "HEAD~1", "HEAD")
	if code != 0 || !strings.Contains(stdout, "| `a` | $39.8 billion | $40.1 billion |") || !strings.Contains(stdout, "| `share` | 58.0% | 58.5% |") {
		t.Errorf("git diff (code %d, %s):\n%s", code, stderr, stdout)
	}
}

func TestNew(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "content", "my-brief.md")
	stdout, _, code := run(t, "new", p)
	if code != 0 || !strings.HasPrefix(stdout, "created ") {
		t.Fatalf("new: %d %s", code, stdout)
	}
	// The scaffold is a valid brief: a draft that builds with --drafts.
	stdout, stderr, code := run(t, "build", "--src", dir, "--drafts")
	if code != 0 || !strings.HasPrefix(stdout, "built 1 brief, 1 chart, ") {
		t.Errorf("scaffold does not build: %s %s", stdout, stderr)
	}
	stdout, _, _ = run(t, "build", "--src", dir)
	if !strings.HasPrefix(stdout, "built 0 briefs") {
		t.Errorf("the scaffold must be a draft: %s", stdout)
	}
	if _, stderr, code := run(t, "new", p); code != 1 || !strings.Contains(stderr, "already exists") {
		t.Errorf("overwrote an existing brief: %d %s", code, stderr)
	}
	if _, _, code := run(t, "new", filepath.Join(dir, "content", "Bad Name.md")); code != 2 {
		t.Errorf("accepted a bad slug")
	}
}

func TestUsage(t *testing.T) {
	if _, stderr, code := run(t); code != 2 || !strings.Contains(stderr, "usage:") {
		t.Errorf("no args: %d", code)
	}
	if _, stderr, code := run(t, "frobnicate"); code != 2 || !strings.Contains(stderr, `unknown command "frobnicate"`) {
		t.Errorf("unknown command: %d %s", code, stderr)
	}
	if stdout, _, code := run(t, "version"); code != 0 || !strings.HasPrefix(stdout, "briefs ") {
		t.Errorf("version: %s", stdout)
	}
}

// builtThenGrown builds a one-brief site, then adds 3,000 long briefs
// with charts, so that the next build takes long enough to interrupt. It
// returns the site and its built public/.
func builtThenGrown(t *testing.T) (string, map[string]string) {
	t.Helper()
	dir := t.TempDir()
	sitetest.WriteFiles(t, dir, map[string]string{"content/good.md": sitetest.Brief})
	if _, _, code := run(t, "build", "--src", dir); code != 0 {
		t.Fatal("first build failed")
	}
	before := snapshot(t, filepath.Join(dir, "public"))
	files := map[string]string{}
	for i := 0; i < 3000; i++ {
		files[fmt.Sprintf("content/gen-%04d.md", i)] = strings.Replace(sitetest.Brief, "title: Good", fmt.Sprintf("title: Generated %d", i), 1) + strings.Repeat("Filler prose for the brief. ", 200) + "\n\n```chart\ntype: bar\ntitle: T\ndata: [a, b]\n```\n"
	}
	sitetest.WriteFiles(t, dir, files)
	return dir, before
}

// TestKilledBuildLeavesPublic kills a build of a large site part-way and
// checks that public/ is still the previous, complete output.
func TestKilledBuildLeavesPublic(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	dir, before := builtThenGrown(t)
	interrupted := 0
	for _, delay := range []time.Duration{50 * time.Millisecond, 200 * time.Millisecond, 600 * time.Millisecond} {
		cmd := exec.Command(os.Args[0], "build", "--src", dir)
		cmd.Env = append(os.Environ(), "BRIEFS_TEST_MAIN=1")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(delay)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
		after := snapshot(t, filepath.Join(dir, "public"))
		if len(after) == len(before) {
			for name, data := range before {
				if after[name] != data {
					t.Fatalf("killed after %v: %s changed", delay, name)
				}
			}
			interrupted++
			continue
		}
		// The build finished before the kill: then it must be complete.
		if _, ok := after["gen-2999/index.html"]; !ok {
			t.Fatalf("killed after %v: public/ is neither the old nor a complete new site (%d files)", delay, len(after))
		}
	}
	if interrupted == 0 {
		t.Errorf("no build was killed before it finished: the test proves nothing")
	}
	// The next build reuses what the killed ones left half-written; its
	// output must equal a build into a fresh folder (without OpenGraph
	// images, which take long and are not written by the part under test).
	if _, _, code := run(t, "build", "--src", dir, "--no-og"); code != 0 {
		t.Fatal("build after the killed ones failed")
	}
	fresh := filepath.Join(t.TempDir(), "fresh")
	if _, _, code := run(t, "build", "--src", dir, "--no-og", "--out", fresh); code != 0 {
		t.Fatal("fresh build failed")
	}
	got, want := snapshot(t, filepath.Join(dir, "public")), snapshot(t, fresh)
	if len(got) != len(want) {
		t.Errorf("after killed builds: %d files, a fresh build has %d", len(got), len(want))
	}
	for name, data := range want {
		if got[name] != data {
			t.Errorf("after killed builds, %s differs from a fresh build", name)
		}
	}
}

// TestSignalStopsBuild sends SIGTERM and SIGINT to running builds: each
// must stop long before the build would end, exit 143 or 130, and leave
// public/ as it was.
func TestSignalStopsBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	dir, before := builtThenGrown(t)
	for _, tt := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGTERM, 143}, {syscall.SIGINT, 130}} {
		// What a cancelled build left in the staging folder would look like
		// a running build below.
		leftovers, _ := filepath.Glob(filepath.Join(dir, ".public.briefs/previous/gen-*"))
		for _, p := range leftovers {
			if err := os.RemoveAll(p); err != nil {
				t.Fatal(err)
			}
		}
		cmd := exec.Command(os.Args[0], "build", "--src", dir, "--force")
		cmd.Env = append(os.Environ(), "BRIEFS_TEST_MAIN=1")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Signal once the build is rendering: its first briefs land in the
		// folder it writes before swapping in.
		for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			if m, _ := filepath.Glob(filepath.Join(dir, ".public.briefs/previous/gen-*")); len(m) > 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the build never started rendering")
			}
		}
		sent := time.Now()
		_ = cmd.Process.Signal(tt.sig)
		err := cmd.Wait()
		took := time.Since(sent)
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != tt.code {
			t.Fatalf("%v: exit %v, want %d (stderr %q)", tt.sig, err, tt.code, stderr.String())
		}
		// A whole build takes well over ten seconds here; an idle machine
		// stops in a fraction of a second, a loaded CI machine takes longer.
		if took > 5*time.Second {
			t.Errorf("%v: the build took %v to stop", tt.sig, took)
		}
		t.Logf("%v: stopped %v after the signal", tt.sig, took)
		if !strings.Contains(stderr.String(), "build interrupted: "+filepath.Join(dir, "public")+"/ left as it was") {
			t.Errorf("%v: stderr %q", tt.sig, stderr.String())
		}
		after := snapshot(t, filepath.Join(dir, "public"))
		if len(after) != len(before) {
			t.Fatalf("%v: public/ has %d files, had %d", tt.sig, len(after), len(before))
		}
		for name, data := range before {
			if after[name] != data {
				t.Fatalf("%v: %s changed", tt.sig, name)
			}
		}
	}
}

func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestNothingChanged(t *testing.T) {
	dir := t.TempDir()
	sitetest.WriteFiles(t, dir, map[string]string{"content/good.md": sitetest.Brief})
	if _, _, code := run(t, "build", "--src", dir); code != 0 {
		t.Fatal("build failed")
	}
	stdout, _, code := run(t, "build", "--src", dir)
	if code != 0 || !strings.HasPrefix(stdout, "nothing changed: "+filepath.Join(dir, "public")+" is up to date (1 brief)") {
		t.Errorf("second build: %q", stdout)
	}
	for _, change := range []func(){
		func() {
			sitetest.WriteFiles(t, dir, map[string]string{"content/good.md": sitetest.Brief + "\nMore.\n"})
		},
		func() {
			sitetest.WriteFiles(t, dir, map[string]string{"layouts/404.html": `{{define "main"}}x{{end}}`})
		},
		func() { _ = os.RemoveAll(filepath.Join(dir, "public")) },
	} {
		change()
		stdout, _, code := run(t, "build", "--src", dir)
		if code != 0 || !strings.HasPrefix(stdout, "built 1 brief, ") {
			t.Errorf("after a change: %q", stdout)
		}
	}
	if stdout, _, _ := run(t, "build", "--src", dir, "--drafts"); !strings.HasPrefix(stdout, "built ") {
		t.Errorf("other options must rebuild: %q", stdout)
	}
	if stdout, _, _ := run(t, "build", "--src", dir, "--drafts", "--force"); !strings.HasPrefix(stdout, "built ") {
		t.Errorf("--force must rebuild: %q", stdout)
	}
}

// TestBuildWithDefaults builds from inside the site folder with no flags,
// as a newcomer running make build does.
func TestBuildWithDefaults(t *testing.T) {
	dir := t.TempDir()
	sitetest.WriteFiles(t, dir, map[string]string{"content/good.md": sitetest.Brief})
	t.Chdir(dir)
	stdout, stderr, code := run(t, "build")
	if code != 0 || !strings.HasPrefix(stdout, "built 1 brief, ") {
		t.Fatalf("build: %d %s %s", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "public", "good", "index.html")); err != nil {
		t.Error(err)
	}
	if stdout, _, _ := run(t, "build", "--out", "site-out"); !strings.HasPrefix(stdout, "built 1 brief, ") {
		t.Errorf("relative --out: %s", stdout)
	}
}

func TestNetlifyURL(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	for _, tt := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{}, ""},
		{map[string]string{"URL": "https://briefs.example"}, "https://briefs.example"},
		{map[string]string{"URL": "https://briefs.example", "CONTEXT": "production", "DEPLOY_PRIME_URL": "https://main--b.netlify.app"}, "https://briefs.example"},
		{map[string]string{"URL": "https://briefs.example", "CONTEXT": "deploy-preview", "DEPLOY_PRIME_URL": "https://deploy-preview-4--b.netlify.app"}, "https://deploy-preview-4--b.netlify.app"},
		{map[string]string{"URL": "https://briefs.example", "CONTEXT": "branch-deploy", "DEPLOY_PRIME_URL": "https://x--b.netlify.app"}, "https://x--b.netlify.app"},
	} {
		if got := netlifyURL(env(tt.env)); got != tt.want {
			t.Errorf("%v: %q, want %q", tt.env, got, tt.want)
		}
	}
}

// Two briefs of one company: FY2024 reads FY2023's sales.
const (
	co2023 = "---\ntitle: Acme 2023\ndate: 2024-02-01\nticker: ACME\nperiod: FY2023\nfigures:\n  sales: 120.0\n---\nSales were {{ sales }}.\n"
	co2024 = "---\ntitle: Acme 2024\ndate: 2025-02-01\nticker: ACME\nperiod: FY2024\nfigures:\n  sales: {values: {FY2023: 120.0, FY2024: 150.0}}\n  profit: 15.0\nderived:\n  growth_rate: growth(sales)\n  margin: profit / sales\n  old_margin: profit / sales@FY2023\n---\nUp {{ growth_rate }}.\n"
)

func TestCheckAcrossBriefs(t *testing.T) {
	dir := t.TempDir()
	sitetest.WriteFiles(t, dir, map[string]string{"content/a-2023.md": co2023, "content/a-2024.md": strings.Replace(co2024, "FY2023: 120.0", "FY2023: 125.0", 1)})
	stdout, _, code := run(t, "check", "--src", dir)
	want := "content/a-2023.md:7:10: sales@FY2023 is 120.0 here but 125.0 in content/a-2024.md:7:28: a company has one number per fact; correct one, or mark the newer value restated: true with a note\n" +
		"content/a-2024.md:7:28: sales@FY2023 is 125.0 here but 120.0 in content/a-2023.md:7:10: a company has one number per fact; correct one, or mark this newer value restated: true with a note\n" +
		"checked 2 briefs: 2 errors, 0 warnings\n"
	if code != 1 || stdout != want {
		t.Errorf("check (code %d):\n%s\nwant:\n%s", code, stdout, want)
	}
}

func TestDiffAcrossBriefs(t *testing.T) {
	old, cur := t.TempDir(), t.TempDir()
	// The edit is to FY2023's brief; FY2024's file is the same on both sides.
	noSeries := strings.Replace(co2024, "{values: {FY2023: 120.0, FY2024: 150.0}}", "150.0", 1)
	sitetest.WriteFiles(t, old, map[string]string{"content/a-2023.md": co2023, "content/a-2024.md": noSeries})
	sitetest.WriteFiles(t, cur, map[string]string{"content/a-2023.md": strings.Replace(co2023, "120.0", "100.0", 1), "content/a-2024.md": noSeries})
	stdout, stderr, code := run(t, "diff", old, cur)
	want := fmt.Sprintf("## Figures changed between %s and %s\n\n"+
		"### content/a-2023.md: Acme 2023\n\n| Value | Before | After |\n|---|---|---|\n| `sales` | $120.0 billion | $100.0 billion |\n\n"+
		"The figures changed but `updated:` did not: set it to the day of this change so feed readers show the brief again.\n\n"+
		"### content/a-2024.md: Acme 2024 (file unchanged: it reads values from other briefs that changed)\n\n| Value | Before | After |\n|---|---|---|\n"+
		"| `growth_rate` | 25.0%% | 50.0%% |\n| `old_margin` | 12.5%% | 15.0%% |\n\n3 values changed in 2 briefs.\n", old, cur)
	if code != 0 || stdout != want {
		t.Errorf("diff (code %d, %s):\n%s\nwant:\n%s", code, stderr, stdout, want)
	}
}

// A failed command's error reaches main once: Run prints it on stderr and
// returns it with its exit code and its cause.
func TestExitErrorKeepsCause(t *testing.T) {
	boom := errors.New("boom")
	serve := func(context.Context, string, string, bool, io.Writer, io.Writer) error { return boom }
	var out, errb bytes.Buffer
	err := Run(context.Background(), []string{"serve"}, &out, &errb, serve)
	var exit *ExitError
	if !errors.As(err, &exit) || exit.Code != 1 {
		t.Fatalf("Run = %v, want an *ExitError with code 1", err)
	}
	if !errors.Is(err, boom) {
		t.Errorf("the cause is lost: %v", err)
	}
	if errb.String() != "briefs serve: boom\n" {
		t.Errorf("stderr %q, want the error once", errb.String())
	}
	errb.Reset()
	err = Run(context.Background(), []string{"nope"}, &out, &errb, nil)
	if !errors.As(err, &exit) || exit.Code != 2 || !strings.HasPrefix(errb.String(), "briefs: unknown command \"nope\"\n\nbriefs: a static") || !strings.HasSuffix(errb.String(), "briefs version\n") {
		t.Errorf("unknown command: %v, stderr %q", err, errb.String())
	}
}
