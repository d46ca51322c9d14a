// Package buildcache decides whether a build has anything to do: it
// fingerprints every input of a build and remembers the fingerprint with
// the identity of the output folder it produced.
package buildcache

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"

	"github.com/briefs/briefs/internal/content"
	"github.com/briefs/briefs/internal/publish"
)

// Fingerprint hashes every file under the given folders of fsys (names and
// contents) together with extra strings such as options and versions.
func Fingerprint(fsys fs.FS, dirs []string, extra ...string) (string, error) {
	var names []string
	for _, dir := range dirs {
		err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if p == dir && os.IsNotExist(err) {
					return fs.SkipDir
				}
				return err
			}
			if !d.IsDir() {
				names = append(names, p)
			}
			return nil
		})
		if err != nil {
			return "", err
		}
	}
	sort.Strings(names)
	sums := make([][32]byte, len(names))
	errs := make([]error, len(names))
	// Hash files in parallel: a large site has tens of megabytes of sources.
	var wg sync.WaitGroup
	jobs := make(chan int)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Streamed through one buffer per worker: reading each file
			// whole would allocate as much as the site's sources.
			buf := make([]byte, 32<<10)
			h := sha256.New()
			for i := range jobs {
				sums[i], errs[i] = hashFile(fsys, names[i], h, buf)
			}
		}()
	}
	for i := range names {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	h := sha256.New()
	for _, e := range extra {
		fmt.Fprintf(h, "%q\n", e)
	}
	for i, n := range names {
		if errs[i] != nil {
			return "", errs[i]
		}
		fmt.Fprintf(h, "%q %x\n", n, sums[i])
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// hashFile is the SHA-256 of a file of fsys, never one outside the site
// (content.Resolve follows links only inside it).
func hashFile(fsys fs.FS, name string, h hash.Hash, buf []byte) ([32]byte, error) {
	var sum [32]byte
	real, err := content.Resolve(fsys, name)
	if err != nil {
		return sum, err
	}
	f, err := fsys.Open(real)
	if err != nil {
		return sum, err
	}
	defer f.Close()
	h.Reset()
	if _, err := io.CopyBuffer(h, struct{ io.Reader }{f}, buf); err != nil {
		return sum, err
	}
	h.Sum(sum[:0])
	return sum, nil
}

// FileHash hashes one file (the running binary, say).
func FileHash(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// record is what is remembered of the last successful build.
type record struct {
	Key    string `json:"key"`
	Output string `json:"output"`
	Briefs int    `json:"briefs"`
}

// ManifestPath is where the record for the output folder out is kept: in
// the state folder beside it, not in it, so it is never published.
func ManifestPath(out string) string {
	return filepath.Join(publish.StateDir(out), "manifest.json")
}

// identity names the output folder as it is on disk: a folder swapped in,
// removed or touched by hand gets another identity.
func identity(out string) (string, error) {
	st, err := os.Stat(out)
	if err != nil {
		return "", err
	}
	id := fmt.Sprintf("%d %d", st.ModTime().UnixNano(), st.Size())
	if dev, ino, ok := fileID(st); ok {
		id = fmt.Sprintf("%d %d %s", dev, ino, id)
	}
	return id, nil
}

// UpToDate reports whether out was produced by a build with this key and is
// untouched since; it returns the number of briefs that build published.
func UpToDate(out, key string) (int, bool) {
	data, err := os.ReadFile(ManifestPath(out))
	if err != nil {
		return 0, false
	}
	var r record
	if json.Unmarshal(data, &r) != nil || r.Key != key {
		return 0, false
	}
	id, err := identity(out)
	if err != nil || id != r.Output {
		return 0, false
	}
	return r.Briefs, true
}

// Save remembers that out was just produced by a build with this key.
func Save(out, key string, briefs int) error {
	id, err := identity(out)
	if err != nil {
		return err
	}
	data, err := json.Marshal(record{Key: key, Output: id, Briefs: briefs})
	if err != nil {
		return err
	}
	tmp := ManifestPath(out) + ".tmp"
	if err := os.MkdirAll(filepath.Dir(tmp), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, ManifestPath(out))
}

// Forget removes the record, for when out is about to change.
func Forget(out string) { _ = os.Remove(ManifestPath(out)) }
