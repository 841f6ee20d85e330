package sweeper

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// cfgFullExample is the full example of the config's shape: every
// table and key, as config.example.toml documents them.
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

// cfgDBPostgres is cfgDB for PostgreSQL.
const cfgDBPostgres = "[database]\ndriver = \"postgres\"\ndsn = \"postgres://u:${SWEEPER_DB_PASSWORD}@db/shop\"\n"

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
