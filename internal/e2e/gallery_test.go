package e2e

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/briefs/briefs/internal/site"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// chartProblems is run in the page: for every chart shown (the wide or
// the narrow layout, whichever CSS picks), it measures each text element
// with getBBox in the SVG's own units and reports text outside the view
// box, text over text, value labels and ticks over bars, and text drawn
// smaller than minPx on screen; and any chart frame that scrolls or takes
// focus.
const chartProblems = `(minPx) => {
  const out = [];
  const over = (a, b, s) => a.x < b.x + b.width - s && b.x < a.x + a.width - s && a.y < b.y + b.height - s && b.y < a.y + a.height - s;
  for (const fig of document.querySelectorAll("figure.chart")) {
    const frame = fig.querySelector(".chart-frame");
    if (frame.scrollWidth > frame.clientWidth + 1) out.push(fig.id + ": the chart frame scrolls sideways");
    if (fig.querySelector("[tabindex]")) out.push(fig.id + ": a tab stop in the chart");
    const shown = [...fig.querySelectorAll("svg")].filter(s => getComputedStyle(s).display !== "none");
    if (shown.length !== 1) { out.push(fig.id + ": " + shown.length + " layouts shown"); continue; }
    const svg = shown[0];
    const vb = svg.viewBox.baseVal;
    const scale = svg.getBoundingClientRect().width / vb.width;
    const rect = svg.getBoundingClientRect();
    if (rect.right > document.documentElement.clientWidth + 0.5) out.push(fig.id + ": the chart runs past the screen");
    const texts = [...svg.querySelectorAll("text")].map(t => ({t, b: t.getBBox(), s: t.textContent, c: t.getAttribute("class")}));
    const bars = [...svg.querySelectorAll("rect.bar")].map(r => r.getBBox());
    texts.forEach((a, i) => {
      const px = parseFloat(getComputedStyle(a.t).fontSize) * scale;
      if (px < minPx - 0.01) out.push(fig.id + ": " + JSON.stringify(a.s) + " is drawn at " + px.toFixed(1) + " px");
      if (a.b.x < -0.5 || a.b.y < -0.5 || a.b.x + a.b.width > vb.width + 0.5 || a.b.y + a.b.height > vb.height + 0.5)
        out.push(fig.id + ": " + JSON.stringify(a.s) + " outside the view box");
      for (const b of texts.slice(0, i)) {
        // Font boxes include line gap; shrink them to the glyphs' height.
        const sa = {x: a.b.x, y: a.b.y + a.b.height * 0.2, width: a.b.width, height: a.b.height * 0.6};
        const sb = {x: b.b.x, y: b.b.y + b.b.height * 0.2, width: b.b.width, height: b.b.height * 0.6};
        if (over(sa, sb, 0.5)) out.push(fig.id + ": " + JSON.stringify(a.s) + " overlaps " + JSON.stringify(b.s));
      }
      if (a.c !== "val in") for (const r of bars) {
        const sa = {x: a.b.x, y: a.b.y + a.b.height * 0.2, width: a.b.width, height: a.b.height * 0.6};
        if (over(sa, r, 0.5)) out.push(fig.id + ": " + JSON.stringify(a.s) + " overlaps a bar");
      }
    });
  }
  return out;
}`

// TestChartGallery opens the gallery of hard chart cases at 360 and 1280
// px, light and dark: no page scrolls sideways, no chart text is drawn
// under 11 px, no text leaves its chart or overlaps another text or a bar
// (measured by the browser, in the font it draws), and the charts pass axe.
// Screenshots go to testdata-out/gallery/ for a person to look at.
func TestChartGallery(t *testing.T) {
	axePath := filepath.Join(root(t), "node_modules", "axe-core", "axe.min.js")
	axeSrc, axeErr := os.ReadFile(axePath)
	need(t, "axe-core (npm ci)", axeErr == nil)
	ctx := browser(t)
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	out, errs := site.Build(os.DirFS(filepath.Join(root(t), "internal", "e2e", "testdata", "gallery")), site.Options{BaseURL: "http://" + addr + "/"})
	if err := errs.Err(); err != nil {
		t.Fatalf("building the gallery: %v", err)
	}
	if n := strings.Count(string(out.Files["gallery/index.html"]), `<figure class="chart"`); n < 12 {
		t.Fatalf("the gallery has %d charts", n)
	}
	base := serveAt(t, addr, out.Files)
	shots := filepath.Join(root(t), "testdata-out", "gallery")
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	problems := listen(t, ctx)
	for _, width := range []int{360, 1280} {
		for _, mode := range []string{"light", "dark"} {
			name := fmt.Sprintf("%d-%s", width, mode)
			t.Run(name, func(t *testing.T) {
				if err := chromedp.Do(ctx, scheme(mode), chromedp.EmulateViewport(int64(width), 900),
					chromedp.Navigate(base+"/gallery/"), chromedp.WaitReady("body")); err != nil {
					t.Fatal(err)
				}
				// Measure in the font the charts are drawn with, once it loaded.
				if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.fonts.ready.then(() => document.fonts.check('13px "BriefsChart"'))`, chromedp.EvalAwaitPromise)); err != nil {
					t.Fatal(err)
				}
				scroll, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
				if err != nil {
					t.Fatal(err)
				}
				if scroll > width {
					t.Errorf("the gallery is %d px wide on a %d px screen", scroll, width)
				}
				found, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(`+chartProblems+`)(11)`))
				if err != nil {
					t.Fatal(err)
				}
				for _, p := range found {
					t.Error(p)
				}
				png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(shots, name+".png"), png, 0o644); err != nil {
					t.Fatal(err)
				}
				// At 360 px the brief page's own figures table scrolls (not a chart).
				if width == 1280 {
					res, err := runAxe(ctx, string(axeSrc))
					if err != nil {
						t.Fatal(err)
					}
					for _, v := range res.Violations {
						t.Errorf("axe %s: %s at %v", v.ID, v.Help, v.Nodes[0].Target)
					}
				}
				for _, m := range problems.drain() {
					t.Errorf("console: %s", m)
				}
			})
		}
	}
	// Printed, every chart keeps its data table (a closed <details> would
	// not print it).
	t.Run("print", func(t *testing.T) {
		media := func(m string) chromedp.Action[chromedp.Void] {
			return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: m})
				return err
			})
		}
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(1000, 900), chromedp.Navigate(base+"/gallery/"), chromedp.WaitReady("body"), media("print")); err != nil {
			t.Fatal(err)
		}
		defer chromedp.Do(ctx, media(""))
		printed, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`[...document.querySelectorAll("figure.chart")].map(f => [...f.querySelectorAll("table")].filter(t => t.getBoundingClientRect().height > 0).length)`))
		if err != nil {
			t.Fatal(err)
		}
		for i, n := range printed {
			if n != 1 {
				t.Errorf("printed, chart %d shows %d data tables, want 1", i+1, n)
			}
		}
	})
}
