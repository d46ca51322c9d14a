package site

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
)

const benchBrief = `---
title: Brief %d
date: 2024-%02d-%02d
tags: [t%d, common]
figures:
  a: {value: 39.8, source: s}
  b: {value: 68.6, source: s}
sources:
  s: {title: Release}
derived:
  share: a / b
---
A is {{ share }} of B.
`

func benchFS(n int) fstest.MapFS {
	fsys := fstest.MapFS{}
	for i := 0; i < n; i++ {
		src := fmt.Sprintf(benchBrief, i, i%12+1, i%28+1, i%50) + strings.Repeat("Prose about the business. ", 100) +
			"\n\n```chart\ntype: bar\ntitle: Shares\ndata: [a, b]\n```\n"
		fsys[fmt.Sprintf("content/b%05d.md", i)] = &fstest.MapFile{Data: []byte(src)}
	}
	return fsys
}

// BenchmarkUpdateOneBrief10k is the preview's rebuild after one brief's
// prose changed, in a site of 10,000 briefs.
func BenchmarkUpdateOneBrief10k(b *testing.B) {
	fsys := benchFS(10000)
	bl := NewBuilder(fsys, Options{Now: now, NoOG: true, KeepLastGood: true})
	if _, errs := bl.Build(); errs.Err() != nil {
		b.Fatal(errs)
	}
	p := "content/b00042.md"
	orig := fsys[p].Data
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		fsys[p] = &fstest.MapFile{Data: append(append([]byte{}, orig...), fmt.Sprintf("\nEdit %d.\n", i)...)}
		if _, errs := bl.Update([]string{p}); errs.Err() != nil {
			b.Fatal(errs)
		}
	}
}
