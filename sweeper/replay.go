package sweeper

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"

	"go.uber.org/zap"
)

// A backup restored brings back rows the sweeper deleted or anonymised
// after it was taken: an erased person, too. Replay re-applies those
// actions from the audit records written since the backup
// (docs/contract.md §6.4), through the same batches as an erasure: each
// record's rule applies its action to the record's row again, with the
// related rows and files as the rule has them, and a new audit record
// whose detail says it is a replay of which run. where and the age are not
// asked again (they allowed the action then); holds are.

// ReplayOptions say what to replay.
type ReplayOptions struct {
	// Since is when the restored backup was taken: records from then on
	// are replayed.
	Since time.Time
	// Records calls fn with the audit records to replay from, oldest
	// first (an export made before the restore, `audit --format json`);
	// nil reads the audit table, which must be one the restore did not
	// touch.
	Records func(fn func(AuditRecord) error) error
	DryRun  bool
	// Force runs past the clock guard, recording that the clock was accepted.
	Force bool
}

// Replay is what a replay did.
type Replay struct {
	RunID  string
	DryRun bool
	// Records is how many records were read (since Since).
	Records int
	Groups  []ReplayGroup
	// Skipped are records that cannot be replayed, with the reason.
	Skipped []ReplaySkip
	// HeldSince are the people a hold was placed on after the backup and
	// not released: their rows are not touched; the holds table of a
	// restored database may lack the hold, which must then be placed again.
	HeldSince []string
}

// ReplayGroup is one rule's records of one original run. Its Result says
// of each row whether it was erased again, or why not: gone (no such row),
// held, already anonymised.
type ReplayGroup struct {
	RuleOutcome
	RunID string // the run that wrote the records
}

// ReplaySkip counts records that cannot be replayed.
type ReplaySkip struct {
	Rule    string
	Records int
	Reason  string
}

// ReasonHeldSince is why a row of a person held after the backup is not
// replayed.
const ReasonHeldSince = "held: a hold on the person was placed after the backup"

// replayKeys are a group's keys while the records are read.
type replayKeys struct {
	group ReplayGroup
	keys  []string
	seen  map[string]bool
}

// Replay re-applies the deletions and anonymisations recorded since the
// backup a restored database was taken from. Rows already gone are
// skipped, rows of a person held (now, or by a hold recorded since) are
// reported and not touched; every row replayed gets its audit record
// saying replay. A dry run says what it would do and writes nothing.
func (s *Sweeper) Replay(ctx context.Context, opt ReplayOptions) (*Replay, error) {
	if opt.Since.IsZero() {
		return nil, &UsageError{Msg: "replay: give --since, when the restored backup was taken"}
	}
	records := opt.Records
	if records == nil {
		records = func(fn func(AuditRecord) error) error {
			return s.EachAuditRecord(ctx, AuditFilter{Since: opt.Since}, fn)
		}
	}
	inv := s.newInvocation(time.Time{}, opt.DryRun, opt.Force)
	inv.onRequest, inv.replay = "replay", true
	out := &Replay{RunID: inv.id, DryRun: opt.DryRun}

	rd := newReplayReader(s.Config.Rules)
	err := records(func(rec AuditRecord) error {
		if !rec.At.Before(opt.Since) {
			out.Records++
			rd.add(rec)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read the audit records: %w", err)
	}
	groups := rd.groups
	out.Skipped, out.HeldSince = rd.results()

	var m *boundSubject
	if s.Config.Subject != nil {
		if m, err = inv.boundSubject(ctx, s); err != nil {
			return nil, err
		}
	}
	for _, g := range groups {
		rg := g.group
		rg.Err = s.replayGroup(ctx, inv, m, out.HeldSince, g, &rg)
		out.Groups = append(out.Groups, rg)
		if RefusalReason(rg.Err) != "" {
			return nil, rg.Err
		}
		if ctx.Err() != nil {
			break
		}
	}
	outs := make([]*RuleOutcome, len(out.Groups))
	for i := range out.Groups {
		outs[i] = &out.Groups[i].RuleOutcome
	}
	failed, replayed := tally(outs)
	inv.log.Info("replay done", zap.String("event", "replay.done"), zap.Time("since", opt.Since), zap.Int("records", out.Records),
		zap.Int("rows", replayed), zap.Int("held_since", len(out.HeldSince)), zap.Int("failed", len(failed)))
	if len(failed) > 0 {
		return out, &PartialError{Failed: failed}
	}
	return out, ctx.Err()
}

// replayReader sorts the audit records read since the backup into the
// groups to replay (one rule's rows of one run, in the order read), the
// records that cannot be replayed, and the holds placed since.
type replayReader struct {
	rules     map[string]*Rule
	groups    []*replayKeys
	byGroup   map[[2]string]*replayKeys
	skipped   map[[2]string]int
	skipOrder [][2]string
	held      map[string]bool
	heldOrder []string
}

func newReplayReader(rules []*Rule) *replayReader {
	rd := &replayReader{rules: map[string]*Rule{}, byGroup: map[[2]string]*replayKeys{},
		skipped: map[[2]string]int{}, held: map[string]bool{}}
	for _, r := range rules {
		rd.rules[r.Name] = r
	}
	return rd
}

func (rd *replayReader) skip(rule, reason string) {
	k := [2]string{rule, reason}
	if rd.skipped[k] == 0 {
		rd.skipOrder = append(rd.skipOrder, k)
	}
	rd.skipped[k]++
}

// add sorts one record.
func (rd *replayReader) add(rec AuditRecord) {
	switch {
	case rec.Rule == "" && rec.Action == AuditHold:
		if !rd.held[rec.RowKey] {
			rd.heldOrder = append(rd.heldOrder, rec.RowKey)
		}
		rd.held[rec.RowKey] = true
		return
	case rec.Rule == "" && rec.Action == AuditRelease:
		rd.held[rec.RowKey] = false
		return
	case rec.Action != string(ActionDelete) && rec.Action != string(ActionAnonymise), rec.ParentKey != "":
		// Related rows go with their row's record; reminders, files
		// and the rest are not actions on a row to repeat.
		return
	}
	r := rd.rules[rec.Rule]
	switch {
	case r == nil:
		rd.skip(rec.Rule, "the rule is not in the config")
		return
	case !sameName(rec.Table, r.Table):
		// A related row's record, written to an audit table without
		// parent_key.
		return
	case string(r.Action) != rec.Action:
		rd.skip(rec.Rule, fmt.Sprintf("the rule's action is %s now; the records say %s", r.Action, rec.Action))
		return
	case shortenedKey(rec.RowKey):
		rd.skip(rec.Rule, "the key is longer than the audit table keeps")
		return
	}
	gk := [2]string{rec.Rule, rec.RunID}
	g := rd.byGroup[gk]
	if g == nil {
		g = &replayKeys{group: ReplayGroup{RuleOutcome: RuleOutcome{Rule: r.Name, Table: r.Table, Action: r.Action}, RunID: rec.RunID},
			seen: map[string]bool{}}
		rd.byGroup[gk] = g
		rd.groups = append(rd.groups, g)
	}
	if !g.seen[rec.RowKey] {
		g.seen[rec.RowKey] = true
		g.keys = append(g.keys, rec.RowKey)
	}
}

// results are the skipped records, counted per rule and reason, and the
// people still held, in the order first read.
func (rd *replayReader) results() (skipped []ReplaySkip, heldSince []string) {
	for _, k := range rd.skipOrder {
		skipped = append(skipped, ReplaySkip{Rule: k[0], Reason: k[1], Records: rd.skipped[k]})
	}
	for _, k := range rd.heldOrder {
		if rd.held[k] {
			heldSince = append(heldSince, k)
		}
	}
	return skipped, heldSince
}

// replayGroup re-applies one rule's recorded actions of one run.
func (s *Sweeper) replayGroup(ctx context.Context, inv *invocation, m *boundSubject, heldSince []string, g *replayKeys, rg *ReplayGroup) error {
	r := s.ruleNamed(g.group.Rule)
	log := inv.log.With(zap.String("rule", r.Name), zap.String("table", r.Table), zap.String("replay_of", g.group.RunID))
	run, err := s.openRun(ctx, inv, r, log, false)
	if err != nil {
		return fmt.Errorf("rule %q: %w", r.Name, err)
	}
	run.opt.detail = "replay of run " + g.group.RunID
	res := &EraseResult{RunID: inv.id, Rule: r.Name, Table: r.Table, Action: r.Action, DryRun: inv.dryRun}
	rg.Result = res
	ks := eraseKeys{byDBKey: map[string]int{}, sameRow: map[int]int{}}
	found := map[string]bool{}
	for _, chunk := range chunks(stringsToAny(g.keys), r.BatchSize) {
		var vals []any
		for _, k := range chunk {
			if v, ok := run.keyValue(k.(string)); ok {
				vals = append(vals, v)
			}
		}
		if len(vals) == 0 {
			continue
		}
		all, err := run.collect(ctx, fmt.Sprintf("%s.%s IN ?", run.qTable, run.qKey), []any{vals}, &ks, res)
		if err != nil {
			return fmt.Errorf("rule %q: find the rows of the records in %q: %w", r.Name, r.Table, err)
		}
		for _, k := range all {
			found[k] = true
		}
	}
	for _, k := range g.keys {
		if !found[k] {
			res.Keys = append(res.Keys, KeyResult{Key: k, Reason: ReasonNoSuchRow})
		}
	}
	if err := run.keepHeldSince(ctx, m, heldSince, &ks, res); err != nil {
		return fmt.Errorf("rule %q: %w", r.Name, err)
	}
	if !inv.dryRun && len(ks.eligible) > 0 {
		if err := s.passGuard(ctx, inv, log); err != nil {
			return err
		}
	}
	if err := run.erase(ctx, ks, res); err != nil {
		return fmt.Errorf("rule %q: %w", r.Name, err)
	}
	return nil
}

// keepHeldSince takes the rows of people a hold was recorded on since the
// backup out of an erasure's keys, and says why.
func (run *ruleRun) keepHeldSince(ctx context.Context, m *boundSubject, heldSince []string, ks *eraseKeys, res *EraseResult) error {
	if m == nil || len(heldSince) == 0 || len(ks.eligible) == 0 || !run.Rule.touchesMap(m.Subject) {
		return nil
	}
	var people []any
	for _, k := range heldSince {
		if v, ok := m.keyValue(k); ok {
			people = append(people, v)
		}
	}
	if len(people) == 0 {
		return nil
	}
	cond, args := run.boundRule.ofAny(m, people)
	keep := map[string]bool{}
	for _, chunk := range chunks(ks.eligible, run.BatchSize) {
		q := fmt.Sprintf("SELECT %s.%s FROM %s WHERE %s.%s IN ? AND %s", run.qTable, run.qKey, run.qTable, run.qTable, run.qKey, cond)
		keys, err := queryKeys(ctx, run.s.Store, run.keyOf, q, append([]any{chunk}, args...)...)
		if err != nil {
			return fmt.Errorf("find the rows of people held since the backup in %q: %w", run.Table, scrub(err))
		}
		for _, k := range keys {
			keep[keyString(k)] = true
		}
	}
	if len(keep) == 0 {
		return nil
	}
	var eligible []any
	for _, k := range ks.eligible {
		key := keyString(k)
		if !keep[key] {
			eligible = append(eligible, k)
			continue
		}
		res.Keys[ks.byDBKey[key]].Reason = ReasonHeldSince
		delete(ks.byDBKey, key)
	}
	ks.eligible = eligible
	return nil
}

func (s *Sweeper) ruleNamed(name string) *Rule {
	for _, r := range s.Config.Rules {
		if r.Name == name {
			return r
		}
	}
	return nil
}

func stringsToAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// shortenedKey reports whether a key is one keyString shortened: its first
// characters, "~" and a hash, which names no row.
func shortenedKey(k string) bool {
	r := []rune(k)
	return utf8.RuneCountInString(k) == maxStoredKey && r[maxStoredKey-21] == '~'
}
