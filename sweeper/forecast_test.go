package sweeper_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/sweeperd/sweeper/sweeper"
)

// TestSweeper_Forecast holds the forecast to its definition: per calendar
// month in the configured timezone, the rows whose period runs out in it;
// the first month is the rest of as_of's own; rows due already, rows held
// by where, rows already anonymised and rows without a date never count.
// Each month's count equals what the plan's due grows by over that month.
func TestSweeper_Forecast(t *testing.T) {
	ctx := context.Background()
	asOf := engAms(2026, 11, 22, 0, 0, 0)
	dialects(t, func(t *testing.T, f *fixture) {
		f.exec(`CREATE TABLE contacts (id AUTO_PK, phone VARCHAR(30) NULL, status VARCHAR(20) NOT NULL, created_at DATETIME NULL)`,
			// cutoff at as_of: 2026-05-22 00:00; at the end of November:
			// 2026-06-01; at the end of the twelfth month (October 2027): 2027-05-01.
			`INSERT INTO contacts (phone, status, created_at) VALUES
				('01', 'ok',       '2026-05-21 23:59:59'),
				('02', 'ok',       '2026-05-22 00:00:00'),
				('03', 'ok',       '2026-05-31 23:59:59'),
				('04', 'ok',       '2026-06-01 00:00:00'),
				('05', 'disputed', '2026-06-15 00:00:00'),
				(NULL, 'ok',       '2026-06-15 00:00:00'),
				('07', 'ok',       '2026-12-31 23:59:59'),
				('08', 'ok',       '2027-04-30 23:59:59'),
				('09', 'ok',       '2027-05-01 00:00:00'),
				('10', 'ok',       NULL)`)
		f.rule(sweeper.Rule{Name: "contacts-6m", Table: "contacts", AgeColumns: []string{"created_at"}, OlderThan: months(6),
			Where: "status <> 'disputed'", Action: sweeper.ActionAnonymise,
			Anonymise: []sweeper.ColumnStrategy{{Column: "phone", Strategy: sweeper.StrategyNull}}})
		p, err := f.sw.Plan(ctx, sweeper.PlanOptions{AsOf: asOf})
		if err != nil {
			t.Fatalf("plan: %v", err)
		}
		if err := f.sw.Forecast(ctx, p, 12); err != nil {
			t.Fatalf("forecast: %v", err)
		}
		fc := p.Rules[0].Forecast
		var got []string
		for _, m := range fc {
			got = append(got, fmt.Sprintf("%s:%d", m.Key(), m.Rows))
		}
		want := []string{"2026-11:2", "2026-12:1", "2027-01:0", "2027-02:0", "2027-03:0", "2027-04:0",
			"2027-05:0", "2027-06:1", "2027-07:0", "2027-08:0", "2027-09:0", "2027-10:1"}
		if !slices.Equal(got, want) {
			t.Errorf("forecast:\n got %v\nwant %v", got, want)
		}
		if p.Rules[0].Due != 1 {
			t.Errorf("due: got %d, want 1 (row 01, which the forecast leaves out)", p.Rules[0].Due)
		}
		for _, m := range fc {
			if m.Month.Location().String() != "Europe/Amsterdam" || m.Month.Day() != 1 || m.Month.Hour() != 0 {
				t.Errorf("month %v: want the first moment of the month in Europe/Amsterdam", m.Month)
			}
		}

		// The plan at each month's end says the same.
		bounds := sweeper.ForecastMonths(asOf, amsterdam, 12)
		prev := p.Rules[0].Due
		for i, end := range bounds[1:] {
			q, err := f.sw.Plan(ctx, sweeper.PlanOptions{AsOf: end})
			if err != nil {
				t.Fatalf("plan at %v: %v", end, err)
			}
			if grew := q.Rules[0].Due - prev; grew != fc[i].Rows {
				t.Errorf("%s: the plan's due grows by %d, the forecast says %d", fc[i].Key(), grew, fc[i].Rows)
			}
			prev = q.Rules[0].Due
		}
	})
}

func TestForecastMonths(t *testing.T) {
	asOf := time.Date(2027, 1, 31, 13, 0, 0, 0, time.UTC) // 14:00 in Amsterdam
	got := sweeper.ForecastMonths(asOf, amsterdam, 3)
	want := []time.Time{asOf, engAms(2027, 2, 1, 0, 0, 0), engAms(2027, 3, 1, 0, 0, 0), engAms(2027, 4, 1, 0, 0, 0)}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if !got[i].Equal(want[i]) {
			t.Errorf("bound %d: got %v, want %v", i, got[i], want[i])
		}
	}
}
