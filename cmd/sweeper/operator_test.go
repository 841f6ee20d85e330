package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "github.com/glebarez/go-sqlite"

	"github.com/sweeperd/sweeper/sweeper"
)

// opDB opens the demo's SQLite shop for the test's own questions.
func opDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func opInt(t *testing.T, db *sql.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

type opAudit struct {
	Records []struct {
		ID        int64   `json:"id"`
		RunID     string  `json:"run_id"`
		At        string  `json:"at"`
		Rule      string  `json:"rule"`
		Table     string  `json:"table_name"`
		RowKey    string  `json:"row_key"`
		Action    string  `json:"action"`
		Detail    string  `json:"detail"`
		ParentKey *string `json:"parent_key"`
	} `json:"records"`
	Totals []struct {
		Rule    string `json:"rule"`
		Action  string `json:"action"`
		Records int    `json:"records"`
	} `json:"totals"`
	Total int `json:"total"`
}

func opAuditJSON(t *testing.T, cfg string, args ...string) opAudit {
	t.Helper()
	code, out, stderr := runCLI(t, append([]string{"-c", cfg, "audit", "--format", "json"}, args...)...)
	if code != exitOK {
		t.Fatalf("audit %v: exit %d: %s", args, code, stderr)
	}
	var a opAudit
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatalf("audit --format json is not JSON: %v\n%s", err, out)
	}
	return a
}

// TestAudit_FindsTheSweep sweeps the demo shop and asks the audit command
// what was done: exactly the sweep's records, as many per rule as the plan
// said were due, with working filters and totals in every format.
func TestAudit_FindsTheSweep(t *testing.T) {
	cfg, dbPath := repDemo(t)

	// Before any sweep there is no audit table: an answer, not an error.
	code, out, stderr := runCLI(t, "-c", cfg, "audit")
	if code != exitOK || !strings.Contains(out, "no audit records yet") {
		t.Errorf("audit before a sweep: exit %d, %q %q; want 0 and \"no audit records yet\"", code, out, stderr)
	}
	if a := opAuditJSON(t, cfg); a.Total != 0 || len(a.Records) != 0 || a.Totals == nil {
		t.Errorf("audit --format json before a sweep: got %+v, want empty records and totals", a)
	}

	// The sweep, through the wiring the sweep command uses, for its report.
	var serr strings.Builder
	env := &environment{configPath: cfg, stdout: &serr, stderr: &serr}
	sw, done, err := env.newSweeper(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	rep, err := sw.Sweep(context.Background(), sweeper.SweepOptions{AsOf: repDemoAsOf})
	done()
	if err != nil {
		t.Fatalf("sweep: %v", err)
	}
	runID := rep.RunID

	a := opAuditJSON(t, cfg)
	db := opDB(t, dbPath)
	if n := opInt(t, db, `SELECT COUNT(*) FROM sweeper_audit`); a.Total != n || len(a.Records) != n || n == 0 {
		t.Fatalf("audit: total %d, %d records; the table holds %d", a.Total, len(a.Records), n)
	}
	// Exactly the sweep's records: per rule and action as many as it reported.
	want := map[string]int{}
	for _, r := range rep.Rules {
		want[r.Name+" "+string(r.Action)] += r.Rows
		for _, rel := range r.Related {
			want[r.Name+" "+string(rel.Action)] += rel.Rows
		}
	}
	got := map[string]int{}
	for _, r := range a.Records {
		if r.RunID != runID {
			t.Errorf("record %d: run %q, want the sweep's %q", r.ID, r.RunID, runID)
		}
		if _, err := time.Parse(time.RFC3339Nano, r.At); err != nil || !strings.HasSuffix(r.At, "Z") {
			t.Errorf("record %d: at %q, want RFC 3339 in UTC", r.ID, r.At)
		}
		got[r.Rule+" "+r.Action]++
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%s: %d audit records, the sweep reported %d rows", k, got[k], n)
		}
	}
	for k, n := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s: %d audit records the sweep did not report", k, n)
		}
	}
	sum := 0
	for _, tot := range a.Totals {
		if got[tot.Rule+" "+tot.Action] != tot.Records {
			t.Errorf("total %s %s: %d, the records say %d", tot.Rule, tot.Action, tot.Records, got[tot.Rule+" "+tot.Action])
		}
		sum += tot.Records
	}
	if sum != a.Total {
		t.Errorf("totals add up to %d, total says %d", sum, a.Total)
	}

	// --rule, --table and --key: "was customer K deleted?"
	var key string
	if err := db.QueryRow(`SELECT row_key FROM sweeper_audit WHERE table_name = 'customers' AND action = 'delete' ORDER BY id LIMIT 1`).Scan(&key); err != nil {
		t.Fatal(err)
	}
	// The customer's own delete record, and those of its related rows.
	k := opAuditJSON(t, cfg, "--table", "customers", "--key", key)
	if k.Total != len(k.Records) || len(k.Records) < 2 || k.Records[0].Rule != "account-idle-7y" || k.Records[0].Action != "delete" ||
		k.Records[0].RowKey != key || k.Records[0].ParentKey != nil {
		t.Errorf("audit --table customers --key %s: got %+v, want the delete record first, then the related rows'", key, k)
	}
	for _, rec := range k.Records[1:] {
		if rec.ParentKey == nil || *rec.ParentKey != key || rec.Rule != "account-idle-7y" || rec.Table == "customers" {
			t.Errorf("audit --table customers --key %s: record %+v is not one of the customer's related rows", key, rec)
		}
	}
	r := opAuditJSON(t, cfg, "--rule", "payment-account-7y")
	if r.Total != got["payment-account-7y anonymise"] || len(r.Records) != r.Total || r.Total == 0 {
		t.Errorf("audit --rule payment-account-7y: %d records, want %d", r.Total, got["payment-account-7y anonymise"])
	}
	for _, rec := range r.Records {
		if rec.Rule != "payment-account-7y" || rec.Detail != "account_holder,iban" {
			t.Errorf("audit --rule payment-account-7y: record %+v", rec)
			break
		}
	}
	if s := opAuditJSON(t, cfg, "--since", "2026-11-23"); s.Total != 0 || len(s.Records) != 0 {
		t.Errorf("audit --since the day after the sweep: %d records, want 0", s.Total)
	}
	if s := opAuditJSON(t, cfg, "--since", "2026-11-22"); s.Total != a.Total {
		t.Errorf("audit --since the sweep's day: %d records, want %d", s.Total, a.Total)
	}

	// Text: the records and the totals; an unknown key answers plainly.
	code, out, _ = runCLI(t, "-c", cfg, "audit", "--table", "customers", "--key", key)
	if code != exitOK || !strings.Contains(out, "account-idle-7y") || !strings.Contains(out, "Totals:") || !strings.Contains(out, "TOTAL") {
		t.Errorf("audit text: exit %d:\n%s", code, out)
	}
	code, out, _ = runCLI(t, "-c", cfg, "audit", "--table", "customers", "--key", "no-such-key")
	if code != exitOK || !strings.Contains(out, "No audit records") {
		t.Errorf("audit of a key never touched: exit %d: %q", code, out)
	}
	// CSV: a header and one row per record.
	code, out, _ = runCLI(t, "-c", cfg, "audit", "--format", "csv", "--rule", "order-7y")
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	// order-7y deletes orders and their lines and detaches invoices, payments and designs.
	want7y := got["order-7y delete"] + got["order-7y detach"]
	if code != exitOK || err != nil || len(recs) != want7y+1 || !slices.Equal(recs[0], []string{"id", "run_id", "at", "rule", "table_name", "row_key", "action", "detail", "parent_key"}) {
		t.Errorf("audit --format csv: exit %d, err %v, %d lines, want a header and %d records", code, err, len(recs), want7y)
	}
	for _, args := range [][]string{{"--format", "xml"}, {"--since", "yesterday"}} {
		if code, _, _ := runCLI(t, append([]string{"-c", cfg, "audit"}, args...)...); code != exitInvalid {
			t.Errorf("audit %v: exit %d, want %d", args, code, exitInvalid)
		}
	}
}

func opSum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// TestErase_CLI runs erase as a privacy officer would on the demo shop.
func TestErase_CLI(t *testing.T) {
	cfg, dbPath := repDemo(t)
	db := opDB(t, dbPath)
	// design-guest-order-1y holds the designs saved in an account (where:
	// customer_id IS NULL); a guest's design of a recent order is young.
	const rule = "design-guest-order-1y"
	var held, young int
	if err := db.QueryRow(`SELECT id FROM card_designs WHERE customer_id IS NOT NULL ORDER BY id LIMIT 1`).Scan(&held); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT id FROM card_designs WHERE customer_id IS NULL AND order_id IS NOT NULL ORDER BY updated_at DESC LIMIT 1`).Scan(&young); err != nil {
		t.Fatal(err)
	}
	h, y := strconv.Itoa(held), strconv.Itoa(young)

	// A dry run writes nothing at all: the database file is the same, byte for byte.
	before := opSum(t, dbPath)
	code, out, stderr := runCLI(t, "-c", cfg, "erase", "--rule", rule, "--key", y, "--key", h, "--dry-run")
	if code != exitFailed {
		t.Errorf("erase --dry-run with a held key: exit %d, want %d (%s)", code, exitFailed, stderr)
	}
	if !regexp.MustCompile(`(?m)^` + y + ` +would be erased$`).MatchString(out) {
		t.Errorf("erase --dry-run does not say the young order would be erased:\n%s", out)
	}
	if before != opSum(t, dbPath) {
		t.Errorf("erase --dry-run changed the database file")
	}

	// A held row is refused, with the reason; the other key is erased.
	code, out, stderr = runCLI(t, "-c", cfg, "erase", "--rule", rule, "--key", y, h, "999999")
	if code != exitFailed || !strings.Contains(stderr, "2 of 3 keys were not erased") {
		t.Errorf("erase: exit %d, stderr %q; want 1 and how many keys were not erased", code, stderr)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^` + y + ` +erased$`),
		regexp.MustCompile(`(?m)^` + h + ` +not erased: held by where: customer_id IS NULL$`),
		regexp.MustCompile(`(?m)^999999 +not erased: no such row$`),
	} {
		if !want.MatchString(out) {
			t.Errorf("erase output lacks %s:\n%s", want, out)
		}
	}
	if n := opInt(t, db, `SELECT COUNT(*) FROM card_designs WHERE id IN (?, ?)`, young, held); n != 1 {
		t.Errorf("designs %s and %s: %d left, want 1 (the held one)", y, h, n)
	}
	a := opAuditJSON(t, cfg, "--table", "card_designs", "--key", y)
	if a.Total != 1 || a.Records[0].Detail != "on request" || a.Records[0].Rule != rule {
		t.Errorf("audit of the erased design: %+v, want one delete record on request", a)
	}

	// Every key erased: exit 0.
	if code, out, stderr = runCLI(t, "-c", cfg, "erase", "--rule", "account-idle-7y", "--key", "1"); code != exitOK {
		t.Errorf("erase of a customer: exit %d: %s%s", code, out, stderr)
	}
	if !strings.Contains(out, "related rows: customer_addresses delete") {
		t.Errorf("erase does not report the related rows:\n%s", out)
	}
	for _, args := range [][]string{{"--key", "1"}, {"--rule", "order-7y"}, {"--rule", "no-such-rule", "--key", "1"}} {
		if code, _, _ := runCLI(t, append([]string{"-c", cfg, "erase"}, args...)...); code != exitInvalid {
			t.Errorf("erase %v: exit %d, want %d", args, code, exitInvalid)
		}
	}
}
