// Package publish writes a built site to disk atomically: the new tree is
// written beside the output folder and swapped in whole, so a failed or
// killed build leaves the previous output untouched and stale files vanish.
package publish

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// tmpPrefix names the staging folders written beside the output folder.
const tmpPrefix = ".briefs-staging-"

// Files is what to write: slash-separated relative paths to content.
type Files map[string][]byte

// CheckOut refuses output folders that a build must never replace: the
// current folder, the file system root, the home folder, a folder that
// holds content/, or one that contains the source tree.
func CheckOut(out, src string) error {
	absOut, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	absSrc, err := filepath.Abs(src)
	if err != nil {
		return err
	}
	cwd, _ := os.Getwd()
	home, _ := os.UserHomeDir()
	switch {
	case absOut == filepath.Dir(absOut):
		return fmt.Errorf("refusing to write the site to %s: it is the file system root", out)
	case absOut == cwd:
		return fmt.Errorf("refusing to write the site to %s: it is the current folder; use --out public", out)
	case home != "" && absOut == filepath.Clean(home):
		return fmt.Errorf("refusing to write the site to %s: it is the home folder", out)
	case absOut == absSrc || strings.HasPrefix(absSrc+string(filepath.Separator), absOut+string(filepath.Separator)):
		return fmt.Errorf("refusing to write the site to %s: it holds the source folder %s", out, src)
	}
	if _, err := os.Stat(filepath.Join(absOut, "content")); err == nil {
		return fmt.Errorf("refusing to write the site to %s: it holds a content/ folder", out)
	}
	return nil
}

// Write replaces the folder out with exactly files.
func Write(out string, files Files) error {
	out = filepath.Clean(out)
	parent := filepath.Dir(out)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	removeStale(parent)
	stage, err := os.MkdirTemp(parent, tmpPrefix)
	if err != nil {
		return err
	}
	if err := os.Chmod(stage, 0o755); err != nil {
		return errors.Join(err, os.RemoveAll(stage))
	}
	for name, data := range files {
		p := filepath.Join(stage, filepath.FromSlash(name))
		if !strings.HasPrefix(p, stage+string(filepath.Separator)) {
			return errors.Join(fmt.Errorf("output path %q leaves the output folder", name), os.RemoveAll(stage))
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return errors.Join(err, os.RemoveAll(stage))
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return errors.Join(err, os.RemoveAll(stage))
		}
	}
	if err := swap(stage, out); err != nil {
		return errors.Join(err, os.RemoveAll(stage))
	}
	return os.RemoveAll(stage) // now holds the previous output
}

// removeStale deletes staging folders that a killed build left behind.
func removeStale(parent string) {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), tmpPrefix) {
			_ = os.RemoveAll(filepath.Join(parent, e.Name()))
		}
	}
}
