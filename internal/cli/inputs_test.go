package cli

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/briefs/briefs/internal/sitetest"
)

// build, check and diff see the same briefs: dot-files skipped, bad links
// reported at the link, nothing outside the site read.
func TestCommandsAgreeOnContent(t *testing.T) {
	dir := t.TempDir()
	site := filepath.Join(dir, "site")
	sitetest.WriteFiles(t, site, map[string]string{
		"content/good.md":    sitetest.Brief,
		"content/.hidden.md": "not a brief",
		"content/._good.md":  "\x00\x05\x16\x07",
	})
	sitetest.WriteFiles(t, dir, map[string]string{"secret.md": strings.Replace(sitetest.Brief, "title: Good", "title: SECRET", 1)})
	for target, name := range map[string]string{"nowhere.md": "dangling.md", "loop.md": "loop.md", "/etc/passwd": "passwd.md", "../../secret.md": "up.md"} {
		if err := os.Symlink(target, filepath.Join(site, "content", name)); err != nil {
			t.Fatal(err)
		}
	}
	wantErrs := []string{
		"content/dangling.md: broken symbolic link",
		"content/loop.md: symbolic link loop",
		"content/passwd.md: symbolic link to /etc/passwd, outside the site",
		"content/up.md: symbolic link to ../../secret.md, outside the site",
	}
	_, stderr, code := run(t, "build", "--src", site)
	if code != 1 {
		t.Errorf("build exit %d", code)
	}
	for _, w := range wantErrs {
		if !strings.Contains(stderr, w) {
			t.Errorf("build does not report %s:\n%s", w, stderr)
		}
	}
	stdout, _, code := run(t, "check", "--src", site)
	if code != 1 || !strings.Contains(stdout, "checked 5 briefs: 4 errors") {
		t.Errorf("check (exit %d):\n%s", code, stdout)
	}
	for _, w := range wantErrs {
		if !strings.Contains(stdout, w) {
			t.Errorf("check does not report %s:\n%s", w, stdout)
		}
	}
	// diff refuses to compare them, naming each at its path.
	stdout, stderr, code = run(t, "diff", site, site)
	if code != 1 || stdout != "" || strings.Contains(stderr, "SECRET") || strings.Contains(stderr, "hidden") {
		t.Errorf("diff (exit %d, %s):\n%s", code, stderr, stdout)
	}
	for _, w := range wantErrs {
		if !strings.Contains(stderr, site+string(filepath.Separator)+w) {
			t.Errorf("diff does not report %s:\n%s", w, stderr)
		}
	}
}

func gitRepo(t *testing.T) (string, func(args ...string) string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.email=t@t", "-c", "user.name=t", "-c", "core.quotePath=true"}, args...)...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	git("init", "-q")
	return dir, git
}

// Paths git would quote (non-ASCII, spaces) and a site in a subfolder of
// the repository diff like any other.
func TestDiffGitPaths(t *testing.T) {
	dir, git := gitRepo(t)
	git("commit", "-q", "--allow-empty", "-m", "zero")
	site := filepath.Join(dir, "sites", "my site")
	names := []string{"content/café.md", "content/my brief.md", "content/tab\there.md", `content/quote"d.md`}
	files := map[string]string{"content/_index.md": "---\ntitle: Site\n---\n", "content/.hidden.md": "junk"}
	// Such file names make no slug: each brief sets its own.
	slugged := func(i int, b string) string {
		return strings.Replace(b, "title: Good\n", fmt.Sprintf("title: Good\nslug: brief-%d\n", i), 1)
	}
	for i, n := range names {
		files[n] = slugged(i, sitetest.Brief)
	}
	sitetest.WriteFiles(t, site, files)
	sitetest.WriteFiles(t, dir, map[string]string{"content/elsewhere.md": sitetest.Brief}) // not the site's
	git("add", ".")
	git("commit", "-qm", "one")
	for i, n := range names {
		sitetest.WriteFiles(t, site, map[string]string{n: slugged(i, strings.Replace(sitetest.Brief, "value: 39.8", "value: 40.1", 1))})
	}
	git("commit", "-qam", "two")
	t.Chdir(site)
	stdout, stderr, code := run(t, "diff", "HEAD~1", "HEAD")
	if code != 0 {
		t.Fatalf("diff exit %d: %s", code, stderr)
	}
	for _, n := range names {
		if !strings.Contains(stdout, "### "+n+": Good\n") {
			t.Errorf("diff lacks %s:\n%s", n, stdout)
		}
	}
	if n := strings.Count(stdout, "| `a` | $39.8 billion | $40.1 billion |"); n != len(names) {
		t.Errorf("%d changed rows, want %d:\n%s", n, len(names), stdout)
	}
	if strings.Contains(stdout, "elsewhere") || strings.Contains(stdout, "hidden") {
		t.Errorf("diff reads files that are not the site's briefs:\n%s", stdout)
	}
	// A revision against a folder works too, and so does a revision in
	// which the site does not exist yet.
	git("commit", "-q", "--allow-empty", "-m", "three")
	if stdout, stderr, code := run(t, "diff", "HEAD~1", "."); code != 0 || !strings.Contains(stdout, "No figure or derived value changed") {
		t.Errorf("rev vs folder (exit %d, %s):\n%s", code, stderr, stdout)
	}
	stdout, stderr, code = run(t, "diff", "HEAD~3", "HEAD")
	if code != 0 || strings.Count(stdout, ": Good (new brief)") != len(names) {
		t.Errorf("from before the site (exit %d, %s):\n%s", code, stderr, stdout)
	}
}
