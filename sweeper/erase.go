package sweeper

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"
)

// EraseOptions name a data subject's request: the rule whose action is
// applied and the keys of the rows it is applied to.
type EraseOptions struct {
	Rule   string   // the rule's name; a disabled rule may be named
	Keys   []string // values of the rule's key column, as the requester gave them
	DryRun bool     // say what would happen; write nothing
	// Force runs past the clock guard (a clock behind the newest audit
	// record), recording that the clock was accepted.
	Force bool
	// Detail is added to the detail of every audit record the erasure
	// writes; "" means "on request".
	Detail string
}

// EraseResult is what an erasure did, key by key.
type EraseResult struct {
	RunID  string
	Rule   string
	Table  string
	Action Action
	DryRun bool
	Keys   []KeyResult
	// Related counts the related rows handled (in a dry run: that would be).
	Related []RelatedCount
}

// KeyResult is the outcome of one requested key.
type KeyResult struct {
	Key string
	// Erased is true when the rule's action was applied to the row (in a
	// dry run: would be).
	Erased bool
	// Reason says why the row was not erased: "no such row", "held by
	// where: <condition>", "already anonymised".
	Reason string
}

// Erased counts the keys whose rows were erased (or would be).
func (r *EraseResult) Erased() int {
	n := 0
	for _, k := range r.Keys {
		if k.Erased {
			n++
		}
	}
	return n
}

// The reasons a requested key is not erased.
const (
	ReasonNoSuchRow         = "no such row"
	ReasonHeldByWhere       = "held by where: "
	ReasonAlreadyAnonymised = "already anonymised"
)

// Erase applies a rule's action to the rows with the given keys now,
// whatever their age (SPEC §1, erase): the same batch transaction as a
// sweep, with the related rows, the files and an audit record per row whose
// detail says it was on request. The rule's `where` still applies, so a row
// held there is not erased; no reminder is sent or waited for. The rule's
// named lock is taken, as by a sweep, and the clock guard holds it as it
// holds a sweep (a *ClockError, nothing erased).
//
// Every key comes back in the result with whether it was erased and, if
// not, why. A dry run reads only: it creates no table, takes no lock row and
// writes no audit record.
func (s *Sweeper) Erase(ctx context.Context, opt EraseOptions) (*EraseResult, error) {
	if len(opt.Keys) == 0 {
		return nil, &UsageError{Msg: "erase: no key given"}
	}
	rules, err := s.selectRules([]string{opt.Rule})
	if err != nil {
		return nil, err
	}
	r := rules[0]
	res := &EraseResult{RunID: newRunID(), Rule: r.Name, Table: r.Table, Action: r.Action, DryRun: opt.DryRun}
	detail := opt.Detail
	if detail == "" {
		detail = "on request"
	}
	log := s.logger().With(zap.String("run_id", res.RunID), zap.Bool("dry_run", opt.DryRun),
		zap.String("rule", r.Name), zap.String("table", r.Table))

	b, findings := bind(ctx, s.Store, r, s.Config.Sweeper.RedactText)
	if b == nil {
		return res, fmt.Errorf("rule %q: %w", r.Name, findingsError(findings))
	}
	if err := refuseUnaudited(ctx, s.Store, b); err != nil {
		return nil, fmt.Errorf("rule %q: %w", r.Name, err)
	}
	cond, condArgs := b.eraseCond(s.Config.Sweeper.RedactText)

	// Each key is looked up on its own: a request names a few rows, and the
	// database's own comparison (collation, numeric keys) decides which row
	// a key names.
	seen := map[string]bool{}
	var eligible []any          // the keys as the database holds them
	byDBKey := map[string]int{} // keyString of the database's key → index in res.Keys
	sameRow := map[int]int{}    // a key naming the same row as an earlier one ("05", "5")
	for _, k := range opt.Keys {
		if seen[k] {
			continue
		}
		seen[k] = true
		i := len(res.Keys)
		res.Keys = append(res.Keys, KeyResult{Key: k})
		dbKey, reason, err := s.classify(ctx, b, k)
		if err != nil {
			return res, err
		}
		if reason != "" {
			res.Keys[i].Reason = reason
			continue
		}
		if first, ok := byDBKey[keyString(dbKey)]; ok {
			sameRow[i] = first
			continue
		}
		eligible = append(eligible, dbKey)
		byDBKey[keyString(dbKey)] = i
	}
	defer func() {
		for i, first := range sameRow {
			res.Keys[i].Erased, res.Keys[i].Reason = res.Keys[first].Erased, res.Keys[first].Reason
		}
	}()
	res.Related = make([]RelatedCount, len(b.related))
	for i, rel := range b.related {
		res.Related[i] = RelatedCount{Table: rel.Table, Action: rel.Action}
	}

	if opt.DryRun || len(eligible) == 0 {
		for _, idx := range byDBKey {
			res.Keys[idx].Erased = true
		}
		if len(eligible) > 0 {
			for i, rel := range b.related {
				n, err := s.relatedOfKeys(ctx, rel, chunks(eligible, b.BatchSize))
				if err != nil {
					return res, err
				}
				res.Related[i].Rows = n
			}
		}
		return res, nil
	}

	if err := s.passClock(ctx, time.Time{}, opt.Force, res.RunID, log); err != nil {
		return nil, err
	}
	release, ok, err := s.Store.TryLock(ctx, "rule:"+r.Name)
	if err != nil {
		return res, err
	}
	if !ok {
		return res, fmt.Errorf("rule %q: another sweeper holds this rule's lock; nothing was erased, try again when it is done", r.Name)
	}
	defer release()
	if err := s.ensureAudit(ctx); err != nil {
		return res, err
	}
	// This run's records come after every record there is now: reading them
	// back walks the primary key from here, however long the table.
	startID, err := s.maxAuditID(ctx)
	if err != nil {
		return res, err
	}
	if b.Files != nil {
		if err := s.ensureFilesTable(ctx); err != nil {
			return res, err
		}
	}
	if b.Reminder != nil {
		// The batch forgets the reminders of deleted rows.
		if err := s.ensureRemindersTable(ctx); err != nil {
			return res, err
		}
	}

	tz := s.Config.Sweeper.Timezone
	var batchErr error
	for _, keys := range chunks(eligible, b.BatchSize) {
		if s.beforeLock != nil {
			s.beforeLock(r.Name, keys)
		}
		now := s.realNow()
		br, err := s.batchWithRetry(ctx, b, cond, condArgs, keys, res.RunID, now.UTC(), now.In(tz), log,
			batchOptions{noReminder: true, detail: detail})
		if err != nil {
			batchErr = err
			break
		}
		for i := range res.Related {
			res.Related[i].Rows += br.related[i]
		}
	}
	if b.Files != nil {
		if _, err := s.removeFiles(ctx, b, res.RunID, log); err != nil && batchErr == nil {
			batchErr = err
		}
	}

	// The audit records of this run say which rows were erased.
	f := AuditFilter{RunID: res.RunID, Tables: []string{b.Table}, AfterID: startID}
	err = s.EachAuditRecord(ctx, f, func(rec AuditRecord) error {
		if idx, ok := byDBKey[rec.RowKey]; ok && rec.Action == string(b.Action) {
			res.Keys[idx].Erased = true
		}
		return nil
	})
	if err != nil {
		return res, err
	}
	// A row that changed between the look-up and the lock (a sweep took it,
	// the shop changed it so that where no longer holds) says so.
	for _, idx := range byDBKey {
		kr := &res.Keys[idx]
		if kr.Erased {
			continue
		}
		if batchErr != nil {
			kr.Reason = "not reached: " + batchErr.Error()
			continue
		}
		_, reason, err := s.classify(ctx, b, kr.Key)
		if err != nil {
			return res, err
		}
		if reason == "" {
			reason = "changed while it was being erased; try again"
		}
		kr.Reason = reason
	}
	log.Info("erase done", zap.String("event", "erase.done"), zap.Int("rows", res.Erased()),
		zap.Int("refused", len(res.Keys)-res.Erased()))
	return res, batchErr
}

// eraseCond is the condition a row must meet to be erased on request: the
// rule's where and, for anonymise, not anonymised yet; no age.
func (b *boundRule) eraseCond(redact string) (string, []any) {
	cond := "1 = 1"
	var args []any
	if b.Where != "" {
		cond += " AND (" + b.Where + ")"
	}
	if len(b.anonymise) > 0 {
		done, dargs := b.anonymisedCond(redact)
		cond += " AND NOT (" + done + ")"
		args = append(args, dargs...)
	}
	return cond, args
}

// classify looks one requested key up: the row's key as the database holds
// it, or the reason it cannot be erased.
func (s *Sweeper) classify(ctx context.Context, b *boundRule, key string) (any, string, error) {
	v, ok := b.keyValue(key)
	if !ok {
		return nil, ReasonNoSuchRow, nil
	}
	sel := []string{b.qTable + "." + b.qKey}
	var args []any
	if b.Where != "" {
		sel = append(sel, "CASE WHEN ("+b.Where+") THEN 1 ELSE 0 END")
	}
	if len(b.anonymise) > 0 {
		done, dargs := b.anonymisedCond(s.Config.Sweeper.RedactText)
		sel = append(sel, "CASE WHEN ("+done+") THEN 1 ELSE 0 END")
		args = append(args, dargs...)
	}
	q := fmt.Sprintf("SELECT %s FROM %s WHERE %s.%s = ?", strings.Join(sel, ", "), b.qTable, b.qTable, b.qKey)
	rows, err := s.Store.Query(ctx, q, append(args, v)...)
	if err != nil {
		return nil, "", fmt.Errorf("look up %q in %q: %w", key, b.Table, scrub(err))
	}
	defer rows.Close()
	if !rows.Next() {
		return nil, ReasonNoSuchRow, rows.Err()
	}
	dst, err := scanValues(rows, len(sel))
	if err != nil {
		return nil, "", fmt.Errorf("look up %q in %q: %w", key, b.Table, err)
	}
	i := 1
	if b.Where != "" {
		if !isOne(dst[i]) {
			return nil, ReasonHeldByWhere + b.Where, nil
		}
		i++
	}
	if len(b.anonymise) > 0 && isOne(dst[i]) {
		return nil, ReasonAlreadyAnonymised, nil
	}
	return normKey(dst[0]), "", nil
}

// keyValue turns a key given as text into the value bound for the key
// column: an integer for an integer column, so that every dialect reads "02"
// as row 2 and the key the database hands back matches the audit record's.
// A key that is not a whole number names no row of an integer column
// (PostgreSQL would refuse it as a parameter rather than find nothing).
func (b *boundRule) keyValue(key string) (any, bool) {
	c, _ := b.table.Column(b.key)
	if !strings.Contains(strings.ToLower(c.Type), "int") {
		return key, true
	}
	k := strings.TrimSpace(key)
	if n, err := strconv.ParseInt(k, 10, 64); err == nil {
		return n, true
	}
	if n, err := strconv.ParseUint(k, 10, 64); err == nil {
		return n, true
	}
	return nil, false
}

func isOne(v any) bool { return fmt.Sprint(normKey(v)) == "1" }

// chunks splits keys into slices of at most n.
func chunks(keys []any, n int) [][]any {
	if n <= 0 {
		n = 1000
	}
	var out [][]any
	for start := 0; start < len(keys); start += n {
		out = append(out, keys[start:min(start+n, len(keys))])
	}
	return out
}
