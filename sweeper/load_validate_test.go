package sweeper

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestLoad_Validate holds the checks of values against each other and
// the rules of the file, all reported at once.
func TestLoad_Validate(t *testing.T) {
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
			{"WhereBackslashEscapesInPostgresEString", cfgDBPostgres + cfgRule(map[string]string{"where": `"a = E'x\\' OR b = 'y; DELETE FROM t'"`}, ""), []string{`rule "r1": where:`, "contains ;"}},
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
