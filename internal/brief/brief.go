// Package brief reads a brief: its YAML frontmatter (through a yaml.v3 Node,
// so that every value keeps its position, key order is kept and duplicate
// keys are caught) and its Markdown body.
package brief

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/adrg/frontmatter"
	"github.com/briefs/briefs/internal/diag"
	"github.com/briefs/briefs/internal/figures"
	yaml "go.yaml.in/yaml/v3"
)

// Brief is one parsed brief.
type Brief struct {
	// Path is the file's path as shown in messages (content/x.md).
	Path    string
	Slug    string
	Title   string
	Summary string
	Date    time.Time
	Draft   bool
	Tags    []string
	Company string
	Ticker  string
	Period  string
	// PeriodEnd is the period's last day (period_end), zero when not given;
	// PeriodEndAt is where it is written.
	PeriodEnd   time.Time
	PeriodEndAt diag.Pos
	Headline    string
	Currency    string
	Scale       figures.Scale
	Sources     []*figures.Source
	Figures     *figures.Set
	Checks      []Check
	// PeriodAt is where period is written.
	PeriodAt diag.Pos

	// Src is the whole file; Body the Markdown after the frontmatter, which
	// starts at byte BodyOffset of Src.
	Src        []byte
	Body       []byte
	BodyOffset int
	Lines      *diag.Lines
	// head is a hash of Src up to the body, for SetSource.
	head [sha256.Size]byte
}

// DropSource forgets the file's text (Src, Body, Lines) to save memory
// between reading a brief and rendering it; SetSource gives it back.
func (b *Brief) DropSource() { b.Src, b.Body, b.Lines = nil, nil, nil }

// SetSource gives a brief whose source was dropped its file again. It is
// false when the frontmatter is no longer what was read (the file changed
// since): the brief must then be read again.
func (b *Brief) SetSource(src []byte) bool {
	if len(src) < b.BodyOffset || sha256.Sum256(src[:b.BodyOffset]) != b.head {
		return false
	}
	b.Src, b.Body, b.Lines = src, src[b.BodyOffset:], diag.NewLines(src)
	return true
}

// Check is one entry of checks:.
type Check struct {
	Text string
	At   diag.Pos
	Expr *figures.Compare
}

// Pos returns the file position of a byte offset in Body.
func (b *Brief) Pos(bodyOff int) diag.Pos { return b.Lines.Pos(b.BodyOffset + bodyOff) }

var (
	slugRE  = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	nameRE  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	dateRE  = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	yamlErr = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
	bom     = []byte{0xEF, 0xBB, 0xBF}
)

var topFields = []string{"title", "summary", "date", "draft", "slug", "tags", "company", "ticker", "period", "period_end", "headline", "currency", "scale", "sources", "figures", "derived", "checks"}

// nodeFormat makes adrg/frontmatter decode into a yaml.v3 Node instead of
// its default yaml.v2 path, which loses positions, order and duplicates.
var nodeFormat = frontmatter.NewFormat("---", "---", func(data []byte, v any) error {
	return yaml.Unmarshal(data, v.(*yaml.Node))
})

// Parse reads a brief on its own and resolves its values (name@PERIOD
// reads only its own series). It returns every problem found, not only the
// first; the brief is nil only when the frontmatter could not be read at all.
func Parse(file string, src []byte) (*Brief, diag.List) {
	b, errs := Read(file, src)
	if b != nil {
		errs.Extend(b.Resolve(nil))
	}
	return b, errs
}

// Read parses a brief without computing its derived values or checks, so
// that a site can first read every brief of a company and then resolve
// values across them with Resolve.
func Read(file string, src []byte) (*Brief, diag.List) {
	var errs diag.List
	b := &Brief{Path: file, Src: src, Lines: diag.NewLines(src), Currency: "USD", Scale: figures.Scales[3]}
	root, body, ok := readFrontmatter(file, src, &errs)
	if !ok {
		return nil, errs
	}
	b.Body = body
	b.BodyOffset = len(src) - len(body)
	b.head = sha256.Sum256(src[:b.BodyOffset])

	p := &parser{b: b, errs: &errs}
	p.fields(root)
	return b, errs
}

// readFrontmatter finds and decodes the frontmatter. adrg/frontmatter takes
// a BOM or an unclosed block for "no frontmatter" without an error, so both
// are detected here first.
func readFrontmatter(file string, src []byte, errs *diag.List) (*yaml.Node, []byte, bool) {
	at := func(line, col int, format string, args ...any) {
		errs.Add(diag.At(file, diag.Pos{Line: line, Col: col}, format, args...))
	}
	if bytes.HasPrefix(src, bom) {
		at(1, 1, "the file starts with a byte order mark (BOM): save it as UTF-8 without BOM")
		return nil, nil, false
	}
	first, _, _ := bytes.Cut(src, []byte("\n"))
	if string(bytes.TrimRight(first, "\r")) != "---" {
		at(1, 1, "the file must start with a frontmatter block: a line ---, the fields, then a closing line ---")
		return nil, nil, false
	}
	if !hasClosingFence(src) {
		at(1, 1, "the frontmatter opened here is never closed: add a line --- after the last field")
		return nil, nil, false
	}
	var doc yaml.Node
	body, err := frontmatter.Parse(bytes.NewReader(src), &doc, nodeFormat)
	if err != nil {
		line, msg := 0, err.Error()
		if m := yamlErr.FindStringSubmatch(msg); m != nil {
			line, _ = strconv.Atoi(m[1])
			msg = m[2]
		}
		msg = strings.TrimPrefix(msg, "yaml: ")
		at(line+1, 1, "frontmatter is not valid YAML: %s", msg)
		return nil, nil, false
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		at(2, 1, "the frontmatter must be a set of fields (key: value)")
		return nil, nil, false
	}
	return doc.Content[0], body, true
}

// Site is content/_index.md: the site's own title and description.
type Site struct {
	Title, Description string
}

// ParseSite reads content/_index.md.
func ParseSite(file string, src []byte) (Site, diag.List) {
	var errs diag.List
	var s Site
	root, _, ok := readFrontmatter(file, src, &errs)
	if !ok {
		return s, errs
	}
	p := &parser{b: &Brief{Path: file}, errs: &errs}
	p.pairs(root, func(k, v *yaml.Node) {
		switch k.Value {
		case "title":
			s.Title = p.str(v, "title")
		case "description":
			s.Description = p.str(v, "description")
		default:
			p.errorf(k, "unknown site field %s (the site has title and description)", k.Value)
		}
	})
	return s, errs
}

// hasClosingFence reports whether a line --- follows the opening one.
func hasClosingFence(src []byte) bool {
	_, rest, _ := bytes.Cut(src, []byte("\n"))
	for len(rest) > 0 {
		var line []byte
		line, rest, _ = bytes.Cut(rest, []byte("\n"))
		if string(bytes.TrimSpace(line)) == "---" {
			return true
		}
	}
	return false
}

type parser struct {
	b    *Brief
	errs *diag.List
}

// pos maps a node of the frontmatter to its file position: the YAML
// starts on the file's second line.
func pos(n *yaml.Node) diag.Pos { return diag.Pos{Line: n.Line + 1, Col: n.Column} }

func (p *parser) errorf(n *yaml.Node, format string, args ...any) {
	p.errs.Add(diag.At(p.b.Path, pos(n), format, args...))
}

// pairs walks a mapping, reporting duplicate keys and non-scalar keys.
func (p *parser) pairs(m *yaml.Node, fn func(k, v *yaml.Node)) {
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			p.errorf(k, "a key must be a plain name")
			continue
		}
		if prev, ok := seen[k.Value]; ok {
			p.errorf(k, "duplicate key %s (first at line %d): YAML would silently keep only one; remove or rename one", k.Value, pos(prev).Line)
			continue
		}
		seen[k.Value] = k
		fn(k, v)
	}
}

func (p *parser) str(n *yaml.Node, field string) string {
	if n.Kind != yaml.ScalarNode {
		p.errorf(n, "%s must be text", field)
		return ""
	}
	if n.Tag == "!!null" {
		return ""
	}
	return n.Value
}

func (p *parser) fields(root *yaml.Node) {
	b := p.b
	var figNode, derivedNode, checksNode, sourcesNode, dateNode, titleNode *yaml.Node
	p.pairs(root, func(k, v *yaml.Node) {
		switch k.Value {
		case "title":
			b.Title, titleNode = p.str(v, "title"), v
		case "summary":
			b.Summary = p.str(v, "summary")
		case "date":
			dateNode = v
		case "draft":
			switch s := p.str(v, "draft"); s {
			case "true":
				b.Draft = true
			case "false", "":
			default:
				p.errorf(v, "draft must be true or false, not %s", s)
			}
		case "slug":
			b.Slug = p.str(v, "slug")
			if !slugRE.MatchString(b.Slug) {
				p.errorf(v, "slug %q must be lowercase letters, digits and single hyphens ([a-z0-9-]+)", b.Slug)
			}
		case "tags":
			if v.Kind != yaml.SequenceNode {
				p.errorf(v, "tags must be a list, such as [cloud, antitrust]")
				return
			}
			for _, t := range v.Content {
				if s := strings.TrimSpace(p.str(t, "a tag")); s != "" {
					b.Tags = append(b.Tags, s)
				}
			}
		case "company":
			b.Company = p.str(v, "company")
		case "ticker":
			b.Ticker = p.str(v, "ticker")
		case "period":
			b.Period, b.PeriodAt = p.str(v, "period"), pos(v)
		case "period_end":
			s := p.str(v, "period_end")
			d, err := time.Parse("2006-01-02", s)
			if !dateRE.MatchString(s) || err != nil {
				p.errorf(v, "period_end %q must be a real date written YYYY-MM-DD", s)
			}
			b.PeriodEnd, b.PeriodEndAt = d, pos(v)
		case "headline":
			b.Headline = p.str(v, "headline")
		case "currency":
			b.Currency = p.str(v, "currency")
			if !regexp.MustCompile(`^[A-Z]{3}$`).MatchString(b.Currency) {
				p.errorf(v, "currency must be an ISO 4217 code such as USD, not %q", b.Currency)
			}
		case "scale":
			s := p.str(v, "scale")
			sc, ok := figures.ParseScale(s)
			if !ok {
				p.errorf(v, "scale must be one of one, thousand, million, billion, trillion, not %q", s)
			}
			b.Scale = sc
		case "sources":
			sourcesNode = v
		case "figures":
			figNode = v
		case "derived":
			derivedNode = v
		case "checks":
			checksNode = v
		default:
			msg := fmt.Sprintf("unknown field %s", k.Value)
			if alt := figures.Closest(k.Value, topFields); alt != "" {
				msg += fmt.Sprintf(" (did you mean %s?)", alt)
			}
			p.errorf(k, "%s", msg)
		}
	})
	if titleNode == nil || strings.TrimSpace(b.Title) == "" {
		p.errs.Add(diag.At(b.Path, diag.Pos{Line: 1, Col: 1}, "a brief needs a title"))
	}
	if dateNode == nil {
		p.errs.Add(diag.At(b.Path, diag.Pos{Line: 1, Col: 1}, "a brief needs a date (YYYY-MM-DD)"))
	} else {
		s := p.str(dateNode, "date")
		d, err := time.Parse("2006-01-02", s)
		if !dateRE.MatchString(s) || err != nil {
			p.errorf(dateNode, "date %q must be a real date written YYYY-MM-DD", s)
		}
		b.Date = d
	}
	if b.Slug == "" {
		base := strings.TrimSuffix(path.Base(b.Path), ".md")
		b.Slug = strings.ToLower(base)
		if !slugRE.MatchString(b.Slug) {
			p.errs.Add(diag.At(b.Path, diag.Pos{Line: 1, Col: 1}, "file name %q does not make a valid slug: rename the file or set slug: [a-z0-9-]+", base))
		}
	}
	if sourcesNode != nil {
		p.sources(sourcesNode)
	}
	b.Figures = figures.NewSet(b.Path, b.Period)
	if figNode != nil {
		p.figures(figNode)
	}
	if derivedNode != nil {
		p.derived(derivedNode)
	}
	if checksNode != nil {
		p.checks(checksNode)
	}
	if b.Headline != "" {
		if _, ok := b.Figures.Get(b.Headline); !ok {
			p.errs.Add(diag.At(b.Path, diag.Pos{Line: 1, Col: 1}, "headline %s is not a figure or derived name", b.Headline))
		}
	} else {
		for _, e := range b.Figures.Entries() {
			if e.Derived {
				b.Headline = e.Name
				break
			}
		}
	}
}

func (p *parser) sources(n *yaml.Node) {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "sources must map an id to {title, url, date}")
		return
	}
	p.pairs(n, func(k, v *yaml.Node) {
		s := &figures.Source{ID: k.Value}
		switch v.Kind {
		case yaml.ScalarNode:
			s.Title = v.Value
		case yaml.MappingNode:
			p.pairs(v, func(fk, fv *yaml.Node) {
				switch fk.Value {
				case "title":
					s.Title = p.str(fv, "title")
				case "url":
					s.URL = p.str(fv, "url")
					if !strings.HasPrefix(s.URL, "https://") && !strings.HasPrefix(s.URL, "http://") {
						p.errorf(fv, "url must start with https:// or http://")
					}
				case "date":
					s.Date = p.str(fv, "date")
					if !dateRE.MatchString(s.Date) {
						p.errorf(fv, "date %q must be written YYYY-MM-DD", s.Date)
					}
				default:
					p.errorf(fk, "unknown source field %s (a source has title, url, date)", fk.Value)
				}
			})
		default:
			p.errorf(v, "a source is {title, url, date}")
		}
		if s.Title == "" {
			p.errorf(k, "source %s needs a title", k.Value)
		}
		p.b.Sources = append(p.b.Sources, s)
	})
}

func (p *parser) source(id string) *figures.Source {
	for _, s := range p.b.Sources {
		if s.ID == id {
			return s
		}
	}
	return nil
}

var figureFields = []string{"value", "values", "label", "unit", "currency", "scale", "source", "restated", "note"}

// labelFromKey makes "aws_net_sales" into "AWS net sales"-like text:
// underscores become spaces and the first letter is capitalised.
func labelFromKey(k string) string {
	s := strings.ReplaceAll(k, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func (p *parser) figures(n *yaml.Node) {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "figures must map a name to a value")
		return
	}
	p.pairs(n, func(k, v *yaml.Node) {
		if !nameRE.MatchString(k.Value) {
			p.errorf(k, "figure name %q must be letters, digits and underscores, starting with a letter", k.Value)
			return
		}
		e := &figures.Entry{Name: k.Value, Label: labelFromKey(k.Value), Pos: pos(k)}
		val := figures.Value{Unit: figures.Money, Currency: p.b.Currency, Scale: p.b.Scale}
		var valueNode, valuesNode *yaml.Node
		ok := true
		switch v.Kind {
		case yaml.ScalarNode:
			valueNode = v
		case yaml.MappingNode:
			p.pairs(v, func(fk, fv *yaml.Node) {
				switch fk.Value {
				case "value":
					valueNode = fv
				case "values":
					valuesNode = fv
				case "label":
					e.Label = p.str(fv, "label")
				case "unit":
					u, good := figures.ParseUnit(p.str(fv, "unit"))
					if !good {
						p.errorf(fv, "unit must be money, percent, count or number, not %q", fv.Value)
						ok = false
					}
					val.Unit = u
				case "currency":
					val.Currency = p.str(fv, "currency")
				case "scale":
					sc, good := figures.ParseScale(p.str(fv, "scale"))
					if !good {
						p.errorf(fv, "scale must be one of one, thousand, million, billion, trillion, not %q", fv.Value)
						ok = false
					}
					val.Scale = sc
				case "restated":
					switch r := p.str(fv, "restated"); r {
					case "true":
						e.Restated = true
					case "false", "":
					default:
						p.errorf(fv, "restated must be true or false, not %s", r)
					}
				case "note":
					e.Note = strings.TrimSpace(p.str(fv, "note"))
				case "source":
					id := p.str(fv, "source")
					e.Source = p.source(id)
					if e.Source == nil {
						var ids []string
						for _, s := range p.b.Sources {
							ids = append(ids, s.ID)
						}
						msg := fmt.Sprintf("unknown source %s", id)
						if alt := figures.Closest(id, ids); alt != "" {
							msg += fmt.Sprintf(" (did you mean %s?)", alt)
						} else if len(ids) == 0 {
							msg += " (define it under sources:)"
						}
						p.errorf(fv, "%s", msg)
					}
				default:
					msg := fmt.Sprintf("unknown figure field %s", fk.Value)
					if plainDigits(fk.Value) {
						msg += ": a comma in a number splits it in YAML; write the number without thousands separators"
					} else if alt := figures.Closest(fk.Value, figureFields); alt != "" {
						msg += fmt.Sprintf(" (did you mean %s?)", alt)
					}
					p.errorf(fk, "%s", msg)
					ok = false
				}
			})
		default:
			p.errorf(v, "a figure is a number or {value, label, unit, source}")
			return
		}
		if val.Unit != figures.Money {
			val.Currency, val.Scale = "", figures.Scale{Name: "one"}
		}
		read := func(n *yaml.Node) (figures.Value, string, bool) {
			if n.Kind != yaml.ScalarNode {
				p.errorf(n, "a value must be a plain decimal number such as 638.0")
				return figures.Value{}, "", false
			}
			d, places, err := figures.ParseLiteral(n.Value, n.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle) != 0)
			if err != nil {
				p.errorf(n, "%v", err)
				return figures.Value{}, "", false
			}
			out := val
			out.Places = places
			switch val.Unit {
			case figures.Money:
				out.D = d.Shift(val.Scale.Exp)
			case figures.Percent:
				out.D = d.Shift(-2)
				out.Places = max(places, 1)
			default:
				out.D = d
			}
			return out, n.Value, true
		}
		switch {
		case valueNode != nil && valuesNode != nil:
			p.errorf(valuesNode, "a figure has value or values, not both")
			return
		case valueNode != nil:
			fv, lit, good := read(valueNode)
			if !good {
				e.Failed = true
				break
			}
			e.Value, e.Literal, e.ValueAt = fv, lit, pos(valueNode)
		case valuesNode != nil:
			if valuesNode.Kind != yaml.MappingNode {
				p.errorf(valuesNode, "values must map a period to a number, such as {FY2023: 574.8, FY2024: 638.0}")
				return
			}
			p.pairs(valuesNode, func(pk, pv *yaml.Node) {
				fv, lit, good := read(pv)
				if good {
					e.Series = append(e.Series, figures.Point{Period: pk.Value, Value: fv, Literal: lit, At: pos(pv)})
				} else {
					e.Failed = true
				}
			})
			if len(e.Series) == 0 {
				e.Failed = true
			}
		default:
			p.errorf(k, "figure %s has no value", k.Value)
			return
		}
		if !ok {
			e.Failed = true
		}
		if e.Restated && e.Note == "" {
			p.errorf(k, "figure %s is restated: give the reason in note", k.Value)
		}
		p.errs.Add(p.b.Figures.Add(e))
	})
}

func plainDigits(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil
}

func (p *parser) derived(n *yaml.Node) {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "derived must map a name to an expression")
		return
	}
	p.pairs(n, func(k, v *yaml.Node) {
		if !nameRE.MatchString(k.Value) {
			p.errorf(k, "derived name %q must be letters, digits and underscores, starting with a letter", k.Value)
			return
		}
		e := &figures.Entry{Name: k.Value, Label: labelFromKey(k.Value), Derived: true, Pos: pos(k)}
		var exprNode *yaml.Node
		switch v.Kind {
		case yaml.ScalarNode:
			exprNode = v
		case yaml.MappingNode:
			p.pairs(v, func(fk, fv *yaml.Node) {
				switch fk.Value {
				case "expr":
					exprNode = fv
				case "label":
					e.Label = p.str(fv, "label")
				case "format":
					e.Format, e.FormatAt = p.str(fv, "format"), pos(fv)
					if !figures.IsFormat(e.Format) {
						p.errorf(fv, "unknown format %q (known: %s)", e.Format, strings.Join(figures.Formats, ", "))
					}
				default:
					p.errorf(fk, "unknown derived field %s (a derived value has expr, label, format)", fk.Value)
				}
			})
		default:
			p.errorf(v, "a derived value is an expression or {expr, label, format}")
			return
		}
		if exprNode == nil || exprNode.Kind != yaml.ScalarNode || strings.TrimSpace(exprNode.Value) == "" {
			p.errorf(k, "derived %s needs an expression", k.Value)
			return
		}
		e.ExprText, e.ExprAt = exprNode.Value, scalarStart(exprNode)
		expr, err := figures.ParseExpr(e.ExprText)
		if err != nil {
			p.exprErr(e.ExprAt, e.ExprText, err)
			return
		}
		e.Expr = expr
		p.errs.Add(p.b.Figures.Add(e))
	})
}

// scalarStart is the position of a scalar's first character (past a quote).
func scalarStart(n *yaml.Node) diag.Pos {
	at := pos(n)
	if n.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle) != 0 {
		at.Col++
	}
	return at
}

func (p *parser) exprErr(at diag.Pos, text string, err error) {
	p.errs.Add(diag.At(p.b.Path, figures.ErrorPos(at, text, err), "%v", err))
}

func (p *parser) checks(n *yaml.Node) {
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "checks must be a list of comparisons, such as [aws_sales_share < 20%%]")
		return
	}
	for _, c := range n.Content {
		if c.Kind != yaml.ScalarNode {
			p.errorf(c, "a check is a comparison such as aws_sales_share < 20%%")
			continue
		}
		at := scalarStart(c)
		cmp, err := figures.ParseCheck(c.Value)
		if err != nil {
			p.exprErr(at, c.Value, err)
			continue
		}
		p.b.Checks = append(p.b.Checks, Check{Text: c.Value, At: at, Expr: cmp})
	}
}

// Resolve computes the brief's derived values and evaluates its checks;
// r reads name@PERIOD from the company's other briefs (nil: none). It can
// run again after Figures.Reset, when a brief it reads from changed.
func (b *Brief) Resolve(r figures.Resolver) diag.List {
	var errs diag.List
	b.Figures.SetResolver(r)
	errs.Extend(b.Figures.Resolve())
	for _, c := range b.Checks {
		res, err := b.Figures.Check(c.Expr)
		switch {
		case figures.Reported(err):
		case err != nil:
			errs.Add(diag.At(b.Path, figures.ErrorPos(c.At, c.Text, err), "%v", err))
		case !res.OK:
			errs.Add(diag.At(b.Path, c.At, "check failed: %s (%s is not %s %s)", c.Text, res.Left, c.Expr.Op, res.Right))
		}
	}
	return errs
}
