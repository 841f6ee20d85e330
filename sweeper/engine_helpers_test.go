package sweeper_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sweeperd/sweeper/sweeper"
)

// Helpers of the engine_*_test.go files. Their names start with "eng" so
// that they do not collide with helpers of other test files in the package.

// engAms is a wall-clock moment in Amsterdam, the fixture's timezone.
func engAms(y int, m time.Month, d, hh, mm, ss int) time.Time {
	return time.Date(y, m, d, hh, mm, ss, 0, amsterdam)
}

// engSweep runs a sweep and returns its error instead of failing the test.
func engSweep(f *fixture, asOf time.Time, opt sweeper.SweepOptions) (*sweeper.Report, error) {
	opt.AsOf = asOf
	return f.sw.Sweep(context.Background(), opt)
}

// engRule returns the report of the named rule, failing the test when the
// sweep did not report on it.
func engRule(t *testing.T, rep *sweeper.Report, name string) sweeper.RuleReport {
	t.Helper()
	if rep == nil {
		t.Fatalf("no report")
	}
	for _, r := range rep.Rules {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("rule %q: not in the report", name)
	return sweeper.RuleReport{}
}

// engTables lists the tables of the fixture's database, sorted.
func engTables(f *fixture) []string {
	f.t.Helper()
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if f.dialect == sweeper.MySQL {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()`
	}
	rows, err := f.raw.Query(q)
	if err != nil {
		f.t.Fatalf("list tables: %v", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			f.t.Fatal(err)
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		f.t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

func engHasTable(f *fixture, name string) bool {
	return slices.Contains(engTables(f), name)
}

// engDump renders every row of a table, ordered by its first column, so
// that two dumps are equal exactly when the table's contents are.
func engDump(f *fixture, table string) string {
	f.t.Helper()
	rows, err := f.raw.Query("SELECT * FROM " + table + " ORDER BY 1")
	if err != nil {
		f.t.Fatalf("dump %s: %v", table, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		f.t.Fatal(err)
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s(%s)\n", table, strings.Join(cols, ","))
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			f.t.Fatal(err)
		}
		for i, v := range vals {
			if i > 0 {
				sb.WriteString(" | ")
			}
			switch v := v.(type) {
			case nil:
				sb.WriteString("NULL")
			case []byte:
				fmt.Fprintf(&sb, "%q", v)
			case time.Time:
				sb.WriteString(v.Format(time.RFC3339Nano))
			default:
				fmt.Fprintf(&sb, "%#v", v)
			}
		}
		sb.WriteString("\n")
	}
	if err := rows.Err(); err != nil {
		f.t.Fatal(err)
	}
	return sb.String()
}

// engAuditCount counts the audit records, 0 when there is no audit table.
func engAuditCount(f *fixture) int {
	f.t.Helper()
	if !engHasTable(f, f.cfg.Sweeper.AuditTable) {
		return 0
	}
	return f.count("SELECT COUNT(*) FROM " + f.cfg.Sweeper.AuditTable)
}

// engAudit reads the audit records of a run ("" for all) through the engine.
func engAudit(f *fixture, runID string) []sweeper.AuditRecord {
	f.t.Helper()
	recs, err := f.sw.AuditRecords(context.Background(), runID)
	if err != nil {
		f.t.Fatalf("audit records: %v", err)
	}
	return recs
}

// engStrings returns the strings a query selects, in order.
func engStrings(f *fixture, query string, args ...any) []string {
	f.t.Helper()
	rows, err := f.raw.Query(query, args...)
	if err != nil {
		f.t.Fatalf("query %q: %v", query, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s *string
		if err := rows.Scan(&s); err != nil {
			f.t.Fatal(err)
		}
		if s == nil {
			out = append(out, "NULL")
		} else {
			out = append(out, *s)
		}
	}
	if err := rows.Err(); err != nil {
		f.t.Fatal(err)
	}
	return out
}

// engWantIDs compares the ids a query selects with want.
func engWantIDs(t *testing.T, f *fixture, what, query string, want ...int64) {
	t.Helper()
	got := f.ids(query)
	if !slices.Equal(got, want) {
		t.Errorf("%s: got %v, want %v", what, got, want)
	}
}

// engPartial asserts that err is a *sweeper.PartialError and returns it.
func engPartial(t *testing.T, err error) *sweeper.PartialError {
	t.Helper()
	var pe *sweeper.PartialError
	if !errors.As(err, &pe) {
		t.Fatalf("sweep error: got %T (%v), want *sweeper.PartialError", err, err)
	}
	return pe
}

// engConcat selects the named columns of every row joined by "|", NULL as
// "NULL", ordered by id.
func engConcat(f *fixture, table string, cols ...string) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = "COALESCE(" + c + ", 'NULL')"
	}
	if f.dialect == sweeper.MySQL {
		return "SELECT CONCAT_WS('|', " + strings.Join(parts, ", ") + ") FROM " + table + " ORDER BY id"
	}
	return "SELECT " + strings.Join(parts, " || '|' || ") + " FROM " + table + " ORDER BY id"
}
