package publish

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// files is a set of output files for write.
type files map[string][]byte

// write replaces out with exactly fs, as a build does.
func write(out string, fs files) error {
	st, err := Begin(out)
	if err != nil {
		return err
	}
	for name, data := range fs {
		if err := st.WriteFile(name, data); err != nil {
			return errors.Join(err, st.Abort())
		}
	}
	return st.Commit()
}

func read(t *testing.T, p string) string {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestWriteReplacesWhole(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	if err := write(out, files{"index.html": []byte("one"), "old/index.html": []byte("old")}); err != nil {
		t.Fatal(err)
	}
	if err := write(out, files{"index.html": []byte("two"), "new/a.css": []byte("css")}); err != nil {
		t.Fatal(err)
	}
	if read(t, filepath.Join(out, "index.html")) != "two" || read(t, filepath.Join(out, "new/a.css")) != "css" {
		t.Errorf("new files not written")
	}
	if _, err := os.Stat(filepath.Join(out, "old")); !os.IsNotExist(err) {
		t.Errorf("stale folder survived")
	}
	entries, _ := os.ReadDir(filepath.Dir(out))
	if len(entries) != 2 || entries[0].Name() != ".public.briefs" {
		t.Errorf("leftovers beside the output: %v", entries)
	}
}

func TestFailedWriteKeepsOld(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	if err := write(out, files{"index.html": []byte("one")}); err != nil {
		t.Fatal(err)
	}
	// "a" is both a file and a folder: the write must fail part-way.
	err := write(out, files{"a": []byte("x"), "a/b": []byte("y"), "index.html": []byte("two")})
	if err == nil {
		t.Fatal("conflicting paths were written")
	}
	if read(t, filepath.Join(out, "index.html")) != "one" {
		t.Errorf("a failed write changed the output")
	}
	if err := write(out, files{"../escape": []byte("x")}); err == nil {
		t.Errorf("a path leaving the output folder was written")
	}
}

// inode identifies a file on disk: a file rewritten in place keeps it.
func inode(t *testing.T, p string) uint64 {
	t.Helper()
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return st.Sys().(*syscall.Stat_t).Ino
}

// tree lists every file under dir with its content.
func tree(t *testing.T, dir string) files {
	t.Helper()
	got := files{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		got[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestRebuildReusesPrevious(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "public")
	v1 := files{"index.html": []byte("one"), "keep/index.html": []byte("same"), "gone/index.html": []byte("x"),
		"grow/index.html": []byte("short"), "dir-then-file/a": []byte("a"), "file-then-dir": []byte("f")}
	v2 := files{"index.html": []byte("two"), "keep/index.html": []byte("same"), "grow/index.html": []byte("longer")}
	v3 := files{"index.html": []byte("three"), "keep/index.html": []byte("same"), "grow/index.html": []byte("longest"),
		"dir-then-file": []byte("now a file"), "file-then-dir/b": []byte("now in a folder")}
	if err := write(out, v1); err != nil {
		t.Fatal(err)
	}
	keep := inode(t, filepath.Join(out, "keep/index.html"))
	for _, v := range []files{v2, v3} {
		if err := write(out, v); err != nil {
			t.Fatal(err)
		}
		if got := tree(t, out); !reflect.DeepEqual(got, v) {
			t.Errorf("output:\n%q\nwant:\n%q", got, v)
		}
	}
	// The third build was written over the first one's files.
	if inode(t, filepath.Join(out, "keep/index.html")) != keep {
		t.Errorf("an unchanged file was created anew")
	}
	entries, _ := os.ReadDir(parent)
	if len(entries) != 2 || entries[0].Name() != ".public.briefs" || entries[1].Name() != "public" {
		t.Errorf("beside the output: %v", entries)
	}
}

func TestRebuildAfterAbort(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	want := files{"a/index.html": []byte("a2"), "b/index.html": []byte("b2"), "index.html": []byte("i2")}
	for _, v := range []files{{"a/index.html": []byte("a1"), "c/index.html": []byte("c1")}, {"index.html": []byte("i1")}} {
		if err := write(out, v); err != nil {
			t.Fatal(err)
		}
	}
	// A build that fails part-way leaves half its files in the folder the
	// next build reuses.
	st, err := Begin(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"a/index.html", "x/stray.html", "index.html"} {
		if err := st.WriteFile(name, []byte("aborted")); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Abort(); err != nil {
		t.Fatal(err)
	}
	if got := tree(t, out); !reflect.DeepEqual(got, files{"index.html": []byte("i1")}) {
		t.Errorf("an aborted build changed the output: %q", got)
	}
	if err := write(out, want); err != nil {
		t.Fatal(err)
	}
	if got := tree(t, out); !reflect.DeepEqual(got, want) {
		t.Errorf("output after an aborted build:\n%q\nwant:\n%q", got, want)
	}
}

func TestConflictingPathsInReusedFolder(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	for i := 0; i < 2; i++ {
		if err := write(out, files{"index.html": []byte("ok"), "a/b/c": []byte("deep")}); err != nil {
			t.Fatal(err)
		}
	}
	// Both orders: the folder first, then a file of the same name, and
	// the other way round (a single writer would see them in map order).
	for _, names := range [][]string{{"a/b/c", "a/b"}, {"a/b", "a/b/c"}} {
		st, err := begin(out, 1) // one writer: files are written in order
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			_ = st.WriteFile(n, []byte(n))
		}
		if err := st.Commit(); err == nil {
			t.Errorf("%v: a path that is both a file and a folder was written", names)
		}
		if got := tree(t, out); string(got["index.html"]) != "ok" {
			t.Errorf("%v: a failed build changed the output", names)
		}
	}
}

func TestStaleFilesBecomeFoldersConcurrently(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	files1 := files{}
	files2 := files{}
	for i := 0; i < 20; i++ {
		files1[fmt.Sprintf("d%d", i)] = []byte("a file at first")
		for j := 0; j < 20; j++ {
			files2[fmt.Sprintf("d%d/f%d", i, j)] = []byte("in a folder now")
		}
	}
	// The third build is written over the first: twenty files that must
	// become folders, each needed by twenty files written at once.
	for _, v := range []files{files1, {"index.html": nil}, files2} {
		if err := write(out, v); err != nil {
			t.Fatal(err)
		}
	}
	if got := tree(t, out); !reflect.DeepEqual(got, files2) {
		t.Errorf("output has %d files, want %d", len(got), len(files2))
	}
}

func TestHardLinkedFileNotChanged(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "public")
	for _, v := range []string{"one", "two"} {
		if err := write(out, files{"index.html": []byte(v)}); err != nil {
			t.Fatal(err)
		}
	}
	// A backup made with hard links (cp -al) shares the previous output's
	// files; the next build must not write through them.
	backup := filepath.Join(dir, "backup.html")
	if err := os.Link(filepath.Join(StateDir(out), "previous", "index.html"), backup); err != nil {
		t.Fatal(err)
	}
	if err := write(out, files{"index.html": []byte("three")}); err != nil {
		t.Fatal(err)
	}
	if read(t, backup) != "one" || read(t, filepath.Join(out, "index.html")) != "three" {
		t.Errorf("backup %q, output %q", read(t, backup), read(t, filepath.Join(out, "index.html")))
	}
}

func TestOneBuildAtATime(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	first, err := Begin(out)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Begin(out); err == nil || !strings.Contains(err.Error(), "another build is writing") {
		t.Errorf("second build at once: %v", err)
	}
	if err := first.Commit(); err != nil {
		t.Fatal(err)
	}
	second, err := Begin(out)
	if err != nil {
		t.Fatalf("the lock outlived the build: %v", err)
	}
	_ = second.Abort()
}

func TestCheckOut(t *testing.T) {
	dir := t.TempDir()
	site := filepath.Join(dir, "site")
	for _, d := range []string{"content", "layouts", "data/sec", ".git/objects", "mine", "built"} {
		if err := os.MkdirAll(filepath.Join(site, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(filepath.Join(site, "mine", "notes.txt"), []byte("mine"), 0o644))
	must(os.WriteFile(filepath.Join(site, "built", "index.html"), []byte("x"), 0o644))
	must(os.MkdirAll(filepath.Join(site, ".built.briefs"), 0o755))
	must(os.WriteFile(filepath.Join(site, ".built.briefs", "lock"), nil, 0o644))
	must(os.Symlink(filepath.Join(site, "content"), filepath.Join(site, "linked")))
	must(os.Symlink(filepath.Join(dir, "www"), filepath.Join(site, "elsewhere")))
	must(os.WriteFile(filepath.Join(site, "afile"), []byte("x"), 0o644))
	for _, tt := range []struct {
		out   string
		force bool
		want  string // "" when allowed
	}{
		{"public", false, ""},
		{"built", false, ""}, // an earlier build's output
		{"empty-later", false, ""},
		{"/", false, "it is the file system root"},
		{".", false, "it holds the source folder"},
		{"..", false, "it holds the source folder"},
		{"content", false, "it is inside the source folder"},
		{"content", true, "it is inside the source folder"},
		{"content/x", false, "it is inside the source folder"},
		{"layouts", true, "it is inside the source folder"},
		{"data", false, "it is inside the source folder"},
		{"data/sec/out", false, "it is inside the source folder"},
		{".git", true, "it is inside the version-control folder"},
		{".git/objects/out", false, "it is inside the version-control folder"},
		{"linked", true, "it is a symbolic link"},
		{"elsewhere", false, "it is a symbolic link (to "},
		{"mine", false, "it holds files that no earlier build wrote"},
		{"mine", true, ""},
		{"afile", true, "it is a file"},
	} {
		out := tt.out
		if !filepath.IsAbs(out) {
			out = filepath.Join(site, out)
		}
		err := CheckOut(out, site, tt.force)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("CheckOut(%s, force=%v) = %v, want allowed", tt.out, tt.force, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("CheckOut(%s, force=%v) = %v, want %q", tt.out, tt.force, err, tt.want)
		}
	}
	// A folder that holds a repository's working tree.
	must(os.MkdirAll(filepath.Join(dir, "repo", ".git"), 0o755))
	if err := CheckOut(filepath.Join(dir, "repo"), site, true); err == nil || !strings.Contains(err.Error(), "holds the version-control folder") {
		t.Errorf("out holding .git: %v", err)
	}
}

// TestWriteWhileCommitting races writers against Commit: a write either
// lands or is refused, and never panics on a closed channel.
func TestWriteWhileCommitting(t *testing.T) {
	for round := 0; round < 5; round++ {
		out := filepath.Join(t.TempDir(), "public")
		s, err := Begin(out)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for w := 0; w < 4; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 2000; i++ {
					_ = s.WriteFile(fmt.Sprintf("w%d/f%d.txt", w, i), []byte("x"))
				}
			}()
		}
		time.Sleep(5 * time.Millisecond) // writers are now blocked on a full queue
		if err := s.Commit(); err != nil {
			t.Fatal(err)
		}
		wg.Wait()
	}
}

// A fresh output folder finds a file written twice without keeping the
// hash of every file written (at 100,000 briefs ~15 MB).
func TestFreshFolderFindsFileWrittenTwice(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	st, err := begin(out, 1)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		_ = st.WriteFile("a/index.html", []byte("a"))
	}
	_ = st.WriteFile("b/index.html", []byte("b"))
	err = st.Commit()
	if err == nil || !strings.Contains(err.Error(), "written twice") {
		t.Errorf("commit: %v, want a file written twice", err)
	}
	if len(st.written) != 0 {
		t.Errorf("%d file hashes kept in a fresh folder", len(st.written))
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed build was swapped in")
	}
}

// WriteFileThen calls done once the file is written, and not before: the
// caller may then reuse the bytes, and what it wrote is on disk.
func TestWriteFileThen(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	st, err := Begin(out)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	done := map[string]bool{}
	for i := range 50 {
		name := fmt.Sprintf("og/%d.png", i)
		data := []byte(name)
		if err := st.WriteFileThen(name, data, func() {
			got, err := os.ReadFile(filepath.Join(st.dir, filepath.FromSlash(name)))
			mu.Lock()
			defer mu.Unlock()
			done[name] = err == nil && string(got) == name
			copy(data, "reused") // the caller's again
		}); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Commit(); err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		name := fmt.Sprintf("og/%d.png", i)
		if !done[name] {
			t.Errorf("%s: done not called, or called before it was written", name)
		}
		if read(t, filepath.Join(out, filepath.FromSlash(name))) != name {
			t.Errorf("%s: not written as given", name)
		}
	}
}
