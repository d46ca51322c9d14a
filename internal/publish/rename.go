package publish

import "os"

// swapByRename is the fallback where an atomic exchange is not available:
// two renames, with a brief moment in between when out does not exist.
func swapByRename(stage, out string) error {
	old := stage + "-old"
	if err := os.Rename(out, old); err != nil {
		return err
	}
	if err := os.Rename(stage, out); err != nil {
		_ = os.Rename(old, out)
		return err
	}
	return os.Rename(old, stage)
}
