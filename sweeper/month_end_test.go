package sweeper_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sweeperd/sweeper/sweeper"
)

// TestSweeper_SweepDueAtMonthEnd holds README's calendar arithmetic
// ("31 March − 1 month = 28 (or 29) February; 29 February − 1 year = 28
// February") against real databases, on a clock pinned to the 03:30 the
// default schedule runs at, and across the daylight-saving changes of
// Europe/Amsterdam (28 March and 31 October 2027, 26 March 2028): the row
// one second before the cutoff goes, the row at it stays, and so does a
// row of the next month.
// Wall-clock columns (DATETIME), DATE columns and, on MariaDB and
// PostgreSQL, instant columns (TIMESTAMP, timestamptz; their values here
// are UTC) are each held to the same cutoff.
func TestSweeper_SweepDueAtMonthEnd(t *testing.T) {
	for _, c := range []struct {
		name   string
		asOf   time.Time
		period sweeper.Period
		cutoff time.Time
		// Each kind of column: the values that go, then those that stay.
		wallGone, wallKept       []string
		dayGone, dayKept         []string
		instantGone, instantKept []string
	}{
		{
			name: "EndOfMarchAcrossDSTStart", asOf: engAms(2027, 3, 31, 3, 30, 0), period: months(1),
			cutoff:   engAms(2027, 2, 28, 3, 30, 0),
			wallGone: []string{"2027-02-27 23:59:59", "2027-02-28 03:29:59"},
			wallKept: []string{"2027-02-28 03:30:00", "2027-03-01 00:00:00", "2027-03-03 03:29:59"},
			dayGone:  []string{"2027-02-27"}, dayKept: []string{"2027-02-28", "2027-03-01"},
			instantGone: []string{"2027-02-28 02:29:59"}, instantKept: []string{"2027-02-28 02:30:00"},
		},
		{
			name: "EndOfMarchInALeapYear", asOf: engAms(2028, 3, 31, 3, 30, 0), period: months(1),
			cutoff:   engAms(2028, 2, 29, 3, 30, 0),
			wallGone: []string{"2028-02-29 03:29:59"},
			wallKept: []string{"2028-02-29 03:30:00", "2028-03-01 00:00:00", "2028-03-02 03:29:59"},
			dayGone:  []string{"2028-02-28"}, dayKept: []string{"2028-02-29", "2028-03-01"},
			instantGone: []string{"2028-02-29 02:29:59"}, instantKept: []string{"2028-02-29 02:30:00"},
		},
		{
			name: "LeapDayMinusOneYear", asOf: engAms(2028, 2, 29, 3, 30, 0), period: years(1),
			cutoff:   engAms(2027, 2, 28, 3, 30, 0),
			wallGone: []string{"2027-02-28 03:29:59"},
			wallKept: []string{"2027-02-28 03:30:00", "2027-03-01 00:00:00"},
			dayGone:  []string{"2027-02-27"}, dayKept: []string{"2027-02-28", "2027-03-01"},
			instantGone: []string{"2027-02-28 02:29:59"}, instantKept: []string{"2027-02-28 02:30:00"},
		},
		{
			// The end of February minus a month is the 28th of January, not
			// its end: the last days of January are not due yet.
			name: "EndOfFebruary", asOf: engAms(2027, 2, 28, 3, 30, 0), period: months(1),
			cutoff:   engAms(2027, 1, 28, 3, 30, 0),
			wallGone: []string{"2027-01-28 03:29:59"},
			wallKept: []string{"2027-01-28 03:30:00", "2027-01-31 23:59:59"},
			dayGone:  []string{"2027-01-27"}, dayKept: []string{"2027-01-28", "2027-01-31"},
			instantGone: []string{"2027-01-28 02:29:59"}, instantKept: []string{"2027-01-28 02:30:00"},
		},
		{
			name: "EndOfOctoberAcrossDSTEnd", asOf: engAms(2027, 10, 31, 3, 30, 0), period: months(1),
			cutoff:   engAms(2027, 9, 30, 3, 30, 0),
			wallGone: []string{"2027-09-30 03:29:59"},
			wallKept: []string{"2027-09-30 03:30:00", "2027-10-01 00:00:00"},
			dayGone:  []string{"2027-09-29"}, dayKept: []string{"2027-09-30"},
			instantGone: []string{"2027-09-30 01:29:59"}, instantKept: []string{"2027-09-30 01:30:00"},
		},
		{
			// 02:30 on 31 October happens twice; the cutoff is the later one
			// (CET, 01:30 UTC). A row at 02:29:59 is before it either way; a
			// row at 02:30:00 may mean the cutoff itself, so it stays.
			name: "CutoffInTheRepeatedHour", asOf: engAms(2027, 12, 31, 2, 30, 0), period: months(2),
			cutoff:   time.Date(2027, 10, 31, 1, 30, 0, 0, time.UTC),
			wallGone: []string{"2027-10-31 01:59:59", "2027-10-31 02:29:59"},
			wallKept: []string{"2027-10-31 02:30:00", "2027-10-31 03:00:00"},
			dayGone:  []string{"2027-10-30"}, dayKept: []string{"2027-10-31"},
			instantGone: []string{"2027-10-31 01:29:59"}, instantKept: []string{"2027-10-31 01:30:00"},
		},
		{
			// A cutoff within a day of the change: wall-clock rows are held
			// to the earlier offset, so they go at most an hour late, never
			// early; instants are exact.
			name: "CutoffADayBeforeDSTEnd", asOf: engAms(2027, 11, 30, 3, 30, 0), period: months(1),
			cutoff:   engAms(2027, 10, 30, 3, 30, 0),
			wallGone: []string{"2027-10-30 02:29:59"},
			wallKept: []string{"2027-10-30 03:30:00", "2027-10-30 03:30:01"},
			dayGone:  []string{"2027-10-29"}, dayKept: []string{"2027-10-30"},
			instantGone: []string{"2027-10-30 01:29:59"}, instantKept: []string{"2027-10-30 01:30:00"},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			dialects(t, func(t *testing.T, f *fixture) {
				f.exec(`CREATE TABLE visits (id AUTO_PK, seen_at DATETIME NOT NULL)`,
					`CREATE TABLE birthdays (id AUTO_PK, on_day DATE NOT NULL)`)
				monthEndInsert(f, "visits", "seen_at", monthEndText, c.wallGone, c.wallKept)
				monthEndInsert(f, "birthdays", "on_day", monthEndText, c.dayGone, c.dayKept)
				f.rule(sweeper.Rule{Name: "visits", Table: "visits", AgeColumns: []string{"seen_at"}, OlderThan: c.period, Action: sweeper.ActionDelete})
				f.rule(sweeper.Rule{Name: "birthdays", Table: "birthdays", AgeColumns: []string{"on_day"}, OlderThan: c.period, Action: sweeper.ActionDelete})
				rules := map[string][2]int{"visits": {len(c.wallGone), len(c.wallKept)}, "birthdays": {len(c.dayGone), len(c.dayKept)}}
				// An instant is written so that it means the same in any session:
				// MariaDB's FROM_UNIXTIME gives the session's wall clock, which
				// the TIMESTAMP column turns back into the instant.
				switch f.dialect {
				case dbMySQL:
					f.exec(`CREATE TABLE logins (id AUTO_PK, at_utc TIMESTAMP NULL)`)
					monthEndInsert(f, "logins", "at_utc", func(v string) string {
						at, err := time.ParseInLocation(time.DateTime, v, time.UTC)
						if err != nil {
							t.Fatal(err)
						}
						return fmt.Sprintf("FROM_UNIXTIME(%d)", at.Unix())
					}, c.instantGone, c.instantKept)
				case dbPostgres:
					f.exec(`CREATE TABLE logins (id AUTO_PK, at_utc TIMESTAMPTZ NULL)`)
					monthEndInsert(f, "logins", "at_utc", func(v string) string { return "'" + v + "+00'" }, c.instantGone, c.instantKept)
				}
				if f.dialect != dbSQLite {
					f.rule(sweeper.Rule{Name: "logins", Table: "logins", AgeColumns: []string{"at_utc"}, OlderThan: c.period, Action: sweeper.ActionDelete})
					rules["logins"] = [2]int{len(c.instantGone), len(c.instantKept)}
				}

				// The clock is pinned rather than --as-of given: these
				// moments lie in the future, where an --as-of would be one
				// the real clock has not reached.
				f.sw.Now = func() time.Time { return c.asOf }
				rep, err := f.sw.Sweep(context.Background(), sweeper.SweepOptions{})
				if err != nil {
					t.Fatalf("sweep: %v", err)
				}
				for name, n := range rules {
					rr := engRule(t, rep, name)
					if !rr.Cutoff.Equal(c.cutoff) {
						t.Errorf("%s cutoff: got %v, want %v", name, rr.Cutoff, c.cutoff.In(amsterdam))
					}
					if rr.Rows != n[0] {
						t.Errorf("%s rows: got %d, want %d", name, rr.Rows, n[0])
					}
					var want []int64
					for id := n[0] + 1; id <= n[0]+n[1]; id++ {
						want = append(want, int64(id))
					}
					engWantIDs(t, f, name+" left", `SELECT id FROM `+name+` ORDER BY id`, want...)
				}
			})
		})
	}
}

// monthEndInsert inserts the values gone and then kept into column of
// table, each written in SQL by sql.
func monthEndInsert(f *fixture, table, column string, sql func(string) string, gone, kept []string) {
	f.t.Helper()
	var tuples []string
	for _, v := range append(append([]string{}, gone...), kept...) {
		tuples = append(tuples, "("+sql(v)+")")
	}
	f.exec(`INSERT INTO ` + table + ` (` + column + `) VALUES ` + strings.Join(tuples, ", "))
}

// monthEndText writes a value as a string literal.
func monthEndText(v string) string { return "'" + v + "'" }
