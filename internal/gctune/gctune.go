// Package gctune sets the garbage collector for a build, a short batch job
// whose live data is small.
package gctune

import (
	"os"
	"runtime/debug"
)

// Batch lets a build collect garbage less often, under a memory limit that
// keeps a 10,000-brief build below 100 MiB: frequent collections only cost
// CPU. GOGC or GOMEMLIMIT in the environment win. A long-running process
// (serve) keeps the runtime's defaults.
func Batch() {
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetGCPercent(400)
		debug.SetMemoryLimit(80 << 20)
	}
}
