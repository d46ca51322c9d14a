// Package period is the one grammar of fiscal periods in briefs: FY2024 (a
// fiscal year), FY2024H1 (a half) and FY2024Q3 (a quarter), named by the
// fiscal year they belong to as the company reports it. Periods order in
// time so that series, growth and company histories sort the same way.
package period

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Kind is the length of a period.
type Kind uint8

// The kinds of period, shortest first.
const (
	Quarter Kind = iota + 1
	Half
	Year
)

// Period is a fiscal year, half or quarter. The zero Period is invalid.
type Period struct {
	// Year is the fiscal year (2024 in FY2024Q3).
	Year int
	Kind Kind
	// N is the half (1–2) or quarter (1–4); 0 for a year.
	N int
}

// Grammar says how periods are written, for error messages.
const Grammar = "FY2024 (a fiscal year), FY2024H1 (a half) or FY2024Q3 (a quarter)"

// canonical splits a period written as the grammar says into its year
// digits, its part (H, Q or "") and the part's digit; ok is false for
// anything else. It is ^FY([0-9]{4})(?:([HQ])([0-9]))?$ written out:
// periods are parsed wherever figures are ordered, and the regular
// expression was a tenth of a preview's start.
func canonical(s string) (year, part, n string, ok bool) {
	digit := func(c byte) bool { return c >= '0' && c <= '9' }
	if (len(s) != 6 && len(s) != 8) || s[0] != 'F' || s[1] != 'Y' || !digit(s[2]) || !digit(s[3]) || !digit(s[4]) || !digit(s[5]) {
		return "", "", "", false
	}
	if len(s) == 6 {
		return s[2:6], "", "", true
	}
	if (s[6] != 'H' && s[6] != 'Q') || !digit(s[7]) {
		return "", "", "", false
	}
	return s[2:6], s[6:7], s[7:8], true
}

// Parse reads a period written as in Grammar. The error says how to write
// a period that is close but not in the grammar ("Q1 2024", "FY2023/24").
func Parse(s string) (Period, error) {
	if year, part, num, ok := canonical(s); ok {
		y, _ := strconv.Atoi(year)
		if y < 1000 {
			// A leading zero is a typo (FY0224 for FY2024), never a year.
			return Period{}, &Error{Text: s, Msg: "the year " + year + " starts with 0: write the fiscal year in full, as in FY2024"}
		}
		p := Period{Year: y, Kind: Year}
		if part != "" {
			n, _ := strconv.Atoi(num)
			p.Kind, p.N = Quarter, n
			hi := 4
			if part == "H" {
				p.Kind, hi = Half, 2
			}
			if n < 1 || n > hi {
				return Period{}, &Error{Text: s, Msg: fmt.Sprintf("there is no %s%d in a fiscal year (halves are H1–H2, quarters Q1–Q4)", part, n)}
			}
		}
		return p, nil
	}
	return Period{}, &Error{Text: s, Msg: hint(s)}
}

// Error is a period that does not follow the grammar.
type Error struct {
	Text string
	Msg  string
}

func (e *Error) Error() string {
	return fmt.Sprintf("period %q is not valid: %s", e.Text, e.Msg)
}

var (
	yearOnly     = regexp.MustCompile(`^(?i:fy|cy)?\s*'?([0-9]{4})$`)
	shortYear    = regexp.MustCompile(`(?i)^fy\s*'?([0-9]{2})(?:\s*([hq])([0-9]))?$`)
	partFirst    = regexp.MustCompile(`(?i)^([hq])([0-9])[\s/_-]*(?:fy|cy)?\s*'?([0-9]{4})$`)
	yearFirst    = regexp.MustCompile(`(?i)^(?:fy|cy)?\s*'?([0-9]{4})[\s/_-]*([hq])([0-9])$`)
	splitYear    = regexp.MustCompile(`^(?i:fy)?\s*([0-9]{4})\s*[/-]\s*([0-9]{2}|[0-9]{4})$`)
	spellAnother = "write it as " + Grammar
)

// hint explains how to write s in the grammar.
func hint(s string) string {
	t := strings.TrimSpace(s)
	switch {
	case t == "":
		return "write a period such as FY2024"
	case yearOnly.MatchString(t):
		return fmt.Sprintf("write FY%s", yearOnly.FindStringSubmatch(t)[1])
	case partFirst.MatchString(t):
		m := partFirst.FindStringSubmatch(t)
		return fmt.Sprintf("write FY%s%s%s (the fiscal year first, then the %s)", m[3], strings.ToUpper(m[1]), m[2], partName(m[1]))
	case yearFirst.MatchString(t):
		m := yearFirst.FindStringSubmatch(t)
		return fmt.Sprintf("write FY%s%s%s", m[1], strings.ToUpper(m[2]), m[3])
	case splitYear.MatchString(t):
		m := splitYear.FindStringSubmatch(t)
		end := m[2]
		if len(end) == 2 {
			end = m[1][:2] + end
			if end < m[1] { // FY1999/00
				n, _ := strconv.Atoi(m[1][:2])
				end = fmt.Sprintf("%02d%s", n+1, m[2])
			}
		}
		return fmt.Sprintf("name a fiscal year by the year it ends in: write FY%s", end)
	case shortYear.MatchString(t):
		m := shortYear.FindStringSubmatch(t)
		return fmt.Sprintf("write the year with four digits, such as FY20%s%s%s", m[1], strings.ToUpper(m[2]), m[3])
	}
	return spellAnother
}

func partName(hq string) string {
	if strings.EqualFold(hq, "h") {
		return "half"
	}
	return "quarter"
}

// String writes p as Parse reads it.
func (p Period) String() string {
	switch p.Kind {
	case Quarter:
		return fmt.Sprintf("FY%04dQ%d", p.Year, p.N)
	case Half:
		return fmt.Sprintf("FY%04dH%d", p.Year, p.N)
	case Year:
		return fmt.Sprintf("FY%04d", p.Year)
	}
	return ""
}

// IsZero reports whether p is the zero (invalid) Period.
func (p Period) IsZero() bool { return p.Kind == 0 }

// Quarters is the period's length in quarters (1, 2 or 4).
func (p Period) Quarters() int {
	switch p.Kind {
	case Quarter:
		return 1
	case Half:
		return 2
	}
	return 4
}

// end is the quarter of the fiscal year in which p ends (1–4).
func (p Period) end() int {
	switch p.Kind {
	case Quarter:
		return p.N
	case Half:
		return 2 * p.N
	}
	return 4
}

// Compare orders periods in time: by fiscal year, then by the quarter in
// which they end, then shorter first, so that a period sorts after every
// shorter period ending with it. Within FY2024: Q1 < Q2 < H1 < Q3 < Q4 <
// H2 < FY2024, and FY2023 sorts before all of them. It returns -1, 0 or +1.
func (p Period) Compare(o Period) int {
	switch {
	case p.Year != o.Year:
		return sign(p.Year - o.Year)
	case p.end() != o.end():
		return sign(p.end() - o.end())
	}
	return sign(p.Quarters() - o.Quarters())
}

// Less reports whether p sorts before o (see Compare).
func (p Period) Less(o Period) bool { return p.Compare(o) < 0 }

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

// Compare orders two period strings in time (see Period.Compare). A string
// that does not parse sorts after every period, in byte order, so that a
// sort never depends on input order.
func Compare(a, b string) int {
	pa, errA := Parse(a)
	pb, errB := Parse(b)
	switch {
	case errA == nil && errB == nil:
		return pa.Compare(pb)
	case errA == nil:
		return -1
	case errB == nil:
		return 1
	}
	return strings.Compare(a, b)
}
