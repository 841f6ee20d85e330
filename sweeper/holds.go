package sweeper

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"go.uber.org/zap"
)

// A hold is a restriction of processing (GDPR art. 18) or a legal hold on
// one person: while it is in force, no rule, erasure or subject erasure
// touches that person's rows in any table of the data map
// (docs/contract.md §6.2). Holds live in the sweeper's own table; the
// reason is the operator's text and may name people, so it stays there and
// never goes into a log line or an audit record.

// holdsTable holds one row per person under a hold.
const holdsTable = "sweeper_holds"

// Audit actions of requests from data subjects.
const (
	AuditHold    = "hold"
	AuditRelease = "release"
	AuditExport  = "export"
)

// HoldOptions place a hold.
type HoldOptions struct {
	Subject string // the value a request names the person by
	Reason  string // why: kept in the holds table only
	// Until ends the hold; zero holds until it is released.
	Until time.Time
}

// HoldInfo is one hold.
type HoldInfo struct {
	Person
	RunID  string
	Reason string
	Placed time.Time
	Until  time.Time // zero: until released
	// Active: in force at the moment the holds were read.
	Active bool
	// Replaced is, for a hold just placed, when the hold it replaced was
	// placed; zero when there was none.
	Replaced time.Time
}

// ensureHoldsTable creates the holds table when it is missing.
func (s *Sweeper) ensureHoldsTable(ctx context.Context) error {
	if _, err := s.Store.Exec(ctx, s.Store.Dialect().CreateHoldsTable(s.quote(holdsTable))); err != nil {
		return fmt.Errorf("create table %s: %w", holdsTable, err)
	}
	return nil
}

// ensureHoldsExist creates the holds table only when it is missing, so
// that a database user without CREATE on it can sweep once it is there.
func (s *Sweeper) ensureHoldsExist(ctx context.Context) error {
	ok, err := s.holdsExist(ctx)
	if err != nil || ok {
		return err
	}
	return s.ensureHoldsTable(ctx)
}

// holdsExist reports whether the holds table is there: before the first
// hold it is not, and nothing is held.
func (s *Sweeper) holdsExist(ctx context.Context) (bool, error) {
	_, err := s.Store.Table(ctx, holdsTable)
	if errors.Is(err, ErrNoTable) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read table %s: %w", holdsTable, err)
	}
	return true, nil
}

// holdTime writes a moment as the holds table keeps it: UTC text that
// sorts as time does.
func holdTime(t time.Time) string { return t.UTC().Format(auditTime) }

// inForce is the condition that the hold h (an alias of the holds table)
// is in force at the moment now, written out: it is the sweeper's own
// text, and goes where no placeholder may be counted on.
func inForce(h string, now string) string {
	return fmt.Sprintf("(%s.until_at IS NULL OR %s.until_at > '%s')", h, h, now)
}

// anyHold reports whether a hold is in force at now, read through q: a
// batch asks inside its transaction, after its locking read.
func (s *Sweeper) anyHold(ctx context.Context, q Querier, now string) (bool, error) {
	n, err := queryCount(ctx, q, fmt.Sprintf("SELECT COUNT(*) FROM %s h WHERE %s", s.quote(holdsTable), inForce("h", now)))
	if err != nil {
		return false, fmt.Errorf("read %s: %w", holdsTable, err)
	}
	return n > 0, nil
}

// held is the condition that a row of table, referred to as ref, is a
// person's under a hold in force at now. It goes up from the row: each
// step finds the row its link refers to by that table's index, so that a
// sweep reading many rows reads a few more per row, and never a whole
// table per row.
func (b *boundSubject) held(table, ref string, depth int, now string) string {
	qHolds := b.sql.Quote(holdsTable)
	col := "subject_key"
	if b.intKey {
		col = "subject_int"
	}
	leaf := func(c string) string {
		if b.binKey {
			c = b.sql.Hex(c)
		}
		return fmt.Sprintf("EXISTS (SELECT 1 FROM %s sweeper_h WHERE sweeper_h.%s = %s AND %s)", qHolds, col, c, inForce("sweeper_h", now))
	}
	if sameName(table, b.Table) {
		return leaf(ref + "." + b.qKey)
	}
	var parts []string
	for _, l := range b.linksOf(table) {
		if l.direct {
			parts = append(parts, leaf(ref+"."+l.qColumn))
			continue
		}
		a := linkAlias(depth)
		parts = append(parts, fmt.Sprintf("EXISTS (SELECT 1 FROM %s %s WHERE %s.%s = %s.%s AND %s)",
			l.qTo, a, a, l.qToColumn, ref, l.qColumn, b.held(l.To, a, depth+1, now)))
	}
	return "(" + strings.Join(parts, " OR ") + ")"
}

// runHolds is how a run honours holds. With a hold in force when it opens,
// its condition carries notHeld (boundRule.holdCond), and it goes by key as
// any condition that reads other tables does. Without one, a sweep runs
// as fast as ever, and each batch asks after its locking read whether a
// hold is in force now: a hold placed since the run opened rolls the batch
// back, and from then on the batch's own condition carries notHeld too.
// Either way a hold committed before a batch's locking read keeps its rows.
type runHolds struct {
	cond  string // notHeld at now; "" when the rule touches no mapped table
	m     *boundSubject
	now   string // the moment holds are in force at, as the holds table writes it
	watch bool   // no hold was in force when the run opened
	late  bool   // a batch found one since: the batch's condition carries cond
}

// errHoldPlaced rolls back a batch that found a hold in force after its
// locking read, in a run that opened without one.
var errHoldPlaced = errors.New("a hold was placed while the batch ran")

// bindHolds readies a run to honour holds (runHolds). A rule that touches
// the map cannot run when the map does not fit the database.
func (run *ruleRun) bindHolds(ctx context.Context) error {
	s, inv := run.s, run.inv
	if s.Config.Subject == nil || !run.Rule.touchesMap(s.Config.Subject) {
		return nil
	}
	m, err := inv.boundSubject(ctx, s)
	if err != nil {
		return err
	}
	now := holdTime(s.realNow())
	run.holds = runHolds{cond: run.boundRule.notHeld(m, now), m: m, now: now}
	active, err := s.holdsInForce(ctx, now)
	if err != nil {
		return err
	}
	if active {
		run.boundRule.holdCond = run.holds.cond
	} else {
		run.holds.watch = true
	}
	return nil
}

// holdsInForce reports whether a hold is in force at now; before the
// first hold there is no table, and none is.
func (s *Sweeper) holdsInForce(ctx context.Context, now string) (bool, error) {
	ok, err := s.holdsExist(ctx)
	if err != nil || !ok {
		return false, err
	}
	return s.anyHold(ctx, s.Store, now)
}

// checkHolds is a watching run's question after a batch's locking read.
func (run *ruleRun) checkHolds(ctx context.Context, tx Querier) error {
	if !run.holds.watch || run.holds.late {
		return nil
	}
	held, err := run.s.anyHold(ctx, tx, run.holds.now)
	if err != nil {
		return err
	}
	if held {
		return errHoldPlaced
	}
	return nil
}

// boundSubject binds the data map once per invocation.
func (inv *invocation) boundSubject(ctx context.Context, s *Sweeper) (*boundSubject, error) {
	if inv.subject == nil && inv.subjectErr == nil {
		inv.subject, inv.subjectErr = s.subject(ctx)
	}
	return inv.subject, inv.subjectErr
}

// Hold places a hold on the person a value names, or replaces the one in
// force (a new reason, a new end). It locks the person's row while it
// writes, so that a batch deleting that row now either finished first (and
// the hold fails: the person is gone) or waits for it. One hold audit
// record says so; its detail has the end, never the reason.
func (s *Sweeper) Hold(ctx context.Context, opt HoldOptions) (HoldInfo, error) {
	reason := strings.TrimSpace(opt.Reason)
	if reason == "" {
		return HoldInfo{}, &UsageError{Msg: "hold: give a --reason: why the person's data must stay"}
	}
	if len(reason) > 1024 {
		return HoldInfo{}, &UsageError{Msg: "hold: the reason is longer than 1024 bytes: say where the file is instead"}
	}
	now := s.realNow()
	if !opt.Until.IsZero() && !opt.Until.After(now) {
		return HoldInfo{}, &UsageError{Msg: "hold: --until is not in the future"}
	}
	m, err := s.subject(ctx)
	if err != nil {
		return HoldInfo{}, err
	}
	p, err := m.find(ctx, s.Store, opt.Subject)
	if err != nil {
		return HoldInfo{}, err
	}
	if shortenedKey(p.KeyString()) {
		// The holds table keeps the key shortened, which names no row: the
		// hold would keep nothing.
		return HoldInfo{}, fmt.Errorf("hold: the person's key in %s is longer than the holds table keeps (%d characters): a hold on it would keep nothing; "+
			"use a key column of shorter values in [subject]", p.Table, maxStoredKey)
	}
	var asInt any
	if m.intKey {
		n, ok := int64Of(p.Key)
		if !ok {
			return HoldInfo{}, fmt.Errorf("hold: the key %s does not fit the holds table's integer column", p.KeyString())
		}
		asInt = n
	}
	if err := s.ensureHoldsTable(ctx); err != nil {
		return HoldInfo{}, err
	}
	if err := s.ensureAudit(ctx); err != nil {
		return HoldInfo{}, err
	}
	h := HoldInfo{Person: p, RunID: newRunID(), Reason: reason, Placed: now, Until: opt.Until, Active: true}
	var until any
	detail := "until released"
	if !opt.Until.IsZero() {
		until = holdTime(opt.Until)
		detail = "until " + opt.Until.UTC().Format(time.RFC3339)
	}
	qh := s.quote(holdsTable)
	err = s.Store.Tx(ctx, func(tx Querier) error {
		lock := fmt.Sprintf("SELECT %s.%s FROM %s WHERE %s.%s = ?%s", m.qTable, m.qKey, m.qTable, m.qTable, m.qKey, m.sql.ForUpdate())
		keys, err := queryKeys(ctx, tx, normKey, lock, p.Key)
		if err != nil {
			return fmt.Errorf("lock the person's row in %q: %w", m.table.Name, scrub(err))
		}
		if len(keys) == 0 {
			return fmt.Errorf("the person (%s %s) was deleted while the hold was being placed; nothing was held", p.Table, p.KeyString())
		}
		var prev []string
		prev, err = queryAll(ctx, tx, scanString, fmt.Sprintf("SELECT placed_at FROM %s WHERE subject_key = ?", qh), p.KeyString())
		if err != nil {
			return fmt.Errorf("read %s: %w", holdsTable, err)
		}
		if len(prev) > 0 {
			h.Replaced, _ = parseUTC(prev[0])
			detail += "; replaces the hold placed " + h.Replaced.Format(time.RFC3339)
			_, err = tx.Exec(ctx, fmt.Sprintf("UPDATE %s SET reason = ?, placed_at = ?, until_at = ?, run_id = ? WHERE subject_key = ?", qh),
				reason, holdTime(now), until, h.RunID, p.KeyString())
		} else {
			_, err = tx.Exec(ctx, fmt.Sprintf("INSERT INTO %s (subject_key, subject_int, reason, placed_at, until_at, run_id) VALUES (?, ?, ?, ?, ?, ?)", qh),
				p.KeyString(), asInt, reason, holdTime(now), until, h.RunID)
		}
		if err != nil {
			return fmt.Errorf("write %s: %w", holdsTable, err)
		}
		return s.writeAudit(ctx, tx, []AuditRecord{{RunID: h.RunID, At: now, Table: p.Table, RowKey: p.KeyString(),
			Action: AuditHold, Detail: detail}})
	})
	if err != nil {
		return HoldInfo{}, err
	}
	s.logger().Info("hold placed", zap.String("event", "hold.placed"), zap.String("run_id", h.RunID),
		zap.String("table", p.Table), zap.String("subject_key", p.KeyString()), zap.String("until", untilText(opt.Until)))
	return h, nil
}

// Release ends the hold on the person a value names. A value that names
// nobody (the row is gone) may still be the key of a hold. One release
// audit record says so.
func (s *Sweeper) Release(ctx context.Context, value string) (HoldInfo, error) {
	m, err := s.subject(ctx)
	if err != nil {
		return HoldInfo{}, err
	}
	key := ""
	p, err := m.find(ctx, s.Store, value)
	var serr *SubjectError
	switch {
	case err == nil:
		key = p.KeyString()
	case errors.As(err, &serr) && len(serr.Keys) == 0:
		// A person gone: the hold is found by its key as the holds table
		// keeps it (017 as 17, a key of bytes in lower-case hex).
		p = Person{Table: m.table.Name, Key: value}
		if v, ok := m.keyValue(value); ok {
			p.Key = v
		}
		key = p.KeyString()
	default:
		return HoldInfo{}, err
	}
	holds, err := s.Holds(ctx)
	if err != nil {
		return HoldInfo{}, err
	}
	var h *HoldInfo
	for i := range holds {
		if holds[i].KeyString() == key {
			h = &holds[i]
		}
	}
	if h == nil {
		if serr != nil {
			return HoldInfo{}, fmt.Errorf("%w, and no hold has it as key: nothing to release", serr)
		}
		return HoldInfo{}, fmt.Errorf("%s %s is not held: nothing to release", p.Table, key)
	}
	if err := s.ensureAudit(ctx); err != nil {
		return HoldInfo{}, err
	}
	runID, now := newRunID(), s.realNow()
	err = s.Store.Tx(ctx, func(tx Querier) error {
		n, err := tx.Exec(ctx, fmt.Sprintf("DELETE FROM %s WHERE subject_key = ?", s.quote(holdsTable)), key)
		if err != nil {
			return fmt.Errorf("write %s: %w", holdsTable, err)
		}
		if n == 0 {
			return fmt.Errorf("%s %s is not held: released meanwhile", p.Table, key)
		}
		return s.writeAudit(ctx, tx, []AuditRecord{{RunID: runID, At: now, Table: m.table.Name, RowKey: key,
			Action: AuditRelease, Detail: "hold placed " + h.Placed.UTC().Format(time.RFC3339)}})
	})
	if err != nil {
		return HoldInfo{}, err
	}
	s.logger().Info("hold released", zap.String("event", "hold.released"), zap.String("run_id", runID),
		zap.String("table", m.table.Name), zap.String("subject_key", key))
	return *h, nil
}

// Holds lists the holds, oldest first, in force or expired (an expired
// hold stays until it is released). It only reads.
func (s *Sweeper) Holds(ctx context.Context) ([]HoldInfo, error) {
	ok, err := s.holdsExist(ctx)
	if err != nil || !ok {
		return nil, err
	}
	table := ""
	if s.Config.Subject != nil {
		table = s.Config.Subject.Table
	}
	now := s.realNow()
	q := fmt.Sprintf("SELECT subject_key, reason, placed_at, until_at, run_id FROM %s ORDER BY placed_at, subject_key", s.quote(holdsTable))
	rows, err := s.Store.Query(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", holdsTable, err)
	}
	defer rows.Close()
	var out []HoldInfo
	for rows.Next() {
		var key, reason, placed, runID string
		var until *string
		if err := rows.Scan(&key, &reason, &placed, &until, &runID); err != nil {
			return nil, fmt.Errorf("read %s: %w", holdsTable, err)
		}
		h := HoldInfo{Person: Person{Table: table, Key: key}, RunID: runID, Reason: reason, Active: true}
		h.Placed, _ = parseUTC(placed)
		if until != nil {
			h.Until, _ = parseUTC(*until)
			h.Active = h.Until.After(now)
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

func untilText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func scanString(rows *sql.Rows) (string, error) {
	var v string
	err := rows.Scan(&v)
	return v, err
}

// int64Of reads an integer key as the holds table's number.
func int64Of(k any) (int64, bool) {
	switch v := k.(type) {
	case int64:
		return v, true
	case int32:
		return int64(v), true
	case int:
		return int64(v), true
	case uint64:
		if v <= math.MaxInt64 {
			return int64(v), true
		}
	case string:
		var n int64
		if _, err := fmt.Sscan(v, &n); err == nil && fmt.Sprint(n) == v {
			return n, true
		}
	}
	return 0, false
}

// planHolds is what a plan knows of holds: the map, and whether any hold
// is in force. Its rules are counted as a sweep opened now would take them.
type planHolds struct {
	m      *boundSubject
	err    error // the map does not fit the database
	now    string
	active bool
}

func (s *Sweeper) planHolds(ctx context.Context) planHolds {
	if s.Config.Subject == nil {
		return planHolds{}
	}
	h := planHolds{now: holdTime(s.realNow())}
	if h.m, h.err = s.subject(ctx); h.err != nil {
		return h
	}
	h.active, h.err = s.holdsInForce(ctx, h.now)
	return h
}

// keepHeld gives a bound rule of a plan or a dry run the condition that
// keeps held rows out, when a hold is in force, and counts the rows due by
// age that it keeps.
func (s *Sweeper) keepHeld(ctx context.Context, b *boundRule, cut cutoffs, h planHolds) (int, error) {
	if s.Config.Subject == nil || !b.Rule.touchesMap(s.Config.Subject) {
		return 0, nil
	}
	if h.err != nil {
		return 0, h.err
	}
	if !h.keep(s, b) {
		return 0, nil
	}
	return s.countHeld(ctx, b, cut)
}

// keep gives a bound rule of a plan the condition that keeps held rows
// out, when a hold is in force and the rule touches the map, and says
// whether it did.
func (h planHolds) keep(s *Sweeper, b *boundRule) bool {
	if !h.active || h.err != nil || s.Config.Subject == nil || !b.Rule.touchesMap(s.Config.Subject) {
		return false
	}
	b.holdCond = b.notHeld(h.m, h.now)
	return true
}

// countHeld counts the rows of a rule that are due by age but kept by the
// hold condition the rule carries.
func (s *Sweeper) countHeld(ctx context.Context, b *boundRule, cut cutoffs) (int, error) {
	cond := b.holdCond
	if cond == "" {
		return 0, nil
	}
	b.holdCond = ""
	due, args := b.dueCond(cut, s.Config.Sweeper.RedactText)
	b.holdCond = cond
	n, err := queryCount(ctx, s.Store, fmt.Sprintf("SELECT COUNT(*) FROM %s WHERE %s AND NOT (%s)", b.qTable, due, cond), args...)
	if err != nil {
		return 0, fmt.Errorf("count the rows of %q holds keep: %w", b.Table, scrub(err))
	}
	return n, nil
}
