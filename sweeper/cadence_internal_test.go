package sweeper

import (
	"testing"
	"time"

	"github.com/robfig/cron/v3"
)

// The period an alert allows a rule is the longest gap its schedule
// leaves, not the next one: a weekday rule is not overdue on Monday.
func TestSchedulePeriod(t *testing.T) {
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	wed := time.Date(2026, 6, 10, 12, 0, 0, 0, ams) // a Wednesday, far from a clock change
	for _, tc := range []struct {
		spec string
		from time.Time
		want time.Duration
	}{
		{"30 3 * * *", wed, 24 * time.Hour},
		{"30 3 * * 1-5", wed, 72 * time.Hour}, // Friday to Monday
		{"*/15 * * * *", wed, 15 * time.Minute},
		{"* * * * 1-5", wed.AddDate(0, 0, -2), 48*time.Hour + time.Minute}, // from Monday: the weekend is days ahead
		// October to November: 31 days and the hour the clocks go back.
		{"0 3 1 * *", wed, 31*24*time.Hour + time.Hour},
		{"@every 1s", wed, time.Second},
		{"@weekly", wed, 7 * 24 * time.Hour},
		// The night the clocks go back is 25 hours long.
		{"30 3 * * *", time.Date(2026, 10, 20, 12, 0, 0, 0, ams), 25 * time.Hour},
	} {
		s, err := cron.ParseStandard(tc.spec)
		if err != nil {
			t.Fatal(err)
		}
		if got := schedulePeriod(s, tc.from); got != tc.want {
			t.Errorf("schedulePeriod(%q) from %s: got %s, want %s", tc.spec, tc.from.Format("Mon 2006-01-02"), got, tc.want)
		}
	}
}
