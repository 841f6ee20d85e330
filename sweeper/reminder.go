package sweeper

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// remindersTable is the sweeper's own record of the reminders it sent: the
// rule, the row's key and the age value the reminder was for. It holds no
// address and nothing else of the row, and lives beside, never in, the
// shop's tables.
const remindersTable = "sweeper_reminders"

// staleClaim is how long a claim to send a reminder holds. A sweeper that
// died between claiming and sending leaves a claim behind; after this long
// another run sends the mail. A rare second mail is better than a deletion
// that never comes.
const staleClaim = time.Hour

const (
	stateSending = "sending"
	stateSent    = "sent"
)

type reminderRecord struct {
	RowKey    string
	AgeValue  string
	State     string
	RunID     string
	ClaimedAt string
	SentAt    *string
}

func (s *Sweeper) ensureRemindersTable(ctx context.Context) error {
	if _, err := s.Store.Exec(ctx, s.Store.Dialect().CreateRemindersTable(s.quote(remindersTable))); err != nil {
		return fmt.Errorf("create table %s: %w", remindersTable, err)
	}
	return nil
}

// reminderRecords reads the records of keys. A missing table means no
// reminder was ever sent: plan must work before the first sweep.
func (s *Sweeper) reminderRecords(ctx context.Context, db Querier, rule string, keys []any) (map[string]reminderRecord, error) {
	out := map[string]reminderRecord{}
	if len(keys) == 0 {
		return out, nil
	}
	ks := make([]string, len(keys))
	for i, k := range keys {
		ks[i] = keyString(k)
	}
	q := fmt.Sprintf("SELECT row_key, age_value, state, run_id, claimed_at, sent_at FROM %s WHERE rule = ? AND row_key IN ?",
		s.quote(remindersTable))
	recs, err := queryAll(ctx, db, func(rows *sql.Rows) (reminderRecord, error) {
		var r reminderRecord
		err := rows.Scan(&r.RowKey, &r.AgeValue, &r.State, &r.RunID, &r.ClaimedAt, &r.SentAt)
		return r, err
	}, q, rule, ks)
	if err != nil {
		if _, terr := s.Store.Table(ctx, remindersTable); errors.Is(terr, ErrNoTable) {
			return out, nil
		}
		return nil, fmt.Errorf("read %s: %w", remindersTable, err)
	}
	for _, r := range recs {
		out[r.RowKey] = r
	}
	return out, nil
}

// ageValue is the canonical form of a row's age value, so that a reminder
// is tied to the value it was sent for: a login changes it and voids the
// reminder.
func (b *boundRule) ageValue(v any) (string, time.Time, bool) {
	t, ok := parseStoredTime(v, b.AgeTimezone, b.ageKind == TimeInstant)
	if !ok {
		return "", time.Time{}, false
	}
	return t.UTC().Format(time.RFC3339Nano), t, true
}

func noAddress(v any) bool { return strings.TrimSpace(stringValue(v)) == "" }

func parseUTC(s string) (time.Time, bool) {
	t, err := time.ParseInLocation(auditTime, s, time.UTC)
	return t, err == nil
}

// reminderStatus classifies one row of a rule with a reminder at asOf.
type reminderStatus int

const (
	// statusDeletable: the reminder for the current age value went out at
	// least `before` ago, or the row has no address.
	statusDeletable reminderStatus = iota
	// statusNeedsReminder: no valid reminder for the current age value.
	statusNeedsReminder
	// statusWaiting: reminded, but less than `before` ago (or being sent now).
	statusWaiting
)

func (s *Sweeper) reminderStatus(b *boundRule, age, email any, rec *reminderRecord, asOf time.Time) reminderStatus {
	if noAddress(email) {
		return statusDeletable
	}
	av, _, ok := b.ageValue(age)
	if !ok || rec == nil || rec.AgeValue != av {
		return statusNeedsReminder
	}
	switch rec.State {
	case stateSent:
		if rec.SentAt == nil {
			return statusNeedsReminder
		}
		sent, ok := parseUTC(*rec.SentAt)
		if !ok {
			return statusNeedsReminder
		}
		if !b.Reminder.Before.After(sent.In(s.Config.Sweeper.Timezone)).After(asOf) {
			return statusDeletable
		}
		return statusWaiting
	default:
		claimed, ok := parseUTC(rec.ClaimedAt)
		if !ok || asOf.Sub(claimed) > staleClaim {
			return statusNeedsReminder
		}
		return statusWaiting
	}
}

// reminderGate keeps, of the rows a batch locked, those the reminder rule
// lets go: reminded for their current age value at least `before` ago, or
// without an address (those are marked for a no-address audit record).
func (run *ruleRun) reminderGate(ctx context.Context, tx Querier, rows []lockedRow) ([]lockedRow, map[string]bool, error) {
	keys := make([]any, len(rows))
	for i, r := range rows {
		keys[i] = r.key
	}
	recs, err := run.s.reminderRecords(ctx, tx, run.Name, keys)
	if err != nil {
		return nil, nil, err
	}
	var keep []lockedRow
	noAddr := map[string]bool{}
	for _, r := range rows {
		var rec *reminderRecord
		if v, ok := recs[keyString(r.key)]; ok {
			rec = &v
		}
		if run.s.reminderStatus(run.boundRule, r.age, r.email, rec, run.inv.asOf) != statusDeletable {
			continue
		}
		if noAddress(r.email) {
			noAddr[keyString(r.key)] = true
		}
		keep = append(keep, r)
	}
	return keep, noAddr, nil
}

// forgetReminders drops the records of deleted rows, inside their batch.
func (s *Sweeper) forgetReminders(ctx context.Context, tx Querier, rule string, keys []any) error {
	ks := make([]string, len(keys))
	for i, k := range keys {
		ks[i] = keyString(k)
	}
	q := fmt.Sprintf("DELETE FROM %s WHERE rule = ? AND row_key IN ?", s.quote(remindersTable))
	if _, err := tx.Exec(ctx, q, rule, ks); err != nil {
		return fmt.Errorf("forget reminders: %w", err)
	}
	return nil
}

// windowRow is a row inside the reminder window: due within `before`.
type windowRow struct {
	key      any
	age      any
	email    any
	dueByAge bool
	values   []any
}

// window streams the rows whose age value is before the reminder cutoff
// ((as_of + before) − older_than) and where `where` holds, by key, a batch
// at a time. dueByAge is decided by the database against the deletion
// cutoff, with the same bound the due condition uses.
func (s *Sweeper) window(ctx context.Context, b *boundRule, asOf time.Time, withValues bool,
	fn func(rows []windowRow, recs map[string]reminderRecord) error) error {
	tz := s.Config.Sweeper.Timezone
	cut := b.cutoffFor(asOf, tz)
	remindCut := b.cutoffFor(b.Reminder.Before.After(asOf.In(tz)), tz)
	sel := []string{b.qTable + "." + b.qKey, b.ageExpr, b.qTable + "." + b.qEmail,
		fmt.Sprintf("CASE WHEN %s < ? THEN 1 ELSE 0 END", b.ageExpr)}
	if withValues {
		for _, c := range b.reminderCols {
			sel = append(sel, b.qTable+"."+s.quote(c))
		}
	}
	cond := fmt.Sprintf("%s >= ? AND %s < ?", b.ageExpr, b.ageExpr)
	if b.Where != "" {
		cond += " AND (" + b.Where + ")"
	}
	if b.holdCond != "" {
		// No mail announces a deletion a hold keeps from happening.
		cond += " AND " + b.holdCond
	}
	var last any
	for {
		args := []any{cut.bound, b.floorValue(), remindCut.bound}
		q := fmt.Sprintf("SELECT %s FROM %s WHERE %s", strings.Join(sel, ", "), b.qTable, cond)
		if last != nil {
			q += fmt.Sprintf(" AND %s.%s > ?", b.qTable, b.qKey)
			args = append(args, last)
		}
		q += fmt.Sprintf(" ORDER BY %s.%s LIMIT %d", b.qTable, b.qKey, b.BatchSize)
		rows, err := s.Store.Query(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("read rows due for a reminder: %w", scrub(err))
		}
		var batch []windowRow
		for rows.Next() {
			dst, err := scanValues(rows, len(sel))
			if err != nil {
				rows.Close()
				return fmt.Errorf("read rows due for a reminder: %w", err)
			}
			batch = append(batch, windowRow{key: b.keyOf(dst[0]), age: dst[1], email: dst[2],
				dueByAge: fmt.Sprint(normKey(dst[3])) == "1", values: dst[4:]})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("read rows due for a reminder: %w", err)
		}
		if len(batch) == 0 {
			return nil
		}
		last = batch[len(batch)-1].key
		keys := make([]any, len(batch))
		for i, r := range batch {
			keys[i] = r.key
		}
		recs, err := s.reminderRecords(ctx, s.Store, b.Name, keys)
		if err != nil {
			return err
		}
		if err := fn(batch, recs); err != nil {
			return err
		}
		if len(batch) < b.BatchSize {
			return nil
		}
	}
}

// reminderCounts is what plan and a dry run say of a rule with a reminder.
type reminderCounts struct {
	due, reminders, awaiting int
	oldest                   *time.Time
	dueKeys                  [][]any // per window batch, for counting related rows
}

func (s *Sweeper) countReminders(ctx context.Context, b *boundRule, asOf time.Time) (reminderCounts, error) {
	var c reminderCounts
	err := s.window(ctx, b, asOf, false, func(rows []windowRow, recs map[string]reminderRecord) error {
		var due []any
		for _, r := range rows {
			var rec *reminderRecord
			if v, ok := recs[keyString(r.key)]; ok {
				rec = &v
			}
			switch s.reminderStatus(b, r.age, r.email, rec, asOf) {
			case statusDeletable:
				if !r.dueByAge {
					continue
				}
				c.due++
				due = append(due, r.key)
				if _, t, ok := b.ageValue(r.age); ok && (c.oldest == nil || t.Before(*c.oldest)) {
					t = t.In(s.Config.Sweeper.Timezone)
					c.oldest = &t
				}
			case statusNeedsReminder:
				c.reminders++
				if r.dueByAge {
					c.awaiting++
				}
			case statusWaiting:
				if r.dueByAge {
					c.awaiting++
				}
			}
		}
		if len(due) > 0 {
			c.dueKeys = append(c.dueKeys, due)
		}
		return nil
	})
	return c, err
}
