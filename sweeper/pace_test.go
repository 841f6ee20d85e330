package sweeper

import (
	"testing"
	"time"
)

func TestNextBatchSize(t *testing.T) {
	ms := time.Millisecond
	for _, c := range []struct {
		name         string
		size, n      int
		took, target time.Duration
		want         int
	}{
		{"Off", 1000, 1000, 200 * ms, 0, 1000},
		{"OnTarget", 1000, 1000, 50 * ms, 50 * ms, 1000},
		{"FastGrowsAtMostTwice", 1000, 1000, 5 * ms, 50 * ms, 2000},
		{"SomewhatFastGrowsToThePace", 1000, 1000, 40 * ms, 50 * ms, 1250},
		{"SlowShrinksAtMostHalf", 1000, 1000, 500 * ms, 50 * ms, 500},
		{"SomewhatSlowShrinksToThePace", 1000, 1000, 80 * ms, 50 * ms, 625},
		{"NeverAboveTheBoundParameterLimit", 8000, 8000, 1 * ms, 50 * ms, maxBatchSize},
		{"NeverBelowOne", 1, 1, time.Second, time.Nanosecond, 1},
		{"ShortBatchPacesItsOwnRows", 1000, 100, 10 * ms, 50 * ms, 500},
		{"NoRowsKeepsTheSize", 1000, 0, 10 * ms, 50 * ms, 1000},
		{"NoMeasurableTimeGrows", 1000, 1000, 0, 50 * ms, 2000},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := nextBatchSize(c.size, c.n, c.took, c.target); got != c.want {
				t.Errorf("nextBatchSize(%d, %d, %v, %v) = %d, want %d", c.size, c.n, c.took, c.target, got, c.want)
			}
		})
	}
}
