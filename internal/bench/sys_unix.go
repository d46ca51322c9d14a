//go:build unix

package bench

import (
	"os"
	"syscall"
)

// peakKB is a finished process's peak resident memory (KiB on Linux).
func peakKB(ps *os.ProcessState) int64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return int64(ru.Maxrss)
	}
	return 0
}

// syncDisks flushes written files, so that one run's writeback does not
// land in the next run's time.
func syncDisks() { syscall.Sync() }
