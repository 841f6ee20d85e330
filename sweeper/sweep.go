// Package sweeper is the core of the sweeper: the configuration, the rules
// held against the live schema, the planner that says what is due, and the
// batch loop that deletes or anonymises it with an audit record per row.
// The database, mail and files are reached through small interfaces that
// the connectors implement.
package sweeper

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"go.uber.org/zap"
)

// Sweeper runs rules against a store. Its fields are its dependencies.
type Sweeper struct {
	Config *Config
	Store  Store
	Log    *zap.Logger
	// Mailer sends reminders; needed only by rules with [rule.reminder].
	Mailer Mailer
	// Files removes the files of rules with [rule.files].
	Files FileRemover
	// Replicas reports the lag of the shop's replicas; nil when there are none.
	Replicas ReplicaMonitor
	// Now is the clock; tests pin it.
	Now func() time.Time

	// templates are the reminder templates by rule name, as LoadTemplates
	// loaded and checked them.
	templates map[string]*Template

	// beforeLock, when set, runs between the plain read that finds a batch (a
	// sweep's candidates, an erasure's look-up) and the locking read that
	// re-checks it: the moment a shop's own transaction may change a row.
	beforeLock func(rule string, keys []any)
	// afterLock, when set, runs in a batch's transaction right after its
	// locking read: the moment a row the batch did not lock may change.
	afterLock func(rule string)
	// auditParentKey is set when the audit table has parent_key; records
	// are written with it then, and without it to a table that lacks it.
	auditParentKey atomic.Bool
}

// SweepOptions select and steer one pass.
type SweepOptions struct {
	Rules  []string  // names; empty means every enabled rule
	AsOf   time.Time // zero means Now
	DryRun bool
	// Force runs past the max_fraction circuit breaker and the clock guard.
	Force bool
	// CountLeft has a run that a cap or a failed batch stopped count the
	// due rows it left (RuleReport.Left): the daemon's backlog gauge.
	CountLeft bool
}

// Report is what a sweep did.
type Report struct {
	RunID  string
	AsOf   time.Time
	DryRun bool
	Rules  []RuleReport
}

// RuleReport is what a sweep did for one rule.
type RuleReport struct {
	Name   string
	Table  string
	Action Action
	Cutoff time.Time
	Rows   int // rows deleted or anonymised (in a dry run: that would be)
	// Reminders is the number of reminders sent (in a dry run: that would be).
	Reminders int
	// RemindersFailed is the number of reminders that could not be sent.
	RemindersFailed int
	Related         []RelatedCount
	Batches         int
	// Capped is set when max_rows_per_run or max_run_time stopped the rule
	// before it ran out of due rows; the rest waits for the next run.
	Capped   bool
	Skipped  string // why the rule did not run, when it did not
	Duration time.Duration
	Err      error
	// AwaitingReminder counts the rows due by age that the reminder held
	// back (in a dry run: as plan counts them).
	AwaitingReminder int
	// Reminder is set when the rule sends reminders.
	Reminder bool
	// Held counts, in a dry run, the rows due by age that a hold on their
	// person keeps, as plan counts them.
	Held int
	// Ended is when the rule's run ended, by the real clock.
	Ended time.Time
	// Left is the number of due rows the run left for the next one, when
	// LeftKnown: 0 when it ran out of due rows (a row that became due while
	// it ran is the next run's); when a cap (max_rows_per_run,
	// max_run_time) or a failed batch stopped it, the due rows after the
	// last key it reached, counted then if SweepOptions.CountLeft asked. A
	// run that was skipped or stopped, or failed before its first batch,
	// does not know.
	Left      int
	LeftKnown bool
	// Paused is the time spent in batch_pause between batches, ReplicaWait
	// the time spent waiting for lagging replicas: what throttling cost.
	Paused, ReplicaWait time.Duration
	// Throttled is the time the pace held the run back, by reason
	// (ThrottleReasons): the gentle pace's pauses, the pause file, max_load.
	Throttled map[string]time.Duration
}

// ThrottledTotal is the time the pace held the run back, for every reason.
func (rr RuleReport) ThrottledTotal() time.Duration {
	var d time.Duration
	for _, v := range rr.Throttled {
		d += v
	}
	return d
}

// RelatedCount is the number of rows of a related table an action touched.
type RelatedCount struct {
	Table  string
	Action Action
	Rows   int
	// Name is how plan and sweep name the rows: the table, after the
	// related tables it is nested in ("sales_invoice > sales_invoice_item"),
	// with its foreign key when it is related twice to one parent
	// ("customer_note (user_id)"). "" is the table.
	Name string
}

// Label is Name, or the table when it has none.
func (rc RelatedCount) Label() string {
	if rc.Name == "" {
		return rc.Table
	}
	return rc.Name
}

// UsageError is a request the config cannot satisfy, such as an unknown
// rule name: the command line is wrong, nothing was touched.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// PartialError reports the rules that failed while the others ran.
type PartialError struct {
	Failed []RuleReport
}

func (e *PartialError) Error() string {
	var parts []string
	for _, r := range e.Failed {
		parts = append(parts, fmt.Sprintf("rule %q: %v", r.Name, r.Err))
	}
	return strings.Join(parts, "; ")
}

// selectRules returns the named rules in config order, or every enabled rule.
func (s *Sweeper) selectRules(names []string) ([]*Rule, error) {
	if len(names) == 0 {
		var out []*Rule
		for _, r := range s.Config.Rules {
			if r.Enabled {
				out = append(out, r)
			}
		}
		return out, nil
	}
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	var out []*Rule
	for _, r := range s.Config.Rules {
		if want[r.Name] {
			out = append(out, r)
			delete(want, r.Name)
		}
	}
	if len(want) > 0 {
		var missing, known []string
		for n := range want {
			missing = append(missing, n)
		}
		for _, r := range s.Config.Rules {
			known = append(known, r.Name)
		}
		return nil, &UsageError{Msg: fmt.Sprintf("no rule named %s in the config (rules: %s)",
			strings.Join(quoteAll(missing), ", "), strings.Join(known, ", "))}
	}
	return out, nil
}

func quoteAll(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = fmt.Sprintf("%q", v)
	}
	return out
}

func newRunID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// clock returns the as-of clock of one invocation: --as-of pins it, else
// it is the real clock.
func (s *Sweeper) clock(asOf time.Time) func() time.Time {
	if !asOf.IsZero() {
		return func() time.Time { return asOf }
	}
	return s.realNow
}

func (s *Sweeper) logger() *zap.Logger {
	if s.Log == nil {
		return zap.NewNop()
	}
	return s.Log
}

// Sweep runs one pass over the selected rules in config order. A failing
// rule does not stop the others; their failures come back as a
// *PartialError beside the full report. A run the clock guard refuses
// returns a *ClockError and no report. Each rule that ran to its end
// without an error has its last success recorded.
func (s *Sweeper) Sweep(ctx context.Context, opt SweepOptions) (*Report, error) {
	rules, err := s.selectRules(opt.Rules)
	if err != nil {
		return nil, err
	}
	inv := s.newInvocation(opt.AsOf, opt.DryRun, opt.Force)
	inv.countLeft = opt.CountLeft
	if !opt.DryRun {
		if err := s.passGuard(ctx, inv, inv.log); err != nil {
			return nil, err
		}
	}
	rep := &Report{RunID: inv.id, AsOf: inv.asOf, DryRun: opt.DryRun}
	start := time.Now()
	inv.log.Info("run started", zap.String("event", "run.start"), zap.Int("rules", len(rules)),
		zap.Time("as_of", rep.AsOf))

	var failed []RuleReport
	for _, r := range rules {
		if ctx.Err() != nil {
			break
		}
		rr := s.sweepRule(ctx, inv, r)
		if !opt.DryRun && rr.Err == nil && rr.Skipped == "" {
			s.recordSuccess(ctx, rr, inv.id, inv.log.With(zap.String("rule", r.Name), zap.String("table", r.Table)))
		}
		rep.Rules = append(rep.Rules, rr)
		if rr.Err != nil {
			failed = append(failed, rr)
		}
	}
	total := 0
	for _, rr := range rep.Rules {
		total += rr.Rows
	}
	inv.log.Info("run finished", zap.String("event", "run.done"), zap.Int("rows", total),
		zap.Int("failed", len(failed)), zap.Int64("duration_ms", time.Since(start).Milliseconds()))
	if len(failed) > 0 {
		return rep, &PartialError{Failed: failed}
	}
	if err := ctx.Err(); err != nil {
		return rep, err
	}
	return rep, nil
}

func findingsError(fs []Finding) error {
	var msgs []string
	for _, f := range fs {
		if f.Severity == SeverityError {
			msgs = append(msgs, f.Message)
		}
	}
	return errors.New(strings.Join(msgs, "; "))
}

// queryKeys runs a query of one column, a key, and returns the keys, each
// turned by key into a value that binds back as itself.
func queryKeys(ctx context.Context, q Querier, key func(any) any, query string, args ...any) ([]any, error) {
	return queryAll(ctx, q, func(rows *sql.Rows) (any, error) {
		var k any
		err := rows.Scan(&k)
		return key(k), err
	}, query, args...)
}

// queryKeyPairs reads rows of two keys: a related row's and its parent's.
func queryKeyPairs(ctx context.Context, q Querier, key, parent keyColumns, query string, args ...any) (keys, parents []any, err error) {
	pairs, err := queryAll(ctx, q, func(rows *sql.Rows) ([2]any, error) {
		var k, p any
		err := rows.Scan(&k, &p)
		return [2]any{key.value([]any{k}), parent.value([]any{p})}, err
	}, query, args...)
	if err != nil {
		return nil, nil, err
	}
	for _, kp := range pairs {
		keys, parents = append(keys, kp[0]), append(parents, kp[1])
	}
	return keys, parents, nil
}

// scanValues scans the current row into n values as the driver hands them.
func scanValues(rows *sql.Rows, n int) ([]any, error) {
	dst := make([]any, n)
	ptrs := make([]any, n)
	for i := range dst {
		ptrs[i] = &dst[i]
	}
	return dst, rows.Scan(ptrs...)
}

func (s *Sweeper) count(ctx context.Context, b *boundRule, cond string, args []any) (int, error) {
	q := fmt.Sprintf("SELECT COUNT(*) FROM %s WHERE %s", b.qTable, cond)
	n, err := queryCount(ctx, s.Store, q, args...)
	if err != nil {
		return 0, fmt.Errorf("count due rows of %q: %w", b.Table, scrub(err))
	}
	return n, nil
}

// relatedCounts counts, per related table at every depth, the rows that
// go with the rule's rows that cond selects.
func (s *Sweeper) relatedCounts(ctx context.Context, b *boundRule, cond string, args []any) ([]RelatedCount, error) {
	out := b.zeroRelated()
	for i, rel := range b.flat {
		n, err := s.countRelated(ctx, b, rel, cond, args)
		if err != nil {
			return out, err
		}
		out[i].Rows = n
	}
	for i := range b.refers {
		rf := &b.refers[i]
		q, a := b.refersCount(rf, cond, args, s.Config.Sweeper.RedactText)
		n, err := queryCount(ctx, s.Store, q, a...)
		if err != nil {
			return out, fmt.Errorf("count referred rows of %q: %w", rf.Table, scrub(err))
		}
		out[rf.index].Rows = n
	}
	return out, nil
}

// relatedOfKeys counts, per related table at every depth, the rows that go
// with the rule's rows of the keys, a batch of keys at a time.
func (s *Sweeper) relatedOfKeys(ctx context.Context, b *boundRule, batches [][]any) ([]RelatedCount, error) {
	out := b.zeroRelated()
	for _, keys := range batches {
		cond, args := b.keyCols.in(b.sql, b.qTable, keys)
		counts, err := s.relatedCounts(ctx, b, cond, args)
		if err != nil {
			return out, err
		}
		for i := range out {
			out[i].Rows += counts[i].Rows
		}
	}
	return out, nil
}

func (s *Sweeper) countRelated(ctx context.Context, b *boundRule, rel *boundRelated, cond string, args []any) (int, error) {
	q := fmt.Sprintf("SELECT COUNT(*) FROM %s WHERE %s", rel.qTable, b.relatedCond(rel, cond))
	n, err := queryCount(ctx, s.Store, q, args...)
	if err != nil {
		return 0, fmt.Errorf("count related rows of %q: %w", rel.Table, scrub(err))
	}
	return n, nil
}

// relatedCond is the condition that a row of rel goes with one of the
// rule's rows that cond selects: its foreign key refers to a row of its
// parent that does, down from the rule's table.
func (b *boundRule) relatedCond(rel *boundRelated, cond string) string {
	parent, parentCond := b.qTable, cond
	if rel.parent != nil {
		parent, parentCond = rel.parent.qTable, b.relatedCond(rel.parent, cond)
	}
	fk := strings.Join(rel.fk.of(rel.qTable), ", ")
	if rel.fk.width() > 1 {
		fk = "(" + fk + ")"
	}
	return fmt.Sprintf("%s IN (SELECT %s FROM %s WHERE %s)", fk, strings.Join(rel.ref.of(parent), ", "), parent, parentCond)
}
