// Package files removes the files that belong to swept rows (photos,
// uploads) from the local file system, and never anything outside the
// rule's root directory.
package files

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/sweeperd/sweeper/sweeper"
)

// Remover implements sweeper.FileRemover.
type Remover struct{}

var _ sweeper.FileRemover = Remover{}

// Remove removes path inside root. Absolute paths, ".." and symlinks are
// refused before anything is touched; os.Root then guards the rest of the
// walk, so a directory swapped for a symlink meanwhile cannot lead outside.
func (Remover) Remove(root, path string) (bool, error) {
	if path == "" || filepath.IsAbs(path) || strings.HasPrefix(path, `\`) {
		return false, fmt.Errorf("%w: an absolute or empty path", sweeper.ErrOutsideRoot)
	}
	for _, part := range strings.Split(filepath.ToSlash(path), "/") {
		if part == ".." {
			return false, fmt.Errorf("%w: the path climbs with ..", sweeper.ErrOutsideRoot)
		}
	}
	r, err := os.OpenRoot(root)
	if err != nil {
		return false, fmt.Errorf("open files.root: %w", err)
	}
	defer r.Close()
	fi, err := r.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	case err != nil && isEscape(err):
		return false, fmt.Errorf("%w: a symlink on the way leads outside", sweeper.ErrOutsideRoot)
	case err != nil:
		return false, fmt.Errorf("stat file: %w", err)
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		return false, fmt.Errorf("%w: the path is a symlink", sweeper.ErrOutsideRoot)
	}
	if fi.IsDir() {
		return false, fmt.Errorf("the path is a directory; only files are removed")
	}
	if err := r.Remove(path); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return false, nil
		}
		if isEscape(err) {
			return false, fmt.Errorf("%w: a symlink on the way leads outside", sweeper.ErrOutsideRoot)
		}
		return false, fmt.Errorf("remove file: %w", err)
	}
	return true, nil
}

// isEscape recognises os.Root's refusal of a path that leaves the root.
func isEscape(err error) bool {
	return err != nil && strings.Contains(err.Error(), "path escapes from parent")
}
