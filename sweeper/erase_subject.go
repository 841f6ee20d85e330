package sweeper

import (
	"context"
	"fmt"
	"strings"
	"time"

	"go.uber.org/zap"
)

// EraseSubjectOptions name a request to erase one person (GDPR art. 17).
type EraseSubjectOptions struct {
	Subject string // the value a request names the person by
	DryRun  bool   // say what would happen; write nothing
	// Force runs past the clock guard, recording that the clock was accepted.
	Force bool
}

// SubjectErasure is what an erasure of one person did, rule by rule.
type SubjectErasure struct {
	RunID  string
	Person Person
	DryRun bool
	Rules  []SubjectRule
}

// RuleOutcome is what one rule did for a request: what became of each row
// it was asked to act on, as erase --rule reports them.
type RuleOutcome struct {
	Rule   string
	Table  string
	Action Action
	// Result is nil when the rule was not asked to act (it keeps the rows,
	// or failed before).
	Result *EraseResult
	Err    error
}

// tally sums up the outcomes of a request's rules: those that failed, and
// the rows acted on.
func tally(outs []*RuleOutcome) (failed []RuleReport, rows int) {
	for _, o := range outs {
		if o.Err != nil {
			failed = append(failed, RuleReport{Name: o.Rule, Table: o.Table, Err: o.Err})
		}
		if o.Result != nil {
			rows += o.Result.Erased()
		}
	}
	return failed, rows
}

// SubjectRule is one rule's part of an erasure of a person.
type SubjectRule struct {
	RuleOutcome
	// Kept: the rule keeps the person's rows on request (keep_on_request)
	// under Basis; KeptKeys are those rows.
	Kept     bool
	Basis    string
	KeptKeys []string
}

// HeldError is a request to erase a person under a hold: nothing is erased
// until the hold is released.
type HeldError struct {
	Hold HoldInfo
}

func (e *HeldError) Error() string {
	until := "until it is released"
	if !e.Hold.Until.IsZero() {
		until = "until " + e.Hold.Until.UTC().Format(time.RFC3339)
	}
	return fmt.Sprintf("%s %s is under a hold placed %s, %s: nothing was erased (sweeper holds; sweeper release --subject %s)",
		e.Hold.Table, e.Hold.KeyString(), e.Hold.Placed.UTC().Format(time.RFC3339), until, e.Hold.KeyString())
}

// EraseSubject erases the person a value names (docs/contract.md §6.3):
// every enabled rule whose table the data map covers applies its action
// to that person's rows now, whatever their age, in the order of the
// config, through the same batch transaction as a sweep (related rows,
// files, audit records whose detail says on whose request). A rule with
// keep_on_request keeps them, and the result says which rows under which
// basis. where still applies; a person under a hold is refused whole.
//
// The person's rows are found for every rule before the first one acts:
// a rule that detaches or deletes rows along with its own (an account's
// orders) would otherwise hide them from the rules after it.
func (s *Sweeper) EraseSubject(ctx context.Context, opt EraseSubjectOptions) (*SubjectErasure, error) {
	m, err := s.subject(ctx)
	if err != nil {
		return nil, err
	}
	p, err := m.find(ctx, s.Store, opt.Subject)
	if err != nil {
		return nil, err
	}
	if h, err := s.holdOn(ctx, p); err != nil || h != nil {
		if err == nil {
			err = &HeldError{Hold: *h}
		}
		return nil, err
	}
	inv := s.newInvocation(time.Time{}, opt.DryRun, opt.Force)
	inv.onRequest = fmt.Sprintf("on request of %s %s", p.Table, p.KeyString())
	inv.subject = m
	out := &SubjectErasure{RunID: inv.id, Person: p, DryRun: opt.DryRun}

	var steps []subjectStep
	for _, r := range s.Config.Rules {
		if !r.Enabled || !m.covers(r.Table) {
			continue
		}
		sr := SubjectRule{RuleOutcome: RuleOutcome{Rule: r.Name, Table: r.Table, Action: r.Action}, Kept: r.KeepOnRequest, Basis: r.Basis}
		log := inv.log.With(zap.String("rule", r.Name), zap.String("table", r.Table))
		run, err := s.openRun(ctx, inv, r, log, false)
		if err == nil {
			var ks eraseKeys
			var res *EraseResult
			ks, res, sr.KeptKeys, err = run.personRows(ctx, m, p)
			if err == nil && !r.KeepOnRequest {
				sr.Result = res
				steps = append(steps, subjectStep{run: run, ks: ks, res: res, i: len(out.Rules)})
			}
		}
		if err != nil {
			sr.Err = fmt.Errorf("rule %q: %w", r.Name, err)
		}
		if !r.KeepOnRequest {
			sr.KeptKeys = nil
		}
		out.Rules = append(out.Rules, sr)
	}
	for _, st := range steps {
		if !opt.DryRun && len(st.ks.eligible) > 0 {
			if err := s.passGuard(ctx, inv, st.run.log); err != nil {
				return nil, err
			}
		}
		if err := st.run.erase(ctx, st.ks, st.res); err != nil {
			out.Rules[st.i].Err = fmt.Errorf("rule %q: %w", st.run.Name, err)
		}
		if ctx.Err() != nil {
			break
		}
	}
	if !opt.DryRun {
		goneSince(ctx, steps)
	}
	outs := make([]*RuleOutcome, len(out.Rules))
	for i := range out.Rules {
		outs[i] = &out.Rules[i].RuleOutcome
	}
	failed, erased := tally(outs)
	inv.log.Info("subject erased", zap.String("event", "erase.subject"), zap.String("subject_table", p.Table),
		zap.String("subject_key", p.KeyString()), zap.Int("rules", len(out.Rules)), zap.Int("rows", erased), zap.Int("failed", len(failed)))
	if len(failed) > 0 {
		return out, &PartialError{Failed: failed}
	}
	return out, ctx.Err()
}

// subjectStep is one rule's part of an erasure of a person: its run, the
// person's rows it may erase, its result, and its place among the rules.
type subjectStep struct {
	run *ruleRun
	ks  eraseKeys
	res *EraseResult
	i   int
}

// goneSince marks the rows a rule left (where did not select them) that
// went with a rule after it, as related rows: they are not left.
func goneSince(ctx context.Context, steps []subjectStep) {
	for _, st := range steps {
		for i, k := range st.res.Keys {
			if k.Erased || k.Reason == ReasonNoSuchRow || k.Reason == "" {
				continue
			}
			if _, reason, err := st.run.classify(ctx, k.Key); err == nil && reason == ReasonNoSuchRow {
				st.res.Keys[i].Reason = ReasonNoSuchRow
			}
		}
	}
}

// personRows finds the person's rows of the run's table, each with
// whether it may be erased and why not: the erasure's keys, its result
// with every row in it, and the keys of all the person's rows.
func (run *ruleRun) personRows(ctx context.Context, m *boundSubject, p Person) (eraseKeys, *EraseResult, []string, error) {
	ks := eraseKeys{byDBKey: map[string]int{}, sameRow: map[int]int{}}
	res := &EraseResult{RunID: run.inv.id, Rule: run.Name, Table: run.Table, Action: run.Action, DryRun: run.inv.dryRun}
	cond, n := m.ofPerson(run.Table, run.qTable, 1)
	all, err := run.collect(ctx, cond, personArgs(p.Key, n), &ks, res)
	if err != nil {
		return ks, nil, nil, fmt.Errorf("find the person's rows in %q: %w", run.Table, err)
	}
	return ks, res, all, nil
}

// collect reads the rows of the run's table that cond selects, in key
// order, each with whether it may be erased and why not (classifyColumns):
// those that may go into ks, every one into res. It returns the keys of
// all of them.
func (run *ruleRun) collect(ctx context.Context, cond string, args []any, ks *eraseKeys, res *EraseResult) ([]string, error) {
	s, b := run.s, run.boundRule
	sel, cargs := b.classifyColumns(s.Config.Sweeper.RedactText)
	q := fmt.Sprintf("SELECT %s FROM %s WHERE %s ORDER BY %s.%s", strings.Join(sel, ", "), b.qTable, cond, b.qTable, b.qKey)
	rows, err := s.Store.Query(ctx, q, append(cargs, args...)...)
	if err != nil {
		return nil, scrub(err)
	}
	defer rows.Close()
	var all []string
	for rows.Next() {
		dst, err := scanValues(rows, len(sel))
		if err != nil {
			return nil, err
		}
		key := keyString(normKey(dst[0]))
		all = append(all, key)
		dbKey, reason := b.reasonOf(dst)
		res.Keys = append(res.Keys, KeyResult{Key: key, Reason: reason})
		if reason == "" {
			ks.eligible = append(ks.eligible, dbKey)
			ks.byDBKey[key] = len(res.Keys) - 1
		}
	}
	return all, rows.Err()
}

// holdOn returns the hold in force on a person, or nil.
func (s *Sweeper) holdOn(ctx context.Context, p Person) (*HoldInfo, error) {
	holds, err := s.Holds(ctx)
	if err != nil {
		return nil, err
	}
	for _, h := range holds {
		if h.Active && h.KeyString() == p.KeyString() {
			h.Table = p.Table
			return &h, nil
		}
	}
	return nil, nil
}
