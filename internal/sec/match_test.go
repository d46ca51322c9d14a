package sec

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

func day(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		panic(err)
	}
	return t
}

func fact(start, end string, val int64, accn, filed string) Fact {
	return Fact{Start: day(start), End: day(end), Val: decimal.NewFromInt(val), Accn: accn, Form: "10-K", Filed: day(filed)}
}

func TestMatch(t *testing.T) {
	// A calendar-year filer: the FY2024 10-K repeats 2023 and 2022 as
	// comparatives; the FY2023 10-K repeats 2022; a 10-K/A restates 2023.
	amzn := []Fact{
		fact("2022-01-01", "2022-12-31", 513983, "23-4", "2023-02-03"),
		fact("2022-01-01", "2022-12-31", 513983, "24-8", "2024-02-02"),
		fact("2022-01-01", "2022-12-31", 513983, "25-4", "2025-02-07"),
		fact("2023-01-01", "2023-12-31", 574785, "24-8", "2024-02-02"),
		fact("2023-01-01", "2023-12-31", 574785, "25-4", "2025-02-07"),
		fact("2024-01-01", "2024-12-31", 637959, "25-4", "2025-02-07"),
		// quarters and a half in 10-Qs, and the nine months to September
		fact("2024-07-01", "2024-09-30", 158877, "24-161", "2024-11-01"),
		fact("2024-01-01", "2024-09-30", 450167, "24-161", "2024-11-01"),
		fact("2024-01-01", "2024-06-30", 291290, "24-130", "2024-08-02"),
	}
	restated := []Fact{
		fact("2023-01-01", "2023-12-31", 100, "24-1", "2024-02-02"),
		fact("2023-01-01", "2023-12-31", 98, "24-9", "2024-06-30"), // 10-K/A
		fact("2023-01-01", "2023-12-31", 98, "25-1", "2025-02-07"), // comparative
	}
	// A 52/53-week retailer: fiscal 2023 ran 53 weeks to 3 February 2024.
	retail := []Fact{
		fact("2022-01-30", "2023-01-28", 500, "23-1", "2023-03-20"),
		fact("2023-01-29", "2024-02-03", 550, "24-1", "2024-03-18"),
		fact("2023-10-29", "2024-02-03", 160, "24-1", "2024-03-18"), // a 14-week fourth quarter
	}
	// Balance-sheet values are instants.
	cash := []Fact{
		fact("", "2023-12-31", 73387, "24-8", "2024-02-02"),
		fact("", "2023-12-31", 73387, "25-4", "2025-02-07"),
		fact("", "2024-12-31", 78779, "25-4", "2025-02-07"),
	}
	tests := []struct {
		name      string
		facts     []Fact
		end       string
		kind      Kind
		tolerance int
		want      []string // accession numbers, latest filed first
	}{
		{"fiscal year, one filing", amzn, "2024-12-31", Year, 0, []string{"25-4"}},
		{"comparative repeated in a later 10-K: latest first", amzn, "2022-12-31", Year, 0, []string{"25-4", "24-8", "23-4"}},
		{"quarter, not the nine months ending the same day", amzn, "2024-09-30", Quarter, 0, []string{"24-161"}},
		{"half year", amzn, "2024-06-30", Half, 0, []string{"24-130"}},
		{"no quarter ends on a year end here", amzn, "2024-12-31", Quarter, 0, nil},
		{"year ending elsewhere", amzn, "2024-11-30", Year, 0, nil},
		{"restated value: the amendment wins", restated, "2023-12-31", Year, 0, []string{"25-1", "24-9", "24-1"}},
		{"53-week year is a year", retail, "2024-02-03", Year, 0, []string{"24-1"}},
		{"14-week quarter is a quarter", retail, "2024-02-03", Quarter, 0, []string{"24-1"}},
		{"inferred end within a week", retail, "2024-01-31", Year, inferredSlack, []string{"24-1"}},
		{"inferred end too far", retail, "2024-01-20", Year, inferredSlack, nil},
		{"instant", cash, "2023-12-31", Year, 0, []string{"25-4", "24-8"}},
		{"instant in a quarterly brief", cash, "2024-12-31", Quarter, 0, []string{"25-4"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Match(tc.facts, day(tc.end), tc.kind, tc.tolerance)
			var accns []string
			for _, f := range got {
				accns = append(accns, f.Accn)
			}
			if len(accns) != len(tc.want) {
				t.Fatalf("got %v, want %v", accns, tc.want)
			}
			for i := range accns {
				if accns[i] != tc.want[i] {
					t.Fatalf("got %v, want %v", accns, tc.want)
				}
			}
		})
	}
}

func TestAgrees(t *testing.T) {
	tests := []struct {
		literal string
		exp     int32
		filed   int64
		want    bool
	}{
		{"68.6", 9, 68593000000, true},
		{"68.8", 9, 68593000000, false},
		{"638.0", 9, 637959000000, true},
		{"637.9", 9, 637959000000, false},
		{"574.8", 9, 574785000000, true},
		{"514.0", 9, 513983000000, true},
		{"68593", 6, 68593000000, true},
		{"68.59", 9, 68593000000, true},
		{"-2.7", 9, -2722000000, true},
		{"-2.8", 9, -2722000000, false},
		{"0.3", 9, 250000000, true},   // 0.25 rounds half away from zero
		{"-0.3", 9, -250000000, true}, // and so does −0.25
		{"0.2", 9, 250000000, false},
		{"69", 9, 68593000000, true},
		{"5.53", 0, 5, false},
	}
	for _, tc := range tests {
		lit := decimal.RequireFromString(tc.literal)
		places := int32(0)
		if i := len(tc.literal) - 1 - indexByte(tc.literal, '.'); indexByte(tc.literal, '.') >= 0 {
			places = int32(i)
		}
		if got := Agrees(lit, places, tc.exp, decimal.NewFromInt(tc.filed)); got != tc.want {
			t.Errorf("Agrees(%s e%d, %d) = %v, want %v", tc.literal, tc.exp, tc.filed, got, tc.want)
		}
	}
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

func TestParsePeriod(t *testing.T) {
	tests := []struct {
		in   string
		kind Kind
		end  int
		ok   bool
	}{
		{"FY2024", Year, 2024 * 12, true},
		{"FY2024H1", Half, 2023*12 + 6, true},
		{"FY2024H2", Half, 2024 * 12, true},
		{"FY2024Q3", Quarter, 2023*12 + 9, true},
		{"FY2024Q4", Quarter, 2024 * 12, true},
		{"FY2024H3", 0, 0, false},
		{"2024", 0, 0, false},
		{"CY2024", 0, 0, false},
	}
	for _, tc := range tests {
		f, ok := parsePeriod(tc.in)
		if ok != tc.ok || ok && (f.kind != tc.kind || f.endMonth != tc.end) {
			t.Errorf("parsePeriod(%q) = %+v, %v; want %v %d %v", tc.in, f, ok, tc.kind, tc.end, tc.ok)
		}
	}
}

func TestGrouped(t *testing.T) {
	for in, want := range map[string]string{"68593000000": "68,593,000,000", "-2722000000": "−2,722,000,000", "5.53": "5.53", "100": "100", "1000": "1,000"} {
		if got := Grouped(decimal.RequireFromString(in)); got != want {
			t.Errorf("Grouped(%s) = %s, want %s", in, got, want)
		}
	}
}
