package publish

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// swap exchanges stage and out in one atomic step (renameat2 with
// RENAME_EXCHANGE), so that no moment exists without a complete out.
func swap(stage, out string) error {
	if _, err := os.Lstat(out); errors.Is(err, os.ErrNotExist) {
		if err := os.Rename(stage, out); err != nil {
			return err
		}
		return os.Mkdir(stage, 0o755)
	}
	err := unix.Renameat2(unix.AT_FDCWD, stage, unix.AT_FDCWD, out, unix.RENAME_EXCHANGE)
	if errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EINVAL) {
		return swapByRename(stage, out)
	}
	return err
}
