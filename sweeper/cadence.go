package sweeper

import (
	"time"

	"github.com/robfig/cron/v3"
)

// schedulePeriod is the longest time between two consecutive runs of a
// cron schedule from `from` on: how long a rule may go without a run when
// nothing is wrong. It looks ahead far enough to see a weekend and a
// month's end, so that a rule on weekdays ("30 3 * * 1-5", three days from
// Friday to Monday) or on the first of the month is not overdue in
// between; 0 when the schedule never fires.
func schedulePeriod(s cron.Schedule, from time.Time) time.Duration {
	const (
		horizon = 35 * 24 * time.Hour // a month and a weekend
		minGaps = 12                  // a year of a monthly schedule
		// A schedule that fires every second or minute is not followed for
		// a month: this many gaps still cover a weekend of a minutely one.
		maxGaps = 20000
	)
	prev := s.Next(from)
	if prev.IsZero() {
		return 0
	}
	var longest time.Duration
	for n := 1; n <= maxGaps; n++ {
		next := s.Next(prev)
		if next.IsZero() {
			break
		}
		longest = max(longest, next.Sub(prev))
		prev = next
		if n >= minGaps && prev.Sub(from) > horizon {
			break
		}
	}
	return longest
}
