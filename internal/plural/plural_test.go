package plural

import "testing"

func TestCount(t *testing.T) {
	for _, c := range []struct {
		n    int
		noun string
		want string
	}{
		{0, "brief", "0 briefs"},
		{1, "brief", "1 brief"},
		{2, "chart", "2 charts"},
		{1, "OpenGraph image", "1 OpenGraph image"},
		{11, "OpenGraph image", "11 OpenGraph images"},
		{-1, "error", "-1 errors"},
	} {
		if got := Count(c.n, c.noun); got != c.want {
			t.Errorf("Count(%d, %q) = %q, want %q", c.n, c.noun, got, c.want)
		}
	}
}
