package sweeper

import (
	"fmt"
	"testing"
	"time"
)

// The cutoff is where "never early" (docs/contract.md §3.1, §3.2) is decided: a stored
// value is due when it sorts before the bound cutoffFor writes, so every
// value that sorts before it must denote an instant before the exact cutoff.

var cutoffAmsterdam = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		panic(err)
	}
	return loc
}()

const wallLayout = "2006-01-02 15:04:05"

func cutoffRule(p Period, kind TimeKind, ageTZ *time.Location) *boundRule {
	return &boundRule{Rule: &Rule{Name: "r", OlderThan: p, AgeTimezone: ageTZ}, ageKind: kind}
}

// exactCutoff is the oracle: as_of minus the period by calendar arithmetic
// in tz, computed without Period: the wall clock of as_of in tz with the
// months taken off (the day clamped to the end of the month), then the days.
// An ambiguous or missing wall time is resolved the way time.Date does.
func exactCutoff(asOf time.Time, tz *time.Location, p Period) time.Time {
	w := asOf.In(tz)
	y, m, d := w.Date()
	total := y*12 + int(m) - 1 - p.Years*12 - p.Months
	y, m = total/12, time.Month(total%12+1)
	if last := time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day(); d > last {
		d = last
	}
	return time.Date(y, m, d-p.Days, w.Hour(), w.Minute(), w.Second(), w.Nanosecond(), tz)
}

// denotes returns every instant the zone-less wall clock w (its digits read
// in UTC) can mean in loc: one, two when the clocks went back, and for a
// wall time the clocks skipped, both readings, since a shop may still have
// written one.
func denotes(w time.Time, loc *time.Location) []time.Time {
	var exact, all []time.Time
	for _, off := range zoneOffsets(loc) {
		u := w.Add(-time.Duration(off) * time.Second)
		all = append(all, u)
		if u.In(loc).Format(wallLayout) == w.Format(wallLayout) {
			exact = append(exact, u)
		}
	}
	if len(exact) == 0 {
		return all
	}
	return exact
}

var offsetCache = map[*time.Location][]int{}

// zoneOffsets lists the UTC offsets loc used in 2025-2028.
func zoneOffsets(loc *time.Location) []int {
	if o, ok := offsetCache[loc]; ok {
		return o
	}
	seen := map[int]bool{}
	var out []int
	for d := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() < 2029; d = d.Add(6 * time.Hour) {
		if _, off := d.In(loc).Zone(); !seen[off] {
			seen[off] = true
			out = append(out, off)
		}
	}
	offsetCache[loc] = out
	return out
}

func mustParseWall(t *testing.T, s string) time.Time {
	t.Helper()
	w, err := time.ParseInLocation(wallLayout, s, time.UTC)
	if err != nil {
		t.Fatalf("parse bound %q: %v", s, err)
	}
	return w
}

func TestBoundRule_Cutoff(t *testing.T) {
	ams := cutoffAmsterdam

	t.Run("CalendarArithmetic", func(t *testing.T) {
		for _, tc := range []struct {
			name  string
			asOf  time.Time
			p     Period
			want  time.Time
			bound string
		}{
			{"31MarchMinusOneMonthIs28February", time.Date(2026, 3, 31, 0, 0, 0, 0, ams), Period{Months: 1},
				time.Date(2026, 2, 28, 0, 0, 0, 0, ams), "2026-02-28 00:00:00"},
			{"31MarchMinusOneMonthIs29FebruaryInALeapYear", time.Date(2024, 3, 31, 12, 0, 0, 0, ams), Period{Months: 1},
				time.Date(2024, 2, 29, 12, 0, 0, 0, ams), "2024-02-29 12:00:00"},
			{"29FebruaryMinusOneYearIs28February", time.Date(2024, 2, 29, 8, 15, 0, 0, ams), Period{Years: 1},
				time.Date(2023, 2, 28, 8, 15, 0, 0, ams), "2023-02-28 08:15:00"},
			{"SixMonthsAcrossSummerTimeKeepsTheWallClock", time.Date(2026, 11, 22, 0, 0, 0, 0, ams), Period{Months: 6},
				time.Date(2026, 5, 22, 0, 0, 0, 0, ams), "2026-05-22 00:00:00"},
			{"31MayMinusThreeMonthsIs28February", time.Date(2026, 5, 31, 23, 59, 59, 0, ams), Period{Months: 3},
				time.Date(2026, 2, 28, 23, 59, 59, 0, ams), "2026-02-28 23:59:59"},
			{"OneYearSixMonthsTenDays", time.Date(2026, 1, 15, 10, 0, 0, 0, ams), Period{Years: 1, Months: 6, Days: 10},
				time.Date(2024, 7, 5, 10, 0, 0, 0, ams), "2024-07-05 10:00:00"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				c := cutoffRule(tc.p, TimeWall, ams).cutoffFor(tc.asOf, ams)
				if !c.at.Equal(tc.want) {
					t.Errorf("cutoff: got %v, want %v", c.at, tc.want)
				}
				if c.at.Location() != ams {
					t.Errorf("cutoff location: got %v, want %v", c.at.Location(), ams)
				}
				if c.bound != tc.bound {
					t.Errorf("bound: got %q, want %q", c.bound, tc.bound)
				}
			})
		}
	})

	t.Run("ArithmeticIsInTheConfiguredTimezone", func(t *testing.T) {
		// 00:30 on 31 March in Amsterdam is still 30 March in UTC: a month
		// before is 28 February 00:30 in Amsterdam, not 28 February 22:30 UTC.
		asOf := time.Date(2026, 3, 31, 0, 30, 0, 0, ams)
		c := cutoffRule(Period{Months: 1}, TimeWall, time.UTC).cutoffFor(asOf, ams)
		if want := time.Date(2026, 2, 28, 0, 30, 0, 0, ams); !c.at.Equal(want) {
			t.Errorf("cutoff: got %v, want %v", c.at, want)
		}
		if want := "2026-02-27 23:30:00"; c.bound != want {
			t.Errorf("bound: got %q, want %q", c.bound, want)
		}
	})

	t.Run("AgeTimezoneWritesTheBoundInItsWallClock", func(t *testing.T) {
		asOf := time.Date(2026, 11, 22, 0, 0, 0, 0, ams)
		for _, tc := range []struct {
			ageTZ *time.Location
			want  string
		}{
			{ams, "2026-05-22 00:00:00"},
			{time.UTC, "2026-05-21 22:00:00"},
			{time.FixedZone("UTC-5", -5*3600), "2026-05-21 17:00:00"},
		} {
			c := cutoffRule(Period{Months: 6}, TimeWall, tc.ageTZ).cutoffFor(asOf, ams)
			if c.bound != tc.want {
				t.Errorf("age_timezone %v: bound got %q, want %q", tc.ageTZ, c.bound, tc.want)
			}
		}
	})

	t.Run("InstantBoundIsUTC", func(t *testing.T) {
		asOf := time.Date(2026, 11, 22, 0, 0, 0, 0, ams)
		// age_timezone does not matter for an instant: it carries its own zone.
		for _, ageTZ := range []*time.Location{ams, time.UTC} {
			c := cutoffRule(Period{Months: 6}, TimeInstant, ageTZ).cutoffFor(asOf, ams)
			if want := "2026-05-21 22:00:00"; c.bound != want {
				t.Errorf("age_timezone %v: bound got %q, want %q", ageTZ, c.bound, want)
			}
		}
		// Winter: one hour.
		c := cutoffRule(Period{Months: 1}, TimeInstant, ams).cutoffFor(time.Date(2027, 2, 15, 9, 0, 0, 0, ams), ams)
		if want := "2027-01-15 08:00:00"; c.bound != want {
			t.Errorf("winter bound: got %q, want %q", c.bound, want)
		}
	})

	t.Run("FractionsOfASecondRoundTowardsOlder", func(t *testing.T) {
		asOf := time.Date(2026, 11, 22, 0, 0, 0, 999_000_000, ams)
		for _, k := range []TimeKind{TimeWall, TimeInstant} {
			c := cutoffRule(Period{Months: 6}, k, ams).cutoffFor(asOf, ams)
			w := mustParseWall(t, c.bound)
			if k == TimeWall {
				w = time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), 0, ams)
			}
			if w.After(c.at) {
				t.Errorf("%v: bound %q is after the cutoff %v", k, c.bound, c.at)
			}
			if c.at.Sub(w) >= time.Second {
				t.Errorf("%v: bound %q is a second or more before the cutoff %v: got %v, want < 1s", k, c.bound, c.at, c.at.Sub(w))
			}
		}
	})

	t.Run("DateCountsAsItsLastMoment", func(t *testing.T) {
		// cutoff 2026-05-22 00:00: 21 May has ended by then, 22 May has not.
		c := cutoffRule(Period{Months: 6}, TimeDate, ams).cutoffFor(time.Date(2026, 11, 22, 0, 0, 0, 0, ams), ams)
		if want := "2026-05-22"; c.bound != want {
			t.Errorf("bound at midnight: got %q, want %q", c.bound, want)
		}
		// cutoff 2026-05-22 15:00: 22 May has not ended yet.
		c = cutoffRule(Period{Months: 6}, TimeDate, ams).cutoffFor(time.Date(2026, 11, 22, 15, 0, 0, 0, ams), ams)
		if want := "2026-05-22"; c.bound != want {
			t.Errorf("bound in the afternoon: got %q, want %q", c.bound, want)
		}
		// A date in UTC: cutoff 2026-05-22 00:00 CEST is 21 May 22:00 UTC,
		// so 21 May (UTC) has not ended yet.
		c = cutoffRule(Period{Months: 6}, TimeDate, time.UTC).cutoffFor(time.Date(2026, 11, 22, 0, 0, 0, 0, ams), ams)
		if want := "2026-05-21"; c.bound != want {
			t.Errorf("bound of a UTC date: got %q, want %q", c.bound, want)
		}
	})

	t.Run("NeverEarlyAroundDaylightSaving", func(t *testing.T) {
		// Amsterdam: clocks go back on 2026-10-25 (03:00 CEST -> 02:00 CET,
		// 02:00-03:00 happens twice) and forward on 2026-03-29 (02:00 CET ->
		// 03:00 CEST, 02:00-03:00 does not happen).
		transitions := []time.Time{
			time.Date(2026, 10, 25, 1, 0, 0, 0, time.UTC),
			time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC),
		}
		periods := []Period{{Days: 1}, {Months: 1}}
		configs := []struct {
			name    string
			tz, age *time.Location
		}{
			{"Amsterdam", ams, ams},
			// Cutoffs computed in UTC land anywhere in Amsterdam's repeated hour,
			// also on its first pass.
			{"ConfiguredUTCAgeAmsterdam", time.UTC, ams},
			{"ConfiguredAmsterdamAgeUTC", ams, time.UTC},
		}
		checked, checkedDates := 0, 0
		for _, cfg := range configs {
			for _, p := range periods {
				for _, tr := range transitions {
					// as_of around the transition, and as_of whose cutoff is
					// around it.
					centres := []time.Time{tr, p.After(tr.In(cfg.tz))}
					for _, centre := range centres {
						for step := -2 * 24 * 6; step <= 2*24*6; step++ {
							asOf := centre.Add(time.Duration(step) * 10 * time.Minute)
							n, nd := checkNeverEarly(t, fmt.Sprintf("%s %s as_of %s", cfg.name, p, asOf.Format(time.RFC3339)),
								asOf, p, cfg.tz, cfg.age)
							checked += n
							checkedDates += nd
							if t.Failed() {
								return // the first counterexample says it all
							}
						}
					}
				}
			}
		}
		// The property must have been exercised, not vacuously true.
		if checked < 100000 {
			t.Errorf("wall values checked: got %d, want at least 100000", checked)
		}
		if checkedDates < 10000 {
			t.Errorf("dates checked: got %d, want at least 10000", checkedDates)
		}
	})

	t.Run("BoundIsExactAwayFromDaylightSaving", func(t *testing.T) {
		// Safety must not turn into slack: with no clock change within a day
		// of the cutoff, the bound is the cutoff's own wall clock.
		for _, asOf := range []time.Time{
			time.Date(2026, 11, 22, 0, 0, 0, 0, ams),
			time.Date(2026, 7, 1, 13, 37, 11, 0, ams),
			time.Date(2027, 1, 31, 23, 59, 59, 0, ams),
		} {
			for _, p := range []Period{{Days: 1}, {Months: 1}, {Months: 6}, {Years: 7}} {
				c := cutoffRule(p, TimeWall, ams).cutoffFor(asOf, ams)
				if want := exactCutoff(asOf, ams, p).Format(wallLayout); c.bound != want {
					t.Errorf("as_of %v minus %s: bound got %q, want %q", asOf, p, c.bound, want)
				}
			}
		}
	})
}

// checkNeverEarly checks one as_of: the cutoff is the calendar one, and
// every wall value (every 10 minutes and one second around the bound) that
// sorts before the bound denotes only instants before the exact cutoff; the
// same for dates. It returns how many values sorted before the bound.
func checkNeverEarly(t *testing.T, what string, asOf time.Time, p Period, tz, ageTZ *time.Location) (int, int) {
	t.Helper()
	exact := exactCutoff(asOf, tz, p)
	c := cutoffRule(p, TimeWall, ageTZ).cutoffFor(asOf, tz)
	if !c.at.Equal(exact) {
		t.Errorf("%s: cutoff got %v, want %v", what, c.at, exact)
	}
	bound := mustParseWall(t, c.bound)
	var candidates []time.Time
	for m := -4 * 60; m <= 4*60; m += 10 {
		candidates = append(candidates, bound.Add(time.Duration(m)*time.Minute))
	}
	candidates = append(candidates, bound.Add(-time.Second), bound.Add(time.Second))
	n := 0
	for _, w := range candidates {
		ws := w.Format(wallLayout)
		if !(ws < c.bound) {
			continue
		}
		n++
		for _, u := range denotes(w, ageTZ) {
			if !u.Before(exact) {
				t.Errorf("%s: bound %q lets the row %q through: got a possible instant %v, want before the cutoff %v (it is %v after)",
					what, c.bound, ws, u, exact.UTC(), u.Sub(exact))
			}
		}
	}

	dc := cutoffRule(p, TimeDate, ageTZ).cutoffFor(asOf, tz)
	db, err := time.Parse("2006-01-02", dc.bound)
	if err != nil {
		t.Fatalf("%s: date bound %q: %v", what, dc.bound, err)
	}
	nd := 0
	for days := -3; days <= 1; days++ {
		d := db.AddDate(0, 0, days)
		if !(d.Format("2006-01-02") < dc.bound) {
			continue
		}
		nd++
		// The day's last moment is just before the next day's first (the
		// later one, should midnight ever happen twice).
		var end time.Time
		for _, u := range denotes(time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, time.UTC), ageTZ) {
			if u.After(end) {
				end = u
			}
		}
		if end.After(exact) {
			t.Errorf("%s: date bound %q lets the day %s through, which lasts until %v, after the cutoff %v",
				what, dc.bound, d.Format("2006-01-02"), end.UTC(), exact.UTC())
		}
	}
	return n, nd
}
