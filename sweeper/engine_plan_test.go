package sweeper_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sweeperd/sweeper/sweeper"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
)

// TestSweeper_Plan holds Plan to docs/contract.md §4.1's fields: due, upcoming_30d,
// oldest, related counts and cutoff.
func TestSweeper_Plan(t *testing.T) {
	asOf := engAms(2026, 11, 22, 0, 0, 0)
	ctx := context.Background()

	t.Run("Counts", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			engCustomers(f)
			f.exec(`CREATE TABLE contacts (id AUTO_PK, phone VARCHAR(30) NULL, status VARCHAR(20) NOT NULL, created_at DATETIME NOT NULL)`,
				// cutoff 2026-05-22 00:00; 30 days on: 2026-06-22 00:00.
				`INSERT INTO contacts (phone, status, created_at) VALUES
					('01', 'ok',       '2026-01-10 10:00:00'),
					('02', 'ok',       '2025-12-01 08:30:00'),
					('03', 'disputed', '2025-11-01 00:00:00'),
					(NULL, 'ok',       '2025-10-01 00:00:00'),
					('05', 'ok',       '2026-05-25 00:00:00'),
					('06', 'ok',       '2026-06-21 23:59:59'),
					('07', 'ok',       '2026-06-22 00:00:00'),
					('08', 'disputed', '2026-06-01 00:00:00'),
					(NULL, 'ok',       '2026-06-01 00:00:00'),
					('10', 'ok',       '2026-05-22 00:00:00'),
					('11', 'ok',       '2026-07-01 00:00:00')`,
				`INSERT INTO customers (email, last_login_at, created_at) VALUES
					('a@example.com', '2020-03-01 12:00:00', '2015-01-01 00:00:00'),
					('b@example.com', NULL, '2019-07-01 00:00:00'),
					('c@example.com', '2026-01-01 00:00:00', '2015-01-01 00:00:00')`,
				`INSERT INTO addresses (customer_id, street) VALUES (1, 'a'), (1, 'a2'), (2, 'b'), (3, 'c')`,
				`INSERT INTO orders (customer_id, total, created_at) VALUES (1, 1, '2019-01-01'), (3, 3, '2019-01-01')`)
			engAccountRule(f)
			f.rule(sweeper.Rule{Name: "contacts-6m", Table: "contacts", AgeColumns: []string{"created_at"}, OlderThan: months(6),
				Where: "status <> 'disputed'", Action: sweeper.ActionAnonymise,
				Anonymise: []sweeper.ColumnStrategy{{Column: "phone", Strategy: sweeper.StrategyNull}}})
			p, err := f.sw.Plan(ctx, sweeper.PlanOptions{AsOf: asOf})
			if err != nil {
				t.Fatalf("plan: %v", err)
			}
			if !p.AsOf.Equal(asOf) || p.AsOf.Location().String() != "Europe/Amsterdam" {
				t.Errorf("as_of: got %v, want %v", p.AsOf, asOf)
			}
			if len(p.Rules) != 2 || p.Rules[0].Name != "account-idle-5y" || p.Rules[1].Name != "contacts-6m" {
				t.Fatalf("rules: got %+v, want account-idle-5y, contacts-6m in config order", p.Rules)
			}
			acc, con := p.Rules[0], p.Rules[1]

			if want := engAms(2021, 11, 22, 0, 0, 0); !acc.Cutoff.Equal(want) {
				t.Errorf("account cutoff: got %v, want %v", acc.Cutoff, want)
			}
			if acc.Due != 2 {
				t.Errorf("account due: got %d, want 2", acc.Due)
			}
			if want := engAms(2019, 7, 1, 0, 0, 0); acc.Oldest == nil || !acc.Oldest.Equal(want) {
				t.Errorf("account oldest: got %v, want %v", acc.Oldest, want)
			}
			if want := []sweeper.RelatedCount{{Table: "addresses", Action: sweeper.ActionDelete, Rows: 3}, {Table: "orders", Action: sweeper.ActionDetach, Rows: 1}}; !slices.Equal(acc.Related, want) {
				t.Errorf("account related: got %+v, want %+v", acc.Related, want)
			}

			if want := engAms(2026, 5, 22, 0, 0, 0); !con.Cutoff.Equal(want) {
				t.Errorf("contacts cutoff: got %v, want %v", con.Cutoff, want)
			}
			if con.Due != 2 {
				t.Errorf("contacts due: got %d, want 2 (disputed and already anonymised rows do not count)", con.Due)
			}
			if con.Upcoming30d != 3 {
				t.Errorf("contacts upcoming_30d: got %d, want 3 (05, 06 and 10)", con.Upcoming30d)
			}
			// The oldest due row, not the older disputed or anonymised ones, in
			// the configured timezone (CET in December).
			if con.Oldest == nil {
				t.Fatalf("contacts oldest: got nil, want 2025-12-01 08:30 Amsterdam")
			}
			if want := engAms(2025, 12, 1, 8, 30, 0); !con.Oldest.Equal(want) || con.Oldest.Location().String() != "Europe/Amsterdam" {
				t.Errorf("contacts oldest: got %v, want %v", con.Oldest, want)
			}
			if got := con.Oldest.Format(time.RFC3339); got != "2025-12-01T08:30:00+01:00" {
				t.Errorf("contacts oldest: got %s, want 2025-12-01T08:30:00+01:00", got)
			}
			if con.SQL == "" || con.Related != nil {
				t.Errorf("contacts: got SQL %q, related %+v; want a statement and no related", con.SQL, con.Related)
			}

			// The plan and a sweep agree.
			rep := f.sweep(asOf, sweeper.SweepOptions{})
			for i, rr := range rep.Rules {
				if rr.Rows != p.Rules[i].Due {
					t.Errorf("rule %s: swept %d, plan said %d", rr.Name, rr.Rows, p.Rules[i].Due)
				}
			}
			// 30 days on, the upcoming rows are due.
			later := f.sweep(asOf.AddDate(0, 0, 30), sweeper.SweepOptions{Rules: []string{"contacts-6m"}})
			if got := engRule(t, later, "contacts-6m").Rows; got != con.Upcoming30d {
				t.Errorf("sweep 30 days on: got %d rows, want upcoming_30d %d", got, con.Upcoming30d)
			}
		})
	})

	// On MariaDB a plan counts a big table's due rows in key-range parts
	// at once when no index covers the count (visits.created_at has none);
	// rows on and beside every boundary between parts count exactly once,
	// and the oldest is the oldest of all parts. The other dialects count
	// in one statement and must agree.
	// A key span that int64 cannot hold, of an unsigned key above int64 or
	// of a signed one from its least to its greatest value, cannot be split
	// into parts: plan counts the whole table in one statement, and the
	// sweep touches the rows it counted.
	t.Run("KeySpanBeyondInt64CountsWhole", func(t *testing.T) {
		for _, c := range []struct {
			name, keyType string
			ids           [6]string // in key order
		}{
			{"Unsigned", "BIGINT UNSIGNED", [6]string{"1", "2", "9223372036854775807", "9223372036854775808", "18446744073709551614", "18446744073709551615"}},
			{"SignedMinToMax", "BIGINT", [6]string{"-9223372036854775808", "-2", "0", "1", "9223372036854775806", "9223372036854775807"}},
		} {
			t.Run(c.name, func(t *testing.T) {
				f := setup(t, dbMySQL)
				f.exec(`CREATE TABLE visits (id `+c.keyType+` NOT NULL PRIMARY KEY, ip VARCHAR(40) NULL, created_at DATETIME NOT NULL)`,
					fmt.Sprintf(`INSERT INTO visits (id, ip, created_at) VALUES
						(%s, '192.0.2.1', '2025-01-01 00:00:00'),
						(%s, '192.0.2.2', '2026-11-01 00:00:00'),
						(%s, '192.0.2.3', '2025-01-01 00:00:00'),
						(%s, '192.0.2.4', '2024-02-03 04:05:06'),
						(%s, '192.0.2.5', '2026-11-01 00:00:00'),
						(%s, '192.0.2.6', '2025-01-01 00:00:00')`, c.ids[0], c.ids[1], c.ids[2], c.ids[3], c.ids[4], c.ids[5]))
				rp, splits := planVisits(t, f, asOf)
				if len(splits) != 0 {
					t.Errorf("plan.split log entries: got %d, want 0", len(splits))
				}
				if rp.Due != 4 {
					t.Errorf("due: got %d, want 4", rp.Due)
				}
				if w := engAms(2024, 2, 3, 4, 5, 6); rp.Oldest == nil || !rp.Oldest.Equal(w) {
					t.Errorf("oldest: got %v, want %v", rp.Oldest, w)
				}
				rep := f.sweep(asOf, sweeper.SweepOptions{})
				if rr := rep.Rules[0]; rr.Rows != 4 || rr.Err != nil {
					t.Errorf("sweep: got %d rows (err %v), want 4", rr.Rows, rr.Err)
				}
				left := []string{c.ids[1], c.ids[4]}
				if got := engStrings(f, `SELECT CAST(id AS CHAR) FROM visits WHERE ip IS NOT NULL ORDER BY id`); !slices.Equal(got, left) {
					t.Errorf("visits left with an ip: got %v, want %v", got, left)
				}
				audited := []string{c.ids[0], c.ids[2], c.ids[3], c.ids[5]}
				got := engStrings(f, `SELECT row_key FROM sweeper_audit`)
				slices.Sort(got)
				slices.Sort(audited)
				if !slices.Equal(got, audited) {
					t.Errorf("audited keys: got %v, want %v", got, audited)
				}
			})
		}
	})

	t.Run("ViewWithoutShowViewCountsWhole", func(t *testing.T) {
		f := setup(t, dbMySQL)
		const span = 4 * sweeper.PlanSplitMinSpan
		f.exec(`CREATE TABLE visits (id BIGINT NOT NULL PRIMARY KEY, ip VARCHAR(40) NULL, created_at DATETIME NOT NULL)`,
			`CREATE TABLE blocked (ip VARCHAR(40) NOT NULL)`,
			`CREATE VIEW blocked_ips AS SELECT ip FROM blocked`,
			`INSERT INTO blocked (ip) VALUES ('192.0.2.9')`,
			fmt.Sprintf(`INSERT INTO visits (id, ip, created_at) VALUES
				(1, '192.0.2.1', '2025-01-01 00:00:00'),
				(2, '192.0.2.9', '2025-01-01 00:00:00'),
				(%d, '192.0.2.2', '2024-02-03 04:05:06'),
				(%d, '192.0.2.3', '2026-11-01 00:00:00')`, span/2, span))
		f.rule(sweeper.Rule{Name: "visits", Table: "visits", AgeColumns: []string{"created_at"}, OlderThan: months(6),
			Where:  "ip NOT IN (SELECT ip FROM blocked_ips)",
			Action: sweeper.ActionAnonymise, Anonymise: []sweeper.ColumnStrategy{{Column: "ip", Strategy: sweeper.StrategyNull}}})
		for _, c := range []struct {
			who   string
			store sweeper.Store
			split int
		}{
			// The owner may EXPLAIN it: the count is split, so the user
			// below is what makes it whole.
			{"owner", f.store, 1},
			{"SELECT-only user", engSelectOnlyStore(t, f), 0},
		} {
			f.sw.Store = c.store
			logs, recorded := observer.New(zap.DebugLevel)
			f.sw.Log = zap.New(logs)
			p, err := f.sw.Plan(ctx, sweeper.PlanOptions{AsOf: asOf})
			if err != nil {
				t.Fatalf("plan as %s: %v", c.who, err)
			}
			if n := recorded.FilterField(zap.String("event", "plan.split")).Len(); n != c.split {
				t.Errorf("plan as %s: got %d plan.split log entries, want %d", c.who, n, c.split)
			}
			if rp := p.Rules[0]; rp.Due != 2 {
				t.Errorf("plan as %s: due got %d, want 2", c.who, rp.Due)
			}
		}
	})

	t.Run("KeyRangeParts", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			const span = 4 * sweeper.PlanSplitMinSpan
			f.exec(`CREATE TABLE visits (id AUTO_PK, ip VARCHAR(40) NULL, created_at DATETIME NOT NULL)`)
			// Bounds between four parts of [1, 1+span]: 1+span/4·i.
			due, notDue := "'2025-01-01 00:00:00'", "'2026-11-01 00:00:00'"
			want := 0
			for i := int64(0); i <= 4; i++ {
				at := 1 + span/4*i
				for _, id := range []int64{at - 1, at, at + 1} {
					if id < 1 || id > 1+span {
						continue
					}
					created := due
					switch {
					case id == 1+span/2:
						created = "'2024-02-03 04:05:06'" // the oldest, in a middle part
						want++
					case id%3 == 0:
						created = notDue
					default:
						want++
					}
					f.exec(fmt.Sprintf(`INSERT INTO visits (id, ip, created_at) VALUES (%d, '192.0.2.1', %s)`, id, created))
				}
			}
			// A due row already anonymised does not count.
			f.exec(fmt.Sprintf(`INSERT INTO visits (id, ip, created_at) VALUES (%d, NULL, %s)`, 3+span/4, due))
			rp, splits := planVisits(t, f, asOf)
			// The parts are what this test is about: on MariaDB it must
			// have split, and nowhere else.
			wantSplit := f.dialect == dbMySQL
			if (len(splits) == 1) != wantSplit || len(splits) > 1 {
				t.Fatalf("plan.split log entries: got %d, want %v on %s", len(splits), wantSplit, f.dialect)
			}
			if wantSplit {
				if got := splits[0].ContextMap()["parts"]; got != int64(4) {
					t.Errorf("parts: got %v, want 4", got)
				}
			}
			if rp.Due != want {
				t.Errorf("due: got %d, want %d", rp.Due, want)
			}
			if w := engAms(2024, 2, 3, 4, 5, 6); rp.Oldest == nil || !rp.Oldest.Equal(w) {
				t.Errorf("oldest: got %v, want %v", rp.Oldest, w)
			}
			if rep := f.sweep(asOf, sweeper.SweepOptions{}); rep.Rules[0].Rows != rp.Due {
				t.Errorf("swept %d rows, plan said %d", rep.Rules[0].Rows, rp.Due)
			}
		})
	})

	t.Run("OldestInAgeTimezone", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			f.exec(`CREATE TABLE posts (id AUTO_PK, post_date_gmt DATETIME NOT NULL)`,
				`INSERT INTO posts (post_date_gmt) VALUES ('2020-06-30 22:30:00'), ('2021-01-01 00:00:00')`)
			f.rule(sweeper.Rule{Name: "posts", Table: "posts", AgeColumns: []string{"post_date_gmt"}, AgeTimezone: time.UTC,
				OlderThan: years(1), Action: sweeper.ActionDelete})
			p, err := f.sw.Plan(ctx, sweeper.PlanOptions{AsOf: asOf})
			if err != nil {
				t.Fatalf("plan: %v", err)
			}
			o := p.Rules[0].Oldest
			if o == nil || o.Format(time.RFC3339) != "2020-07-01T00:30:00+02:00" {
				t.Errorf("oldest: got %v, want 2020-07-01T00:30:00+02:00", o)
			}
		})
	})

	t.Run("UnknownRule", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			engCustomers(f)
			f.exec(`INSERT INTO customers (email, created_at) VALUES ('a@example.com', '2015-01-01 00:00:00')`)
			engAccountRule(f)
			_, err := f.sw.Plan(ctx, sweeper.PlanOptions{AsOf: asOf, Rules: []string{"account-idle-5y", "no-such-rule"}})
			var ue *sweeper.UsageError
			if !errors.As(err, &ue) || !strings.Contains(err.Error(), "no-such-rule") {
				t.Errorf("plan error: got %T %v, want a *sweeper.UsageError naming no-such-rule", err, err)
			}
			_, err = engSweep(f, asOf, sweeper.SweepOptions{Rules: []string{"account-idle-5y", "no-such-rule"}})
			if !errors.As(err, &ue) {
				t.Errorf("sweep error: got %T %v, want a *sweeper.UsageError", err, err)
			}
			if got := f.count(`SELECT COUNT(*) FROM customers`); got != 1 {
				t.Errorf("customers after the refused sweep: got %d, want 1", got)
			}
		})
	})
}

// planVisits adds a rule that clears visits.ip after six months, plans it
// with a debug log, and returns its plan and the log's plan.split entries.
func planVisits(t *testing.T, f *fixture, asOf time.Time) (sweeper.RulePlan, []observer.LoggedEntry) {
	t.Helper()
	f.rule(sweeper.Rule{Name: "visits", Table: "visits", AgeColumns: []string{"created_at"}, OlderThan: months(6),
		Action: sweeper.ActionAnonymise, Anonymise: []sweeper.ColumnStrategy{{Column: "ip", Strategy: sweeper.StrategyNull}}})
	logs, recorded := observer.New(zap.DebugLevel)
	f.sw.Log = zap.New(logs)
	p, err := f.sw.Plan(context.Background(), sweeper.PlanOptions{AsOf: asOf})
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	return p.Rules[0], recorded.FilterField(zap.String("event", "plan.split")).All()
}
