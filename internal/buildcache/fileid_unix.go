//go:build unix

package buildcache

import (
	"io/fs"
	"syscall"
)

// fileID returns the device and inode of a file, which change when a folder
// is swapped for another.
func fileID(st fs.FileInfo) (dev, ino uint64, ok bool) {
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, false
	}
	return uint64(sys.Dev), sys.Ino, true
}
