package site

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func wantErrors(t *testing.T, got []string, want ...string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d errors, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("error %d:\n got  %s\n want %s…", i, got[i], want[i])
		}
	}
}

// One rule for content/: dot-files are skipped, links that dangle, loop or
// leave the site are errors at the link, and nothing outside is read.
func TestContentLinks(t *testing.T) {
	dir := t.TempDir()
	site := filepath.Join(dir, "site")
	write := func(p, data string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	symlink := func(target, p string) {
		t.Helper()
		if err := os.Symlink(target, filepath.Join(site, p)); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(site, "content/a.md"), "---\ntitle: A\ndate: 2024-01-01\n---\na\n")
	write(filepath.Join(site, "content/.hidden.md"), "not a brief")
	write(filepath.Join(site, "content/._a.md"), "\x00\x05\x16\x07 AppleDouble")
	write(filepath.Join(dir, "outside.md"), "---\ntitle: SECRET\ndate: 2024-01-01\n---\nsecret\n")
	symlink("a.md", "content/same.md")
	symlink("nowhere.md", "content/dangling.md")
	symlink("loop2.md", "content/loop1.md")
	symlink("loop1.md", "content/loop2.md")
	symlink("/etc/passwd", "content/passwd.md")
	symlink("../../outside.md", "content/up.md")
	out, errs := Build(os.DirFS(site), Options{Now: now})
	var got []string
	for _, e := range errs {
		got = append(got, e.Error())
	}
	wantErrors(t, got,
		"content/dangling.md: broken symbolic link: its target content/nowhere.md does not exist",
		"content/loop1.md: symbolic link loop",
		"content/loop2.md: symbolic link loop",
		"content/passwd.md: symbolic link to /etc/passwd, outside the site",
		"content/up.md: symbolic link to ../../outside.md, outside the site",
	)
	if out == nil {
		t.Fatal("no output")
	}
	for _, p := range out.Paths() {
		if strings.Contains(string(out.Files[p]), "SECRET") || strings.Contains(string(out.Files[p]), "root:") {
			t.Errorf("%s holds what lies outside the site", p)
		}
	}
	if out.Briefs != 2 {
		t.Errorf("%d briefs, want 2 (a and its link same)", out.Briefs)
	}
}
