package sweeper

import (
	"context"
	"fmt"
	"sync"
	"time"
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
	var wg sync.WaitGroup
	for i, r := range rules {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			p.Rules[i] = s.planRule(ctx, r, asOf)
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return p, err
	}
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

func (s *Sweeper) planRule(ctx context.Context, r *Rule, asOf time.Time) RulePlan {
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
	cond, args := b.dueCond(cut, s.Config.Sweeper.RedactText)
	rp.SQL = fmt.Sprintf("SELECT %s.%s FROM %s WHERE %s ORDER BY %s.%s", b.qTable, b.qKey, b.qTable, cond, b.qTable, b.qKey)
	rp.Args = args

	db := s.Store.DB().WithContext(ctx)
	if b.Reminder != nil {
		c, err := s.countReminders(ctx, b, asOf)
		if err != nil {
			rp.Err = err
			return rp
		}
		rp.Due, rp.Reminders, rp.AwaitingReminder, rp.Oldest = c.due, c.reminders, c.awaiting, c.oldest
		for _, rel := range b.related {
			n, err := s.relatedOfKeys(ctx, rel, c.dueKeys)
			if err != nil {
				rp.Err = err
				return rp
			}
			rp.Related = append(rp.Related, RelatedCount{Table: rel.Table, Action: rel.Action, Rows: n})
		}
		rp.Upcoming30d, rp.Err = s.upcoming(ctx, b, asOf, cut)
		return rp
	}
	var row struct {
		N      int64
		Oldest any
	}
	q := fmt.Sprintf("SELECT COUNT(*) AS n, MIN(%s) AS oldest FROM %s WHERE %s", b.ageExpr, b.qTable, cond)
	rows, err := db.Raw(q, args...).Rows()
	if err != nil {
		rp.Err = fmt.Errorf("count due rows of %q: %w", r.Table, scrub(err))
		return rp
	}
	for rows.Next() {
		if err := rows.Scan(&row.N, &row.Oldest); err != nil {
			rows.Close()
			rp.Err = fmt.Errorf("count due rows of %q: %w", r.Table, err)
			return rp
		}
	}
	rows.Close()
	rp.Due = int(row.N)
	if t, ok := parseStoredTime(row.Oldest, r.AgeTimezone, b.ageKind == ageInstant); ok {
		t = t.In(tz)
		rp.Oldest = &t
	}

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
	var n int64
	q := fmt.Sprintf("SELECT COUNT(*) FROM %s WHERE %s AND %s >= ?", b.qTable, cond, b.ageExpr)
	if err := s.Store.DB().WithContext(ctx).Raw(q, append(args, cut.bound)...).Scan(&n).Error; err != nil {
		return 0, fmt.Errorf("count upcoming rows of %q: %w", b.Table, scrub(err))
	}
	return int(n), nil
}
