package site

import (
	"fmt"
	"testing"
	"testing/fstest"

	"github.com/briefs/briefs/internal/bench"
)

// BenchmarkColdBuild2k builds 2,000 synthetic briefs in memory (no disk).
func BenchmarkColdBuild2k(b *testing.B) {
	fsys := fstest.MapFS{}
	for i := 0; i < 2000; i++ {
		fsys[fmt.Sprintf("content/b%05d.md", i)] = &fstest.MapFile{Data: []byte(bench.Brief(i))}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, errs := Build(fsys, Options{Now: now, NoOG: true}); errs.Err() != nil {
			b.Fatal(errs)
		}
	}
}
