package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/briefs/briefs/internal/sitetest"
)

const brokenBrief = "---\ntitle: A\ndate: 2025-01-01\nfigures: {a: 1_000}\n---\n{{ a }}\n"

// A brief diff cannot read is an error on either side, reported at its
// file as the user finds it, never a value listed as removed or a diff
// that says nothing changed.
func TestDiffBrokenBriefs(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	sitetest.WriteFiles(t, dir, map[string]string{
		"good/content/a.md": strings.Replace(brokenBrief, "1_000", "1000", 1),
		"bad/content/a.md":  brokenBrief,
	})
	const msg = "content/a.md:4:14: 1_000 uses digit separators: write 1000\n"
	for _, tt := range []struct {
		old, cur, stderr string
	}{
		{"good", "bad", "bad/" + msg + "1 error\nbriefs diff: cannot compare the figures: 1 error in bad\n"},
		{"bad", "good", "bad/" + msg + "1 error\nbriefs diff: cannot compare the figures: 1 error in bad\n"},
		{"bad", "bad", "bad/" + msg + "1 error\nbriefs diff: cannot compare the figures: 1 error in bad\n"},
	} {
		stdout, stderr, code := run(t, "diff", tt.old, tt.cur)
		if code != 1 || stdout != "" || stderr != tt.stderr {
			t.Errorf("diff %s %s: exit %d\nstdout %q\nstderr %q\nwant stderr %q", tt.old, tt.cur, code, stdout, stderr, tt.stderr)
		}
	}
	// A folder without content/ is no site, as for build.
	if err := os.Mkdir("empty", 0o755); err != nil {
		t.Fatal(err)
	}
	if stdout, stderr, code := run(t, "diff", "good", "empty"); code != 1 || stdout != "" || !strings.Contains(stderr, filepath.Join("empty", "content")+": the site has no content/ folder\n") {
		t.Errorf("diff against a folder with no content/: exit %d\n%s%s", code, stdout, stderr)
	}
}

// A broken brief at a git revision is named by its git object name.
func TestDiffBrokenRevision(t *testing.T) {
	dir, git := gitRepo(t)
	site := filepath.Join(dir, "site")
	sitetest.WriteFiles(t, site, map[string]string{"content/a.md": brokenBrief})
	git("add", ".")
	git("commit", "-qm", "broken")
	sitetest.WriteFiles(t, site, map[string]string{"content/a.md": strings.Replace(brokenBrief, "1_000", "1000", 1)})
	git("commit", "-qam", "fixed")
	t.Chdir(site)
	stdout, stderr, code := run(t, "diff", "HEAD~1", "HEAD")
	want := "HEAD~1:site/content/a.md:4:14: 1_000 uses digit separators: write 1000\n1 error\nbriefs diff: cannot compare the figures: 1 error in HEAD~1\n"
	if code != 1 || stdout != "" || stderr != want {
		t.Errorf("exit %d\nstdout %q\nstderr %q\nwant %q", code, stdout, stderr, want)
	}
}

// Commands that take no arguments refuse them rather than ignore them:
// check content/a.md would otherwise check the whole site.
func TestExtraArguments(t *testing.T) {
	dir := t.TempDir()
	sitetest.WriteFiles(t, dir, map[string]string{"content/good.md": sitetest.Brief})
	t.Chdir(dir)
	for _, args := range [][]string{
		{"build", "extra"},
		{"build", "--drafts", "extra", "--no-og"},
		{"check", "content/good.md"},
		{"serve", "extra"},
		{"version", "extra"},
	} {
		stdout, stderr, code := run(t, args...)
		want := "briefs " + args[0] + `: unexpected argument "`
		if code != 2 || stdout != "" || !strings.HasPrefix(stderr, want) || !strings.Contains(stderr, "\nusage: briefs "+args[0]) {
			t.Errorf("%q: exit %d\nstdout %q\nstderr %q", args, code, stdout, stderr)
		}
	}
	for _, args := range [][]string{{"diff", "a", "b", "c"}, {"new", "content/a.md", "content/b.md"}, {"help", "build", "check"}} {
		if stdout, stderr, code := run(t, args...); code != 2 || stdout != "" || !strings.HasPrefix(stderr, "usage: briefs "+args[0]) {
			t.Errorf("%q: exit %d\nstdout %q\nstderr %q", args, code, stdout, stderr)
		}
	}
	if _, err := os.Stat("public"); !os.IsNotExist(err) {
		t.Errorf("a refused build wrote public/")
	}
}

// --strict prints the warnings it fails on as errors, and counts them so.
func TestStrictPrintsWarningsAsErrors(t *testing.T) {
	dir := t.TempDir()
	sitetest.WriteFiles(t, dir, map[string]string{"content/good.md": sitetest.Brief + "\nThat is 58%.\n"})
	const line = "content/good.md:15:9: hand-typed 58% matches share: write {{ share:pct0 }} so it stays in step with the data\n"
	stdout, stderr, code := run(t, "check", "--src", dir, "--strict")
	if want := line + "checked 1 brief: 1 error, 0 warnings\n"; code != 1 || stdout != want {
		t.Errorf("check --strict: exit %d\n%s%s\nwant:\n%s", code, stdout, stderr, want)
	}
	stdout, _, code = run(t, "check", "--src", dir, "--strict", "--format", "json")
	if code != 1 || strings.Contains(stdout, `"warning"`) || !strings.Contains(stdout, `"severity": "error"`) {
		t.Errorf("check --strict --format json: exit %d\n%s", code, stdout)
	}
	// Without --strict the warning stays one and passes.
	if stdout, _, code := run(t, "check", "--src", dir); code != 0 || stdout != "content/good.md:15:9: warning: "+line[len("content/good.md:15:9: "):]+"checked 1 brief: 0 errors, 1 warning\n" {
		t.Errorf("check: exit %d\n%s", code, stdout)
	}
	out := filepath.Join(dir, "site-out")
	_, stderr, code = run(t, "build", "--src", dir, "--strict", "--out", out)
	if want := line + "1 error\nbuild failed: " + out + "/ left as it was\n"; code != 1 || stderr != want {
		t.Errorf("build --strict: exit %d\n%s\nwant:\n%s", code, stderr, want)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed build wrote %s", out)
	}
}

// check names a missing source folder on stderr, as build does.
func TestCheckMissingSource(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nowhere")
	for _, cmd := range []string{"build", "check"} {
		stdout, stderr, code := run(t, cmd, "--src", missing)
		if want := "briefs " + cmd + ": " + missing + " has no content/ folder\n"; code != 1 || stdout != "" || stderr != want {
			t.Errorf("%s: exit %d\nstdout %q\nstderr %q\nwant %q", cmd, code, stdout, stderr, want)
		}
	}
}

// -h and --help are help asked for: the usage on stdout, exit 0, as Go's
// flag package does; a wrong flag prints it on stderr and exits 2.
func TestHelp(t *testing.T) {
	for _, cmd := range [][]string{{"build"}, {"serve"}, {"check"}, {"diff"}, {"new"}, {"fetch"}, {"fetch", "sec"}, {"version"}} {
		for _, h := range []string{"-h", "--help", "-help"} {
			stdout, stderr, code := run(t, append(cmd, h)...)
			if code != 0 || stderr != "" || !strings.HasPrefix(stdout, "usage: briefs "+cmd[0]) {
				t.Errorf("%s %s: exit %d\nstdout %q\nstderr %q", strings.Join(cmd, " "), h, code, stdout, stderr)
			}
		}
	}
	stdout, _, code := run(t, "build", "-h")
	if code != 0 || !strings.Contains(stdout, "\n  -strict\n") {
		t.Errorf("build -h lists no flags: %q", stdout)
	}
	if help, _, code := run(t, "help", "build"); code != 0 || help != stdout {
		t.Errorf("help build: exit %d\n%s", code, help)
	}
	for _, h := range []string{"-h", "--help", "help"} {
		if stdout, stderr, code := run(t, h); code != 0 || stderr != "" || stdout != usage {
			t.Errorf("%s: exit %d\nstdout %q\nstderr %q", h, code, stdout, stderr)
		}
	}
	stdout, stderr, code := run(t, "build", "--bogus")
	if code != 2 || stdout != "" || !strings.HasPrefix(stderr, "flag provided but not defined: -bogus\nusage: briefs build") {
		t.Errorf("build --bogus: exit %d\nstdout %q\nstderr %q", code, stdout, stderr)
	}
}
