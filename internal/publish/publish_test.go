package publish

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
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
	if len(entries) != 1 {
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

func TestRemoveStale(t *testing.T) {
	parent := t.TempDir()
	stale := filepath.Join(parent, tmpPrefix+"123")
	if err := os.MkdirAll(filepath.Join(stale, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := write(filepath.Join(parent, "public"), files{"index.html": []byte("x")}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("staging folder of a killed build was not removed")
	}
}

func TestCheckOut(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "site", "content"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		out, src string
		ok       bool
	}{
		{filepath.Join(dir, "site", "public"), filepath.Join(dir, "site"), true},
		{"/", dir, false},
		{filepath.Join(dir, "site"), filepath.Join(dir, "site"), false},
		{dir, filepath.Join(dir, "site"), false},
	} {
		if err := CheckOut(tt.out, tt.src); (err == nil) != tt.ok {
			t.Errorf("CheckOut(%s, %s) = %v", tt.out, tt.src, err)
		}
	}
}
