// Package chart draws briefs' charts as inline SVG with its own drawing:
// bars start at zero, negative values draw below the zero line, labels are
// XML-escaped, NaN and empty data are errors, and styling is by CSS class
// (no style attributes). Of go-chart it uses only the font: labels are
// measured with go-chart's default font, loaded once, which the site serves
// to browsers (as "BriefsChart" in site.css) so that they fit as measured.
package chart

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// Kind is a chart type.
type Kind string

// The chart types of DESIGN.md.
const (
	Bar       Kind = "bar"
	HBar      Kind = "hbar"
	Stacked   Kind = "stacked"
	Donut     Kind = "donut"
	Pie       Kind = "pie"
	Line      Kind = "line"
	Waterfall Kind = "waterfall"
)

// Kinds lists every chart type.
var Kinds = []Kind{Bar, HBar, Stacked, Donut, Pie, Line, Waterfall}

// Point is one value: Value places it, Text is how it reads (formatted like
// the prose, such as "58.0%" or "$39.8B"). Share is a pie slice's part of
// the whole as the caller rounded it exactly ("58%"); when empty the chart
// works it out.
type Point struct {
	Label string
	Value float64
	Text  string
	Share string
}

// Series is a named run of points. Bar, hbar, donut, pie and waterfall
// charts have one series; stacked and line charts may have several, all
// with the same point labels (the categories or periods).
type Series struct {
	Name   string
	Points []Point
}

// Chart is what to draw.
type Chart struct {
	Kind   Kind
	Title  string
	Series []Series
	// Unit decorates axis ticks: Prefix and Suffix such as "$" and "B".
	Prefix, Suffix string
	// Total is a waterfall's closing bar, the exact sum of its steps, which
	// the caller formats; when nil the total is labelled from the axis
	// decoration.
	Total *Point
	// Totals are a stacked chart's category totals as they read, one per
	// category; when nil they are formatted from the axis decoration.
	Totals []string
	// Highlight names the categories (bar, hbar, waterfall, pie, donut) or
	// series (stacked, line) drawn in the accent colour; the rest are muted.
	Highlight []string
	// Narrow lays the chart out for a phone (NarrowWidth wide) instead of
	// Width; a page carries both and picks one with a CSS media query.
	Narrow bool
	// ID prefixes the ids inside the SVG; it must be unique on the page.
	ID string
}

// MaxBars is the most categories a bar, hbar, stacked or waterfall chart
// draws: past it no label can be read, on a phone or anywhere.
const MaxBars = 40

// MaxSlices is the most slices a pie or donut draws; callers fold the
// smallest of the rest into one "Other" slice.
const MaxSlices = 6

// Validate reports data a chart cannot draw honestly.
func (c *Chart) Validate() error {
	known := false
	for _, k := range Kinds {
		known = known || k == c.Kind
	}
	if !known {
		return fmt.Errorf("unknown chart type %q (known: bar, hbar, stacked, donut, pie, line, waterfall)", c.Kind)
	}
	if len(c.Series) == 0 || len(c.Series[0].Points) == 0 {
		return errors.New("the chart has no data")
	}
	n := len(c.Series[0].Points)
	if c.Kind != Line && c.Kind != Donut && c.Kind != Pie && n > MaxBars {
		return fmt.Errorf("a %s chart has room for at most %d bars and this one has %d: show fewer categories, or use a line chart for a long run of periods", c.Kind, MaxBars, n)
	}
	for _, s := range c.Series {
		if len(s.Points) != n {
			return fmt.Errorf("series %q has %d values, but the chart has %d categories", s.Name, len(s.Points), n)
		}
		for _, p := range s.Points {
			if math.IsNaN(p.Value) || math.IsInf(p.Value, 0) {
				return fmt.Errorf("value %q of %q is not a finite number", p.Label, s.Name)
			}
			// Axes are worked out in exact decimals; past these magnitudes
			// no financial figure lies, and the arithmetic would not end.
			if a := math.Abs(p.Value); a > 1e100 || a != 0 && a < 1e-100 {
				return fmt.Errorf("value %s (%s) is too large or too small to draw: scale it", p.Text, p.Label)
			}
			if (c.Kind == Donut || c.Kind == Pie) && p.Value < 0 {
				return fmt.Errorf("a %s chart cannot show the negative value %s (%s): use a bar chart", c.Kind, p.Text, p.Label)
			}
		}
	}
	if c.Kind == Donut || c.Kind == Pie {
		total := 0.0
		for _, p := range c.Series[0].Points {
			total += p.Value
		}
		if total <= 0 {
			return fmt.Errorf("a %s chart needs parts that add up to more than zero", c.Kind)
		}
	}
	return nil
}

var kindNames = map[Kind]string{Bar: "Bar chart", HBar: "Horizontal bar chart", Stacked: "Stacked bar chart", Donut: "Donut chart", Pie: "Pie chart", Line: "Line chart", Waterfall: "Waterfall chart"}

// Desc says in words what the chart shows, for the SVG's <desc>.
func (c *Chart) Desc() string {
	var b strings.Builder
	b.Grow(64 + 32*len(c.Series)*len(c.Series[0].Points))
	b.WriteString(kindNames[c.Kind])
	if c.Title != "" {
		b.WriteString(": " + c.Title)
	}
	b.WriteString(". ")
	for si, s := range c.Series {
		if len(c.Series) > 1 || c.Kind == Line {
			if si > 0 {
				b.WriteString(" ")
			}
			b.WriteString(s.Name + ": ")
		}
		for i, p := range s.Points {
			if i > 0 {
				b.WriteString("; ")
			}
			b.WriteString(p.Label + " " + p.Text)
			if c.Kind == Pie || c.Kind == Donut {
				b.WriteString(" (" + c.share(p) + ")")
			}
		}
		b.WriteString(".")
	}
	if c.Kind == Waterfall {
		t := c.total()
		b.WriteString(" " + t.Label + " " + t.Text + ".")
	}
	return b.String()
}

func (c *Chart) total() Point {
	if c.Total != nil {
		return *c.Total
	}
	sum := 0.0
	for _, p := range c.Series[0].Points {
		sum += p.Value
	}
	return Point{Label: "Total", Value: sum, Text: tickText(sum, c.Prefix, c.Suffix, 1)}
}
