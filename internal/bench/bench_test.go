package bench

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/briefs/briefs/internal/brief"
	"github.com/briefs/briefs/internal/site"
)

// TestBriefIsValid checks that the synthetic briefs are the shape the
// benchmark promises: about 700 words, 4 figures, 3 derived, 2 charts, and
// companies whose briefs build together (they read each other's values).
func TestBriefIsValid(t *testing.T) {
	for _, i := range []int{0, 1, 42, 9999} {
		src := Brief(i)
		b, errs := brief.Read("content/b.md", []byte(src))
		if b == nil || len(errs) > 0 {
			t.Fatalf("brief %d: %v", i, errs)
		}
		figs, derived := 0, 0
		for _, e := range b.Figures.Entries() {
			if e.Derived {
				derived++
			} else {
				figs++
			}
		}
		words := len(strings.Fields(string(b.Body)))
		if figs != 4 || derived != 3 || strings.Count(src, "```chart") != 2 || words < 600 || words > 800 {
			t.Errorf("brief %d: %d figures, %d derived, %d words", i, figs, derived, words)
		}
	}
	fsys := fstest.MapFS{}
	for i := 0; i < 50; i++ {
		fsys[fmt.Sprintf("content/b%02d.md", i)] = &fstest.MapFile{Data: []byte(Brief(i))}
	}
	out, errs := site.Build(fsys, site.Options{Now: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), NoOG: true})
	if errs.Err() != nil || out.Briefs != 50 || out.Charts != 100 {
		t.Fatalf("site of 50: %v", errs)
	}
	// Brief 13 (company 1, FY2018) grows from and charts the company's
	// earlier briefs.
	page := string(out.Files["b13/index.html"])
	for _, want := range []string{">FY2015<", ">FY2016<", ">FY2018<"} {
		if !strings.Contains(page, want) {
			t.Errorf("brief 13's revenue chart lacks %s", want)
		}
	}
	if strings.Contains(page, ">FY2014<") || strings.Contains(page, ">FY2019<") {
		t.Errorf("brief 13's revenue chart runs outside FY2015..FY2018")
	}
}

// BenchmarkColdBuild2k builds 2,000 synthetic briefs in memory (no disk).
func BenchmarkColdBuild2k(b *testing.B) {
	fsys := fstest.MapFS{}
	for i := 0; i < 2000; i++ {
		fsys[fmt.Sprintf("content/b%05d.md", i)] = &fstest.MapFile{Data: []byte(Brief(i))}
	}
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		if _, errs := site.Build(fsys, site.Options{Now: now, NoOG: true, Sink: discard{}}); errs.Err() != nil {
			b.Fatal(errs)
		}
	}
}
