package site

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"html/template"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/briefs/briefs/internal/brief"
	"github.com/briefs/briefs/internal/chart"
	"github.com/briefs/briefs/internal/diag"
	"github.com/briefs/briefs/internal/figures"
	"github.com/shopspring/decimal"
)

// coPart is what a company's pages need of one of its briefs.
type coPart struct {
	key, name, ticker string
	period            string
	headline          string
	item              *listItem
	date              time.Time
	values            []coValue
}

// coValue is one value a brief gives for a period.
type coValue struct {
	name, label, period string
	v                   figures.Value
	restated            bool
	note                string
	fig                 figures.Figure
}

// newCoPart collects a brief's values by period: its own values at its
// period and the points of its series.
func newCoPart(bf *brief.Brief, key string, it *listItem) *coPart {
	p := &coPart{key: key, name: bf.Company, ticker: bf.Ticker, period: bf.Period, headline: bf.Headline, item: it, date: bf.Date}
	for _, e := range bf.Figures.Names() {
		if e.Failed {
			continue
		}
		add := func(period string, f figures.Figure) {
			p.values = append(p.values, coValue{name: f.Name, label: f.Label, period: period, v: f.Value, restated: f.Restated, note: f.Note, fig: f})
		}
		for _, per := range e.Periods {
			f, _ := bf.Figures.Point(e.Name, per)
			add(per, f)
		}
		if f, ok := bf.Figures.Figure(e.Name); ok && len(e.Periods) == 0 && bf.Period != "" {
			add(bf.Period, f)
		}
	}
	return p
}

// navLink is a link from a brief to its company or a neighbour.
type navLink struct{ URL, Text, Period string }

// companyDir is the folder of a company's page in the output.
func companyDir(key string) string { return "companies/" + companySlug(key) + "/" }

// companyURL is the site path of a company's page in a link: its folder
// percent-encoded, as tags' are (a company name may hold any letter).
func companyURL(key string) string { return "companies/" + urlSegment(companySlug(key)) + "/" }

// nav finds a brief's company page and its previous and next published
// briefs in the company's time order.
func (b *Builder) nav(e *entry) (co, prev, next *navLink) {
	b.coMu.Lock() // a streaming build adds companies as it goes
	c := b.companies[e.key]
	b.coMu.Unlock()
	if c == nil {
		return nil, nil, nil
	}
	name := c.name
	if name == "" {
		name = c.key
	}
	co = &navLink{URL: companyURL(c.key), Text: name}
	at := -1
	for i, m := range c.members {
		if m == e {
			at = i
		}
	}
	link := func(m *entry) *navLink {
		return &navLink{URL: m.fm.Slug + "/", Text: m.fm.Title, Period: m.fm.Period}
	}
	visible := func(m *entry) bool {
		return b.publishable(meta{Date: m.fm.Date, Draft: m.fm.Draft})
	}
	for i := at - 1; i >= 0 && prev == nil; i-- {
		if visible(c.members[i]) {
			prev = link(c.members[i])
		}
	}
	for i := at + 1; at >= 0 && i < len(c.members) && next == nil; i++ {
		if visible(c.members[i]) {
			next = link(c.members[i])
		}
	}
	return co, prev, next
}

// cell is one value of the company table.
type cell struct {
	Text, Data string
	Restated   bool
	Note       int
}

type companyRow struct {
	Label string
	Cells []*cell
}

type companyView struct {
	Name, Ticker string
	Briefs       []*listItem
	Periods      []string
	Rows         []companyRow
	Notes        []note
	Charts       []template.HTML
}

// note says why a value was restated; N numbers it on the page.
type note struct {
	N    int
	Text string
}

type companyItem struct {
	Name, Ticker, URL           string
	Briefs                      int
	Period                      string
	HeadlineLabel, HeadlineText string
	HeadlineData                string
	Spark                       template.HTML
}

type companiesView struct {
	Items       []*companyItem
	Page, Pages int
	Prev, Next  string
}

// history is a company's values by name and period, one per fact: a
// restated value over the one it replaces, else the value of the brief
// for that period, else the newest brief's.
type history struct {
	periods []string
	names   []string
	labels  map[string]string
	at      map[string]map[string]*histValue
}

type histValue struct {
	coValue
	date time.Time
	own  bool
}

func better(a, b *histValue) bool {
	if a.restated != b.restated {
		return a.restated
	}
	if a.own != b.own {
		return a.own
	}
	return a.date.After(b.date)
}

// newHistory gathers the company's values from its briefs, newest first.
func newHistory(parts []*coPart) *history {
	h := &history{labels: map[string]string{}, at: map[string]map[string]*histValue{}}
	seenP := map[string]bool{}
	for _, p := range parts {
		for i := range p.values {
			v := &histValue{coValue: p.values[i], date: p.date, own: p.values[i].period == p.period}
			if h.at[v.name] == nil {
				h.at[v.name] = map[string]*histValue{}
				h.names = append(h.names, v.name)
				h.labels[v.name] = v.label
			}
			if cur := h.at[v.name][v.period]; cur == nil || better(v, cur) {
				h.at[v.name][v.period] = v
			}
			if !seenP[v.period] {
				seenP[v.period] = true
				h.periods = append(h.periods, v.period)
			}
		}
	}
	figures.SortPeriods(h.periods)
	return h
}

// series lists name's values in period order.
func (h *history) series(name string) []*histValue {
	var out []*histValue
	for _, p := range h.periods {
		if v := h.at[name][p]; v != nil {
			out = append(out, v)
		}
	}
	return out
}

// companyParts groups the published briefs' company parts by company, in
// publication order (writeCompanies sorts those it renders).
func companyParts(pub []*rendered) (map[string][]*coPart, []string) {
	by := map[string][]*coPart{}
	var keys []string
	for _, r := range pub {
		if r.co == nil {
			continue
		}
		if _, ok := by[r.co.key]; !ok {
			keys = append(keys, r.co.key)
		}
		by[r.co.key] = append(by[r.co.key], r.co)
	}
	sort.Strings(keys)
	return by, keys
}

// sameSet tells whether a and b hold the same parts, in any order.
func sameSet(a, b []*coPart) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		found := false
		for _, y := range b {
			found = found || x == y
		}
		if !found {
			return false
		}
	}
	return true
}

// sortParts puts a company's briefs newest first: the latest period
// first, then the latest date.
func sortParts(ps []*coPart) {
	sort.SliceStable(ps, func(i, j int) bool {
		if c, ok := figures.ComparePeriods(ps[i].period, ps[j].period); ok && c != 0 {
			return c > 0
		}
		if !ps[i].date.Equal(ps[j].date) {
			return ps[i].date.After(ps[j].date)
		}
		return ps[i].item.URL < ps[j].item.URL
	})
}

// streamCompany writes the company page of a streaming build's group of
// briefs (one company's, or one brief without a company) and drops what
// the build read of them: nothing renders them again. Their cards are
// drawn now, or left in cards when it is not nil.
func (b *Builder) streamCompany(group []*entry, r *chart.Renderer, cards *cardQueue) {
	if cards != nil {
		cards.add(group)
	} else {
		b.drawCards(group)
	}
	key := group[0].key
	var parts []*coPart
	for _, e := range group {
		if e.good != nil && e.good.co != nil && b.publishable(e.good.meta) && len(e.errs.Errors(b.opts.Strict)) == 0 {
			parts = append(parts, e.good.co)
		}
	}
	// Companies whose keys make one folder are an error (published
	// reports it); only the first is written.
	if key != "" && len(parts) > 0 && b.claim(companyDir(key), "company "+key) {
		sortParts(parts)
		page, item, err := b.companyPage(key, parts, r)
		if err == nil {
			err = b.opts.Sink.WriteFile(companyDir(key)+"index.html", page)
		}
		if err != nil {
			if !errors.Is(err, errLayouts) {
				group[0].errs.Add(&diag.Error{File: group[0].path, Msg: fmt.Sprintf("writing the company page: %v", err), Err: err})
			}
		} else {
			b.coMu.Lock()
			if b.coItems == nil {
				b.coItems = map[string]*companyItem{}
			}
			b.coItems[key] = item
			b.coMu.Unlock()
		}
	}
	// Nothing renders these briefs again: keep only what the lists, the
	// feed and the sitemap need (at 100,000 briefs every byte kept per
	// brief is 100 kB). Their errors are all in errs.
	for _, e := range group {
		e.fm, e.deps, e.readErrs, e.resolveErrs = nil, nil, nil, nil
		if e.good != nil {
			e.good.co = nil
		}
	}
	if co := b.companyOf(key); co != nil {
		co.members, co.sig, co.prevSig, co.stack, co.cycles = nil, "", "", nil, nil
	}
}

// companyOf returns the company of a key while workers add others.
func (b *Builder) companyOf(key string) *company {
	if key == "" {
		return nil
	}
	b.coMu.Lock()
	defer b.coMu.Unlock()
	return b.companies[key]
}

// companyIndex is /companies/ as rendered last time.
type companyIndex struct {
	items []*companyItem
	pages int
	page  []byte
}

// companiesPerPage is how many companies a page of /companies/ lists.
const companiesPerPage = 50

// sameRows tells whether two lists of /companies/ show the same rows.
func sameRows(a, b []*companyItem) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] && *a[i] != *b[i] {
			return false
		}
	}
	return true
}

// companyCache is a company page rendered last time, reused while its
// briefs' renderings are the same.
type companyCache struct {
	parts []*coPart
	page  []byte
	item  *companyItem
}

// writeCompanies writes /companies/ and a page per company, reusing the
// pages of companies whose briefs did not change. It returns the paths
// written.
func (b *Builder) writeCompanies(files map[string][]byte, pub []*rendered) (map[string]bool, error) {
	by, keys := companyParts(pub)
	written := map[string]bool{}
	var items []*companyItem
	if b.opts.Sink != nil {
		// The pages went to the sink as each company was done.
		for k, it := range b.coItems {
			items = append(items, it)
			written[companyDir(k)+"index.html"] = true
		}
		keys = nil
	} else if len(keys) == 0 {
		b.coPages = nil
		return written, nil
	}
	next := map[string]*companyCache{}
	for _, k := range keys {
		parts := by[k]
		c := b.coPages[k]
		if c == nil || !sameSet(c.parts, parts) {
			sortParts(parts)
			if b.chartR == nil {
				r, err := chart.NewRenderer()
				if err != nil {
					return nil, err
				}
				b.chartR = r
			}
			page, item, err := b.companyPage(k, parts, b.chartR)
			if err != nil {
				return nil, err
			}
			c = &companyCache{parts: parts, page: page, item: item}
		}
		next[k] = c
		p := companyDir(k) + "index.html"
		files[p] = c.page
		written[p] = true
		items = append(items, c.item)
	}
	b.coPages = next
	if len(items) == 0 {
		return written, nil
	}
	sort.SliceStable(items, func(i, j int) bool {
		a, c := strings.ToLower(items[i].Name), strings.ToLower(items[j].Name)
		if a != c {
			return a < c
		}
		return items[i].URL < items[j].URL
	})
	// /companies/ is paginated like the home page; a page is reused while
	// its rows are the same, so an edit re-renders at most one or two.
	per := companiesPerPage
	pages := (len(items) + per - 1) / per
	next2 := map[string]*companyIndex{}
	for p := 1; p <= pages; p++ {
		lo, hi := (p-1)*per, min(p*per, len(items))
		rel := "companies/"
		if p > 1 {
			rel += "page/" + strconv.Itoa(p) + "/"
		}
		if c := b.coIndex[rel]; c != nil && c.pages == pages && sameRows(c.items, items[lo:hi]) {
			next2[rel] = c
		} else {
			page, err := b.companiesPage(items[lo:hi], p, pages)
			if err != nil {
				return nil, err
			}
			next2[rel] = &companyIndex{items: items[lo:hi], pages: pages, page: page}
		}
		files[rel+"index.html"] = next2[rel].page
		written[rel+"index.html"] = true
	}
	b.coIndex = next2
	return written, nil
}

// companiesPage renders page p of /companies/, listing items.
func (b *Builder) companiesPage(items []*companyItem, p, pages int) ([]byte, error) {
	rel := "companies/"
	if p > 1 {
		rel += "page/" + strconv.Itoa(p) + "/"
	}
	v := &companiesView{Items: items, Page: p, Pages: pages}
	if p > 1 {
		v.Prev = "companies/"
		if p > 2 {
			v.Prev += "page/" + strconv.Itoa(p-1) + "/"
		}
	}
	if p < pages {
		v.Next = "companies/page/" + strconv.Itoa(p+1) + "/"
	}
	title := "Companies"
	if p > 1 {
		title += fmt.Sprintf(" (page %d)", p)
	}
	d := &pageData{Root: strings.Repeat("../", strings.Count(rel, "/")), Title: title + " · " + b.site.Title, OGTitle: title,
		Description: b.site.Description, Canonical: b.abs(rel), Companies: v}
	return b.execute("companies.html", d)
}

// companyPage renders one company's page and its row on /companies/.
func (b *Builder) companyPage(key string, parts []*coPart, r *chart.Renderer) ([]byte, *companyItem, error) {
	item, h := newCompanyItem(key, parts)
	name, ticker := item.Name, item.Ticker
	v := &companyView{Name: name, Ticker: ticker}
	for _, p := range parts {
		it := *p.item
		it.URL = "../../" + it.URL
		v.Briefs = append(v.Briefs, &it)
	}
	// The table: every value given for two or more periods.
	var rows []string
	for _, n := range h.names {
		if len(h.at[n]) >= 2 {
			rows = append(rows, n)
		}
	}
	used := map[string]bool{}
	for _, n := range rows {
		for p := range h.at[n] {
			used[p] = true
		}
	}
	for _, p := range h.periods {
		if used[p] {
			v.Periods = append(v.Periods, p)
		}
	}
	for _, n := range rows {
		row := companyRow{Label: h.labels[n]}
		for _, p := range v.Periods {
			hv := h.at[n][p]
			if hv == nil {
				row.Cells = append(row.Cells, nil)
				continue
			}
			c := &cell{Text: hv.fig.Text(), Data: hv.v.Exact(), Restated: hv.restated}
			if hv.restated {
				c.Note = len(v.Notes) + 1
				v.Notes = append(v.Notes, note{c.Note, fmt.Sprintf("%s, %s: %s", h.labels[n], p, hv.note)})
			}
			row.Cells = append(row.Cells, c)
		}
		v.Rows = append(v.Rows, row)
	}
	// Trend charts of the headline figures.
	var heads []string
	for _, p := range parts {
		if p.headline != "" && !contains(heads, p.headline) && len(h.at[p.headline]) >= 2 {
			heads = append(heads, p.headline)
		}
	}
	for i, n := range heads {
		svg, err := trendChart(r, fmt.Sprintf("trend-%d", i+1), h.labels[n]+", by period", h.series(n))
		if err == nil && svg != "" {
			v.Charts = append(v.Charts, template.HTML(svg))
		}
	}
	title := name
	if ticker != "" {
		title += " (" + ticker + ")"
	}
	d := &pageData{Root: "../../", Title: title + " · " + b.site.Title, OGTitle: title, Description: "Every brief on " + name + " and its figures over time.",
		Canonical: b.abs(companyURL(key)), Company: v}
	page, err := b.execute("company.html", d)
	return page, item, err
}

// newCompanyItem is a company's row on /companies/ (its name and ticker
// too) and its history, from its briefs sorted by sortParts.
func newCompanyItem(key string, parts []*coPart) (*companyItem, *history) {
	latest := parts[0]
	for _, p := range parts[1:] {
		if c, ok := figures.ComparePeriods(p.period, latest.period); ok && c > 0 {
			latest = p
		}
	}
	name, ticker := key, ""
	for i := len(parts) - 1; i >= 0; i-- {
		if parts[i].name != "" {
			name = parts[i].name
		}
		if parts[i].ticker != "" {
			ticker = parts[i].ticker
		}
	}
	h := newHistory(parts)
	item := &companyItem{Name: name, Ticker: ticker, URL: companyURL(key), Briefs: len(parts), Period: latest.period}
	if hv := h.at[latest.headline][latest.period]; hv != nil {
		item.HeadlineLabel = hv.label
		item.HeadlineText, item.HeadlineData = hv.fig.Text(), hv.fig.Data()
		item.Spark = sparkline(hv.label, h.series(latest.headline))
	}
	return item, h
}

func contains(ss []string, s string) bool {
	for _, t := range ss {
		if t == s {
			return true
		}
	}
	return false
}

// sameUnit tells whether every value has the unit and currency of the
// first, so that they can share an axis.
func sameUnit(vs []*histValue) bool {
	for _, v := range vs {
		if v.v.Unit != vs[0].v.Unit || v.v.Currency != vs[0].v.Currency {
			return false
		}
	}
	return len(vs) > 0
}

// trendChart draws a line chart of one value over periods, as a figure
// like a brief's charts.
func trendChart(r *chart.Renderer, id, title string, vs []*histValue) (string, error) {
	if len(vs) < 2 || !sameUnit(vs) {
		return "", nil
	}
	last := vs[len(vs)-1].v
	ser := chart.Series{Name: title}
	for _, v := range vs {
		text, _ := v.fig.Scaled(last.Scale).Display(figures.ChartFormat(last.Unit))
		f, _ := plotAt(v.v, last).Float64()
		ser.Points = append(ser.Points, chart.Point{Label: v.period, Value: f, Text: text})
	}
	c := &chart.Chart{Kind: chart.Line, Title: title, Series: []chart.Series{ser}, ID: id}
	c.Prefix, c.Suffix = figures.Affixes(last)
	svg, err := r.SVG(c)
	if err != nil {
		return "", err
	}
	// As in a brief, a second layout for phones, chosen by the site's CSS
	// (the wide one is hidden below 40rem). Nothing scrolls: no tab stop.
	c.ID, c.Narrow = id+"n", true
	narrow, err := r.SVG(c)
	if err != nil {
		return "", err
	}
	t := html.EscapeString(title)
	return `<figure class="chart" id="` + id + `"><figcaption><span class="chart-title">` + t + `</span></figcaption><div class="chart-frame" role="group" aria-label="` + t + `">` + string(svg) + string(narrow) + `</div></figure>`, nil
}

// plotAt is the number a value is drawn at on an axis in ref's scale: money
// in that scale, a percent in percentage points.
func plotAt(v, ref figures.Value) decimal.Decimal {
	switch v.Unit {
	case figures.Percent:
		return v.D.Shift(2)
	case figures.Money:
		return v.D.Shift(-ref.Scale.Exp)
	}
	return v.D
}

// sparkline draws a small line of a value over periods, labelled in words
// for readers who cannot see it.
func sparkline(label string, vs []*histValue) template.HTML {
	if len(vs) < 2 || !sameUnit(vs) {
		return ""
	}
	const w, h, pad = 120.0, 32.0, 3.0
	lo, hi := vs[0].v.D, vs[0].v.D
	for _, v := range vs {
		if v.v.D.LessThan(lo) {
			lo = v.v.D
		}
		if v.v.D.GreaterThan(hi) {
			hi = v.v.D
		}
	}
	span := hi.Sub(lo)
	var pts, words []string
	var x, y float64
	for i, v := range vs {
		x = pad + (w-2*pad)*float64(i)/float64(len(vs)-1)
		y = h / 2
		if !span.IsZero() {
			f, _ := v.v.D.Sub(lo).Div(span).Float64()
			y = h - pad - (h-2*pad)*f
		}
		pts = append(pts, strconv.FormatFloat(x, 'f', 1, 64)+","+strconv.FormatFloat(y, 'f', 1, 64))
		words = append(words, v.period+" "+v.fig.Text())
	}
	var sb bytes.Buffer
	fmt.Fprintf(&sb, `<svg class="spark" viewBox="0 0 %g %g" width="%g" height="%g" role="img" aria-label="%s">`, w, h, w, h,
		html.EscapeString(label+": "+strings.Join(words, ", ")))
	fmt.Fprintf(&sb, `<polyline class="spark-line" points="%s"/>`, strings.Join(pts, " "))
	fmt.Fprintf(&sb, `<circle class="spark-end" cx="%.1f" cy="%.1f" r="2.5"/></svg>`, x, y)
	return template.HTML(sb.String())
}
