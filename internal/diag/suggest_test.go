package diag

import "testing"

func TestClosest(t *testing.T) {
	names := []string{"net_sales", "aws_net_sales", "operating_income"}
	for in, want := range map[string]string{
		"net_sale":        "net_sales",
		"aws_netsales":    "aws_net_sales",
		"zzz":             "",
		"operating_incme": "operating_income",
		"":                "",
	} {
		if got := Closest(in, names); got != want {
			t.Errorf("Closest(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Closest("x", nil); got != "" {
		t.Errorf("Closest with no names = %q", got)
	}
	// Ties go to the first name in sorted order, whatever the order given.
	if got := Closest("ab", []string{"ac", "aa"}); got != "aa" {
		t.Errorf("tie: %q, want aa", got)
	}
}

func TestDidYouMean(t *testing.T) {
	if got := DidYouMean("tilte", []string{"title", "date"}); got != " (did you mean title?)" {
		t.Errorf("DidYouMean = %q", got)
	}
	if got := DidYouMean("zzzzzz", []string{"title", "date"}); got != "" {
		t.Errorf("no likely name: %q, want nothing", got)
	}
}
