package site

import (
	"html/template"
	"strconv"
	"strings"

	"github.com/briefs/briefs/internal/brief"
	"github.com/briefs/briefs/internal/figures"
	"github.com/briefs/briefs/internal/markdown"
)

// valueRow is one row of a brief's "The numbers": a value, how it was
// computed, and its sources cited by number. ID is the target of the
// references in the prose (markdown.ValueID).
type valueRow struct {
	ID, Label, Text, Data, How string
	Cites                      []cite
}

// cite is a source marker ([1]) linking to the sources list.
type cite struct {
	N     int
	Title string
}

// sourceItem is a source in the numbered list that markers link to.
type sourceItem struct {
	N int
	*figures.Source
}

// numbers lists every value of a brief a reference can show: each value at
// the brief's period, and each other period of a series.
func numbers(bf *brief.Brief) ([]valueRow, []sourceItem) {
	var sources []sourceItem
	num := map[*figures.Source]int{}
	for i, s := range bf.Sources {
		sources = append(sources, sourceItem{i + 1, s})
		num[s] = i + 1
	}
	cites := func(f figures.Figure) []cite {
		var cs []cite
		for _, s := range f.Sources {
			if n, ok := num[s]; ok {
				cs = append(cs, cite{n, s.Title})
			}
		}
		return cs
	}
	var rows []valueRow
	for _, f := range bf.Figures.Figures() {
		rows = append(rows, valueRow{ID: markdown.ValueID(f.Name, f.Period), Label: f.Caption(),
			Text: f.Text(), Data: f.Data(), How: f.How(), Cites: cites(f)})
	}
	return rows, sources
}

// NumbersHTML is the rows of "The numbers" as the default layout writes
// them, built here rather than by the template: the table is most of a
// brief page's template work (a reflective call per field of every row).
// Layouts of a site's own can still range over Values.
func (v *briefView) NumbersHTML() template.HTML {
	var b strings.Builder
	n := 0
	for _, r := range v.Values {
		n += 160 + len(r.ID) + len(r.Label) + len(r.Text) + len(r.Data) + len(r.How)
		for _, c := range r.Cites {
			n += 100 + len(c.Title)
		}
	}
	b.Grow(n)
	for _, r := range v.Values {
		b.WriteString(`<tr id="`)
		writeEscaped(&b, r.ID)
		b.WriteString(`"><th scope="row">`)
		writeEscaped(&b, r.Label)
		b.WriteString(`</th><td class="num"><data value="`)
		writeEscaped(&b, r.Data)
		b.WriteString(`">`)
		writeEscaped(&b, r.Text)
		b.WriteString(`</data></td><td class="how">`)
		writeEscaped(&b, r.How)
		for _, c := range r.Cites {
			num := strconv.Itoa(c.N)
			b.WriteString(` <a class="cite" href="#src.`)
			b.WriteString(num)
			b.WriteString(`" title="`)
			writeEscaped(&b, c.Title)
			b.WriteString(`"><span class="vh">source </span>[`)
			b.WriteString(num)
			b.WriteString(`]</a>`)
		}
		b.WriteString(`</td></tr>`)
	}
	return template.HTML(b.String())
}

// writeEscaped writes s escaped as html/template escapes text and quoted
// attribute values, byte for byte the same.
func writeEscaped(b *strings.Builder, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var repl string
		switch s[i] {
		case 0:
			repl = "\uFFFD"
		case '"':
			repl = "&#34;"
		case '&':
			repl = "&amp;"
		case '\'':
			repl = "&#39;"
		case '+':
			repl = "&#43;"
		case '<':
			repl = "&lt;"
		case '>':
			repl = "&gt;"
		default:
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(repl)
		last = i + 1
	}
	b.WriteString(s[last:])
}
