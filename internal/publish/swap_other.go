//go:build !linux

package publish

import (
	"errors"
	"os"
)

func swap(stage, out string) error {
	if _, err := os.Lstat(out); errors.Is(err, os.ErrNotExist) {
		if err := os.Rename(stage, out); err != nil {
			return err
		}
		return os.Mkdir(stage, 0o755)
	}
	return swapByRename(stage, out)
}
