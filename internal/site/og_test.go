package site

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/briefs/briefs/internal/brief"
	"github.com/briefs/briefs/internal/figures"
)

// heapInUse is the heap in use after a full collection.
func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// What a streaming build keeps of each card it writes (to write a card
// shared by briefs once) stays small: it is kept for every card until the
// build ends, and the build's memory limit (gctune) follows the live heap,
// so at 100,000 briefs the ~100 bytes a card of the names as strings
// raised the peak by ~10 MB.
func TestCardsWrittenKeepLittle(t *testing.T) {
	const n = 50_000
	spec := func(i int) *ogSpec {
		return newOGSpec(&brief.Brief{Title: fmt.Sprintf("Brief %d", i), Company: "Company", Period: "FY2024", Figures: figures.NewSet("a.md", "FY2024")}, "Site")
	}
	b := &Builder{}
	before := heapInUse()
	for i := range n {
		if o := spec(i); !b.firstOGWrite(o) {
			t.Fatalf("card %s written before", o.name)
		}
	}
	after := heapInUse()
	if b.firstOGWrite(spec(7)) {
		t.Errorf("card 7 written twice")
	}
	perCard := (int64(after) - int64(before)) / n
	if perCard > 32 {
		t.Errorf("%d bytes kept per card written, want at most 32", perCard)
	}
}
