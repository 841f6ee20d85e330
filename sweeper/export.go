package sweeper

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"go.uber.org/zap"
)

// Export is everything the data map finds for one person (GDPR art. 15
// and 20): the person's row and every row the map links to it, values as
// stored, times as RFC 3339, binary values base64. It is a plain value;
// the command line writes it as JSON (docs/contract.md §6.1).
type Export struct {
	RunID      string
	Subject    Person
	ExportedAt time.Time
	// Tables are the mapped tables in the order of the map, the subject
	// table first, each once; a table without rows of the person is there
	// with none.
	Tables []ExportTable
}

// ExportTable is one table's rows of the person.
type ExportTable struct {
	Name    string
	Columns []string
	// Rows hold, per column, nil, bool, int64, uint64, float64 or string:
	// times already written as RFC 3339 and binary values as base64.
	Rows [][]any
}

// Export reads everything the data map finds for the person a value names
// and writes one export audit record (the tables and their row counts,
// never a value). A value that names nobody or more than one person is a
// *SubjectError, and nothing is read or written.
func (s *Sweeper) Export(ctx context.Context, value string) (*Export, error) {
	m, err := s.subject(ctx)
	if err != nil {
		return nil, err
	}
	p, err := m.find(ctx, s.Store, value)
	if err != nil {
		return nil, err
	}
	ex := &Export{RunID: newRunID(), Subject: p, ExportedAt: s.realNow()}
	var counts []string
	for _, name := range m.tables() {
		et, err := s.exportTable(ctx, m, name, p.Key)
		if err != nil {
			return nil, err
		}
		ex.Tables = append(ex.Tables, et)
		counts = append(counts, fmt.Sprintf("%s %d", et.Name, len(et.Rows)))
	}
	// The record comes before the data goes anywhere: an export that
	// cannot be recorded is not handed out.
	if err := s.ensureAudit(ctx); err != nil {
		return nil, err
	}
	rec := AuditRecord{RunID: ex.RunID, At: ex.ExportedAt, Table: p.Table, RowKey: p.KeyString(), Action: AuditExport,
		Detail: clip("exported: "+strings.Join(counts, ", "), 1024)}
	if err := s.writeAudit(ctx, s.Store, []AuditRecord{rec}); err != nil {
		return nil, err
	}
	rows := 0
	for _, t := range ex.Tables {
		rows += len(t.Rows)
	}
	s.logger().Info("export done", zap.String("event", "export.done"), zap.String("run_id", ex.RunID),
		zap.String("table", p.Table), zap.String("subject_key", p.KeyString()), zap.Int("tables", len(ex.Tables)), zap.Int("rows", rows))
	return ex, nil
}

// tables are the mapped tables, the subject table first, each once, in
// the order of the map.
func (b *boundSubject) tables() []string {
	out := []string{b.table.Name}
	for _, l := range b.links {
		if !containsName(out, l.Table) {
			out = append(out, l.Table)
		}
	}
	return out
}

func containsName(names []string, name string) bool {
	for _, n := range names {
		if sameName(n, name) {
			return true
		}
	}
	return false
}

// exportTable reads one table's rows of the person.
func (s *Sweeper) exportTable(ctx context.Context, m *boundSubject, name string, key any) (ExportTable, error) {
	t, err := s.Store.Table(ctx, name)
	if err != nil {
		return ExportTable{}, fmt.Errorf("export %q: %w", name, err)
	}
	qt := s.quote(t.Name)
	cond, n := m.ofPerson(t.Name, qt, 1)
	q := fmt.Sprintf("SELECT * FROM %s WHERE %s", qt, cond)
	if len(t.PrimaryKey) > 0 {
		var order []string
		for _, c := range t.PrimaryKey {
			order = append(order, qt+"."+s.quote(c))
		}
		q += " ORDER BY " + strings.Join(order, ", ")
	}
	rows, err := s.Store.Query(ctx, q, personArgs(key, n)...)
	if err != nil {
		return ExportTable{}, fmt.Errorf("export %q: %w", name, scrub(err))
	}
	defer rows.Close()
	types, err := rows.ColumnTypes()
	if err != nil {
		return ExportTable{}, fmt.Errorf("export %q: %w", name, err)
	}
	et := ExportTable{Name: t.Name, Rows: [][]any{}}
	conv := make([]func(any) any, len(types))
	for i, ct := range types {
		et.Columns = append(et.Columns, ct.Name())
		conv[i] = s.exportValue(t, ct)
	}
	for rows.Next() {
		dst, err := scanValues(rows, len(types))
		if err != nil {
			return ExportTable{}, fmt.Errorf("export %q: %w", name, err)
		}
		for i, v := range dst {
			dst[i] = conv[i](v)
		}
		et.Rows = append(et.Rows, dst)
	}
	if err := rows.Err(); err != nil {
		return ExportTable{}, fmt.Errorf("export %q: %w", name, err)
	}
	return et, nil
}

// exportValue returns how the values of one column are written: times
// as RFC 3339 (a zone-less time in the zone the shop writes them in, a
// date as a date), binary as base64, the rest as stored.
func (s *Sweeper) exportValue(t *Table, ct *sql.ColumnType) func(any) any {
	typ := strings.ToLower(ct.DatabaseTypeName())
	kind := TimeNone
	if c, ok := t.Column(ct.Name()); ok {
		ctyp := strings.ToLower(c.Type)
		if strings.Contains(ctyp, "date") || strings.Contains(ctyp, "time") {
			kind = s.Store.Dialect().TimeKind(ctyp)
		}
	}
	binary := strings.Contains(typ, "blob") || strings.Contains(typ, "binary") || typ == "bytea"
	tz := s.Config.Sweeper.Timezone
	return func(v any) any {
		switch x := v.(type) {
		case nil, bool, int64, uint64, float64, string:
			if kind != TimeNone {
				return exportTime(v, kind, tz)
			}
			return v
		case []byte:
			if binary {
				return base64.StdEncoding.EncodeToString(x)
			}
			if kind != TimeNone {
				return exportTime(string(x), kind, tz)
			}
			if !utf8.Valid(x) {
				return base64.StdEncoding.EncodeToString(x)
			}
			return string(x)
		case time.Time:
			return exportTime(x, kind, tz)
		case int32:
			return int64(x)
		case int:
			return int64(x)
		case float32:
			return float64(x)
		default:
			return fmt.Sprint(x)
		}
	}
}

// exportTime writes a stored time as RFC 3339; a value that does not
// read as a time is given as stored.
func exportTime(v any, kind TimeKind, tz *time.Location) any {
	if v == nil {
		return nil
	}
	t, ok := parseStoredTime(v, tz, kind == TimeInstant)
	if !ok {
		if tt, isTime := v.(time.Time); isTime {
			return tt.Format(time.RFC3339Nano)
		}
		return v
	}
	if kind == TimeDate {
		return t.Format(time.DateOnly)
	}
	return t.In(tz).Format(time.RFC3339Nano)
}

// clip shortens s to at most n bytes, marking the cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
