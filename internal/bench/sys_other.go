//go:build !unix

package bench

import "os"

// peakKB is not measured here.
func peakKB(*os.ProcessState) int64 { return 0 }

// syncDisks does nothing here: the benchmark's figures are for Linux.
func syncDisks() {}
