package sweeper_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sweeperd/sweeper/connectors/files"
	"github.com/sweeperd/sweeper/sweeper"
)

// remover is a FileRemover whose behaviour a test sets.
type remover struct {
	remove func(root, path string) (bool, error)
}

func (r remover) Remove(root, path string) (bool, error) { return r.remove(root, path) }

var _ sweeper.FileRemover = remover{}

func TestSweeper_Files(t *testing.T) {
	asOf := time.Date(2026, 11, 22, 0, 0, 0, 0, amsterdam)
	setupFiles := func(t *testing.T, f *fixture) (root, outside string) {
		base := t.TempDir()
		root = filepath.Join(base, "photos")
		outside = filepath.Join(base, "outside.jpg")
		for _, p := range []string{filepath.Join(root, "1.jpg"), filepath.Join(root, "2.jpg"), filepath.Join(root, "4.jpg"), outside} {
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		f.exec(`CREATE TABLE customers (id AUTO_PK, photo_path VARCHAR(200) NULL, created_at DATETIME NOT NULL)`,
			`INSERT INTO customers (id, photo_path, created_at) VALUES
				(1, '1.jpg', '2020-01-01 00:00:00'),
				(2, '2.jpg', '2020-01-01 00:00:00'),
				(3, '../outside.jpg', '2020-01-01 00:00:00'),
				(4, '4.jpg', '2026-01-01 00:00:00'),
				(5, NULL, '2020-01-01 00:00:00'),
				(6, 'gone.jpg', '2020-01-01 00:00:00')`)
		f.rule(sweeper.Rule{Name: "account-5y", Table: "customers", AgeColumns: []string{"created_at"},
			OlderThan: years(5), Action: sweeper.ActionDelete,
			Files: &sweeper.Files{Column: "photo_path", Root: root}})
		return root, outside
	}

	t.Run("RemovesFilesOfDeletedRowsOnly", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			root, outside := setupFiles(t, f)
			f.sw.Files = files.Remover{}
			rep, err := f.sw.Sweep(t.Context(), sweeper.SweepOptions{AsOf: asOf})
			if err != nil {
				t.Fatalf("sweep: %v", err)
			}
			if got := rep.Rules[0].Rows; got != 5 {
				t.Errorf("rows deleted: got %d, want 5", got)
			}
			for name, want := range map[string]bool{"1.jpg": false, "2.jpg": false, "4.jpg": true} {
				if _, err := os.Stat(filepath.Join(root, name)); (err == nil) != want {
					t.Errorf("%s exists: got %v, want %v", name, err == nil, want)
				}
			}
			if _, err := os.Stat(outside); err != nil {
				t.Errorf("the file outside root was touched: %v", err)
			}
			if got := f.count(`SELECT COUNT(*) FROM sweeper_audit WHERE action = 'file' AND detail = 'removed'`); got != 2 {
				t.Errorf("file audit records 'removed': got %d, want 2", got)
			}
			if got := f.count(`SELECT COUNT(*) FROM sweeper_audit WHERE action = 'file' AND detail = 'already gone'`); got != 1 {
				t.Errorf("file audit records 'already gone': got %d, want 1", got)
			}
			if got := f.count(`SELECT COUNT(*) FROM sweeper_audit WHERE action = 'file' AND row_key = '3' AND detail LIKE 'refused%'`); got != 1 {
				t.Errorf("refused file audit record: got %d, want 1", got)
			}
			if got := f.count(`SELECT COUNT(*) FROM sweeper_files`); got != 0 {
				t.Errorf("queued files left: got %d, want 0", got)
			}
		})
	})

	t.Run("FinishesRemovalsAfterAFailedRun", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			root, _ := setupFiles(t, f)
			f.sw.Files = remover{remove: func(root, path string) (bool, error) {
				return false, errors.New("disk went away")
			}}
			_, err := f.sw.Sweep(t.Context(), sweeper.SweepOptions{AsOf: asOf})
			var pe *sweeper.PartialError
			if !errors.As(err, &pe) {
				t.Fatalf("first sweep: got %v, want a *PartialError for the files that stayed", err)
			}
			if got := f.count(`SELECT COUNT(*) FROM customers`); got != 1 {
				t.Errorf("rows left after first sweep: got %d, want 1 (the rows go even when files fail)", got)
			}
			if got := f.count(`SELECT COUNT(*) FROM sweeper_files`); got != 4 {
				t.Errorf("queued files after the failed removal: got %d, want 4", got)
			}
			if _, err := os.Stat(filepath.Join(root, "1.jpg")); err != nil {
				t.Fatalf("1.jpg should still be there: %v", err)
			}
			f.sw.Files = files.Remover{}
			rep := f.sweep(asOf, sweeper.SweepOptions{})
			if got := rep.Rules[0].Rows; got != 0 {
				t.Errorf("rows deleted by the second sweep: got %d, want 0", got)
			}
			for _, name := range []string{"1.jpg", "2.jpg"} {
				if _, err := os.Stat(filepath.Join(root, name)); err == nil {
					t.Errorf("%s still exists after the second sweep", name)
				}
			}
			if got := f.count(`SELECT COUNT(*) FROM sweeper_files`); got != 0 {
				t.Errorf("queued files after the second sweep: got %d, want 0", got)
			}
		})
	})

	t.Run("FinishesAfterAKillBetweenCommitAndRemoval", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			root, _ := setupFiles(t, f)
			// The state a process killed right after its batch committed leaves:
			// the row is gone and its removal is queued, the file is still there.
			f.sw.Files = files.Remover{}
			if _, err := f.sw.Sweep(t.Context(), sweeper.SweepOptions{AsOf: asOf, DryRun: true}); err != nil {
				t.Fatal(err)
			}
			f.exec(`CREATE TABLE sweeper_files (rule VARCHAR(64) NOT NULL, row_key VARCHAR(191) NOT NULL,
				path VARCHAR(1024) NOT NULL, created_at VARCHAR(26) NOT NULL, PRIMARY KEY (rule, row_key))`,
				`DELETE FROM customers WHERE id = 1`,
				`INSERT INTO sweeper_files (rule, row_key, path, created_at) VALUES ('account-5y', '1', '1.jpg', '2026-11-21 23:00:00.000000')`)
			if _, err := os.Stat(filepath.Join(root, "1.jpg")); err != nil {
				t.Fatal(err)
			}
			// The next run, with nothing else due for this file, removes it.
			f.sweep(asOf, sweeper.SweepOptions{})
			if _, err := os.Stat(filepath.Join(root, "1.jpg")); err == nil {
				t.Error("1.jpg, queued by the killed run, still exists after the next run")
			}
			if got := f.count(`SELECT COUNT(*) FROM sweeper_audit WHERE action = 'file' AND row_key = '1' AND detail = 'removed'`); got != 1 {
				t.Errorf("file audit record of the killed run's row: got %d, want 1", got)
			}
		})
	})
}
