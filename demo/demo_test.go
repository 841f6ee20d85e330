package demo

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/sweeperd/sweeper/connectors/database"
	"github.com/sweeperd/sweeper/sweeper"
)

// The example the demo is a copy of.
const (
	exampleSchema = "../examples/kleintjesgeluk/schema.sql"
	exampleConfig = "../examples/kleintjesgeluk/config.toml"
)

// fixedNow is a Sunday in November 2026: far from a daylight-saving change, so
// every edge-case row lies exactly edge away from its cutoff in wall-clock time.
func fixedNow(tb testing.TB) time.Time {
	tb.Helper()
	loc, err := time.LoadLocation(Timezone)
	if err != nil {
		tb.Fatal(err)
	}
	return time.Date(2026, time.November, 22, 10, 30, 0, 0, loc)
}

func MustWrite(tb testing.TB, dir string) Result {
	tb.Helper()
	res, err := Write(context.Background(), dir, fixedNow(tb))
	if err != nil {
		tb.Fatalf("Write(%s): %v", dir, err)
	}
	return res
}

func MustOpen(tb testing.TB, path string) *sql.DB {
	tb.Helper()
	db, err := sql.Open("sqlite", DSN(path))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func MustCount(tb testing.TB, db *sql.DB, query string, args ...any) int {
	tb.Helper()
	var n int
	if err := db.QueryRow(query, args...).Scan(&n); err != nil {
		tb.Fatalf("%s: %v", query, err)
	}
	return n
}

// MustLoad loads a config as the sweeper does; the example's secrets come
// from the environment, which the test fills with placeholders.
func MustLoad(tb testing.TB, path string) *sweeper.Config {
	tb.Helper()
	cfg, err := sweeper.LoadFile(path, func(string) (string, bool) { return "placeholder", true })
	if err != nil {
		tb.Fatalf("load %s: %v", path, err)
	}
	return cfg
}

func TestWrite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "not", "yet") // Write creates it
	start := time.Now()
	res := MustWrite(t, dir)
	t.Logf("generated %v in %v", res.Rows, time.Since(start))
	db := MustOpen(t, res.DatabasePath)

	t.Run("WritesBothFiles", func(t *testing.T) {
		for _, p := range []string{res.ConfigPath, res.DatabasePath} {
			if !filepath.IsAbs(p) {
				t.Errorf("got relative path %s, want absolute", p)
			}
			if filepath.Dir(p) != dir {
				t.Errorf("got %s, want it in %s", p, dir)
			}
			if _, err := os.Stat(p); err != nil {
				t.Error(err)
			}
		}
	})

	t.Run("CountsMatchTables", func(t *testing.T) {
		// Roughly a small card shop's ten years; the exact numbers follow
		// from the seed.
		want := map[string][2]int{
			"customers":              {1200, 1400},
			"customer_addresses":     {1300, 1900},
			"favourites":             {600, 1000},
			"quotes":                 {150, 220},
			"quote_lines":            {250, 450},
			"orders":                 {3000, 4000},
			"order_lines":            {4300, 6000},
			"card_designs":           {3800, 5000},
			"invoices":               {2900, 3800},
			"invoice_lines":          {3800, 5200},
			"payments":               {2900, 3800},
			"contact_messages":       {1150, 1250},
			"service_requests":       {620, 700},
			"newsletter_subscribers": {900, 1100},
			"newsletter_optins":      {900, 1100},
			"contests":               {25, 35},
			"contest_entries":        {1000, 1800},
			"research_studies":       {8, 15},
			"research_participants":  {300, 700},
			"research_responses":     {600, 1500},
		}
		if len(res.Rows) != len(want) || len(Tables()) != len(want) {
			t.Errorf("got rows for %d tables and %d in Tables(), want %d: %v", len(res.Rows), len(Tables()), len(want), res.Rows)
		}
		var tables []string
		rows, err := db.Query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var name string
			if err := rows.Scan(&name); err != nil {
				t.Fatal(err)
			}
			tables = append(tables, name)
		}
		rows.Close()
		if got, want := tables, slices.Sorted(slices.Values(Tables())); !slices.Equal(got, want) {
			t.Errorf("the database has tables %v, Tables() says %v", got, want)
		}
		for _, table := range Tables() {
			got := MustCount(t, db, "SELECT COUNT(*) FROM "+table)
			if got != res.Rows[table] {
				t.Errorf("%s: got %d rows in the database, Result.Rows says %d", table, got, res.Rows[table])
			}
			if r, ok := want[table]; !ok || got < r[0] || got > r[1] {
				t.Errorf("%s: got %d rows, want %d to %d", table, got, r[0], r[1])
			}
		}
	})

	t.Run("MatchesTheExampleSchema", func(t *testing.T) {
		checkSchema(t, db)
	})

	t.Run("TimesAreWallClockBeforeNow", func(t *testing.T) {
		now := fixedNow(t).Format(sqlTime)
		format := regexp.MustCompile(`^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$`)
		checked := 0
		for _, table := range Tables() {
			for _, c := range sqliteColumns(t, db, table) {
				if c.typ != "datetime" {
					continue
				}
				checked++
				// CAST: the driver turns DATETIME columns into time.Time; we want the stored text.
				rows, err := db.Query("SELECT CAST(" + c.name + " AS TEXT) FROM " + table + " WHERE " + c.name + " IS NOT NULL")
				if err != nil {
					t.Fatal(err)
				}
				for rows.Next() {
					var v string
					if err := rows.Scan(&v); err != nil {
						t.Fatal(err)
					}
					// Contests end in the future; the rest happened.
					if !format.MatchString(v) || (v >= now && table != "contests") {
						t.Errorf("%s.%s: got %q, want YYYY-MM-DD HH:MM:SS before %s", table, c.name, v, now)
						break
					}
				}
				if err := rows.Close(); err != nil {
					t.Fatal(err)
				}
			}
		}
		if checked != 26 {
			t.Errorf("checked %d DATETIME columns, want the schema's 26", checked)
		}
	})

	t.Run("HasRowsEitherSideOfEveryCutoff", func(t *testing.T) {
		checkEdges(t, db, MustLoad(t, res.ConfigPath), fixedNow(t))
	})

	t.Run("HasNullAgesAndHolds", func(t *testing.T) {
		now := fixedNow(t)
		f := func(p sweeper.Period) string { return p.Before(now).Format(sqlTime) }
		for _, c := range []struct{ name, query string }{
			{"accounts never logged in to after registering", "SELECT COUNT(*) FROM customers WHERE last_login_at IS NULL"},
			{"accounts idle for seven years", "SELECT COUNT(*) FROM customers WHERE COALESCE(last_login_at, created_at) < '" + f(sevenYears) + "'"},
			{"deletion requests", "SELECT COUNT(*) FROM customers WHERE deletion_requested_at IS NOT NULL"},
			{"guest orders", "SELECT COUNT(*) FROM orders WHERE customer_id IS NULL"},
			{"orders from quotes", "SELECT COUNT(*) FROM orders WHERE quote_id IS NOT NULL"},
			{"cards sent straight to recipients", "SELECT COUNT(*) FROM order_lines WHERE ship_to_name IS NOT NULL"},
			{"cancelled orders, without an invoice", "SELECT COUNT(*) FROM orders o WHERE status = 'cancelled' AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.order_id = o.id)"},
			{"guest designs never ordered (no age for design-guest-order-1y)", "SELECT COUNT(*) FROM card_designs WHERE customer_id IS NULL AND order_id IS NULL"},
			{"account designs of orders over a year old (held by where)", "SELECT COUNT(*) FROM card_designs d JOIN orders o ON o.id = d.order_id WHERE d.customer_id IS NOT NULL AND o.ordered_at < '" + f(oneYear) + "'"},
			{"account designs never ordered, old (held by where)", "SELECT COUNT(*) FROM card_designs WHERE customer_id IS NOT NULL AND order_id IS NULL AND updated_at < '" + f(thirtyDays) + "'"},
			{"old payments without an account number (nothing to anonymise)", "SELECT COUNT(*) FROM payments WHERE iban IS NULL AND paid_at < '" + f(sevenYears) + "'"},
			{"contacts by phone without an e-mail address", "SELECT COUNT(*) FROM contact_messages WHERE channel = 'phone' AND email IS NULL"},
			{"open service requests", "SELECT COUNT(*) FROM service_requests WHERE handled_at IS NULL"},
			{"reopened service requests (held by where)", "SELECT COUNT(*) FROM service_requests WHERE handled_at < '" + f(twoWeeks) + "' AND status <> 'handled'"},
			{"current subscribers", "SELECT COUNT(*) FROM newsletter_subscribers WHERE unsubscribed_at IS NULL"},
			{"subscribers who came back", "SELECT COUNT(*) FROM (SELECT email FROM newsletter_subscribers GROUP BY email HAVING COUNT(*) > 1)"},
			{"checkout subscribers, never confirmed (held by where)", "SELECT COUNT(*) FROM newsletter_subscribers WHERE source = 'customer' AND confirmed_at IS NULL AND subscribed_at < '" + f(thirtyDays) + "'"},
			{"a running contest", "SELECT COUNT(*) FROM contests WHERE ends_at > '" + now.Format(sqlTime) + "'"},
			{"winners", "SELECT COUNT(*) FROM contest_entries WHERE is_winner = 1"},
			{"a running study (no age for research-finished)", "SELECT COUNT(*) FROM research_studies WHERE finalized_at IS NULL"},
			{"participants who answered", "SELECT COUNT(DISTINCT participant_id) FROM research_responses"},
		} {
			if n := MustCount(t, db, c.query); n == 0 {
				t.Errorf("got no %s, want some", c.name)
			}
		}
	})

	t.Run("UsesOnlyExampleAddresses", func(t *testing.T) {
		for _, table := range []string{"customers", "quotes", "orders", "invoices", "contact_messages", "service_requests", "newsletter_subscribers", "contest_entries", "research_participants"} {
			q := "SELECT COUNT(*) FROM " + table + " WHERE email NOT LIKE '%@example.nl' AND email NOT LIKE '%@example.com'"
			if n := MustCount(t, db, q); n != 0 {
				t.Errorf("%s: got %d addresses outside example.nl and example.com", table, n)
			}
		}
		if n := MustCount(t, db, "SELECT COUNT(*) FROM contests WHERE terms_url NOT LIKE 'https://www.example.nl/%'"); n != 0 {
			t.Errorf("got %d contest terms outside www.example.nl", n)
		}
		for _, c := range []string{"request_ip", "confirm_ip"} {
			q := "SELECT COUNT(*) FROM newsletter_optins WHERE " + c + " NOT LIKE '192.0.2.%' AND " + c + " NOT LIKE '198.51.100.%' AND " +
				c + " NOT LIKE '203.0.113.%' AND " + c + " NOT LIKE '2001:db8:%'"
			if n := MustCount(t, db, q); n != 0 {
				t.Errorf("newsletter_optins.%s: got %d addresses outside the documentation ranges", c, n)
			}
		}
		rows, err := db.Query("SELECT iban FROM payments WHERE iban IS NOT NULL")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			var iban string
			if err := rows.Scan(&iban); err != nil {
				t.Fatal(err)
			}
			if n++; !regexp.MustCompile(`^NL\d\dDEMO\d{10}$`).MatchString(iban) || ibanCheck("NL", iban[4:]) != iban[2:4] {
				t.Errorf("got IBAN %q, want a valid one at the bank code DEMO", iban)
				break
			}
		}
		if n == 0 {
			t.Error("got no IBANs")
		}
	})

	t.Run("EnforcesForeignKeys", func(t *testing.T) {
		// The account rules have to detach the orders first, as they would on MariaDB.
		_, err := db.Exec("DELETE FROM customers WHERE id IN (SELECT customer_id FROM orders WHERE customer_id IS NOT NULL LIMIT 1)")
		if err == nil {
			t.Error("deleting a customer with orders succeeded, want a foreign key error")
		}
		if n := MustCount(t, db, "SELECT COUNT(*) FROM pragma_foreign_key_check"); n != 0 {
			t.Errorf("got %d rows whose foreign key points nowhere", n)
		}
	})

	t.Run("ConfigIsTOMLForSQLite", func(t *testing.T) {
		var cfg struct {
			Database struct{ Driver, DSN string }
			Sweeper  struct {
				Timezone string
				HashKey  string `toml:"hash_key"`
			}
			HTTP struct{ Listen string }
			Log  struct{ Level string }
			Mail map[string]any
			Rule []struct {
				Name     string
				Table    string
				Reminder map[string]any
				Files    map[string]any
			}
		}
		md, err := toml.DecodeFile(res.ConfigPath, &cfg)
		if err != nil {
			t.Fatalf("config does not parse: %v", err)
		}
		if cfg.Database.Driver != "sqlite" {
			t.Errorf("got driver %q, want sqlite", cfg.Database.Driver)
		}
		if want := DSN(res.DatabasePath); cfg.Database.DSN != want {
			t.Errorf("got dsn %q, want %q", cfg.Database.DSN, want)
		}
		if cfg.Sweeper.Timezone != Timezone {
			t.Errorf("got timezone %q, want %q", cfg.Sweeper.Timezone, Timezone)
		}
		if len(cfg.Sweeper.HashKey) != 64 || strings.Contains(cfg.Sweeper.HashKey, "$") {
			t.Errorf("got hash_key %q, want 64 hex digits", cfg.Sweeper.HashKey)
		}
		if cfg.HTTP.Listen != "" || !md.IsDefined("http", "listen") {
			t.Errorf("got http.listen %q, want it set to \"\"", cfg.HTTP.Listen)
		}
		if cfg.Log.Level != "info" {
			t.Errorf("got log.level %q, want info", cfg.Log.Level)
		}
		if cfg.Mail != nil {
			t.Errorf("got a [mail] table; the demo has no mail server")
		}
		if len(cfg.Rule) != 17 {
			t.Errorf("got %d rules, want the example's 17", len(cfg.Rule))
		}
		for _, r := range cfg.Rule {
			if r.Reminder != nil || r.Files != nil {
				t.Errorf("rule %s: got a reminder or files; the demo has no mail server and no files", r.Name)
			}
			if n := MustCount(t, db, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?", r.Table); n != 1 {
				t.Errorf("rule %s: table %s is not in the demo database", r.Name, r.Table)
			}
		}
	})

	t.Run("ConfigKeepsTheExampleRules", func(t *testing.T) {
		checkRules(t, MustLoad(t, exampleConfig), MustLoad(t, res.ConfigPath))
	})

	t.Run("RefusesToOverwrite", func(t *testing.T) {
		before, err := os.ReadFile(res.ConfigPath)
		if err != nil {
			t.Fatal(err)
		}
		_, err = Write(context.Background(), dir, fixedNow(t))
		if err == nil {
			t.Fatal("second Write into the same dir succeeded, want an error")
		}
		for _, want := range []string{res.DatabasePath, res.ConfigPath, "--dir"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("got error %q, want it to name %s", err, want)
			}
		}
		after, err := os.ReadFile(res.ConfigPath)
		if err != nil {
			t.Fatal(err)
		}
		if string(after) != string(before) {
			t.Error("the failed Write changed the existing config")
		}
		if n := MustCount(t, db, "SELECT COUNT(*) FROM orders"); n != res.Rows["orders"] {
			t.Errorf("got %d orders after the failed Write, want %d", n, res.Rows["orders"])
		}
	})
}

// TestWrite_Sweeps runs the sweeper on the demo as `sweeper demo` tells a
// newcomer to: check finds no error, the plan has rows due now and in the
// next 30 days for every rule and something in its charts, a sweep takes
// what was due, and a second sweep finds nothing.
func TestWrite_Sweeps(t *testing.T) {
	res := MustWrite(t, t.TempDir())
	cfg := MustLoad(t, res.ConfigPath)
	ctx := context.Background()
	db, err := database.Open(ctx, cfg.Database.Driver, cfg.Database.DSN, database.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := &sweeper.Sweeper{Config: cfg, Store: db}
	now := fixedNow(t)

	for _, f := range s.Check(ctx) {
		if f.Severity == sweeper.SeverityError || !strings.Contains(f.Message, "audit table") {
			t.Errorf("check: %s", f)
		}
	}

	p, err := s.Plan(ctx, sweeper.PlanOptions{AsOf: now})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Forecast(ctx, p, 12); err != nil {
		t.Fatal(err)
	}
	due := map[string]int{}
	for _, r := range p.Rules {
		if r.Err != nil {
			t.Errorf("%s: %v", r.Name, r.Err)
			continue
		}
		inYear := 0
		for _, m := range r.Forecast {
			inYear += m.Rows
		}
		t.Logf("%-28s due %5d, next 30 days %3d, next 12 months %4d", r.Name, r.Due, r.Upcoming30d, inYear)
		if r.Due == 0 || r.Upcoming30d == 0 || inYear == 0 {
			t.Errorf("%s: %d due, %d in the next 30 days, %d in the next 12 months; want some of each", r.Name, r.Due, r.Upcoming30d, inYear)
		}
		due[r.Name] = r.Due
	}

	rep, err := s.Sweep(ctx, sweeper.SweepOptions{AsOf: now})
	if err != nil {
		t.Fatalf("sweep: %v", err)
	}
	for _, r := range rep.Rules {
		if r.Err != nil {
			t.Errorf("sweep %s: %v", r.Name, r.Err)
		}
		// Rules that share rows (an account's designs, a payment's 7 and 8
		// years) can find fewer than their plan said, never more.
		if r.Rows == 0 || r.Rows > due[r.Name] {
			t.Errorf("sweep %s: %d rows, the plan said %d due", r.Name, r.Rows, due[r.Name])
		}
	}
	again, err := s.Sweep(ctx, sweeper.SweepOptions{AsOf: now})
	if err != nil {
		t.Fatalf("second sweep: %v", err)
	}
	for _, r := range again.Rules {
		if r.Err != nil || r.Rows != 0 {
			t.Errorf("second sweep %s: %d rows, %v; want nothing", r.Name, r.Rows, r.Err)
		}
	}
}

// checkRules holds the demo's rules to the example's: the same promises, in
// the same order, with the same words, periods, holds and related tables.
// Only age_sql may differ, where the example's is MySQL.
func checkRules(t *testing.T, example, demo *sweeper.Config) {
	t.Helper()
	if len(demo.Rules) != len(example.Rules) {
		t.Fatalf("got %d rules, the example has %d", len(demo.Rules), len(example.Rules))
	}
	for i, want := range example.Rules {
		got := *demo.Rules[i]
		w := *want
		if got.AgeSQL != w.AgeSQL {
			if !strings.Contains(w.AgeSQL, "DATE_ADD") {
				t.Errorf("rule %s: age_sql %q, the example's %q", w.Name, got.AgeSQL, w.AgeSQL)
			}
			got.AgeSQL, w.AgeSQL = "", ""
		}
		if got.AgeTimezone.String() != w.AgeTimezone.String() {
			t.Errorf("rule %s: age_timezone %s, the example's %s", w.Name, got.AgeTimezone, w.AgeTimezone)
		}
		got.AgeTimezone, w.AgeTimezone = nil, nil
		if !reflect.DeepEqual(got, w) {
			t.Errorf("rule %d differs from the example's:\n got %+v\nwant %+v", i, got, w)
		}
	}
	if !reflect.DeepEqual(demo.Subject, example.Subject) {
		t.Errorf("[subject] differs from the example's:\n got %+v\nwant %+v", demo.Subject, example.Subject)
	}
	gs, ws := demo.Sweeper, example.Sweeper
	gs.HashKey, ws.HashKey = "", ""
	if gs.Timezone.String() != ws.Timezone.String() {
		t.Errorf("timezone %s, the example's %s", gs.Timezone, ws.Timezone)
	}
	gs.Timezone, ws.Timezone = nil, nil
	if !reflect.DeepEqual(gs, ws) {
		t.Errorf("[sweeper] differs from the example's:\n got %+v\nwant %+v", gs, ws)
	}
	if demo.Log != example.Log {
		t.Errorf("[log] %+v, the example's %+v", demo.Log, example.Log)
	}
}

// checkEdges asserts that the demo at db, generated at now, has rows just
// before and just after the cutoff of every rule in its config, counted with
// the rule's own age, where and anonymise targets.
func checkEdges(t *testing.T, db *sql.DB, cfg *sweeper.Config, now time.Time) {
	t.Helper()
	for _, r := range cfg.Rules {
		age := "(" + r.AgeSQL + ")"
		if r.AgeSQL == "" {
			age = "COALESCE(" + strings.Join(r.AgeColumns, ", ") + ", NULL)"
		}
		cond := "TRUE"
		if r.Where != "" {
			cond = "(" + r.Where + ")"
		}
		if r.Action == sweeper.ActionAnonymise {
			var left []string // something left to anonymise
			for _, c := range r.Anonymise {
				switch c.Strategy {
				case sweeper.StrategyNull:
					left = append(left, c.Column+" IS NOT NULL")
				case sweeper.StrategyHash:
					left = append(left, c.Column+" NOT LIKE 'hmac:%'")
				default:
					left = append(left, c.Column+" <> '"+cfg.Sweeper.RedactText+"'")
				}
			}
			cond += " AND (" + strings.Join(left, " OR ") + ")"
		}
		cutoff := r.OlderThan.Before(now)
		q := "SELECT COUNT(*) FROM " + r.Table + " WHERE " + age + " >= ? AND " + age + " < ? AND " + cond
		f := func(t time.Time) string { return t.Format(sqlTime) }
		if n := MustCount(t, db, q, f(cutoff.Add(-edge-time.Minute)), f(cutoff)); n == 0 {
			t.Errorf("%s: got no row just before the cutoff %s, want one", r.Name, f(cutoff))
		}
		if n := MustCount(t, db, q, f(cutoff), f(cutoff.Add(edge+time.Minute))); n == 0 {
			t.Errorf("%s: got no row just after the cutoff %s, want one", r.Name, f(cutoff))
		}
	}
}

type sqliteColumn struct {
	name, typ string
	notNull   bool
	pk        int
}

func sqliteColumns(t *testing.T, db *sql.DB, table string) []sqliteColumn {
	t.Helper()
	rows, err := db.Query(`SELECT name, lower(type), "notnull", pk FROM pragma_table_info(?) ORDER BY cid`, table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []sqliteColumn
	for rows.Next() {
		var c sqliteColumn
		if err := rows.Scan(&c.name, &c.typ, &c.notNull, &c.pk); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

// checkSchema holds the demo's tables to examples/kleintjesgeluk/schema.sql:
// the same columns in the same order, with their nullability and the
// equivalent type; the same primary keys, indexes, foreign keys and checks.
func checkSchema(t *testing.T, db *sql.DB) {
	t.Helper()
	b, err := os.ReadFile(exampleSchema)
	if err != nil {
		t.Fatal(err)
	}
	// SQLite's name of a MySQL type the demo translates; other types keep
	// their name.
	sqliteType := func(mysql string) string {
		switch mysql = strings.ToLower(mysql); {
		case strings.Contains(mysql, "int"):
			return "integer"
		case mysql == "mediumtext":
			return "text"
		}
		return strings.ToLower(mysql)
	}
	table := regexp.MustCompile(`(?s)CREATE TABLE (\w+) \((.*?)\n\) ENGINE`)
	column := regexp.MustCompile(`^(\w+)\s+([A-Z]+(?:\(\d+(?:,\d+)?\))?(?: UNSIGNED)?)\s+(NOT NULL|NULL)`)
	index := regexp.MustCompile(`^(UNIQUE KEY|KEY) (\w+) \(([\w, ]+)\)`)
	foreign := regexp.MustCompile(`FOREIGN KEY \((\w+)\)\s+REFERENCES (\w+) \((\w+)\) ON DELETE (\w+)`)
	check := regexp.MustCompile(`CONSTRAINT (chk_\w+) CHECK`)
	tables := table.FindAllStringSubmatch(string(b), -1)
	if len(tables) != len(Tables()) {
		t.Errorf("the example has %d tables, the demo %d", len(tables), len(Tables()))
	}
	for _, m := range tables {
		name, body := m[1], m[2]
		if !slices.Contains(Tables(), name) {
			t.Errorf("table %s of the example is not in Tables()", name)
			continue
		}
		var wantCols, wantIdx, wantFK []string
		for _, l := range strings.Split(body, "\n") {
			l = strings.TrimSuffix(strings.TrimSpace(l), ",")
			if c := column.FindStringSubmatch(l); c != nil && !strings.HasPrefix(l, "PRIMARY") {
				wantCols = append(wantCols, fmt.Sprintf("%s %s null=%v", c[1], sqliteType(c[2]), c[3] == "NULL"))
			}
			if c := index.FindStringSubmatch(l); c != nil {
				wantIdx = append(wantIdx, fmt.Sprintf("%s (%s) unique=%v", c[2], strings.ReplaceAll(c[3], " ", ""), c[1] == "UNIQUE KEY"))
			}
			if l == "PRIMARY KEY (id)" {
				wantCols = slices.Insert(wantCols, 0, "pk=id")
			}
		}
		for _, c := range foreign.FindAllStringSubmatch(body, -1) {
			wantFK = append(wantFK, fmt.Sprintf("%s -> %s(%s) on delete %s", c[1], c[2], c[3], c[4]))
		}

		var gotCols, gotIdx, gotFK []string
		for _, c := range sqliteColumns(t, db, name) {
			if c.pk > 0 {
				gotCols = slices.Insert(gotCols, 0, "pk="+c.name)
			}
			gotCols = append(gotCols, fmt.Sprintf("%s %s null=%v", c.name, c.typ, !c.notNull))
		}
		rows, err := db.Query(`SELECT l.name, l."unique", group_concat(i.name, ',') FROM pragma_index_list(?) l, pragma_index_info(l.name) i
			WHERE l.origin <> 'pk' GROUP BY l.name ORDER BY l.name`, name)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var idx, cols string
			var unique bool
			if err := rows.Scan(&idx, &unique, &cols); err != nil {
				t.Fatal(err)
			}
			gotIdx = append(gotIdx, fmt.Sprintf("%s (%s) unique=%v", idx, cols, unique))
		}
		rows.Close()
		rows, err = db.Query(`SELECT "from", "table", "to", on_delete FROM pragma_foreign_key_list(?)`, name)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var from, to, col, onDelete string
			if err := rows.Scan(&from, &to, &col, &onDelete); err != nil {
				t.Fatal(err)
			}
			gotFK = append(gotFK, fmt.Sprintf("%s -> %s(%s) on delete %s", from, to, col, onDelete))
		}
		rows.Close()
		slices.Sort(wantIdx)
		slices.Sort(wantFK)
		slices.Sort(gotFK)
		for _, c := range []struct {
			what      string
			got, want []string
		}{{"columns", gotCols, wantCols}, {"indexes", gotIdx, wantIdx}, {"foreign keys", gotFK, wantFK}} {
			if !slices.Equal(c.got, c.want) {
				t.Errorf("%s: %s differ from the example's:\n got %q\nwant %q", name, c.what, c.got, c.want)
			}
		}
		var ddl string
		if err := db.QueryRow("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", name).Scan(&ddl); err != nil {
			t.Fatal(err)
		}
		for _, c := range check.FindAllStringSubmatch(body, -1) {
			if !strings.Contains(ddl, "CONSTRAINT "+c[1]+" CHECK") {
				t.Errorf("%s: check %s of the example is missing", name, c[1])
			}
		}
	}
}

// TestWrite_Deterministic runs at the end of March, days after the clocks went
// forward: the edge rows must follow the sweeper's calendar arithmetic there
// too, and the same now must give the same shop.
func TestWrite_Deterministic(t *testing.T) {
	now := time.Date(2027, time.March, 31, 10, 30, 0, 0, fixedNow(t).Location())
	write := func() Result {
		res, err := Write(context.Background(), t.TempDir(), now)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	a, b := write(), write()
	checkEdges(t, MustOpen(t, a.DatabasePath), MustLoad(t, a.ConfigPath), now)
	for _, table := range Tables() {
		if a.Rows[table] != b.Rows[table] {
			t.Errorf("%s: got %d and %d rows from the same now", table, a.Rows[table], b.Rows[table])
		}
	}
	sum := func(path string) string {
		db := MustOpen(t, path)
		h := sha256.New()
		for _, q := range []string{
			"SELECT CAST(ordered_at AS TEXT) || email || COALESCE(phone, '') FROM orders ORDER BY id",
			"SELECT content || CAST(updated_at AS TEXT) FROM card_designs ORDER BY id",
			"SELECT COALESCE(iban, '') || CAST(paid_at AS TEXT) FROM payments ORDER BY id",
		} {
			rows, err := db.Query(q)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var v string
				if err := rows.Scan(&v); err != nil {
					t.Fatal(err)
				}
				h.Write([]byte(v + "\n"))
			}
			if err := rows.Close(); err != nil {
				t.Fatal(err)
			}
		}
		return hex.EncodeToString(h.Sum(nil))
	}
	if x, y := sum(a.DatabasePath), sum(b.DatabasePath); x != y {
		t.Errorf("got checksums %s and %s from the same now, want equal", x, y)
	}
}

func TestWrite_RemovesWhatItWroteOnFailure(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Write(ctx, dir, fixedNow(t)); err == nil {
		t.Fatal("Write with a cancelled context succeeded, want an error")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("got %s left behind, want an empty dir", e.Name())
	}
	// Nothing left in the way: a retry works.
	MustWrite(t, dir)
}

func TestTOMLString(t *testing.T) {
	for in, want := range map[string]string{
		`/tmp/demo/shop.db`:       `"/tmp/demo/shop.db"`,
		`C:\Users\me\demo`:        `"C:\\Users\\me\\demo"`,
		"quote\"and\ttab":         `"quote\"and\u0009tab"`,
		"/tmp/hé/shop.db?x=1&y=2": `"/tmp/hé/shop.db?x=1&y=2"`,
	} {
		if got := tomlString(in); got != want {
			t.Errorf("tomlString(%q): got %s, want %s", in, got, want)
		}
		var v struct{ S string }
		if _, err := toml.Decode("S = "+tomlString(in), &v); err != nil || v.S != in {
			t.Errorf("tomlString(%q) does not round-trip through TOML: got %q, %v", in, v.S, err)
		}
	}
}
