package sweeper

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap"
)

// invocation is one call of Sweep or Erase: what the runs of its rules
// share.
type invocation struct {
	id   string           // the run id, on every audit record and log line
	asOf time.Time        // the moment cutoffs are taken at, in sweeper.timezone
	now  func() time.Time // the as-of clock: --as-of, else the real one
	// requested is the --as-of given, zero when none: what the clock guard
	// holds against the real clock.
	requested time.Time
	dryRun    bool
	force     bool
	countLeft bool // see SweepOptions.CountLeft
	// onRequest is, for an erasure, what its audit records' detail says;
	// "" for a sweep.
	onRequest string
	log       *zap.Logger

	guarded    bool // the clock guard let it pass
	auditReady bool // the audit table is there

	// subject is the data map, bound once when a rule first needs it.
	subject    *boundSubject
	subjectErr error
	// replay: an erasure that re-applies recorded actions (replay.go).
	replay bool
}

// newInvocation starts a Sweep or an Erase: a new run id, and the as-of
// clock (asOf, zero for the real one).
func (s *Sweeper) newInvocation(asOf time.Time, dryRun, force bool) *invocation {
	inv := &invocation{id: newRunID(), now: s.clock(asOf), requested: asOf, dryRun: dryRun, force: force}
	inv.asOf = inv.now().In(s.Config.Sweeper.Timezone)
	inv.log = s.logger().With(zap.String("run_id", inv.id), zap.Bool("dry_run", dryRun))
	return inv
}

// passGuard holds an invocation to the clock guard before its first write,
// once. An as-of the guard let pass for being within its tolerance still
// may not delete a second early: it is taken as the real clock.
func (s *Sweeper) passGuard(ctx context.Context, inv *invocation, log *zap.Logger) error {
	if inv.guarded {
		return nil
	}
	if err := s.passClock(ctx, inv.requested, inv.force, inv.id, log); err != nil {
		return err
	}
	inv.guarded = true
	if rn := s.realNow(); !inv.force && inv.requested.After(rn) {
		inv.now = func() time.Time { return rn }
		inv.asOf = rn.In(s.Config.Sweeper.Timezone)
	}
	return nil
}

// ruleRun is one run of one rule: the rule held against the live schema,
// the condition its rows are taken by, and what its batches and records
// share. openRun opens it the same way for a sweep, an erasure and the
// daemon's scheduled runs.
type ruleRun struct {
	s *Sweeper
	*boundRule
	inv *invocation
	log *zap.Logger // with the rule and table

	// cond and args select the rows the run takes: due at the cutoff for
	// a sweep, or as an erasure takes them.
	cond string
	args []any
	// opt is what the run's batches do beyond a sweep's.
	opt batchOptions
	// holds is how the run honours holds on people.
	holds runHolds

	start    time.Time
	deadline time.Time // max_run_time; zero for none
	rep      RuleReport
	release  func() // the rule's named lock, once begun

	// thr is the pace's watch of the server (throttle.go).
	thr *throttle
}

// errLockHeld is a run that another sweeper's run of the rule keeps out.
var errLockHeld = errors.New("another sweeper holds this rule's lock")

// openRun opens one run of a rule. It binds the rule to the live schema
// and holds it against the foreign keys into the tables it changes: a
// rule the database would change rows along for, without audit records,
// is refused before anything is sent or locked, in a dry run too. A run
// that writes then begins. The run comes back also on an error, with its
// report as far as it got.
func (s *Sweeper) openRun(ctx context.Context, inv *invocation, r *Rule, log *zap.Logger, write bool) (*ruleRun, error) {
	run := &ruleRun{s: s, inv: inv, log: log, start: time.Now(),
		rep: RuleReport{Name: r.Name, Table: r.Table, Action: r.Action}}
	if d := s.Config.Sweeper.MaxRunTime; d > 0 {
		run.deadline = run.start.Add(d)
	}
	redact := s.Config.Sweeper.RedactText
	b, findings := bind(ctx, s.Store, r, redact)
	if b == nil {
		return run, findingsError(findings)
	}
	run.boundRule = b
	b.replay = inv.replay
	if err := refuseUnaudited(ctx, s.Store, b); err != nil {
		return run, err
	}
	if err := run.bindHolds(ctx); err != nil {
		return run, err
	}
	if inv.onRequest != "" {
		run.cond, run.args = b.eraseCond(redact)
		run.opt = batchOptions{noReminder: true, detail: inv.onRequest}
	} else {
		cut := b.cutoffFor(inv.asOf, s.Config.Sweeper.Timezone)
		run.rep.Cutoff = cut.at
		run.cond, run.args = b.dueCond(cut, redact)
		run.opt = batchOptions{byRange: true}
	}
	run.rep.Reminder = b.Reminder != nil
	if !write {
		return run, nil
	}
	return run, run.begin(ctx)
}

// begin readies a run to write: the invocation's clock guard (passed
// once, before its first write), the rule's named lock (errLockHeld while
// another sweeper runs the rule) and the sweeper's own tables the rule
// writes to. A run that began is closed with close.
func (run *ruleRun) begin(ctx context.Context) error {
	s := run.s
	if err := s.passGuard(ctx, run.inv, run.log); err != nil {
		return err
	}
	release, ok, err := s.Store.TryLock(ctx, "rule:"+run.Name)
	if err != nil {
		return err
	}
	if !ok {
		return errLockHeld
	}
	begun := false
	defer func() {
		if !begun {
			release()
		}
	}()
	if err := run.ensureTables(ctx); err != nil {
		return err
	}
	run.release, begun = release, true
	return nil
}

// ensureTables creates the sweeper's tables the run writes to when they
// are missing. The table of last successes is created when the first
// success is recorded: a rule's run does not fail for want of it (README).
func (run *ruleRun) ensureTables(ctx context.Context) error {
	s := run.s
	if !run.inv.auditReady {
		if err := s.ensureAudit(ctx); err != nil {
			return err
		}
		run.inv.auditReady = true
	}
	if run.Files != nil {
		if err := s.ensureFilesTable(ctx); err != nil {
			return err
		}
	}
	if run.Reminder != nil {
		// The batches forget the reminders of deleted rows.
		if err := s.ensureRemindersTable(ctx); err != nil {
			return err
		}
	}
	if run.holds.watch {
		// The batches ask it whether a hold was placed.
		if err := s.ensureHoldsExist(ctx); err != nil {
			return err
		}
	}
	return nil
}

// close releases the rule's named lock of a run that began.
func (run *ruleRun) close() {
	if run.release != nil {
		run.release()
		run.release = nil
	}
}

// sweepRule runs one rule of a sweep, and reports on it.
func (s *Sweeper) sweepRule(ctx context.Context, inv *invocation, r *Rule) RuleReport {
	log := inv.log.With(zap.String("rule", r.Name), zap.String("table", r.Table))
	log.Info("rule started", zap.String("event", "rule.start"))
	run, err := s.openRun(ctx, inv, r, log, !inv.dryRun)
	switch {
	case errors.Is(err, errLockHeld):
		run.rep.Skipped = err.Error()
	case err != nil:
		run.rep.Err = err
	case inv.dryRun:
		// Nothing is locked or written: the same counts plan gives.
		run.rep.Err = run.countDue(ctx)
	default:
		run.rep.Err = run.sweep(ctx)
	}
	return run.finish()
}

// sweep is a run that writes: the files an earlier run left, the
// reminders, the circuit breaker, the walk over the due rows, and the
// files of the rows it deleted. Rows whose reminder could not be sent are
// kept, and fail the run, but the others still go. It closes the run.
func (run *ruleRun) sweep(ctx context.Context) error {
	defer run.close()
	if run.Files != nil {
		// Files of rows deleted by a run that stopped before removing them.
		if _, err := run.removeFiles(ctx); err != nil {
			return err
		}
	}
	var mailErr error
	if run.Reminder != nil {
		sent, err := run.sendReminders(ctx)
		run.rep.Reminders, run.rep.RemindersFailed = sent.sent, sent.failed
		if err != nil {
			return err
		}
		mailErr = sent.err()
	}
	if run.s.Config.Sweeper.MaxFraction > 0 && !run.inv.force {
		if err := run.checkFraction(ctx); err != nil {
			return err
		}
	}
	if err := run.startThrottle(ctx); err != nil {
		return err
	}
	err := run.walk(ctx)
	run.endThrottle()
	if run.Files != nil && (err == nil || run.rep.Rows > 0) {
		if _, ferr := run.removeFiles(ctx); err == nil {
			err = ferr
		}
	}
	if err == nil {
		err = mailErr
	}
	return err
}

// walk takes the rule's due rows in batches along its key: read the next
// keys, run a batch on them, pace, and stop at the end of the due rows, at
// a cap (max_rows_per_run, max_run_time), on an error or when the sweep is
// stopped.
func (run *ruleRun) walk(ctx context.Context) error {
	run.rep.Related = run.zeroRelated()
	ks := keyset{run: run}
	defer ks.close()
	// size is batch_size, or with batch_time what the last batch's pace
	// says fits in it.
	size := run.BatchSize
	if run.spans() {
		if done, err := run.walkSpans(ctx, &ks, &size); done {
			return err
		}
	}
	for {
		limit, err := run.budget(ctx, &ks, size)
		if err != nil || limit == 0 {
			return err
		}
		keys, end, err := ks.read(ctx, limit, size)
		if err != nil {
			return err
		}
		if len(keys) == 0 {
			run.ranOut()
			return nil
		}
		start := time.Now()
		res, err := run.batch(ctx, keys, run.maxRows(limit))
		if err != nil {
			run.countLeft(ctx, &ks)
			return err
		}
		ks.reached = keys[len(keys)-1]
		run.add(res)
		took := time.Since(start)
		size = nextBatchSize(size, len(keys), took, run.s.Config.Sweeper.BatchTime)
		run.log.Debug("batch committed", zap.String("event", "rule.batch"), zap.Int("rows", res.rows),
			zap.Int64("duration_ms", took.Milliseconds()), zap.Int("next_batch_size", size))
		if err := run.pace(ctx); err != nil {
			return err
		}
		if end {
			run.ranOut()
			return nil
		}
	}
}

// ranOut records that the run took every row that was due.
func (run *ruleRun) ranOut() {
	run.rep.Left, run.rep.LeftKnown = 0, true
}

// countLeft counts, when the invocation asks, the due rows after the last
// key the run reached, and reports whether there are any. Without the
// count, it asks the database whether one is left.
func (run *ruleRun) countLeft(ctx context.Context, ks *keyset) bool {
	if !run.inv.countLeft {
		return ks.anyDue(ctx)
	}
	n, err := ks.left(ctx)
	if err != nil {
		return true
	}
	run.rep.Left, run.rep.LeftKnown = n, true
	return n > 0
}

// budget is how many rows the next batch may take: size, less what
// max_rows_per_run leaves. 0 ends the walk: it was stopped (the error
// says so), or a cap ends it, Capped when due rows remain.
func (run *ruleRun) budget(ctx context.Context, keys *keyset, size int) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("stopped: %w", err)
	}
	limit := size
	if run.MaxRowsPerRun > 0 {
		left := run.MaxRowsPerRun - run.rep.Rows
		if left <= 0 {
			run.rep.Capped = run.countLeft(ctx, keys)
			return 0, nil
		}
		limit = min(limit, left)
	}
	if !run.deadline.IsZero() && time.Now().After(run.deadline) {
		run.rep.Capped = run.countLeft(ctx, keys)
		return 0, nil
	}
	return limit, nil
}

// maxRows is the most rows a batch of limit keys may take: rows of its
// range that became due after its keys were read must not carry a run
// past max_rows_per_run.
func (run *ruleRun) maxRows(limit int) int {
	if run.MaxRowsPerRun > 0 {
		return limit
	}
	return 0
}

// add counts a committed batch into the run's report.
func (run *ruleRun) add(res batchResult) {
	run.rep.Rows += res.rows
	run.rep.AwaitingReminder += res.held
	run.rep.Batches++
	for i := range run.rep.Related {
		run.rep.Related[i].Rows += res.related[i]
	}
}

// pace is the pause after a batch: batch_pause, then as long as the
// replicas lag, then the throttle (throttle.go). The report counts each,
// what throttling cost.
func (run *ruleRun) pace(ctx context.Context) error {
	if p := run.s.Config.Sweeper.BatchPause; p > 0 {
		start := time.Now()
		select {
		case <-ctx.Done():
		case <-time.After(p):
		}
		run.rep.Paused += time.Since(start)
	}
	waited, err := run.s.waitForReplicas(ctx, run.deadline, run.log)
	run.rep.ReplicaWait += waited
	if err != nil {
		return err
	}
	return run.throttle(ctx)
}

// finish ends the report of a sweep's run with its duration and logs its
// summary line.
func (run *ruleRun) finish() RuleReport {
	rr := run.rep
	rr.Duration, rr.Ended = time.Since(run.start), run.s.realNow()
	switch {
	case rr.Err != nil:
		run.log.Error("rule failed", append([]zap.Field{zap.String("event", "rule.error"), zap.Int("rows", rr.Rows),
			zap.Int64("duration_ms", rr.Duration.Milliseconds()), zap.Error(rr.Err)}, summaryFields(rr)...)...)
	case rr.Skipped != "":
		run.log.Warn("rule skipped", zap.String("event", "rule.skipped"), zap.String("reason", rr.Skipped))
	default:
		run.log.Info("rule finished", append([]zap.Field{zap.String("event", "rule.done"), zap.Int("rows", rr.Rows),
			zap.Int("batches", rr.Batches), zap.Bool("capped", rr.Capped),
			zap.Int64("duration_ms", rr.Duration.Milliseconds())}, summaryFields(rr)...)...)
	}
	return rr
}

// zeroRelated are the counts of related rows a run starts with: one per
// related table at every depth, each before those nested in it.
func (b *boundRule) zeroRelated() []RelatedCount {
	var out []RelatedCount
	for _, rel := range b.flat {
		rc := RelatedCount{Table: rel.Table, Action: rel.Action}
		if rel.name != rel.Table {
			rc.Name = rel.name
		}
		out = append(out, rc)
	}
	for _, rf := range b.refers {
		out = append(out, RelatedCount{Table: rf.Table, Action: rf.Action, Name: rf.name})
	}
	return out
}

// countDue is a dry run: it counts what the sweep would do, as plan does,
// locking and writing nothing.
func (run *ruleRun) countDue(ctx context.Context) error {
	s, rr := run.s, &run.rep
	var err error
	if rr.Held, err = s.countHeld(ctx, run.boundRule, run.cutoffFor(run.inv.asOf, s.Config.Sweeper.Timezone)); err != nil {
		return err
	}
	if run.Reminder != nil {
		c, err := s.countReminders(ctx, run.boundRule, run.inv.asOf)
		if err != nil {
			return err
		}
		rr.Rows, rr.Reminders, rr.AwaitingReminder = c.due, c.reminders, c.awaiting
		rr.Related, err = s.relatedOfKeys(ctx, run.boundRule, c.dueKeys)
		return err
	}
	n, err := s.count(ctx, run.boundRule, run.cond, run.args)
	if err != nil {
		return err
	}
	if run.MaxRowsPerRun > 0 && n > run.MaxRowsPerRun {
		n, rr.Capped = run.MaxRowsPerRun, true
	}
	rr.Rows = n
	var rerr error
	rr.Related, rerr = s.relatedCounts(ctx, run.boundRule, run.cond, run.args)
	return rerr
}

// ErrMaxFraction is wrapped by the error of a rule whose run the
// max_fraction circuit breaker refused. Its text is that error's first word.
var ErrMaxFraction = errors.New("refused")

// ReasonMaxFraction is the circuit breaker's reason in metrics.
const ReasonMaxFraction = "max_fraction"

// checkFraction is the circuit breaker: a run that would touch more than
// max_fraction of a table is more likely a wrong rule than a real backlog.
func (run *ruleRun) checkFraction(ctx context.Context) error {
	s := run.s
	due, err := s.count(ctx, run.boundRule, run.cond, run.args)
	if err != nil {
		return err
	}
	total, err := queryCount(ctx, s.Store, "SELECT COUNT(*) FROM "+run.qTable)
	if err != nil {
		return fmt.Errorf("count rows of %q: %w", run.Table, err)
	}
	if total == 0 {
		return nil
	}
	if f := float64(due) / float64(total); f > s.Config.Sweeper.MaxFraction {
		return fmt.Errorf("%w: %d of %d rows of %q (%.1f%%) are due, more than max_fraction %.1f%%; nothing was touched. "+
			"Check the rule with `sweeper plan --rule %s`, then run `sweeper sweep --rule %s --force` if it is right",
			ErrMaxFraction, due, total, run.Table, f*100, s.Config.Sweeper.MaxFraction*100, run.Name, run.Name)
	}
	return nil
}

// keyset reads the keys of the run's due rows in key order, a batch at a
// time from after the last key read. The next batch's keys are read on
// another connection while the batch before them runs: that read then
// costs the batch nothing.
type keyset struct {
	run  *ruleRun
	last any // the last key read
	// reached is the last key of the last batch that committed.
	reached any
	next    <-chan candidateRead
}

// candidateRead is the outcome of a read of at most limit keys.
type candidateRead struct {
	keys  []any
	limit int
	err   error
}

// read returns the next keys, at most limit, and whether they are the
// last: a read that found fewer rows than it asked for walked to the end
// of the table, and another would only walk it again (a row that became
// due since is the next run's). It reads ahead size keys.
func (w *keyset) read(ctx context.Context, limit, size int) (keys []any, end bool, err error) {
	var c candidateRead
	if w.next != nil {
		c = <-w.next
		w.next = nil
	} else {
		c = w.candidates(ctx, w.last, limit)
	}
	if c.err != nil {
		return nil, false, c.err
	}
	keys = c.keys
	end = len(keys) < c.limit
	if len(keys) > limit {
		keys, end = keys[:limit], false
	}
	if len(keys) == 0 {
		return nil, true, nil
	}
	w.last = keys[len(keys)-1]
	if !end {
		ch := make(chan candidateRead, 1)
		// The read-ahead asks for the size this batch started with; a
		// size that shrinks after it cuts the keys, and the rest is read
		// again.
		go func(last any, n int) { ch <- w.candidates(ctx, last, n) }(w.last, size)
		w.next = ch
	}
	return keys, end, nil
}

// close waits for a read ahead still running.
func (w *keyset) close() {
	if w.next != nil {
		<-w.next
	}
}

// anyDue reports whether due rows remain after the last key read, so that
// a capped run says so instead of looking finished.
func (w *keyset) anyDue(ctx context.Context) bool {
	c := w.candidates(ctx, w.last, 1)
	return c.err != nil || len(c.keys) > 0
}

// left counts the due rows after the last key a batch reached.
func (w *keyset) left(ctx context.Context) (int, error) {
	run := w.run
	q := fmt.Sprintf("SELECT COUNT(*) FROM %s WHERE %s AND %s.%s IS NOT NULL", run.qTable, run.cond, run.qTable, run.qKey)
	a := append([]any{}, run.args...)
	if w.reached != nil {
		q += fmt.Sprintf(" AND %s.%s > ?", run.qTable, run.qKey)
		a = append(a, w.reached)
	}
	n, err := queryCount(ctx, run.s.Store, q, a...)
	if err != nil {
		return 0, fmt.Errorf("count the due rows left in %q: %w", run.Table, scrub(err))
	}
	return n, nil
}

// candidates finds the next keys of due rows after last, without locking:
// the locking read in the batch re-checks them.
func (w *keyset) candidates(ctx context.Context, last any, limit int) candidateRead {
	run := w.run
	// The key is NOT NULL by the schema; the condition keeps the walk going
	// should a NULL still appear.
	q := fmt.Sprintf("SELECT %s.%s FROM %s WHERE %s AND %s.%s IS NOT NULL", run.qTable, run.qKey, run.qTable, run.cond, run.qTable, run.qKey)
	a := append([]any{}, run.args...)
	if last != nil {
		q += fmt.Sprintf(" AND %s.%s > ?", run.qTable, run.qKey)
		a = append(a, last)
	}
	q += fmt.Sprintf(" ORDER BY %s.%s LIMIT %d", run.qTable, run.qKey, limit)
	keys, err := queryKeys(ctx, run.s.Store, run.keyOf, q, a...)
	if err != nil {
		err = fmt.Errorf("find due rows in %q: %w", run.Table, scrub(err))
	}
	return candidateRead{keys: keys, limit: limit, err: err}
}
