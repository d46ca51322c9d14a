package cli

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"sort"
	"strings"
	"testing/fstest"

	"github.com/briefs/briefs/internal/figures"
	"github.com/briefs/briefs/internal/site"
)

func diff(args []string, stdout, stderr io.Writer) error {
	fset := flags("diff", stderr)
	if err := parse(fset, args); err != nil {
		return err
	}
	if fset.NArg() != 2 {
		fmt.Fprintln(stderr, "usage: briefs diff OLD NEW (two folders or two git revisions)")
		return &ExitError{Code: 2}
	}
	var trees [2]fs.FS
	for i, a := range fset.Args() {
		t, err := openTree(a)
		if err != nil {
			fmt.Fprintf(stderr, "briefs diff: %v\n", err)
			return &ExitError{Code: 1}
		}
		trees[i] = t
	}
	md, err := DiffMarkdown(trees[0], trees[1], fset.Arg(0), fset.Arg(1))
	if err != nil {
		fmt.Fprintf(stderr, "briefs diff: %v\n", err)
		return &ExitError{Code: 1}
	}
	fmt.Fprint(stdout, md)
	return nil
}

// openTree opens a folder, or a git revision of the repository in the
// current folder as an in-memory tree of its content/*.md.
func openTree(arg string) (fs.FS, error) {
	if st, err := os.Stat(arg); err == nil && st.IsDir() {
		return os.DirFS(arg), nil
	}
	ls, err := exec.Command("git", "ls-tree", "--name-only", arg, "content/").Output()
	if err != nil {
		return nil, fmt.Errorf("%s is neither a folder nor a git revision", arg)
	}
	m := fstest.MapFS{}
	for _, name := range strings.Fields(string(ls)) {
		if !strings.HasSuffix(name, ".md") {
			continue
		}
		data, err := exec.Command("git", "show", arg+":"+name).Output()
		if err != nil {
			return nil, fmt.Errorf("reading %s at %s: %v", name, arg, err)
		}
		m[name] = &fstest.MapFile{Data: data}
	}
	return m, nil
}

type valueSet struct {
	title  string
	values map[string]string
	order  []string
	// src is the brief's file: a brief whose file is the same on both
	// sides changed only through the briefs it reads from.
	src []byte
}

// readValues reads every brief's values as the site shows them: resolved
// across each company's briefs, so that an edit to one brief shows up in
// the briefs that read from it.
func readValues(t fs.FS) (map[string]*valueSet, error) {
	paths, err := fs.Glob(t, "content/*.md")
	if err != nil {
		return nil, err
	}
	briefs, _ := site.Briefs(t)
	out := map[string]*valueSet{}
	for _, p := range paths {
		if path.Base(p) == "_index.md" {
			continue
		}
		src, err := fs.ReadFile(t, p)
		if err != nil {
			return nil, err
		}
		b := briefs[p]
		vs := &valueSet{values: map[string]string{}, src: src}
		if b == nil {
			vs.title = "(unreadable)"
			out[p] = vs
			continue
		}
		vs.title = b.Title
		for _, e := range b.Figures.Entries() {
			add := func(name string, v figures.Value) {
				text, err := figures.Format(v, e.Format)
				if err != nil {
					text, _ = figures.Format(v, "")
				}
				vs.values[name] = text
				vs.order = append(vs.order, name)
			}
			switch {
			case len(e.Series) > 0:
				for _, pt := range e.Series {
					add(e.Name+"@"+pt.Period, pt.Value)
				}
			case e.HasValue:
				add(e.Name, e.Value)
			case e.Derived:
				vs.values[e.Name] = "(error)"
				vs.order = append(vs.order, e.Name)
			}
		}
		out[p] = vs
	}
	return out, nil
}

// DiffMarkdown lists, brief by brief, every figure and derived value that
// differs between two trees, as Markdown for a pull-request comment.
func DiffMarkdown(oldTree, newTree fs.FS, oldName, newName string) (string, error) {
	before, err := readValues(oldTree)
	if err != nil {
		return "", err
	}
	after, err := readValues(newTree)
	if err != nil {
		return "", err
	}
	var paths []string
	seen := map[string]bool{}
	for p := range before {
		paths, seen[p] = append(paths, p), true
	}
	for p := range after {
		if !seen[p] {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	var b bytes.Buffer
	fmt.Fprintf(&b, "## Figures changed between %s and %s\n", oldName, newName)
	changed := 0
	cell := func(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
	for _, p := range paths {
		o, n := before[p], after[p]
		var rows []string
		switch {
		case o == nil:
			fmt.Fprintf(&b, "\n### %s: %s (new brief)\n\n| Value | Before | After |\n|---|---|---|\n", p, cell(n.title))
			for _, name := range n.order {
				fmt.Fprintf(&b, "| `%s` | | %s |\n", name, cell(n.values[name]))
			}
			changed++
			continue
		case n == nil:
			fmt.Fprintf(&b, "\n### %s: %s (removed)\n", p, cell(o.title))
			changed++
			continue
		}
		names := append([]string{}, n.order...)
		for _, name := range o.order {
			if _, ok := n.values[name]; !ok {
				names = append(names, name)
			}
		}
		for _, name := range names {
			ov, inOld := o.values[name]
			nv, inNew := n.values[name]
			if inOld && inNew && ov == nv {
				continue
			}
			rows = append(rows, fmt.Sprintf("| `%s` | %s | %s |", name, cell(ov), cell(nv)))
		}
		if len(rows) == 0 {
			continue
		}
		changed++
		why := ""
		if bytes.Equal(o.src, n.src) {
			why = " (file unchanged: it reads values from other briefs that changed)"
		}
		fmt.Fprintf(&b, "\n### %s: %s%s\n\n| Value | Before | After |\n|---|---|---|\n%s\n", p, cell(n.title), why, strings.Join(rows, "\n"))
	}
	if changed == 0 {
		b.WriteString("\nNo figure or derived value changed.\n")
	}
	return b.String(), nil
}
