package sweeper

import (
	"strings"
	"testing"
	"time"
)

func TestParsePeriod(t *testing.T) {
	t.Run("Accepts", func(t *testing.T) {
		for _, tc := range []struct {
			in   string
			want Period
		}{
			{"1 day", Period{Days: 1}},
			{"2 days", Period{Days: 2}},
			{"1 week", Period{Days: 7}},
			{"3 weeks", Period{Days: 21}},
			{"1 month", Period{Months: 1}},
			{"6 months", Period{Months: 6}},
			{"1 year", Period{Years: 1}},
			{"7 years", Period{Years: 7}},
			{"  6 Months ", Period{Months: 6}},
			{"1 year 6 months", Period{Years: 1, Months: 6}},
			{"1 year, 6 months", Period{Years: 1, Months: 6}},
			{"1 year and 6 months", Period{Years: 1, Months: 6}},
			{"2 weeks 3 days", Period{Days: 17}},
			{"P6M", Period{Months: 6}},
			{"P3W", Period{Days: 21}},
			{"P1Y6M", Period{Years: 1, Months: 6}},
			{"P1Y2M3D", Period{Years: 1, Months: 2, Days: 3}},
			{"P10D", Period{Days: 10}},
			{"p6m", Period{Months: 6}},
		} {
			got, err := ParsePeriod(tc.in)
			if err != nil {
				t.Errorf("ParsePeriod(%q): %v", tc.in, err)
				continue
			}
			if got != tc.want {
				t.Errorf("ParsePeriod(%q) = %+v, want %+v", tc.in, got, tc.want)
			}
		}
	})

	t.Run("Refuses", func(t *testing.T) {
		for _, in := range []string{
			"", "  ", "P", "6 maanden", "PT1H", "P1DT1H", "0 days", "P0D", "-1 day", "1 days ago",
			"six months", "6", "months", "1.5 years", "100001 days", "P100001D", "60000 weeks",
			"100000 years 1 year",
		} {
			if got, err := ParsePeriod(in); err == nil {
				t.Errorf("ParsePeriod(%q) = %+v, want an error", in, got)
			}
		}
	})

	t.Run("NamesTheInput", func(t *testing.T) {
		_, err := ParsePeriod("6 maanden")
		if err == nil || !strings.Contains(err.Error(), `"6 maanden"`) || !strings.Contains(err.Error(), "P6M") {
			t.Errorf("got %v, want an error quoting the input and suggesting P6M", err)
		}
	})

	t.Run("StringRoundTrips", func(t *testing.T) {
		for _, p := range []Period{{Days: 1}, {Months: 6}, {Years: 1, Months: 6, Days: 3}, {Years: 2}, {Days: 21}} {
			got, err := ParsePeriod(p.String())
			if err != nil || got != p {
				t.Errorf("ParsePeriod(%q) = %+v, %v; want %+v", p.String(), got, err, p)
			}
		}
	})
}

func TestPeriod(t *testing.T) {
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	date := func(y int, m time.Month, d, hh, mm int, loc *time.Location) time.Time {
		return time.Date(y, m, d, hh, mm, 0, 0, loc)
	}
	for _, tc := range []struct {
		name   string
		period string
		from   time.Time
		before time.Time // zero: not checked
		after  time.Time // zero: not checked
	}{
		{
			name:   "MonthBeforeMarch31IsFebruary28",
			period: "1 month",
			from:   date(2026, 3, 31, 12, 0, time.UTC),
			before: date(2026, 2, 28, 12, 0, time.UTC),
		},
		{
			name:   "MonthBeforeMarch31InLeapYearIsFebruary29",
			period: "1 month",
			from:   date(2024, 3, 31, 12, 0, time.UTC),
			before: date(2024, 2, 29, 12, 0, time.UTC),
		},
		{
			name:   "YearBeforeFebruary29IsFebruary28",
			period: "1 year",
			from:   date(2024, 2, 29, 0, 0, time.UTC),
			before: date(2023, 2, 28, 0, 0, time.UTC),
			after:  date(2025, 2, 28, 0, 0, time.UTC),
		},
		{
			name:   "MonthAfterJanuary31IsEndOfFebruary",
			period: "1 month",
			from:   date(2026, 1, 31, 8, 0, time.UTC),
			after:  date(2026, 2, 28, 8, 0, time.UTC),
		},
		{
			name:   "MonthAfterJanuary31InLeapYear",
			period: "P1M",
			from:   date(2024, 1, 31, 8, 0, time.UTC),
			after:  date(2024, 2, 29, 8, 0, time.UTC),
		},
		{
			name:   "SixMonthsAcrossYearBoundary",
			period: "6 months",
			from:   date(2026, 3, 15, 0, 0, time.UTC),
			before: date(2025, 9, 15, 0, 0, time.UTC),
			after:  date(2026, 9, 15, 0, 0, time.UTC),
		},
		{
			name:   "ThirteenMonthsBeforeJanuary",
			period: "13 months",
			from:   date(2026, 1, 10, 0, 0, time.UTC),
			before: date(2024, 12, 10, 0, 0, time.UTC),
		},
		{
			name:   "MonthKeepsWallClockAcrossDST",
			period: "1 month",
			from:   date(2026, 4, 15, 3, 30, ams), // CEST
			before: date(2026, 3, 15, 3, 30, ams), // CET
		},
		{
			name:   "DaysKeepWallClockAcrossSpringDST",
			period: "7 days",
			from:   date(2026, 4, 2, 0, 0, ams),
			before: date(2026, 3, 26, 0, 0, ams),
		},
		{
			name:   "DaysKeepWallClockAcrossAutumnDST",
			period: "2 days",
			from:   date(2026, 10, 24, 12, 0, ams),
			after:  date(2026, 10, 26, 12, 0, ams),
		},
		{
			name:   "MonthsThenDays",
			period: "1 month 1 day",
			from:   date(2026, 3, 31, 0, 0, time.UTC),
			before: date(2026, 2, 27, 0, 0, time.UTC),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ParsePeriod(tc.period)
			if err != nil {
				t.Fatal(err)
			}
			if !tc.before.IsZero() {
				if got := p.Before(tc.from); !got.Equal(tc.before) || got.Location() != tc.before.Location() {
					t.Errorf("%s before %s: got %s, want %s", tc.period, tc.from, got, tc.before)
				}
			}
			if !tc.after.IsZero() {
				if got := p.After(tc.from); !got.Equal(tc.after) || got.Location() != tc.after.Location() {
					t.Errorf("%s after %s: got %s, want %s", tc.period, tc.from, got, tc.after)
				}
			}
		})
	}

	t.Run("DSTShiftsTheUTCDistance", func(t *testing.T) {
		// A calendar week across the spring change is 167 hours: the wall
		// clock is what the privacy statement means, not a fixed duration.
		from := date(2026, 4, 2, 0, 0, ams)
		got := Period{Days: 7}.Before(from)
		if d := from.Sub(got); d != 167*time.Hour {
			t.Errorf("got %s between, want 167h", d)
		}
		if _, off := got.Zone(); off != 3600 {
			t.Errorf("got offset %d, want 3600 (CET)", off)
		}
	})
}
