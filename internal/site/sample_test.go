package site

import (
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"
)

// sampleFS copies the repository's own content/ and data/sec/ into memory.
func sampleFS(t *testing.T) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	root := os.DirFS("../..")
	for _, dir := range []string{"content", "data/sec"} {
		err := fs.WalkDir(root, dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := fs.ReadFile(root, p)
			m[p] = &fstest.MapFile{Data: data}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return m
}

// TestSampleSite builds the briefs this repository publishes.
func TestSampleSite(t *testing.T) {
	fsys := sampleFS(t)
	out := build(t, fsys, Options{NoOG: true})
	if out.Briefs < 3 {
		t.Fatalf("%d sample briefs", out.Briefs)
	}
	page := file(t, out, "amazon-fy2024/index.html")
	for _, want := range []string{
		`<data value="0.1687" title="= 107.6 ÷ 638.0 · Amazon Q4 2024 Earnings Release; Amazon.com, Inc. Form 10-K filed 2025-02-07 (SEC accession 0001018724-25-000004)">16.9%</data>`,
		`<data value="0.5802" title="= 39.8 ÷ 68.6 · Amazon Q4 2024 Earnings Release; Amazon.com, Inc. Form 10-K filed 2025-02-07 (SEC accession 0001018724-25-000004)">58.0%</data>`,
		`<a href="https://www.sec.gov/Archives/edgar/data/1018724/000101872425000004/0001018724-25-000004-index.htm">Amazon.com, Inc. Form 10-K filed 2025-02-07 (SEC accession 0001018724-25-000004)</a>`,
		`<del>$68.8 billion</del>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("Amazon brief lacks %s", want)
		}
	}
	all := ""
	for _, p := range out.Paths() {
		all += string(out.Files[p])
	}
	for _, kind := range []string{"bar", "hbar", "stacked", "donut", "pie", "line", "waterfall"} {
		if !strings.Contains(all, `class="chart-svg chart-wide chart-`+kind+`"`) {
			t.Errorf("no sample brief draws a %s chart", kind)
		}
	}
	meta := file(t, out, "meta-fy2024/index.html")
	if !strings.Contains(meta, ">125.6%</data>") || !strings.Contains(meta, ">−$17.73 billion</data>") {
		t.Errorf("Meta brief lacks its share above 100%% or its loss")
	}
}

// TestSampleHandTyped types numbers into the real Amazon brief: 58% is a
// warning naming the reference, 60% an error.
func TestSampleHandTyped(t *testing.T) {
	for _, tt := range []struct {
		typed   string
		warning bool
		msg     string
	}{
		{"58%", true, "hand-typed 58% matches aws_income_share: write {{ aws_income_share:pct0 }}"},
		{"60%", false, "hand-typed 60% contradicts the data: aws_income_share is 58.0%"},
	} {
		fsys := sampleFS(t)
		f := fsys["content/amazon-fy2024.md"]
		f.Data = []byte(strings.Replace(string(f.Data), "the profit from well under a fifth", "the profit ("+tt.typed+") from well under a fifth", 1))
		_, errs := Build(fsys, Options{Now: now, NoOG: true})
		if len(errs) != 1 || errs[0].Warning != tt.warning || !strings.Contains(errs[0].Msg, tt.msg) || errs[0].File != "content/amazon-fy2024.md" || errs[0].Line == 0 {
			t.Errorf("typing %s: %v", tt.typed, errs)
		}
	}
}
