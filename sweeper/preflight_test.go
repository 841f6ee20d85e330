package sweeper_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sweeperd/sweeper/sweeper"
)

// TestSweeper_CheckSchema: what the daemon asks before a config takes
// over. Every enabled rule that cannot run is named, a where that does not
// run included; a disabled rule is not scheduled and not held against the
// schema; nothing is created or changed.
func TestSweeper_CheckSchema(t *testing.T) {
	f := setup(t, dbSQLite)
	f.exec(`CREATE TABLE orders (id AUTO_PK, status VARCHAR(10), created_at DATETIME NOT NULL)`,
		`INSERT INTO orders (status, created_at) VALUES ('done', '2015-01-01 00:00:00')`)
	rule := func(name, table, where string, enabled bool) {
		r := f.rule(sweeper.Rule{Name: name, Table: table, AgeColumns: []string{"created_at"}, Where: where,
			OlderThan: years(7), Action: sweeper.ActionDelete})
		r.Enabled = enabled
	}
	rule("order-7y", "orders", "", true)
	if err := f.sw.CheckSchema(t.Context()); err != nil {
		t.Fatalf("CheckSchema of rules that fit: %v", err)
	}

	// A cascade the rule does not list would delete rows without audit
	// records: refused now, rather than at every run.
	f.exec(`CREATE TABLE order_notes (id AUTO_PK, order_id INTEGER REFERENCES orders (id) ON DELETE CASCADE)`)
	if err := f.sw.CheckSchema(t.Context()); err == nil || !strings.Contains(err.Error(), `rule "order-7y"`) ||
		!strings.Contains(err.Error(), "order_notes") {
		t.Errorf("CheckSchema with an unlisted cascade: got %v, want rule \"order-7y\" refused naming order_notes", err)
	}
	f.exec(`DROP TABLE order_notes`)

	rule("complaint-1y", "complaint", "", true)
	rule("order-status", "orders", "statu = 'done'", true)
	rule("visit-1y", "visits", "", false)
	err := f.sw.CheckSchema(t.Context())
	var ce *sweeper.ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("CheckSchema: got %v, want a *ConfigError", err)
	}
	if len(ce.Problems) != 2 {
		t.Errorf("problems: got %q, want two: the misspelled table and the where", ce.Problems)
	}
	for _, want := range []string{`rule "complaint-1y": table "complaint" does not exist`, `rule "order-status": where does not run`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("CheckSchema does not say %q:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "visit") {
		t.Errorf("CheckSchema held the disabled rule against the schema:\n%v", err)
	}
	if n := f.count(`SELECT COUNT(*) FROM orders`); n != 1 {
		t.Errorf("orders: got %d, want 1", n)
	}
	if engHasTable(f, "sweeper_audit") {
		t.Error("CheckSchema created the audit table")
	}
}

// TestSweeper_LoadTemplates: every rule's template is rendered with a
// sample row (a disabled rule's too: `sweep --rule` may name it), every
// broken one is named, and the runs mail with the templates that were
// checked, whatever happens to the file afterwards.
func TestSweeper_LoadTemplates(t *testing.T) {
	f := setup(t, dbSQLite)
	f.exec(`CREATE TABLE customers (id AUTO_PK, email VARCHAR(100), first_name VARCHAR(50), created_at DATETIME NOT NULL)`,
		`INSERT INTO customers (email, first_name, created_at) VALUES ('anne@example.com', 'Anne', '2015-01-01 00:00:00')`)
	dir := t.TempDir()
	write := func(name, text string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.txt", "Subject: Uw account\n\nBeste {{.Row.first_name}}, vanaf {{dutchDate .DeleteOn}}.\n")
	rule := func(name, tmpl string, enabled bool) {
		r := f.rule(sweeper.Rule{Name: name, Table: "customers", AgeColumns: []string{"created_at"},
			OlderThan: years(5), Action: sweeper.ActionDelete,
			Reminder: &sweeper.Reminder{Before: months(1), EmailColumn: "email", Columns: []string{"first_name"}, Template: tmpl}})
		r.Enabled = enabled
	}
	rule("account-idle-5y", good, true)
	rule("account-func", write("func.txt", "Subject: x\n\n{{dutchDat .DeleteOn}}\n"), true)
	rule("account-column", write("column.txt", "Subject: x\n\n{{.Row.frist_name}}\n"), false)
	err := f.sw.LoadTemplates()
	var ce *sweeper.ConfigError
	if !errors.As(err, &ce) || len(ce.Problems) != 2 {
		t.Fatalf("LoadTemplates: got %v, want a *ConfigError with two problems", err)
	}
	for _, want := range []string{`rule "account-func": reminder template ` + filepath.Join(dir, "func.txt"), `function "dutchDat" not defined`,
		`rule "account-column": reminder template ` + filepath.Join(dir, "column.txt"), "frist_name"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("LoadTemplates does not say %q:\n%v", want, err)
		}
	}

	f.cfg.Rules = f.cfg.Rules[:1]
	if err := f.sw.LoadTemplates(); err != nil {
		t.Fatalf("LoadTemplates of a good template: %v", err)
	}
	write("good.txt", "Subject: Uw account\n\n{{dutchDat .DeleteOn}}\n")
	mb := &mailbox{}
	f.sw.Mailer = mb
	if _, err := f.sw.Sweep(t.Context(), sweeper.SweepOptions{AsOf: time.Date(2026, 12, 1, 0, 0, 0, 0, amsterdam)}); err != nil {
		t.Fatalf("sweep after the template file broke: %v", err)
	}
	if len(mb.sent) != 1 || !strings.Contains(mb.sent[0].Body, "Beste Anne") {
		t.Errorf("sent: got %+v, want one mail from the template as it was checked", mb.sent)
	}
}
