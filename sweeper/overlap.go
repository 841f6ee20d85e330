package sweeper

import (
	"context"
	"fmt"
	"time"
)

// Overlap is two rules of a plan on one table whose due rows intersect. A
// sweep runs the rules in config order, so its counts differ from the
// plan's, which counts each rule as if it ran alone: when the first deletes,
// the second finds those rows gone; when the first anonymises and the
// second deletes, both act on them.
type Overlap struct {
	Table string
	// First and Second are the rules in config order, with their actions.
	First, Second             string
	FirstAction, SecondAction Action
	// Rows is the number of rows due under both rules' conditions. For a
	// rule with a reminder that is due by age: some may still wait for
	// their reminder, so it is at most that (AtMost).
	Rows   int
	AtMost bool
	// Err is set when the intersection could not be counted; the rules
	// share the table all the same.
	Err error
}

// overlaps finds, among the planned rules, the pairs on one table where at
// least one deletes, and counts the rows due under both. Pairs that share
// no due row are left out; pairs that could not be counted are kept with
// their error.
func (s *Sweeper) overlaps(ctx context.Context, rules []*Rule, plans []RulePlan, asOf time.Time) []Overlap {
	var out []Overlap
	for i := range rules {
		for j := i + 1; j < len(rules); j++ {
			a, b := rules[i], rules[j]
			if a.Table != b.Table || (a.Action != ActionDelete && b.Action != ActionDelete) {
				continue
			}
			if plans[i].Err != nil || plans[j].Err != nil {
				continue
			}
			o := Overlap{Table: a.Table, First: a.Name, Second: b.Name, FirstAction: a.Action, SecondAction: b.Action,
				AtMost: a.Reminder != nil || b.Reminder != nil}
			o.Rows, o.Err = s.countBoth(ctx, a, b, asOf)
			if o.Rows > 0 || o.Err != nil {
				out = append(out, o)
			}
		}
	}
	return out
}

// countBoth counts the rows of one table due under two rules' conditions.
func (s *Sweeper) countBoth(ctx context.Context, a, b *Rule, asOf time.Time) (int, error) {
	redact, tz := s.Config.Sweeper.RedactText, s.Config.Sweeper.Timezone
	ba, fa := bind(ctx, s.Store, a, redact)
	if ba == nil {
		return 0, findingsError(fa)
	}
	bb, fb := bind(ctx, s.Store, b, redact)
	if bb == nil {
		return 0, findingsError(fb)
	}
	ca, argsA := ba.dueCond(ba.cutoffFor(asOf, tz), redact)
	cb, argsB := bb.dueCond(bb.cutoffFor(asOf, tz), redact)
	q := fmt.Sprintf("SELECT COUNT(*) FROM %s WHERE (%s) AND (%s)", ba.qTable, ca, cb)
	n, err := queryCount(ctx, s.Store, q, append(argsA, argsB...)...)
	if err != nil {
		return 0, fmt.Errorf("count the rows due under both %q and %q: %w", a.Name, b.Name, scrub(err))
	}
	return n, nil
}
