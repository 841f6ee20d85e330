package sweeper

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap"
)

// runsTable holds, per rule, when a run of it last ended without an error.
// A rule with nothing to do writes no audit record, so the audit table
// cannot tell; this table can, to every sweeper of the database and to a
// daemon after a restart (sweeper_last_success_timestamp_seconds). It holds
// no row data.
const runsTable = "sweeper_runs"

func (s *Sweeper) createRunsTable(ctx context.Context) error {
	if _, err := s.Store.Exec(ctx, s.Store.Dialect().CreateRunsTable(s.quote(runsTable))); err != nil {
		return fmt.Errorf("create table %s: %w", runsTable, err)
	}
	return nil
}

// recordSuccess records that a rule's run ended without an error. Failing
// to is logged, not the rule's failure: its rows were handled, and only
// the metric after a restart is the poorer for it.
func (s *Sweeper) recordSuccess(ctx context.Context, rr RuleReport, runID string, log *zap.Logger) {
	if err := s.writeSuccess(ctx, rr.Name, runID, rr.Ended); err != nil {
		log.Warn("last success not recorded; sweeper_last_success_timestamp_seconds will not survive a restart "+
			"(the grants on "+runsTable+" are in README)", zap.String("event", "last_success.error"), zap.Error(err))
	}
}

// writeSuccess moves a rule's last success forward to at, creating the
// table on first use. A later success already recorded (by a sweeper with
// a clock a little ahead) stays.
func (s *Sweeper) writeSuccess(ctx context.Context, rule, runID string, at time.Time) error {
	qt := s.quote(runsTable)
	when := at.UTC().Format(auditTime)
	update := func() (int64, error) {
		return s.Store.Exec(ctx, fmt.Sprintf("UPDATE %s SET last_success = ?, run_id = ? WHERE rule = ? AND last_success < ?", qt),
			when, runID, rule, when)
	}
	n, err := update()
	if err != nil {
		if _, terr := s.Store.Table(ctx, runsTable); !errors.Is(terr, ErrNoTable) {
			return fmt.Errorf("record the last success in %s: %w", runsTable, err)
		}
		if err := s.createRunsTable(ctx); err != nil {
			return err
		}
	}
	if n > 0 {
		return nil
	}
	_, insErr := s.Store.Exec(ctx, fmt.Sprintf("INSERT INTO %s (rule, run_id, last_success) VALUES (?, ?, ?)", qt), rule, runID, when)
	if insErr == nil {
		return nil
	}
	// The rule has its row already: a later success, or one another
	// sweeper inserted a moment ago, which this one may still be after.
	if c, err := queryCount(ctx, s.Store, fmt.Sprintf("SELECT COUNT(*) FROM %s WHERE rule = ?", qt), rule); err == nil && c > 0 {
		if _, err := update(); err != nil {
			return fmt.Errorf("record the last success in %s: %w", runsTable, err)
		}
		return nil
	}
	return fmt.Errorf("record the last success in %s: %w", runsTable, insErr)
}

// LastSuccesses reads when each rule last ran to its end without an error,
// by any sweeper of the database. Before the first such run there is no
// table, and no entry.
func (s *Sweeper) LastSuccesses(ctx context.Context) (map[string]time.Time, error) {
	out := map[string]time.Time{}
	q := fmt.Sprintf("SELECT rule, last_success FROM %s", s.quote(runsTable))
	rows, err := s.Store.Query(ctx, q)
	if err != nil {
		if _, terr := s.Store.Table(ctx, runsTable); errors.Is(terr, ErrNoTable) {
			return out, nil
		}
		return nil, fmt.Errorf("read %s: %w", runsTable, err)
	}
	defer rows.Close()
	for rows.Next() {
		var rule, when string
		if err := rows.Scan(&rule, &when); err != nil {
			return nil, fmt.Errorf("read %s: %w", runsTable, err)
		}
		if t, ok := parseUTC(when); ok {
			out[rule] = t
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", runsTable, err)
	}
	return out, nil
}
