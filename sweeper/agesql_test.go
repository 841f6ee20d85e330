package sweeper_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sweeperd/sweeper/sweeper"
)

// execUTC runs statements on one connection of the test's own whose
// session is in UTC, so that TIMESTAMP literals mean the instants written.
func (f *fixture) execUTC(stmts ...string) {
	f.t.Helper()
	ctx := context.Background()
	conn, err := f.raw.Conn(ctx)
	if err != nil {
		f.t.Fatal(err)
	}
	defer conn.Close()
	set := `SET time_zone = '+00:00'`
	if f.dialect == dbPostgres {
		set = `SET TIME ZONE 'UTC'`
	}
	for _, q := range append([]string{set}, stmts...) {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			f.t.Fatalf("%s: %v", q, err)
		}
	}
}

// TestSweeper_AgeSQLKind holds age_sql to the kind of time the database
// says its result is: a TIMESTAMP or timestamptz result is an instant, as
// such an age_column is, and is never read as wall-clock time in
// sweeper.timezone, which in a summer in Amsterdam is two hours early.
func TestSweeper_AgeSQLKind(t *testing.T) {
	ctx := context.Background()

	t.Run("MagentoLastLoginIsAnInstant", func(t *testing.T) {
		// Magento's customer_log.last_login_at is a TIMESTAMP, and accounts
		// age by their last login: a subquery over it.
		f := setup(t, dbMySQL)
		f.exec(`CREATE TABLE customer_entity (entity_id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, email VARCHAR(255) NULL,
				created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
				updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP)`,
			`CREATE TABLE customer_log (log_id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, customer_id INT UNSIGNED NOT NULL,
				last_login_at TIMESTAMP NULL DEFAULT NULL, last_logout_at TIMESTAMP NULL DEFAULT NULL, UNIQUE KEY (customer_id))`)
		// As of 2026-07-15 12:00 CEST, two years back is 2024-07-15 12:00
		// CEST: 10:00:00 UTC.
		f.execUTC(`INSERT INTO customer_entity (entity_id, email, created_at, updated_at) VALUES
				(1, 'a@example.com', '2015-01-01 00:00:00', '2015-01-01 00:00:00'),
				(2, 'b@example.com', '2015-01-01 00:00:00', '2015-01-01 00:00:00'),
				(3, 'c@example.com', '2015-01-01 00:00:00', '2015-01-01 00:00:00'),
				(4, 'd@example.com', '2015-01-01 00:00:00', '2015-01-01 00:00:00'),
				(5, 'e@example.com', '2015-01-01 00:00:00', '2015-01-01 00:00:00'),
				(6, 'f@example.com', '2015-01-01 00:00:00', '2015-01-01 00:00:00')`,
			`INSERT INTO customer_log (customer_id, last_login_at) VALUES
				(1, '2024-07-15 09:59:59'), (2, '2024-07-15 10:00:00'), (3, '2024-07-15 10:00:01'),
				(4, '2024-07-15 11:30:00'), (6, '2020-03-01 08:00:00')`)
		f.rule(sweeper.Rule{Name: "account-idle-2y", Table: "customer_entity",
			AgeSQL:    "(SELECT MAX(l.last_login_at) FROM customer_log l WHERE l.customer_id = customer_entity.entity_id)",
			OlderThan: years(2), Action: sweeper.ActionDelete,
			Related: []sweeper.Related{{Table: "customer_log", ForeignKey: []string{"customer_id"}, Action: sweeper.ActionDelete}}})
		asOf := engAms(2026, 7, 15, 12, 0, 0)

		if errs := engErrors(engCheck(f)); len(errs) != 0 {
			t.Errorf("check: got %q, want no errors", errs)
		}
		p, err := f.sw.Plan(ctx, sweeper.PlanOptions{AsOf: asOf})
		if err != nil {
			t.Fatalf("plan: %v", err)
		}
		if got := p.Rules[0].Due; got != 2 {
			t.Errorf("plan due: got %d, want 2 (the login one second before the cutoff, and the one of 2020)", got)
		}
		if o := p.Rules[0].Oldest; o == nil || !o.Equal(time.Date(2020, 3, 1, 8, 0, 0, 0, time.UTC)) {
			t.Errorf("plan oldest: got %v, want 2020-03-01 08:00:00 UTC", o)
		}
		rep := f.sweep(asOf, sweeper.SweepOptions{})
		if got := engRule(t, rep, "account-idle-2y").Rows; got != 2 {
			t.Errorf("sweep rows: got %d, want 2", got)
		}
		// 2 logged in at the cutoff, 3 a second and 4 ninety minutes after
		// it: read as Amsterdam wall-clock time they looked two hours older.
		engWantIDs(t, f, "accounts left", `SELECT entity_id FROM customer_entity ORDER BY entity_id`, 2, 3, 4, 5)
	})

	t.Run("SaleorLastOrderIsAnInstant", func(t *testing.T) {
		// Saleor ages an account's phone by its last order: MAX over a
		// timestamptz column, with a cutoff in summer.
		f := setup(t, dbPostgres)
		f.exec(`CREATE TABLE account_user (id BIGSERIAL PRIMARY KEY, email VARCHAR(254) NOT NULL, phone VARCHAR(128) NULL,
				date_joined TIMESTAMPTZ NOT NULL)`,
			`CREATE TABLE order_order (id BIGSERIAL PRIMARY KEY, user_id BIGINT NULL, created_at TIMESTAMPTZ NOT NULL)`,
			`INSERT INTO account_user (id, email, phone, date_joined) VALUES
				(1, 'a@example.com', '0611111111', '2015-01-01 00:00:00+00'),
				(2, 'b@example.com', '0622222222', '2015-01-01 00:00:00+00'),
				(3, 'c@example.com', '0633333333', '2015-01-01 00:00:00+00'),
				(4, 'd@example.com', '0644444444', '2015-01-01 00:00:00+00')`,
			// As of 2026-01-20 03:30 CET, six months back is 2025-07-20
			// 03:30 CEST: 01:30:00 UTC.
			`INSERT INTO order_order (user_id, created_at) VALUES
				(1, '2024-01-01 10:00:00+00'), (1, '2025-07-20 01:29:59+00'),
				(2, '2025-07-20 01:30:00+00'),
				(3, '2025-07-20 01:30:01+00'),
				(4, '2025-01-01 10:00:00+00'), (4, '2025-07-20 02:00:00+00')`)
		f.rule(sweeper.Rule{Name: "phone-6m", Table: "account_user",
			AgeSQL:    "(SELECT MAX(o.created_at) FROM order_order o WHERE o.user_id = account_user.id)",
			OlderThan: months(6), Action: sweeper.ActionAnonymise,
			Anonymise: []sweeper.ColumnStrategy{{Column: "phone", Strategy: sweeper.StrategyNull}}})
		asOf := engAms(2026, 1, 20, 3, 30, 0)

		if errs := engErrors(engCheck(f)); len(errs) != 0 {
			t.Errorf("check: got %q, want no errors", errs)
		}
		p, err := f.sw.Plan(ctx, sweeper.PlanOptions{AsOf: asOf})
		if err != nil {
			t.Fatalf("plan: %v", err)
		}
		if got := p.Rules[0].Due; got != 1 {
			t.Errorf("plan due: got %d, want 1", got)
		}
		rep := f.sweep(asOf, sweeper.SweepOptions{})
		if got := engRule(t, rep, "phone-6m").Rows; got != 1 {
			t.Errorf("sweep rows: got %d, want 1", got)
		}
		// 3 ordered one second and 4 thirty minutes after the cutoff.
		engWantIDs(t, f, "accounts keeping their phone", `SELECT id FROM account_user WHERE phone IS NOT NULL ORDER BY id`, 2, 3, 4)
	})

	t.Run("AgeTimezoneOnAnInstantIsNotUsed", func(t *testing.T) {
		// An instant has no zone: age_timezone would move its cutoff by the
		// zone's offset, two hours early for Amsterdam in summer.
		f := setup(t, dbMySQL)
		f.exec(`CREATE TABLE sessions (id AUTO_PK, seen_at TIMESTAMP NULL)`)
		f.execUTC(`INSERT INTO sessions (seen_at) VALUES ('2026-05-21 21:59:59'), ('2026-05-21 22:00:00'), ('2026-05-21 23:30:00')`)
		f.rule(sweeper.Rule{Name: "sessions", Table: "sessions", AgeSQL: "GREATEST(seen_at, seen_at)",
			AgeTimezone: amsterdam, AgeTimezoneSet: true, OlderThan: months(6), Action: sweeper.ActionDelete})
		engWantFinding(t, engCheck(f), sweeper.SeverityWarning, "sessions", "age_timezone", "instant")
		f.sweep(engAms(2026, 11, 22, 0, 0, 0), sweeper.SweepOptions{})
		engWantIDs(t, f, "sessions left", `SELECT id FROM sessions ORDER BY id`, 2, 3)
	})

	t.Run("TypeThatCannotBeToldNeedsAgeTimezone", func(t *testing.T) {
		// Text could be wall-clock time in any zone, or an instant written
		// in UTC: the rule is refused until it says which, and nothing goes.
		for _, d := range []dbKind{dbMySQL, dbPostgres} {
			t.Run(string(d), func(t *testing.T) {
				f := setup(t, d)
				f.exec(`CREATE TABLE posts (id AUTO_PK, post_date_gmt VARCHAR(19) NOT NULL)`,
					`INSERT INTO posts (post_date_gmt) VALUES ('2026-05-21 21:59:59'), ('2026-05-21 22:00:00'), ('2026-05-21 23:30:00')`)
				r := f.rule(sweeper.Rule{Name: "posts", Table: "posts", AgeSQL: "TRIM(post_date_gmt)",
					OlderThan: months(6), Action: sweeper.ActionDelete})
				asOf := engAms(2026, 11, 22, 0, 0, 0)
				engWantFinding(t, engCheck(f), sweeper.SeverityError, "posts", "age_sql", "age_timezone")
				_, err := engSweep(f, asOf, sweeper.SweepOptions{})
				if rr := engPartial(t, err).Failed[0]; !strings.Contains(rr.Err.Error(), "age_timezone") {
					t.Errorf("sweep: got %v, want the rule refused naming age_timezone", rr.Err)
				}
				engWantIDs(t, f, "posts left after the refusal", `SELECT id FROM posts ORDER BY id`, 1, 2, 3)

				// Declared, the values are wall-clock times in that zone, as
				// always: the cutoff 2026-05-22 00:00 CEST is 22:00 UTC.
				r.AgeTimezone, r.AgeTimezoneSet = time.UTC, true
				if errs := engErrors(engCheck(f)); len(errs) != 0 {
					t.Errorf("check with age_timezone: got %q, want no errors", errs)
				}
				f.sweep(asOf, sweeper.SweepOptions{})
				engWantIDs(t, f, "posts left", `SELECT id FROM posts ORDER BY id`, 2, 3)
			})
		}
	})

	t.Run("NumberIsNoTime", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			f.exec(`CREATE TABLE wp_users (id AUTO_PK, user_registered INT NOT NULL)`,
				`INSERT INTO wp_users (user_registered) VALUES (1)`)
			f.rule(sweeper.Rule{Name: "unix", Table: "wp_users", AgeSQL: "wp_users.user_registered",
				AgeTimezone: time.UTC, AgeTimezoneSet: true, OlderThan: years(1), Action: sweeper.ActionDelete})
			engWantFinding(t, engCheck(f), sweeper.SeverityError, "unix", "age_sql", "no date or time")
			engSweep(f, engAms(2026, 11, 22, 0, 0, 0), sweeper.SweepOptions{})
			engWantIDs(t, f, "users left", `SELECT id FROM wp_users ORDER BY id`, 1)
		})
	})
}

// TestLoad_AgeTimezoneSet: only a rule that gives age_timezone has
// declared the zone of an age_sql the database cannot type.
func TestLoad_AgeTimezoneSet(t *testing.T) {
	load := func(extra string) *sweeper.Rule {
		t.Helper()
		c, err := sweeper.Load(strings.NewReader(`
[database]
driver = "mysql"
dsn = "u@tcp(db)/shop"
[sweeper]
timezone = "Europe/Amsterdam"
[[rule]]
name = "posts"
table = "posts"
age_sql = "TRIM(post_date_gmt)"
older_than = "6 months"
action = "delete"
`+extra), t.TempDir(), func(string) (string, bool) { return "", false })
		if err != nil {
			t.Fatalf("Load: %v", err)
		}
		return c.Rules[0]
	}
	if r := load(""); r.AgeTimezoneSet || r.AgeTimezone.String() != "Europe/Amsterdam" {
		t.Errorf("without age_timezone: got set=%v zone %s, want false and sweeper.timezone", r.AgeTimezoneSet, r.AgeTimezone)
	}
	if r := load(`age_timezone = "Europe/Amsterdam"`); !r.AgeTimezoneSet {
		t.Errorf("with age_timezone equal to sweeper.timezone: got set=false, want true")
	}
}
