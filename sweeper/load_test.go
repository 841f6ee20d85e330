package sweeper

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

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
		wantAnon := []ColumnStrategy{{Column: "phone", Strategy: StrategyNull}, {Column: "salutation", Strategy: StrategyNull}}
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
			{Table: "addresses", ForeignKey: []string{"customer_id"}, Action: ActionDelete},
			{Table: "orders", ForeignKey: []string{"customer_id"}, Action: ActionDetach},
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
		if !reflect.DeepEqual(r.Related[0].Key, []string{"note_id"}) || !reflect.DeepEqual(r.Related[0].Anonymise, []ColumnStrategy{{Column: "body", Strategy: StrategyRedact}}) {
			t.Errorf("related: got %+v", r.Related[0])
		}
	})

	t.Run("NestedRelated", func(t *testing.T) {
		src := cfgDB + cfgRule(nil, "[[rule.related]]\ntable = \"orders\"\nforeign_key = \"customer_id\"\naction = \"delete\"\n"+
			"[[rule.related.related]]\ntable = \"order_lines\"\nforeign_key = [\"order_id\", \"order_version\"]\nreferences = [\"id\", \"version\"]\n"+
			"key = [\"id\", \"version\"]\naction = \"anonymise\"\n[rule.related.related.anonymise]\nnote = \"null\"\n"+
			"[[rule.related.related.related]]\ntable = \"line_tax\"\nforeign_key = [\"line_id\", \"line_version\"]\naction = \"delete\"\n"+
			"[[rule.related]]\ntable = \"notes\"\nforeign_key = \"customer_id\"\naction = \"delete\"\n"+
			"[[rule.related]]\ntable = \"notes\"\nforeign_key = \"author_id\"\naction = \"detach\"\n")
		c := MustLoadConfig(t, src, t.TempDir())
		want := []Related{
			{Table: "orders", ForeignKey: []string{"customer_id"}, Action: ActionDelete, Related: []Related{{
				Table: "order_lines", ForeignKey: []string{"order_id", "order_version"}, References: []string{"id", "version"},
				Key: []string{"id", "version"}, Action: ActionAnonymise, Anonymise: []ColumnStrategy{{Column: "note", Strategy: StrategyNull}},
				Related: []Related{{Table: "line_tax", ForeignKey: []string{"line_id", "line_version"}, Action: ActionDelete}}}}},
			{Table: "notes", ForeignKey: []string{"customer_id"}, Action: ActionDelete},
			{Table: "notes", ForeignKey: []string{"author_id"}, Action: ActionDetach},
		}
		if !reflect.DeepEqual(c.Rules[0].Related, want) {
			t.Errorf("related:\ngot  %+v\nwant %+v", c.Rules[0].Related, want)
		}
	})

	t.Run("Refers", func(t *testing.T) {
		src := cfgDB + cfgRule(nil, "[[rule.refers]]\ntable = \"addresses\"\ncolumn = \"address_id\"\nkey = \"id\"\naction = \"anonymize\"\n"+
			"where = \" customer_id IS NULL \"\nreferred_by = [\"carts.address_id\"]\n[rule.refers.anonymise]\nstreet = \"null\"\n")
		c := MustLoadConfig(t, src, t.TempDir())
		want := []Refers{{Table: "addresses", Column: "address_id", Key: "id", Action: ActionAnonymise, Where: "customer_id IS NULL",
			ReferredBy: []string{"carts.address_id"}, Anonymise: []ColumnStrategy{{Column: "street", Strategy: StrategyNull}}}}
		if !reflect.DeepEqual(c.Rules[0].Refers, want) {
			t.Errorf("refers:\ngot  %+v\nwant %+v", c.Rules[0].Refers, want)
		}
	})

	t.Run("ValueStrategy", func(t *testing.T) {
		src := cfgDB + cfgRule(map[string]string{"action": `"anonymise"`}, "[rule.anonymise]\nid_gender = \"value:0\"\nnick = \"value:\"\n")
		c := MustLoadConfig(t, src, t.TempDir())
		want := []ColumnStrategy{{Column: "id_gender", Strategy: StrategyValue, Value: "0"}, {Column: "nick", Strategy: StrategyValue, Value: ""}}
		if !reflect.DeepEqual(c.Rules[0].Anonymise, want) {
			t.Errorf("anonymise: got %+v, want %+v", c.Rules[0].Anonymise, want)
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
}
