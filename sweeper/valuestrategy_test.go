package sweeper_test

import (
	"slices"
	"testing"

	"github.com/sweeperd/sweeper/sweeper"
)

// TestSweeper_ValueStrategy holds the value:<v> strategy: it writes a
// fixed value into a NOT NULL column that is no text (PrestaShop's
// salutation number, WordPress's user_id 0 for nobody), is held against the
// column's type by check (and so by every run), leaves a NULL as it is, and
// a row that holds the value already is not due again.
func TestSweeper_ValueStrategy(t *testing.T) {
	asOf := engAms(2026, 11, 22, 3, 30, 0)
	dialects(t, func(t *testing.T, f *fixture) {
		f.exec(`CREATE TABLE guests (id AUTO_PK, gender INT NOT NULL, nickname VARCHAR(12) NOT NULL, score DECIMAL(5,2) NULL,
				created_at DATETIME NOT NULL)`,
			`INSERT INTO guests (id, gender, nickname, score, created_at) VALUES
				(1, 2, 'anna', 7.5, '2015-01-01 00:00:00'), (2, 1, 'bram', NULL, '2015-01-01 00:00:00'),
				(3, 2, 'cor', 8, '2026-11-01 00:00:00')`)
		rule := func(cols ...sweeper.ColumnStrategy) {
			f.cfg.Rules = nil
			f.rule(sweeper.Rule{Name: "guest-6m", Table: "guests", AgeColumns: []string{"created_at"}, OlderThan: months(6),
				Action: sweeper.ActionAnonymise, Anonymise: cols})
		}
		val := func(col, v string) sweeper.ColumnStrategy {
			return sweeper.ColumnStrategy{Column: col, Strategy: sweeper.StrategyValue, Value: v}
		}

		for _, tc := range []struct {
			col  sweeper.ColumnStrategy
			want string
		}{
			{val("gender", "unknown"), `"gender": value:unknown is not a whole number`},
			{val("score", "x"), `"score": value:x is not a number`},
			{val("nickname", "anoniem-klant"), `"nickname": value:anoniem-klant is longer than the 12 characters`},
			{val("created_at", "0"), `"created_at": its type`},
		} {
			rule(tc.col)
			engWantFinding(t, engCheck(f), sweeper.SeverityError, "guest-6m", tc.want)
			if _, err := engSweep(f, asOf, sweeper.SweepOptions{}); err == nil {
				t.Errorf("sweep with %s = value:%s: got no error, want it refused", tc.col.Column, tc.col.Value)
			}
		}
		if n := engAuditCount(f); n != 0 {
			t.Fatalf("the refused rules wrote %d audit records", n)
		}

		rule(val("gender", "0"), val("nickname", "anoniem"), val("score", "0.5"))
		if errs := engErrors(engCheck(f)); len(errs) != 0 {
			t.Fatalf("check: got errors %q, want none", errs)
		}
		if rr := engRule(t, f.sweep(asOf, sweeper.SweepOptions{}), "guest-6m"); rr.Rows != 2 || rr.Err != nil {
			t.Fatalf("sweep: got %d rows and error %v, want 2", rr.Rows, rr.Err)
		}
		got := engStrings(f, `SELECT CAST(gender AS CHAR(3)) || '|' || nickname || '|' || COALESCE(CAST(score AS CHAR(8)), 'NULL') FROM guests ORDER BY id`)
		if f.dialect == dbMySQL {
			got = engStrings(f, `SELECT CONCAT_WS('|', gender, nickname, COALESCE(score, 'NULL')) FROM guests ORDER BY id`)
		}
		want := []string{"0|anoniem|0.50", "0|anoniem|NULL", "2|cor|8.00"}
		if f.dialect == dbSQLite {
			want = []string{"0|anoniem|0.5", "0|anoniem|NULL", "2|cor|8"}
		}
		if !slices.Equal(got, want) {
			t.Errorf("guests: got %q, want %q", got, want)
		}
		if rr := engRule(t, f.sweep(asOf, sweeper.SweepOptions{}), "guest-6m"); rr.Rows != 0 {
			t.Errorf("second sweep: got %d rows, want none", rr.Rows)
		}
	})
}
