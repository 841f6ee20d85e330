package sweeper

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/robfig/cron/v3"
	"go.uber.org/zap"
)

// Scheduler runs each enabled rule on its cron schedule, in the configured
// timezone, through the same Sweep that `sweeper sweep` uses.
type Scheduler struct {
	sweeper *Sweeper
	metrics *Metrics
	log     *zap.Logger

	cron    *cron.Cron
	entries map[string]cron.EntryID
	ctx     context.Context // the jobs' context: cancelled by Stop
	cancel  context.CancelFunc
	// ended is set by Stop and Retire: the runs of a scheduler that ended
	// belong to a config that is gone, so it never starts again.
	ended atomic.Bool

	mu      sync.Mutex
	refused error // why the clock guard refused the last run, until one passes
}

// NewScheduler prepares a schedule for the sweeper's config. Nothing runs
// until Start.
func NewScheduler(s *Sweeper, m *Metrics, log *zap.Logger) (*Scheduler, error) {
	ctx, cancel := context.WithCancel(context.Background())
	sc := &Scheduler{sweeper: s, metrics: m, log: log, ctx: ctx, cancel: cancel, entries: map[string]cron.EntryID{}}
	sc.cron = cron.New(cron.WithLocation(s.Config.Sweeper.Timezone), cron.WithLogger(cronLogger{log: log}))
	for _, r := range s.Config.Rules {
		if !r.Enabled {
			continue
		}
		rl := cronLogger{log: log.With(zap.String("rule", r.Name), zap.String("table", r.Table)), rule: r.Name, metrics: m}
		// SkipIfStillRunning outermost: in cron v3.0.1 the other order makes
		// a job skip forever after one recovered panic (robfig/cron#366).
		job := cron.NewChain(cron.SkipIfStillRunning(rl), cron.Recover(rl)).Then(cron.FuncJob(func() { sc.runRule(r.Name) }))
		id, err := sc.cron.AddJob(r.Schedule, job)
		if err != nil {
			cancel()
			return nil, fmt.Errorf("rule %q: schedule %q: %w", r.Name, r.Schedule, err)
		}
		sc.entries[r.Name] = id
	}
	m.Init(s.Config.Rules)
	sc.loadLastSuccess()
	return sc, nil
}

// loadLastSuccess sets the last success of each rule from the database:
// after a restart the metric goes on where it was, and with two sweepers
// on one database each shows the other's runs too.
func (sc *Scheduler) loadLastSuccess() {
	if sc.metrics == nil {
		return
	}
	ctx, cancel := context.WithTimeout(sc.ctx, 10*time.Second)
	defer cancel()
	last, err := sc.sweeper.LastSuccesses(ctx)
	if err != nil {
		sc.log.Warn("last successes not read from the database", zap.String("event", "last_success.error"), zap.Error(err))
		return
	}
	for rule, t := range last {
		sc.metrics.SetLastSuccess(rule, t)
	}
}

// Refused returns why the clock guard refused the last scheduled run, or
// nil once a run passed it: the guard is asked again at every run.
func (sc *Scheduler) Refused() error {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	return sc.refused
}

func (sc *Scheduler) setRefused(err error) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	sc.refused = err
}

// Start starts scheduling. A scheduler runs once: after Stop or Retire,
// Start fails, and the config is scheduled again with a new Scheduler.
func (sc *Scheduler) Start() error {
	if sc.ended.Load() {
		return errors.New("scheduler: Start after Stop or Retire")
	}
	now := sc.sweeper.realNow()
	periods := map[string]time.Duration{}
	for name, id := range sc.entries {
		periods[name] = schedulePeriod(sc.cron.Entry(id).Schedule, now.In(sc.sweeper.Config.Sweeper.Timezone))
	}
	sc.metrics.SetSchedules(periods, now)
	sc.cron.Start()
	return nil
}

// Next returns when each rule runs next.
func (sc *Scheduler) Next() map[string]time.Time {
	out := map[string]time.Time{}
	for name, id := range sc.entries {
		out[name] = sc.cron.Entry(id).Next
	}
	return out
}

// Stop stops scheduling and cancels the runs in flight, which stop at a
// batch boundary (the batch in flight commits or rolls back). It waits for
// them at most wait, and reports whether they all ended. Stop after Retire
// cancels the runs that were left to finish.
func (sc *Scheduler) Stop(wait time.Duration) bool {
	sc.ended.Store(true)
	stopped := sc.cron.Stop()
	sc.cancel()
	select {
	case <-stopped.Done():
		return true
	case <-time.After(wait):
		return false
	}
}

// Retire stops scheduling without cancelling the runs in flight: after a
// reload, they finish under the old config while the new one takes over.
// A rule's named lock keeps an old and a new run of it apart. The channel
// is closed once they have ended: what they use may be closed then.
func (sc *Scheduler) Retire() <-chan struct{} {
	sc.ended.Store(true)
	return sc.cron.Stop().Done()
}

func (sc *Scheduler) runRule(name string) {
	rep, err := sc.sweeper.Sweep(sc.ctx, SweepOptions{Rules: []string{name}, CountLeft: true})
	if rep == nil {
		// Refused before any rule ran (the clock guard): a failure of this
		// rule's run all the same, for sweeper_rule_errors_total and alerts.
		if err != nil && sc.ctx.Err() == nil {
			sc.metrics.ObserveError(name)
			if reason := RefusalReason(err); reason != "" {
				sc.metrics.ObserveRefusal(reason)
				sc.setRefused(err)
			}
		}
		return
	}
	sc.setRefused(nil)
	for _, rr := range rep.Rules {
		sc.metrics.ObserveRule(rr, rr.Ended)
	}
	if sc.metrics == nil || sc.ctx.Err() != nil {
		return
	}
	// When this run was skipped, another sweeper may have run the rule.
	sc.loadLastSuccess()
	// The backlog the run left, for sweeper_due_rows, and the rows its
	// batches held back for their reminder, from the run's own counts: a
	// run that does not know (skipped, or failed before its first batch)
	// leaves the gauges as they were.
	for _, rr := range rep.Rules {
		if !rr.LeftKnown {
			continue
		}
		sc.metrics.SetDue(rr.Name, rr.Left)
		if rr.Reminder {
			sc.metrics.SetAwaitingReminder(rr.Name, rr.AwaitingReminder)
		}
	}
}

// cronLogger turns cron's own messages into the sweeper's log events.
type cronLogger struct {
	log     *zap.Logger
	rule    string
	metrics *Metrics
}

func (l cronLogger) Info(msg string, keysAndValues ...any) {
	if msg == "skip" {
		l.log.Warn("rule skipped", zap.String("event", "rule.skipped"),
			zap.String("reason", "the previous run of this rule is still running"))
		return
	}
	l.log.Debug("cron: "+msg, zap.String("event", "cron"), zap.Any("details", keysAndValues))
}

func (l cronLogger) Error(err error, msg string, keysAndValues ...any) {
	if msg == "panic" {
		// A panic in one rule must not take the daemon down; it is counted
		// as the rule's failure and the next run starts afresh.
		l.metrics.ObserveError(l.rule)
		l.log.Error("rule panicked", zap.String("event", "rule.error"), zap.Error(err), zap.Any("details", keysAndValues))
		return
	}
	l.log.Error("cron: "+msg, zap.String("event", "cron.error"), zap.Error(err))
}
