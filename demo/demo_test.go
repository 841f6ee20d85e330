package demo

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/sweeperd/sweeper/sweeper"
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
		want := map[string][2]int{
			"customers":              {1900, 2100},
			"addresses":              {2000, 3200},
			"orders":                 {7800, 8200},
			"complaints":             {550, 650},
			"contact_messages":       {1400, 1600},
			"newsletter_subscribers": {950, 1050},
		}
		if len(res.Rows) != len(want) {
			t.Errorf("got rows for %d tables, want %d: %v", len(res.Rows), len(want), res.Rows)
		}
		for _, table := range Tables() {
			got := MustCount(t, db, "SELECT COUNT(*) FROM "+table)
			if got != res.Rows[table] {
				t.Errorf("%s: got %d rows in the database, Result.Rows says %d", table, got, res.Rows[table])
			}
			if r := want[table]; got < r[0] || got > r[1] {
				t.Errorf("%s: got %d rows, want %d to %d", table, got, r[0], r[1])
			}
		}
	})

	t.Run("TimesAreWallClockBeforeNow", func(t *testing.T) {
		now := fixedNow(t).Format(sqlTime)
		format := regexp.MustCompile(`^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$`)
		for _, c := range []struct{ table, column string }{
			{"customers", "created_at"}, {"customers", "last_login_at"}, {"addresses", "created_at"},
			{"orders", "created_at"}, {"complaints", "filed_at"}, {"complaints", "handled_at"},
			{"contact_messages", "created_at"}, {"newsletter_subscribers", "subscribed_at"},
			{"newsletter_subscribers", "optin_at"}, {"newsletter_subscribers", "unsubscribed_at"},
		} {
			// CAST: the driver turns DATETIME columns into time.Time; we want the stored text.
			rows, err := db.Query("SELECT CAST(" + c.column + " AS TEXT) FROM " + c.table + " WHERE " + c.column + " IS NOT NULL")
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var v string
				if err := rows.Scan(&v); err != nil {
					t.Fatal(err)
				}
				if !format.MatchString(v) || v >= now {
					t.Errorf("%s.%s: got %q, want YYYY-MM-DD HH:MM:SS before %s", c.table, c.column, v, now)
					break
				}
			}
			if err := rows.Close(); err != nil {
				t.Fatal(err)
			}
		}
	})

	t.Run("HasRowsEitherSideOfEveryCutoff", func(t *testing.T) {
		checkEdges(t, db, fixedNow(t))
	})

	t.Run("HasNullAgesAndHolds", func(t *testing.T) {
		for _, c := range []struct{ name, query string }{
			{"accounts without a login", "SELECT COUNT(*) FROM customers WHERE last_login_at IS NULL"},
			{"open complaints", "SELECT COUNT(*) FROM complaints WHERE handled_at IS NULL"},
			{"current subscribers", "SELECT COUNT(*) FROM newsletter_subscribers WHERE unsubscribed_at IS NULL"},
			{"disputed orders", "SELECT COUNT(*) FROM orders WHERE status = 'disputed'"},
			{"guest orders", "SELECT COUNT(*) FROM orders WHERE customer_id IS NULL"},
			{"accounts idle for five years", "SELECT COUNT(*) FROM customers WHERE COALESCE(last_login_at, created_at) < ?"},
		} {
			var args []any
			if strings.Contains(c.query, "?") {
				args = append(args, sweeper.Period{Years: 5}.Before(fixedNow(t)).Format(sqlTime))
			}
			if n := MustCount(t, db, c.query, args...); n == 0 {
				t.Errorf("got no %s, want some", c.name)
			}
		}
	})

	t.Run("UsesOnlyExampleDomains", func(t *testing.T) {
		for _, table := range []string{"customers", "orders", "complaints", "contact_messages", "newsletter_subscribers"} {
			q := "SELECT COUNT(*) FROM " + table + " WHERE email NOT LIKE '%@example.nl' AND email NOT LIKE '%@example.com'"
			if n := MustCount(t, db, q); n != 0 {
				t.Errorf("%s: got %d addresses outside example.nl and example.com", table, n)
			}
		}
	})

	t.Run("EnforcesForeignKeys", func(t *testing.T) {
		// The account rule has to detach orders first, as it would on MySQL.
		_, err := db.Exec("DELETE FROM customers WHERE id IN (SELECT customer_id FROM orders WHERE customer_id IS NOT NULL LIMIT 1)")
		if err == nil {
			t.Error("deleting a customer with orders succeeded, want a foreign key error")
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
		if len(cfg.Rule) != 8 {
			t.Errorf("got %d rules, want 8", len(cfg.Rule))
		}
		for _, r := range cfg.Rule {
			if r.Reminder != nil || r.Files != nil {
				t.Errorf("rule %s: got a reminder or files; the demo has no mail server and no photos", r.Name)
			}
			if n := MustCount(t, db, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?", r.Table); n != 1 {
				t.Errorf("rule %s: table %s is not in the demo database", r.Name, r.Table)
			}
		}
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

// checkEdges asserts that the demo at db, generated at now, has rows just
// before and just after the cutoff of every rule in its config.
func checkEdges(t *testing.T, db *sql.DB, now time.Time) {
	t.Helper()
	for _, c := range []struct {
		rule, table, age string
		period           sweeper.Period
	}{
		{"order-7y", "orders", "created_at", sweeper.Period{Years: 7}},
		{"order-phone-6m", "orders", "created_at", sweeper.Period{Months: 6}},
		{"complaint-handled-1w", "complaints", "handled_at", sweeper.Period{Days: 7}},
		{"complaint-1y", "complaints", "filed_at", sweeper.Period{Years: 1}},
		{"contact-5y", "contact_messages", "created_at", sweeper.Period{Years: 5}},
		{"newsletter-unsubscribed-1m", "newsletter_subscribers", "unsubscribed_at", sweeper.Period{Months: 1}},
		{"newsletter-optin-proof-5y", "newsletter_subscribers", "unsubscribed_at", sweeper.Period{Years: 5}},
		{"account-idle-5y", "customers", "COALESCE(last_login_at, created_at)", sweeper.Period{Years: 5}},
	} {
		cutoff := c.period.Before(now)
		q := "SELECT COUNT(*) FROM " + c.table + " WHERE " + c.age + " >= ? AND " + c.age + " < ?"
		f := func(t time.Time) string { return t.Format(sqlTime) }
		if n := MustCount(t, db, q, f(cutoff.Add(-edge-time.Minute)), f(cutoff)); n == 0 {
			t.Errorf("%s: got no row just before the cutoff %s, want one", c.rule, f(cutoff))
		}
		if n := MustCount(t, db, q, f(cutoff), f(cutoff.Add(edge+time.Minute))); n == 0 {
			t.Errorf("%s: got no row just after the cutoff %s, want one", c.rule, f(cutoff))
		}
	}
}

// TestWrite_Deterministic runs at the end of March, days after the clocks went
// forward, where "1 month ago" is 28 February: the edge rows must follow the
// sweeper's calendar arithmetic there too.
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
	checkEdges(t, MustOpen(t, a.DatabasePath), now)
	for _, table := range Tables() {
		if a.Rows[table] != b.Rows[table] {
			t.Errorf("%s: got %d and %d rows from the same now", table, a.Rows[table], b.Rows[table])
		}
	}
	sum := func(path string) string {
		db := MustOpen(t, path)
		rows, err := db.Query("SELECT CAST(created_at AS TEXT), email, COALESCE(phone, '') FROM orders ORDER BY id")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		h := sha256.New()
		for rows.Next() {
			var at, email, phone string
			if err := rows.Scan(&at, &email, &phone); err != nil {
				t.Fatal(err)
			}
			h.Write([]byte(at + "\x00" + email + "\x00" + phone + "\n"))
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return hex.EncodeToString(h.Sum(nil))
	}
	if x, y := sum(a.DatabasePath), sum(b.DatabasePath); x != y {
		t.Errorf("got orders checksums %s and %s from the same now, want equal", x, y)
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
