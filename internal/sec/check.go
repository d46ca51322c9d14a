package sec

import (
	"fmt"
	"github.com/briefs/briefs/internal/period"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/briefs/briefs/internal/brief"
	"github.com/briefs/briefs/internal/diag"
	"github.com/briefs/briefs/internal/figures"
	"github.com/shopspring/decimal"
)

// fiscal is a period name read for matching: its kind and the month its
// period ends, counted from year 0 of the fiscal calendar.
type fiscal struct {
	kind     Kind
	endMonth int
}

// parsePeriod reads a period in the one grammar (internal/period) for its
// length and place in the fiscal calendar.
func parsePeriod(s string) (fiscal, bool) {
	p, err := period.Parse(s)
	if err != nil {
		return fiscal{}, false
	}
	switch p.Kind {
	case period.Half:
		return fiscal{Half, (p.Year-1)*12 + 6*p.N}, true
	case period.Quarter:
		return fiscal{Quarter, (p.Year-1)*12 + 3*p.N}, true
	}
	return fiscal{Year, p.Year * 12}, true
}

// inferredSlack is how far the end of a series period other than the
// brief's own may lie from the date inferred for it: 52/53-week years and
// months of different lengths move period ends by a few days.
const inferredSlack = 7

// point is one typed or imported value to check.
type point struct {
	name    string // net_sales, or net_sales@FY2022 in a series
	period  string
	end     time.Time
	kind    Kind
	slack   int
	literal string
	at      diag.Pos
}

// Check checks every XBRL figure of a brief against the company's filed
// facts and fills in imported values; it implements brief.Filings.
func (c *Cache) Check(b *brief.Brief) diag.List {
	var errs diag.List
	at := func(p diag.Pos, format string, args ...any) {
		errs.Add(diag.At(b.Path, p, format, args...))
	}
	first := b.XBRL[0].ConceptAt
	if b.CIK == "" && b.CIKAt.Line > 0 || b.PeriodEnd.IsZero() && b.PeriodEndAt.Line > 0 {
		return errs // the field is written but refused, and reported there
	}
	var cik int64
	switch {
	case b.CIK != "":
		cik, _ = strconv.ParseInt(b.CIK, 10, 64)
	case b.Ticker != "":
		n, ok, err := c.Ticker(b.Ticker)
		switch {
		case err != nil:
			at(first, "cannot find the company's CIK for ticker %s: %v", b.Ticker, err)
			return errs
		case !ok:
			at(first, "ticker %s is not in %s/%s: add cik: (the company's SEC number) or run briefs fetch sec %s", b.Ticker, Dir, TickersFile, b.Ticker)
			return errs
		}
		cik = n
	default:
		at(first, "a figure names an XBRL concept, so the brief needs cik: (the company's SEC number) or ticker:")
		return errs
	}
	if b.PeriodEnd.IsZero() {
		at(first, "a figure names an XBRL concept, so the brief needs period_end: YYYY-MM-DD, the last day of its period")
		return errs
	}
	anchor, ok := parsePeriod(b.Period)
	if !ok {
		at(b.PeriodEndAt, "checking against filings needs the brief's period as FY2024, FY2024H1 or FY2024Q3 to know the period's length, not %q", b.Period)
		return errs
	}
	company, err := c.Company(cik)
	if err != nil {
		for _, x := range b.XBRL {
			at(x.ConceptAt, "cannot check %s: %v", x.Entry.Name, err)
		}
		return errs
	}
	ck := &checker{b: b, company: company, anchor: anchor, at: at}
	for _, x := range b.XBRL {
		if !x.Entry.Failed {
			ck.figure(x)
		}
	}
	return errs
}

type checker struct {
	b       *brief.Brief
	company *Company
	anchor  fiscal
	at      func(p diag.Pos, format string, args ...any)
}

// units lists the units a figure's values may be filed in, preferred first.
func units(v figures.Value) []string {
	switch v.Unit {
	case figures.Money:
		return []string{v.Currency, v.Currency + "/shares"}
	case figures.Count:
		return []string{"shares"}
	}
	return []string{"pure"}
}

// exponent is the power of ten a literal is written in: 68.6 billion is
// 68.6 × 10^9, 30% is 30 × 10^-2.
func exponent(v figures.Value) int32 {
	switch v.Unit {
	case figures.Money:
		return v.Scale.Exp
	case figures.Percent:
		return -2
	}
	return 0
}

// asWritten shows a filed value the way the figure is written: 68.6 billion.
func asWritten(d decimal.Decimal, v figures.Value, places int32) string {
	s := strings.Replace(d.Shift(-exponent(v)).Round(places).StringFixed(places), "-", "−", 1)
	switch {
	case v.Unit == figures.Percent:
		return s + "%"
	case v.Unit == figures.Money && v.Scale.Exp != 0:
		return s + " " + v.Scale.Name
	}
	return s
}

func (ck *checker) figure(x *brief.XBRLFigure) {
	e := x.Entry
	concept, err := ck.company.Concept(x.Concept)
	if err != nil {
		ck.at(x.ConceptAt, "cannot check %s: %v", e.Name, err)
		return
	}
	if concept == nil {
		msg := fmt.Sprintf("%s is not in %s", x.Concept, ck.company.File)
		msg += diag.DidYouMean(x.Concept, ck.company.Concepts())
		ck.at(x.ConceptAt, "%s", msg)
		return
	}
	proto := e.Value
	if len(e.Series) > 0 {
		proto = e.Series[0].Value
	}
	var unit string
	have := concept.Units()
	for _, u := range units(proto) {
		if slices.Contains(have, u) {
			unit = u
			break
		}
	}
	if unit == "" {
		ck.at(x.ConceptAt, "%s is filed in %s, not in %s", x.Concept, strings.Join(have, ", "), strings.Join(units(proto), " or "))
		return
	}
	var pts []point
	if len(e.Series) == 0 {
		pts = append(pts, point{name: e.Name, period: ck.b.Period, end: ck.b.PeriodEnd, kind: ck.anchor.kind, literal: e.Literal, at: x.ValueAt})
	}
	for _, p := range e.Series {
		pt := point{name: e.Name + "@" + p.Period, period: p.Period, literal: p.Literal, at: x.PointAt[p.Period]}
		f, ok := parsePeriod(p.Period)
		if !ok {
			ck.at(pt.at, "cannot tell when period %s ends, to check it against filings: write periods as FY2024, FY2024H1 or FY2024Q3", p.Period)
			continue
		}
		pt.kind = f.kind
		pt.end = ck.b.PeriodEnd.AddDate(0, f.endMonth-ck.anchor.endMonth, 0)
		if f != ck.anchor {
			pt.slack = inferredSlack
		}
		pts = append(pts, pt)
	}
	for _, pt := range pts {
		ck.point(x, concept, unit, pt, proto)
	}
}

func (ck *checker) point(x *brief.XBRLFigure, concept *Concept, unit string, pt point, proto figures.Value) {
	e := x.Entry
	matches := concept.Match(unit, pt.end, pt.kind, pt.slack)
	if len(matches) == 0 {
		have := Periods(concept.Facts(unit))
		more := ""
		if len(have) > 12 {
			more = fmt.Sprintf(" and %d more", len(have)-12)
			have = have[:12]
		}
		endText := pt.end.Format(dateLayout)
		if pt.slack > 0 {
			endText = "about " + endText
		}
		ck.at(pt.at, "%s: %s has no %s value for the %s ending %s in %s (it has %s%s)",
			pt.name, x.Concept, unit, pt.kind, endText, ck.company.File, strings.Join(have, ", "), more)
		return
	}
	latest := &matches[0]
	exp := exponent(proto)
	if x.Imported {
		e.Value.D = latest.Val
		e.Literal = latest.Val.Shift(-exp).Round(x.Decimals).StringFixed(x.Decimals)
		ck.record(x, pt.period, unit, latest)
		return
	}
	lit, places, err := figures.ParseLiteral(pt.literal, false)
	if err != nil {
		return // reported where the value is written
	}
	if Agrees(lit, places, exp, latest.Val) {
		ck.record(x, pt.period, unit, latest)
		return
	}
	reports := func(f *Fact) string {
		return fmt.Sprintf("%s, reports %s for %s as %s %s (%s at the precision written)",
			Describe(f), x.Concept, f.Period(), Grouped(f.Val), unit, asWritten(f.Val, proto, places))
	}
	for i := 1; i < len(matches); i++ {
		old := &matches[i]
		if !old.Val.Equal(latest.Val) && Agrees(lit, places, exp, old.Val) {
			ck.at(pt.at, "%s: %s agrees only with a superseded filing, %s: the latest, %s", pt.name, pt.literal, Describe(old), reports(latest))
			return
		}
	}
	ck.at(pt.at, "%s: %s does not agree with the filing: %s", pt.name, pt.literal, reports(latest))
}

// record notes the filing a value agrees with and cites it as a source of
// the figure and of the brief.
func (ck *checker) record(x *brief.XBRLFigure, period, unit string, f *Fact) {
	if x.Filings == nil {
		x.Filings = map[string]*brief.Filing{}
	}
	url := IndexURL(ck.company.CIK, f.Accn)
	fl := &brief.Filing{Concept: x.Concept, Unit: unit, Form: f.Form, Accession: f.Accn,
		Filed: f.Filed.Format(dateLayout), URL: url, Value: f.Val.String(), End: f.End.Format(dateLayout)}
	if !f.Instant() {
		fl.Start = f.Start.Format(dateLayout)
	}
	x.Filings[period] = fl
	id := "sec-" + f.Accn
	var src *figures.Source
	for _, s := range ck.b.Sources {
		if s.ID == id {
			src = s
		}
	}
	if src == nil {
		who := ck.b.Company
		if who == "" {
			who = ck.company.Name
		}
		form := "Form " + f.Form
		if f.Form == "" {
			form = "SEC filing"
		}
		src = &figures.Source{ID: id, Title: strings.TrimSpace(fmt.Sprintf("%s %s filed %s (SEC accession %s)", who, form, fl.Filed, f.Accn)), URL: url, Date: fl.Filed}
		ck.b.Sources = append(ck.b.Sources, src)
	}
	x.Entry.Cite(src)
}
