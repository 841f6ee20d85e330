package sweeper

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.uber.org/zap"
)

// Message is one reminder mail. It is built in memory and handed to the
// Mailer; it is never logged, since it holds an address and a name.
type Message struct {
	To      string
	Subject string
	Body    string
}

// Mailer sends reminder mails. connectors/mail implements it over SMTP.
type Mailer interface {
	Send(ctx context.Context, m Message) error
}

// ReminderData is what a reminder template sees.
type ReminderData struct {
	// DeleteOn is the moment from which the row will be deleted if nothing
	// changes, in the configured timezone.
	DeleteOn time.Time
	// Rule is the rule's name.
	Rule string
	// Row holds the row's values of the reminder's listed columns.
	Row map[string]any
}

// maxMailFailures is how many reminders in a row may fail before a rule
// stops sending for the run: against a mail server that is down or hangs,
// every further mail would cost mail.timeout, hours over a backlog, and
// fail all the same.
const maxMailFailures = 3

// reminderRun is what sendReminders did.
type reminderRun struct {
	sent, failed int
	// notSent is the reminders due that were not tried once sending had
	// stopped after maxMailFailures failures in a row.
	notSent int
}

// err is the rule's error for reminders that did not go out, nil when all did.
func (r reminderRun) err() error {
	switch {
	case r.notSent == 1:
		return fmt.Errorf("%d reminders could not be sent, and after %d failures in a row 1 more was not tried; "+
			"their rows are kept and the mails go on the next run", r.failed, maxMailFailures)
	case r.notSent > 0:
		return fmt.Errorf("%d reminders could not be sent, and after %d failures in a row %d more were not tried; "+
			"their rows are kept and the mails go on the next run", r.failed, maxMailFailures, r.notSent)
	case r.failed == 1:
		return errors.New("1 reminder could not be sent; its row is kept and the mail retried on the next run")
	case r.failed > 0:
		return fmt.Errorf("%d reminders could not be sent; their rows are kept and the mails retried on the next run", r.failed)
	}
	return nil
}

// sendReminders mails every row in the reminder window that has no valid
// reminder for its current age value. Each send is claimed first in the
// sweeper's table, so two sweepers never mail the same row in one cycle. A
// failed or stopped send removes the claim: the row is kept and the mail
// sent on the next run. After maxMailFailures failures in a row the rest
// are only counted.
func (run *ruleRun) sendReminders(ctx context.Context) (reminderRun, error) {
	s := run.s
	if s.Mailer == nil {
		return reminderRun{}, errors.New("rule has a reminder but no mailer is configured: add a [mail] table")
	}
	tmpl, err := s.template(run.Rule)
	if err != nil {
		return reminderRun{}, err
	}
	m := &mailing{run: run, tmpl: tmpl, qt: s.quote(remindersTable)}
	err = s.window(ctx, run.boundRule, run.inv.asOf, true, func(rows []windowRow, recs map[string]reminderRecord) error {
		for _, r := range rows {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if err := m.remind(ctx, r, recs); err != nil {
				return err
			}
		}
		return nil
	})
	if m.streak >= maxMailFailures {
		// One line for the stop, with what it left: not one per row.
		run.log.Error(fmt.Sprintf("reminders stopped after %d failures in a row; the rest wait for the next run", maxMailFailures),
			zap.String("event", "reminder.error"), zap.String("row_key", m.lastKey), zap.Int("failed", m.res.failed),
			zap.Int("not_sent", m.res.notSent), zap.Error(m.lastErr))
	}
	return m.res, err
}

// mailing is the sending of one run's reminders.
type mailing struct {
	run  *ruleRun
	tmpl *Template
	qt   string // the reminders table, quoted
	res  reminderRun
	// streak counts the failures in a row; lastKey and lastErr are the
	// last one's.
	streak  int
	lastKey string
	lastErr error
}

// remind sends the reminder of one row of the window when it needs one.
func (m *mailing) remind(ctx context.Context, r windowRow, recs map[string]reminderRecord) error {
	run, s := m.run, m.run.s
	key := keyString(r.key)
	var rec *reminderRecord
	if v, ok := recs[key]; ok {
		rec = &v
	}
	if s.reminderStatus(run.boundRule, r.age, r.email, rec, run.inv.asOf) != statusNeedsReminder {
		return nil
	}
	av, ageT, ok := run.ageValue(r.age)
	if !ok {
		return nil
	}
	if m.streak >= maxMailFailures {
		m.res.notSent++
		return nil
	}
	// The claim and the send are dated by the run's as-of clock, as the
	// window is: the deletion waits `before` from the day the mail
	// announces it from. The audit record has the real time.
	at := run.inv.now().UTC()
	claimed, err := s.claim(ctx, s.Store, m.qt, run.Name, key, av, run.inv.id, at, rec)
	if err != nil || !claimed {
		return err
	}
	tz := s.Config.Sweeper.Timezone
	deleteOn := run.OlderThan.After(ageT.In(tz))
	if d := run.Reminder.Before.After(at.In(tz)); d.After(deleteOn) {
		deleteOn = d
	}
	if err := m.send(ctx, r, deleteOn); err != nil {
		return m.failed(ctx, key, err)
	}
	m.streak = 0
	return m.sent(ctx, key, at, deleteOn)
}

// send renders the row's reminder and mails it.
func (m *mailing) send(ctx context.Context, r windowRow, deleteOn time.Time) error {
	run := m.run
	row := map[string]any{}
	for i, c := range run.reminderCols {
		row[c] = normKey(r.values[i])
	}
	subject, body, err := m.tmpl.Render(ReminderData{DeleteOn: deleteOn.In(run.s.Config.Sweeper.Timezone), Rule: run.Name, Row: row})
	if err != nil {
		return err
	}
	return run.s.Mailer.Send(ctx, Message{To: strings.TrimSpace(stringValue(r.email)), Subject: subject, Body: body})
}

// failed releases the claim of a reminder that was not sent and counts it;
// the first maxMailFailures-1 of a streak are logged one by one. A stopped
// run ends here.
func (m *mailing) failed(ctx context.Context, key string, err error) error {
	run := m.run
	if rerr := run.s.releaseClaim(ctx, m.qt, run.Name, key, run.inv.id); rerr != nil {
		return rerr
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	m.res.failed++
	m.streak++
	m.lastKey, m.lastErr = key, err
	if m.streak < maxMailFailures {
		run.log.Error("reminder not sent", zap.String("event", "reminder.error"), zap.String("row_key", key), zap.Error(err))
	}
	return nil
}

// sent records a reminder that went out, with its audit record.
func (m *mailing) sent(ctx context.Context, key string, at, deleteOn time.Time) error {
	run, s := m.run, m.run.s
	tz := s.Config.Sweeper.Timezone
	err := s.Store.Tx(ctx, func(tx Querier) error {
		if _, err := tx.Exec(ctx, fmt.Sprintf("UPDATE %s SET state = ?, sent_at = ? WHERE rule = ? AND row_key = ? AND run_id = ?", m.qt),
			stateSent, at.Format(auditTime), run.Name, key, run.inv.id); err != nil {
			return err
		}
		return s.writeAudit(ctx, tx, []AuditRecord{{RunID: run.inv.id, At: s.realNow(), Rule: run.Name, Table: run.Table, RowKey: key,
			Action: AuditRemind, Detail: "deletion from " + deleteOn.In(tz).Format(time.RFC3339)}})
	})
	if err != nil {
		return fmt.Errorf("record sent reminder: %w", err)
	}
	m.res.sent++
	run.log.Info("reminder sent", zap.String("event", "reminder.sent"), zap.String("row_key", key),
		zap.Time("delete_on", deleteOn))
	return nil
}

// releaseClaim drops this run's claim on a reminder it did not send, also
// when the run is being stopped: left behind, the claim would hold the
// reminder back for staleClaim.
func (s *Sweeper) releaseClaim(ctx context.Context, qt, rule, key, runID string) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if _, err := s.Store.Exec(ctx, fmt.Sprintf("DELETE FROM %s WHERE rule = ? AND row_key = ? AND run_id = ?", qt),
		rule, key, runID); err != nil {
		return fmt.Errorf("release reminder claim: %w", scrub(err))
	}
	return nil
}

// claim marks a row's reminder as being sent by this run. It fails when
// another run changed the record since it was read.
func (s *Sweeper) claim(ctx context.Context, db Querier, qt, rule, key, ageValue, runID string, at time.Time, rec *reminderRecord) (bool, error) {
	if rec == nil {
		_, err := db.Exec(ctx, fmt.Sprintf("INSERT INTO %s (rule, row_key, age_value, state, run_id, claimed_at) VALUES (?, ?, ?, ?, ?, ?)", qt),
			rule, key, ageValue, stateSending, runID, at.Format(auditTime))
		if err != nil {
			// Another sweeper inserted it first; it sends the mail.
			if n, cerr := queryCount(ctx, db, fmt.Sprintf("SELECT COUNT(*) FROM %s WHERE rule = ? AND row_key = ?", qt), rule, key); cerr == nil && n > 0 {
				return false, nil
			}
			return false, fmt.Errorf("claim reminder: %w", err)
		}
		return true, nil
	}
	n, err := db.Exec(ctx, fmt.Sprintf(`UPDATE %s SET age_value = ?, state = ?, run_id = ?, claimed_at = ?, sent_at = NULL
		WHERE rule = ? AND row_key = ? AND age_value = ? AND state = ? AND run_id = ?`, qt),
		ageValue, stateSending, runID, at.Format(auditTime), rule, key, rec.AgeValue, rec.State, rec.RunID)
	if err != nil {
		return false, fmt.Errorf("claim reminder: %w", err)
	}
	return n == 1, nil
}
