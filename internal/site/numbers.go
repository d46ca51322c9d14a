package site

import (
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
