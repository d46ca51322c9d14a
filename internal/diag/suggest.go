package diag

import (
	"fmt"
	"slices"
)

// DidYouMean returns " (did you mean X?)", X being the entry of names
// nearest to name, or "" when none is near enough to be a likely typo. The
// hint is meant to be appended to an error message.
func DidYouMean(name string, names []string) string {
	if alt := Closest(name, names); alt != "" {
		return fmt.Sprintf(" (did you mean %s?)", alt)
	}
	return ""
}

// Closest returns the entry of names nearest to name by edit distance
// (ties go to the first in sorted order), or "" when none is within a third
// of name's length (at least 2 edits).
func Closest(name string, names []string) string {
	best, bestD := "", 1<<30
	sorted := slices.Clone(names)
	slices.Sort(sorted)
	for _, n := range sorted {
		if d := distance(name, n); d < bestD {
			best, bestD = n, d
		}
	}
	if best == "" || bestD > max(2, len(name)/3) {
		return ""
	}
	return best
}

// distance is the Levenshtein distance between a and b, by bytes.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
