package site

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
)

// cardSink keeps the names written and fails the cards of every third
// brief.
type cardSink struct {
	mu    sync.Mutex
	names map[string]bool
	fail  map[string]bool // card paths that fail
}

func (s *cardSink) WriteFile(name string, data []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail[name] {
		return errors.New("disk full")
	}
	if s.names[name] {
		return fmt.Errorf("%s written twice", name)
	}
	s.names[name] = true
	return nil
}

// A streaming build draws its cards in batches as it goes and the last
// ones while it writes the lists: every card is written once, and every
// card that cannot be written is its brief's error, drawn early or late.
func TestStreamingCardsInBatches(t *testing.T) {
	defer func(n int) { cardsLeft = n }(cardsLeft)
	const n = 3*cardBatch + 17
	fsys := loadSite(t, "testdata/site.txtar")
	for k := range n {
		fsys[fmt.Sprintf("content/c%03d.md", k)] = &fstest.MapFile{Data: fmt.Appendf(nil, "---\ntitle: Card number %d\ndate: 2025-01-01\nslug: c%03d\n---\nBody.\n", k, k)}
	}
	for _, left := range []int{0, cardBatch, 1 << 20} {
		cardsLeft = left
		// Which card paths the briefs get: from a build that keeps them.
		sink := &cardSink{names: map[string]bool{}}
		b := NewBuilder(fsys, Options{Now: now, Sink: sink, BaseURL: "https://x.example/"})
		if _, errs := b.Build(); errs.Err() != nil {
			t.Fatal(errs.Err())
		}
		var cards []string
		for name := range sink.names {
			if strings.HasPrefix(name, "og/") {
				cards = append(cards, name)
			}
		}
		if len(cards) < n || b.OGDrawn != len(cards) {
			t.Fatalf("cards left %d: %d cards written, %d drawn, want at least %d", left, len(cards), b.OGDrawn, n)
		}
		fail := map[string]bool{}
		for i, c := range cards {
			if i%3 == 0 {
				fail[c] = true
			}
		}
		sink = &cardSink{names: map[string]bool{}, fail: fail}
		b = NewBuilder(fsys, Options{Now: now, Sink: sink, BaseURL: "https://x.example/"})
		_, errs := b.Build()
		got := 0
		for _, e := range errs {
			if strings.HasPrefix(e.File, "content/") && strings.Contains(e.Msg, "writing output: disk full") {
				got++
			}
		}
		if got != len(fail) || len(errs) != len(fail) {
			t.Errorf("cards left %d: %d errors of cards not written (%d in all), want %d", left, got, len(errs), len(fail))
		}
	}
}

// thenSink is a sink that says when it is done with a file's bytes: it
// keeps them until then, and says so only after the build, so that a card
// drawn over a buffer not yet given back shows as changed bytes.
type thenSink struct {
	mu    sync.Mutex
	files map[string][]byte
	kept  map[string][]byte // the bytes as given, until done
	done  []func()
}

func (s *thenSink) WriteFile(name string, data []byte) error {
	return s.WriteFileThen(name, data, nil)
}

func (s *thenSink) WriteFileThen(name string, data []byte, done func()) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[name] = append([]byte{}, data...)
	s.kept[name] = data
	if done != nil {
		s.done = append(s.done, done)
	}
	return nil
}

// A build whose sink gives card buffers back writes the cards a build
// without one writes, byte for byte, and never draws over a buffer the
// sink still holds.
func TestCardsIntoReusedBuffers(t *testing.T) {
	fsys := loadSite(t, "testdata/site.txtar")
	for k := range 40 {
		fsys[fmt.Sprintf("content/c%03d.md", k)] = &fstest.MapFile{Data: fmt.Appendf(nil, "---\ntitle: Card number %d\ndate: 2025-01-01\nslug: c%03d\n---\nBody.\n", k, k)}
	}
	plain := &cardSink{names: map[string]bool{}}
	want := NewBuilder(fsys, Options{Now: now, Sink: plain, BaseURL: "https://x.example/"})
	if _, errs := want.Build(); errs.Err() != nil {
		t.Fatal(errs.Err())
	}
	wantPNG := map[string][]byte{}
	for name := range plain.names {
		if strings.HasPrefix(name, "og/") {
			wantPNG[name] = nil
		}
	}
	// The same cards drawn the plain way, for their bytes.
	mem := NewBuilder(fsys, Options{Now: now, BaseURL: "https://x.example/"})
	out, errs := mem.Build()
	if errs.Err() != nil {
		t.Fatal(errs.Err())
	}
	for name := range wantPNG {
		wantPNG[name] = out.Files[name]
	}
	sink := &thenSink{files: map[string][]byte{}, kept: map[string][]byte{}}
	b := NewBuilder(fsys, Options{Now: now, Sink: sink, BaseURL: "https://x.example/"})
	if _, errs := b.Build(); errs.Err() != nil {
		t.Fatal(errs.Err())
	}
	if len(sink.done) != len(wantPNG) || b.OGDrawn != len(wantPNG) {
		t.Errorf("%d buffers to give back, %d cards drawn; want %d", len(sink.done), b.OGDrawn, len(wantPNG))
	}
	for name, png := range wantPNG {
		if len(png) == 0 || string(sink.files[name]) != string(png) || string(sink.kept[name]) != string(png) {
			t.Errorf("%s: not the card a plain build draws, or drawn over", name)
		}
	}
	for _, done := range sink.done {
		done()
	}
}
