package site

import (
	"context"
	"fmt"
	"runtime"
	"sync"
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

// heldSink takes files and holds each writer until release is closed;
// entered tells of each write begun.
type heldSink struct {
	mu      sync.Mutex
	files   map[string]bool
	entered chan string
	release chan struct{}
}

func (s *heldSink) WriteFile(name string, data []byte) error {
	s.mu.Lock()
	s.files[name] = true
	s.mu.Unlock()
	s.entered <- name
	<-s.release
	return nil
}

// A streaming build draws cards on at most maxDrawers workers at once (a
// drawer holds megabytes to the end of the build): a worker whose batch is
// due while they are all drawing leaves its cards for later, without
// waiting and without a drawer of its own.
func TestCardsDrawnByFewWorkers(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	if maxDrawers() != 1 {
		t.Fatalf("%d drawers for two workers, want 1", maxDrawers())
	}
	sink := &heldSink{files: map[string]bool{}, entered: make(chan string, 4*cardBatch), release: make(chan struct{})}
	b := &Builder{opts: Options{Sink: sink}, recs: newRecords(0), drawSlots: make(chan struct{}, maxDrawers())}
	group := func(c int) []*entry {
		var g []*entry
		for i := range cardBatch {
			bf := &brief.Brief{Title: fmt.Sprintf("Brief %d of %d", i, c), Company: fmt.Sprintf("Company %d", c), Period: "FY2024", Figures: figures.NewSet("a.md", "FY2024")}
			g = append(g, &entry{path: fmt.Sprintf("content/%d-%d.md", c, i), good: &rendered{og: newOGSpec(bf, "Site"), ogLater: true}})
		}
		return g
	}
	q1, q2 := &cardQueue{b: b}, &cardQueue{b: b}
	b.cardQueues = []*cardQueue{q1, q2}
	first, second := make(chan struct{}), make(chan struct{})
	go func() { q1.add(group(1)); close(first) }()
	<-sink.entered // the first worker draws, held at its first card
	go func() { q2.add(group(2)); close(second) }()
	select {
	case <-second:
	case name := <-sink.entered:
		t.Errorf("a second worker drew %s while the first was drawing", name)
	}
	close(sink.release)
	<-first
	<-second
	if n := len(q2.cards); n != cardBatch {
		t.Errorf("the second worker left %d cards, want %d", n, cardBatch)
	}
	if errs := b.drawCardsLeft(context.Background())(); len(errs) > 0 {
		t.Error(errs)
	}
	if len(sink.files) != 2*cardBatch {
		t.Errorf("%d cards written, want %d", len(sink.files), 2*cardBatch)
	}
	if len(b.ogIdle) != 1 {
		t.Errorf("%d drawers made, want 1", len(b.ogIdle))
	}
}
