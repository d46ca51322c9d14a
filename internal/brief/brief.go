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
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/briefs/briefs/internal/diag"
	"github.com/briefs/briefs/internal/figures"
	"github.com/briefs/briefs/internal/period"
	yaml "go.yaml.in/yaml/v3"
	"golang.org/x/text/unicode/norm"
)

// Brief is one parsed brief.
type Brief struct {
	// Path is the file's path as shown in messages (content/x.md).
	Path string
	Slug string
	// SlugAt is where the slug is written (line 1 when it comes from the
	// file name).
	SlugAt  diag.Pos
	Title   string
	Summary string
	Date    time.Time
	// Updated is the day the brief was last changed in substance (its
	// figures or its argument); zero when it never was.
	Updated time.Time
	// ID is the brief's Atom id when set by hand; empty means the site
	// derives one (see site's feed).
	ID       string
	Draft    bool
	Tags     []Tag
	Company  string
	Ticker   string
	Period   string
	Headline string
	Currency string
	Scale    figures.Scale
	Sources  []*figures.Source
	Figures  *figures.Set
	Checks   []Check
	// PeriodAt is where period is written; CompanyAt and TickerAt where
	// company and ticker are.
	PeriodAt            diag.Pos
	CompanyAt, TickerAt diag.Pos

	// CIK is the company's SEC number as written ("" to look the ticker up);
	// PeriodEnd the period's last day, for checking figures against filings.
	// The positions are set whenever the field is written, even when its
	// value is refused (and CIK or PeriodEnd left empty).
	CIK         string
	CIKAt       diag.Pos
	PeriodEnd   time.Time
	PeriodEndAt diag.Pos
	// XBRL lists the figures that name an XBRL concept, in file order.
	XBRL []*XBRLFigure

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

// Tag is one entry of tags:.
type Tag struct {
	Name string
	// Slug is the tag's URL segment (see TagSlug), never empty.
	Slug string
	At   diag.Pos
}

// TagSlug makes a tag's URL segment: lowercase letters and digits of any
// script, and + (so that C++ and C stay apart), with every run of other
// characters a single hyphen. "Antitrust & Competition" is
// antitrust-competition, 日本 stays 日本 (percent-encoded in URLs), and a
// tag without a letter or digit has no slug ("").
func TagSlug(tag string) string {
	var sb strings.Builder
	dash := false
	for _, r := range strings.ToLower(tag) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) || r == '+' {
			if dash && sb.Len() > 0 {
				sb.WriteByte('-')
			}
			sb.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	return sb.String()
}

// XBRLFigure is a figure checked against, or imported from, the facts a
// company filed with the SEC.
type XBRLFigure struct {
	Entry     *figures.Entry
	Concept   string
	ConceptAt diag.Pos
	// Imported marks a figure without a value, which takes the filed one,
	// shown with Decimals decimals.
	Imported bool
	Decimals int32
	// ValueAt is the position of the typed value; PointAt that of each
	// series value by period.
	ValueAt diag.Pos
	PointAt map[string]diag.Pos
	// Filings holds the fact each value was checked against, by period (the
	// brief's own period for a single value); the checker fills it.
	Filings map[string]*Filing
}

// Filing is the filed fact a figure agrees with.
type Filing struct {
	Concept   string `json:"concept"`
	Unit      string `json:"unit"`
	Form      string `json:"form"`
	Accession string `json:"accession"`
	Filed     string `json:"filed"` // YYYY-MM-DD
	URL       string `json:"url"`   // the filing's index on EDGAR
	Value     string `json:"value"` // exact, in whole units
	Start     string `json:"start,omitempty"`
	End       string `json:"end"`
}

// Filings checks a brief's XBRL figures against filed facts and fills in
// the imported ones; the site build passes one backed by data/sec/.
type Filings interface {
	Check(b *Brief) diag.List
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
	slugRE     = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	dateRE     = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	idRE       = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$`)
	cikRE      = regexp.MustCompile(`^\d{1,10}$`)
	currencyRE = regexp.MustCompile(`^[A-Z]{3}$`)
	xbrlRE     = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]*:[A-Za-z_][A-Za-z0-9_]*$`)
	bom        = []byte{0xEF, 0xBB, 0xBF}
)

var topFields = []string{"title", "summary", "date", "updated", "id", "draft", "slug", "tags", "company", "ticker", "period", "period_end", "headline", "currency", "scale", "sources", "figures", "derived", "checks", "cik"}

// isName is true for a name of figures and fields: ^[A-Za-z_][A-Za-z0-9_]*$,
// written out (every figure and every key of a brief is one).
func isName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return s != ""
}

// Parse reads a brief on its own and resolves its values (name@PERIOD
// reads only its own series). It returns every problem found, not only the
// first; the brief is nil only when the frontmatter could not be read at all.
func Parse(file string, src []byte) (*Brief, diag.List) {
	return ParseChecked(file, src, nil)
}

// ParseChecked is Parse with the figures that name an XBRL concept checked
// against filings (before derived values are computed, so that imported
// values and filing citations flow into them). Without filings, imported
// figures have no value.
func ParseChecked(file string, src []byte, filings Filings) (*Brief, diag.List) {
	b, errs := ReadChecked(file, src, filings)
	if b != nil {
		errs.Extend(b.Resolve(nil))
	}
	return b, errs
}

// Read parses a brief without computing its derived values or checks, so
// that a site can first read every brief of a company and then resolve
// values across them with Resolve.
func Read(file string, src []byte) (*Brief, diag.List) { return ReadChecked(file, src, nil) }

// ReadChecked is Read with the XBRL figures checked against filings.
func ReadChecked(file string, src []byte, filings Filings) (*Brief, diag.List) {
	var errs diag.List
	b := &Brief{Path: file, Src: src, Lines: diag.NewLines(src), Currency: "USD", Scale: figures.Scales[3]}
	root, body, release, ok := readFrontmatter(file, src, &errs)
	if !ok {
		return nil, errs
	}
	defer release()
	b.Body = body
	b.BodyOffset = len(src) - len(body)
	b.badUTF8(&errs)
	b.head = sha256.Sum256(src[:b.BodyOffset])

	p := &parser{b: b, errs: &errs, filings: filings}
	p.fields(root)
	return b, errs
}

// Head is what Read needs of a brief's file when its body is not kept:
// the file up to its body, or all of it when the body is not valid UTF-8
// (an error Read reports) or the frontmatter is not closed. Read of the
// head gives the brief Read of the file gives, with the same errors, but
// for Src, Body and Lines; SetSource takes the whole file back.
func Head(src []byte) []byte {
	if !bytes.HasPrefix(src, []byte("---")) {
		return src
	}
	_, body, closed := splitFrontmatter(src)
	if !closed || !utf8.Valid(body) {
		return src
	}
	return src[:len(src)-len(body)]
}

// badUTF8 reports the first invalid UTF-8 sequence of each body line:
// the frontmatter's are YAML errors already, and the page must not carry
// bytes a browser would show as replacement characters.
func (b *Brief) badUTF8(errs *diag.List) {
	if utf8.Valid(b.Body) {
		return
	}
	for off := 0; off < len(b.Body); {
		r, size := utf8.DecodeRune(b.Body[off:])
		if r == utf8.RuneError && size <= 1 {
			errs.Add(diag.At(b.Path, b.Pos(off), "invalid UTF-8 (byte 0x%02x): save the file as UTF-8", b.Body[off]))
			nl := bytes.IndexByte(b.Body[off:], '\n')
			if nl < 0 {
				return
			}
			off += nl + 1
			continue
		}
		off += size
	}
}

// readFrontmatter finds and decodes the frontmatter: a BOM, a file that
// does not open a block and a block never closed are errors. Once done
// with the nodes, the caller calls release.
func readFrontmatter(file string, src []byte, errs *diag.List) (root *yaml.Node, body []byte, release func(), ok bool) {
	at := func(line, col int, format string, args ...any) {
		errs.Add(diag.At(file, diag.Pos{Line: line, Col: col}, format, args...))
	}
	if bytes.HasPrefix(src, bom) {
		at(1, 1, "the file starts with a byte order mark (BOM): save it as UTF-8 without BOM")
		return nil, nil, nil, false
	}
	first, _, _ := bytes.Cut(src, []byte("\n"))
	if string(bytes.TrimRight(first, "\r")) != "---" {
		at(1, 1, "the file must start with a frontmatter block: a line ---, the fields, then a closing line ---")
		return nil, nil, nil, false
	}
	front, body, closed := splitFrontmatter(src)
	if !closed {
		at(1, 1, "the frontmatter opened here is never closed: add a line --- after the last field")
		return nil, nil, nil, false
	}
	if doc, release, ok := fastYAML(front); ok {
		return doc.Content[0], body, release, true
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(front, &doc); err != nil {
		line, msg := diag.YAMLLine(err)
		if line == 0 && strings.Contains(msg, "control characters") {
			// yaml names no line for a character it refuses to read.
			if off, r, ok := refusedChar(src); ok {
				p := diag.NewLines(src).Pos(off)
				at(p.Line, p.Col, "frontmatter is not valid YAML: %s (U+%04X here): remove it", msg, r)
				return nil, nil, nil, false
			}
		}
		at(line+1, 1, "frontmatter is not valid YAML: %s", msg)
		return nil, nil, nil, false
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		at(2, 1, "the frontmatter must be a set of fields (key: value)")
		return nil, nil, nil, false
	}
	return doc.Content[0], body, func() {}, true
}

// refusedChar finds the first character of the frontmatter that YAML
// refuses to read (its allowed set, as yaml.v3's reader checks it).
func refusedChar(src []byte) (off int, r rune, ok bool) {
	_, rest, _ := bytes.Cut(src, []byte("\n"))
	start := len(src) - len(rest)
	for i := start; i < len(src); {
		r, size := utf8.DecodeRune(src[i:])
		if bytes.HasPrefix(src[i:], []byte("\n---")) {
			return 0, 0, false
		}
		switch {
		case r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0x7E || r == 0x85,
			r >= 0xA0 && r <= 0xD7FF, r >= 0xE000 && r <= 0xFFFD, r >= 0x10000 && r <= 0x10FFFF:
		case r == utf8.RuneError && size == 1:
			// Invalid UTF-8: yaml words that error itself.
		default:
			return i, r, true
		}
		i += size
	}
	return 0, 0, false
}

// Site is content/_index.md: the site's own title and description, and the
// domain that names its feed entries.
type Site struct {
	Title, Description string
	// IDDomain is a domain name the site's owner holds (example.org); feed
	// entry ids are tag: URIs under it, so they never depend on where a
	// build is deployed.
	IDDomain string
}

var domainRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$`)

// ParseSite reads content/_index.md.
func ParseSite(file string, src []byte) (Site, diag.List) {
	var errs diag.List
	var s Site
	root, _, release, ok := readFrontmatter(file, src, &errs)
	if !ok {
		return s, errs
	}
	defer release()
	p := &parser{b: &Brief{Path: file}, errs: &errs}
	p.pairs(root, func(k, v *yaml.Node) {
		switch k.Value {
		case "title":
			s.Title = p.text(v, "title")
		case "description":
			s.Description = p.text(v, "description")
		case "id_domain":
			s.IDDomain = p.str(v, "id_domain")
			if !domainRE.MatchString(s.IDDomain) {
				p.errorf(v, "id_domain %q must be a lowercase domain name such as example.org (no scheme, no path)", s.IDDomain)
				s.IDDomain = ""
			}
		default:
			p.errorf(k, "unknown site field %s (the site has title, description and id_domain)", k.Value)
		}
	})
	return s, errs
}

// splitFrontmatter cuts a file into the YAML between its first line and
// the closing fence, and the body after the fence (both share src). It
// splits where adrg/frontmatter did: the first later line that is --- once
// trimmed of white space. closed is false when no such line follows.
func splitFrontmatter(src []byte) (front, body []byte, closed bool) {
	nl := bytes.IndexByte(src, '\n')
	if nl < 0 {
		return nil, nil, false // the opening line only
	}
	start := nl + 1
	for off := start; off < len(src); {
		end := len(src)
		if nl := bytes.IndexByte(src[off:], '\n'); nl >= 0 {
			end = off + nl + 1
		}
		if string(bytes.TrimSpace(src[off:end])) == "---" {
			return src[start:off], src[end:], true
		}
		off = end
	}
	return src[start:], nil, false
}

// flag reads a true or false field; empty is false.
func (p *parser) flag(n *yaml.Node, field string) bool {
	switch s := p.str(n, field); s {
	case "true":
		return true
	case "false", "":
	default:
		p.errorf(n, "%s must be true or false, not %s", field, s)
	}
	return false
}

type parser struct {
	b       *Brief
	errs    *diag.List
	filings Filings
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

// alias reports an alias (*name): briefs keep every value where it is
// read, so a value is written out rather than pointed to.
func (p *parser) alias(n *yaml.Node) bool {
	if n.Kind != yaml.AliasNode {
		return false
	}
	p.errorf(n, "aliases (*%s) are not supported: write the value out", n.Value)
	return true
}

func (p *parser) str(n *yaml.Node, field string) string {
	if p.alias(n) {
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		p.errorf(n, "%s must be text", field)
		return ""
	}
	if n.Tag == "!!null" {
		return ""
	}
	return n.Value
}

// text reads a field of text shown on pages, in the feed and on cards. It
// is normalised to NFC, so that a name typed with combining accents (as
// macOS pastes it) is the same company, tag or title as the precomposed
// one. A control character is an error: it would reach <title> raw (an
// HTML parse error) and draw as a box on the card.
func (p *parser) text(n *yaml.Node, field string) string {
	s := p.str(n, field)
	if i := strings.IndexFunc(s, isControl); i >= 0 {
		r, _ := utf8.DecodeRuneInString(s[i:])
		p.errs.Add(diag.At(p.b.Path, scalarStart(n), "%s has a control character (U+%04X), which a page or card cannot show: remove it", field, r))
		s = strings.Map(func(r rune) rune {
			if isControl(r) {
				return -1
			}
			return r
		}, s)
	}
	return norm.NFC.String(s)
}

// isControl reports the characters text fields refuse: C0 controls but
// tab and newline, DEL and C1 controls.
func isControl(r rune) bool {
	return r < 0x20 && r != '\t' && r != '\n' || r >= 0x7F && r <= 0x9F
}

// topNodes are the fields of a brief read after the others: the ones that
// need the whole frontmatter first.
type topNodes struct {
	title, date, updated              *yaml.Node
	sources, figures, derived, checks *yaml.Node
}

// fields reads the frontmatter's fields into the brief: first each field on
// its own, then the ones that need others (dates, the slug from the file
// name), then the values.
func (p *parser) fields(root *yaml.Node) {
	n := p.top(root)
	p.settle(n)
	p.values(n)
}

// top reads each top-level field, keeping aside those read later.
func (p *parser) top(root *yaml.Node) topNodes {
	b := p.b
	var n topNodes
	p.pairs(root, func(k, v *yaml.Node) {
		switch k.Value {
		case "title":
			b.Title, n.title = p.text(v, "title"), v
		case "summary":
			b.Summary = p.text(v, "summary")
		case "date":
			n.date = v
		case "updated":
			n.updated = v
		case "id":
			b.ID = p.str(v, "id")
			if !idRE.MatchString(b.ID) {
				p.errorf(v, "id %q must be an absolute URI such as tag:example.org,2025-02-10:my-brief", b.ID)
			}
		case "draft":
			b.Draft = p.flag(v, "draft")
		case "slug":
			b.Slug, b.SlugAt = p.str(v, "slug"), scalarStart(v)
			if !slugRE.MatchString(b.Slug) {
				p.errorf(v, "slug %q must be lowercase letters, digits and single hyphens ([a-z0-9-]+)", b.Slug)
			}
		case "tags":
			p.tags(v)
		case "company":
			b.Company, b.CompanyAt = p.text(v, "company"), scalarStart(v)
		case "ticker":
			b.Ticker, b.TickerAt = p.text(v, "ticker"), scalarStart(v)
		case "period":
			b.Period, b.PeriodAt = p.period(v, p.str(v, "period")), pos(v)
		case "headline":
			b.Headline = p.str(v, "headline")
		case "currency":
			b.Currency = p.str(v, "currency")
			if !currencyRE.MatchString(b.Currency) {
				p.errorf(v, "currency must be an ISO 4217 code such as USD, not %q", b.Currency)
			}
		case "scale":
			b.Scale, _ = p.scale(v)
		case "sources":
			n.sources = v
		case "figures":
			n.figures = v
		case "derived":
			n.derived = v
		case "checks":
			n.checks = v
		case "cik":
			b.CIK, b.CIKAt = p.str(v, "cik"), pos(v)
			if !cikRE.MatchString(b.CIK) {
				p.errorf(v, "cik must be the company's SEC number, up to 10 digits such as 1018724, not %q", b.CIK)
				b.CIK = ""
			}
		case "period_end":
			s := p.str(v, "period_end")
			d, err := time.Parse("2006-01-02", s)
			if !dateRE.MatchString(s) || err != nil {
				p.errorf(v, "period_end %q must be a real date written YYYY-MM-DD", s)
			} else {
				b.PeriodEnd = d
			}
			b.PeriodEndAt = pos(v)
		default:
			msg := fmt.Sprintf("unknown field %s", k.Value)
			msg += diag.DidYouMean(k.Value, topFields)
			p.errorf(k, "%s", msg)
		}
	})
	return n
}

// tags reads the tags: field.
func (p *parser) tags(v *yaml.Node) {
	b := p.b
	if v.Kind != yaml.SequenceNode {
		if !p.alias(v) {
			p.errorf(v, "tags must be a list, such as [cloud, antitrust]")
		}
		return
	}
	for _, t := range v.Content {
		name := strings.TrimSpace(p.text(t, "a tag"))
		if name == "" {
			continue
		}
		tag := Tag{Name: name, Slug: TagSlug(name), At: scalarStart(t)}
		if tag.Slug == "" {
			p.errorf(t, "tag %q has no letter or digit to make its URL from", name)
			continue
		}
		if prev := b.tag(tag.Slug); prev != nil {
			p.errorf(t, "tag %q repeats tag %q (both are tags/%s/): list it once", name, prev.Name, tag.Slug)
			continue
		}
		b.Tags = append(b.Tags, tag)
	}
}

// settle checks what a brief needs and fills in what follows from the rest:
// the title, the date, updated, the slug from the file name.
func (p *parser) settle(n topNodes) {
	b := p.b
	switch {
	case n.title == nil:
		p.errs.Add(diag.At(b.Path, diag.Pos{Line: 1, Col: 1}, "a brief needs a title"))
	case strings.TrimSpace(b.Title) == "":
		p.errorf(n.title, "a brief needs a title: this one is blank")
	}
	if k := b.Key(); k != "" && TagSlug(k) == "" {
		p.errs.Add(diag.At(b.Path, b.KeyAt(), "%s %q has no letter or digit to make its page's URL (companies/NAME/) from", b.KeyField(), k))
	}
	if n.date == nil {
		p.errs.Add(diag.At(b.Path, diag.Pos{Line: 1, Col: 1}, "a brief needs a date (YYYY-MM-DD)"))
	} else {
		s := p.str(n.date, "date")
		d, err := time.Parse("2006-01-02", s)
		if !dateRE.MatchString(s) || err != nil {
			p.errorf(n.date, "date %q must be a real date written YYYY-MM-DD", s)
		}
		b.Date = d
	}
	if n.updated != nil {
		s := p.str(n.updated, "updated")
		d, err := time.Parse("2006-01-02", s)
		switch {
		case !dateRE.MatchString(s) || err != nil:
			p.errorf(n.updated, "updated %q must be a real date written YYYY-MM-DD", s)
		case d.Before(b.Date):
			p.errorf(n.updated, "updated %s is before the brief's date %s", s, b.Date.Format("2006-01-02"))
		default:
			b.Updated = d
		}
	}
	if b.Slug == "" {
		b.SlugAt = diag.Pos{Line: 1, Col: 1}
		base := strings.TrimSuffix(path.Base(b.Path), ".md")
		b.Slug = strings.ToLower(base)
		if !slugRE.MatchString(b.Slug) {
			p.errs.Add(diag.At(b.Path, diag.Pos{Line: 1, Col: 1}, "file name %q does not make a valid slug: rename the file or set slug: [a-z0-9-]+", base))
		}
	}
}

// values reads the sources, figures, derived values and checks, in the order
// they depend on each other, and picks the headline.
func (p *parser) values(n topNodes) {
	b := p.b
	if n.sources != nil {
		p.sources(n.sources)
	}
	b.Figures = figures.NewSet(b.Path, b.Period)
	if n.figures != nil {
		p.figures(n.figures)
	}
	p.filed()
	if n.derived != nil {
		p.derived(n.derived)
	}
	if n.checks != nil {
		p.checks(n.checks)
	}
	if b.Headline != "" {
		if _, ok := b.Figures.Named(b.Headline); !ok {
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

// period checks a period written at n against the one grammar of periods;
// it returns s, or "" when s is not a period.
func (p *parser) period(n *yaml.Node, s string) string {
	if s == "" {
		return ""
	}
	if _, err := period.Parse(s); err != nil {
		p.errs.Add(diag.At(p.b.Path, scalarStart(n), "%v", err))
		return ""
	}
	return s
}

// tag returns the brief's tag with the given slug, or nil.
func (b *Brief) tag(slug string) *Tag {
	for i := range b.Tags {
		if b.Tags[i].Slug == slug {
			return &b.Tags[i]
		}
	}
	return nil
}

func (p *parser) sources(n *yaml.Node) {
	if n.Kind != yaml.MappingNode {
		if !p.alias(n) {
			p.errorf(n, "sources must map an id to {title, url, date}")
		}
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
					s.Title = p.text(fv, "title")
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

// scale reads a scale: field, of the brief or of one figure.
func (p *parser) scale(v *yaml.Node) (figures.Scale, bool) {
	s := p.str(v, "scale")
	sc, ok := figures.ParseScale(s)
	if !ok {
		names := make([]string, len(figures.Scales))
		for i, sc := range figures.Scales {
			names[i] = sc.Name
		}
		p.errorf(v, "scale must be one of %s, not %q", strings.Join(names, ", "), s)
	}
	return sc, ok
}

// unit reads a figure's unit: field.
func (p *parser) unit(v *yaml.Node) (figures.Unit, bool) {
	s := p.str(v, "unit")
	u, ok := figures.ParseUnit(s)
	if !ok {
		p.errorf(v, "unit must be money, percent, count or number, not %q", s)
	}
	return u, ok
}

var figureFields = []string{"value", "values", "label", "unit", "currency", "scale", "source", "xbrl", "decimals", "restated", "note"}

// labelFromKey makes "aws_net_sales" into "AWS net sales"-like text:
// underscores become spaces and the first letter is capitalised.
func labelFromKey(k string) string {
	s := strings.ReplaceAll(k, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// figures reads the figures: field, a name to each figure.
func (p *parser) figures(n *yaml.Node) {
	if n.Kind != yaml.MappingNode {
		if !p.alias(n) {
			p.errorf(n, "figures must map a name to a value")
		}
		return
	}
	p.pairs(n, p.figure)
}

// figure reads one figure, k: v.
func (p *parser) figure(k, v *yaml.Node) {
	if !isName(k.Value) {
		p.errorf(k, "figure name %q must be letters, digits and underscores, starting with a letter", k.Value)
		return
	}
	e := &figures.Entry{Name: k.Value, Label: labelFromKey(k.Value), Pos: pos(k)}
	val := figures.Value{Unit: figures.Money, Currency: p.b.Currency, Scale: p.b.Scale}
	var nodes figureNodes
	ok := true
	switch v.Kind {
	case yaml.ScalarNode:
		nodes.value = v
	case yaml.MappingNode:
		nodes, ok = p.figureFields(v, e, &val)
	default:
		if !p.alias(v) {
			p.errorf(v, "a figure is a number or {value, label, unit, source}")
		}
		// Known as failed, so that its uses add no errors of their own.
		e.Failed = true
		p.errs.Add(p.b.Figures.Add(e))
		return
	}
	if val.Unit != figures.Money {
		val.Currency, val.Scale = "", figures.Scale{Name: "one"}
	}
	switch {
	case nodes.value != nil && nodes.values != nil:
		p.errorf(nodes.values, "a figure has value or values, not both")
		ok = false
	case nodes.value != nil:
		fv, lit, good := p.literal(nodes.value, val)
		if !good {
			e.Failed = true
			break
		}
		e.Value, e.Literal, e.ValueAt = fv, lit, pos(nodes.value)
	case nodes.values != nil:
		if nodes.values.Kind != yaml.MappingNode {
			if !p.alias(nodes.values) {
				p.errorf(nodes.values, "values must map a period to a number, such as {FY2023: 574.8, FY2024: 638.0}")
			}
			ok = false
			break
		}
		p.pairs(nodes.values, func(pk, pv *yaml.Node) {
			per := p.period(pk, pk.Value)
			fv, lit, good := p.literal(pv, val)
			if good && per != "" {
				e.Series = append(e.Series, figures.Point{Period: pk.Value, Value: fv, Literal: lit, At: pos(pv)})
			} else {
				e.Failed = true
			}
		})
		if len(e.Series) == 0 {
			e.Failed = true
		}
		// In time order, whatever order the YAML lists them in: the
		// previous period, a chart's axis and a table all follow it.
		slices.SortStableFunc(e.Series, func(a, b figures.Point) int { return period.Compare(a.Period, b.Period) })
	case nodes.xbrl != nil:
		// Imported from the filing by p.filed.
	default:
		p.errorf(k, "figure %s has no value", k.Value)
		ok = false
	}
	if !ok {
		e.Failed = true
	}
	if nodes.xbrl != nil || nodes.decimals != nil {
		p.xbrl(e, val, k, nodes.value, nodes.values, nodes.xbrl, nodes.decimals)
	}
	if e.Restated && e.Note == "" {
		p.errorf(k, "figure %s is restated: give the reason in note", k.Value)
	}
	p.errs.Add(p.b.Figures.Add(e))
}

// figureNodes are the fields of a figure read once all are known.
type figureNodes struct{ value, values, xbrl, decimals *yaml.Node }

// figureFields reads the fields of a figure written as a mapping into e and
// val; ok is false when one is wrong.
func (p *parser) figureFields(v *yaml.Node, e *figures.Entry, val *figures.Value) (nodes figureNodes, ok bool) {
	ok = true
	p.pairs(v, func(fk, fv *yaml.Node) {
		switch fk.Value {
		case "value":
			nodes.value = fv
		case "values":
			nodes.values = fv
		case "label":
			e.Label = p.text(fv, "label")
		case "unit":
			u, good := p.unit(fv)
			ok = ok && good
			val.Unit = u
		case "currency":
			val.Currency = p.str(fv, "currency")
		case "scale":
			sc, good := p.scale(fv)
			ok = ok && good
			val.Scale = sc
		case "xbrl":
			nodes.xbrl = fv
		case "decimals":
			nodes.decimals = fv
		case "restated":
			e.Restated = p.flag(fv, "restated")
		case "note":
			e.Note = strings.TrimSpace(p.str(fv, "note"))
		case "source":
			e.Source = p.sourceRef(fv)
		default:
			msg := fmt.Sprintf("unknown figure field %s", fk.Value)
			if plainDigits(fk.Value) {
				msg += ": a comma in a number splits it in YAML; write the number without thousands separators"
			} else {
				msg += diag.DidYouMean(fk.Value, figureFields)
			}
			p.errorf(fk, "%s", msg)
			ok = false
		}
	})
	return nodes, ok
}

// sourceRef reads a figure's source: field, the id of one of the
// brief's sources.
func (p *parser) sourceRef(fv *yaml.Node) *figures.Source {
	id := p.str(fv, "source")
	src := p.source(id)
	if src == nil {
		var ids []string
		for _, s := range p.b.Sources {
			ids = append(ids, s.ID)
		}
		msg := fmt.Sprintf("unknown source %s", id)
		if hint := diag.DidYouMean(id, ids); hint != "" {
			msg += hint
		} else if len(ids) == 0 {
			msg += " (define it under sources:)"
		}
		p.errorf(fv, "%s", msg)
	}
	return src
}

// literal reads one value of a figure: a plain decimal literal, in the
// unit, currency and scale of val.
func (p *parser) literal(n *yaml.Node, val figures.Value) (figures.Value, string, bool) {
	if p.alias(n) {
		return figures.Value{}, "", false
	}
	if n.Kind == yaml.ScalarNode && n.Style&yaml.TaggedStyle != 0 {
		// A tag overrides what the text looks like: !!str 2.0 is text.
		if n.ShortTag() == "!!str" {
			p.errorf(n, "%s %s is tagged as text, not a number: write %s without the tag", n.Tag, n.Value, n.Value)
		} else {
			p.errorf(n, "%s %s carries a YAML tag: write %s without the tag", n.Tag, n.Value, n.Value)
		}
		return figures.Value{}, "", false
	}
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

// xbrl records a figure that names the XBRL concept it is filed under.
func (p *parser) xbrl(e *figures.Entry, val figures.Value, k, valueNode, valuesNode, xbrlNode, decimalsNode *yaml.Node) {
	if xbrlNode == nil {
		p.errorf(decimalsNode, "decimals applies to a value imported from a filing: add xbrl: us-gaap:Concept")
		return
	}
	x := &XBRLFigure{Entry: e, Concept: p.str(xbrlNode, "xbrl"), ConceptAt: pos(xbrlNode), Decimals: 1}
	if !xbrlRE.MatchString(x.Concept) {
		p.errorf(xbrlNode, "xbrl must name a concept with its taxonomy, such as us-gaap:OperatingIncomeLoss, not %q", x.Concept)
		e.Failed = true
		return
	}
	if val.Unit != figures.Money {
		x.Decimals = 0
	}
	if decimalsNode != nil {
		n, err := strconv.Atoi(p.str(decimalsNode, "decimals"))
		if err != nil || n < 0 || n > 6 {
			p.errorf(decimalsNode, "decimals must be a whole number from 0 to 6, not %q", decimalsNode.Value)
		} else {
			x.Decimals = int32(n)
		}
		if valueNode != nil || valuesNode != nil {
			p.errorf(decimalsNode, "decimals is for an imported value; a typed value keeps the decimals it is written with")
		}
	}
	switch {
	case valueNode != nil:
		x.ValueAt = pos(valueNode)
	case valuesNode != nil:
		x.PointAt = map[string]diag.Pos{}
		if valuesNode.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(valuesNode.Content); i += 2 {
				x.PointAt[valuesNode.Content[i].Value] = pos(valuesNode.Content[i+1])
			}
		}
	default:
		x.Imported = true
		x.ValueAt = pos(xbrlNode)
		e.Value = val
		e.Value.Places = x.Decimals
	}
	p.b.XBRL = append(p.b.XBRL, x)
}

// filed checks the XBRL figures against filings. Without filings, or when
// the check cannot import a value, an imported figure fails quietly or with
// the checker's error, so that its uses do not report it again.
func (p *parser) filed() {
	if len(p.b.XBRL) == 0 {
		return
	}
	if p.filings != nil {
		p.errs.Extend(p.filings.Check(p.b))
	}
	for _, x := range p.b.XBRL {
		if x.Imported && x.Filings[p.b.Period] == nil {
			x.Entry.Failed = true
		}
	}
}

func plainDigits(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil
}

func (p *parser) derived(n *yaml.Node) {
	if n.Kind != yaml.MappingNode {
		if !p.alias(n) {
			p.errorf(n, "derived must map a name to an expression")
		}
		return
	}
	p.pairs(n, func(k, v *yaml.Node) {
		if !isName(k.Value) {
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
					e.Label = p.text(fv, "label")
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
			if !p.alias(v) {
				p.errorf(v, "a derived value is an expression or {expr, label, format}")
			}
			p.failed(e)
			return
		}
		if exprNode != nil && p.alias(exprNode) {
			p.failed(e)
			return
		}
		if exprNode == nil || exprNode.Kind != yaml.ScalarNode || strings.TrimSpace(exprNode.Value) == "" {
			p.errorf(k, "derived %s needs an expression", k.Value)
			p.failed(e)
			return
		}
		e.ExprText, e.ExprAt = exprNode.Value, scalarStart(exprNode)
		expr, err := figures.ParseExpr(e.ExprText)
		if err != nil {
			p.exprErr(e.ExprAt, e.ExprText, err)
			p.failed(e)
			return
		}
		e.Expr = expr
		p.errs.Add(p.b.Figures.Add(e))
	})
}

// failed adds an entry whose error is already reported: it stays known by
// name, so that its uses stay quiet instead of reporting an unknown name.
func (p *parser) failed(e *figures.Entry) {
	e.Failed = true
	p.errs.Add(p.b.Figures.Add(e))
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
		if !p.alias(n) {
			p.errorf(n, "checks must be a list of comparisons, such as [aws_sales_share < 20%%]")
		}
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
