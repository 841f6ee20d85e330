// The tests of this package hold each preset to the promises its comments
// make, on the platform's own schema (testdata/<preset>/schema.sql, the DDL
// of the platform's install files): each test loads the schema into its own
// MariaDB database, writes the preset as `sweeper init` does, seeds rows a
// second before and exactly at every cutoff, runs check and plan, sweeps at
// a fixed night and checks, rule by rule, what went and what stayed, and
// that every row touched has exactly one audit record.
package presets_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	gomysql "github.com/go-sql-driver/mysql"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest"

	"github.com/sweeperd/sweeper/connectors/database"
	"github.com/sweeperd/sweeper/connectors/mail"
	"github.com/sweeperd/sweeper/internal/dbtest"
	"github.com/sweeperd/sweeper/internal/smtptest"
	"github.com/sweeperd/sweeper/presets"
	"github.com/sweeperd/sweeper/sweeper"
)

var amsterdam = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		panic(err)
	}
	return loc
}()

// asOf is the night every preset is swept: 22 November 2026 at 03:30 in
// Amsterdam, the presets' schedule.
var asOf = time.Date(2026, 11, 22, 3, 30, 0, 0, amsterdam)

// ago is asOf minus a calendar period, counted in Amsterdam as the sweeper
// counts it: a rule's cutoff.
func ago(years, months, days int) time.Time { return asOf.AddDate(-years, -months, -days) }

// before is a second before t: due. t itself is not.
func before(t time.Time) time.Time { return t.Add(-time.Second) }

// utc writes a moment as the platforms write their UTC columns (WordPress's
// *_gmt, Magento's and Shopware's): wall-clock time in UTC.
func utc(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05") }

// local writes a moment as a shop in Amsterdam writes its DATETIMEs.
func local(t time.Time) string { return t.In(amsterdam).Format("2006-01-02 15:04:05") }

var env = map[string]string{
	"SWEEPER_DB_PASSWORD":   "not-used-the-test-sets-the-dsn",
	"SWEEPER_SMTP_PASSWORD": "not-used-the-test-sets-the-mailer",
}

func lookupEnv(name string) (string, bool) {
	v, ok := env[name]
	return v, ok
}

// shop is one platform's schema in a fresh database with a preset's config.
type shop struct {
	t      *testing.T
	db     *sql.DB
	dsn    string
	dir    string   // where the config and its reminder template are
	config []byte   // the preset as init writes it
	tables []string // every table the preset names
	cfg    *sweeper.Config
	sw     *sweeper.Sweeper
	smtp   *smtptest.Server
}

// openShop loads testdata/<preset>/schema.sql into a new database and writes
// the preset for prefix into a directory as `sweeper init` does, then loads
// that config pointed at the database, with a mail server of its own.
func openShop(t *testing.T, preset, prefix string) *shop {
	t.Helper()
	dsn := dbtest.MySQL(t)
	mc, err := gomysql.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	mc.MultiStatements = true
	// The test writes TIMESTAMP columns as UTC, whatever the server's zone.
	mc.Params = map[string]string{"time_zone": "'+00:00'"}
	db, err := sql.Open("mysql", mc.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	schema, err := os.ReadFile(filepath.Join("testdata", preset, "schema.sql"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(string(schema)); err != nil {
		t.Fatalf("load testdata/%s/schema.sql: %v", preset, err)
	}
	// The seeds write the platforms' zero dates and empty defaults.
	if _, err := db.Exec("SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION'"); err != nil {
		t.Fatal(err)
	}

	p, err := presets.Lookup(preset)
	if err != nil {
		t.Fatal(err)
	}
	r, err := p.Render(prefix)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(cfgPath, r.Config, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, presets.ReminderFile), presets.ReminderTemplate(), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := sweeper.LoadFile(cfgPath, lookupEnv)
	if err != nil {
		t.Fatalf("load the %s preset: %v", preset, err)
	}
	cfg.Database.DSN = dsn
	log := zaptest.NewLogger(t, zaptest.Level(zapcore.WarnLevel))
	st, err := database.Open(context.Background(), "mysql", dsn,
		database.Options{LockWaitTimeout: cfg.Sweeper.LockWaitTimeout, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	smtp := smtptest.Start(t)
	host, port := smtp.Addr()
	m, err := mail.New(sweeper.Mail{Host: host, Port: port, TLS: "none", From: cfg.Mail.From})
	if err != nil {
		t.Fatal(err)
	}
	return &shop{t: t, db: db, dsn: dsn, dir: dir, config: r.Config, tables: r.Tables, cfg: cfg, smtp: smtp,
		sw: &sweeper.Sweeper{Config: cfg, Store: st, Log: log, Mailer: m}}
}

// hasEveryTable fails t for each table the preset names that the schema
// lacks: init would report it missing, and a rule naming it could not run.
func (s *shop) hasEveryTable(t *testing.T) {
	t.Helper()
	for _, name := range s.tables {
		if s.count(t, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?", name) != 1 {
			t.Errorf("the preset names table %s, which the platform's schema lacks", name)
		}
	}
}

func (s *shop) exec(q string, args ...any) {
	s.t.Helper()
	if _, err := s.db.Exec(q, args...); err != nil {
		s.t.Fatalf("%v\n%s", err, q)
	}
}

func (s *shop) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := s.db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%v\n%s", err, q)
	}
	return n
}

// strings returns the first column of the rows a query selects.
func (s *shop) strings(t *testing.T, q string, args ...any) []string {
	t.Helper()
	rows, err := s.db.Query(q, args...)
	if err != nil {
		t.Fatalf("%v\n%s", err, q)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// row names one row: its table, key column and key.
type row struct {
	table, key string
	id         int
}

func (s *shop) exists(t *testing.T, r row) bool {
	t.Helper()
	return s.count(t, fmt.Sprintf("SELECT COUNT(*) FROM `%s` WHERE `%s` = ?", r.table, r.key), r.id) == 1
}

// gone fails t for each row that is still there.
func (s *shop) gone(t *testing.T, rows ...row) {
	t.Helper()
	for _, r := range rows {
		if s.exists(t, r) {
			t.Errorf("%s %s=%d is still there, want it deleted", r.table, r.key, r.id)
		}
	}
}

// kept fails t for each row that is missing.
func (s *shop) kept(t *testing.T, rows ...row) {
	t.Helper()
	for _, r := range rows {
		if !s.exists(t, r) {
			t.Errorf("%s %s=%d was deleted, want it kept", r.table, r.key, r.id)
		}
	}
}

// keyed fails t unless the rows of table where cond holds number want:
// for rows keyed by several columns.
func (s *shop) keyed(t *testing.T, table, cond string, want int) {
	t.Helper()
	if n := s.count(t, "SELECT COUNT(*) FROM `"+table+"` WHERE "+cond); n != want {
		t.Errorf("%s where %s: got %d rows, want %d", table, cond, n, want)
	}
}

// value reads one column of a row that must exist.
func (s *shop) value(t *testing.T, r row, column string) sql.NullString {
	t.Helper()
	var v sql.NullString
	err := s.db.QueryRow(fmt.Sprintf("SELECT `%s` FROM `%s` WHERE `%s` = ?", column, r.table, r.key), r.id).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		t.Errorf("%s %s=%d is gone, want it kept", r.table, r.key, r.id)
	} else if err != nil {
		t.Fatal(err)
	}
	return v
}

// equal fails t unless column of the row holds want ("NULL" for NULL).
func (s *shop) equal(t *testing.T, r row, column, want string) {
	t.Helper()
	v := s.value(t, r, column)
	got := "NULL"
	if v.Valid {
		got = v.String
	}
	if got != want {
		t.Errorf("%s %s=%d: %s = %q, want %q", r.table, r.key, r.id, column, got, want)
	}
}

// audited fails t unless the rule wrote exactly one audit record of action
// for the row.
func (s *shop) audited(t *testing.T, rule, action string, rows ...row) {
	t.Helper()
	for _, r := range rows {
		n := s.count(t, "SELECT COUNT(*) FROM `"+s.cfg.Sweeper.AuditTable+"` WHERE rule = ? AND table_name = ? AND row_key = ? AND action = ?",
			rule, r.table, fmt.Sprint(r.id), action)
		if n != 1 {
			t.Errorf("audit records %s %s of %s %d: got %d, want 1", rule, action, r.table, r.id, n)
		}
	}
}

// auditedText is audited for a row by its key as the audit table writes
// it: text, lowercase hex for bytes, the values of a key of several columns
// joined by commas.
func (s *shop) auditedText(t *testing.T, rule, action, table, key string) {
	t.Helper()
	n := s.count(t, "SELECT COUNT(*) FROM `"+s.cfg.Sweeper.AuditTable+"` WHERE rule = ? AND table_name = ? AND row_key = ? AND action = ?",
		rule, table, key, action)
	if n != 1 {
		t.Errorf("audit records %s %s of %s %s: got %d, want 1", rule, action, table, key, n)
	}
}

// sweep runs the rules (all enabled ones when none is named) at a moment.
func (s *shop) sweep(at time.Time, rules ...string) *sweeper.Report {
	s.t.Helper()
	rep, err := s.sw.Sweep(context.Background(), sweeper.SweepOptions{AsOf: at, Rules: rules})
	if err != nil {
		s.t.Fatalf("sweep as of %s: %v", at, err)
	}
	for _, r := range rep.Rules {
		if r.Err != nil {
			s.t.Errorf("sweep as of %s: rule %s: %v", at, r.Name, r.Err)
		}
	}
	return rep
}

// sweepAsPlanned sweeps every enabled rule at asOf and fails t for each
// rule that touched another number of rows than the plan before it said
// was due; except the rules named, which run after another rule changed
// their rows.
func (s *shop) sweepAsPlanned(t *testing.T, due map[string]int, changedByOthers ...string) *sweeper.Report {
	t.Helper()
	rep := s.sweep(asOf)
	for _, r := range rep.Rules {
		if !slices.Contains(changedByOthers, r.Name) && r.Rows != due[r.Name] {
			t.Errorf("rule %s: swept %d rows, plan said %d", r.Name, r.Rows, due[r.Name])
		}
	}
	return rep
}

// check runs check and plan on the seeded shop: no errors; and returns the
// plan's due rows per rule, which the sweep must then match.
func (s *shop) check() map[string]int {
	s.t.Helper()
	for _, f := range s.sw.Check(context.Background()) {
		if f.Severity == sweeper.SeverityError {
			s.t.Errorf("check: %s", f)
		} else {
			s.t.Logf("check: %s", f)
		}
	}
	p, err := s.sw.Plan(context.Background(), sweeper.PlanOptions{AsOf: asOf})
	if err != nil {
		s.t.Fatalf("plan: %v", err)
	}
	due := map[string]int{}
	for _, r := range p.Rules {
		due[r.Name] = r.Due
	}
	return due
}

// oneRecordPerRow fails t if any row has more than one audit record of the
// same rule and action: a row is touched once.
func (s *shop) oneRecordPerRow(t *testing.T) {
	t.Helper()
	n := s.count(t, "SELECT COUNT(*) FROM (SELECT 1 FROM `"+s.cfg.Sweeper.AuditTable+
		"` GROUP BY rule, table_name, row_key, action HAVING COUNT(*) > 1) d")
	if n != 0 {
		t.Errorf("%d rows have more than one audit record of one rule and action", n)
	}
}

// idempotent sweeps again at the same moment: nothing is touched.
func (s *shop) idempotent(t *testing.T) {
	before := s.count(t, "SELECT COUNT(*) FROM `"+s.cfg.Sweeper.AuditTable+"`")
	rep := s.sweep(asOf)
	for _, r := range rep.Rules {
		if r.Rows != 0 {
			t.Errorf("second sweep: rule %s touched %d rows, want none", r.Name, r.Rows)
		}
	}
	if after := s.count(t, "SELECT COUNT(*) FROM `"+s.cfg.Sweeper.AuditTable+"`"); after != before {
		t.Errorf("second sweep wrote %d audit records, want none", after-before)
	}
}

// mailedTo lists the recipients of the mails sent so far.
func (s *shop) mailedTo() string {
	var to []string
	for _, m := range s.smtp.Messages() {
		to = append(to, m.To)
	}
	return strings.Join(to, ",")
}

// run runs one rule's subtest and records that the rule has one.
func run(t *testing.T, tested map[string]bool, rule string, f func(t *testing.T)) {
	t.Helper()
	tested[rule] = true
	t.Run(rule, f)
}

// everyRuleTested fails when a rule of the preset has no subtest.
func (s *shop) everyRuleTested(tested map[string]bool) {
	s.t.Helper()
	for _, r := range s.cfg.Rules {
		if !tested[r.Name] {
			s.t.Errorf("rule %q has no subtest: every promise needs its test", r.Name)
		}
	}
}
