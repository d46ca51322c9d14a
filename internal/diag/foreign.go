package diag

import (
	"regexp"
	"strconv"
	"strings"
)

// Positions that other libraries give only inside their error messages are
// read here, once, so that a change of wording upstream is fixed in one
// place.

var (
	yamlLine     = regexp.MustCompile(`^line (\d+): (.*)$`)
	templateLine = regexp.MustCompile(`^template: [^:]+:(\d+):(?:(\d+):)? ?(.*)$`)
)

// YAMLLine splits a go.yaml.in/yaml/v3 error into the 1-based line it names
// within the parsed text (0 when it names none) and its message without the
// "yaml: line N: " prefix.
func YAMLLine(err error) (line int, msg string) {
	msg = strings.TrimPrefix(err.Error(), "yaml: ")
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	return line, msg
}

// TemplatePos splits an html/template or text/template parse error into the
// position it names within its template (zero when it names none; column 1
// when it names only a line) and its message without the "template: NAME:"
// prefix.
func TemplatePos(err error) (Pos, string) {
	m := templateLine.FindStringSubmatch(err.Error())
	if m == nil {
		return Pos{}, err.Error()
	}
	line, _ := strconv.Atoi(m[1])
	col := 1
	if m[2] != "" {
		col, _ = strconv.Atoi(m[2])
	}
	return Pos{Line: line, Col: col}, m[3]
}
