package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"testing/fstest"

	"github.com/briefs/briefs/internal/brief"
	"github.com/briefs/briefs/internal/content"
	"github.com/briefs/briefs/internal/figures"
	"github.com/briefs/briefs/internal/plural"
	"github.com/briefs/briefs/internal/sec"
	"github.com/briefs/briefs/internal/site"
)

func diff(args []string, stdout, stderr io.Writer) error {
	fset := flags("diff", stderr)
	if err := parse(fset, args); err != nil {
		return err
	}
	if fset.NArg() != 2 {
		return fail(2, "usage: briefs diff OLD NEW (two folders or two git revisions)")
	}
	var trees [2]fs.FS
	for i, a := range fset.Args() {
		t, err := openTree(a)
		if err != nil {
			return fail(1, "briefs diff: %w", err)
		}
		trees[i] = t
	}
	md, err := DiffMarkdown(trees[0], trees[1], fset.Arg(0), fset.Arg(1))
	if err != nil {
		return fail(1, "briefs diff: %w", err)
	}
	fmt.Fprint(stdout, md)
	return nil
}

// openTree opens a folder, or a git revision of the site in the current
// folder (which may lie anywhere in its repository) as an in-memory tree
// of its content/.
func openTree(arg string) (fs.FS, error) {
	if st, err := os.Stat(arg); err == nil && st.IsDir() {
		return os.DirFS(arg), nil
	}
	if err := exec.Command("git", "rev-parse", "--verify", "--quiet", arg+"^{commit}").Run(); err != nil {
		return nil, fmt.Errorf("%s is neither a folder nor a git revision", arg)
	}
	prefix, err := exec.Command("git", "rev-parse", "--show-prefix").Output()
	if err != nil {
		return nil, fmt.Errorf("finding the site in its repository: %v", err)
	}
	// The site's folder relative to the repository's root, literally: a
	// <rev>:<path> name takes no pathspec magic and no quoting.
	dir := strings.TrimSuffix(string(prefix), "\n") + content.Dir
	m := fstest.MapFS{}
	ls, err := exec.Command("git", "ls-tree", "-z", "--full-tree", arg+":"+dir).Output()
	if err != nil {
		return m, nil // no content/ at that revision: no briefs
	}
	var names, objects []string
	for _, rec := range strings.Split(string(ls), "\x00") {
		// <mode> SP <type> SP <object> TAB <name>
		info, name, ok := strings.Cut(rec, "\t")
		f := strings.Fields(info)
		if !ok || len(f) != 3 || f[1] != "blob" {
			continue
		}
		p := content.Dir + "/" + name
		if !content.IsBrief(p) && p != content.Index {
			continue
		}
		if f[0] == "120000" {
			m[p] = &fstest.MapFile{Mode: fs.ModeSymlink}
		} else {
			m[p] = &fstest.MapFile{}
		}
		names, objects = append(names, p), append(objects, f[2])
	}
	// The company facts the briefs are checked against, if any.
	secDir := strings.TrimSuffix(string(prefix), "\n") + sec.Dir
	if ls, err := exec.Command("git", "ls-tree", "-z", "--full-tree", arg+":"+secDir).Output(); err == nil {
		for _, rec := range strings.Split(string(ls), "\x00") {
			info, name, ok := strings.Cut(rec, "\t")
			f := strings.Fields(info)
			if !ok || len(f) != 3 || f[1] != "blob" || !strings.HasSuffix(name, ".json") {
				continue
			}
			p := sec.Dir + "/" + name
			m[p] = &fstest.MapFile{}
			names, objects = append(names, p), append(objects, f[2])
		}
	}
	blobs, err := catBlobs(objects)
	if err != nil {
		return nil, fmt.Errorf("reading %s at %s: %v", dir, arg, err)
	}
	for i, p := range names {
		m[p].Data = blobs[i] // a link's blob is its target
	}
	return m, nil
}

// catBlobs reads git objects by id in one git process.
func catBlobs(ids []string) ([][]byte, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	cmd := exec.Command("git", "cat-file", "--batch")
	cmd.Stdin = strings.NewReader(strings.Join(ids, "\n") + "\n")
	out, err := cmd.Output()
	if err != nil {
		return nil, err
	}
	blobs := make([][]byte, 0, len(ids))
	for range ids {
		// <object> SP <type> SP <size> LF <contents> LF
		head, rest, ok := bytes.Cut(out, []byte("\n"))
		f := strings.Fields(string(head))
		if !ok || len(f) != 3 {
			return nil, fmt.Errorf("unexpected git cat-file output %q", head)
		}
		size, err := strconv.Atoi(f[2])
		if err != nil || size > len(rest) {
			return nil, fmt.Errorf("unexpected git cat-file output %q", head)
		}
		blobs = append(blobs, rest[:size:size])
		out = rest[min(size+1, len(rest)):]
	}
	return blobs, nil
}

type valueSet struct {
	title  string
	values map[string]string
	order  []string
	// updated is the brief's updated: field ("" when it has none).
	updated string
	// src is the brief's file: a brief whose file is the same on both
	// sides changed only through the briefs it reads from.
	src []byte
}

// readValues reads every brief's values as the site shows them: resolved
// across each company's briefs, so that an edit to one brief shows up in
// the briefs that read from it.
func readValues(t fs.FS) (map[string]*valueSet, error) {
	paths, err := content.List(t)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	briefs, _ := site.Briefs(t)
	out := map[string]*valueSet{}
	for _, p := range paths {
		vs := &valueSet{values: map[string]string{}}
		src, err := content.ReadFile(t, p)
		if err != nil {
			vs.title = "(unreadable: " + err.Error() + ")"
			out[p] = vs
			continue
		}
		vs.src = src
		b := briefs[p]
		if b == nil {
			vs.title = "(unreadable)"
			out[p] = vs
			continue
		}
		vs.title = b.Title
		if !b.Updated.IsZero() {
			vs.updated = b.Updated.Format("2006-01-02")
		}
		filed := map[string]*brief.XBRLFigure{}
		for _, x := range b.XBRL {
			filed[x.Entry.Name] = x
		}
		for _, e := range b.Figures.Names() {
			add := func(name string, f figures.Figure) {
				text := f.Text() + filingNote(filed[e.Name], name, b.Period)
				vs.values[name] = text
				vs.order = append(vs.order, name)
			}
			switch {
			case len(e.Periods) > 0:
				for _, p := range e.Periods {
					f, _ := b.Figures.Point(e.Name, p)
					add(e.Name+"@"+p, f)
				}
			case e.HasValue:
				f, _ := b.Figures.Figure(e.Name)
				add(e.Name, f)
			case e.Derived:
				vs.values[e.Name] = "(error)"
				vs.order = append(vs.order, e.Name)
			}
		}
		out[p] = vs
	}
	return out, nil
}

// filingNote names the filing a checked value agrees with, so that a diff
// shows when a value's filing changed (a restatement) even if the value
// did not.
func filingNote(x *brief.XBRLFigure, name, period string) string {
	if x == nil {
		return ""
	}
	if _, p, ok := strings.Cut(name, "@"); ok {
		period = p
	}
	f := x.Filings[period]
	if f == nil {
		return " (no filing agrees)"
	}
	return fmt.Sprintf(" (%s filed %s, %s)", f.Form, f.Filed, f.Accession)
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
	changed, values, added, removed := 0, 0, 0, 0
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
			changed, values, added = changed+1, values+len(n.order), added+1
			continue
		case n == nil:
			fmt.Fprintf(&b, "\n### %s: %s (removed)\n", p, cell(o.title))
			changed, removed = changed+1, removed+1
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
		changed, values = changed+1, values+len(rows)
		why := ""
		if bytes.Equal(o.src, n.src) {
			why = " (file unchanged: it reads values from other briefs that changed)"
		}
		fmt.Fprintf(&b, "\n### %s: %s%s\n\n| Value | Before | After |\n|---|---|---|\n%s\n", p, cell(n.title), why, strings.Join(rows, "\n"))
		if o.updated == n.updated && why == "" {
			// The feed's <updated> is this field: without it the change
			// reaches no feed reader.
			b.WriteString("\nThe figures changed but `updated:` did not: set it to the day of this change so feed readers show the brief again.\n")
		}
	}
	if changed == 0 {
		b.WriteString("\nNo figure or derived value changed.\n")
	} else {
		var parts []string
		if added > 0 {
			parts = append(parts, fmt.Sprintf("%d new", added))
		}
		if removed > 0 {
			parts = append(parts, fmt.Sprintf("%d removed", removed))
		}
		fmt.Fprintf(&b, "\n%s changed in %s", plural.Count(values, "value"), plural.Count(changed, "brief"))
		if len(parts) > 0 {
			fmt.Fprintf(&b, " (%s)", strings.Join(parts, ", "))
		}
		b.WriteString(".\n")
	}
	return b.String(), nil
}
