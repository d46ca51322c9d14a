// Package content is the one rule by which every command (build, check,
// serve, diff) finds and reads a site's briefs: content/*.md except
// content/_index.md and dot-files (editor and macOS "._" files), read only
// from inside the site. A symbolic link is followed while it stays inside
// the site; one that points outside, dangles or loops is an error at the
// link, and what lies outside is never read.
package content

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// Dir is the folder of the briefs, relative to the site.
const Dir = "content"

// Index is the site's own page, which is not a brief.
const Index = "content/_index.md"

// maxHops bounds how many symbolic links one path may go through.
const maxHops = 40

// IsBrief reports whether a slash-separated path relative to the site
// names a brief by the rule above (whether or not it exists).
func IsBrief(p string) bool {
	base := path.Base(p)
	return path.Dir(p) == Dir && strings.HasSuffix(base, ".md") && !strings.HasPrefix(base, ".") && p != Index
}

// List returns the paths of the site's briefs in sorted order, links that
// do not resolve included: reading them reports why. It fails when
// content/ cannot be read, as when it does not exist.
func List(fsys fs.FS) ([]string, error) {
	ents, err := fs.ReadDir(fsys, Dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		p := Dir + "/" + e.Name()
		if !IsBrief(p) || e.IsDir() {
			continue
		}
		if e.Type()&fs.ModeSymlink == 0 && !e.Type().IsRegular() {
			continue // a device or a pipe is no brief
		}
		out = append(out, p)
	}
	sort.Strings(out)
	return out, nil
}

// LinkError is a symbolic link that cannot be followed: it points outside
// the site, to nothing, or round in a loop.
type LinkError struct {
	// Path is the link as listed; Msg says what is wrong with it.
	Path, Msg string
}

func (e *LinkError) Error() string { return e.Msg }

// ReadFile reads a file of the site, following symbolic links only while
// they stay inside it. The error is fs.ErrNotExist (wrapped) when name
// itself does not exist, and a *LinkError when it is a link that cannot
// be followed.
func ReadFile(fsys fs.FS, name string) ([]byte, error) {
	real, err := Resolve(fsys, name)
	if err != nil {
		return nil, err
	}
	return fs.ReadFile(fsys, real)
}

// Resolve follows the symbolic links on name's way inside fsys, at every
// step of its path (a linked folder too), and returns the path of the file
// they lead to: name itself when no link is on the way.
func Resolve(fsys fs.FS, name string) (string, error) {
	done, rest := "", strings.Split(name, "/")
	for hops := 0; len(rest) > 0; {
		cur := path.Join(done, rest[0])
		rest = rest[1:]
		info, err := fs.Lstat(fsys, cur)
		if err != nil {
			if hops == 0 {
				return "", err
			}
			if errors.Is(err, fs.ErrNotExist) {
				return "", &LinkError{name, fmt.Sprintf("broken symbolic link: its target %s does not exist", path.Join(append([]string{cur}, rest...)...))}
			}
			return "", &LinkError{name, fmt.Sprintf("cannot follow the symbolic link: %v", err)}
		}
		if info.Mode()&fs.ModeSymlink == 0 {
			done = cur
			continue
		}
		if hops++; hops > maxHops {
			return "", &LinkError{name, "symbolic link loop: the link leads back to itself"}
		}
		target, err := fs.ReadLink(fsys, cur)
		if err != nil {
			return "", &LinkError{name, fmt.Sprintf("cannot read the symbolic link: %v", err)}
		}
		target = strings.ReplaceAll(target, `\`, "/")
		next := path.Join(done, target)
		if path.IsAbs(target) || (len(target) > 1 && target[1] == ':') || !fs.ValidPath(next) {
			// The site's own folder is unknown here, so an absolute link is
			// refused even when it happens to point inside.
			return "", &LinkError{name, fmt.Sprintf("symbolic link to %s, outside the site: briefs reads only files inside the site (use a relative link to a file in it)", target)}
		}
		done, rest = "", append(strings.Split(next, "/"), rest...)
	}
	return done, nil
}
