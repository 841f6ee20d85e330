package sweeper

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// auditColumns are the columns every audit table has.
var auditColumns = []string{"id", "run_id", "at", "rule", "table_name", "row_key", "action", "detail"}

// auditParentColumn holds, on the record of a related row, the key of the
// rule's row it went with (NULL on the records of the rule's own rows), so
// that a row's key finds everything done for it. Audit tables created
// before it existed lack it: the sweeper keeps writing to them without it
// and never alters them itself (that would need ALTER on the table).
const auditParentColumn = "parent_key"

// hasParentKey reports whether an audit table has parent_key.
func hasParentKey(t *Table) bool {
	_, ok := t.Column(auditParentColumn)
	return ok
}

// AddParentKeySQL is the statement that gives an audit table created by an
// earlier version its parent_key column; check prints it.
func (s *Sweeper) AddParentKeySQL() string {
	return fmt.Sprintf("ALTER TABLE %s ADD COLUMN %s VARCHAR(191) NULL", s.quote(s.Config.Sweeper.AuditTable), s.quote(auditParentColumn))
}

// auditChunk is how many records one INSERT carries: eight bound values
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
		if _, err := s.Store.Exec(ctx, s.Store.Dialect().CreateAuditTable(s.quote(name))); err != nil {
			return fmt.Errorf("create audit table %q: %w", name, err)
		}
		s.auditParentKey.Store(true)
		return nil
	}
	if err != nil {
		return fmt.Errorf("audit table: %w", err)
	}
	s.auditParentKey.Store(hasParentKey(t))
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

// auditWriteColumns are the audit table's columns an INSERT fills (all but
// id), quoted, in the order of AuditRecord's values.
func (s *Sweeper) auditWriteColumns() []string {
	cols := make([]string, 0, len(auditColumns)-1)
	for _, c := range auditColumns[1:] {
		cols = append(cols, s.quote(c))
	}
	return cols
}

func (s *Sweeper) writeAudit(ctx context.Context, tx Querier, recs []AuditRecord) error {
	if len(recs) == 0 {
		return nil
	}
	qt := s.quote(s.Config.Sweeper.AuditTable)
	cols := s.auditWriteColumns()
	values := "(?, ?, ?, ?, ?, ?, ?)"
	parent := s.auditParentKey.Load()
	if parent {
		cols = append(cols, s.quote(auditParentColumn))
		values = "(?, ?, ?, ?, ?, ?, ?, ?)"
	}
	head := fmt.Sprintf("INSERT INTO %s (%s) VALUES ", qt, strings.Join(cols, ", "))
	for start := 0; start < len(recs); start += auditChunk {
		chunk := recs[start:min(start+auditChunk, len(recs))]
		var sb strings.Builder
		sb.WriteString(head)
		args := make([]any, 0, len(chunk)*8)
		for i, r := range chunk {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString(values)
			args = append(args, r.RunID, r.At.UTC().Format(auditTime), r.Rule, r.Table, r.RowKey, r.Action, r.Detail)
			if parent {
				var pk any // NULL on the records of the rule's own rows
				if r.ParentKey != "" {
					pk = r.ParentKey
				}
				args = append(args, pk)
			}
		}
		if _, err := tx.Exec(ctx, sb.String(), args...); err != nil {
			return fmt.Errorf("write audit records: %w", err)
		}
	}
	return nil
}

// maxAuditID is the id of the newest audit record, 0 when there is none.
func (s *Sweeper) maxAuditID(ctx context.Context) (int64, error) {
	var id sql.NullInt64
	q := fmt.Sprintf("SELECT MAX(id) FROM %s", s.quote(s.Config.Sweeper.AuditTable))
	if err := queryRow(ctx, s.Store, q, nil, &id); err != nil {
		return 0, fmt.Errorf("read audit table: %w", err)
	}
	return id.Int64, nil
}

// AuditRecords reads the audit records of a run, or all of them when runID
// is empty, oldest first.
func (s *Sweeper) AuditRecords(ctx context.Context, runID string) ([]AuditRecord, error) {
	var out []AuditRecord
	err := s.EachAuditRecord(ctx, AuditFilter{RunID: runID}, func(r AuditRecord) error {
		out = append(out, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
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

// ErrNoAudit is returned by the audit queries when the audit table does not
// exist yet: no sweep has written to it.
var ErrNoAudit = errors.New("no audit records yet")

// AuditFilter selects audit records. Empty fields select everything; a
// list matches any of its values.
type AuditFilter struct {
	Rules  []string
	Tables []string
	// Keys are row_key values, compared as text; one that reads as hex
	// also finds the key of bytes it spells (written in lowercase hex).
	Keys  []string
	Since time.Time
	Until time.Time // exclusive
	RunID string
	// MaxID, when not zero, ignores records written after a summary was
	// taken, so that the records and their totals agree.
	MaxID int64
	// AfterID, when not zero, selects only records written after the one
	// with that id: a walk of the primary key from there.
	AfterID int64
}

// AuditTotal counts the records of one rule and action.
type AuditTotal struct {
	Rule    string
	Action  string
	Records int
}

// AuditSummary is what the records a filter selects add up to.
type AuditSummary struct {
	Totals  []AuditTotal // by rule, then action
	Records int
	// MaxID is the highest id at the time of the summary; pass it on in
	// the filter to read exactly the records counted.
	MaxID int64
	// Widths are the longest table name and row key among the records,
	// for aligned text output.
	TableWidth, KeyWidth, ParentWidth int
	// ParentKeys is set when the audit table has parent_key, so that a key
	// found the records of the rows that went with its row too. An audit
	// table created by an earlier version lacks it.
	ParentKeys bool
}

// auditWhere is the condition of a filter. With parent (the table has
// parent_key), a key selects the records of the row itself and those that
// went with it: records of related rows whose parent_key is the key, written
// by a rule in a run in which that rule wrote a record of the row itself
// (its own records have no parent_key). The run and the rule say which
// table the parent was in: parent_key alone is a key of any table.
func (s *Sweeper) auditWhere(f AuditFilter, parent bool) (string, []any) {
	var conds []string
	var args []any
	if len(f.Rules) > 0 {
		conds = append(conds, "rule IN ?")
		args = append(args, f.Rules)
	}
	var keys []string
	for _, k := range f.Keys {
		keys = append(keys, storedKeyForms(k)...)
	}
	switch {
	case len(keys) > 0 && parent:
		own, ownArgs := "row_key IN ?", []any{keys}
		if len(f.Tables) > 0 {
			own, ownArgs = "table_name IN ? AND row_key IN ?", []any{f.Tables, keys}
		}
		qt := s.quote(s.Config.Sweeper.AuditTable)
		ownOf := fmt.Sprintf("SELECT %%s FROM %s WHERE %s AND %s IS NULL", qt, own, auditParentColumn)
		conds = append(conds, fmt.Sprintf("((%s) OR (%s IN ? AND rule IN (%s) AND run_id IN (%s)))",
			own, auditParentColumn, fmt.Sprintf(ownOf, "rule"), fmt.Sprintf(ownOf, "run_id")))
		args = append(args, ownArgs...)
		args = append(args, keys)
		args = append(args, ownArgs...)
		args = append(args, ownArgs...)
	case len(keys) > 0:
		if len(f.Tables) > 0 {
			conds = append(conds, "table_name IN ?")
			args = append(args, f.Tables)
		}
		conds = append(conds, "row_key IN ?")
		args = append(args, keys)
	case len(f.Tables) > 0:
		conds = append(conds, "table_name IN ?")
		args = append(args, f.Tables)
	}
	if !f.Since.IsZero() {
		conds = append(conds, "at >= ?")
		args = append(args, f.Since.UTC().Format(auditTime))
	}
	if !f.Until.IsZero() {
		conds = append(conds, "at < ?")
		args = append(args, f.Until.UTC().Format(auditTime))
	}
	if f.RunID != "" {
		conds = append(conds, "run_id = ?")
		args = append(args, f.RunID)
	}
	if f.MaxID > 0 {
		conds = append(conds, "id <= ?")
		args = append(args, f.MaxID)
	}
	if f.AfterID > 0 {
		conds = append(conds, "id > ?")
		args = append(args, f.AfterID)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// auditExists reports ErrNoAudit when the audit table is missing, and
// whether it has parent_key; it never creates or alters it, so the audit
// queries work with a read-only user.
func (s *Sweeper) auditExists(ctx context.Context) (parent bool, err error) {
	t, err := s.Store.Table(ctx, s.Config.Sweeper.AuditTable)
	if errors.Is(err, ErrNoTable) {
		return false, ErrNoAudit
	}
	if err != nil {
		return false, fmt.Errorf("audit table: %w", err)
	}
	return hasParentKey(t), auditShape(t)
}

// auditSelectColumns are the columns the audit queries read, in the order
// of scanAuditRecord; an audit table without parent_key gives "".
func (s *Sweeper) auditSelectColumns(parent bool) string {
	pk := "''"
	if parent {
		pk = "COALESCE(" + auditParentColumn + ", '')"
	}
	return "id, run_id, at, rule, table_name, row_key, action, detail, " + pk
}

func scanAuditRecord(rows *sql.Rows) (AuditRecord, error) {
	var r AuditRecord
	var at any
	if err := rows.Scan(&r.ID, &r.RunID, &at, &r.Rule, &r.Table, &r.RowKey, &r.Action, &r.Detail, &r.ParentKey); err != nil {
		return r, fmt.Errorf("read audit table: %w", err)
	}
	r.At, _ = parseStoredTime(at, time.UTC, false)
	return r, nil
}

// AuditSummary counts the records a filter selects, per rule and action.
// It returns ErrNoAudit when there is no audit table yet.
func (s *Sweeper) AuditSummary(ctx context.Context, f AuditFilter) (AuditSummary, error) {
	var sum AuditSummary
	parent, err := s.auditExists(ctx)
	if err != nil {
		return sum, err
	}
	sum.ParentKeys = parent
	qt := s.quote(s.Config.Sweeper.AuditTable)
	if f.MaxID == 0 {
		var maxID sql.NullInt64
		if err := queryRow(ctx, s.Store, "SELECT MAX(id) FROM "+qt, nil, &maxID); err != nil {
			return sum, fmt.Errorf("read audit table: %w", err)
		}
		if !maxID.Valid {
			return sum, nil
		}
		f.MaxID = maxID.Int64
	}
	sum.MaxID = f.MaxID
	where, args := s.auditWhere(f, parent)
	parentLen := "0"
	if parent {
		parentLen = "MAX(LENGTH(COALESCE(" + auditParentColumn + ", '')))"
	}
	q := fmt.Sprintf("SELECT rule, action, COUNT(*), MAX(LENGTH(table_name)), MAX(LENGTH(row_key)), %s FROM %s%s GROUP BY rule, action ORDER BY rule, action",
		parentLen, qt, where)
	rows, err := s.Store.Query(ctx, q, args...)
	if err != nil {
		return sum, fmt.Errorf("read audit table: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var t AuditTotal
		var tw, kw, pw int
		if err := rows.Scan(&t.Rule, &t.Action, &t.Records, &tw, &kw, &pw); err != nil {
			return sum, fmt.Errorf("read audit table: %w", err)
		}
		sum.Totals = append(sum.Totals, t)
		sum.Records += t.Records
		sum.TableWidth, sum.KeyWidth, sum.ParentWidth = max(sum.TableWidth, tw), max(sum.KeyWidth, kw), max(sum.ParentWidth, pw)
	}
	return sum, rows.Err()
}

// EachAuditRecord calls fn with every record a filter selects, oldest
// first, streaming: memory does not grow with the audit table. It returns
// ErrNoAudit when there is no audit table yet.
func (s *Sweeper) EachAuditRecord(ctx context.Context, f AuditFilter, fn func(AuditRecord) error) error {
	parent, err := s.auditExists(ctx)
	if err != nil {
		return err
	}
	qt := s.quote(s.Config.Sweeper.AuditTable)
	where, args := s.auditWhere(f, parent)
	q := fmt.Sprintf("SELECT %s FROM %s%s ORDER BY id", s.auditSelectColumns(parent), qt, where)
	rows, err := s.Store.Query(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("read audit table: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanAuditRecord(rows)
		if err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}
