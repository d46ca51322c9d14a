// Package gctune sets the garbage collector for a build, a short batch job
// whose live data is small.
package gctune

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"sync/atomic"
)

// Floor is the memory limit a build starts with: a 10,000-brief build
// stays below 100 MiB under it.
const Floor = 80 << 20

// Headroom is how far above the live heap the limit stays once the live
// heap outgrows Floor: room for a few hundred briefs' garbage between
// collections.
const Headroom = 40 << 20

// Batch lets a build collect garbage less often (GOGC=400) under a memory
// limit of Floor, raised after any collection to the live heap plus
// Headroom when that outgrows it: a fixed limit near the live heap makes
// the collector run back to back, which costs more than the build itself,
// while twice the live heap let a 100,000-brief build (~70 MiB live,
// mostly without pointers, so cheap to mark) grow past 128 MiB. GOGC or
// GOMEMLIMIT in the environment win. A long-running process (serve)
// keeps the runtime's defaults. Stop ends the adjusting (tests).
func Batch() (stop func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	debug.SetGCPercent(400)
	debug.SetMemoryLimit(Floor)
	var done atomic.Bool
	limit := int64(Floor)
	var arm func()
	arm = func() {
		// The sentinel becomes garbage at once; its finalizer runs after
		// the next collection and re-arms it for the one after.
		s := new([16]byte)
		runtime.SetFinalizer(s, func(*[16]byte) {
			if done.Load() {
				return
			}
			if want := liveHeap() + Headroom; want > limit {
				limit = want
				debug.SetMemoryLimit(limit)
			}
			arm()
		})
	}
	arm()
	return func() { done.Store(true) }
}

// liveHeap is the heap marked live by the last collection.
func liveHeap() int64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(s[0].Value.Uint64())
}

// LoadLimit is the memory limit while a preview reads its whole site: a
// preview of 100,000 briefs holds ~200 MiB once read and must stay within
// 512 MiB resident.
const LoadLimit = 384 << 20

var load struct {
	sync.Mutex
	n        int // loads running
	pct      int
	limit    int64
	disabled bool
}

// Load lets a long-running process collect garbage less often (GOGC=400,
// under a memory limit of LoadLimit, or the lower limit already set) while
// it reads a whole site, most of which becomes garbage at once; the
// returned function puts the collector back as it was once the last
// concurrent load is done. GOGC or GOMEMLIMIT in the environment win.
func Load() (done func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	load.Lock()
	defer load.Unlock()
	if load.n == 0 {
		load.pct = debug.SetGCPercent(400)
		load.limit = debug.SetMemoryLimit(-1)
		load.disabled = load.pct < 0
		if load.disabled {
			debug.SetGCPercent(load.pct) // GC off stays off
		}
		debug.SetMemoryLimit(min(load.limit, LoadLimit))
	}
	load.n++
	var once sync.Once
	return func() {
		once.Do(func() {
			load.Lock()
			defer load.Unlock()
			if load.n--; load.n == 0 {
				debug.SetGCPercent(load.pct)
				debug.SetMemoryLimit(load.limit)
			}
		})
	}
}
