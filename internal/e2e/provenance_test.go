package e2e

import (
	"net"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestProvenanceByKeyboard: on a phone, with the keyboard alone and no
// script of the page's, a number in the prose leads to its row in "The
// numbers", which shows the computation and a source marker that leads on
// to the source.
func TestProvenanceByKeyboard(t *testing.T) {
	ctx := browser(t)
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	base := serveAt(t, addr, sampleSite(t, "http://"+addr+"/").Files)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(360, 740, chromedp.EmulateScale(2)),
		chromedp.Navigate(base+"/amazon-fy2024/"), chromedp.WaitReady("body")); err != nil {
		t.Fatal(err)
	}
	// Focus would wait for ever for a link that is not there.
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(".prose a.ref").length`)); err != nil || n == 0 {
		t.Fatalf("no number in the prose is a link (%v)", err)
	}
	if err := chromedp.Do(ctx, chromedp.Focus(chromedp.CSS(".prose a.ref")), chromedp.KeyEvent(kb.Enter)); err != nil {
		t.Fatal(err)
	}
	row, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		const r = document.querySelector(":target");
		if (!r || !r.closest(".numbers")) return "no row of The numbers is the target (" + location.hash + ")";
		const box = r.getBoundingClientRect();
		if (box.top < 0 || box.bottom > innerHeight) return "the row is off screen";
		return r.textContent;
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if row != "AWS net sales$107.6 billionReported source [1]" {
		t.Errorf("the first number leads to %q", row)
	}
	if err := chromedp.Do(ctx, chromedp.Focus(chromedp.CSS(":target a.cite")), chromedp.KeyEvent(kb.Enter)); err != nil {
		t.Fatal(err)
	}
	src, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector(".sources :target") ? document.querySelector(":target").textContent : location.hash`))
	if err != nil {
		t.Fatal(err)
	}
	if src != "Amazon Q4 2024 Earnings Release, 2025-02-06" {
		t.Errorf("the source marker leads to %q", src)
	}
}
