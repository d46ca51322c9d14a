package gctune

import (
	"math"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// restore puts the collector back as it was before a test changed it.
func restore(t *testing.T) {
	pct := debug.SetGCPercent(100)
	debug.SetGCPercent(pct)
	limit := debug.SetMemoryLimit(-1)
	t.Cleanup(func() {
		debug.SetGCPercent(pct)
		debug.SetMemoryLimit(limit)
	})
}

func TestBatch(t *testing.T) {
	restore(t)
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	debug.SetGCPercent(100)
	debug.SetMemoryLimit(math.MaxInt64)
	stop := Batch()
	defer stop()
	if got := debug.SetGCPercent(100); got != 400 {
		t.Errorf("GC percent %d, want 400", got)
	}
	if got := debug.SetMemoryLimit(-1); got != Floor {
		t.Errorf("memory limit %d, want %d", got, Floor)
	}
}

func TestBatchEnvironmentWins(t *testing.T) {
	restore(t)
	for _, env := range []string{"GOGC", "GOMEMLIMIT"} {
		t.Run(env, func(t *testing.T) {
			t.Setenv("GOGC", "")
			t.Setenv("GOMEMLIMIT", "")
			t.Setenv(env, "200")
			debug.SetGCPercent(100)
			debug.SetMemoryLimit(math.MaxInt64)
			Batch()()
			if got := debug.SetGCPercent(100); got != 100 {
				t.Errorf("GC percent %d: $%s must win", got, env)
			}
			if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
				t.Errorf("memory limit %d: $%s must win", got, env)
			}
		})
	}
}

// keep holds the live data of TestBatchLimitFollowsLiveHeap.
var keep [][]byte

// A live heap near the floor raises the limit to the live heap plus
// Headroom after a collection, so the collector does not run back to
// back, and no further: twice the live heap grew a large build past 128 MiB.
func TestBatchLimitFollowsLiveHeap(t *testing.T) {
	restore(t)
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	stop := Batch()
	defer stop()
	defer func() { keep = nil }()
	for range 60 {
		keep = append(keep, make([]byte, 1<<20))
	}
	for range 20 {
		runtime.GC()
		if got := debug.SetMemoryLimit(-1); got >= 100<<20 {
			if got > 110<<20 {
				t.Fatalf("memory limit %d MiB with 60 MiB live, want the live heap plus %d MiB", got>>20, Headroom>>20)
			}
			return
		}
		time.Sleep(10 * time.Millisecond) // the finalizer runs on its own goroutine
	}
	t.Fatalf("memory limit %d MiB with 60 MiB live, want at least the live heap plus %d MiB", debug.SetMemoryLimit(-1)>>20, Headroom>>20)
}

// A load collects less often under LoadLimit, and the collector is as it
// was once the last of two overlapping loads is done.
func TestLoad(t *testing.T) {
	restore(t)
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	debug.SetGCPercent(100)
	debug.SetMemoryLimit(math.MaxInt64)
	first := Load()
	second := Load()
	if got := debug.SetGCPercent(400); got != 400 {
		t.Errorf("GC percent %d while loading, want 400", got)
	}
	if got := debug.SetMemoryLimit(-1); got != LoadLimit {
		t.Errorf("memory limit %d while loading, want %d", got, LoadLimit)
	}
	first()
	first() // twice is once
	if got := debug.SetGCPercent(400); got != 400 {
		t.Errorf("GC percent %d with a load still running, want 400", got)
	}
	second()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GC percent %d after the loads, want 100 back", got)
	}
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("memory limit %d after the loads, want it back", got)
	}
	// A lower limit already set stays.
	debug.SetMemoryLimit(100 << 20)
	Load()()
	if got := debug.SetMemoryLimit(-1); got != 100<<20 {
		t.Errorf("memory limit %d, want the lower 100 MiB kept", got)
	}
	t.Setenv("GOGC", "200")
	debug.SetGCPercent(200)
	done := Load()
	got := debug.SetGCPercent(200)
	done()
	if got != 200 {
		t.Errorf("GC percent %d while loading: $GOGC must win", got)
	}
}
