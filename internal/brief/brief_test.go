package brief

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/briefs/briefs/internal/figures"
	"golang.org/x/tools/txtar"
)

// TestCases runs testdata/*.txtar: each NAME.md is parsed and its errors
// compared, line by line as prefixes, with NAME.errors (or "errors").
func TestCases(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.txtar")
	if len(files) == 0 {
		t.Fatal("no case files")
	}
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{}
		for _, f := range ar.Files {
			if strings.HasSuffix(f.Name, "errors") {
				want[strings.TrimSuffix(strings.TrimSuffix(f.Name, "errors"), ".")] = string(f.Data)
			}
		}
		for _, f := range ar.Files {
			if !strings.HasSuffix(f.Name, ".md") {
				continue
			}
			t.Run(filepath.Base(file)+"/"+f.Name, func(t *testing.T) {
				exp, ok := want[strings.TrimSuffix(f.Name, ".md")]
				if !ok {
					exp = want[""]
				}
				_, errs := Parse(f.Name, f.Data)
				errs.Sort()
				var got []string
				for _, e := range errs {
					got = append(got, e.Error())
				}
				var wantLines []string
				if exp := strings.TrimSpace(exp); exp != "" {
					wantLines = strings.Split(exp, "\n")
				}
				if len(got) != len(wantLines) {
					t.Fatalf("got %d errors, want %d:\n%s", len(got), len(wantLines), strings.Join(got, "\n"))
				}
				for i, w := range wantLines {
					if !strings.HasPrefix(got[i], w) {
						t.Errorf("error %d:\n got  %s\n want %s…", i, got[i], w)
					}
				}
			})
		}
	}
}

const amazon = `---
title: The Cloud Behind the Cart
summary: AWS earns most of Amazon's operating income on under a fifth of its sales.
date: 2025-02-10
company: Amazon.com, Inc.
ticker: AMZN
period: FY2024
tags: [cloud, antitrust]
currency: USD            # ISO 4217 code, default for every money figure
scale: billion           # one | thousand | million | billion | trillion
sources:
  q4-2024: {title: Amazon Q4 2024 Earnings Release, date: 2025-02-06}
figures:
  net_sales:            {value: 638.0, label: Total net sales, source: q4-2024}
  aws_net_sales:        {value: 107.6, label: AWS net sales, source: q4-2024}
  operating_income:     {value: 68.6, label: Total operating income, source: q4-2024}
  aws_operating_income: {value: 39.8, label: AWS operating income, source: q4-2024}
  cloud_share:          {value: 30, unit: percent, label: AWS share of the cloud market}
derived:
  aws_sales_share:  {expr: aws_net_sales / net_sales, label: AWS share of net sales}
  aws_income_share: {expr: aws_operating_income / operating_income, label: AWS share of operating income}
  other_margin:     (operating_income - aws_operating_income) / (net_sales - aws_net_sales)
checks:
  - aws_sales_share < 20%
  - aws_income_share > 50%
---
AWS brought in {{ aws_net_sales }}, only {{ aws_sales_share }} of sales, yet it earned
{{ aws_income_share }} of operating income.
`

// TestDesignExample parses DESIGN.md's example brief as written.
func TestDesignExample(t *testing.T) {
	b, errs := Parse("content/amazon.md", []byte(amazon))
	if len(errs) != 0 {
		t.Fatalf("errors: %v", errs)
	}
	want := map[string]string{"aws_sales_share": "16.9%", "aws_income_share": "58.0%", "other_margin": "5.4%", "net_sales": "$638.0 billion", "cloud_share": "30.0%"}
	for name, w := range want {
		e, ok := b.Figures.Figure(name)
		if !ok {
			t.Fatalf("no %s", name)
		}
		got, err := figures.Format(e.Value, "")
		if err != nil || got != w {
			t.Errorf("%s = %q, %v; want %q", name, got, err, w)
		}
	}
	if b.Headline != "aws_sales_share" || b.Slug != "amazon" || len(b.Checks) != 2 || b.Title != "The Cloud Behind the Cart" {
		t.Errorf("fields: headline %q slug %q checks %d", b.Headline, b.Slug, len(b.Checks))
	}
	if e, _ := b.Figures.Named("other_margin"); e.Label != "Other margin" {
		t.Errorf("label from key = %q", e.Label)
	}
	// The body starts right after the closing fence, and positions map back.
	if !strings.HasPrefix(string(b.Body), "AWS brought in") || b.Pos(0).Line != 27 {
		t.Errorf("body at line %d: %q", b.Pos(0).Line, b.Body[:20])
	}
}

func TestBOM(t *testing.T) {
	_, errs := Parse("x.md", append([]byte{0xEF, 0xBB, 0xBF}, amazon...))
	if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), "x.md:1:1: the file starts with a byte order mark") {
		t.Fatalf("errors = %v", errs)
	}
}

func TestCRLF(t *testing.T) {
	b, errs := Parse("x.md", []byte(strings.ReplaceAll(amazon, "\n", "\r\n")))
	if len(errs) != 0 {
		t.Fatalf("errors: %v", errs)
	}
	if e, _ := b.Figures.Figure("aws_income_share"); e.Value.D.StringFixed(4) != "0.5802" {
		t.Errorf("aws_income_share = %s", e.Value.D)
	}
}

func TestParseSite(t *testing.T) {
	s, errs := ParseSite("content/_index.md", []byte("---\ntitle: T\ndescription: D\n---\n"))
	if len(errs) != 0 || s.Title != "T" || s.Description != "D" {
		t.Errorf("ParseSite = %+v, %v", s, errs)
	}
	s, errs = ParseSite("content/_index.md", []byte("---\ntitle: T\nid_domain: briefs.example.org\n---\n"))
	if len(errs) != 0 || s.IDDomain != "briefs.example.org" {
		t.Errorf("ParseSite = %+v, %v", s, errs)
	}
	_, errs = ParseSite("content/_index.md", []byte("---\ntitle: T\nid_domain: https://briefs.example.org/\n---\n"))
	if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), "content/_index.md:3:12: id_domain \"https://briefs.example.org/\" must be a lowercase domain name") {
		t.Errorf("errors = %v", errs)
	}
	_, errs = ParseSite("content/_index.md", []byte("---\ntitle: T\nauthor: me\n---\n"))
	if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), "content/_index.md:3:1: unknown site field author") {
		t.Errorf("errors = %v", errs)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(amazon))
	f.Add([]byte("---\ntitle: x\ndate: 2025-01-01\nfigures:\n  a: NO\n  a: 1\n---\n"))
	f.Add([]byte("---\n---\n"))
	f.Add([]byte("---\nfigures: {a: {values: {X: 1, Y: 2}}}\nderived: {b: growth(a), c: c}\n---\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		_, errs := Parse("f.md", src)
		for _, e := range errs {
			if e.Line < 1 || e.Col < 1 {
				t.Fatalf("error without a position: %v", e)
			}
		}
	})
}

// Invalid UTF-8 in the body is an error at its position, as it is in the
// frontmatter, rather than bytes copied into the page.
func TestInvalidUTF8InBody(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{"ok\nbad \xff here\n", "x.md:6:5: invalid UTF-8 (byte 0xff): save the file as UTF-8"},
		{"é\xc3", "x.md:5:2: invalid UTF-8 (byte 0xc3): save the file as UTF-8"},
		{"fine é ✓\n", ""},
	} {
		_, errs := Parse("x.md", []byte("---\ntitle: T\ndate: 2024-01-01\n---\n"+tc.body))
		got := ""
		if len(errs) > 0 {
			got = errs.Error()
		}
		if got != tc.want {
			t.Errorf("body %q:\n got  %s\n want %s", tc.body, got, tc.want)
		}
	}
}

// A series is kept in time order, whatever order the YAML lists it in.
func TestSeriesInTimeOrder(t *testing.T) {
	b, errs := Parse("x.md", []byte("---\ntitle: T\ndate: 2024-01-01\nperiod: FY2024\nfigures:\n  s: {values: {FY2024: 30.0, FY2024H1: 14.0, FY2023: 20.0, FY2024Q1: 7.0, FY2022: 10.0}}\n---\n"))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	e, _ := b.Figures.Named("s")
	if got := e.Periods; strings.Join(got, " ") != "FY2022 FY2023 FY2024Q1 FY2024H1 FY2024" {
		t.Errorf("series order %v", got)
	}
}

// Text typed with combining accents (as macOS pastes it) is read as its
// precomposed (NFC) form, so that it names one company, one tag and one
// card glyph whichever way it was typed.
func TestTextNFC(t *testing.T) {
	src := "---\ntitle: Ame\u0301lie\nsummary: Socie\u0301te\u0301\ndate: 2025-01-01\ncompany: Socie\u0301te\u0301 Ge\u0301ne\u0301rale\ntags: [Cafe\u0301]\n---\nx\n"
	b, errs := Parse("x.md", []byte(src))
	if errs.Err() != nil {
		t.Fatal(errs.Err())
	}
	if b.Title != "Am\u00e9lie" || b.Summary != "Soci\u00e9t\u00e9" || b.Company != "Soci\u00e9t\u00e9 G\u00e9n\u00e9rale" || b.Key() != b.Company || b.Tags[0].Name != "Caf\u00e9" || b.Tags[0].Slug != "caf\u00e9" {
		t.Errorf("not NFC: %+q %+q %+q %+v", b.Title, b.Summary, b.Company, b.Tags)
	}
}

// The site's title goes into every page's <title>: a control character in
// it is an error at the field, and it is read as NFC.
func TestSiteText(t *testing.T) {
	s, errs := ParseSite("content/_index.md", []byte("---\ntitle: \"Caf\u0065\u0301\\e\"\n---\n"))
	if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), "content/_index.md:2:9: title has a control character (U+001B)") {
		t.Errorf("errors %v", errs)
	}
	if s.Title != "Caf\u00e9" {
		t.Errorf("title %+q, want NFC without the control character", s.Title)
	}
}

// TestSplitFrontmatter: the YAML is what lies between the first line and
// the first later line that is --- once trimmed, and the body what follows
// that line, as adrg/frontmatter split them.
func TestSplitFrontmatter(t *testing.T) {
	for _, c := range []struct{ src, front, body string }{
		{"---\na: 1\n---\nBody.\n", "a: 1\n", "Body.\n"},
		{"---\r\na: 1\r\n---\r\nBody.\r\n", "a: 1\r\n", "Body.\r\n"},
		{"---\na: 1\n  ---  \nBody.\n", "a: 1\n", "Body.\n"},
		{"---\na: 1\n---", "a: 1\n", ""},
		{"---\n---\n", "", ""},
		{"---\na: '---'\n---\n---\n", "a: '---'\n", "---\n"},
		{"---\na: 1\n----\n---\nb\n", "a: 1\n----\n", "b\n"},
	} {
		front, body, closed := splitFrontmatter([]byte(c.src))
		if !closed || string(front) != c.front || string(body) != c.body {
			t.Errorf("%q: front %q body %q closed %v, want %q and %q", c.src, front, body, closed, c.front, c.body)
		}
	}
	for _, src := range []string{"---\na: 1\n", "---\na: 1\n----\n", "---"} {
		if _, _, closed := splitFrontmatter([]byte(src)); closed {
			t.Errorf("%q: closed, want the frontmatter left open", src)
		}
	}
}

// Reading a brief's Head gives the brief and the errors that reading the
// whole file gives: the preview reads only heads at start.
func TestHeadReadsAsTheFile(t *testing.T) {
	srcs := map[string][]byte{
		"bad-body.md":  []byte("---\ntitle: T\ndate: 2024-01-01\n---\nok\nbad \xff here\n"),
		"unclosed.md":  []byte("---\ntitle: T\ndate: 2024-01-01\n"),
		"bom.md":       []byte("\xef\xbb\xbf---\ntitle: T\n---\n"),
		"no-open.md":   []byte("title: T\n---\nbody\n"),
		"indented.md":  []byte("---\ntitle: T\ndate: 2024-01-01\n  ---  \nbody \x01\n"),
		"crlf.md":      []byte("---\r\ntitle: T\r\ndate: 2024-01-01\r\n---\r\nbody\r\n"),
		"control.md":   []byte("---\ntitle: T\x01\ndate: 2024-01-01\n---\nbody\n"),
		"sample.md":    []byte(amazon),
		"empty-fm.md":  []byte("---\n---\nbody\n"),
		"only-open.md": []byte("---\n"),
	}
	files, _ := filepath.Glob("testdata/*.txtar")
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range ar.Files {
			if strings.HasSuffix(f.Name, ".md") {
				srcs[file+"/"+f.Name] = f.Data
			}
		}
	}
	for name, src := range srcs {
		whole, werrs := Read(name, src)
		head, herrs := Read(name, Head(src))
		if werrs.Error() != herrs.Error() {
			t.Errorf("%s: the head's errors\n%v\nare not the file's\n%v", name, herrs, werrs)
		}
		if (whole == nil) != (head == nil) {
			t.Fatalf("%s: read %v from the file, %v from the head", name, whole != nil, head != nil)
		}
		if whole == nil {
			continue
		}
		if head.BodyOffset != whole.BodyOffset || head.Key() != whole.Key() || head.Title != whole.Title || head.Slug != whole.Slug || len(head.Figures.Entries()) != len(whole.Figures.Entries()) {
			t.Errorf("%s: the head reads as another brief", name)
		}
		head.DropSource()
		if !head.SetSource(src) {
			t.Errorf("%s: the file is not taken back after its head", name)
		}
	}
}

// isName is the pattern it writes out.
func TestIsName(t *testing.T) {
	re := regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	for _, s := range []string{"", "a", "_", "A9", "9a", "a-b", "a b", "aws_net_sales", "é", "a\n", "Z_0"} {
		if isName(s) != re.MatchString(s) {
			t.Errorf("isName(%q) = %v", s, isName(s))
		}
	}
}
