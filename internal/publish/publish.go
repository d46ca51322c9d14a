// Package publish writes a built site to disk atomically: the new tree is
// written beside the output folder and swapped in whole, so a failed or
// killed build leaves the previous output untouched and stale files vanish.
//
// The folder the new tree is written into is the output before the current
// one, kept beside it (see StateDir): files that did not change are left
// as they are and changed ones are rewritten in place, so a rebuild creates
// and deletes almost nothing. That matters for speed: creating a file costs
// far more than reading one, and more again on file systems that avoid
// reusing recently deleted inodes (ext4 without a journal scans past them).
package publish

import (
	"bytes"
	"errors"
	"fmt"
	"hash/maphash"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// sourceDirs are the folders of a site's source tree that a build reads.
var sourceDirs = []string{"content", "layouts", "data"}

// vcsDirs are version-control folders; an output must never replace one or
// lie inside one.
var vcsDirs = map[string]bool{".git": true, ".hg": true, ".svn": true, ".bzr": true, "_darcs": true, ".jj": true, ".fossil": true, "CVS": true}

// CheckOut refuses output folders that a build must never replace: the
// current folder, the file system root, the home folder, a source folder of
// the site (content, layouts, data) or anything inside one, a folder that
// holds or contains the source tree, a version-control folder or anything
// inside one, and a folder that holds files no earlier build wrote (unless
// force). Paths are compared after resolving symbolic links, so a link
// named public that points at content/ is refused too.
func CheckOut(out, src string, force bool) error {
	// The build swaps a new folder in where out is: a link there would be
	// replaced by a folder, and whatever served the link's target (say
	// public -> /var/www/site) would silently keep the old site.
	if st, err := os.Lstat(out); err == nil && st.Mode()&fs.ModeSymlink != 0 {
		target, _ := os.Readlink(out)
		return fmt.Errorf("refusing to write the site to %s: it is a symbolic link (to %s); pass --out with the folder it links to", out, target)
	}
	absOut, err := resolve(out)
	if err != nil {
		return err
	}
	absSrc, err := resolve(src)
	if err != nil {
		return err
	}
	cwd, _ := os.Getwd()
	if cwd != "" {
		cwd, _ = resolve(cwd)
	}
	home, _ := os.UserHomeDir()
	if home != "" {
		home, _ = resolve(home)
	}
	within := func(p, dir string) bool {
		return p == dir || strings.HasPrefix(p, dir+string(filepath.Separator))
	}
	switch {
	case absOut == filepath.Dir(absOut):
		return fmt.Errorf("refusing to write the site to %s: it is the file system root", out)
	case absOut == cwd:
		return fmt.Errorf("refusing to write the site to %s: it is the current folder; use --out public", out)
	case home != "" && absOut == home:
		return fmt.Errorf("refusing to write the site to %s: it is the home folder", out)
	case within(absSrc, absOut):
		return fmt.Errorf("refusing to write the site to %s: it holds the source folder %s", out, src)
	}
	for _, d := range sourceDirs {
		if within(absOut, filepath.Join(absSrc, d)) {
			return fmt.Errorf("refusing to write the site to %s: it is inside the source folder %s", out, filepath.Join(src, d))
		}
	}
	for p := absOut; ; p = filepath.Dir(p) {
		if vcsDirs[filepath.Base(p)] {
			return fmt.Errorf("refusing to write the site to %s: it is inside the version-control folder %s", out, p)
		}
		if p == filepath.Dir(p) {
			break
		}
	}
	entries, err := os.ReadDir(absOut)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if st, serr := os.Stat(absOut); serr == nil && !st.IsDir() {
			return fmt.Errorf("refusing to write the site to %s: it is a file", out)
		}
		return err
	}
	for _, e := range entries {
		if e.Name() == "content" {
			return fmt.Errorf("refusing to write the site to %s: it holds a content/ folder", out)
		}
		if vcsDirs[e.Name()] {
			return fmt.Errorf("refusing to write the site to %s: it holds the version-control folder %s", out, e.Name())
		}
	}
	if len(entries) > 0 && !force && !ours(absOut) {
		return fmt.Errorf("refusing to write the site to %s: it holds files that no earlier build wrote; empty it or use --force to replace it", out)
	}
	return nil
}

// resolve makes p absolute and resolves symbolic links in the part of it
// that exists.
func resolve(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	rest := ""
	for dir := abs; ; dir = filepath.Dir(dir) {
		if real, err := filepath.EvalSymlinks(dir); err == nil {
			return filepath.Join(real, rest), nil
		}
		if dir == filepath.Dir(dir) {
			return abs, nil
		}
		rest = filepath.Join(filepath.Base(dir), rest)
	}
}

// ours tells whether out was written by an earlier build: every build
// leaves its state folder (lock, previous output) beside the output.
func ours(out string) bool {
	st, err := os.Stat(filepath.Join(StateDir(out), "lock"))
	return err == nil && st.Mode().IsRegular()
}

// StateDir is the hidden folder beside out where builds keep what they need
// from one run to the next: the output before the current one (the next
// build is written into it and swapped in), the build lock and the record
// of the last build. It is never published.
func StateDir(out string) string {
	out = filepath.Clean(out)
	return filepath.Join(filepath.Dir(out), "."+filepath.Base(out)+".briefs")
}

// Stage is a new output being written beside the old one. WriteFile is safe
// for concurrent use, so build workers can stream files into it.
type Stage struct {
	out, dir string
	unlock   func()
	// reused is set when dir held an earlier output: files are compared
	// before writing, and whatever the build did not write is pruned.
	reused bool
	seeds  [2]maphash.Seed

	mu       sync.Mutex
	settleMu sync.Mutex // held while replacing what stands where a folder goes
	// made are the folders known to exist and written the files of the
	// new output, by a 128-bit hash of their path: at 100,000 briefs the
	// paths themselves would be tens of megabytes. written is kept only
	// in a reused folder (for prune): a fresh one finds a file written
	// twice by creating each file exclusively, and 400,000 files' hashes
	// are ~15 MB.
	made    map[pathKey]bool
	written map[pathKey]struct{}
	// Writes go through a few writer goroutines: each file costs several
	// file system round trips, and several in flight hide their latency.
	jobs    chan writeJob
	writers sync.WaitGroup
	err     error
	closed  bool
	// sendMu is held for reading by WriteFile while it sends a job and for
	// writing while the jobs channel is closed.
	sendMu sync.RWMutex
}

// pathKey identifies a path by two independent 64-bit hashes: two paths
// of one build share a key with a chance of about n²/2¹²⁹.
type pathKey [2]uint64

func (s *Stage) key(p string) pathKey {
	return pathKey{maphash.String(s.seeds[0], p), maphash.String(s.seeds[1], p)}
}

type writeJob struct {
	path string
	data []byte
	done func() // called once data is written, or failed to be
}

// writers is how many files are written at once.
const writers = 8

// Begin starts a new output for the folder out. Only one build at a time
// may write a given output folder; a second one gets an error.
func Begin(out string) (*Stage, error) { return begin(out, writers) }

// begin is Begin with n writer goroutines.
func begin(out string, n int) (*Stage, error) {
	out, err := filepath.Abs(out)
	if err != nil {
		return nil, err
	}
	state := StateDir(out)
	if err := os.MkdirAll(state, 0o755); err != nil {
		return nil, err
	}
	unlock, err := lock(filepath.Join(state, "lock"), out)
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(state, "previous")
	reused := false
	switch st, err := os.Lstat(dir); {
	case err == nil && st.IsDir():
		reused = true
	case err == nil:
		// Not ours to reuse (a file or a link): replace it.
		if err := os.Remove(dir); err != nil {
			unlock()
			return nil, err
		}
		fallthrough
	default:
		if err := os.Mkdir(dir, 0o755); err != nil {
			unlock()
			return nil, err
		}
	}
	s := &Stage{
		out: out, dir: dir, unlock: unlock, reused: reused,
		seeds:   [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()},
		made:    map[pathKey]bool{},
		written: map[pathKey]struct{}{},
		jobs:    make(chan writeJob, 64),
	}
	s.made[s.key(dir)] = true
	for i := 0; i < n; i++ {
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
			err = s.put(j.path, j.data)
		}
		if j.done != nil {
			j.done()
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

// put writes one file unless it already holds data.
func (s *Stage) put(p string, data []byte) error {
	if !s.reused {
		return create(p, data)
	}
	s.mu.Lock()
	k := s.key(p)
	_, twice := s.written[k]
	s.written[k] = struct{}{}
	s.mu.Unlock()
	if twice {
		return fmt.Errorf("output file %s written twice", p)
	}
	if s.reused {
		st, err := os.Lstat(p)
		switch {
		case err == nil && st.Mode().IsRegular() && !shared(st):
			if int(st.Size()) == len(data) {
				if old, err := os.ReadFile(p); err == nil && bytes.Equal(old, data) {
					return nil
				}
			}
		case err == nil && st.IsDir() && s.isMade(p):
			return fmt.Errorf("output path %s is both a file and a folder", p)
		case err == nil:
			// A folder or link where a file goes now, or a file that is
			// also linked elsewhere, whose other names must not change.
			if err := os.RemoveAll(p); err != nil {
				return err
			}
		}
	}
	// Rewriting an existing file keeps its inode: no file is created.
	return os.WriteFile(p, data, 0o644)
}

// create writes a new file in a fresh folder, where nothing stands but
// what this build wrote.
func create(p string, data []byte) error {
	err := createFile(p, data)
	if errors.Is(err, fs.ErrExist) {
		if st, serr := os.Lstat(p); serr == nil && st.IsDir() {
			return fmt.Errorf("output path %s is both a file and a folder", p)
		}
		return fmt.Errorf("output file %s written twice", p)
	}
	return err
}

// wait lets every queued write finish and returns the first error.
func (s *Stage) wait() error {
	s.sendMu.Lock()
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		close(s.jobs)
	}
	s.mu.Unlock()
	s.sendMu.Unlock()
	s.writers.Wait()
	return s.err
}

// WriteFile queues one output file (a slash-separated relative path) for
// writing; data must not change afterwards. A write that fails is reported
// by Commit, or by the next WriteFile.
func (s *Stage) WriteFile(name string, data []byte) error {
	return s.WriteFileThen(name, data, nil)
}

// WriteFileThen is WriteFile that calls done once data is written, or
// failed to be, when it returns no error: the caller may then reuse data.
func (s *Stage) WriteFileThen(name string, data []byte, done func()) error {
	p := filepath.Join(s.dir, filepath.FromSlash(name))
	if !strings.HasPrefix(p, s.dir+string(filepath.Separator)) {
		return fmt.Errorf("output path %q leaves the output folder", name)
	}
	// Held while sending, so that wait cannot close the channel between
	// the check and the send.
	s.sendMu.RLock()
	defer s.sendMu.RUnlock()
	s.mu.Lock()
	err, closed := s.err, s.closed
	s.mu.Unlock()
	if err != nil {
		return err
	}
	if closed {
		return errors.New("output already committed or aborted")
	}
	s.jobs <- writeJob{p, data, done}
	return nil
}

// mkdir makes dir and its parents inside the stage, replacing a file that
// stands where a folder goes now.
func (s *Stage) mkdir(dir string) error {
	s.mu.Lock()
	done := s.made[s.key(dir)]
	s.mu.Unlock()
	if done {
		return nil
	}
	if !strings.HasPrefix(dir, s.dir) {
		return fmt.Errorf("output folder %s leaves the output folder", dir)
	}
	if err := s.mkdir(filepath.Dir(dir)); err != nil {
		return err
	}
	err := os.Mkdir(dir, 0o755)
	if errors.Is(err, fs.ErrExist) {
		// Made by another writer, or left by the earlier output. One
		// writer at a time settles it, so that two writers never both
		// replace a stale file with a folder.
		s.settleMu.Lock()
		err = s.settleDir(dir)
		s.settleMu.Unlock()
	}
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.made[s.key(dir)] = true
	s.mu.Unlock()
	return nil
}

// settleDir makes sure dir is a folder when something already stands there.
func (s *Stage) settleDir(dir string) error {
	st, err := os.Lstat(dir)
	switch {
	case err == nil && st.IsDir():
		return nil
	case err == nil && s.reused && !s.isWritten(dir):
		// A file or link of the earlier output where a folder goes now.
		if err := os.Remove(dir); err != nil {
			return err
		}
	case err == nil:
		return fmt.Errorf("output path %s is both a file and a folder", dir)
	case !errors.Is(err, fs.ErrNotExist):
		return err
	}
	// Another writer may make it first, as soon as nothing stands there.
	if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	if st, err := os.Lstat(dir); err != nil || !st.IsDir() {
		return fmt.Errorf("output path %s is both a file and a folder", dir)
	}
	return nil
}

func (s *Stage) isWritten(p string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.written[s.key(p)]
	return ok
}

func (s *Stage) isMade(p string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.made[s.key(p)]
}

// prune deletes what the earlier output had and this one does not.
func (s *Stage) prune() error {
	return filepath.WalkDir(s.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if s.made[s.key(p)] {
				return nil
			}
			if err := os.RemoveAll(p); err != nil {
				return err
			}
			return filepath.SkipDir
		}
		if _, ok := s.written[s.key(p)]; !ok {
			return os.Remove(p)
		}
		return nil
	})
}

// Commit waits for every write, then swaps the new output in for the old
// one in one atomic step. The old one stays beside it, for the next build.
func (s *Stage) Commit() error {
	defer s.unlock()
	if err := s.wait(); err != nil {
		return err
	}
	if s.reused {
		if err := s.prune(); err != nil {
			return err
		}
	}
	return swap(s.dir, s.out)
}

// Abort discards the new output; the old one stays as it was. What was
// written is left for the next build to compare against.
func (s *Stage) Abort() error {
	defer s.unlock()
	_ = s.wait()
	return nil
}
