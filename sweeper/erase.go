package sweeper

import (
	"context"
	"errors"
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
	ReasonNotHex            = "not a key: the key column holds bytes; give the key in hex, as the audit records show it"
	ReasonHeld              = "held: the person is under a hold (sweeper holds)"
)

// Erase applies a rule's action to the rows with the given keys now,
// whatever their age (docs/contract.md §1, erase): the same batch transaction as a
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
	inv := s.newInvocation(time.Time{}, opt.DryRun, opt.Force)
	inv.onRequest = opt.Detail
	if inv.onRequest == "" {
		inv.onRequest = "on request"
	}
	res := &EraseResult{RunID: inv.id, Rule: r.Name, Table: r.Table, Action: r.Action, DryRun: opt.DryRun}
	log := inv.log.With(zap.String("rule", r.Name), zap.String("table", r.Table))

	// The keys are looked up before anything is locked or created: a
	// request for rows that are not there, or a dry run, writes nothing.
	run, err := s.openRun(ctx, inv, r, log, false)
	if err != nil {
		if run.boundRule == nil {
			return res, fmt.Errorf("rule %q: %w", r.Name, err)
		}
		return nil, fmt.Errorf("rule %q: %w", r.Name, err)
	}
	ks, err := run.lookUp(ctx, opt.Keys, res)
	if err != nil {
		return res, err
	}
	defer ks.sameRows(res)
	if !opt.DryRun && len(ks.eligible) > 0 {
		if err := s.passGuard(ctx, inv, log); err != nil {
			return nil, err
		}
	}
	return res, run.erase(ctx, ks, res)
}

// erase applies the rule's action to the eligible rows of ks, or in a dry
// run says what it would do, and records in res what became of every
// key. The clock guard has been passed.
func (run *ruleRun) erase(ctx context.Context, ks eraseKeys, res *EraseResult) error {
	s := run.s
	res.Related = run.zeroRelated()
	if run.inv.dryRun || len(ks.eligible) == 0 {
		return run.eraseDry(ctx, ks, res)
	}
	if err := run.begin(ctx); err != nil {
		if errors.Is(err, errLockHeld) {
			return fmt.Errorf("rule %q: another sweeper holds this rule's lock; nothing was erased, try again when it is done", run.Name)
		}
		return err
	}
	defer run.close()
	// This run's records come after every record there is now: reading them
	// back walks the primary key from here, however long the table.
	startID, err := s.maxAuditID(ctx)
	if err != nil {
		return err
	}
	batchErr := run.eraseBatches(ctx, ks.eligible, res)
	if run.Files != nil {
		if _, err := run.removeFiles(ctx); err != nil && batchErr == nil {
			batchErr = err
		}
	}
	if err := run.outcome(ctx, startID, ks, res, batchErr); err != nil {
		return err
	}
	// A replay's rows were erased once already; stats counts erasures by
	// the event.
	msg, event := "erase done", "erase.done"
	if run.inv.replay {
		msg, event = "replay of a rule done", "replay.rule"
	}
	run.log.Info(msg, zap.String("event", event), zap.Int("rows", res.Erased()),
		zap.Int("refused", len(res.Keys)-res.Erased()))
	return batchErr
}

// eraseKeys are the requested keys of an erasure and the rows they name.
type eraseKeys struct {
	eligible []any          // the keys as the database holds them
	byDBKey  map[string]int // keyString of the database's key → index in EraseResult.Keys
	sameRow  map[int]int    // a key naming the same row as an earlier one ("05", "5")
}

// lookUp looks each requested key up on its own: a request names a few
// rows, and the database's own comparison (collation, numeric keys)
// decides which row a key names. Every key gets its entry in res.
func (run *ruleRun) lookUp(ctx context.Context, keys []string, res *EraseResult) (eraseKeys, error) {
	ks := eraseKeys{byDBKey: map[string]int{}, sameRow: map[int]int{}}
	seen := map[string]bool{}
	for _, k := range keys {
		if seen[k] {
			continue
		}
		seen[k] = true
		i := len(res.Keys)
		res.Keys = append(res.Keys, KeyResult{Key: k})
		dbKey, reason, err := run.classify(ctx, k)
		if err != nil {
			return ks, err
		}
		if reason != "" {
			res.Keys[i].Reason = reason
			continue
		}
		if first, ok := ks.byDBKey[keyString(dbKey)]; ok {
			ks.sameRow[i] = first
			continue
		}
		ks.eligible = append(ks.eligible, dbKey)
		ks.byDBKey[keyString(dbKey)] = i
	}
	return ks, nil
}

// sameRows gives the keys that named a row named before the outcome of
// that one.
func (ks eraseKeys) sameRows(res *EraseResult) {
	for i, first := range ks.sameRow {
		res.Keys[i].Erased, res.Keys[i].Reason = res.Keys[first].Erased, res.Keys[first].Reason
	}
}

// eraseDry says what an erasure would do: every row found is erased, with
// the related rows that go with it.
func (run *ruleRun) eraseDry(ctx context.Context, ks eraseKeys, res *EraseResult) error {
	for _, idx := range ks.byDBKey {
		res.Keys[idx].Erased = true
	}
	if len(ks.eligible) == 0 {
		return nil
	}
	var err error
	res.Related, err = run.s.relatedOfKeys(ctx, run.boundRule, chunks(ks.eligible, run.BatchSize))
	return err
}

// eraseBatches erases the rows in batches of the rule's batch size, by
// key: the same batch transaction as a sweep's, without the age.
func (run *ruleRun) eraseBatches(ctx context.Context, eligible []any, res *EraseResult) error {
	for _, keys := range chunks(eligible, run.BatchSize) {
		br, err := run.batch(ctx, keys, 0)
		if err != nil {
			return err
		}
		for i := range res.Related {
			res.Related[i].Rows += br.related[i]
		}
	}
	return nil
}

// outcome reads which rows were erased from the run's audit records, and
// says of every other row why not. A row that changed between the look-up
// and the lock (a sweep took it, the shop changed it so that where no
// longer holds) says so.
func (run *ruleRun) outcome(ctx context.Context, startID int64, ks eraseKeys, res *EraseResult, batchErr error) error {
	f := AuditFilter{RunID: res.RunID, Tables: []string{run.Table}, AfterID: startID}
	err := run.s.EachAuditRecord(ctx, f, func(rec AuditRecord) error {
		if idx, ok := ks.byDBKey[rec.RowKey]; ok && rec.Action == string(run.Action) {
			res.Keys[idx].Erased = true
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, idx := range ks.byDBKey {
		kr := &res.Keys[idx]
		if kr.Erased {
			continue
		}
		if batchErr != nil {
			kr.Reason = "not reached: " + batchErr.Error()
			continue
		}
		_, reason, err := run.classify(ctx, kr.Key)
		if err != nil {
			return err
		}
		if reason == "" {
			reason = "changed while it was being erased; try again"
		}
		kr.Reason = reason
	}
	return nil
}

// eraseCond is the condition a row must meet to be erased on request: the
// rule's where and, for anonymise, not anonymised yet; no age.
func (b *boundRule) eraseCond(redact string) (string, []any) {
	cond := "1 = 1"
	var args []any
	if b.Where != "" && !b.replay {
		cond += " AND (" + b.Where + ")"
	}
	if b.holdCond != "" {
		cond += " AND " + b.holdCond
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
func (run *ruleRun) classify(ctx context.Context, key string) (any, string, error) {
	s, b := run.s, run.boundRule
	v, ok := b.keyValue(key)
	if !ok {
		if b.keyCols.binary[0] {
			return nil, ReasonNotHex, nil
		}
		return nil, ReasonNoSuchRow, nil
	}
	sel, args := b.classifyColumns(s.Config.Sweeper.RedactText)
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
	k, reason := b.reasonOf(dst)
	return k, reason, nil
}

// classifyColumns select a row's key and what decides whether it may be
// erased on request: a hold, where, and for anonymise whether it is done.
func (b *boundRule) classifyColumns(redact string) ([]string, []any) {
	sel := []string{b.qTable + "." + b.qKey}
	var args []any
	if b.holdCond != "" {
		sel = append(sel, "CASE WHEN "+b.holdCond+" THEN 1 ELSE 0 END")
	}
	if b.Where != "" && !b.replay {
		sel = append(sel, "CASE WHEN ("+b.Where+") THEN 1 ELSE 0 END")
	}
	if len(b.anonymise) > 0 {
		done, dargs := b.anonymisedCond(redact)
		sel = append(sel, "CASE WHEN ("+done+") THEN 1 ELSE 0 END")
		args = append(args, dargs...)
	}
	return sel, args
}

// reasonOf reads a row of classifyColumns: its key as the database holds
// it, and why it may not be erased ("" when it may).
func (b *boundRule) reasonOf(dst []any) (any, string) {
	i := 1
	if b.holdCond != "" {
		if !isOne(dst[i]) {
			return nil, ReasonHeld
		}
		i++
	}
	if b.Where != "" && !b.replay {
		if !isOne(dst[i]) {
			return nil, ReasonHeldByWhere + b.Where
		}
		i++
	}
	if len(b.anonymise) > 0 && isOne(dst[i]) {
		return nil, ReasonAlreadyAnonymised
	}
	return b.keyOf(dst[0]), ""
}

// keyValue turns a key given as text into the value bound for the key
// column: an integer for an integer column, so that every dialect reads "02"
// as row 2 and the key the database hands back matches the audit record's.
// A key that is not a whole number names no row of an integer column
// (PostgreSQL would refuse it as a parameter rather than find nothing).
//
// A key of bytes is given as hex, as the audit records write it (either
// case, 0x or not): its bytes are bound.
func (b *boundRule) keyValue(key string) (any, bool) {
	if b.keyCols.binary[0] {
		v, ok := parseHexKey(key)
		return binaryKey(v), ok
	}
	return keyValueOf(b.table, b.key, key)
}

// keyValueOf is keyValue for the key column of any table.
func keyValueOf(t *Table, key, value string) (any, bool) {
	c, _ := t.Column(key)
	if !strings.Contains(strings.ToLower(c.Type), "int") {
		return value, true
	}
	k := strings.TrimSpace(value)
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
