package buildcache

import (
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
)

func TestFingerprint(t *testing.T) {
	a := fstest.MapFS{"content/x.md": {Data: []byte("one")}, "layouts/base.html": {Data: []byte("b")}, "other/y": {Data: []byte("ignored")}}
	k1, err := Fingerprint(a, []string{"content", "layouts", "missing"}, "opt")
	if err != nil {
		t.Fatal(err)
	}
	for name, change := range map[string]func(m fstest.MapFS){
		"content":  func(m fstest.MapFS) { m["content/x.md"] = &fstest.MapFile{Data: []byte("two")} },
		"new file": func(m fstest.MapFS) { m["content/z.md"] = &fstest.MapFile{Data: []byte("")} },
		"layout":   func(m fstest.MapFS) { delete(m, "layouts/base.html") },
	} {
		m := fstest.MapFS{}
		for k, v := range a {
			m[k] = v
		}
		change(m)
		k2, _ := Fingerprint(m, []string{"content", "layouts", "missing"}, "opt")
		if k2 == k1 {
			t.Errorf("%s change not seen", name)
		}
	}
	k3, _ := Fingerprint(a, []string{"content", "layouts", "missing"}, "other opt")
	a["other/y"] = &fstest.MapFile{Data: []byte("changed")}
	k4, _ := Fingerprint(a, []string{"content", "layouts", "missing"}, "opt")
	if k3 == k1 || k4 != k1 {
		t.Errorf("options must count, files outside the folders must not")
	}
}

func TestUpToDate(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "public")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, ok := UpToDate(out, "k"); ok {
		t.Fatal("up to date without a record")
	}
	if err := Save(out, "k", 7); err != nil {
		t.Fatal(err)
	}
	if n, ok := UpToDate(out, "k"); !ok || n != 7 {
		t.Errorf("UpToDate = %d, %v", n, ok)
	}
	if _, ok := UpToDate(out, "other"); ok {
		t.Errorf("another key is not up to date")
	}
	// Replacing the folder (as a build or a person would) invalidates it.
	if err := os.Rename(out, out+".old"); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, ok := UpToDate(out, "k"); ok {
		t.Errorf("a replaced folder counts as up to date")
	}
	Forget(out)
	if _, err := os.Stat(ManifestPath(out)); !os.IsNotExist(err) {
		t.Errorf("Forget left the record")
	}
}

// Like the build, the fingerprint reads nothing outside the site: a link
// out of it is an error (the build then runs and reports it).
func TestFingerprintStaysInside(t *testing.T) {
	dir := t.TempDir()
	site := filepath.Join(dir, "site")
	if err := os.MkdirAll(filepath.Join(site, "content"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "secret"), []byte("s"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../../secret", filepath.Join(site, "content/x.md")); err != nil {
		t.Fatal(err)
	}
	if _, err := Fingerprint(os.DirFS(site), []string{"content"}); err == nil {
		t.Error("a link out of the site was followed")
	}
}
