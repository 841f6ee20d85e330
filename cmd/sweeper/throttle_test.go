package main

import (
	"strings"
	"testing"
	"time"

	"github.com/sweeperd/sweeper/sweeper"
)

// TestOutput_Throttled: sweep's report says how long the pace held a rule
// back, by reason, under the rule; a rule it did not hold gets no line.
func TestOutput_Throttled(t *testing.T) {
	var b strings.Builder
	writeReport(&b, &sweeper.Report{AsOf: repDemoAsOf, Rules: []sweeper.RuleReport{
		{Name: "order-7y", Table: "orders", Action: sweeper.ActionDelete, Rows: 10,
			Throttled: map[string]time.Duration{sweeper.ThrottleMaxLoad: 3 * time.Second, sweeper.ThrottlePace: 250 * time.Millisecond}},
		{Name: "account-5y", Table: "customers", Action: sweeper.ActionDelete, Rows: 1},
	}})
	out := b.String()
	if want := "  throttled: 3.25s (pace 250ms, max_load 3s)\n"; !strings.Contains(out, want) {
		t.Errorf("report lacks %q:\n%s", want, out)
	}
	if n := strings.Count(out, "throttled:"); n != 1 {
		t.Errorf("got %d throttled lines, want 1 (none for a rule not held back):\n%s", n, out)
	}
}
