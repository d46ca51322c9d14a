package diag

import (
	"errors"
	"html/template"
	"io/fs"
	"testing"
	"testing/fstest"

	"go.yaml.in/yaml/v3"
)

func TestYAMLLine(t *testing.T) {
	var n yaml.Node
	err := yaml.Unmarshal([]byte("a: 1\nb: 2\nc: d: e\n"), &n)
	if err == nil {
		t.Fatal("no error")
	}
	line, msg := YAMLLine(err)
	if line != 3 || msg != "mapping values are not allowed in this context" {
		t.Errorf("YAMLLine(%q) = %d, %q", err, line, msg)
	}
	line, msg = YAMLLine(errors.New("yaml: control characters are not allowed"))
	if line != 0 || msg != "control characters are not allowed" {
		t.Errorf("without a line: %d, %q", line, msg)
	}
}

func TestTemplatePos(t *testing.T) {
	// The broken template is read from a variable so that vet-like checks
	// do not flag the deliberate error.
	src := []string{"<p>\n{{ .A }\n"}
	_, err := template.New("x").Parse(src[0])
	if err == nil {
		t.Fatal("no error")
	}
	p, msg := TemplatePos(err)
	if p != (Pos{2, 1}) || msg != `unexpected "}" in operand` {
		t.Errorf("TemplatePos(%q) = %v, %q", err, p, msg)
	}
	p, msg = TemplatePos(errors.New("no position"))
	if p != (Pos{}) || msg != "no position" {
		t.Errorf("without a position: %v, %q", p, msg)
	}
}

func TestWrapKeepsCause(t *testing.T) {
	_, err := fs.ReadFile(fstest.MapFS{}, "content/x.md")
	e := Wrap("content/x.md", Pos{}, err)
	if !errors.Is(e, fs.ErrNotExist) {
		t.Errorf("the cause is lost: %v", e)
	}
	if e.Error() != "content/x.md: file does not exist" {
		t.Errorf("Error() = %q: the path must be said once", e.Error())
	}
	var pe *fs.PathError
	if !errors.As(e, &pe) {
		t.Errorf("errors.As cannot reach the *fs.PathError")
	}
	if got := Wrap("a.yaml", Pos{3, 2}, errors.New("bad")).Error(); got != "a.yaml:3:2: bad" {
		t.Errorf("positioned: %q", got)
	}
}
