package e2e

import (
	"net"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/briefs/briefs/internal/site"
	"github.com/chromedp/chromedp"
)

// longWord is a real kind of company name: German compounds do not break
// at a space.
const longWord = "Donaudampfschifffahrtselektrizitätenhauptbetriebswerkbauunterbeamtengesellschaft"

// TestLongWordsFit builds a site whose every text field holds a long
// unbroken word, and loads each page on a 360 px phone: none may scroll
// sideways.
func TestLongWordsFit(t *testing.T) {
	ctx := browser(t)
	w := longWord
	fsys := fstest.MapFS{
		"content/_index.md": {Data: []byte("---\ntitle: " + w + "\ndescription: " + w + " " + w + "\n---\n")},
		"content/long.md": {Data: []byte("---\ntitle: " + w + " " + w + "\nsummary: " + w + "\ndate: 2025-02-10\n" +
			"company: " + w + " AG\nticker: " + strings.ToUpper(w[:12]) + "\nperiod: FY2024\ntags: [" + w + "]\ncurrency: EUR\nscale: million\n" +
			"sources:\n  ar: {title: " + w + "-Geschäftsbericht, url: \"https://example.com/" + w + "\"}\n" +
			"figures:\n  umsatz: {values: {FY2023: 1556000.5, FY2024: 1234567.8}, label: " + w + "umsatz, source: ar}\n  kosten: {value: 999999.9, label: " + w + "kosten, source: ar}\n" +
			"derived:\n  marge: {expr: (umsatz - kosten) / umsatz, label: " + w + "marge}\n---\n" +
			"## " + w + "\n\n" + w + w + " earned {{ umsatz }} ({{ umsatz@FY2023 }} before), a margin of {{ marge }}.\n\n" +
			"| " + w + " | " + w + " |\n|---|---|\n| {{ marge }} | " + w + " |\n")},
	}
	out, errs := site.Build(fsys, site.Options{})
	if err := errs.Err(); err != nil {
		t.Fatal(err)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	base := serveAt(t, addr, out.Files)
	checked := 0
	for _, p := range pages(out) {
		url := base + "/" + strings.TrimSuffix(p, "index.html")
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(360, 740, chromedp.EmulateScale(2)), chromedp.Navigate(url), chromedp.WaitReady("body")); err != nil {
			t.Fatal(err)
		}
		width, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
		if err != nil {
			t.Fatal(err)
		}
		if width > 360 {
			t.Errorf("%s is %d px wide on a 360 px phone", p, width)
			wide, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 361).slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).join('; ')`))
			t.Logf("wider than the screen: %s", wide)
		}
		if clipped := numbersClipped(t, ctx); clipped != "" {
			t.Errorf("%s: The numbers %s", p, clipped)
		}
		checked++
	}
	if checked < 5 {
		t.Errorf("only %d pages checked", checked)
	}
}
