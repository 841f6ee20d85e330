package sweeper

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.uber.org/zap"
)

// The sweeper has two clocks. The as-of of a run (--as-of, else now) is the
// moment its cutoffs are taken at; the real clock (Sweeper.Now, else the
// system's) is when things happen, and every audit record carries it. A run
// that writes is held by the clock guard: it refuses an as-of later than the
// real clock, which would delete rows before their time, and a real clock
// behind the newest audit record, which means the clock went back (and a
// clock wrong once may be wrong the other way). --force runs anyway and
// writes a "clock" audit record of what it overrode; being the newest
// record, it is what the next runs' guard compares with, so a clock the
// operator accepted does not lock the sweeper out.

// clockTolerance is how far the clocks may disagree before the guard
// refuses. Clocks kept by NTP differ by milliseconds; a minute leaves room
// for a time typed by hand and for a second sweeper on another machine.
const clockTolerance = time.Minute

// ErrAsOfAhead is wrapped by Sweep when --as-of is later than the real
// clock: the run would delete rows before their time.
var ErrAsOfAhead = errors.New("--as-of is later than the clock")

// ErrClockBehind is wrapped by Sweep and Erase when the real clock is
// earlier than the newest audit record.
var ErrClockBehind = errors.New("the clock is behind the newest audit record")

// AuditClock is the audit action of a run forced past the clock guard. Its
// detail says what was overridden; it names no row.
const AuditClock = "clock"

// The reasons the clock guard gives, in logs and metrics.
const (
	ReasonAsOfAhead   = "as_of_ahead"
	ReasonClockBehind = "clock_behind"
)

// ClockError is a run the clock guard refused before touching anything.
type ClockError struct {
	// Reason is ReasonAsOfAhead or ReasonClockBehind.
	Reason string
	found  string // what the guard found
	advice string // what to do about it
	// record is the detail of the audit record a run forced past the
	// refusal writes.
	record string
	err    error
}

func (e *ClockError) Error() string { return e.err.Error() + ": " + e.found + ". " + e.advice }
func (e *ClockError) Unwrap() error { return e.err }

// RefusalReason returns why the clock guard refused a run, or "" when err
// is not such a refusal.
func RefusalReason(err error) string {
	var ce *ClockError
	if errors.As(err, &ce) {
		return ce.Reason
	}
	return ""
}

// realNow is the real clock: when things actually happen.
func (s *Sweeper) realNow() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// checkClock returns the guard's objections to a run at asOf (zero when
// the run has no --as-of of its own).
func (s *Sweeper) checkClock(ctx context.Context, asOf time.Time) ([]*ClockError, error) {
	now := s.realNow()
	var out []*ClockError
	if !asOf.IsZero() && asOf.Sub(now) > clockTolerance {
		at, ahead := asOf.In(s.Config.Sweeper.Timezone).Format(time.RFC3339), span(asOf.Sub(now))
		out = append(out, &ClockError{Reason: ReasonAsOfAhead, err: ErrAsOfAhead,
			found: fmt.Sprintf("--as-of %s is %s ahead of the clock (%s), and would delete rows before their time",
				at, ahead, now.UTC().Format(time.RFC3339)),
			advice: "Nothing was touched. Use --dry-run (or plan) to look ahead; --force runs it anyway",
			record: fmt.Sprintf("--as-of %s, %s ahead of the clock; the cutoffs were taken as of it", at, ahead)})
	}
	newest, ok, err := s.newestAudit(ctx)
	if err != nil {
		return nil, err
	}
	if ok && newest.Sub(now) > clockTolerance {
		clock, record := now.UTC().Format(time.RFC3339), newest.UTC().Format(time.RFC3339)
		out = append(out, &ClockError{Reason: ReasonClockBehind, err: ErrClockBehind,
			found: fmt.Sprintf("the clock says %s, the newest audit record %s: the system clock went back, or a run was dated wrongly",
				clock, record),
			advice: "Nothing was touched. Check the system clock; when it is right, run once with --force (sweep --force), " +
				"which records that the clock was accepted: later runs go by it",
			record: fmt.Sprintf("the clock (%s) was accepted although the newest audit record said %s", clock, record)})
	}
	return out, nil
}

// passClock holds a run that writes to the clock guard. A refusal is
// logged (run.refused) and returned. Forced, the run goes on (run.forced),
// after an audit record of what it overrode.
func (s *Sweeper) passClock(ctx context.Context, asOf time.Time, force bool, runID string, log *zap.Logger) error {
	refusals, err := s.checkClock(ctx, asOf)
	if err != nil || len(refusals) == 0 {
		return err
	}
	var reasons, records []string
	errs := make([]error, len(refusals))
	for i, r := range refusals {
		reasons, records, errs[i] = append(reasons, r.Reason), append(records, r.record), r
	}
	reason := strings.Join(reasons, ",")
	if !force {
		err := errs[0]
		if len(errs) > 1 {
			err = errors.Join(errs...)
		}
		log.Error("run refused", zap.String("event", "run.refused"), zap.String("reason", reason), zap.Error(err))
		return err
	}
	if err := s.ensureAudit(ctx); err != nil {
		return err
	}
	detail := "forced: " + strings.Join(records, "; ")
	rec := AuditRecord{RunID: runID, At: s.realNow(), Action: AuditClock, Detail: detail}
	if err := s.writeAudit(ctx, s.Store, []AuditRecord{rec}); err != nil {
		return err
	}
	log.Warn("run forced past the clock guard", zap.String("event", "run.forced"), zap.String("reason", reason),
		zap.String("detail", detail))
	return nil
}

// newestAudit reads the time of the newest audit record, by id: the last
// one written, not the latest `at`, so that a clock record written by a
// forced run overrides the wrongly dated records before it.
func (s *Sweeper) newestAudit(ctx context.Context) (time.Time, bool, error) {
	qt := s.quote(s.Config.Sweeper.AuditTable)
	rows, err := s.Store.Query(ctx, fmt.Sprintf("SELECT at FROM %s ORDER BY id DESC LIMIT 1", qt))
	if err != nil {
		// No audit table yet: nothing to compare with.
		if _, terr := s.Store.Table(ctx, s.Config.Sweeper.AuditTable); errors.Is(terr, ErrNoTable) {
			return time.Time{}, false, nil
		}
		return time.Time{}, false, fmt.Errorf("read the newest audit record: %w", err)
	}
	defer rows.Close()
	var newest any
	for rows.Next() {
		if err := rows.Scan(&newest); err != nil {
			return time.Time{}, false, fmt.Errorf("read the newest audit record: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return time.Time{}, false, fmt.Errorf("read the newest audit record: %w", err)
	}
	t, ok := parseStoredTime(newest, time.UTC, true)
	return t, ok, nil
}

// span says how long d is, roughly, for a person.
func span(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%d days", int(d/(24*time.Hour)))
	case d >= 2*time.Hour:
		return fmt.Sprintf("%d hours", int(d/time.Hour))
	default:
		return d.Round(time.Second).String()
	}
}
