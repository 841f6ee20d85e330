package files_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/sweeperd/sweeper/connectors/files"
	"github.com/sweeperd/sweeper/sweeper"
)

func mustWrite(tb testing.TB, path string) {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("photo"), 0o644); err != nil {
		tb.Fatal(err)
	}
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

func TestRemover_Remove(t *testing.T) {
	setup := func(t *testing.T) (root, outside string) {
		base := t.TempDir()
		root = filepath.Join(base, "photos")
		outside = filepath.Join(base, "secret.txt")
		mustWrite(t, filepath.Join(root, "a", "1.jpg"))
		mustWrite(t, outside)
		return root, outside
	}

	t.Run("RemovesAFileInsideRoot", func(t *testing.T) {
		root, _ := setup(t)
		existed, err := files.Remover{}.Remove(root, "a/1.jpg")
		if err != nil || !existed {
			t.Fatalf("got existed=%v err=%v, want true, nil", existed, err)
		}
		if exists(filepath.Join(root, "a", "1.jpg")) {
			t.Error("file still exists")
		}
	})

	t.Run("AFileAlreadyGoneIsNoError", func(t *testing.T) {
		root, _ := setup(t)
		existed, err := files.Remover{}.Remove(root, "a/2.jpg")
		if err != nil || existed {
			t.Fatalf("got existed=%v err=%v, want false, nil", existed, err)
		}
	})

	t.Run("RefusesPathsOutsideRoot", func(t *testing.T) {
		root, outside := setup(t)
		if err := os.Symlink(outside, filepath.Join(root, "link.jpg")); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(filepath.Dir(outside), filepath.Join(root, "up")); err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{
			"../secret.txt",
			"a/../../secret.txt",
			"a/../1.jpg", // stays inside, but ".." is refused outright
			outside,      // absolute
			"/etc/passwd",
			"link.jpg",      // a symlink to a file outside
			"up/secret.txt", // through a symlinked directory
			"",
		} {
			_, err := files.Remover{}.Remove(root, p)
			if !errors.Is(err, sweeper.ErrOutsideRoot) {
				t.Errorf("Remove(%q): got %v, want ErrOutsideRoot", p, err)
			}
		}
		if !exists(outside) {
			t.Error("the file outside root was removed")
		}
		if !exists(filepath.Join(root, "link.jpg")) {
			t.Error("the symlink was removed")
		}
		if !exists(filepath.Join(root, "a", "1.jpg")) {
			t.Error("a file inside root was removed by a refused path")
		}
	})

	t.Run("RefusesDirectories", func(t *testing.T) {
		root, _ := setup(t)
		if _, err := (files.Remover{}).Remove(root, "a"); err == nil {
			t.Fatal("got nil error for a directory, want one")
		}
		if !exists(filepath.Join(root, "a", "1.jpg")) {
			t.Error("directory content was removed")
		}
	})
}
