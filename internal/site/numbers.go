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
	cites := func(e *figures.Entry) []cite {
		var cs []cite
		for _, s := range e.Sources {
			if n, ok := num[s]; ok {
				cs = append(cs, cite{n, s.Title})
			}
		}
		return cs
	}
	var rows []valueRow
	for _, e := range bf.Figures.Entries() {
		if e.HasValue {
			rows = append(rows, valueRow{ID: markdown.ValueID(e.Name, ""), Label: e.Label,
				Text: formatted(e.Value, e.Format), Data: e.Value.DataValue(), How: how(e.Derived, e.Computation) + restatedNote(e), Cites: cites(e)})
		}
		for _, p := range e.Series {
			if e.HasValue && p.Period == bf.Period {
				continue // the row above
			}
			rows = append(rows, valueRow{ID: markdown.ValueID(e.Name, p.Period), Label: e.Label + ", " + p.Period,
				Text: formatted(p.Value, e.Format), Data: p.Value.DataValue(), How: how(false, "") + restatedNote(e), Cites: cites(e)})
		}
	}
	return rows, sources
}

func formatted(v figures.Value, format string) string {
	text, err := figures.Format(v, format)
	if err != nil {
		text, _ = figures.Format(v, "")
	}
	return text
}

// how says where a value comes from: the computation of a derived value;
// a reported one is as its source gives it.
func how(derived bool, computation string) string {
	if derived {
		return "= " + computation
	}
	return "Reported"
}
