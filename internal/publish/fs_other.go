//go:build !unix

package publish

import "io/fs"

// lock does nothing where advisory file locks are not available.
func lock(string, string) (func(), error) { return func() {}, nil }

// shared reports every file as shared where link counts are not known, so
// files are replaced, never rewritten in place.
func shared(fs.FileInfo) bool { return true }
