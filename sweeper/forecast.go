package sweeper

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// MonthCount is the number of rows of a rule that become due in one
// calendar month.
type MonthCount struct {
	// Month is the first moment of the calendar month in the configured
	// timezone; for the first month of a forecast, the month of AsOf.
	Month time.Time
	Rows  int
}

// Key is the month as "2026-11".
func (m MonthCount) Key() string { return m.Month.Format("2006-01") }

// Forecast adds to every rule of the plan that could be planned the rows
// becoming due in each of the next months calendar months in the configured
// timezone: the first is the rest of AsOf's own month, from AsOf to the
// month's end; each month counts the rows whose age value falls between the
// cutoff at its start and the cutoff at its end. Rows due already are in
// Due, not here; rows excluded by `where` and rows already anonymised never
// count.
//
// Rules with a reminder are counted by age as well: a row is shown in the
// month its period runs out, although its deletion may wait up to the
// reminder's `before` longer when its reminder goes out late.
//
// A rule whose forecast fails gets the error in its Err; the failures come
// back as a *PartialError.
func (s *Sweeper) Forecast(ctx context.Context, p *Plan, months int) error {
	if months <= 0 {
		return nil
	}
	byName := map[string]*Rule{}
	for _, r := range s.Config.Rules {
		byName[r.Name] = r
	}
	var failed []RuleReport
	for i := range p.Rules {
		rp := &p.Rules[i]
		r := byName[rp.Name]
		if rp.Err != nil || r == nil {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		fc, err := s.forecastRule(ctx, r, p.AsOf, months)
		if err != nil {
			rp.Err = err
			failed = append(failed, RuleReport{Name: r.Name, Table: r.Table, Err: err})
			continue
		}
		rp.Forecast = fc
	}
	if len(failed) > 0 {
		return &PartialError{Failed: failed}
	}
	return nil
}

// ForecastMonths returns the month boundaries of a forecast: months+1
// moments, the first being asOf, then the first moment of each following
// calendar month in tz.
func ForecastMonths(asOf time.Time, tz *time.Location, months int) []time.Time {
	a := asOf.In(tz)
	out := []time.Time{a}
	for i := 1; i <= months; i++ {
		out = append(out, time.Date(a.Year(), a.Month()+time.Month(i), 1, 0, 0, 0, 0, tz))
	}
	return out
}

// forecastRule counts, in one pass over the rule's table, the rows that
// become due in each month: those not due at asOf (age value at or after
// today's cutoff) and due at the end of the last month, split by the
// cutoffs at the month ends.
func (s *Sweeper) forecastRule(ctx context.Context, r *Rule, asOf time.Time, months int) ([]MonthCount, error) {
	b, findings := bind(ctx, s.Store, r, s.Config.Sweeper.RedactText)
	if b == nil {
		return nil, findingsError(findings)
	}
	tz := s.Config.Sweeper.Timezone
	bounds := ForecastMonths(asOf, tz, months)
	now := b.cutoffFor(asOf, tz)
	cond, condArgs := b.dueCond(b.cutoffFor(bounds[months], tz), s.Config.Sweeper.RedactText)

	sums := make([]string, months)
	var args []any
	for i := range months {
		// Due by the end of month i: cumulative; the months are the differences.
		sums[i] = fmt.Sprintf("COUNT(CASE WHEN %s < ? THEN 1 END)", b.ageExpr)
		args = append(args, b.cutoffFor(bounds[i+1], tz).bound)
	}
	args = append(args, condArgs...)
	args = append(args, now.bound)
	q := fmt.Sprintf("SELECT %s FROM %s WHERE %s AND %s >= ?", strings.Join(sums, ", "), b.qTable, cond, b.ageExpr)
	rows, err := s.Store.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("forecast rows of %q: %w", r.Table, scrub(err))
	}
	defer rows.Close()
	cum := make([]int64, months)
	if rows.Next() {
		dst, err := scanValues(rows, months)
		if err != nil {
			return nil, fmt.Errorf("forecast rows of %q: %w", r.Table, err)
		}
		for i, v := range dst {
			n, err := toInt64(v)
			if err != nil {
				return nil, fmt.Errorf("forecast rows of %q: %w", r.Table, err)
			}
			cum[i] = n
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("forecast rows of %q: %w", r.Table, err)
	}
	out := make([]MonthCount, months)
	var prev int64
	for i := range months {
		start := bounds[i]
		out[i] = MonthCount{Month: time.Date(start.Year(), start.Month(), 1, 0, 0, 0, 0, tz), Rows: int(cum[i] - prev)}
		prev = cum[i]
	}
	return out, nil
}

// toInt64 reads a count as drivers return it: an integer, or a number as
// text.
func toInt64(v any) (int64, error) {
	switch t := v.(type) {
	case nil:
		return 0, nil
	case int64:
		return t, nil
	case int32:
		return int64(t), nil
	case int:
		return int64(t), nil
	case uint64:
		return int64(t), nil
	case float64:
		return int64(t), nil
	case []byte:
		return toInt64(string(t))
	case string:
		var n int64
		var frac string
		if i := strings.IndexByte(t, '.'); i >= 0 {
			t, frac = t[:i], t[i+1:]
		}
		if strings.Trim(frac, "0") != "" {
			return 0, fmt.Errorf("count %q is not a whole number", t+"."+frac)
		}
		if _, err := fmt.Sscan(t, &n); err != nil {
			return 0, fmt.Errorf("count %q: %w", t, err)
		}
		return n, nil
	}
	return 0, fmt.Errorf("count of type %T", v)
}
