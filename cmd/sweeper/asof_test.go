package main

import (
	"database/sql"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// clockShop is a SQLite shop with one table of orders, the daemon tests'
// config (a rule deleting them after seven years, no HTTP), and the
// test's own connection to it.
func clockShop(t *testing.T) (cfg string, db *sql.DB) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "shop.db")
	db = opDB(t, path)
	if _, err := db.Exec(`CREATE TABLE orders (id INTEGER PRIMARY KEY AUTOINCREMENT, created_at DATETIME NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	// The daemon tests' config: one rule, orders after seven years.
	cfg = daemonConfig(t, dir, path, "", "")
	return cfg, db
}

// TestParseAsOf: --as-of takes RFC 3339, a date, and a wall-clock time in
// sweeper.timezone. A wall-clock time that happens twice (the night the
// clocks go back) is the earlier one, which never deletes early; one that
// does not happen is refused, as is anything else, with the forms it takes.
func TestParseAsOf(t *testing.T) {
	for _, tc := range []struct {
		in, want, err string
	}{
		{in: "2026-11-22T03:30:00+01:00", want: "2026-11-22T02:30:00Z"},
		{in: "2026-11-22T03:30:00Z", want: "2026-11-22T03:30:00Z"},
		{in: "2026-11-22", want: "2026-11-21T23:00:00Z"},
		{in: "2027-01-08T03:00:00", want: "2027-01-08T02:00:00Z"},
		{in: "2027-01-08 03:00:00", want: "2027-01-08T02:00:00Z"},
		{in: "2027-01-08T03:00", want: "2027-01-08T02:00:00Z"},
		{in: "2027-01-08 03:00", want: "2027-01-08T02:00:00Z"},
		{in: "2026-07-01 12:00", want: "2026-07-01T10:00:00Z"},
		{in: "2026-10-25 02:30", want: "2026-10-25T00:30:00Z"},
		{in: "2027-03-28 02:30", err: "does not exist in Europe/Amsterdam"},
		{in: "22-11-2026", err: "2026-11-22 03:30"},
		{in: "2026-11-22 03:30 CET", err: "RFC 3339"},
		{in: "2026-11-22T25:00", err: "RFC 3339"},
		{in: "yesterday", err: "a date"},
	} {
		got, err := parseAsOf(tc.in, repAmsterdam)
		switch {
		case tc.err != "":
			if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), strconv.Quote(tc.in)) {
				t.Errorf("parseAsOf(%q): got %v, %v; want an error naming it and saying %q", tc.in, got, err, tc.err)
			}
		case err != nil:
			t.Errorf("parseAsOf(%q): %v", tc.in, err)
		case got.UTC().Format(time.RFC3339) != tc.want:
			t.Errorf("parseAsOf(%q): got %s, want %s", tc.in, got.UTC().Format(time.RFC3339), tc.want)
		}
	}
	// Through the command line, a wall-clock time reaches the plan.
	cfg, _ := clockShop(t)
	code, out, stderr := runCLI(t, "-c", cfg, "plan", "--as-of", "2026-11-22 03:30", "--format", "json")
	if code != exitOK || !strings.Contains(out, `"as_of": "2026-11-22T03:30:00+01:00"`) {
		t.Errorf("plan --as-of \"2026-11-22 03:30\": got exit %d, %s%s; want as_of 2026-11-22T03:30:00+01:00", code, out, stderr)
	}
	if code, _, stderr := runCLI(t, "-c", cfg, "sweep", "--as-of", "22-11-2026"); code != exitInvalid || !strings.Contains(stderr, "--as-of") {
		t.Errorf("sweep --as-of 22-11-2026: got exit %d, %q; want 2 naming --as-of", code, stderr)
	}
}

// TestLaterOfTwice: a hold's --until at a wall-clock time the clocks show
// twice ends at the later of the two, so that it never ends early; any
// other time stays as it is.
func TestLaterOfTwice(t *testing.T) {
	for in, want := range map[string]string{
		"2026-10-25 02:30": "2026-10-25T01:30:00Z",
		"2026-10-25 03:30": "2026-10-25T02:30:00Z",
		"2026-07-01 12:00": "2026-07-01T10:00:00Z",
	} {
		t0, err := parseTimeFlag("--until", in, repAmsterdam)
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if got := laterOfTwice(t0, repAmsterdam).UTC().Format(time.RFC3339); got != want {
			t.Errorf("laterOfTwice(%s) = %s, want %s", in, got, want)
		}
	}
}
