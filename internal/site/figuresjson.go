package site

import (
	"encoding/json"

	"github.com/briefs/briefs/internal/brief"
	"github.com/briefs/briefs/internal/figures"
)

// xbrlJSON is what figures.json says of a figure checked against filings:
// its concept and, by period, the filing each value agrees with.
type xbrlJSON struct {
	Concept string                   `json:"concept"`
	Filings map[string]*brief.Filing `json:"filings,omitempty"`
}

// figuresJSON lists every figure and derived value of a brief with exact
// decimals as strings.
func figuresJSON(bf *brief.Brief) []byte {
	type src struct {
		ID    string `json:"id"`
		Title string `json:"title"`
		URL   string `json:"url,omitempty"`
		Date  string `json:"date,omitempty"`
	}
	type val struct {
		Name        string            `json:"name"`
		Kind        string            `json:"kind"`
		Label       string            `json:"label"`
		Unit        string            `json:"unit"`
		Currency    string            `json:"currency,omitempty"`
		Scale       string            `json:"scale,omitempty"`
		Value       string            `json:"value,omitempty"`
		Display     string            `json:"display,omitempty"`
		Values      map[string]string `json:"values,omitempty"`
		Expr        string            `json:"expr,omitempty"`
		Computation string            `json:"computation,omitempty"`
		Sources     []string          `json:"sources,omitempty"`
		XBRL        *xbrlJSON         `json:"xbrl,omitempty"`
	}
	doc := struct {
		Slug    string `json:"slug"`
		Title   string `json:"title"`
		Company string `json:"company,omitempty"`
		Period  string `json:"period,omitempty"`
		Date    string `json:"date"`
		Note    string `json:"note"`
		Sources []src  `json:"sources"`
		Figures []val  `json:"figures"`
	}{Slug: bf.Slug, Title: bf.Title, Company: bf.Company, Period: bf.Period, Date: bf.Date.Format("2006-01-02"),
		Note:    "Values are exact decimals as strings: money in whole currency units, percentages as fractions (0.58 is 58%).",
		Sources: []src{}, Figures: []val{}}
	for _, s := range bf.Sources {
		doc.Sources = append(doc.Sources, src{s.ID, s.Title, s.URL, s.Date})
	}
	filed := map[string]*xbrlJSON{}
	for _, x := range bf.XBRL {
		filed[x.Entry.Name] = &xbrlJSON{Concept: x.Concept, Filings: x.Filings}
	}
	for _, e := range bf.Figures.Names() {
		v := val{Name: e.Name, Kind: "figure", Label: e.Label, Unit: e.Value.Unit.String(), XBRL: filed[e.Name]}
		f, ok := bf.Figures.Figure(e.Name)
		if e.Derived {
			v.Kind, v.Expr = "derived", e.Expr
			if ok {
				v.Computation = f.Computation
			}
		}
		if e.Value.Unit == figures.Money {
			v.Currency, v.Scale = e.Value.Currency, e.Value.Scale.Name
		}
		if len(e.Periods) > 0 {
			v.Values = map[string]string{}
			for i, p := range e.Periods {
				pt, _ := bf.Figures.Point(e.Name, p)
				v.Values[p] = pt.Value.Exact()
				if i == 0 {
					v.Unit = pt.Value.Unit.String()
					if pt.Value.Unit == figures.Money {
						v.Currency, v.Scale = pt.Value.Currency, pt.Value.Scale.Name
					}
				}
			}
		}
		if ok {
			v.Value, v.Display = f.Value.Exact(), f.Text()
		}
		for _, s := range e.Sources {
			v.Sources = append(v.Sources, s.ID)
		}
		doc.Figures = append(doc.Figures, v)
	}
	data, _ := json.MarshalIndent(doc, "", "  ")
	return append(data, '\n')
}
