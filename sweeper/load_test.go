package sweeper

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

// cfgFullExample is the example of SPEC §2.
const cfgFullExample = `
[database]
driver = "mysql"                 # mysql (MySQL 8 / MariaDB 10.6+), sqlite, postgres
dsn = "sweeper:${SWEEPER_DB_PASSWORD}@tcp(127.0.0.1:3306)/shop?parseTime=true"
replicas = []                    # optional replica DSNs: the sweeper pauses between batches
max_replica_lag = "10s"          # while any of them lags more than this

[sweeper]
timezone = "Europe/Amsterdam"    # for cutoffs and for schedules
schedule = "30 3 * * *"          # default for rules without one: 5-field cron or @daily, @every 1h ...
batch_size = 1000                # rows per transaction
batch_pause = "0s"               # sleep between batches, to leave room for the shop
max_rows_per_run = 0             # per rule and run; 0 = no cap; the rest waits for the next run
max_run_time = "0s"              # per rule and run; 0 = no limit; stops at a batch boundary
max_fraction = 0.0               # circuit breaker: a run that would touch more than this share of
                                 # a table refuses (nothing touched) unless ` + "`sweep --force`" + `; 0 = off
lock_wait_timeout = "5s"         # per batch; lock waits and deadlocks are retried, then the rule fails
audit_table = "sweeper_audit"
redact_text = "[verwijderd]"     # what the "redact" strategy writes
hash_key = "${SWEEPER_HASH_KEY}" # HMAC key for the "hash" strategy (required only if a rule uses it)

[http]
listen = "127.0.0.1:9464"        # /healthz and /metrics; "" = off

[log]
level = "info"                   # debug, info, warn, error
format = "json"                  # json (default) or console

[mail]                           # needed only when a rule has a reminder
host = "smtp.example.nl"
port = 587
username = "sweeper"
password = "${SWEEPER_SMTP_PASSWORD}"
tls = "starttls"                 # none, starttls, tls
from = "Kleintjesgeluk <info@kleintjesgeluk.nl>"

[[rule]]
name = "order-phone-6m"                       # unique: lowercase letters, digits, '-'
description = "Aanhef en telefoonnummer bij bestellingen na 6 maanden"
basis = "privacybeleid: aanhef en telefoonnummer na zes maanden verwijderd"  # why; shown in plan
table = "orders"
age_column = "created_at"                     # or a list, taken in order: ["last_login_at", "created_at"]
                                              # or instead age_sql = "<SQL expression>" (see below)
older_than = "6 months"                       # N day(s)|week(s)|month(s)|year(s), or ISO 8601 P6M, P3W, P1Y6M
where = "status <> 'disputed'"                # optional SQL condition, AND-ed
action = "anonymise"                          # delete | anonymise (anonymize is accepted)
[rule.anonymise]                              # column = strategy: null | empty | redact | hash | email
                                              # (email = a unique placeholder, deleted-<key>@invalid.invalid,
                                              #  for columns under a unique index)
phone = "null"
salutation = "null"

[[rule]]
name = "account-idle-5y"
table = "customers"
key = "id"                                    # optional; default: the table's single-column primary key
age_column = ["last_login_at", "created_at"]
older_than = "5 years"
schedule = "0 4 * * *"
action = "delete"
[[rule.related]]                              # handled in the same transaction, before the row itself
table = "addresses"
foreign_key = "customer_id"                   # column of that table holding this rule's key
action = "delete"                             # delete | anonymise (with its own [rule.related.anonymise]) | detach (set foreign_key NULL)
[[rule.related]]
table = "orders"
foreign_key = "customer_id"
action = "detach"                             # the orders stay: they fall under the 7-year fiscal rule
[rule.reminder]
before = "1 month"
email_column = "email"
columns = ["first_name"]                      # row values the template may use
template = "templates/account-reminder.nl.txt"   # relative to the config file
[rule.files]                                  # optional: files named by a column are removed with the row
column = "photo_path"
root = "/srv/photos"
`

// The secrets of the tests: no error message may hold one.
const (
	cfgDBPassword   = "Db-Pa55-s3cret"
	cfgHashKey      = "hash-key-s3cret"
	cfgSMTPPassword = "smtp-s3cret"
)

func cfgEnv(name string) (string, bool) {
	v, ok := map[string]string{
		"SWEEPER_DB_PASSWORD":   cfgDBPassword,
		"SWEEPER_HASH_KEY":      cfgHashKey,
		"SWEEPER_SMTP_PASSWORD": cfgSMTPPassword,
	}[name]
	return v, ok
}

// setupConfigDir returns a directory holding the reminder template of cfgFullExample.
func setupConfigDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "templates"), 0o755); err != nil {
		t.Fatal(err)
	}
	tpl := "Subject: Uw account\n\nBeste {{.Row.first_name}}, ...\n"
	if err := os.WriteFile(filepath.Join(dir, "templates", "account-reminder.nl.txt"), []byte(tpl), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// MustLoadConfig loads src or fails the test.
func MustLoadConfig(tb testing.TB, src, dir string) *Config {
	tb.Helper()
	c, err := Load(strings.NewReader(src), dir, cfgEnv)
	if err != nil {
		tb.Fatalf("Load: %v", err)
	}
	return c
}

// MustFailConfig loads src, fails the test if it loads, and returns the error text.
func MustFailConfig(tb testing.TB, src, dir string) string {
	tb.Helper()
	c, err := Load(strings.NewReader(src), dir, cfgEnv)
	if err == nil {
		tb.Fatalf("Load succeeded (%d rules), want an error", len(c.Rules))
	}
	var ce *ConfigError
	if !errors.As(err, &ce) {
		tb.Fatalf("got %T (%v), want *ConfigError", err, err)
	}
	msg := err.Error()
	for _, secret := range []string{cfgDBPassword, cfgHashKey, cfgSMTPPassword, "literal-pw"} {
		if strings.Contains(msg, secret) {
			tb.Fatalf("error holds a secret %q:\n%s", secret, msg)
		}
	}
	return msg
}

// cfgDB is a valid [database] table for configs that test other tables.
const cfgDB = "[database]\ndriver = \"mysql\"\ndsn = \"u:${SWEEPER_DB_PASSWORD}@tcp(db)/shop\"\n"

// cfgRule returns a valid delete rule named r1 with some keys replaced: a
// value of "-" drops the key. tail is appended after the keys (subtables).
func cfgRule(over map[string]string, tail string) string {
	kv := map[string]string{
		"name":       `"r1"`,
		"table":      `"orders"`,
		"age_column": `"created_at"`,
		"older_than": `"6 months"`,
		"action":     `"delete"`,
	}
	for k, v := range over {
		kv[k] = v
	}
	keys := make([]string, 0, len(kv))
	for k := range kv {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("[[rule]]\n")
	for _, k := range keys {
		if kv[k] != "-" {
			b.WriteString(k + " = " + kv[k] + "\n")
		}
	}
	b.WriteString(tail)
	return b.String()
}

func TestLoad(t *testing.T) {
	t.Run("FullExample", func(t *testing.T) {
		dir := setupConfigDir(t)
		c := MustLoadConfig(t, cfgFullExample, dir)

		if c.Dir != dir {
			t.Errorf("Dir: got %q, want %q", c.Dir, dir)
		}
		if c.Database.Driver != "mysql" {
			t.Errorf("driver: got %q, want mysql", c.Database.Driver)
		}
		if want := "sweeper:" + cfgDBPassword + "@tcp(127.0.0.1:3306)/shop?parseTime=true"; c.Database.DSN != want {
			t.Errorf("dsn not expanded as expected")
		}
		if c.Database.MaxReplicaLag != 10*time.Second {
			t.Errorf("max_replica_lag: got %s, want 10s", c.Database.MaxReplicaLag)
		}
		s := c.Sweeper
		if s.Timezone == nil || s.Timezone.String() != "Europe/Amsterdam" {
			t.Errorf("timezone: got %v, want Europe/Amsterdam", s.Timezone)
		}
		if s.LockWaitTimeout != 5*time.Second || s.BatchSize != 1000 || s.AuditTable != "sweeper_audit" || s.RedactText != "[verwijderd]" {
			t.Errorf("sweeper: got %+v", s)
		}
		if s.HashKey != cfgHashKey {
			t.Errorf("hash_key not expanded")
		}
		if c.HTTP.Listen != "127.0.0.1:9464" || c.Log != (Log{Level: "info", Format: "json"}) {
			t.Errorf("http/log: got %+v %+v", c.HTTP, c.Log)
		}
		if c.Mail.Password != cfgSMTPPassword || c.Mail.Port != 587 || c.Mail.TLS != "starttls" || c.Mail.Host != "smtp.example.nl" {
			t.Errorf("mail: got host %q port %d tls %q", c.Mail.Host, c.Mail.Port, c.Mail.TLS)
		}
		if len(c.Rules) != 2 {
			t.Fatalf("got %d rules, want 2", len(c.Rules))
		}

		r := c.Rules[0]
		if r.Name != "order-phone-6m" || r.Table != "orders" || !r.Enabled || r.Key != "" {
			t.Errorf("rule 0: got %+v", r)
		}
		if r.OlderThan != (Period{Months: 6}) {
			t.Errorf("older_than: got %+v, want 6 months", r.OlderThan)
		}
		if !reflect.DeepEqual(r.AgeColumns, []string{"created_at"}) || r.AgeSQL != "" {
			t.Errorf("age: got %q %q", r.AgeColumns, r.AgeSQL)
		}
		if r.AgeTimezone != s.Timezone {
			t.Errorf("age_timezone: got %v, want the sweeper's zone", r.AgeTimezone)
		}
		if r.Where != "status <> 'disputed'" {
			t.Errorf("where: got %q", r.Where)
		}
		if r.Action != ActionAnonymise {
			t.Errorf("action: got %q, want anonymise", r.Action)
		}
		wantAnon := []ColumnStrategy{{"phone", StrategyNull}, {"salutation", StrategyNull}}
		if !reflect.DeepEqual(r.Anonymise, wantAnon) {
			t.Errorf("anonymise: got %+v, want %+v", r.Anonymise, wantAnon)
		}
		if r.Schedule != "30 3 * * *" || r.BatchSize != 1000 || r.MaxRowsPerRun != 0 {
			t.Errorf("resolved from [sweeper]: got schedule %q batch %d max %d", r.Schedule, r.BatchSize, r.MaxRowsPerRun)
		}
		if r.Description == "" || !strings.HasPrefix(r.Basis, "privacybeleid") {
			t.Errorf("description/basis: got %q / %q", r.Description, r.Basis)
		}

		r = c.Rules[1]
		if r.Key != "id" || r.Schedule != "0 4 * * *" || r.OlderThan != (Period{Years: 5}) || r.Action != ActionDelete {
			t.Errorf("rule 1: got key %q schedule %q older_than %+v action %q", r.Key, r.Schedule, r.OlderThan, r.Action)
		}
		if !reflect.DeepEqual(r.AgeColumns, []string{"last_login_at", "created_at"}) {
			t.Errorf("age_column: got %q", r.AgeColumns)
		}
		wantRel := []Related{
			{Table: "addresses", ForeignKey: "customer_id", Action: ActionDelete},
			{Table: "orders", ForeignKey: "customer_id", Action: ActionDetach},
		}
		if !reflect.DeepEqual(r.Related, wantRel) {
			t.Errorf("related: got %+v, want %+v", r.Related, wantRel)
		}
		wantRem := &Reminder{
			Before:      Period{Months: 1},
			EmailColumn: "email",
			Columns:     []string{"first_name"},
			Template:    filepath.Join(dir, "templates", "account-reminder.nl.txt"),
		}
		if !reflect.DeepEqual(r.Reminder, wantRem) {
			t.Errorf("reminder: got %+v, want %+v", r.Reminder, wantRem)
		}
		if !filepath.IsAbs(r.Reminder.Template) {
			t.Errorf("template: got %q, want an absolute path", r.Reminder.Template)
		}
		if r.Files == nil || *r.Files != (Files{Column: "photo_path", Root: "/srv/photos"}) {
			t.Errorf("files: got %+v", r.Files)
		}
	})

	t.Run("LoadFile", func(t *testing.T) {
		dir := setupConfigDir(t)
		path := filepath.Join(dir, "config.toml")
		if err := os.WriteFile(path, []byte(cfgFullExample), 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := LoadFile(path, cfgEnv)
		if err != nil {
			t.Fatal(err)
		}
		if c.Path != path || c.Dir != dir {
			t.Errorf("got Path %q Dir %q, want %q %q", c.Path, c.Dir, path, dir)
		}
		if err := c.Validate(); err != nil {
			t.Errorf("Validate of a loaded config: %v", err)
		}
	})

	t.Run("LoadFilePrefixesProblemsWithThePath", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "bad.toml")
		src := "[database]\ndriver = \"oracle\"\ndsn = \"x\"\n" + cfgRule(map[string]string{"older_than": `"6 maanden"`}, "")
		if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := LoadFile(path, cfgEnv)
		var ce *ConfigError
		if !errors.As(err, &ce) {
			t.Fatalf("got %v, want *ConfigError", err)
		}
		lines := strings.Split(err.Error(), "\n")
		if len(lines) != 2 {
			t.Fatalf("got %d lines, want 2:\n%s", len(lines), err)
		}
		for _, l := range lines {
			if !strings.HasPrefix(l, path+": ") {
				t.Errorf("line %q does not start with the path", l)
			}
		}
	})

	t.Run("LoadFileMissing", func(t *testing.T) {
		_, err := LoadFile(filepath.Join(t.TempDir(), "nope.toml"), cfgEnv)
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("got %v, want fs.ErrNotExist", err)
		}
	})

	t.Run("BatchTime", func(t *testing.T) {
		c := MustLoadConfig(t, cfgDB+"[sweeper]\nbatch_time = \"50ms\"\n"+cfgRule(nil, ""), t.TempDir())
		if c.Sweeper.BatchTime != 50*time.Millisecond {
			t.Errorf("batch_time: got %s, want 50ms", c.Sweeper.BatchTime)
		}
	})

	t.Run("Defaults", func(t *testing.T) {
		c := MustLoadConfig(t, cfgDB+cfgRule(nil, ""), t.TempDir())
		s := c.Sweeper
		if s.Timezone != time.UTC && s.Timezone.String() != "UTC" {
			t.Errorf("timezone: got %v, want UTC", s.Timezone)
		}
		if s.Schedule != "30 3 * * *" || s.BatchSize != 1000 || s.BatchTime != 0 || s.BatchPause != 0 || s.MaxRowsPerRun != 0 ||
			s.MaxRunTime != 0 || s.MaxFraction != 0 || s.LockWaitTimeout != 5*time.Second ||
			s.AuditTable != "sweeper_audit" || s.RedactText != "[verwijderd]" || s.HashKey != "" {
			t.Errorf("sweeper defaults: got %+v", s)
		}
		if c.Database.MaxReplicaLag != 10*time.Second {
			t.Errorf("max_replica_lag: got %s, want 10s", c.Database.MaxReplicaLag)
		}
		if c.HTTP.Listen != "127.0.0.1:9464" {
			t.Errorf("listen: got %q", c.HTTP.Listen)
		}
		if c.Log != (Log{Level: "info", Format: "json"}) {
			t.Errorf("log: got %+v", c.Log)
		}
		if c.Mail.Port != 587 || c.Mail.TLS != "starttls" {
			t.Errorf("mail: got %+v", c.Mail)
		}
		r := c.Rules[0]
		if !r.Enabled || r.Schedule != s.Schedule || r.BatchSize != 1000 || r.MaxRowsPerRun != 0 || r.AgeTimezone != s.Timezone {
			t.Errorf("rule defaults: got %+v", r)
		}
	})

	t.Run("RuleOverridesAndInherits", func(t *testing.T) {
		src := cfgDB + "[sweeper]\ntimezone = \"Europe/Amsterdam\"\nbatch_size = 500\nmax_rows_per_run = 20000\nschedule = \"@daily\"\n" +
			cfgRule(map[string]string{"enabled": "false", "batch_size": "50", "age_timezone": `"UTC"`}, "") +
			cfgRule(map[string]string{"name": `"r2"`, "schedule": `"@every 1h"`, "max_rows_per_run": "7"}, "")
		c := MustLoadConfig(t, src, t.TempDir())
		r1, r2 := c.Rules[0], c.Rules[1]
		if r1.Enabled || r1.BatchSize != 50 || r1.MaxRowsPerRun != 20000 || r1.Schedule != "@daily" || r1.AgeTimezone.String() != "UTC" {
			t.Errorf("r1: got enabled %v batch %d max %d schedule %q zone %v", r1.Enabled, r1.BatchSize, r1.MaxRowsPerRun, r1.Schedule, r1.AgeTimezone)
		}
		if !r2.Enabled || r2.BatchSize != 500 || r2.MaxRowsPerRun != 7 || r2.Schedule != "@every 1h" || r2.AgeTimezone.String() != "Europe/Amsterdam" {
			t.Errorf("r2: got enabled %v batch %d max %d schedule %q zone %v", r2.Enabled, r2.BatchSize, r2.MaxRowsPerRun, r2.Schedule, r2.AgeTimezone)
		}
	})

	t.Run("AcceptedSpellings", func(t *testing.T) {
		src := "[database]\ndriver = \"mariadb\"\ndsn = \"x\"\nreplicas = [\"r1:${SWEEPER_DB_PASSWORD}@tcp(r1)/shop\"]\n" +
			"[sweeper]\nhash_key = \"k\"\n[http]\nlisten = \"\"\n[log]\nformat = \"console\"\nlevel = \"debug\"\n" +
			cfgRule(map[string]string{"action": `"anonymize"`, "age_column": "-", "age_sql": `"(SELECT MAX(c.at) FROM logins c WHERE c.customer_id = orders.id)"`},
				"[rule.anonymise]\nemail = \"email\"\nname = \"redact\"\nnote = \"empty\"\niban = \"hash\"\n"+
					"[[rule.related]]\ntable = \"notes\"\nforeign_key = \"order_id\"\nkey = \"note_id\"\naction = \"anonymize\"\n[rule.related.anonymise]\nbody = \"redact\"\n")
		c := MustLoadConfig(t, src, t.TempDir())
		if c.Database.Driver != "mysql" {
			t.Errorf("driver: got %q, want mariadb read as mysql", c.Database.Driver)
		}
		if len(c.Database.Replicas) != 1 || !strings.Contains(c.Database.Replicas[0], cfgDBPassword) {
			t.Errorf("replicas not expanded")
		}
		if c.HTTP.Listen != "" {
			t.Errorf(`listen: got %q, want "" (off)`, c.HTTP.Listen)
		}
		r := c.Rules[0]
		if r.Action != ActionAnonymise || r.Related[0].Action != ActionAnonymise {
			t.Errorf("actions: got %q and %q, want anonymise for both", r.Action, r.Related[0].Action)
		}
		if r.AgeSQL == "" || r.AgeColumns != nil {
			t.Errorf("age: got %q %q", r.AgeColumns, r.AgeSQL)
		}
		var cols []string
		for _, a := range r.Anonymise {
			cols = append(cols, a.Column+"="+string(a.Strategy))
		}
		if want := "email=email iban=hash name=redact note=empty"; strings.Join(cols, " ") != want {
			t.Errorf("anonymise: got %q, want %q", strings.Join(cols, " "), want)
		}
		if r.Related[0].Key != "note_id" || !reflect.DeepEqual(r.Related[0].Anonymise, []ColumnStrategy{{"body", StrategyRedact}}) {
			t.Errorf("related: got %+v", r.Related[0])
		}
	})

	t.Run("SQLFragmentsWithQuotedSpecials", func(t *testing.T) {
		where := `"note <> 'a;b -- c # d /* e' AND status <> 'it''s' AND code <> 'x\\'y' AND (a = 1 OR b = \"p;q\")"`
		c := MustLoadConfig(t, cfgDB+cfgRule(map[string]string{"where": where}, ""), t.TempDir())
		if !strings.Contains(c.Rules[0].Where, "'it''s'") {
			t.Errorf("where: got %q", c.Rules[0].Where)
		}
	})

	t.Run("BackslashIsTextOutsideMySQL", func(t *testing.T) {
		// On PostgreSQL and SQLite 'x\' is a whole string, so the ; below is inside one.
		src := "[database]\ndriver = \"postgres\"\ndsn = \"x\"\n" + cfgRule(map[string]string{"where": `"a = 'x\\' OR b = 'y; z'"`}, "")
		MustLoadConfig(t, src, t.TempDir())
	})

	t.Run("EnvExpansion", func(t *testing.T) {
		src := "[database]\ndriver = \"sqlite\"\ndsn = \"${A}/${B}.db\"\n[sweeper]\nhash_key = \"${A}${A}\"\n[mail]\npassword = \"p-${B}\"\n" + cfgRule(nil, "")
		env := func(k string) (string, bool) {
			v, ok := map[string]string{"A": "x", "B": "y"}[k]
			return v, ok
		}
		c, err := Load(strings.NewReader(src), t.TempDir(), env)
		if err != nil {
			t.Fatal(err)
		}
		if c.Database.DSN != "x/y.db" || c.Sweeper.HashKey != "xx" || c.Mail.Password != "p-y" {
			t.Errorf("got dsn %q hash_key %q password %q", c.Database.DSN, c.Sweeper.HashKey, c.Mail.Password)
		}
	})

	t.Run("EnvExpansionOnlyInSecrets", func(t *testing.T) {
		// A ${...} elsewhere is text: a where clause is not expanded.
		c := MustLoadConfig(t, cfgDB+cfgRule(map[string]string{"where": `"note <> '${HOME}'"`}, ""), t.TempDir())
		if c.Rules[0].Where != "note <> '${HOME}'" {
			t.Errorf("where: got %q", c.Rules[0].Where)
		}
	})

	t.Run("EnvExpansionUsesOSByDefault", func(t *testing.T) {
		t.Setenv("SWEEPER_TEST_DSN_PART", "from-env")
		src := "[database]\ndriver = \"sqlite\"\ndsn = \"${SWEEPER_TEST_DSN_PART}.db\"\n" + cfgRule(nil, "")
		c, err := Load(strings.NewReader(src), t.TempDir(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if c.Database.DSN != "from-env.db" {
			t.Errorf("dsn: got %q", c.Database.DSN)
		}
	})

	t.Run("UnsetEnvVars", func(t *testing.T) {
		src := "[database]\ndriver = \"mysql\"\ndsn = \"u:${SWEEPER_NOPE_DB}@tcp(db)/x\"\nreplicas = [\"ok\", \"${SWEEPER_NOPE_REPLICA}\"]\n" +
			"[sweeper]\nhash_key = \"${SWEEPER_NOPE_HASH}\"\n[mail]\npassword = \"${SWEEPER_NOPE_SMTP}\"\n" + cfgRule(nil, "")
		msg := MustFailConfig(t, src, t.TempDir())
		for _, want := range []string{
			"database.dsn: environment variable SWEEPER_NOPE_DB is not set",
			"database.replicas[2]: environment variable SWEEPER_NOPE_REPLICA is not set",
			"sweeper.hash_key: environment variable SWEEPER_NOPE_HASH is not set",
			"mail.password: environment variable SWEEPER_NOPE_SMTP is not set",
		} {
			if !strings.Contains(msg, want) {
				t.Errorf("got:\n%s\nwant it to contain %q", msg, want)
			}
		}
		if strings.Contains(msg, "database.dsn: required") {
			t.Errorf("an unset variable is reported twice:\n%s", msg)
		}
	})

	t.Run("MalformedEnvReference", func(t *testing.T) {
		for _, dsn := range []string{`"literal-pw${NAME"`, `"literal-pw${NOT A NAME}"`} {
			msg := MustFailConfig(t, "[database]\ndriver = \"mysql\"\ndsn = "+dsn+"\n"+cfgRule(nil, ""), t.TempDir())
			if !strings.Contains(msg, "database.dsn: ${") {
				t.Errorf("dsn %s: got:\n%s", dsn, msg)
			}
		}
	})

	t.Run("SecretsNeverInErrors", func(t *testing.T) {
		dir := setupConfigDir(t)
		for name, src := range map[string]string{
			"DSNInDriver":             "[database]\ndriver = \"sweeper:literal-pw@tcp(db)/shop\"\n" + cfgRule(nil, ""),
			"LiteralDSNWithBadDriver": "[database]\ndriver = \"oracle\"\ndsn = \"sweeper:literal-pw@tcp(db)/shop\"\n" + cfgRule(nil, ""),
			"LiteralSecretsEverywhere": "[database]\ndriver = \"nope\"\ndsn = \"literal-pw\"\nreplicas = [\"literal-pw\", \"\"]\nmax_replica_lag = \"-1s\"\n" +
				"[sweeper]\nhash_key = \"literal-pw\"\nbatch_size = 0\n[mail]\npassword = \"literal-pw\"\ntls = \"ssl\"\n" +
				cfgRule(map[string]string{"older_than": `"x"`}, ""),
			"ExpandedValues":          strings.Replace(cfgFullExample, `driver = "mysql"`, `driver = "db2"`, 1) + cfgRule(map[string]string{"name": `"order-phone-6m"`}, ""),
			"SyntaxErrorInDSN":        "[database]\ndriver = \"mysql\"\ndsn = \"u:literal-pw\\xZZ@tcp(db)/shop\"\n",
			"BareWordDSN":             "[database]\ndriver = \"mysql\"\ndsn = literal-pw\n",
			"SyntaxErrorInReplicas":   "[database]\ndriver = \"mysql\"\nreplicas = [\n  \"ok\",\n  \"literal-pw\\xZZ\",\n]\n",
			"SyntaxErrorInInlineDB":   "database = { driver = \"mysql\", dsn = \"literal-pw\\xZZ\" }\n",
			"SyntaxErrorInHashKey":    "[sweeper]\nhash_key = \"literal-pw\\uZZZZ\"\n",
			"SyntaxErrorInPassword":   "[mail]\npassword = \"literal-pw\\xZZ\"\n",
			"WrongTypeNextToSecret":   "[database]\ndriver = 5\ndsn = \"literal-pw\"\n" + cfgRule(nil, ""),
			"UnknownKeyNextToSecret":  "[database]\ndriver = \"mysql\"\ndsn = \"literal-pw\"\ncolour = 1\n" + cfgRule(nil, ""),
			"ExpandedIntoEmptyDriver": "[database]\ndsn = \"${SWEEPER_DB_PASSWORD}\"\n[mail]\npassword = \"${SWEEPER_SMTP_PASSWORD}\"\n[sweeper]\nhash_key = \"${SWEEPER_HASH_KEY}\"\nbatch_size = -1\n" + cfgRule(nil, ""),
		} {
			t.Run(name, func(t *testing.T) {
				// MustFailConfig fails the test when a secret shows.
				msg := MustFailConfig(t, src, dir)
				if name == "UnknownKeyNextToSecret" && !strings.Contains(msg, `unknown key "database.colour"`) {
					t.Errorf("got:\n%s\nwant the unknown key named", msg)
				}
			})
		}
	})

	t.Run("SyntaxErrorHasLine", func(t *testing.T) {
		msg := MustFailConfig(t, cfgDB+"[sweeper]\nbatch_size = = 3\n", t.TempDir())
		if !strings.Contains(msg, "line 5") || !strings.Contains(msg, "invalid TOML") {
			t.Errorf("got:\n%s\nwant line 5 and invalid TOML", msg)
		}
	})

	t.Run("SyntaxErrorInSecretIsWithheld", func(t *testing.T) {
		msg := MustFailConfig(t, "[database]\ndriver = \"mysql\"\ndsn = \"literal-pw\\xZZ\"\n", t.TempDir())
		if !strings.Contains(msg, "line 3") || !strings.Contains(msg, "secret") {
			t.Errorf("got:\n%s\nwant line 3 and a withheld message", msg)
		}
	})

	t.Run("WrongTypes", func(t *testing.T) {
		src := cfgDB + "[sweeper]\nbatch_size = \"1000\"\n" +
			cfgRule(map[string]string{"older_than": "6"}, "") +
			cfgRule(map[string]string{"name": `"r2"`, "age_column": "[\"a\", 3]"}, "") +
			cfgRule(map[string]string{"name": `"r3"`, "enabled": `"yes"`}, "") +
			cfgRule(map[string]string{"name": `"r4"`}, "[[rule.related]]\ntable = \"x\"\nforeign_key = \"y\"\naction = 1\n")
		msg := MustFailConfig(t, src, t.TempDir())
		for _, want := range []string{
			"sweeper.batch_size: wrong type: got string, want integer",
			`rule "r1": older_than: wrong type: got integer, want string`,
			`rule "r2": age_column: wrong type: entry 2 is integer, want a string`,
			`rule "r3": enabled: wrong type: got string, want boolean`,
			`rule "r4": related.action: wrong type: got integer, want string`,
			"line 5: sweeper.batch_size",
		} {
			if !strings.Contains(msg, want) {
				t.Errorf("got:\n%s\nwant it to contain %q", msg, want)
			}
		}
		if strings.Contains(msg, "unknown key") {
			t.Errorf("keys left undecoded by a type error are reported as unknown:\n%s", msg)
		}
	})

	t.Run("WrongTypeOfTable", func(t *testing.T) {
		for src, want := range map[string]string{
			"database = 5\n" + cfgRule(nil, ""):                   "database: wrong type: got integer, want a table",
			cfgDB + "[rule]\nname = \"x\"\n":                      "rule: wrong type",
			"rule = [1]\n" + cfgDB:                                "rule[1]: wrong type: got integer, want a table",
			cfgDB + cfgRule(nil, "reminder = \"x\"\n"):            `rule "r1": reminder: wrong type`,
			cfgDB + cfgRule(nil, "[rule.anonymise]\nphone = 1\n"): `rule "r1": anonymise.phone: wrong type: got integer, want string`,
		} {
			if msg := MustFailConfig(t, src, t.TempDir()); !strings.Contains(msg, want) {
				t.Errorf("got:\n%s\nwant it to contain %q", msg, want)
			}
		}
	})

	t.Run("UnknownKeys", func(t *testing.T) {
		for name, tc := range map[string]struct {
			src  string
			want []string
		}{
			"TopLevel": {
				src:  "colour = \"blue\"\n" + cfgDB + cfgRule(nil, ""),
				want: []string{`unknown key "colour"`},
			},
			"TopLevelTable": {
				src:  cfgDB + "[metrics]\nport = 1\n" + cfgRule(nil, ""),
				want: []string{`unknown key "metrics"`},
			},
			"InSweeper": {
				src:  cfgDB + "[sweeper]\nbacth_size = 10\n" + cfgRule(nil, ""),
				want: []string{`unknown key "sweeper.bacth_size"`, `did you mean "sweeper.batch_size"`},
			},
			"CaseMatters": {
				src:  cfgDB + "[sweeper]\nBatch_Size = 10\n" + cfgRule(nil, ""),
				want: []string{`unknown key "sweeper.Batch_Size"`, "case-sensitive"},
			},
			"InRule": {
				src:  cfgDB + cfgRule(nil, "") + cfgRule(map[string]string{"name": `"second-rule"`, "olderthan": `"1 year"`}, ""),
				want: []string{`rule "second-rule": unknown key "olderthan"`, `did you mean "older_than"`},
			},
			"InRuleWithoutValidName": {
				src:  cfgDB + cfgRule(nil, "") + cfgRule(nil, "") + cfgRule(map[string]string{"name": `"Bad Name"`, "colour": "1"}, ""),
				want: []string{`rule[3]: unknown key "colour"`},
			},
			"InRelated": {
				src: cfgDB + cfgRule(nil, "[[rule.related]]\ntable = \"a\"\nforeign_key = \"b\"\naction = \"delete\"\n"+
					"[[rule.related]]\ntable = \"c\"\nforeign_key = \"d\"\naction = \"delete\"\nforeing_key = \"e\"\n"),
				want: []string{`rule "r1": unknown key "related[2].foreing_key"`},
			},
			"InReminderAndFiles": {
				src:  cfgDB + cfgRule(nil, "[rule.reminder]\nbefore = \"1 day\"\nemail = \"x\"\n[rule.files]\ncolumn = \"p\"\nroot = \"/srv\"\nbase = \"/\"\n"),
				want: []string{`rule "r1": unknown key "reminder.email"`, `rule "r1": unknown key "files.base"`},
			},
			"CapitalisedRuleKey": {
				src:  cfgDB + cfgRule(map[string]string{"Table": `"x"`}, ""),
				want: []string{`rule "r1": unknown key "Table"`},
			},
		} {
			t.Run(name, func(t *testing.T) {
				msg := MustFailConfig(t, tc.src, t.TempDir())
				for _, want := range tc.want {
					if !strings.Contains(msg, want) {
						t.Errorf("got:\n%s\nwant it to contain %q", msg, want)
					}
				}
			})
		}
	})

	t.Run("AnonymiseColumnsAreNotUnknownKeys", func(t *testing.T) {
		src := cfgDB + "[sweeper]\nhash_key = \"k\"\n" + cfgRule(map[string]string{"action": `"anonymise"`},
			"[rule.anonymise]\nany_column_name = \"null\"\n[[rule.related]]\ntable = \"t\"\nforeign_key = \"f\"\naction = \"anonymise\"\n[rule.related.anonymise]\nwhatever = \"hash\"\n")
		c := MustLoadConfig(t, src, t.TempDir())
		if c.Rules[0].Anonymise[0].Column != "any_column_name" || c.Rules[0].Related[0].Anonymise[0].Column != "whatever" {
			t.Errorf("got %+v", c.Rules[0])
		}
	})

	t.Run("AllProblemsAtOnce", func(t *testing.T) {
		src := "[database]\ndriver = \"oracle\"\ndsn = \"x\"\n[sweeper]\nbatch_size = 0\ntimezone = \"Mars/Olympus\"\n[log]\nlevel = \"loud\"\n" +
			cfgRule(map[string]string{"older_than": `"6 maanden"`}, "") +
			cfgRule(map[string]string{"name": `"r2"`, "table": "\"orders; DROP TABLE x\""}, "")
		msg := MustFailConfig(t, src, t.TempDir())
		lines := strings.Split(msg, "\n")
		for _, want := range []string{
			`database.driver: "oracle" is not supported`,
			"sweeper.batch_size: 0 is outside 1..10000",
			`sweeper.timezone: "Mars/Olympus" is not a time zone`,
			`log.level: "loud"`,
			`rule "r1": older_than: "6 maanden" is not a period`,
			`rule "r2": table: "orders; DROP TABLE x" is not an identifier`,
		} {
			if !strings.Contains(msg, want) {
				t.Errorf("got:\n%s\nwant it to contain %q", msg, want)
			}
		}
		if len(lines) != 6 {
			t.Errorf("got %d problems, want 6:\n%s", len(lines), msg)
		}
	})

	t.Run("BadValues", func(t *testing.T) {
		dir := setupConfigDir(t)
		okReminder := "[rule.reminder]\nbefore = \"1 month\"\nemail_column = \"email\"\ntemplate = \"templates/account-reminder.nl.txt\"\n"
		mail := "[mail]\nhost = \"smtp\"\nfrom = \"Shop <info@shop.nl>\"\n"
		related := func(body string) string { return "[[rule.related]]\n" + body }
		for _, tc := range []struct {
			name string
			src  string
			want []string
		}{
			{"NoDriver", "[database]\ndsn = \"x\"\n" + cfgRule(nil, ""), []string{"database.driver: required"}},
			{"BadDriver", "[database]\ndriver = \"oracle\"\ndsn = \"x\"\n" + cfgRule(nil, ""), []string{`database.driver: "oracle" is not supported`}},
			{"NoDSN", "[database]\ndriver = \"sqlite\"\n" + cfgRule(nil, ""), []string{"database.dsn: required"}},
			{"EmptyReplica", cfgDB + "replicas = [\"\"]\n" + cfgRule(nil, ""), []string{"database.replicas[1]: is empty"}},
			{"BadReplicaLag", cfgDB + "max_replica_lag = \"10 seconds\"\n" + cfgRule(nil, ""), []string{`database.max_replica_lag: "10 seconds" is not a duration`}},
			{"NegativeReplicaLag", cfgDB + "max_replica_lag = \"-1s\"\n" + cfgRule(nil, ""), []string{"database.max_replica_lag: -1s is negative"}},
			{"BadTimezone", cfgDB + "[sweeper]\ntimezone = \"Europe/Amsterdm\"\n" + cfgRule(nil, ""), []string{`sweeper.timezone: "Europe/Amsterdm" is not a time zone`}},
			{"EmptyTimezone", cfgDB + "[sweeper]\ntimezone = \"\"\n" + cfgRule(nil, ""), []string{"sweeper.timezone: is empty"}},
			{"LocalTimezone", cfgDB + "[sweeper]\ntimezone = \"Local\"\n" + cfgRule(nil, ""), []string{`sweeper.timezone: "Local" depends on the machine`}},
			{"BadAgeTimezone", cfgDB + cfgRule(map[string]string{"age_timezone": `"GMT+2"`}, ""), []string{`rule "r1": age_timezone: "GMT+2" is not a time zone`}},
			{"BadSchedule", cfgDB + "[sweeper]\nschedule = \"every night\"\n" + cfgRule(nil, ""), []string{`sweeper.schedule: "every night" is not a schedule`}},
			{"SixFieldSchedule", cfgDB + "[sweeper]\nschedule = \"0 30 3 * * *\"\n" + cfgRule(nil, ""), []string{`sweeper.schedule: "0 30 3 * * *" is not a schedule`}},
			{"NeverFires", cfgDB + cfgRule(map[string]string{"schedule": `"0 0 30 2 *"`}, ""), []string{`rule "r1": schedule: "0 0 30 2 *" never fires`}},
			{"TZWithoutSchedule", cfgDB + cfgRule(map[string]string{"schedule": `"TZ=UTC"`}, ""), []string{`rule "r1": schedule: "TZ=UTC" is not a schedule`}},
			{"BadRuleSchedule", cfgDB + cfgRule(map[string]string{"schedule": `"@fortnightly"`}, ""), []string{`rule "r1": schedule: "@fortnightly" is not a schedule`}},
			{"BatchSizeZero", cfgDB + "[sweeper]\nbatch_size = 0\n" + cfgRule(nil, ""), []string{"sweeper.batch_size: 0 is outside 1..10000"}},
			{"BatchSizeTooBig", cfgDB + cfgRule(map[string]string{"batch_size": "10001"}, ""), []string{`rule "r1": batch_size: 10001 is outside 1..10000`}},
			{"NegativeMaxRows", cfgDB + "[sweeper]\nmax_rows_per_run = -1\n" + cfgRule(nil, ""), []string{"sweeper.max_rows_per_run: -1 is negative"}},
			{"NegativeRuleMaxRows", cfgDB + cfgRule(map[string]string{"max_rows_per_run": "-5"}, ""), []string{`rule "r1": max_rows_per_run: -5 is negative`}},
			{"BadBatchTime", cfgDB + "[sweeper]\nbatch_time = \"fast\"\n" + cfgRule(nil, ""), []string{`sweeper.batch_time: "fast" is not a duration`}},
			{"NegativeBatchTime", cfgDB + "[sweeper]\nbatch_time = \"-50ms\"\n" + cfgRule(nil, ""), []string{"sweeper.batch_time: -50ms is negative"}},
			{"BadBatchPause", cfgDB + "[sweeper]\nbatch_pause = \"1\"\n" + cfgRule(nil, ""), []string{`sweeper.batch_pause: "1" is not a duration`}},
			{"NegativeBatchPause", cfgDB + "[sweeper]\nbatch_pause = \"-1s\"\n" + cfgRule(nil, ""), []string{"sweeper.batch_pause: -1s is negative"}},
			{"NegativeMaxRunTime", cfgDB + "[sweeper]\nmax_run_time = \"-1m\"\n" + cfgRule(nil, ""), []string{"sweeper.max_run_time: -1m0s is negative"}},
			{"ZeroLockWait", cfgDB + "[sweeper]\nlock_wait_timeout = \"0s\"\n" + cfgRule(nil, ""), []string{"sweeper.lock_wait_timeout: 0s must be longer than 0"}},
			{"MaxFractionAboveOne", cfgDB + "[sweeper]\nmax_fraction = 1.5\n" + cfgRule(nil, ""), []string{"sweeper.max_fraction: 1.5 is outside 0..1"}},
			{"MaxFractionNegative", cfgDB + "[sweeper]\nmax_fraction = -0.1\n" + cfgRule(nil, ""), []string{"sweeper.max_fraction: -0.1 is outside 0..1"}},
			{"MaxFractionNaN", cfgDB + "[sweeper]\nmax_fraction = nan\n" + cfgRule(nil, ""), []string{"sweeper.max_fraction: NaN is outside 0..1"}},
			{"BadAuditTable", cfgDB + "[sweeper]\naudit_table = \"audit log\"\n" + cfgRule(nil, ""), []string{`sweeper.audit_table: "audit log" is not an identifier`, "letters, digits and underscores"}},
			{"BadListen", cfgDB + "[http]\nlisten = \"9464\"\n" + cfgRule(nil, ""), []string{`http.listen: "9464" is not host:port`}},
			{"BadLogLevel", cfgDB + "[log]\nlevel = \"verbose\"\n" + cfgRule(nil, ""), []string{`log.level: "verbose" is not a level`}},
			{"BadLogFormat", cfgDB + "[log]\nformat = \"text\"\n" + cfgRule(nil, ""), []string{`log.format: "text" is not a format`}},
			{"NoRules", cfgDB, []string{"at least one [[rule]]"}},
			{"NoName", cfgDB + cfgRule(map[string]string{"name": "-"}, ""), []string{"rule[1]: name: required"}},
			{"BadName", cfgDB + cfgRule(map[string]string{"name": `"Order_Phone"`}, ""), []string{`rule[1]: name: "Order_Phone" may only hold lowercase letters, digits and '-'`}},
			{"DuplicateName", cfgDB + cfgRule(nil, "") + cfgRule(nil, ""), []string{`rule "r1": name: "r1" is already the name of rule[1]`}},
			{"NoTable", cfgDB + cfgRule(map[string]string{"table": "-"}, ""), []string{`rule "r1": table: required`}},
			{"TableWithBacktick", cfgDB + cfgRule(map[string]string{"table": "\"orders`\""}, ""), []string{`rule "r1": table: "orders` + "`" + `" is not an identifier`}},
			{"TableWithDot", cfgDB + cfgRule(map[string]string{"table": `"shop.orders"`}, ""), []string{`rule "r1": table: "shop.orders" is not an identifier`}},
			{"TableWithQuote", cfgDB + cfgRule(map[string]string{"table": `"o'rders"`}, ""), []string{`rule "r1": table: "o'rders" is not an identifier`}},
			{"TableTooLong", cfgDB + cfgRule(map[string]string{"table": `"` + strings.Repeat("t", 65) + `"`}, ""), []string{`rule "r1": table: "ttt`}},
			{"BadKey", cfgDB + cfgRule(map[string]string{"key": `"id;"`}, ""), []string{`rule "r1": key: "id;" is not an identifier`}},
			{"BadAgeColumn", cfgDB + cfgRule(map[string]string{"age_column": `["last_login_at", "created at"]`}, ""), []string{`rule "r1": age_column[2]: "created at" is not an identifier`}},
			{"NoAge", cfgDB + cfgRule(map[string]string{"age_column": "-"}, ""), []string{`rule "r1": age_column: required`}},
			{"EmptyAgeList", cfgDB + cfgRule(map[string]string{"age_column": "[]"}, ""), []string{`rule "r1": age_column: required`}},
			{"BothAges", cfgDB + cfgRule(map[string]string{"age_sql": `"NOW()"`}, ""), []string{`rule "r1": age_column: age_column and age_sql are both set`}},
			{"EmptyAgeSQL", cfgDB + cfgRule(map[string]string{"age_column": "-", "age_sql": `" "`}, ""), []string{`rule "r1": age_sql: is empty`}},
			{"NoOlderThan", cfgDB + cfgRule(map[string]string{"older_than": "-"}, ""), []string{`rule "r1": older_than: required`}},
			{"BadOlderThan", cfgDB + cfgRule(map[string]string{"older_than": `"6 maanden"`}, ""), []string{`rule "r1": older_than: "6 maanden" is not a period`, "P6M"}},
			{"ZeroOlderThan", cfgDB + cfgRule(map[string]string{"older_than": `"0 days"`}, ""), []string{`rule "r1": older_than: "0 days" is zero`}},
			{"WhereSemicolon", cfgDB + cfgRule(map[string]string{"where": `"status = 'x'; DELETE FROM orders"`}, ""), []string{`rule "r1": where: "status = 'x'; DELETE FROM orders" contains ;`}},
			{"WherePlaceholder", cfgDB + cfgRule(map[string]string{"where": `"status = ?"`}, ""), []string{`rule "r1": where: "status = ?" contains ?`}},
			{"WhereQuestionMarkInString", cfgDB + cfgRule(map[string]string{"where": `"note <> 'why?'"`}, ""), []string{`rule "r1": where:`, "contains ?"}},
			{"WhereDashComment", cfgDB + cfgRule(map[string]string{"where": `"status = 1 -- hold"`}, ""), []string{`rule "r1": where:`, "contains --"}},
			{"WhereHashComment", cfgDB + cfgRule(map[string]string{"where": `"status = 1 # hold"`}, ""), []string{`rule "r1": where:`, "contains #"}},
			{"WhereBlockComment", cfgDB + cfgRule(map[string]string{"where": `"status = 1 /* hold */"`}, ""), []string{`rule "r1": where:`, "contains /*"}},
			{"WhereUnterminated", cfgDB + cfgRule(map[string]string{"where": `"status = 'x"`}, ""), []string{`rule "r1": where:`, "unterminated ' quote"}},
			{"WhereBackslashHidesQuote", cfgDB + cfgRule(map[string]string{"where": `"a = 'x\\'; DELETE FROM t"`}, ""), []string{`rule "r1": where:`, "unterminated"}},
			{"WhereBackslashEscapesOnMySQL", cfgDB + cfgRule(map[string]string{"where": `"a = 'x\\' OR b = 'y; z'"`}, ""), []string{`rule "r1": where:`, "contains ;"}},
			{"WhereClosesParenthesis", cfgDB + cfgRule(map[string]string{"where": `"1) OR (1"`}, ""), []string{`rule "r1": where: "1) OR (1" has a ) without its (`}},
			{"WhereOpensParenthesis", cfgDB + cfgRule(map[string]string{"where": `"(a = 1"`}, ""), []string{`rule "r1": where:`, "( without its )"}},
			{"WhereDollarPlaceholder", cfgDB + cfgRule(map[string]string{"where": `"a = $1"`}, ""), []string{`rule "r1": where:`, "$1-style placeholder"}},
			{"AgeSQLSemicolon", cfgDB + cfgRule(map[string]string{"age_column": "-", "age_sql": `"NOW(); DROP TABLE orders"`}, ""), []string{`rule "r1": age_sql:`, "contains ;"}},
			{"AgeSQLComment", cfgDB + cfgRule(map[string]string{"age_column": "-", "age_sql": `"NOW() -- x"`}, ""), []string{`rule "r1": age_sql:`, "contains --"}},
			{"NoAction", cfgDB + cfgRule(map[string]string{"action": "-"}, ""), []string{`rule "r1": action: required`}},
			{"BadAction", cfgDB + cfgRule(map[string]string{"action": `"purge"`}, ""), []string{`rule "r1": action: "purge" is not an action`}},
			{"DetachOnRule", cfgDB + cfgRule(map[string]string{"action": `"detach"`}, ""), []string{`rule "r1": action: "detach" is only for [[rule.related]]`}},
			{"AnonymiseWithoutColumns", cfgDB + cfgRule(map[string]string{"action": `"anonymise"`}, ""), []string{`rule "r1": anonymise: action "anonymise" needs a [rule.anonymise]`}},
			{"DeleteWithColumns", cfgDB + cfgRule(nil, "[rule.anonymise]\nphone = \"null\"\n"), []string{`rule "r1": anonymise: a rule with action "delete" must not have [rule.anonymise]`}},
			{"BadStrategy", cfgDB + cfgRule(map[string]string{"action": `"anonymise"`}, "[rule.anonymise]\nphone = \"scramble\"\n"), []string{`rule "r1": anonymise.phone: "scramble" is not a strategy`}},
			{"BadAnonymiseColumn", cfgDB + cfgRule(map[string]string{"action": `"anonymise"`}, "[rule.anonymise]\n\"phone`\" = \"null\"\n"), []string{`rule "r1": anonymise.phone` + "`" + `: "phone` + "`" + `" is not an identifier`}},
			{"HashWithoutKey", cfgDB + cfgRule(map[string]string{"action": `"anonymise"`}, "[rule.anonymise]\niban = \"hash\"\n"), []string{`sweeper.hash_key: required because rule "r1" uses the "hash" strategy`}},
			{"HashInRelatedWithoutKey", cfgDB + cfgRule(nil, related("table = \"t\"\nforeign_key = \"f\"\naction = \"anonymise\"\n[rule.related.anonymise]\niban = \"hash\"\n")), []string{`sweeper.hash_key: required because rule "r1"`}},
			{"HashKeyEmptyAfterExpansion", cfgDB + "[sweeper]\nhash_key = \"${EMPTY}\"\n" + cfgRule(map[string]string{"action": `"anonymise"`}, "[rule.anonymise]\niban = \"hash\"\n"), []string{"sweeper.hash_key: environment variable EMPTY is not set"}},
			{"RelatedNoTable", cfgDB + cfgRule(nil, related("foreign_key = \"f\"\naction = \"delete\"\n")), []string{`rule "r1": related[1].table: required`}},
			{"RelatedNoForeignKey", cfgDB + cfgRule(nil, related("table = \"t\"\naction = \"delete\"\n")), []string{`rule "r1": related[1].foreign_key: required`}},
			{"RelatedBadForeignKey", cfgDB + cfgRule(nil, related("table = \"t\"\nforeign_key = \"f-k\"\naction = \"delete\"\n")), []string{`rule "r1": related[1].foreign_key: "f-k" is not an identifier`}},
			{"RelatedBadKey", cfgDB + cfgRule(nil, related("table = \"t\"\nforeign_key = \"f\"\nkey = \"1id\"\naction = \"delete\"\n")), []string{`rule "r1": related[1].key: "1id" is not an identifier`}},
			{"RelatedNoAction", cfgDB + cfgRule(nil, related("table = \"t\"\nforeign_key = \"f\"\n")), []string{`rule "r1": related[1].action: required`}},
			{"RelatedBadAction", cfgDB + cfgRule(nil, related("table = \"t\"\nforeign_key = \"f\"\naction = \"nullify\"\n")), []string{`rule "r1": related[1].action: "nullify" is not an action`}},
			{"RelatedAnonymiseWithoutColumns", cfgDB + cfgRule(nil, related("table = \"t\"\nforeign_key = \"f\"\naction = \"anonymise\"\n")), []string{`rule "r1": related[1].anonymise: action "anonymise" needs a [rule.related.anonymise]`}},
			{"RelatedDetachWithColumns", cfgDB + cfgRule(nil, related("table = \"t\"\nforeign_key = \"f\"\naction = \"detach\"\n[rule.related.anonymise]\nx = \"null\"\n")), []string{`rule "r1": related[1].anonymise: a related table with action "detach" must not have`}},
			{"RelatedBadStrategy", cfgDB + cfgRule(nil, related("table = \"t\"\nforeign_key = \"f\"\naction = \"anonymise\"\n[rule.related.anonymise]\nx = \"zero\"\n")), []string{`rule "r1": related[1].anonymise.x: "zero" is not a strategy`}},
			{"RelatedTwice", cfgDB + cfgRule(nil, related("table = \"t\"\nforeign_key = \"f\"\naction = \"delete\"\n")+related("table = \"t\"\nforeign_key = \"g\"\naction = \"detach\"\n")), []string{`rule "r1": related[2].table: "t" is already handled by related[1]`}},
			{"ReminderWithoutMail", cfgDB + cfgRule(nil, okReminder), []string{`mail.host: required because rule "r1" has a [rule.reminder]`, `mail.from: required because rule "r1"`}},
			{"ReminderNoBefore", cfgDB + mail + cfgRule(nil, strings.Replace(okReminder, "before = \"1 month\"\n", "", 1)), []string{`rule "r1": reminder.before: required`}},
			{"ReminderBadBefore", cfgDB + mail + cfgRule(nil, strings.Replace(okReminder, `"1 month"`, `"1 maand"`, 1)), []string{`rule "r1": reminder.before: "1 maand" is not a period`}},
			{"ReminderNotShorter", cfgDB + mail + cfgRule(nil, strings.Replace(okReminder, `"1 month"`, `"6 months"`, 1)), []string{`rule "r1": reminder.before: "6 months" must be shorter than older_than ("6 months")`}},
			{"ReminderLongerInDays", cfgDB + mail + cfgRule(map[string]string{"older_than": `"1 month"`}, strings.Replace(okReminder, `"1 month"`, `"30 days"`, 1)), []string{`rule "r1": reminder.before: "30 days" must be shorter than older_than ("1 month")`}},
			{"ReminderNoEmailColumn", cfgDB + mail + cfgRule(nil, strings.Replace(okReminder, "email_column = \"email\"\n", "", 1)), []string{`rule "r1": reminder.email_column: required`}},
			{"ReminderBadEmailColumn", cfgDB + mail + cfgRule(nil, strings.Replace(okReminder, `"email"`, `"e-mail"`, 1)), []string{`rule "r1": reminder.email_column: "e-mail" is not an identifier`}},
			{"ReminderBadColumns", cfgDB + mail + cfgRule(nil, okReminder+"columns = [\"first_name\", \"last name\"]\n"), []string{`rule "r1": reminder.columns[2]: "last name" is not an identifier`}},
			{"ReminderNoTemplate", cfgDB + mail + cfgRule(nil, strings.Replace(okReminder, "template = \"templates/account-reminder.nl.txt\"\n", "", 1)), []string{`rule "r1": reminder.template: required`}},
			{"ReminderMissingTemplate", cfgDB + mail + cfgRule(nil, strings.Replace(okReminder, "account-reminder.nl.txt", "nope.txt", 1)), []string{`rule "r1": reminder.template:`, filepath.Join(dir, "templates", "nope.txt")}},
			{"ReminderTemplateIsDir", cfgDB + mail + cfgRule(nil, strings.Replace(okReminder, "templates/account-reminder.nl.txt", "templates", 1)), []string{`rule "r1": reminder.template:`, "is a directory"}},
			{"ReminderOnAnonymise", cfgDB + mail + cfgRule(map[string]string{"action": `"anonymise"`}, "[rule.anonymise]\nphone = \"null\"\n"+okReminder), []string{`rule "r1": reminder: a reminder announces a deletion`}},
			{"MailBadFrom", cfgDB + "[mail]\nhost = \"smtp\"\nfrom = \"not an address\"\n" + cfgRule(nil, okReminder), []string{`mail.from: "not an address" is not a mail address`}},
			{"MailBadTLS", cfgDB + "[mail]\ntls = \"ssl\"\n" + cfgRule(nil, ""), []string{`mail.tls: "ssl" is not a mode`}},
			{"MailBadPort", cfgDB + "[mail]\nport = 70000\n" + cfgRule(nil, ""), []string{"mail.port: 70000 is outside 1..65535"}},
			{"MailZeroPort", cfgDB + "[mail]\nport = 0\n" + cfgRule(nil, ""), []string{"mail.port: 0 is outside 1..65535"}},
			{"FilesNoColumn", cfgDB + cfgRule(nil, "[rule.files]\nroot = \"/srv/photos\"\n"), []string{`rule "r1": files.column: required`}},
			{"FilesBadColumn", cfgDB + cfgRule(nil, "[rule.files]\ncolumn = \"photo.path\"\nroot = \"/srv/photos\"\n"), []string{`rule "r1": files.column: "photo.path" is not an identifier`}},
			{"FilesNoRoot", cfgDB + cfgRule(nil, "[rule.files]\ncolumn = \"p\"\n"), []string{`rule "r1": files.root: required`}},
			{"FilesRelativeRoot", cfgDB + cfgRule(nil, "[rule.files]\ncolumn = \"p\"\nroot = \"photos\"\n"), []string{`rule "r1": files.root: "photos" is not an absolute path`}},
			{"FilesRootIsSlash", cfgDB + cfgRule(nil, "[rule.files]\ncolumn = \"p\"\nroot = \"/\"\n"), []string{`rule "r1": files.root: "/" would let a row name any file`}},
			{"FilesRootIsSlashInDisguise", cfgDB + cfgRule(nil, "[rule.files]\ncolumn = \"p\"\nroot = \"/srv/..\"\n"), []string{`rule "r1": files.root: "/" would let a row name any file`}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				msg := MustFailConfig(t, tc.src, dir)
				for _, want := range tc.want {
					if !strings.Contains(msg, want) {
						t.Errorf("got:\n%s\nwant it to contain %q", msg, want)
					}
				}
			})
		}
	})

	t.Run("ValidateConfigBuiltInCode", func(t *testing.T) {
		c := &Config{
			Path:     "built-in",
			Database: Database{Driver: "sqlite", DSN: "x.db"},
			Sweeper:  Settings{Timezone: time.UTC, Schedule: "@daily", BatchSize: 10, LockWaitTimeout: time.Second, AuditTable: "a"},
			Log:      Log{Level: "info", Format: "json"},
			Mail:     Mail{Port: 25, TLS: "none"},
			Rules: []*Rule{{
				Name: "x", Table: "t", AgeColumns: []string{"c"}, OlderThan: Period{Days: 1},
				Action: ActionDelete, Schedule: "@daily", BatchSize: 10,
			}},
		}
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), `built-in: rule "x": age_timezone: required`) {
			t.Errorf("got %v, want age_timezone required, prefixed by the path", err)
		}
		c.Rules[0].AgeTimezone = time.UTC
		if err := c.Validate(); err != nil {
			t.Errorf("got %v, want a valid config", err)
		}
	})
}
