package sweeper

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"
)

// PlanOptions select the rules and the moment of a plan.
type PlanOptions struct {
	Rules []string  // names; empty means every enabled rule
	AsOf  time.Time // zero means Now
}

// Plan is the dry-run report: what a sweep at AsOf would do. It is a plain
// value; rendering it is the command line's job.
type Plan struct {
	AsOf  time.Time
	Rules []RulePlan
	// Overlaps are the rules whose due rows intersect: their counts are
	// each rule's alone, not the sweep's.
	Overlaps []Overlap
}

// RulePlan is the plan for one rule.
type RulePlan struct {
	Name        string
	Description string
	Basis       string
	Table       string
	Action      Action
	OlderThan   Period
	Cutoff      time.Time
	// Due is the number of rows a sweep at AsOf would delete or anonymise now.
	Due int
	// Reminders is the number of reminders a sweep would send now.
	Reminders int
	// AwaitingReminder counts rows due by age but held back by the reminder rule.
	AwaitingReminder int
	// Upcoming30d counts rows that become due in the 30 days after AsOf.
	Upcoming30d int
	// Held counts the rows due by age that a hold on their person keeps
	// (not in Due); 0 when nothing is held.
	Held int
	// Oldest is the oldest age value among the due rows, nil when none is due.
	Oldest  *time.Time
	Related []RelatedCount
	// SQL is the statement that selects the due rows, with its bound values.
	SQL  string
	Args []any
	// Forecast is the rows becoming due per calendar month after AsOf; set
	// by Sweeper.Forecast, nil otherwise.
	Forecast []MonthCount
	Err      error
	// both counts, for each rule of the plan's overlap pairs this rule's
	// count hosts (overlapPair), the rows due under this rule and that one.
	both []int
}

// Plan counts what a sweep at opt.AsOf would do, without writing anything:
// it works with a read-only database user.
// planParallel is how many rules a plan counts at once.
const planParallel = 4

func (s *Sweeper) Plan(ctx context.Context, opt PlanOptions) (*Plan, error) {
	rules, err := s.selectRules(opt.Rules)
	if err != nil {
		return nil, err
	}
	tz := s.Config.Sweeper.Timezone
	asOf := s.clock(opt.AsOf)().In(tz)
	p := &Plan{AsOf: asOf, Rules: make([]RulePlan, len(rules))}
	// Each rule's counts are a scan of its own; a few run at once, so that
	// the plan takes about as long as its slowest rule, without loading
	// the shop's database with one scan per rule.
	sem := make(chan struct{}, planParallel)
	// slots bounds the counting statements of all rules together, since
	// one rule's count may be split into several.
	slots := make(chan struct{}, planParallel)
	holds := s.planHolds(ctx)
	pairs, hosted := overlapPairs(rules)
	var wg sync.WaitGroup
	for i, r := range rules {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			p.Rules[i] = s.planRule(ctx, r, asOf, slots, holds, hosted[i])
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return p, err
	}
	p.Overlaps = s.overlaps(ctx, rules, pairs, p.Rules, asOf, holds)
	var failed []RuleReport
	for i, rp := range p.Rules {
		if rp.Err != nil {
			failed = append(failed, RuleReport{Name: rules[i].Name, Table: rules[i].Table, Err: rp.Err})
		}
	}
	if len(failed) > 0 {
		return p, &PartialError{Failed: failed}
	}
	return p, nil
}

func (s *Sweeper) planRule(ctx context.Context, r *Rule, asOf time.Time, slots chan struct{}, holds planHolds, also []*Rule) RulePlan {
	rp := RulePlan{Name: r.Name, Description: r.Description, Basis: r.Basis, Table: r.Table,
		Action: r.Action, OlderThan: r.OlderThan}
	b, findings := bind(ctx, s.Store, r, s.Config.Sweeper.RedactText)
	if b == nil {
		rp.Err = findingsError(findings)
		return rp
	}
	tz := s.Config.Sweeper.Timezone
	cut := b.cutoffFor(asOf, tz)
	rp.Cutoff = cut.at
	if rp.Held, rp.Err = s.keepHeld(ctx, b, cut, holds); rp.Err != nil {
		return rp
	}
	cond, args := b.dueCond(cut, s.Config.Sweeper.RedactText)
	rp.SQL = fmt.Sprintf("SELECT %s.%s FROM %s WHERE %s ORDER BY %s.%s", b.qTable, b.qKey, b.qTable, cond, b.qTable, b.qKey)
	rp.Args = args

	if b.Reminder != nil {
		c, err := s.countReminders(ctx, b, asOf)
		if err != nil {
			rp.Err = err
			return rp
		}
		rp.Due, rp.Reminders, rp.AwaitingReminder, rp.Oldest = c.due, c.reminders, c.awaiting, c.oldest
		if rp.Related, err = s.relatedOfKeys(ctx, b, c.dueKeys); err != nil {
			rp.Err = err
			return rp
		}
		rp.Upcoming30d, rp.Err = s.upcoming(ctx, b, asOf, cut)
		return rp
	}
	// A rule of an overlap that does not bind fails its own plan; this
	// rule's count goes on without it.
	alsoConds, err := s.dueConds(ctx, also, asOf, holds)
	if err != nil {
		alsoConds = nil
	}
	c, err := s.countDue(ctx, b, cond, args, slots, alsoConds)
	if err != nil {
		rp.Err = err
		return rp
	}
	rp.Due, rp.Oldest, rp.both = c.due, c.oldest, c.both

	rp.Upcoming30d, err = s.upcoming(ctx, b, asOf, cut)
	if err != nil {
		rp.Err = err
		return rp
	}

	rp.Related, rp.Err = s.relatedCounts(ctx, b, cond, args)
	return rp
}

// upcoming counts the rows becoming due within 30 days: older than the
// cutoff 30 days on, not older than today's; `where` and the anonymised
// check still apply.
func (s *Sweeper) upcoming(ctx context.Context, b *boundRule, asOf time.Time, cut cutoffs) (int, error) {
	later := b.cutoffFor(asOf.AddDate(0, 0, 30), s.Config.Sweeper.Timezone)
	cond, args := b.dueCond(later, s.Config.Sweeper.RedactText)
	q := fmt.Sprintf("SELECT COUNT(*) FROM %s WHERE %s AND %s >= ?", b.qTable, cond, b.ageExpr)
	n, err := queryCount(ctx, s.Store, q, append(args, cut.bound)...)
	if err != nil {
		return 0, fmt.Errorf("count upcoming rows of %q: %w", b.Table, scrub(err))
	}
	return n, nil
}

// planSplitMinSpan is the smallest span of integer keys whose due rows a
// plan counts in parts; below it one statement is quick anyway.
const planSplitMinSpan = 50000

// countDue counts the due rows and finds the oldest age value among them.
// When no index covers the due condition (an anonymise rule's "column is
// not yet empty" test, a where clause), that count reads the table's rows,
// and MariaDB and MySQL give one statement one core. So there, for an
// integer key spanning at least planSplitMinSpan values, the key range is
// cut into planParallel parts, counted at once and added up. (A count an
// index covers stays one statement: every part would walk the whole index
// range again.) The first part has no lower bound and the last no upper
// one, so the parts cover every key, a row inserted meanwhile included;
// each part is its own moment, as any count of a live shop's table is.
func (s *Sweeper) countDue(ctx context.Context, b *boundRule, cond string, args []any, slots chan struct{}, also []sqlCond) (dueCount, error) {
	// Each of also is counted in the same scan: the rows due under the
	// rule that also meet it.
	var head strings.Builder
	var headArgs []any
	fmt.Fprintf(&head, "SELECT COUNT(*), MIN(%s)", b.ageExpr)
	for _, a := range also {
		fmt.Fprintf(&head, ", COALESCE(SUM(CASE WHEN (%s) THEN 1 ELSE 0 END), 0)", a.cond)
		headArgs = append(headArgs, a.args...)
	}
	count := func(cond string, args []any) (dueCount, error) {
		slots <- struct{}{}
		defer func() { <-slots }()
		var n int64
		var raw any
		both := make([]int64, len(also))
		dest := []any{&n, &raw}
		for i := range both {
			dest = append(dest, &both[i])
		}
		q := fmt.Sprintf("%s FROM %s WHERE %s", head.String(), b.qTable, cond)
		if err := queryRow(ctx, s.Store, q, append(slices.Clone(headArgs), args...), dest...); err != nil {
			return dueCount{}, fmt.Errorf("count due rows of %q: %w", b.Table, scrub(err))
		}
		c := dueCount{due: int(n), both: make([]int, len(both))}
		for i, v := range both {
			c.both[i] = int(v)
		}
		if t, ok := parseStoredTime(raw, b.AgeTimezone, b.ageKind == TimeInstant); ok {
			t = t.In(s.Config.Sweeper.Timezone)
			c.oldest = &t
		}
		return c, nil
	}
	parts, partArgs := s.countParts(ctx, b, cond, args)
	results := make([]dueCount, len(parts))
	errs := make([]error, len(parts))
	var wg sync.WaitGroup
	for i := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = count(parts[i], partArgs[i])
		}()
	}
	wg.Wait()
	total := dueCount{both: make([]int, len(also))}
	for i, r := range results {
		if errs[i] != nil {
			return dueCount{}, errs[i]
		}
		total.due += r.due
		for j, n := range r.both {
			total.both[j] += n
		}
		if r.oldest != nil && (total.oldest == nil || r.oldest.Before(*total.oldest)) {
			total.oldest = r.oldest
		}
	}
	return total, nil
}

// dueCount is what countDue found: the due rows, the oldest age among
// them, and for each condition it was given, how many of them meet it.
type dueCount struct {
	due    int
	oldest *time.Time
	both   []int
}

// sqlCond is a condition with its bound values.
type sqlCond struct {
	cond string
	args []any
}

// countParts is the due condition, or, where splitRange finds it worth
// it, the conditions of planParallel parts of the key range that together
// cover every key: the first part has no lower bound and the last no upper
// one, a row inserted meanwhile included.
func (s *Sweeper) countParts(ctx context.Context, b *boundRule, cond string, args []any) ([]string, [][]any) {
	lo, hi, ok := s.splitRange(ctx, b, cond, args)
	if !ok {
		return []string{cond}, [][]any{args}
	}
	var parts []string
	var partArgs [][]any
	span := hi - lo
	var prev int64
	for i := 1; i <= planParallel; i++ {
		k := cond
		a := slices.Clone(args)
		at := lo + span/planParallel*int64(i)
		if i > 1 {
			k += fmt.Sprintf(" AND %s.%s >= ?", b.qTable, b.qKey)
			a = append(a, prev)
		}
		if i < planParallel {
			k += fmt.Sprintf(" AND %s.%s < ?", b.qTable, b.qKey)
			a = append(a, at)
		}
		parts, partArgs, prev = append(parts, k), append(partArgs, a), at
	}
	s.logger().Debug("plan counts in key ranges", zap.String("event", "plan.split"), zap.String("rule", b.Name),
		zap.Int("parts", len(parts)), zap.Int64("key_from", lo), zap.Int64("key_to", hi))
	return parts, partArgs
}

// splitRange reports whether the due count is worth splitting into key
// ranges, and the key range to split: for an integer key spanning at least
// planSplitMinSpan values, when the dialect says the count is quicker in
// parts (on MariaDB and MySQL: when the server's plan for it reads the
// table's rows rather than an index alone). Whatever this cannot find out
// (an unsigned key beyond int64; an empty table) leaves the count whole,
// which is always right, only slower.
func (s *Sweeper) splitRange(ctx context.Context, b *boundRule, cond string, args []any) (lo, hi int64, ok bool) {
	if !b.integerKey() {
		return 0, 0, false
	}
	count := fmt.Sprintf("SELECT COUNT(*), MIN(%s) FROM %s WHERE %s", b.ageExpr, b.qTable, cond)
	if !b.sql.SplitCount(ctx, s.Store, count, args) {
		return 0, 0, false
	}
	var loText, hiText sql.NullString
	if err := queryRow(ctx, s.Store, fmt.Sprintf("SELECT MIN(%s), MAX(%s) FROM %s", b.qKey, b.qKey, b.qTable), nil, &loText, &hiText); err != nil {
		return 0, 0, false
	}
	lo, errLo := strconv.ParseInt(loText.String, 10, 64)
	hi, errHi := strconv.ParseInt(hiText.String, 10, 64)
	// A span beyond int64 (lo far below zero, hi far above) wraps negative
	// and stays whole too.
	if errLo != nil || errHi != nil || hi-lo < planSplitMinSpan {
		return 0, 0, false
	}
	return lo, hi, true
}
