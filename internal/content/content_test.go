package content

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

func link(target string) *fstest.MapFile {
	return &fstest.MapFile{Data: []byte(target), Mode: fs.ModeSymlink}
}

func site() fstest.MapFS {
	return fstest.MapFS{
		"content/_index.md":    {Data: []byte("site")},
		"content/a.md":         {Data: []byte("A")},
		"content/.hidden.md":   {Data: []byte("hidden")},
		"content/._a.md":       {Data: []byte{0, 5, 22, 7}},
		"content/notes.txt":    {Data: []byte("not a brief")},
		"content/dir.md/x":     {Data: []byte("a folder")},
		"content/same.md":      link("a.md"),
		"content/viashared.md": link("../shared/b.md"),
		"content/linkeddir.md": link("sub/c.md"),
		"content/sub":          link("../shared"),
		"shared/b.md":          {Data: []byte("B")},
		"shared/c.md":          {Data: []byte("C")},
		"content/dangling.md":  link("nowhere.md"),
		"content/loop1.md":     link("loop2.md"),
		"content/loop2.md":     link("loop1.md"),
		"content/self.md":      link("self.md"),
		"content/passwd.md":    link("/etc/passwd"),
		"content/up.md":        link("../../outside.md"),
		"content/escape.md":    link("out/x.md"),
		"content/out":          link("/etc"),
	}
}

func TestList(t *testing.T) {
	got, err := List(site())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"content/a.md", "content/dangling.md", "content/escape.md", "content/linkeddir.md", "content/loop1.md", "content/loop2.md",
		"content/passwd.md", "content/same.md", "content/self.md", "content/up.md", "content/viashared.md"}
	if !slices.Equal(got, want) {
		t.Errorf("List:\n got  %v\n want %v", got, want)
	}
	if _, err := List(fstest.MapFS{"x": {}}); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("no content/: %v", err)
	}
}

func TestIsBrief(t *testing.T) {
	for p, want := range map[string]bool{
		"content/a.md": true, "content/_index.md": false, "content/.a.md": false, "content/._a.md": false,
		"content/a.md~": false, "content/sub/a.md": false, "layouts/a.md": false, "a.md": false,
	} {
		if IsBrief(p) != want {
			t.Errorf("IsBrief(%s) = %v", p, !want)
		}
	}
}

func TestReadFile(t *testing.T) {
	fsys := site()
	for _, tc := range []struct{ name, data, err string }{
		{"content/a.md", "A", ""},
		{"content/same.md", "A", ""},
		{"content/viashared.md", "B", ""},
		{"content/linkeddir.md", "C", ""},
		{"content/dangling.md", "", "broken symbolic link: its target content/nowhere.md does not exist"},
		{"content/loop1.md", "", "symbolic link loop"},
		{"content/self.md", "", "symbolic link loop"},
		{"content/passwd.md", "", "symbolic link to /etc/passwd, outside the site"},
		{"content/up.md", "", "symbolic link to ../../outside.md, outside the site"},
		{"content/escape.md", "", "symbolic link to /etc, outside the site"},
	} {
		data, err := ReadFile(fsys, tc.name)
		switch {
		case tc.err == "" && (err != nil || string(data) != tc.data):
			t.Errorf("%s: %q, %v", tc.name, data, err)
		case tc.err != "":
			var le *LinkError
			if !errors.As(err, &le) || !strings.HasPrefix(err.Error(), tc.err) || data != nil {
				t.Errorf("%s: %q, %v; want error %s…", tc.name, data, err, tc.err)
			}
		}
	}
	if _, err := ReadFile(fsys, "content/none.md"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

// The same rule holds on a real folder (os.DirFS follows links itself).
func TestReadFileOS(t *testing.T) {
	dir := t.TempDir()
	site := filepath.Join(dir, "site")
	must := mkdirs(t, site, "content", "shared")
	must(os.WriteFile(filepath.Join(dir, "secret.md"), []byte("SECRET"), 0o644))
	must(os.WriteFile(filepath.Join(site, "shared/b.md"), []byte("B"), 0o644))
	must(os.Symlink("../shared/b.md", filepath.Join(site, "content/b.md")))
	must(os.Symlink("../../secret.md", filepath.Join(site, "content/up.md")))
	must(os.Symlink(filepath.Join(dir, "secret.md"), filepath.Join(site, "content/abs.md")))
	must(os.Symlink("x.md", filepath.Join(site, "content/y.md")))
	must(os.Symlink("y.md", filepath.Join(site, "content/x.md")))
	fsys := os.DirFS(site)
	if data, err := ReadFile(fsys, "content/b.md"); err != nil || string(data) != "B" {
		t.Errorf("link inside: %q %v", data, err)
	}
	for _, name := range []string{"content/up.md", "content/abs.md", "content/x.md"} {
		data, err := ReadFile(fsys, name)
		var le *LinkError
		if !errors.As(err, &le) || strings.Contains(string(data), "SECRET") {
			t.Errorf("%s: %q %v", name, data, err)
		}
	}
}

// A Folder reads what ReadFile reads, with the same errors, on a real
// folder (through the system, where it can) and on any other.
func TestFolderReadsAsReadFile(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "site")
	must := mkdirs(t, root, "content", "shared/sub", "real")
	must(os.WriteFile(filepath.Join(dir, "secret.md"), []byte("SECRET"), 0o644))
	must(os.WriteFile(filepath.Join(root, "content/a.md"), []byte("A"), 0o644))
	must(os.WriteFile(filepath.Join(root, "content/big.md"), []byte(strings.Repeat("big ", 5000)), 0o644))
	must(os.WriteFile(filepath.Join(root, "shared/b.md"), []byte("B"), 0o644))
	must(os.WriteFile(filepath.Join(root, "real/r.md"), []byte("R"), 0o644))
	must(os.Symlink("../shared/b.md", filepath.Join(root, "content/b.md")))
	must(os.Symlink("../../secret.md", filepath.Join(root, "content/up.md")))
	must(os.Symlink(filepath.Join(dir, "secret.md"), filepath.Join(root, "content/abs.md")))
	must(os.Symlink("x.md", filepath.Join(root, "content/y.md")))
	must(os.Symlink("y.md", filepath.Join(root, "content/x.md")))
	must(os.Symlink("nowhere.md", filepath.Join(root, "content/dangling.md")))
	must(os.Mkdir(filepath.Join(root, "content/dir.md"), 0o755))
	must(os.Symlink("real", filepath.Join(root, "linked")))
	names := []string{"content/a.md", "content/big.md", "content/b.md", "content/up.md", "content/abs.md", "content/x.md",
		"content/dangling.md", "content/dir.md", "content/none.md", "shared/b.md"}
	for _, fsys := range []fs.FS{os.DirFS(root), os.DirFS(root + "/")} {
		f := OpenFolder(fsys, "content")
		if noFollowOpen && f.sys == "" {
			t.Errorf("%v: the folder is not read through the system", fsys)
		}
		buf := []byte("left over from the last file")
		for _, name := range names {
			want, wantErr := ReadFile(fsys, name)
			got, err := f.ReadFile(name, buf)
			var le, wantLE *LinkError
			switch {
			case wantErr == nil && (err != nil || string(got) != string(want)):
				t.Errorf("%s: %.20q, %v; want %.20q", name, got, err, want)
			case wantErr != nil && (err == nil || err.Error() != wantErr.Error() || errors.As(err, &le) != errors.As(wantErr, &wantLE) ||
				errors.Is(err, fs.ErrNotExist) != errors.Is(wantErr, fs.ErrNotExist)):
				t.Errorf("%s: %.20q, %v; want error %v", name, got, err, wantErr)
			case strings.Contains(string(got), "SECRET"):
				t.Errorf("%s: read outside the site", name)
			}
			buf = got
		}
	}
	// A linked folder is followed once, by the rule.
	f := OpenFolder(os.DirFS(root), "linked")
	if got, err := f.ReadFile("linked/r.md", nil); err != nil || string(got) != "R" {
		t.Errorf("linked/r.md: %q, %v", got, err)
	}
	if got, err := OpenFolder(site(), "content").ReadFile("content/same.md", nil); err != nil || string(got) != "A" {
		t.Errorf("content/same.md in a MapFS: %q, %v", got, err)
	}
}

// mkdirs makes the folders under root and returns a check that fails the
// test on an error.
func mkdirs(t *testing.T, root string, dirs ...string) func(error) {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range dirs {
		must(os.MkdirAll(filepath.Join(root, d), 0o755))
	}
	return must
}
