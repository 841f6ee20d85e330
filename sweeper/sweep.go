// Package sweeper is the core of the sweeper: the configuration, the rules
// held against the live schema, the planner that says what is due, and the
// batch loop that deletes or anonymises it with an audit record per row.
// The database, mail and files are reached through small interfaces that
// the connectors implement.
package sweeper

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"go.uber.org/zap"
	"gorm.io/gorm"
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
	// Ended is when the rule's run ended, by the real clock.
	Ended time.Time
	// Paused is the time spent in batch_pause between batches, ReplicaWait
	// the time spent waiting for lagging replicas: what throttling cost.
	Paused, ReplicaWait time.Duration
}

// RelatedCount is the number of rows of a related table an action touched.
type RelatedCount struct {
	Table  string
	Action Action
	Rows   int
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
	now := s.clock(opt.AsOf)
	rep := &Report{RunID: newRunID(), AsOf: now().In(s.Config.Sweeper.Timezone), DryRun: opt.DryRun}
	log := s.logger().With(zap.String("run_id", rep.RunID), zap.Bool("dry_run", opt.DryRun))
	if !opt.DryRun {
		if err := s.passClock(ctx, opt.AsOf, opt.Force, rep.RunID, log); err != nil {
			return nil, err
		}
		// An as-of the guard let pass for being within its tolerance still
		// may not delete a second early: it is taken as the real clock.
		if rn := s.realNow(); !opt.Force && opt.AsOf.After(rn) {
			now = func() time.Time { return rn }
			rep.AsOf = rn.In(s.Config.Sweeper.Timezone)
		}
	}
	start := time.Now()
	log.Info("run started", zap.String("event", "run.start"), zap.Int("rules", len(rules)),
		zap.Time("as_of", rep.AsOf))

	auditReady := false
	var failed []RuleReport
	for _, r := range rules {
		if ctx.Err() != nil {
			break
		}
		rlog := log.With(zap.String("rule", r.Name), zap.String("table", r.Table))
		rr := s.sweepRule(ctx, r, rep.RunID, rep.AsOf, now, opt, &auditReady, rlog)
		if !opt.DryRun && rr.Err == nil && rr.Skipped == "" {
			s.recordSuccess(ctx, rr, rep.RunID, rlog)
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
	log.Info("run finished", zap.String("event", "run.done"), zap.Int("rows", total),
		zap.Int("failed", len(failed)), zap.Int64("duration_ms", time.Since(start).Milliseconds()))
	if len(failed) > 0 {
		return rep, &PartialError{Failed: failed}
	}
	if err := ctx.Err(); err != nil {
		return rep, err
	}
	return rep, nil
}

func (s *Sweeper) sweepRule(ctx context.Context, r *Rule, runID string, asOf time.Time, now func() time.Time,
	opt SweepOptions, auditReady *bool, log *zap.Logger) (rr RuleReport) {
	start := time.Now()
	rr = RuleReport{Name: r.Name, Table: r.Table, Action: r.Action}
	defer func() {
		rr.Duration, rr.Ended = time.Since(start), s.realNow()
		switch {
		case rr.Err != nil:
			log.Error("rule failed", append([]zap.Field{zap.String("event", "rule.error"), zap.Int("rows", rr.Rows),
				zap.Int64("duration_ms", rr.Duration.Milliseconds()), zap.Error(rr.Err)}, summaryFields(rr)...)...)
		case rr.Skipped != "":
			log.Warn("rule skipped", zap.String("event", "rule.skipped"), zap.String("reason", rr.Skipped))
		default:
			log.Info("rule finished", append([]zap.Field{zap.String("event", "rule.done"), zap.Int("rows", rr.Rows),
				zap.Int("batches", rr.Batches), zap.Bool("capped", rr.Capped),
				zap.Int64("duration_ms", rr.Duration.Milliseconds())}, summaryFields(rr)...)...)
		}
	}()
	log.Info("rule started", zap.String("event", "rule.start"))

	b, findings := bind(ctx, s.Store, r, s.Config.Sweeper.RedactText)
	if b == nil {
		rr.Err = findingsError(findings)
		return rr
	}
	// Before anything is sent or locked: a dry run says what the sweep would.
	if err := refuseUnaudited(ctx, s.Store, b); err != nil {
		rr.Err = err
		return rr
	}
	cut := b.cutoffFor(asOf, s.Config.Sweeper.Timezone)
	rr.Cutoff = cut.at
	rr.Reminder = b.Reminder != nil
	cond, condArgs := b.dueCond(cut, s.Config.Sweeper.RedactText)

	if opt.DryRun && b.Reminder != nil {
		c, err := s.countReminders(ctx, b, asOf)
		if err != nil {
			rr.Err = err
			return rr
		}
		rr.Rows, rr.Reminders, rr.AwaitingReminder = c.due, c.reminders, c.awaiting
		for _, rel := range b.related {
			n, err := s.relatedOfKeys(ctx, rel, c.dueKeys)
			if err != nil {
				rr.Err = err
				return rr
			}
			rr.Related = append(rr.Related, RelatedCount{Table: rel.Table, Action: rel.Action, Rows: n})
		}
		return rr
	}
	if opt.DryRun {
		// Nothing is locked or written: the same counts plan gives.
		n, err := s.count(ctx, b, cond, condArgs)
		if err != nil {
			rr.Err = err
			return rr
		}
		if b.MaxRowsPerRun > 0 && n > b.MaxRowsPerRun {
			n, rr.Capped = b.MaxRowsPerRun, true
		}
		rr.Rows = n
		rr.Related, rr.Err = s.relatedCounts(ctx, b, cond, condArgs)
		return rr
	}

	release, ok, err := s.Store.TryLock(ctx, "rule:"+r.Name)
	if err != nil {
		rr.Err = err
		return rr
	}
	if !ok {
		rr.Skipped = "another sweeper holds this rule's lock"
		return rr
	}
	defer release()

	if !*auditReady {
		if err := s.ensureAudit(ctx); err != nil {
			rr.Err = err
			return rr
		}
		*auditReady = true
	}

	if b.Files != nil {
		if err := s.ensureFilesTable(ctx); err != nil {
			rr.Err = err
			return rr
		}
		// Files of rows deleted by a run that stopped before removing them.
		if _, err := s.removeFiles(ctx, b, runID, log); err != nil {
			rr.Err = err
			return rr
		}
	}
	if b.Reminder != nil {
		if err := s.ensureRemindersTable(ctx); err != nil {
			rr.Err = err
			return rr
		}
		run, err := s.sendReminders(ctx, b, asOf, runID, now, log)
		rr.Reminders, rr.RemindersFailed = run.sent, run.failed
		if err != nil {
			rr.Err = err
			return rr
		}
		if err := run.err(); err != nil {
			// The rows whose mail failed are kept; the others still go.
			defer func() {
				if rr.Err == nil {
					rr.Err = err
				}
			}()
		}
	}
	if b.Files != nil {
		defer func() {
			if rr.Err != nil && rr.Rows == 0 {
				return
			}
			if _, err := s.removeFiles(ctx, b, runID, log); err != nil && rr.Err == nil {
				rr.Err = err
			}
		}()
	}

	if s.Config.Sweeper.MaxFraction > 0 && !opt.Force {
		if err := s.checkFraction(ctx, b, cond, condArgs); err != nil {
			rr.Err = err
			return rr
		}
	}

	var deadline time.Time
	if d := s.Config.Sweeper.MaxRunTime; d > 0 {
		deadline = start.Add(d)
	}
	related := make([]RelatedCount, len(b.related))
	for i, rel := range b.related {
		related[i] = RelatedCount{Table: rel.Table, Action: rel.Action}
	}
	defer func() {
		for _, rc := range related {
			rr.Related = append(rr.Related, rc)
		}
	}()

	var last any
	// next is the next batch's candidates, read on another connection while
	// the batch before them runs: that read then costs the batch nothing.
	var next <-chan candidateRead
	defer func() {
		if next != nil {
			<-next
		}
	}()
	// size is batch_size, or with batch_time what the last batch's pace
	// says fits in it.
	size := b.BatchSize
	for {
		if err := ctx.Err(); err != nil {
			rr.Err = fmt.Errorf("stopped: %w", err)
			return rr
		}
		limit := size
		if b.MaxRowsPerRun > 0 {
			left := b.MaxRowsPerRun - rr.Rows
			if left <= 0 {
				rr.Capped = s.anyDue(ctx, b, cond, condArgs, last)
				return rr
			}
			limit = min(limit, left)
		}
		if !deadline.IsZero() && time.Now().After(deadline) {
			rr.Capped = s.anyDue(ctx, b, cond, condArgs, last)
			return rr
		}
		var c candidateRead
		if next != nil {
			c = <-next
			next = nil
		} else {
			c = s.readCandidates(ctx, b, cond, condArgs, last, limit)
		}
		if c.err != nil {
			rr.Err = c.err
			return rr
		}
		keys := c.keys
		// A read that found fewer rows than it asked for walked to the end
		// of the table: another would only walk it again. A row that became
		// due since is the next run's.
		end := len(keys) < c.limit
		if len(keys) > limit {
			keys, end = keys[:limit], false
		}
		if len(keys) == 0 {
			return rr
		}
		last = keys[len(keys)-1]
		if !end {
			ch := make(chan candidateRead, 1)
			// The read-ahead asks for the size this batch started with; a
			// size that shrinks after it cuts the keys, and the rest is read
			// again.
			go func(last any, n int) { ch <- s.readCandidates(ctx, b, cond, condArgs, last, n) }(last, size)
			next = ch
		}
		if s.beforeLock != nil {
			s.beforeLock(r.Name, keys)
		}
		bs := time.Now()
		opt := batchOptions{byRange: true}
		if b.MaxRowsPerRun > 0 {
			opt.max = limit
		}
		res, err := s.batchWithRetry(ctx, b, cond, condArgs, keys, runID, s.realNow().UTC(), asOf, log, opt)
		if err != nil {
			rr.Err = err
			return rr
		}
		rr.Rows += res.rows
		rr.AwaitingReminder += res.held
		rr.Batches++
		for i := range related {
			related[i].Rows += res.related[i]
		}
		took := time.Since(bs)
		size = nextBatchSize(size, len(keys), took, s.Config.Sweeper.BatchTime)
		log.Debug("batch committed", zap.String("event", "rule.batch"), zap.Int("rows", res.rows),
			zap.Int64("duration_ms", took.Milliseconds()), zap.Int("next_batch_size", size))
		if p := s.Config.Sweeper.BatchPause; p > 0 {
			ps := time.Now()
			select {
			case <-ctx.Done():
			case <-time.After(p):
			}
			rr.Paused += time.Since(ps)
		}
		waited, err := s.waitForReplicas(ctx, deadline, log)
		rr.ReplicaWait += waited
		if err != nil {
			rr.Err = err
			return rr
		}
		if end {
			return rr
		}
	}
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

// candidates finds the next keys of due rows after last, without locking:
// the locking read in the batch re-checks them.
func (s *Sweeper) candidates(ctx context.Context, b *boundRule, cond string, args []any, last any, limit int) ([]any, error) {
	// The key is NOT NULL by the schema; the condition keeps the walk going
	// should a NULL still appear.
	q := fmt.Sprintf("SELECT %s.%s FROM %s WHERE %s AND %s.%s IS NOT NULL", b.qTable, b.qKey, b.qTable, cond, b.qTable, b.qKey)
	a := append([]any{}, args...)
	if last != nil {
		q += fmt.Sprintf(" AND %s.%s > ?", b.qTable, b.qKey)
		a = append(a, last)
	}
	q += fmt.Sprintf(" ORDER BY %s.%s LIMIT %d", b.qTable, b.qKey, limit)
	keys, err := scanKeys(s.Store.DB().WithContext(ctx).Raw(q, a...))
	if err != nil {
		return nil, fmt.Errorf("find due rows in %q: %w", b.Table, scrub(err))
	}
	return keys, nil
}

// candidateRead is the outcome of a candidates read of at most limit keys.
type candidateRead struct {
	keys  []any
	limit int
	err   error
}

func (s *Sweeper) readCandidates(ctx context.Context, b *boundRule, cond string, args []any, last any, limit int) candidateRead {
	keys, err := s.candidates(ctx, b, cond, args, last, limit)
	return candidateRead{keys: keys, limit: limit, err: err}
}

// anyDue reports whether due rows remain after last, so that a capped run
// says so instead of looking finished.
func (s *Sweeper) anyDue(ctx context.Context, b *boundRule, cond string, args []any, last any) bool {
	keys, err := s.candidates(ctx, b, cond, args, last, 1)
	return err != nil || len(keys) > 0
}

func scanKeys(q *gorm.DB) ([]any, error) {
	rows, err := q.Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var keys []any
	for rows.Next() {
		var k any
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		keys = append(keys, normKey(k))
	}
	return keys, rows.Err()
}

// scanKeyPairs reads rows of two keys: a related row's and its parent's.
func scanKeyPairs(q *gorm.DB) (keys, parents []any, err error) {
	rows, err := q.Rows()
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k, p any
		if err := rows.Scan(&k, &p); err != nil {
			return nil, nil, err
		}
		keys, parents = append(keys, normKey(k)), append(parents, normKey(p))
	}
	return keys, parents, rows.Err()
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

// normKey turns a scanned key into a value that binds back as itself.
func normKey(k any) any {
	if b, ok := k.([]byte); ok {
		return string(b)
	}
	return k
}

// maxStoredKey is the length of row_key in the sweeper's own tables.
const maxStoredKey = 191

// keyString is how a row's key is written in the sweeper's own tables. A
// key longer than their row_key column keeps its first characters and gets
// a hash of the whole key, so it still fits, stays unique and can be found.
func keyString(k any) string {
	s := fmt.Sprint(k)
	if utf8.RuneCountInString(s) <= maxStoredKey {
		return s
	}
	sum := sha256.Sum256([]byte(s))
	return string([]rune(s)[:maxStoredKey-21]) + "~" + hex.EncodeToString(sum[:10])
}

// StoredKey is how a key given on the command line appears in the audit table.
func StoredKey(k string) string { return keyString(k) }

type batchResult struct {
	rows    int
	related []int
	held    int // locked rows the reminder held back
}

// maxAttempts bounds retries of a batch after lock-wait timeouts and
// deadlocks; after that the rule fails and the next run tries again.
const maxAttempts = 3

func (s *Sweeper) batchWithRetry(ctx context.Context, b *boundRule, cond string, args []any, keys []any,
	runID string, at, asOf time.Time, log *zap.Logger, opt batchOptions) (batchResult, error) {
	var err error
	attempt := 1
	for ; attempt <= maxAttempts; attempt++ {
		var res batchResult
		res, err = s.batch(ctx, b, cond, args, keys, runID, at, asOf, opt)
		if err == nil {
			return res, nil
		}
		if !s.retryable(err) || ctx.Err() != nil || attempt == maxAttempts {
			break
		}
		log.Warn("batch rolled back, retrying", zap.String("event", "rule.retry"), zap.Int("attempt", attempt), zap.Error(scrub(err)))
		select {
		case <-ctx.Done():
		case <-time.After(time.Duration(attempt) * 200 * time.Millisecond):
		}
	}
	if s.retryable(err) {
		return batchResult{}, fmt.Errorf("batch on %q rolled back after %d attempts: %w", b.Table, min(attempt, maxAttempts), scrub(err))
	}
	return batchResult{}, fmt.Errorf("batch on %q rolled back: %w", b.Table, scrub(err))
}

// errRangeMoved is a statement over a batch's key range that touched
// other rows than the batch locked: a row in the range became due after
// the locking read. The batch rolls back and is tried again.
var errRangeMoved = errors.New("rows in the batch's key range changed after they were locked")

func (s *Sweeper) retryable(err error) bool {
	return errors.Is(err, errRangeMoved) || s.Store.Retryable(err)
}

// lockedRow is a row the batch's locking read found still due, with what
// the reminder gate, the hash strategy and file removal need of it.
type lockedRow struct {
	key   any
	age   any
	email any
	file  any
	hash  []any
}

// batchOptions are what an erasure on request changes in a batch; a sweep
// passes the zero value.
type batchOptions struct {
	noReminder bool   // skip the reminder gate: a request is not announced
	detail     string // appended to the detail of every audit record
	// byRange takes the batch as the due rows from the first to the last of
	// the keys (a sweep's keyset walk) rather than as exactly those keys
	// (an erasure's list). One range read is much cheaper than a thousand
	// key look-ups, on every statement of the batch.
	byRange bool
	// max, when not zero, is the most rows a range batch may take: rows of
	// the range that became due after the candidates were read must not
	// carry a run past max_rows_per_run.
	max int
}

// batch is one transaction: lock the candidates that are still due, keep
// those the reminder rule lets go, handle their related rows, then the rows,
// then write the audit records.
func (s *Sweeper) batch(ctx context.Context, b *boundRule, cond string, args []any, keys []any,
	runID string, at time.Time, asOf time.Time, opt batchOptions) (batchResult, error) {
	var res batchResult
	err := s.Store.DB().WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		res, err = s.batchTx(tx, b, cond, args, keys, runID, at, asOf, opt)
		return err
	}, s.Store.TxOptions())
	if err != nil {
		return batchResult{}, err
	}
	return res, nil
}

// batchScope is the rows a batch works on: within (with its args) selects
// them, by key list or by key range, and always with the due condition.
type batchScope struct {
	within string
	args   []any
	// wholeRange: every statement may use within instead of the key list.
	// That holds when no reminder holds rows back and the condition reads
	// only the row itself. Then a statement over the range and the condition
	// touches the locked rows and, should a row of the range have become due
	// since, more: the exact count checks roll that back. A condition with a
	// subquery or a stored function could also turn a locked row not due
	// through another table, and with one row turning each way the counts
	// still agree; those rules go by key.
	wholeRange bool
}

func newBatchScope(b *boundRule, cond string, args []any, keys []any, opt batchOptions) batchScope {
	sc := batchScope{within: fmt.Sprintf("%s.%s IN ?", b.qTable, b.qKey), args: []any{keys}}
	if opt.byRange {
		sc.within = fmt.Sprintf("%s.%s >= ? AND %s.%s <= ?", b.qTable, b.qKey, b.qTable, b.qKey)
		sc.args = []any{keys[0], keys[len(keys)-1]}
	}
	sc.within += " AND " + cond
	sc.args = append(sc.args, args...)
	sc.wholeRange = opt.byRange && b.Reminder == nil && !b.readsOther
	return sc
}

func (s *Sweeper) batchTx(tx *gorm.DB, b *boundRule, cond string, args []any, keys []any,
	runID string, at time.Time, asOf time.Time, opt batchOptions) (batchResult, error) {
	res := batchResult{related: make([]int, len(b.related))}
	var hashCols []boundColumn
	for _, c := range b.anonymise {
		if c.Strategy == StrategyHash {
			hashCols = append(hashCols, c)
		}
	}
	sc := newBatchScope(b, cond, args, keys, opt)
	detail := ""
	if b.Action == ActionAnonymise {
		detail = columnNames(b.anonymise)
	}
	if sc.wholeRange && opt.max == 0 && opt.detail == "" && b.integerKey() && len(b.related) == 0 && b.Files == nil && len(hashCols) == 0 {
		// Nothing but the rows themselves and their records: the locking
		// read is the audit INSERT's own SELECT.
		n, err := s.lockAndAudit(tx, b, sc.within, sc.args, runID, at, detail)
		if err != nil || n == 0 {
			return res, err
		}
		if s.afterLock != nil {
			s.afterLock(b.Name)
		}
		res.rows = n
		return res, s.act(tx, b, keysTarget{where: sc.within, args: sc.args, n: n}, nil, nil)
	}

	locked, err := s.lockRows(tx, b, sc, hashCols)
	if err != nil {
		return res, err
	}
	if opt.byRange && opt.max > 0 && len(locked) > opt.max {
		// The rest stay locked until the commit, untouched.
		locked = locked[:opt.max]
		sc.args[1] = locked[len(locked)-1].key
	}
	if s.afterLock != nil {
		s.afterLock(b.Name)
	}
	var noAddress map[string]bool
	if b.Reminder != nil && !opt.noReminder {
		n := len(locked)
		locked, noAddress, err = s.reminderGate(tx, b, locked, asOf)
		if err != nil {
			return res, err
		}
		res.held = n - len(locked)
	}
	if len(locked) == 0 {
		return res, nil
	}
	keysLocked := make([]any, len(locked))
	hashVals := make([][]any, len(locked))
	for i, r := range locked {
		keysLocked[i], hashVals[i] = r.key, r.hash
	}
	var audit []AuditRecord
	for i, rel := range b.related {
		n, recs, err := s.handleRelated(tx, b, rel, keysLocked, runID, at)
		if err != nil {
			return res, err
		}
		res.related[i] = n
		audit = append(audit, recs...)
	}
	// The rows' own records come from the rows themselves, before they
	// change, when their keys read as text the same way in SQL as here.
	auditInSQL := sc.wholeRange && opt.detail == "" && b.integerKey()
	if auditInSQL {
		if err := s.auditRange(tx, b, sc.within, sc.args, len(locked), runID, at, detail); err != nil {
			return res, err
		}
	}
	target := keysTarget{keys: keysLocked}
	if sc.wholeRange {
		target = keysTarget{keys: keysLocked, where: sc.within, args: sc.args, n: len(keysLocked)}
	}
	if err := s.act(tx, b, target, hashVals, hashCols); err != nil {
		return res, err
	}
	if b.Files != nil {
		if err := s.queueFiles(tx, b.Name, locked, at); err != nil {
			return res, err
		}
	}
	if b.Reminder != nil {
		if err := s.forgetReminders(tx, b.Name, keysLocked); err != nil {
			return res, err
		}
	}
	if !auditInSQL {
		for _, k := range keysLocked {
			ks := keyString(k)
			if noAddress[ks] {
				audit = append(audit, AuditRecord{RunID: runID, At: at, Rule: b.Name, Table: b.Table,
					RowKey: ks, Action: AuditNoAddress, Detail: "deleted without a reminder: no address"})
			}
			audit = append(audit, AuditRecord{RunID: runID, At: at, Rule: b.Name, Table: b.Table,
				RowKey: ks, Action: string(b.Action), Detail: detail})
		}
	}
	if opt.detail != "" {
		for i := range audit {
			audit[i].Detail = strings.TrimPrefix(audit[i].Detail+"; "+opt.detail, "; ")
		}
	}
	if err := s.writeAudit(tx, audit); err != nil {
		return res, err
	}
	res.rows = len(locked)
	return res, nil
}

// lockRows is the locking read of a batch: the rows of its scope, with what
// the reminder gate, the hash strategy and file removal need of them.
func (s *Sweeper) lockRows(tx *gorm.DB, b *boundRule, sc batchScope, hashCols []boundColumn) ([]lockedRow, error) {
	sel := []string{b.qTable + "." + b.qKey}
	if b.Reminder != nil {
		sel = append(sel, b.ageExpr, b.qTable+"."+b.qEmail)
	}
	if b.Files != nil {
		sel = append(sel, b.qTable+"."+b.qFile)
	}
	for _, c := range hashCols {
		sel = append(sel, b.qTable+"."+c.q)
	}
	q := fmt.Sprintf("SELECT %s FROM %s WHERE %s ORDER BY %s.%s%s",
		strings.Join(sel, ", "), b.qTable, sc.within, b.qTable, b.qKey, b.forUpdate())
	rows, err := tx.Raw(q, sc.args...).Rows()
	if err != nil {
		return nil, fmt.Errorf("lock due rows: %w", err)
	}
	defer rows.Close()
	var locked []lockedRow
	for rows.Next() {
		dst, err := scanValues(rows, len(sel))
		if err != nil {
			return nil, fmt.Errorf("lock due rows: %w", err)
		}
		lr := lockedRow{key: normKey(dst[0])}
		i := 1
		if b.Reminder != nil {
			lr.age, lr.email = dst[1], dst[2]
			i = 3
		}
		if b.Files != nil {
			lr.file = dst[i]
			i++
		}
		lr.hash = dst[i:]
		locked = append(locked, lr)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("lock due rows: %w", err)
	}
	return locked, nil
}

// act deletes or anonymises the batch's rows.
func (s *Sweeper) act(tx *gorm.DB, b *boundRule, target keysTarget, hashVals [][]any, hashCols []boundColumn) error {
	switch b.Action {
	case ActionDelete:
		q, a := target.clause(fmt.Sprintf("DELETE FROM %s WHERE", b.qTable), b.qKey)
		if err := target.exec(tx, q, a...); err != nil {
			return fmt.Errorf("delete from %q: %w", b.Table, err)
		}
	case ActionAnonymise:
		if err := s.anonymiseRows(tx, b.dialect, b.qTable, b.qKey, b.anonymise, b.keep, target, hashVals, hashCols); err != nil {
			return fmt.Errorf("anonymise %q: %w", b.Table, err)
		}
	}
	return nil
}

var errCountChanged = errors.New("row count changed under the lock")

// execChecked runs a statement that must touch exactly want rows: anything
// else means the rows changed under the lock, and the batch rolls back.
func execChecked(tx *gorm.DB, q string, want int, args ...any) error {
	res := tx.Exec(q, args...)
	if res.Error != nil {
		return res.Error
	}
	if int(res.RowsAffected) != want {
		return fmt.Errorf("%w: touched %d rows where %d were locked; rolled back", errCountChanged, res.RowsAffected, want)
	}
	return nil
}

// keysTarget is the rows a batch statement acts on: the locked keys, or,
// when where is set, the batch's range and condition that locked n rows.
type keysTarget struct {
	keys  []any
	where string
	args  []any
	n     int
}

// clause completes head ("DELETE FROM t WHERE") with the target's rows.
func (t keysTarget) clause(head, qKey string) (string, []any) {
	if t.where != "" {
		return head + " " + t.where, t.args
	}
	return fmt.Sprintf("%s %s IN ?", head, qKey), []any{t.keys}
}

// exec runs q, which must touch exactly the target's rows.
func (t keysTarget) exec(tx *gorm.DB, q string, args ...any) error {
	if t.where == "" {
		return execChecked(tx, q, len(t.keys), args...)
	}
	return execInRange(tx, q, t.n, args...)
}

// execInRange is execChecked for a statement over a batch's range, where
// another count means a row of the range became due after the lock: the
// batch is worth another try.
func execInRange(tx *gorm.DB, q string, want int, args ...any) error {
	err := execChecked(tx, q, want, args...)
	if errors.Is(err, errCountChanged) {
		return fmt.Errorf("%w: %w", errRangeMoved, err)
	}
	return err
}

func (s *Sweeper) anonymiseRows(tx *gorm.DB, d Dialect, qTable, qKey string, cols []boundColumn, keep []string, target keysTarget,
	hashVals [][]any, hashCols []boundColumn) error {
	keys := target.keys
	set, setArgs := setClause(d, cols, qKey, s.Config.Sweeper.RedactText)
	assigned := make([]string, len(cols))
	for i, c := range cols {
		assigned[i] = c.q
	}
	keepSet := keepClause(keep, assigned...)
	if set != "" {
		set += keepSet
		q, a := target.clause(fmt.Sprintf("UPDATE %s SET %s WHERE", qTable, set), qKey)
		// The connection counts matched rows, not changed ones (MySQL's
		// CLIENT_FOUND_ROWS), so the count must equal the rows locked.
		if err := target.exec(tx, q, append(setArgs, a...)...); err != nil {
			return err
		}
	}
	if len(hashCols) == 0 {
		return nil
	}
	if len(hashVals) == 0 {
		// Related rows: read the values to hash under the batch's lock.
		var err error
		hashVals, err = readValues(tx, qTable, qKey, hashCols, keys)
		if err != nil {
			return err
		}
	}
	key := []byte(s.Config.Sweeper.HashKey)
	for i, k := range keys {
		var parts []string
		var args []any
		for j, c := range hashCols {
			v := hashVals[i][j]
			if v == nil {
				continue
			}
			sv := fmt.Sprint(normKey(v))
			if strings.HasPrefix(sv, hashPrefix) {
				continue
			}
			parts = append(parts, c.q+" = ?")
			args = append(args, hashValue(key, sv, c.length))
		}
		if len(parts) == 0 {
			continue
		}
		q := fmt.Sprintf("UPDATE %s SET %s%s WHERE %s = ?", qTable, strings.Join(parts, ", "), keepSet, qKey)
		if err := tx.Exec(q, append(args, k)...).Error; err != nil {
			return err
		}
	}
	return nil
}

func readValues(tx *gorm.DB, qTable, qKey string, cols []boundColumn, keys []any) ([][]any, error) {
	sel := make([]string, len(cols))
	for i, c := range cols {
		sel[i] = c.q
	}
	q := fmt.Sprintf("SELECT %s, %s FROM %s WHERE %s IN ?", qKey, strings.Join(sel, ", "), qTable, qKey)
	rows, err := tx.Raw(q, keys).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byKey := map[string][]any{}
	for rows.Next() {
		dst, err := scanValues(rows, 1+len(cols))
		if err != nil {
			return nil, err
		}
		byKey[keyString(normKey(dst[0]))] = dst[1:]
	}
	out := make([][]any, len(keys))
	for i, k := range keys {
		out[i] = byKey[keyString(k)]
		if out[i] == nil {
			out[i] = make([]any, len(cols))
		}
	}
	return out, rows.Err()
}

// relatedChunk bounds the bound parameters of one statement on a related
// table: one parent can have many children.
const relatedChunk = 5000

func (s *Sweeper) handleRelated(tx *gorm.DB, b *boundRule, rel boundRelated, parents []any, runID string, at time.Time) (int, []AuditRecord, error) {
	// The foreign key comes along: each record names the row it went with.
	q := fmt.Sprintf("SELECT %s, %s FROM %s WHERE %s IN ? ORDER BY %s%s", rel.qKey, rel.qFK, rel.qTable, rel.qFK, rel.qKey, b.forUpdate())
	keys, fks, err := scanKeyPairs(tx.Raw(q, parents))
	if err != nil {
		return 0, nil, fmt.Errorf("related %q: lock rows: %w", rel.Table, err)
	}
	if len(keys) == 0 {
		return 0, nil, nil
	}
	detail := ""
	for start := 0; start < len(keys); start += relatedChunk {
		chunk := keys[start:min(start+relatedChunk, len(keys))]
		switch rel.Action {
		case ActionDelete:
			err = execChecked(tx, fmt.Sprintf("DELETE FROM %s WHERE %s IN ?", rel.qTable, rel.qKey), len(chunk), chunk)
		case ActionDetach:
			detail = rel.ForeignKey
			err = execChecked(tx, fmt.Sprintf("UPDATE %s SET %s = NULL%s WHERE %s IN ?", rel.qTable, rel.qFK, keepClause(rel.keep, rel.qFK), rel.qKey),
				len(chunk), chunk)
		case ActionAnonymise:
			detail = columnNames(rel.anonymise)
			var hashCols []boundColumn
			for _, c := range rel.anonymise {
				if c.Strategy == StrategyHash {
					hashCols = append(hashCols, c)
				}
			}
			err = s.anonymiseRows(tx, b.dialect, rel.qTable, rel.qKey, rel.anonymise, rel.keep, keysTarget{keys: chunk}, nil, hashCols)
		}
		if err != nil {
			return 0, nil, fmt.Errorf("related %q: %s: %w", rel.Table, rel.Action, err)
		}
	}
	recs := make([]AuditRecord, len(keys))
	for i, k := range keys {
		recs[i] = AuditRecord{RunID: runID, At: at, Rule: b.Name, Table: rel.Table, RowKey: keyString(k),
			Action: string(rel.Action), Detail: detail, ParentKey: keyString(fks[i])}
	}
	return len(keys), recs, nil
}

// ErrMaxFraction is wrapped by the error of a rule whose run the
// max_fraction circuit breaker refused. Its text is that error's first word.
var ErrMaxFraction = errors.New("refused")

// ReasonMaxFraction is the circuit breaker's reason in metrics.
const ReasonMaxFraction = "max_fraction"

// checkFraction is the circuit breaker: a run that would touch more than
// max_fraction of a table is more likely a wrong rule than a real backlog.
func (s *Sweeper) checkFraction(ctx context.Context, b *boundRule, cond string, args []any) error {
	due, err := s.count(ctx, b, cond, args)
	if err != nil {
		return err
	}
	var total int64
	if err := s.Store.DB().WithContext(ctx).Raw("SELECT COUNT(*) FROM " + b.qTable).Scan(&total).Error; err != nil {
		return fmt.Errorf("count rows of %q: %w", b.Table, err)
	}
	if total == 0 {
		return nil
	}
	if f := float64(due) / float64(total); f > s.Config.Sweeper.MaxFraction {
		return fmt.Errorf("%w: %d of %d rows of %q (%.1f%%) are due, more than max_fraction %.1f%%; nothing was touched. "+
			"Check the rule with `sweeper plan --rule %s`, then run `sweeper sweep --rule %s --force` if it is right",
			ErrMaxFraction, due, total, b.Table, f*100, s.Config.Sweeper.MaxFraction*100, b.Name, b.Name)
	}
	return nil
}

func (s *Sweeper) count(ctx context.Context, b *boundRule, cond string, args []any) (int, error) {
	var n int64
	q := fmt.Sprintf("SELECT COUNT(*) FROM %s WHERE %s", b.qTable, cond)
	if err := s.Store.DB().WithContext(ctx).Raw(q, args...).Scan(&n).Error; err != nil {
		return 0, fmt.Errorf("count due rows of %q: %w", b.Table, scrub(err))
	}
	return int(n), nil
}

// relatedCounts counts, per related table, the rows that go with the due rows.
func (s *Sweeper) relatedCounts(ctx context.Context, b *boundRule, cond string, args []any) ([]RelatedCount, error) {
	var out []RelatedCount
	for _, rel := range b.related {
		n, err := s.countRelated(ctx, b, rel, cond, args)
		if err != nil {
			return out, err
		}
		out = append(out, RelatedCount{Table: rel.Table, Action: rel.Action, Rows: n})
	}
	return out, nil
}

func (s *Sweeper) countRelated(ctx context.Context, b *boundRule, rel boundRelated, cond string, args []any) (int, error) {
	var n int64
	q := fmt.Sprintf("SELECT COUNT(*) FROM %s WHERE %s IN (SELECT %s.%s FROM %s WHERE %s)",
		rel.qTable, rel.qFK, b.qTable, b.qKey, b.qTable, cond)
	if err := s.Store.DB().WithContext(ctx).Raw(q, args...).Scan(&n).Error; err != nil {
		return 0, fmt.Errorf("count related rows of %q: %w", rel.Table, scrub(err))
	}
	return int(n), nil
}
