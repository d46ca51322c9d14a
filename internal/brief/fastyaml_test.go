package brief_test

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/briefs/briefs/internal/bench"
	"github.com/briefs/briefs/internal/brief"
	yaml "go.yaml.in/yaml/v3"
	"golang.org/x/tools/txtar"
)

// agree checks that when the fast decoder reads front, yaml.v3 reads it
// too, to the very same nodes; it returns whether the fast decoder read it.
func agree(t *testing.T, front []byte) bool {
	t.Helper()
	got, ok := brief.FastYAML(front)
	if !ok {
		return false
	}
	var want yaml.Node
	if err := yaml.Unmarshal(front, &want); err != nil {
		t.Fatalf("the fast decoder read what yaml.v3 refuses (%v):\n%s", err, front)
	}
	if !reflect.DeepEqual(*got, want) {
		t.Fatalf("the fast decoder and yaml.v3 disagree on\n%s\nfast:\n%s\nyaml.v3:\n%s", front, dump(got, ""), dump(&want, ""))
	}
	return true
}

// dump prints a node tree with every field the two decoders must agree on.
func dump(n *yaml.Node, indent string) string {
	if n == nil {
		return indent + "nil\n"
	}
	var b strings.Builder
	b.WriteString(indent)
	b.WriteString(strings.Join([]string{
		"kind=" + strings.TrimSpace(string(rune('0'+n.Kind))),
		"style=" + string(rune('0'+n.Style)),
		"tag=" + n.Tag,
		"value=" + n.Value,
		"anchor=" + n.Anchor,
		"head=" + n.HeadComment, "line=" + n.LineComment, "foot=" + n.FootComment,
	}, " "))
	b.WriteString(" at " + itoa(n.Line) + ":" + itoa(n.Column) + "\n")
	for _, c := range n.Content {
		b.WriteString(dump(c, indent+"  "))
	}
	return b.String()
}

func itoa(i int) string {
	if i < 0 {
		return "-" + itoa(-i)
	}
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

// frontOf is the frontmatter of a brief's source, as Read cuts it.
func frontOf(src []byte) []byte {
	_, rest, _ := bytes.Cut(src, []byte("\n"))
	if i := bytes.Index(rest, []byte("\n---\n")); i >= 0 {
		return rest[:i+1]
	}
	return rest
}

// The fast decoder reads what briefs are written in, and only what it
// reads as yaml.v3 does; everything else is left to yaml.v3.
func TestFastYAMLCases(t *testing.T) {
	for _, tc := range []struct {
		front string
		fast  bool
	}{
		{"title: A\n", true},
		{"title: A\ndate: 2025-01-01\ndraft: true\nn: ~\nx: null\ny: 1_000\nz: 0x1F\nw: .5\nv: -3\nu: +2.5e3\nt: 0b101\ns: 0o17\nr: -0o17\nq: 012\np: .inf\no: yes\n", true},
		{"\n\ntitle: A\n\n\nsummary: B  \n", true},
		{"tags: [a, b c, 'd''e', \"f g\", []]\n", true},
		{"tags: []\nt2: {}\n", true},
		{"tags:\n- a\n- 'b'\nnext: c\n", true},
		{"tags:\n  - a\n  - [b]\nnext: c\n", true},
		{"figures:\n  a: {value: 1.0, label: A b, source: r}\n  b:\n    values: {FY2023: 1, FY2024: 2}\n    label: B\n", true},
		{"sources:\n  r: {title: T, url: \"https://x.org/a?b=c\", date: 2024-01-01}\n", true},
		{"title: Société Générale ✓ 日本\nsummary: {a: é, b: [ü, 日本]}\n", true},
		{"title: a:b\nurl: http://x.org\n", true},
		{"title: Revenue [2024] and {more}\n", true},
		{"k-1.x/y: v\n2024: v\ntrue: v\n", true},
		{"title: -5\ncheck: a < 20%\n", true},
		{"nested:\n  deeper:\n    deepest: x\n  back: y\ntop: z\n", true},
		// Left to yaml.v3: comments, anchors, tags, block scalars, escapes,
		// tabs, CR, continuation lines, empty values and odd indents.
		{"title: A # c\n", false},
		{"a: &x 1\nb: *x\n", false},
		{"a: !!str 1\n", false},
		{"a: |\n  text\n", false},
		{"a: >\n  text\n", false},
		{"a: \"x\\ty\"\n", false},
		{"a:\tb\n", false},
		{"a: b\r\n", false},
		{"a: b\n  c\n", false},
		{"a:\nb: c\n", false},
		{"a:\n", false},
		{"  a: b\n", false},
		{"a:\n    b: c\n  d: e\n", false},
		{"a: b: c\n", false},
		{"a: b:\n", false},
		{"a: [b, c\n", false},
		{"a: [b,]\n", false},
		{"a: {b: }\n", false},
		{"a: {b: c:d, e: [f:g]}\n", true},
		{"a: {b:c}\n", false},
		{"a: [b:, c]\n", false},
		{"a: [b: c]\n", false},
		{"a: 'b\n", false},
		{"a: \"b\n  c\"\n", false},
		{"a: - b\n", false},
		{"- a\n", false},
		{"a:\n- b\n  c\n", false},
		{"<<: x\n", false},
		{"a: <<\n", false},
		{"a b: c\n", false},
		{"a: b\u2028c\n", false},
		{"a: b\u0085c\n", false},
		{"a: \ufeffb\n", false},
		{"a: \x7f\n", false},
		{"a: \xff\n", false},
		{"", false},
		{"\n\n", false},
		{"? a\n: b\n", false},
		{"a: 'x' y\n", false},
		{"a: [x] y\n", false},
		{"%YAML 1.2\n", false},
		{"a: @x\n", false},
	} {
		if got := agree(t, []byte(tc.front)); got != tc.fast {
			t.Errorf("fast path taken = %v, want %v, for\n%s", got, tc.fast, tc.front)
		}
	}
}

// Every brief of the bench corpus and of the sample site takes the fast
// path (else the preview and the build lose their speed unnoticed), and
// reads as yaml.v3 reads it; the case files read the same either way.
func TestFastYAMLCorpus(t *testing.T) {
	for i := 0; i < 3*bench.BriefsPerCompany; i++ {
		if front := frontOf([]byte(bench.Brief(i))); !agree(t, front) {
			t.Errorf("bench brief %d does not take the fast path:\n%s", i, front)
		}
	}
	sample, _ := filepath.Glob("../../content/*.md")
	if len(sample) == 0 {
		t.Fatal("no sample briefs")
	}
	for _, file := range sample {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if front := frontOf(src); !agree(t, front) && !bytes.Contains(front, []byte("#")) {
			t.Errorf("%s does not take the fast path", file)
		}
	}
	cases, _ := filepath.Glob("testdata/*.txtar")
	for _, file := range cases {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range ar.Files {
			agree(t, frontOf(f.Data))
		}
	}
}

// FuzzFastYAML holds the fast decoder to yaml.v3: on any input it reads,
// yaml.v3 reads the same nodes.
func FuzzFastYAML(f *testing.F) {
	f.Add([]byte(frontOf([]byte(bench.Brief(0)))))
	f.Add([]byte(frontOf([]byte(bench.Brief(7)))))
	for _, s := range []string{
		"title: A\ntags:\n- a\n- 'b''c'\nn: {x: [1, \"2\"], y: ~}\n",
		"a:\n  b:\n    c: 0o17\n  d: -0b11\ne: 2024-1-2 10:00:00\n",
		"k: Société ✓ 日本\nl: [é, {m: n}]\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, front []byte) {
		agree(t, front)
	})
}

// BenchmarkFrontmatter reads the frontmatter of a bench brief, through the
// fast decoder and through yaml.v3.
func BenchmarkFrontmatter(b *testing.B) {
	front := frontOf([]byte(bench.Brief(42)))
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if !brief.FastYAMLRound(front) {
				b.Fatal("not read")
			}
		}
	})
	b.Run("yaml.v3", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var n yaml.Node
			if err := yaml.Unmarshal(front, &n); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("read", func(b *testing.B) {
		src := []byte(bench.Brief(42))
		b.ReportAllocs()
		for b.Loop() {
			if _, errs := brief.Read("content/brief-00042.md", src); errs.Err() != nil {
				b.Fatal(errs)
			}
		}
	})
}
