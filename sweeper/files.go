package sweeper

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap"
)

// FileRemover removes the files named by swept rows. connectors/files
// implements it on the local file system.
type FileRemover interface {
	// Remove removes path, relative to root. A path that resolves outside
	// root is ErrOutsideRoot and is not touched. A file that is already gone
	// is not an error: existed is false.
	Remove(root, path string) (existed bool, err error)
}

// ErrOutsideRoot is returned for a file path that resolves outside files.root.
var ErrOutsideRoot = errors.New("path resolves outside files.root")

// filesTable holds the files whose rows are gone but which are not removed
// yet. A record is written in the row's own transaction, so a crash between
// the commit and the removal is finished by the next run.
const filesTable = "sweeper_files"

func (s *Sweeper) ensureFilesTable(ctx context.Context) error {
	if _, err := s.Store.Exec(ctx, s.Store.Dialect().CreateFilesTable(s.quote(filesTable))); err != nil {
		return fmt.Errorf("create table %s: %w", filesTable, err)
	}
	return nil
}

// queueFiles records, inside the batch's transaction, the files of the rows
// it deletes.
func (s *Sweeper) queueFiles(ctx context.Context, tx Querier, rule string, rows []lockedRow, at time.Time) error {
	q := fmt.Sprintf("INSERT INTO %s (rule, row_key, path, created_at) VALUES (?, ?, ?, ?)", s.quote(filesTable))
	for _, r := range rows {
		p := stringValue(r.file)
		if p == "" {
			continue
		}
		if _, err := tx.Exec(ctx, q, rule, keyString(r.key), p, at.UTC().Format(auditTime)); err != nil {
			return fmt.Errorf("queue file removal: %w", err)
		}
	}
	return nil
}

// removeFiles removes the queued files of a rule, each followed by its audit
// record. A path outside the root is refused and its record dropped, so it
// is logged once, not every night; any other failure keeps the record for
// the next run.
func (run *ruleRun) removeFiles(ctx context.Context) (int, error) {
	s, b, log := run.s, run.boundRule, run.log
	if b.Files == nil || s.Files == nil {
		return 0, nil
	}
	qt := s.quote(filesTable)
	ps, err := s.queuedFiles(ctx, qt, b.Name)
	if err != nil {
		return 0, fmt.Errorf("read queued files: %w", err)
	}
	removed, failed := 0, 0
	for _, p := range ps {
		existed, err := s.Files.Remove(b.Files.Root, p.Path)
		detail := "removed"
		switch {
		case errors.Is(err, ErrOutsideRoot):
			// The path is not logged: it may hold a name.
			log.Error("file refused", zap.String("event", "file.error"), zap.String("row_key", p.RowKey), zap.Error(err))
			detail = "refused: " + err.Error()
		case err != nil:
			failed++
			log.Error("file not removed", zap.String("event", "file.error"), zap.String("row_key", p.RowKey), zap.Error(err))
			continue
		case !existed:
			detail = "already gone"
		}
		err = s.Store.Tx(ctx, func(tx Querier) error {
			if _, err := tx.Exec(ctx, fmt.Sprintf("DELETE FROM %s WHERE rule = ? AND row_key = ?", qt), b.Name, p.RowKey); err != nil {
				return err
			}
			return s.writeAudit(ctx, tx, []AuditRecord{{RunID: run.inv.id, At: s.realNow().UTC(), Rule: b.Name, Table: b.Table,
				RowKey: p.RowKey, Action: AuditFile, Detail: detail}})
		})
		if err != nil {
			return removed, fmt.Errorf("record file removal: %w", err)
		}
		if detail != "refused: "+ErrOutsideRoot.Error() {
			removed++
		}
	}
	if failed > 0 {
		if failed == 1 {
			return removed, errors.New("1 file could not be removed; it is retried on the next run")
		}
		return removed, fmt.Errorf("%d files could not be removed; they are retried on the next run", failed)
	}
	return removed, nil
}

// queuedFile is a file of a deleted row that is still to be removed.
type queuedFile struct {
	RowKey string
	Path   string
}

func (s *Sweeper) queuedFiles(ctx context.Context, qt, rule string) ([]queuedFile, error) {
	return queryAll(ctx, s.Store, func(rows *sql.Rows) (queuedFile, error) {
		var f queuedFile
		err := rows.Scan(&f.RowKey, &f.Path)
		return f, err
	}, fmt.Sprintf("SELECT row_key, path FROM %s WHERE rule = ? ORDER BY row_key", qt), rule)
}

func stringValue(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case []byte:
		return string(t)
	case string:
		return t
	default:
		return fmt.Sprint(t)
	}
}
