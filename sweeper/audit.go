package sweeper

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// auditColumns are the columns every audit table has.
var auditColumns = []string{"id", "run_id", "at", "rule", "table_name", "row_key", "action", "detail"}

// auditChunk is how many records one INSERT carries: seven bound values
// each, well under every driver's limit on parameters.
const auditChunk = 1000

// auditTime is how `at` is written: UTC, microseconds, no zone, so that it
// reads the same in every dialect.
const auditTime = "2006-01-02 15:04:05.000000"

// ensureAudit creates the audit table when it is missing and checks its
// columns when it exists.
func (s *Sweeper) ensureAudit(ctx context.Context) error {
	name := s.Config.Sweeper.AuditTable
	t, err := s.Store.Table(ctx, name)
	if errors.Is(err, ErrNoTable) {
		if err := s.Store.CreateAuditTable(ctx, name); err != nil {
			return err
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("audit table: %w", err)
	}
	return auditShape(t)
}

func auditShape(t *Table) error {
	var missing []string
	for _, c := range auditColumns {
		if _, ok := t.Column(c); !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("audit table %q exists but lacks the columns %s: point sweeper.audit_table at a new name and the sweeper creates it",
			t.Name, strings.Join(missing, ", "))
	}
	return nil
}

func (s *Sweeper) writeAudit(tx *gorm.DB, recs []AuditRecord) error {
	if len(recs) == 0 {
		return nil
	}
	qt := s.Store.Quote(s.Config.Sweeper.AuditTable)
	cols := []string{"run_id", "at", "rule", "table_name", "row_key", "action", "detail"}
	for i, c := range cols {
		cols[i] = s.Store.Quote(c)
	}
	head := fmt.Sprintf("INSERT INTO %s (%s) VALUES ", qt, strings.Join(cols, ", "))
	for start := 0; start < len(recs); start += auditChunk {
		chunk := recs[start:min(start+auditChunk, len(recs))]
		var sb strings.Builder
		sb.WriteString(head)
		args := make([]any, 0, len(chunk)*7)
		for i, r := range chunk {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString("(?, ?, ?, ?, ?, ?, ?)")
			args = append(args, r.RunID, r.At.UTC().Format(auditTime), r.Rule, r.Table, r.RowKey, r.Action, r.Detail)
		}
		if err := tx.Exec(sb.String(), args...).Error; err != nil {
			return fmt.Errorf("write audit records: %w", err)
		}
	}
	return nil
}

// AuditRecords reads the audit records of a run, or all of them when runID
// is empty, oldest first.
func (s *Sweeper) AuditRecords(ctx context.Context, runID string) ([]AuditRecord, error) {
	qt := s.Store.Quote(s.Config.Sweeper.AuditTable)
	q := fmt.Sprintf("SELECT id, run_id, at, rule, table_name, row_key, action, detail FROM %s", qt)
	var args []any
	if runID != "" {
		q += " WHERE run_id = ?"
		args = append(args, runID)
	}
	q += " ORDER BY id"
	rows, err := s.Store.DB().WithContext(ctx).Raw(q, args...).Rows()
	if err != nil {
		return nil, fmt.Errorf("read audit table: %w", err)
	}
	defer rows.Close()
	var out []AuditRecord
	for rows.Next() {
		var r AuditRecord
		var at any
		if err := rows.Scan(&r.ID, &r.RunID, &at, &r.Rule, &r.Table, &r.RowKey, &r.Action, &r.Detail); err != nil {
			return nil, fmt.Errorf("read audit table: %w", err)
		}
		r.At, _ = parseStoredTime(at, time.UTC, false)
		out = append(out, r)
	}
	return out, rows.Err()
}

// parseStoredTime reads a time value as a driver returns it. Zone-less
// values (wall) are wall-clock time in loc; a driver that hands them back
// as time.Time in UTC has only kept the digits, which are re-read in loc.
func parseStoredTime(v any, loc *time.Location, instant bool) (time.Time, bool) {
	switch t := v.(type) {
	case nil:
		return time.Time{}, false
	case time.Time:
		if instant {
			return t, true
		}
		return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc), true
	case []byte:
		return parseStoredTime(string(t), loc, instant)
	case string:
		zone := loc
		if instant {
			// The sessions run in UTC, so a zone-less text of an instant is UTC.
			zone = time.UTC
		}
		for _, layout := range []string{"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999", "2006-01-02"} {
			if p, err := time.ParseInLocation(layout, t, zone); err == nil {
				return p, true
			}
		}
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00"} {
			if p, err := time.Parse(layout, t); err == nil {
				return p, true
			}
		}
	}
	return time.Time{}, false
}
