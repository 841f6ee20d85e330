package sweeper

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.uber.org/zap"
)

// A batch is one transaction of a run: it locks the rows of its keys that
// are still due, keeps those the reminder rule lets go, handles their
// related rows, then the rows themselves, and writes an audit record of
// each, so that no change is ever without its record (docs/contract.md §3.10).

type batchResult struct {
	rows    int
	related []int
	held    int // locked rows the reminder held back
}

// batchOptions are what a run's batches do beyond a sweep's.
type batchOptions struct {
	noReminder bool   // skip the reminder gate: a request is not announced
	detail     string // appended to the detail of every audit record
	// byRange takes the batch as the due rows from the first to the last of
	// the keys (a sweep's keyset walk) rather than as exactly those keys
	// (an erasure's list). One range read is much cheaper than a thousand
	// key look-ups, on every statement of the batch.
	byRange bool
}

// maxAttempts bounds retries of a batch after lock-wait timeouts and
// deadlocks; after that the rule fails and the next run tries again.
const maxAttempts = 3

// errRangeMoved is a statement over a batch's key range that touched
// other rows than the batch locked: a row in the range became due after
// the locking read. The batch rolls back and is tried again.
var errRangeMoved = errors.New("rows in the batch's key range changed after they were locked")

func (s *Sweeper) retryable(err error) bool {
	return errors.Is(err, errRangeMoved) || s.Store.Retryable(err)
}

// batch runs one batch of keys in a transaction of its own, tried again
// after a lock-wait timeout, a deadlock or a range that moved. max, when
// not zero, is the most rows it may take: rows of a range that became due
// after its keys were read must not carry a run past max_rows_per_run.
func (run *ruleRun) batch(ctx context.Context, keys []any, max int) (batchResult, error) {
	if run.s.beforeLock != nil {
		run.s.beforeLock(run.Name, keys)
	}
	return run.attempts(ctx, func(tx Querier, at time.Time) (batchResult, error) {
		return run.batchTx(ctx, tx, keys, at, max)
	})
}

// attempts runs one batch, tx, in a transaction of its own, tried again
// after a lock-wait timeout, a deadlock or a range that moved; at dates
// its audit records, the same on every attempt.
func (run *ruleRun) attempts(ctx context.Context, txf func(tx Querier, at time.Time) (batchResult, error)) (batchResult, error) {
	s := run.s
	at := s.realNow().UTC()
	var err error
	attempt := 1
	for ; attempt <= maxAttempts; attempt++ {
		var res batchResult
		err = s.Store.Tx(ctx, func(tx Querier) error {
			var err error
			res, err = txf(tx, at)
			return err
		})
		if err == nil {
			return res, nil
		}
		var full spanFull
		if errors.Is(err, errLeaveSpans) || errors.As(err, &full) {
			// Not a failure: the span walk decides what comes next.
			return batchResult{}, err
		}
		if errors.Is(err, errHoldPlaced) {
			// Once, not an attempt: the batch's condition now keeps the
			// held rows out, and no hold rolls it back again.
			run.holds.late = true
			// What an erasure says of the rows it kept: held.
			run.holdCond = run.holds.cond
			run.log.Info("a hold was placed: the run's batches now keep its rows", zap.String("event", "hold.noticed"))
			attempt--
			continue
		}
		if !s.retryable(err) || ctx.Err() != nil || attempt == maxAttempts {
			break
		}
		run.log.Warn("batch rolled back, retrying", zap.String("event", "rule.retry"), zap.Int("attempt", attempt), zap.Error(scrub(err)))
		select {
		case <-ctx.Done():
		case <-time.After(time.Duration(attempt) * 200 * time.Millisecond):
		}
	}
	if s.retryable(err) {
		return batchResult{}, fmt.Errorf("batch on %q rolled back after %d attempts: %w", run.Table, min(attempt, maxAttempts), scrub(err))
	}
	return batchResult{}, fmt.Errorf("batch on %q rolled back: %w", run.Table, scrub(err))
}

// batchScope is the rows a batch works on: within (with its args) selects
// them, by key list or by key range, and always with the run's condition.
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

func (run *ruleRun) scope(keys []any) batchScope {
	sc := batchScope{within: fmt.Sprintf("%s.%s IN ?", run.qTable, run.qKey), args: []any{keys}}
	if run.opt.byRange {
		sc.within = fmt.Sprintf("%s.%s >= ? AND %s.%s <= ?", run.qTable, run.qKey, run.qTable, run.qKey)
		sc.args = []any{keys[0], keys[len(keys)-1]}
	}
	sc.within += " AND " + run.cond
	sc.args = append(sc.args, run.args...)
	if run.holds.late {
		sc.within += " AND " + run.holds.cond
	}
	// A hold's condition reads other tables, as such a where does.
	sc.wholeRange = run.opt.byRange && run.Reminder == nil && !run.readsOther && run.holdCond == "" && !run.holds.late
	return sc
}

// batchTx is one attempt of a batch in its transaction tx; at dates its
// audit records.
func (run *ruleRun) batchTx(ctx context.Context, tx Querier, keys []any, at time.Time, max int) (batchResult, error) {
	res := batchResult{related: make([]int, len(run.flat)+len(run.refers))}
	sc := run.scope(keys)
	if sc.wholeRange && max == 0 && run.opt.detail == "" && run.integerKey() && len(run.related) == 0 && len(run.refers) == 0 &&
		run.Files == nil && len(hashed(run.anonymise)) == 0 {
		// Nothing but the rows themselves and their records: the locking
		// read is the audit INSERT's own SELECT.
		return run.auditedRange(ctx, tx, sc, at, 0)
	}
	locked, err := run.lockRows(ctx, tx, sc)
	if err != nil {
		return res, err
	}
	if max > 0 && run.opt.byRange && len(locked) > max {
		// The rest stay locked until the commit, untouched.
		locked = locked[:max]
		sc.args[1] = locked[len(locked)-1].key
	}
	if run.s.afterLock != nil {
		run.s.afterLock(run.Name)
	}
	if len(locked) > 0 {
		if err := run.checkHolds(ctx, tx); err != nil {
			return res, err
		}
	}
	var noAddress map[string]bool
	if run.Reminder != nil && !run.opt.noReminder {
		n := len(locked)
		locked, noAddress, err = run.reminderGate(ctx, tx, locked)
		if err != nil {
			return res, err
		}
		res.held = n - len(locked)
	}
	if len(locked) == 0 {
		return res, nil
	}
	if err := run.change(ctx, tx, sc, locked, noAddress, at, res.related); err != nil {
		return res, err
	}
	res.rows = len(locked)
	return res, nil
}

// change handles the locked rows of a batch: their related rows (counted
// into related), the rows themselves, their files and reminders, and the
// audit record of each. noAddress marks the rows deleted without a
// reminder for want of an address.
func (run *ruleRun) change(ctx context.Context, tx Querier, sc batchScope, locked []lockedRow, noAddress map[string]bool,
	at time.Time, related []int) error {
	keys := make([]any, len(locked))
	hashVals := make([][]any, len(locked))
	parents := make([]parentRow, len(locked))
	for i, r := range locked {
		keys[i], hashVals[i] = r.key, r.hash
		parents[i] = parentRow{root: keyString(r.key), refs: r.refs}
	}
	rs := relatedStep{run: run, tx: tx, at: at, counts: related}
	if err := rs.handle(ctx, run.related, parents, 0); err != nil {
		return err
	}
	audit := rs.audit
	// The rows' own records come from the rows themselves, before they
	// change, when their keys read as text the same way in SQL as here.
	auditInSQL := sc.wholeRange && run.opt.detail == "" && run.integerKey()
	if auditInSQL {
		if err := run.auditRange(ctx, tx, sc, len(locked), at); err != nil {
			return err
		}
	}
	target := keysTarget{keys: keys}
	if sc.wholeRange {
		target = keysTarget{keys: keys, where: sc.within, args: sc.args, n: len(keys)}
	}
	if err := run.act(ctx, tx, target, hashVals); err != nil {
		return err
	}
	if len(run.refers) > 0 {
		recs, err := run.refersRows(ctx, tx, locked, at, related)
		if err != nil {
			return err
		}
		audit = append(audit, recs...)
	}
	if run.Files != nil {
		if err := run.s.queueFiles(ctx, tx, run.Name, locked, at); err != nil {
			return err
		}
	}
	if run.Reminder != nil {
		if err := run.s.forgetReminders(ctx, tx, run.Name, keys); err != nil {
			return err
		}
	}
	if !auditInSQL {
		audit = append(audit, run.ownRecords(keys, noAddress, at)...)
	}
	if run.opt.detail != "" {
		for i := range audit {
			audit[i].Detail = strings.TrimPrefix(audit[i].Detail+"; "+run.opt.detail, "; ")
		}
	}
	return run.s.writeAudit(ctx, tx, audit)
}

// ownRecords are the audit records of the rule's own rows of a batch.
func (run *ruleRun) ownRecords(keys []any, noAddress map[string]bool, at time.Time) []AuditRecord {
	var out []AuditRecord
	for _, k := range keys {
		ks := keyString(k)
		if noAddress[ks] {
			out = append(out, AuditRecord{RunID: run.inv.id, At: at, Rule: run.Name, Table: run.Table,
				RowKey: ks, Action: AuditNoAddress, Detail: "deleted without a reminder: no address"})
		}
		out = append(out, AuditRecord{RunID: run.inv.id, At: at, Rule: run.Name, Table: run.Table,
			RowKey: ks, Action: string(run.Action), Detail: run.actionDetail()})
	}
	return out
}

// actionDetail is the detail of the record of a row the rule acted on:
// the columns an anonymise overwrote.
func (b *boundRule) actionDetail() string {
	if b.Action == ActionAnonymise {
		return columnNames(b.anonymise)
	}
	return ""
}

// lockedRow is a row the batch's locking read found still due, with what
// the reminder gate, the hash strategy and file removal need of it.
type lockedRow struct {
	key   any
	age   any
	email any
	file  any
	hash  []any
	// refs are, for each related table, the value its foreign key holds
	// for the row (see parentRow).
	refs []any
	// refersVals are, for each [[rule.refers]], the key the row points at.
	refersVals []any
}

// lockRows is the locking read of a batch: the rows of its scope, with what
// the reminder gate, the hash strategy and file removal need of them.
func (run *ruleRun) lockRows(ctx context.Context, tx Querier, sc batchScope) ([]lockedRow, error) {
	sel := []string{run.qTable + "." + run.qKey}
	if run.Reminder != nil {
		sel = append(sel, run.ageExpr, run.qTable+"."+run.qEmail)
	}
	if run.Files != nil {
		sel = append(sel, run.qTable+"."+run.qFile)
	}
	for _, c := range hashed(run.anonymise) {
		sel = append(sel, run.qTable+"."+c.q)
	}
	nHash := len(hashed(run.anonymise))
	nRefs := len(refColumns(run.related, run.qTable))
	sel = append(sel, refColumns(run.related, run.qTable)...)
	sel = append(sel, run.refersColumns()...)
	q := fmt.Sprintf("SELECT %s FROM %s WHERE %s ORDER BY %s.%s%s",
		strings.Join(sel, ", "), run.qTable, sc.within, run.qTable, run.qKey, run.sql.ForUpdate())
	rows, err := tx.Query(ctx, q, sc.args...)
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
		lr := lockedRow{key: run.keyOf(dst[0])}
		i := 1
		if run.Reminder != nil {
			lr.age, lr.email = dst[1], dst[2]
			i = 3
		}
		if run.Files != nil {
			lr.file = dst[i]
			i++
		}
		lr.hash = dst[i : i+nHash]
		lr.refs = refValues(run.related, lr.key, dst[i+nHash:i+nHash+nRefs])
		lr.refersVals = dst[i+nHash+nRefs:]
		locked = append(locked, lr)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("lock due rows: %w", err)
	}
	return locked, nil
}

// auditedRange is a batch of nothing but the rows of its scope and their
// records: the audit INSERT ... SELECT ... FOR UPDATE locks and records
// them, and the change over the same scope must touch exactly as many.
// most, when not zero, is the most rows it may take (spanFull beyond).
func (run *ruleRun) auditedRange(ctx context.Context, tx Querier, sc batchScope, at time.Time, most int) (batchResult, error) {
	res := batchResult{related: make([]int, len(run.flat)+len(run.refers))}
	n, err := run.lockAndAudit(ctx, tx, sc, at)
	if err != nil || n == 0 {
		return res, err
	}
	if most > 0 && n > most {
		return res, spanFull{n: n}
	}
	if run.s.afterLock != nil {
		run.s.afterLock(run.Name)
	}
	if err := run.checkHolds(ctx, tx); err != nil {
		return res, err
	}
	res.rows = n
	return res, run.act(ctx, tx, keysTarget{where: sc.within, args: sc.args, n: n}, nil)
}

// lockAndAudit locks the due rows of a batch's scope and writes their
// audit records, in one INSERT ... SELECT ... FOR UPDATE, and says how
// many there were.
func (run *ruleRun) lockAndAudit(ctx context.Context, tx Querier, sc batchScope, at time.Time) (int, error) {
	q, a := run.auditSelect(sc, at)
	n, err := tx.Exec(ctx, q+fmt.Sprintf(" ORDER BY %s.%s%s", run.qTable, run.qKey, run.sql.ForUpdate()), a...)
	if err != nil {
		return 0, fmt.Errorf("lock due rows and write their audit records: %w", err)
	}
	return int(n), nil
}

// auditRange writes the audit records of a batch's rows with one INSERT
// ... SELECT over the batch's scope, before the rows change: the key list
// does not travel to the database and back. It must write exactly n
// records, one per locked row.
func (run *ruleRun) auditRange(ctx context.Context, tx Querier, sc batchScope, n int, at time.Time) error {
	q, a := run.auditSelect(sc, at)
	if err := execInRange(ctx, tx, q, n, a...); err != nil {
		return fmt.Errorf("write audit records: %w", err)
	}
	return nil
}

// auditSelect is the INSERT ... SELECT of the audit records of the rows of
// a batch's scope.
func (run *ruleRun) auditSelect(sc batchScope, at time.Time) (string, []any) {
	s := run.s
	q := fmt.Sprintf("INSERT INTO %s (%s) SELECT ?, ?, ?, ?, %s, ?, ? FROM %s WHERE %s",
		s.quote(s.Config.Sweeper.AuditTable), strings.Join(s.auditWriteColumns(), ", "), run.sql.Text(run.qTable+"."+run.qKey),
		run.qTable, sc.within)
	return q, append([]any{run.inv.id, at.UTC().Format(auditTime), run.Name, run.Table, string(run.Action), run.actionDetail()}, sc.args...)
}

// act deletes or anonymises the batch's rows.
func (run *ruleRun) act(ctx context.Context, tx Querier, target keysTarget, hashVals [][]any) error {
	switch run.Action {
	case ActionDelete:
		q, a := target.clause(run.sql, fmt.Sprintf("DELETE FROM %s WHERE", run.qTable), run.qTable, run.keyCols)
		if err := target.exec(ctx, tx, q, a...); err != nil {
			return fmt.Errorf("delete from %q: %w", run.Table, err)
		}
	case ActionAnonymise:
		t := anonTable{qTable: run.qTable, key: run.keyCols, cols: run.anonymise, keep: run.keep}
		if err := run.anonymiseRows(ctx, tx, t, target, hashVals); err != nil {
			return fmt.Errorf("anonymise %q: %w", run.Table, err)
		}
	}
	return nil
}

var errCountChanged = errors.New("row count changed under the lock")

// execChecked runs a statement that must touch exactly want rows: anything
// else means the rows changed under the lock, and the batch rolls back.
func execChecked(ctx context.Context, tx Querier, q string, want int, args ...any) error {
	n, err := tx.Exec(ctx, q, args...)
	if err != nil {
		return err
	}
	if int(n) != want {
		return fmt.Errorf("%w: touched %d rows where %d were locked; rolled back", errCountChanged, n, want)
	}
	return nil
}

// execInRange is execChecked for a statement over a batch's range, where
// another count means a row of the range became due after the lock: the
// batch is worth another try.
func execInRange(ctx context.Context, tx Querier, q string, want int, args ...any) error {
	err := execChecked(ctx, tx, q, want, args...)
	if errors.Is(err, errCountChanged) {
		return fmt.Errorf("%w: %w", errRangeMoved, err)
	}
	return err
}

// keysTarget is the rows a batch statement acts on: the locked keys, or,
// when where is set, the batch's range and condition that locked n rows.
type keysTarget struct {
	keys  []any
	where string
	args  []any
	n     int
}

// clause completes head ("DELETE FROM t WHERE") with the target's rows,
// rows of qTable identified by key.
func (t keysTarget) clause(d Dialect, head, qTable string, key keyColumns) (string, []any) {
	if t.where != "" {
		return head + " " + t.where, t.args
	}
	cond, args := key.in(d, qTable, t.keys)
	return head + " " + cond, args
}

// exec runs q, which must touch exactly the target's rows.
func (t keysTarget) exec(ctx context.Context, tx Querier, q string, args ...any) error {
	if t.where == "" {
		return execChecked(ctx, tx, q, len(t.keys), args...)
	}
	return execInRange(ctx, tx, q, t.n, args...)
}

// anonTable is a table whose columns an anonymise action overwrites: the
// rule's own or a related one.
type anonTable struct {
	qTable string
	key    keyColumns
	cols   []boundColumn
	keep   []string // see boundRule.keep
}

// anonymiseRows overwrites the target's columns: all in one UPDATE, then
// the hashed ones row by row. hashVals are the values to hash, as the
// locking read found them; nil reads them first.
func (run *ruleRun) anonymiseRows(ctx context.Context, tx Querier, t anonTable, target keysTarget, hashVals [][]any) error {
	keys := target.keys
	set, setArgs := setClause(run.sql, t.cols, t.key.text(run.sql, t.qTable), run.s.Config.Sweeper.RedactText)
	assigned := make([]string, len(t.cols))
	for i, c := range t.cols {
		assigned[i] = c.q
	}
	keepSet := keepClause(t.keep, assigned...)
	if set != "" {
		set += keepSet
		q, a := target.clause(run.sql, fmt.Sprintf("UPDATE %s SET %s WHERE", t.qTable, set), t.qTable, t.key)
		// The connection counts matched rows, not changed ones (MySQL's
		// CLIENT_FOUND_ROWS), so the count must equal the rows locked.
		if err := target.exec(ctx, tx, q, append(setArgs, a...)...); err != nil {
			return err
		}
	}
	hashCols := hashed(t.cols)
	if len(hashCols) == 0 {
		return nil
	}
	if len(hashVals) == 0 {
		// Related rows: read the values to hash under the batch's lock.
		var err error
		hashVals, err = readValues(ctx, tx, run.sql, t.qTable, t.key, hashCols, keys)
		if err != nil {
			return err
		}
	}
	key := []byte(run.s.Config.Sweeper.HashKey)
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
		where, wargs := t.key.equal(t.qTable, k)
		q := fmt.Sprintf("UPDATE %s SET %s%s WHERE %s", t.qTable, strings.Join(parts, ", "), keepSet, where)
		if _, err := tx.Exec(ctx, q, append(args, wargs...)...); err != nil {
			return err
		}
	}
	return nil
}

// hashed are the columns of cols with the hash strategy.
func hashed(cols []boundColumn) []boundColumn {
	var out []boundColumn
	for _, c := range cols {
		if c.Strategy == StrategyHash {
			out = append(out, c)
		}
	}
	return out
}

func readValues(ctx context.Context, tx Querier, d Dialect, qTable string, key keyColumns, cols []boundColumn, keys []any) ([][]any, error) {
	sel := key.of(qTable)
	for _, c := range cols {
		sel = append(sel, qTable+"."+c.q)
	}
	cond, args := key.in(d, qTable, keys)
	q := fmt.Sprintf("SELECT %s FROM %s WHERE %s", strings.Join(sel, ", "), qTable, cond)
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	w := key.width()
	byKey := map[string][]any{}
	for rows.Next() {
		dst, err := scanValues(rows, len(sel))
		if err != nil {
			return nil, err
		}
		byKey[keyString(key.value(dst[:w]))] = dst[w:]
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
