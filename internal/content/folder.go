package content

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"reflect"
)

// Folder reads the files of one folder of the site by ReadFile's rule,
// following the links on the folder's own way once rather than for every
// file, and reading a file of a folder on the system with one open, read
// and close where the platform can open a file without following a link:
// the preview reads every brief of a 100,000-brief site as it starts.
type Folder struct {
	fsys fs.FS
	dir  string // the folder as named in the site
	// sys is the folder's path on the system, where its links lead; empty
	// when fsys is not os.DirFS, the folder's links cannot be followed or
	// the platform has no fast way.
	sys string
}

// OpenFolder returns a reader of the files directly in dir (slash-separated,
// relative to the site).
func OpenFolder(fsys fs.FS, dir string) *Folder {
	f := &Folder{fsys: fsys, dir: dir}
	root := osRoot(fsys)
	if root == "" || !noFollowOpen {
		return f
	}
	real, err := Resolve(fsys, dir)
	if err != nil {
		return f
	}
	f.sys = filepath.Join(root, filepath.FromSlash(real))
	return f
}

// dirFS is the type os.DirFS returns, whose value is the folder it reads.
var dirFS = reflect.TypeOf(os.DirFS("."))

// osRoot is the folder on the system that fsys reads, when it is one
// os.DirFS made; else empty.
func osRoot(fsys fs.FS) string {
	if fsys == nil {
		return ""
	}
	v := reflect.ValueOf(fsys)
	if v.Type() != dirFS || v.Kind() != reflect.String {
		return ""
	}
	return v.String()
}

// ReadFile reads name, a file of the site, as ReadFile does, into buf
// (grown as need be; its contents are replaced). The error is ReadFile's.
func (f *Folder) ReadFile(name string, buf []byte) ([]byte, error) {
	if f.sys != "" && path.Dir(name) == f.dir {
		// Opening without following a link fails on a link: the rule
		// below follows it, or says why not.
		if data, err := readNoFollow(filepath.Join(f.sys, path.Base(name)), buf); err == nil {
			return data, nil
		}
	}
	// Links, errors, and other file systems: the rule itself.
	data, err := ReadFile(f.fsys, name)
	if err != nil {
		return buf[:0], err
	}
	return append(buf[:0], data...), nil
}
