package figures

import (
	"strconv"
	"strings"
)

// periodKey places a fiscal period in time: FY2024 is the year, FY2024H1
// and FY2024Q3 parts of it. A part sorts by its end within the year and the
// whole year after its parts (they all end no later than it does).
type periodKey struct {
	year int
	// kind is 'Y', 'H' or 'Q'; end is the part's last quarter (1-4).
	kind byte
	end  int
}

// parsePeriod reads FY2024, FY2024H1 (H1-H2) or FY2024Q3 (Q1-Q4).
func parsePeriod(p string) (periodKey, bool) {
	rest, ok := strings.CutPrefix(p, "FY")
	if !ok || len(rest) < 4 {
		return periodKey{}, false
	}
	year, err := strconv.Atoi(rest[:4])
	if err != nil || rest[0] < '0' || rest[0] > '9' {
		return periodKey{}, false
	}
	switch sub := rest[4:]; {
	case sub == "":
		return periodKey{year, 'Y', 4}, true
	case len(sub) == 2 && sub[0] == 'H' && sub[1] >= '1' && sub[1] <= '2':
		return periodKey{year, 'H', int(sub[1]-'0') * 2}, true
	case len(sub) == 2 && sub[0] == 'Q' && sub[1] >= '1' && sub[1] <= '4':
		return periodKey{year, 'Q', int(sub[1] - '0')}, true
	}
	return periodKey{}, false
}

// before tells whether k ends before o, or with o when k is the shorter.
func (k periodKey) before(o periodKey) bool {
	if k.year != o.year {
		return k.year < o.year
	}
	if k.end != o.end {
		return k.end < o.end
	}
	return k.kind == 'Q' && o.kind != 'Q' || k.kind == 'H' && o.kind == 'Y'
}
