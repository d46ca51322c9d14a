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
	"sync"
)

// tmpPrefix names the staging folders written beside the output folder.
const tmpPrefix = ".briefs-staging-"

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

// Stage is a new output being written beside the old one. WriteFile is safe
// for concurrent use, so build workers can stream files into it.
type Stage struct {
	out, dir string
	mu       sync.Mutex
	made     map[string]bool
	// Writes go through a few writer goroutines: creating a file costs a
	// file system round trip, and several in flight hide its latency.
	jobs    chan writeJob
	writers sync.WaitGroup
	err     error
	closed  bool
}

type writeJob struct {
	path string
	data []byte
}

// writers is how many files are written at once.
const writers = 8

// Begin starts a new output for the folder out.
func Begin(out string) (*Stage, error) {
	out, err := filepath.Abs(out)
	if err != nil {
		return nil, err
	}
	parent := filepath.Dir(out)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	removeStale(parent)
	dir, err := os.MkdirTemp(parent, tmpPrefix)
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, errors.Join(err, os.RemoveAll(dir))
	}
	s := &Stage{out: out, dir: dir, made: map[string]bool{dir: true}, jobs: make(chan writeJob, 64)}
	for i := 0; i < writers; i++ {
		s.writers.Add(1)
		go s.write()
	}
	return s, nil
}

func (s *Stage) write() {
	defer s.writers.Done()
	for j := range s.jobs {
		err := s.mkdir(filepath.Dir(j.path))
		if err == nil {
			err = os.WriteFile(j.path, j.data, 0o644)
		}
		if err != nil {
			s.mu.Lock()
			if s.err == nil {
				s.err = err
			}
			s.mu.Unlock()
		}
	}
}

// wait lets every queued write finish and returns the first error.
func (s *Stage) wait() error {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		close(s.jobs)
	}
	s.mu.Unlock()
	s.writers.Wait()
	return s.err
}

// WriteFile queues one output file (a slash-separated relative path) for
// writing; data must not change afterwards. A write that fails is reported
// by Commit, or by the next WriteFile.
func (s *Stage) WriteFile(name string, data []byte) error {
	p := filepath.Join(s.dir, filepath.FromSlash(name))
	if !strings.HasPrefix(p, s.dir+string(filepath.Separator)) {
		return fmt.Errorf("output path %q leaves the output folder", name)
	}
	s.mu.Lock()
	err, closed := s.err, s.closed
	s.mu.Unlock()
	if err != nil {
		return err
	}
	if closed {
		return errors.New("output already committed or aborted")
	}
	s.jobs <- writeJob{p, data}
	return nil
}

func (s *Stage) mkdir(dir string) error {
	s.mu.Lock()
	done := s.made[dir]
	s.mu.Unlock()
	if done {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	s.mu.Lock()
	s.made[dir] = true
	s.mu.Unlock()
	return nil
}

// Commit waits for every write, then swaps the new output in for the old
// one in one atomic step.
func (s *Stage) Commit() error {
	if err := s.wait(); err != nil {
		return errors.Join(err, os.RemoveAll(s.dir))
	}
	if err := swap(s.dir, s.out); err != nil {
		return errors.Join(err, os.RemoveAll(s.dir))
	}
	return removeTree(s.dir) // now holds the previous output
}

// removeTree deletes a folder, its subfolders in parallel: like creating
// files, deleting them costs a file system round trip each.
func removeTree(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return os.RemoveAll(dir)
	}
	jobs := make(chan string)
	errs := make(chan error, writers)
	var wg sync.WaitGroup
	for i := 0; i < writers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var first error
			for p := range jobs {
				if err := os.RemoveAll(p); err != nil && first == nil {
					first = err
				}
			}
			errs <- first
		}()
	}
	for _, e := range entries {
		jobs <- filepath.Join(dir, e.Name())
	}
	close(jobs)
	wg.Wait()
	close(errs)
	var all []error
	for err := range errs {
		all = append(all, err)
	}
	return errors.Join(append(all, os.RemoveAll(dir))...)
}

// Abort discards the new output; the old one stays as it was.
func (s *Stage) Abort() error {
	_ = s.wait()
	return os.RemoveAll(s.dir)
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
