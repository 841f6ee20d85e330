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

// overlapPair is two rules of a plan on one table where at least one
// deletes, first before second in config order. Its count is taken in the
// scan that counts one of them (host, the other being guest), as a second
// sum over the same rows, so that a plan does not read a large table once
// more per pair; a rule counted with its reminder has no such scan, and a
// pair of two such rules is counted on its own (host -1).
type overlapPair struct {
	first, second int
	host, guest   int
	slot          int // the guest's place among its host's
}

// overlapPairs finds the pairs of rules whose overlap a plan counts, and
// for each rule the rules whose overlap with it its own count takes.
func overlapPairs(rules []*Rule) ([]overlapPair, [][]*Rule) {
	var pairs []overlapPair
	hosted := make([][]*Rule, len(rules))
	for i := range rules {
		for j := i + 1; j < len(rules); j++ {
			a, b := rules[i], rules[j]
			if a.Table != b.Table || (a.Action != ActionDelete && b.Action != ActionDelete) {
				continue
			}
			p := overlapPair{first: i, second: j, host: -1}
			switch {
			case b.Reminder == nil:
				p.host, p.guest = j, i
			case a.Reminder == nil:
				p.host, p.guest = i, j
			}
			if p.host >= 0 {
				p.slot = len(hosted[p.host])
				hosted[p.host] = append(hosted[p.host], rules[p.guest])
			}
			pairs = append(pairs, p)
		}
	}
	return pairs, hosted
}

// dueConds binds rules and gives the condition of each one's due rows at
// asOf, for a count that takes them along.
func (s *Sweeper) dueConds(ctx context.Context, rules []*Rule, asOf time.Time, holds planHolds) ([]sqlCond, error) {
	redact, tz := s.Config.Sweeper.RedactText, s.Config.Sweeper.Timezone
	out := make([]sqlCond, len(rules))
	for i, r := range rules {
		b, findings := bind(ctx, s.Store, r, redact)
		if b == nil {
			return nil, fmt.Errorf("rule %q, counted for the rules that overlap: %w", r.Name, findingsError(findings))
		}
		// Rows a hold keeps are due under neither rule.
		holds.keep(s, b)
		out[i].cond, out[i].args = b.dueCond(b.cutoffFor(asOf, tz), redact)
	}
	return out, nil
}

// overlaps lists the pairs of rules whose due rows intersect, with the
// count each pair's host took, or counted now. Pairs that share no due row
// are left out; pairs that could not be counted are kept with their error.
func (s *Sweeper) overlaps(ctx context.Context, rules []*Rule, pairs []overlapPair, plans []RulePlan, asOf time.Time, holds planHolds) []Overlap {
	var out []Overlap
	for _, p := range pairs {
		a, b := rules[p.first], rules[p.second]
		if plans[p.first].Err != nil || plans[p.second].Err != nil {
			continue
		}
		o := Overlap{Table: a.Table, First: a.Name, Second: b.Name, FirstAction: a.Action, SecondAction: b.Action,
			AtMost: a.Reminder != nil || b.Reminder != nil}
		if p.host >= 0 && p.slot < len(plans[p.host].both) {
			o.Rows = plans[p.host].both[p.slot]
		} else {
			o.Rows, o.Err = s.countBoth(ctx, a, b, asOf, holds)
		}
		if o.Rows > 0 || o.Err != nil {
			out = append(out, o)
		}
	}
	return out
}

// countBoth counts the rows of one table due under two rules' conditions.
func (s *Sweeper) countBoth(ctx context.Context, a, b *Rule, asOf time.Time, holds planHolds) (int, error) {
	redact, tz := s.Config.Sweeper.RedactText, s.Config.Sweeper.Timezone
	ba, fa := bind(ctx, s.Store, a, redact)
	if ba == nil {
		return 0, findingsError(fa)
	}
	bb, fb := bind(ctx, s.Store, b, redact)
	if bb == nil {
		return 0, findingsError(fb)
	}
	holds.keep(s, ba)
	holds.keep(s, bb)
	ca, argsA := ba.dueCond(ba.cutoffFor(asOf, tz), redact)
	cb, argsB := bb.dueCond(bb.cutoffFor(asOf, tz), redact)
	q := fmt.Sprintf("SELECT COUNT(*) FROM %s WHERE (%s) AND (%s)", ba.qTable, ca, cb)
	n, err := queryCount(ctx, s.Store, q, append(argsA, argsB...)...)
	if err != nil {
		return 0, fmt.Errorf("count the rows due under both %q and %q: %w", a.Name, b.Name, scrub(err))
	}
	return n, nil
}
