package site_test

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/briefs/briefs/internal/site"
	"github.com/briefs/briefs/internal/sitetest"
)

// benchFS is n copies of the shared test brief, each with its own title,
// date and tag, long prose and a chart.
func benchFS(n int) fstest.MapFS {
	fsys := fstest.MapFS{}
	for i := 0; i < n; i++ {
		src := strings.NewReplacer(
			"title: Good", fmt.Sprintf("title: Brief %d", i),
			"date: 2025-01-02", fmt.Sprintf("date: 2024-%02d-%02d", i%12+1, i%28+1),
			"tags: [x]", fmt.Sprintf("tags: [t%d, common]", i%50),
		).Replace(sitetest.Brief)
		src += strings.Repeat("Prose about the business. ", 100) + "\n\n```chart\ntype: bar\ntitle: Shares\ndata: [a, b]\n```\n"
		fsys[fmt.Sprintf("content/b%05d.md", i)] = &fstest.MapFile{Data: []byte(src)}
	}
	return fsys
}

// BenchmarkUpdateOneBrief10k is the preview's rebuild after one brief's
// prose changed, in a site of 10,000 briefs.
func BenchmarkUpdateOneBrief10k(b *testing.B) {
	fsys := benchFS(10000)
	bl := site.NewBuilder(fsys, site.Options{Now: sitetest.Now, NoOG: true, KeepLastGood: true})
	if _, errs := bl.Build(); errs.Err() != nil {
		b.Fatal(errs)
	}
	p := "content/b00042.md"
	orig := fsys[p].Data
	if !strings.Contains(string(orig), "title: Brief 42\n") {
		b.Fatalf("%s is not brief 42:\n%s", p, orig)
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		fsys[p] = &fstest.MapFile{Data: append(append([]byte{}, orig...), fmt.Sprintf("\nEdit %d.\n", i)...)}
		if _, errs := bl.Update([]string{p}); errs.Err() != nil {
			b.Fatal(errs)
		}
	}
}
