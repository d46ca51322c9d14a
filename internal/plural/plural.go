// Package plural words counts in summary lines: "1 brief", "2 briefs".
package plural

import "strconv"

// Count returns n followed by noun, with an "s" added unless n is 1. Every
// noun the command line counts (brief, chart, page, error, warning,
// OpenGraph image, value) takes a regular plural.
func Count(n int, noun string) string {
	s := strconv.Itoa(n) + " " + noun
	if n != 1 {
		s += "s"
	}
	return s
}
