package sweeper

import (
	"context"
	"time"
)

// SetBeforeLock lets tests act between the read that finds a batch (or the
// look-up of an erasure's keys) and the locking read that re-checks it, as a
// shop's own transaction might.
func SetBeforeLock(s *Sweeper, f func(rule string, keys []any)) { s.beforeLock = f }

// SetAfterLock lets tests act inside a batch's transaction right after its
// locking read, on rows the batch did not lock.
func SetAfterLock(s *Sweeper, f func(rule string)) { s.afterLock = f }

// PlanSplitMinSpan is the key span above which a plan counts in parts.
const PlanSplitMinSpan = planSplitMinSpan

// EnsureRemindersTable creates the sweeper's table of reminders sent.
func EnsureRemindersTable(ctx context.Context, s *Sweeper) error { return s.ensureRemindersTable(ctx) }

// ClaimReminder is the claim a sweep makes before it mails a row: it reads
// the row's reminder record, calls read (where racing claims can wait until
// each has read the same record), then claims the send for runID.
func ClaimReminder(ctx context.Context, s *Sweeper, rule, key, ageValue, runID string, at time.Time, read func()) (bool, error) {
	recs, err := s.reminderRecords(ctx, s.Store, rule, []any{key})
	read()
	if err != nil {
		return false, err
	}
	var rec *reminderRecord
	if r, ok := recs[key]; ok {
		rec = &r
	}
	return s.claim(ctx, s.Store, s.quote(remindersTable), rule, key, ageValue, runID, at, rec)
}
