package sweeper

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// maxBatchSize bounds batch_size because a batch's keys travel as bound
// parameters, and drivers cap how many one statement may carry.
const maxBatchSize = 10000

var (
	identifierPattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)
	rulePattern       = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	envNamePattern    = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

// validate checks the parsed values. The database's own view (do the tables
// and columns exist) is for check, not for here.
//
// Problems are sorted by rule and key before they are shown; those that
// sort alike keep the order they were found in, so the sections are checked
// in the order of the file.
func (c *Config) validate(ps *problems) {
	top := topScope(ps)
	c.Database.validate(top)
	c.Sweeper.validate(top)
	c.HTTP.validate(top)
	c.Log.validate(top)
	c.Mail.validate(top)
	reminderRule, hashRule := c.validateRules(ps)
	if c.Subject != nil {
		c.Subject.validate(top)
	}
	if reminderRule != "" {
		if c.Mail.Host == "" {
			top.addf("mail.host", "required because %s has a [rule.reminder]", reminderRule)
		}
		if c.Mail.From == "" {
			top.addf("mail.from", "required because %s has a [rule.reminder]", reminderRule)
		}
	}
	if hashRule != "" && c.Sweeper.HashKey == "" {
		top.addf("sweeper.hash_key", `required because %s uses the "hash" strategy`, hashRule)
	}
}

func (d *Database) validate(top scope) {
	switch d.Driver {
	case "mysql", "sqlite", "postgres":
	case "":
		top.addf("database.driver", "required: mysql (also for MariaDB), sqlite or postgres")
	default:
		// A DSN pasted into the wrong key must not be echoed: only a value
		// that looks like a driver name is shown.
		shown := "this value"
		if len(d.Driver) <= 20 && envNamePattern.MatchString(d.Driver) {
			shown = strconv.Quote(d.Driver)
		}
		top.addf("database.driver", "%s is not supported: use mysql (also for MariaDB), sqlite or postgres", shown)
	}
	if d.DSN == "" {
		top.addf("database.dsn", "required")
	}
	for i, r := range d.Replicas {
		if r == "" {
			top.addf(fmt.Sprintf("database.replicas[%d]", i+1), "is empty")
		}
	}
	nonNegative(top, "database.max_replica_lag", d.MaxReplicaLag)
}

func (s *Settings) validate(top scope) {
	if s.Timezone == nil {
		top.addf("sweeper.timezone", "required")
	}
	checkSchedule(top, "sweeper.schedule", s.Schedule, s.location())
	checkBatchSize(top, "sweeper.batch_size", s.BatchSize)
	nonNegative(top, "sweeper.batch_time", s.BatchTime)
	nonNegative(top, "sweeper.batch_pause", s.BatchPause)
	if s.MaxRowsPerRun < 0 {
		top.addf("sweeper.max_rows_per_run", "%d is negative (0 means no cap)", s.MaxRowsPerRun)
	}
	nonNegative(top, "sweeper.max_run_time", s.MaxRunTime)
	if !(s.MaxFraction >= 0 && s.MaxFraction <= 1) {
		top.addf("sweeper.max_fraction", "%v is outside 0..1 (a share of the table; 0 turns the breaker off)", s.MaxFraction)
	}
	if s.LockWaitTimeout <= 0 {
		top.addf("sweeper.lock_wait_timeout", "%s must be longer than 0", s.LockWaitTimeout)
	}
	checkIdentifier(top, "sweeper.audit_table", s.AuditTable, true)
	s.validateThrottle(top)
}

// location is the zone schedules are checked in: a missing timezone has
// been reported already, and UTC stands in so the schedules are still checked.
func (s *Settings) location() *time.Location {
	if s.Timezone == nil {
		return time.UTC
	}
	return s.Timezone
}

func (h *HTTP) validate(top scope) {
	if l := h.Listen; l != "" {
		if _, port, err := net.SplitHostPort(l); err != nil || port == "" {
			top.addf("http.listen", `%q is not host:port (e.g. "127.0.0.1:9464"; "" turns HTTP off)`, l)
		}
	}
}

func (l *Log) validate(top scope) {
	switch l.Level {
	case "debug", "info", "warn", "error":
	default:
		top.addf("log.level", "%q is not a level: use debug, info, warn or error", l.Level)
	}
	switch l.Format {
	case "json", "console":
	default:
		top.addf("log.format", "%q is not a format: use json or console", l.Format)
	}
}

// validate checks [mail] on its own; whether a rule needs it is Config's
// question.
func (m *Mail) validate(top scope) {
	switch m.TLS {
	case "none", "starttls", "tls":
	default:
		top.addf("mail.tls", "%q is not a mode: use none, starttls or tls", m.TLS)
	}
	if m.Port < 1 || m.Port > 65535 {
		top.addf("mail.port", "%d is outside 1..65535", m.Port)
	}
	if m.Timeout < 0 {
		top.addf("mail.timeout", "%s must be longer than 0", m.Timeout)
	}
	if m.From != "" {
		if _, err := mail.ParseAddress(m.From); err != nil {
			top.addf("mail.from", "%q is not a mail address (e.g. \"Shop <info@shop.nl>\")", m.From)
		}
	}
}

// validateRules checks every rule and returns the labels of the first rule
// with a reminder and the first that hashes, "" when there is none: they
// make keys outside the rules required.
func (c *Config) validateRules(ps *problems) (reminderRule, hashRule string) {
	if len(c.Rules) == 0 {
		topScope(ps).addf("rule", "no rules: at least one [[rule]] is required")
	}
	firstUse := make(map[string]int)
	for i, r := range c.Rules {
		sc := ruleScope(ps, i, r.Name)
		switch {
		case r.Name == "":
			sc.addf("name", "required")
		case !rulePattern.MatchString(r.Name):
			sc.addf("name", "%q may only hold lowercase letters, digits and '-', and must start with a letter or digit", r.Name)
		default:
			if j, dup := firstUse[r.Name]; dup {
				sc.addf("name", "%q is already the name of rule[%d]; names must be unique", r.Name, j+1)
			} else {
				firstUse[r.Name] = i
			}
		}
		r.validate(sc, c)
		if r.Reminder != nil && reminderRule == "" {
			reminderRule = sc.label
		}
		if hashRule == "" && r.usesHash() {
			hashRule = sc.label
		}
	}
	return reminderRule, hashRule
}

func (r *Rule) usesHash() bool {
	for _, a := range r.Anonymise {
		if a.Strategy == StrategyHash {
			return true
		}
	}
	for _, rf := range r.Refers {
		for _, a := range rf.Anonymise {
			if a.Strategy == StrategyHash {
				return true
			}
		}
	}
	return relatedHash(r.Related)
}

func relatedHash(rels []Related) bool {
	for _, rel := range rels {
		for _, a := range rel.Anonymise {
			if a.Strategy == StrategyHash {
				return true
			}
		}
		if relatedHash(rel.Related) {
			return true
		}
	}
	return false
}

func (r *Rule) validate(sc scope, c *Config) {
	checkIdentifier(sc, "table", r.Table, true)
	checkIdentifier(sc, "key", r.Key, false)
	r.validateDue(sc, c.Database.Driver)
	r.validateAction(sc)
	r.validateRelated(sc)
	r.validateRefers(sc, c.Database.Driver)
	r.validateReminder(sc)
	r.validateFiles(sc)
	r.validateOverrides(sc, &c.Sweeper)
	if r.KeepOnRequest {
		switch {
		case c.Subject == nil:
			sc.addf("keep_on_request", "needs a [subject] data map: without one no request erases a person's rows")
		case strings.TrimSpace(r.Basis) == "":
			sc.addf("keep_on_request", "the rows are kept under the rule's basis, which is empty: name the duty that keeps them")
		}
	}
}

// validate checks [subject] on its own: identifiers, and links that each
// lead to the subject table without going round in a circle.
func (m *Subject) validate(top scope) {
	checkIdentifier(top, "subject.table", m.Table, true)
	checkIdentifier(top, "subject.key", m.Key, false)
	for i, c := range m.Match {
		checkIdentifier(top, fmt.Sprintf("subject.match[%d]", i+1), c, true)
	}
	linked := map[string]bool{strings.ToLower(m.Table): true}
	for _, l := range m.Links {
		linked[strings.ToLower(l.Table)] = true
	}
	for i, l := range m.Links {
		p := fmt.Sprintf("subject.link[%d].", i+1)
		checkIdentifier(top, p+"table", l.Table, true)
		checkIdentifier(top, p+"column", l.Column, true)
		checkIdentifier(top, p+"to", l.To, false)
		checkIdentifier(top, p+"to_column", l.ToColumn, false)
		switch {
		case l.Table != "" && sameName(l.Table, m.Table):
			top.addf(p+"table", "%q is the subject table: its rows are the people themselves, found by subject.key", l.Table)
		case l.To != "" && !linked[strings.ToLower(l.To)]:
			top.addf(p+"to", "%q is neither the subject table nor a table of a [[subject.link]]: a link must lead to the person", l.To)
		}
	}
	if cycle := m.cycle(); cycle != nil {
		top.addf("subject.link", "the links go round in a circle (%s): every chain of links must end at the subject table %q",
			strings.Join(cycle, " → "), m.Table)
	}
}

// cycle returns a circle of tables the links lead through, or nil.
func (m *Subject) cycle() []string {
	next := map[string][]string{}
	for _, l := range m.Links {
		to := l.To
		if to == "" {
			to = m.Table
		}
		next[strings.ToLower(l.Table)] = append(next[strings.ToLower(l.Table)], strings.ToLower(to))
	}
	const (
		unseen = iota
		onPath
		done
	)
	state := map[string]int{}
	var path []string
	var visit func(t string) []string
	visit = func(t string) []string {
		switch state[t] {
		case onPath:
			i := slices.Index(path, t)
			return append(slices.Clone(path[i:]), t)
		case done:
			return nil
		}
		state[t] = onPath
		path = append(path, t)
		for _, n := range next[t] {
			if c := visit(n); c != nil {
				return c
			}
		}
		path = path[:len(path)-1]
		state[t] = done
		return nil
	}
	for _, l := range m.Links {
		if c := visit(strings.ToLower(l.Table)); c != nil {
			return c
		}
	}
	return nil
}

// validateDue checks what makes a row due: its age, the period and the
// where. The fragments are checked for the driver's quoting.
func (r *Rule) validateDue(sc scope, driver string) {
	switch {
	case len(r.AgeColumns) > 0 && r.AgeSQL != "":
		sc.addf("age_column", "age_column and age_sql are both set; use one")
	case len(r.AgeColumns) == 0 && r.AgeSQL == "":
		sc.addf("age_column", "required: set age_column (or age_sql) to what dates a row")
	}
	for i, col := range r.AgeColumns {
		key := "age_column"
		if len(r.AgeColumns) > 1 {
			key = fmt.Sprintf("age_column[%d]", i+1)
		}
		checkIdentifier(sc, key, col, true)
	}
	if r.AgeSQL != "" {
		checkFragment(sc, "age_sql", r.AgeSQL, driver)
	}
	if r.AgeTimezone == nil {
		sc.addf("age_timezone", "required")
	}
	if r.OlderThan.IsZero() {
		sc.addf("older_than", `required (e.g. "6 months" or "P6M")`)
	}
	if r.Where != "" {
		checkFragment(sc, "where", r.Where, driver)
	}
}

func (r *Rule) validateAction(sc scope) {
	switch r.Action {
	case ActionDelete:
		if len(r.Anonymise) > 0 {
			sc.addf("anonymise", `a rule with action "delete" must not have [rule.anonymise]`)
		}
	case ActionAnonymise:
		if len(r.Anonymise) == 0 {
			sc.addf("anonymise", `action "anonymise" needs a [rule.anonymise] table naming at least one column`)
		}
	case "":
		sc.addf("action", "required: delete or anonymise")
	case ActionDetach:
		sc.addf("action", `"detach" is only for [[rule.related]]; use delete or anonymise`)
	default:
		sc.addf("action", "%q is not an action: use delete or anonymise", r.Action)
	}
	checkStrategies(sc, "anonymise", r.Anonymise)
}

func (r *Rule) validateRelated(sc scope) {
	validateRelated(sc, "", r.Related)
}

// validateRelated checks the related tables listed at prefix ("" for the
// rule's own, "related[2]." for those nested in its second), and those
// nested in them. A table may be listed twice under one parent, through
// different foreign keys (a note deleted with its customer, detached from
// its author); twice through the same one is a mistake.
func validateRelated(sc scope, prefix string, rels []Related) {
	for i, rel := range rels {
		p := fmt.Sprintf("%srelated[%d].", prefix, i+1)
		checkIdentifier(sc, p+"table", rel.Table, true)
		checkColumns(sc, p+"foreign_key", rel.ForeignKey, true)
		checkColumns(sc, p+"references", rel.References, false)
		checkColumns(sc, p+"key", rel.Key, false)
		if len(rel.References) > 0 && len(rel.References) != len(rel.ForeignKey) {
			sc.addf(p+"references", "names %d columns, foreign_key %d: each column of the foreign key refers to one of them, in order",
				len(rel.References), len(rel.ForeignKey))
		}
		for j, prev := range rels[:i] {
			if rel.Table != "" && strings.EqualFold(prev.Table, rel.Table) && sameColumns(prev.ForeignKey, rel.ForeignKey) {
				sc.addf(p+"table", "%q is already handled through foreign_key %s by %srelated[%d]; a table may be listed twice only through different foreign keys",
					rel.Table, strings.Join(rel.ForeignKey, ", "), prefix, j+1)
				break
			}
		}
		// [rule.related.anonymise], [rule.related.related.anonymise] ...
		anonymise := "[rule" + strings.Repeat(".related", strings.Count(p, "related[")) + ".anonymise]"
		switch rel.Action {
		case ActionDelete, ActionDetach:
			if len(rel.Anonymise) > 0 {
				sc.addf(p+"anonymise", "a related table with action %q must not have %s", rel.Action, anonymise)
			}
		case ActionAnonymise:
			if len(rel.Anonymise) == 0 {
				sc.addf(p+"anonymise", `action "anonymise" needs a %s table naming at least one column`, anonymise)
			}
		case "":
			sc.addf(p+"action", "required: delete, anonymise or detach")
		default:
			sc.addf(p+"action", "%q is not an action: use delete, anonymise or detach", rel.Action)
		}
		checkStrategies(sc, p+"anonymise", rel.Anonymise)
		validateRelated(sc, p, rel.Related)
	}
}

// checkColumns checks a list of column names, as foreign_key and key take
// them.
func checkColumns(sc scope, key string, cols []string, required bool) {
	if len(cols) == 0 && required {
		sc.addf(key, "required")
	}
	for i, c := range cols {
		k := key
		if len(cols) > 1 {
			k = fmt.Sprintf("%s[%d]", key, i+1)
		}
		checkIdentifier(sc, k, c, true)
	}
	for i, c := range cols {
		if slices.ContainsFunc(cols[:i], func(p string) bool { return strings.EqualFold(p, c) }) {
			sc.addf(key, "%q is listed twice", c)
		}
	}
}

// sameColumns reports whether two lists name the same columns in the same
// order, as MySQL and SQLite compare names: without regard to case.
func sameColumns(a, b []string) bool {
	return slices.EqualFunc(a, b, strings.EqualFold)
}

// validateRefers checks the [[rule.refers]] tables.
func (r *Rule) validateRefers(sc scope, driver string) {
	for i, rf := range r.Refers {
		p := fmt.Sprintf("refers[%d].", i+1)
		checkIdentifier(sc, p+"table", rf.Table, true)
		checkIdentifier(sc, p+"column", rf.Column, true)
		checkIdentifier(sc, p+"key", rf.Key, false)
		if rf.Table != "" && strings.EqualFold(rf.Table, r.Table) {
			sc.addf(p+"table", "%q is the rule's own table: a row pointing at another of its table is a tree, not a referred row", rf.Table)
		}
		switch rf.Action {
		case ActionDelete:
			if len(rf.Anonymise) > 0 {
				sc.addf(p+"anonymise", `a referred table with action "delete" must not have [rule.refers.anonymise]`)
			}
		case ActionAnonymise:
			if len(rf.Anonymise) == 0 {
				sc.addf(p+"anonymise", `action "anonymise" needs a [rule.refers.anonymise] table naming at least one column`)
			}
		case "":
			sc.addf(p+"action", "required: delete or anonymise")
		default:
			sc.addf(p+"action", "%q is not an action: use delete or anonymise", rf.Action)
		}
		checkStrategies(sc, p+"anonymise", rf.Anonymise)
		if rf.Where != "" {
			checkFragment(sc, p+"where", rf.Where, driver)
		}
		for j, by := range rf.ReferredBy {
			k := fmt.Sprintf("%sreferred_by[%d]", p, j+1)
			t, c, ok := strings.Cut(by, ".")
			if !ok || !identifierPattern.MatchString(t) || !identifierPattern.MatchString(c) {
				sc.addf(k, "%q is not table.column", by)
			}
		}
	}
	if len(r.Refers) > 0 && r.Action != ActionDelete && r.Action != "" {
		sc.addf("refers", "rows the rule's row points at go when it is deleted: only a rule with action \"delete\" may have [[rule.refers]]")
	}
}

func (r *Rule) validateReminder(sc scope) {
	rem := r.Reminder
	if rem == nil {
		return
	}
	if rem.Before.IsZero() {
		sc.addf("reminder.before", `required (e.g. "1 month")`)
	} else if !r.OlderThan.IsZero() && !shorter(rem.Before, r.OlderThan) {
		sc.addf("reminder.before", "%q must be shorter than older_than (%q)", rem.Before, r.OlderThan)
	}
	if rem.EmailColumn == "" {
		sc.addf("reminder.email_column", "required: the column holding the address to remind")
	} else {
		checkIdentifier(sc, "reminder.email_column", rem.EmailColumn, true)
	}
	for i, col := range rem.Columns {
		checkIdentifier(sc, fmt.Sprintf("reminder.columns[%d]", i+1), col, true)
	}
	checkTemplate(sc, rem.Template)
	if r.Action != ActionDelete && r.Action != "" {
		sc.addf("reminder", "a reminder announces a deletion: only a rule with action \"delete\" may have one")
	}
}

func (r *Rule) validateFiles(sc scope) {
	f := r.Files
	if f == nil {
		return
	}
	checkIdentifier(sc, "files.column", f.Column, true)
	switch {
	case f.Root == "":
		sc.addf("files.root", "required: the directory the files live under")
	case !filepath.IsAbs(f.Root):
		sc.addf("files.root", "%q is not an absolute path", f.Root)
	case filepath.Clean(f.Root) == string(filepath.Separator):
		sc.addf("files.root", `"/" would let a row name any file on the machine; name the directory the files live under`)
	}
}

// validateOverrides checks the values a rule sets for itself. A rule that
// inherits a bad global value has had it reported once, at [sweeper].
func (r *Rule) validateOverrides(sc scope, s *Settings) {
	if r.Schedule != s.Schedule {
		checkSchedule(sc, "schedule", r.Schedule, s.location())
	}
	if r.BatchSize != s.BatchSize {
		checkBatchSize(sc, "batch_size", r.BatchSize)
	}
	if r.MaxRowsPerRun < 0 && r.MaxRowsPerRun != s.MaxRowsPerRun {
		sc.addf("max_rows_per_run", "%d is negative (0 means no cap)", r.MaxRowsPerRun)
	}
}

// shorter reports whether a is shorter than b from every one of a few dates
// chosen for their awkward month ends, so that "1 month" against "30 days"
// is not decided by luck.
func shorter(a, b Period) bool {
	for _, ref := range []time.Time{
		time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC),
		time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC),
		time.Date(2025, 7, 31, 0, 0, 0, 0, time.UTC),
		time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC),
	} {
		if !a.Before(ref).After(b.Before(ref)) {
			return false
		}
	}
	return true
}

func checkTemplate(sc scope, path string) {
	if path == "" {
		sc.addf("reminder.template", "required: the mail template, relative to the config file")
		return
	}
	if !filepath.IsAbs(path) {
		sc.addf("reminder.template", "%q is not an absolute path", path)
		return
	}
	// Stat before opening: opening a FIFO or a device could block the load.
	st, err := os.Stat(path)
	if err != nil {
		sc.addf("reminder.template", "%v", err)
		return
	}
	if st.IsDir() {
		sc.addf("reminder.template", "%s is a directory, not a template file", path)
		return
	}
	if !st.Mode().IsRegular() {
		sc.addf("reminder.template", "%s is not a regular file", path)
		return
	}
	f, err := os.Open(path)
	if err != nil {
		sc.addf("reminder.template", "%v", err)
		return
	}
	f.Close()
}

func checkStrategies(sc scope, key string, cols []ColumnStrategy) {
	seen := make(map[string]bool)
	for _, cs := range cols {
		k := key + "." + cs.Column
		checkIdentifier(sc, k, cs.Column, true)
		if seen[cs.Column] {
			sc.addf(k, "column listed twice")
		}
		seen[cs.Column] = true
		switch cs.Strategy {
		case StrategyNull, StrategyEmpty, StrategyRedact, StrategyHash, StrategyEmail, StrategyValue:
		default:
			sc.addf(k, "%q is not a strategy: use null, empty, redact, hash, email or value:<value> (e.g. \"value:0\")", cs.Strategy)
		}
	}
}

// checkIdentifier refuses anything but a plain SQL identifier: names are
// spliced into statements, so a quote, backtick, dot or semicolon in one
// would change what the statement does.
func checkIdentifier(sc scope, key, name string, required bool) {
	if name == "" {
		if required {
			sc.addf(key, "required")
		}
		return
	}
	if !identifierPattern.MatchString(name) {
		sc.addf(key, "%q is not an identifier: identifiers may only hold letters, digits and underscores, start with a letter or underscore, and have at most 64 characters", name)
	}
}

func nonNegative(sc scope, key string, d time.Duration) {
	if d < 0 {
		sc.addf(key, "%s is negative", d)
	}
}

func checkBatchSize(sc scope, key string, n int) {
	if n < 1 || n > maxBatchSize {
		sc.addf(key, "%d is outside 1..%d (a batch's keys are bound parameters of one statement)", n, maxBatchSize)
	}
}

// checkSchedule accepts what the scheduler will: robfig/cron's standard
// parser, and only specs that fire at all.
func checkSchedule(sc scope, key, spec string, loc *time.Location) {
	sched, err := parseSchedule(spec)
	if err != nil {
		sc.addf(key, `%q is not a schedule (use 5 fields such as "30 3 * * *", or @daily, @every 1h): %v`, spec, err)
		return
	}
	ref := time.Date(2026, 1, 1, 0, 0, 0, 0, loc)
	if sched.Next(ref).IsZero() {
		sc.addf(key, "%q never fires", spec)
	}
}

func parseSchedule(spec string) (s cron.Schedule, err error) {
	// cron v3.0.1 slices past the end of a TZ= prefix with no schedule after it.
	if (strings.HasPrefix(spec, "TZ=") || strings.HasPrefix(spec, "CRON_TZ=")) && !strings.Contains(spec, " ") {
		return nil, errors.New("a TZ= prefix must be followed by a space and a schedule")
	}
	defer func() {
		if r := recover(); r != nil {
			s, err = nil, fmt.Errorf("cron parser: %v", r)
		}
	}()
	return cron.ParseStandard(spec)
}

// checkFragment refuses SQL fragments that could do more than state a
// condition or an expression: a second statement, a comment that swallows
// the rest of ours, a placeholder that shifts our bound values, or a
// parenthesis that closes ours (a where of "1) OR (1" would match every row).
func checkFragment(sc scope, key, sql, driver string) {
	if msg := scanFragment(sql, driver == "mysql"); msg != "" {
		sc.addf(key, "%q %s", sql, msg)
	}
}
