package brief

import (
	"bytes"
	"strings"

	"github.com/briefs/briefs/internal/diag"
	yaml "go.yaml.in/yaml/v3"
	"golang.org/x/text/unicode/norm"
)

// Key names a brief's company: its ticker, else its company name.
func (b *Brief) Key() string {
	if b.Ticker != "" {
		return b.Ticker
	}
	return b.Company
}

// KeyAt is where Key is written.
func (b *Brief) KeyAt() diag.Pos {
	if b.Ticker != "" {
		return b.TickerAt
	}
	return b.CompanyAt
}

// KeyField names the field Key comes from: "ticker" or "company".
func (b *Brief) KeyField() string {
	if b.Ticker != "" {
		return "ticker"
	}
	return "company"
}

// QuickKey finds a brief's company key (Key) by reading only the
// frontmatter's top-level ticker and company lines, far faster than Read,
// so that a large build can group briefs by company before reading them.
// ok is false when the frontmatter is written in a way the quick reader
// cannot be sure of (flow style, aliases, a value over several lines, a
// repeated key): Read must then decide.
func QuickKey(src []byte) (key string, ok bool) {
	first, rest, _ := bytes.Cut(src, []byte("\n"))
	if string(bytes.TrimRight(first, "\r")) != "---" {
		return "", false
	}
	// One string of the whole, of which the lines are slices: not one
	// allocation per line.
	text := string(rest)
	var ticker, company string
	seen := map[string]bool{}
	last := ""
	for len(text) > 0 {
		var line string
		line, text, _ = strings.Cut(text, "\n")
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "---" {
			key := company
			if ticker != "" {
				key = ticker
			}
			if strings.IndexFunc(key, isControl) >= 0 {
				return "", false // an error, which Read reports
			}
			// As Read normalises it; a copy, not a slice of all of text.
			return strings.Clone(norm.NFC.String(key)), true
		}
		switch {
		case line == "" || line[0] == '#':
			continue
		case line[0] == ' ' || line[0] == '\t':
			if last == "" || last == "ticker" || last == "company" {
				return "", false // the value may go on over this line
			}
			continue
		}
		k, v, found := strings.Cut(line, ":")
		if !found || !isName(k) || v != "" && v[0] != ' ' && v[0] != '\t' {
			return "", false
		}
		last = k
		if k != "ticker" && k != "company" {
			continue
		}
		v = strings.TrimSpace(v)
		if seen[k] || v == "" || strings.ContainsAny(v[:1], "*&!|>{[?-%@`") {
			return "", false
		}
		seen[k] = true
		s := v
		if strings.ContainsAny(v, "\"'#:\\") || v == "~" || v == "null" || v == "Null" || v == "NULL" {
			// Quotes, comments and the like: let YAML read the scalar.
			s = ""
			if err := yaml.Unmarshal([]byte(v), &s); err != nil {
				return "", false
			}
		}
		if k == "ticker" {
			ticker = s
		} else {
			company = s
		}
	}
	return "", false
}
