package site

import (
	"reflect"
	"testing"
	"testing/fstest"
)

// recordsSite is the test site with a brief that sets everything a
// record keeps: id, updated, slug, ticker, tags and a headline.
func recordsSite(t *testing.T) fstest.MapFS {
	fsys := loadSite(t, "testdata/site.txtar")
	fsys["content/full.md"] = &fstest.MapFile{Data: []byte(`---
title: Everything at once
summary: A brief that sets every field.
date: 2025-03-01
updated: 2025-04-02
id: urn:example:full
slug: every-field
company: Acme Corp
ticker: ACME
period: FY2024
tags: [cloud, Ünïcode tag]
figures:
  revenue: {value: 12.5, label: Revenue}
headline: revenue
---
Body {{ revenue }}.
`)}
	return fsys
}

// A record gives back the meta and the list item of the rendering it was
// made from.
func TestRecordsRoundTrip(t *testing.T) {
	b := NewBuilder(recordsSite(t), Options{Now: now, Drafts: true})
	if _, errs := b.Build(); errs.Err() != nil {
		t.Fatal(errs.Err())
	}
	rs := newRecords(0)
	var kept []*rendered
	for _, e := range b.sortedEntries() {
		if e.good != nil {
			rs.add(e, true)
			kept = append(kept, e.good)
		}
	}
	if len(kept) < 5 {
		t.Fatalf("%d renderings, want the test site's", len(kept))
	}
	for i, r := range kept {
		if got := rs.meta(int32(i)); !reflect.DeepEqual(got, r.meta) {
			t.Errorf("record %d meta:\n%+v\nwant\n%+v", i, got, r.meta)
		}
		if got := rs.item(int32(i)); *got != r.item {
			t.Errorf("record %d item:\n%+v\nwant\n%+v", i, *got, r.item)
		}
		if got := rs.recs[i].charts; int(got) != r.charts {
			t.Errorf("record %d: %d charts, want %d", i, got, r.charts)
		}
	}
}

// discardSink takes files and keeps none.
type discardSink struct{}

func (d *discardSink) WriteFile(string, []byte) error { return nil }

// A streaming build keeps a record per published brief and no entry or
// rendering: at 100,000 briefs those were most of its memory.
func TestStreamingKeepsOnlyRecords(t *testing.T) {
	b := NewBuilder(recordsSite(t), Options{Now: now, Sink: &discardSink{}, BaseURL: "https://x.example/"})
	out, errs := b.Build()
	if errs.Err() != nil {
		t.Fatal(errs.Err())
	}
	if len(b.entries) != 0 {
		t.Errorf("%d entries kept after a streaming build, want none", len(b.entries))
	}
	if b.recs == nil || len(b.recs.recs) != out.Briefs || out.Briefs == 0 {
		t.Errorf("records for %d briefs published", out.Briefs)
	}
}
