//go:build !unix

package publish

import (
	"io/fs"
	"os"
)

// lock does nothing where advisory file locks are not available.
func lock(string, string) (func(), error) { return func() {}, nil }

// shared reports every file as shared where link counts are not known, so
// files are replaced, never rewritten in place.
func shared(fs.FileInfo) bool { return true }

// createFile creates p, which must not exist, holding data.
func createFile(p string, data []byte) error {
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
