package sweeper

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// The values a key takes when the file leaves it out.
const (
	// defaultTimezone is UTC rather than Europe/Amsterdam: a shop that stores
	// local wall-clock times must say so, and a machine-independent default
	// keeps a forgotten key from silently depending on where the daemon runs.
	defaultTimezone        = "UTC"
	defaultSchedule        = "30 3 * * *"
	defaultBatchSize       = 1000
	defaultLockWaitTimeout = 5 * time.Second
	defaultMaxReplicaLag   = 10 * time.Second
	defaultAuditTable      = "sweeper_audit"
	defaultRedactText      = "[verwijderd]"
	defaultListen          = "127.0.0.1:9464"
	defaultLogLevel        = "info"
	defaultLogFormat       = "json"
	defaultMailPort        = 587
	defaultMailTLS         = "starttls"
	defaultMailTimeout     = 30 * time.Second
)

// convert applies defaults, expands secrets and parses the values that
// change type (periods, durations, zones), reporting what does not parse.
func convert(raw *rawConfig, dir string, lookupEnv func(string) (string, bool), ps *problems) *Config {
	top := topScope(ps)
	c := &Config{Dir: dir}
	// What ${NAME} reads goes into a secret: kept, so that errors can
	// leave it out.
	env := lookupEnv
	lookupEnv = func(name string) (string, bool) {
		v, ok := env(name)
		if ok && v != "" {
			c.Secrets = append(c.Secrets, v)
		}
		return v, ok
	}

	db := &c.Database
	db.Driver = raw.Database.Driver
	if db.Driver == "mariadb" {
		db.Driver = "mysql"
	}
	db.DSN = expandSecret(top, "database.dsn", raw.Database.DSN, lookupEnv)
	for i, r := range raw.Database.Replicas {
		db.Replicas = append(db.Replicas, expandSecret(top, fmt.Sprintf("database.replicas[%d]", i+1), r, lookupEnv))
	}
	db.MaxReplicaLag = parseDuration(top, "database.max_replica_lag", raw.Database.MaxReplicaLag, defaultMaxReplicaLag)

	s := &c.Sweeper
	rs := raw.Sweeper
	s.Timezone = parseLocation(top, "sweeper.timezone", rs.Timezone, nil)
	if s.Timezone == nil {
		// Reported; a stand-in keeps every rule from repeating the problem.
		s.Timezone = time.UTC
	}
	s.Schedule = orDefault(rs.Schedule, defaultSchedule)
	s.BatchSize = orDefault(rs.BatchSize, defaultBatchSize)
	s.BatchTime = parseDuration(top, "sweeper.batch_time", rs.BatchTime, 0)
	s.BatchPause = parseDuration(top, "sweeper.batch_pause", rs.BatchPause, 0)
	s.MaxRowsPerRun = rs.MaxRowsPerRun
	s.MaxRunTime = parseDuration(top, "sweeper.max_run_time", rs.MaxRunTime, 0)
	s.MaxFraction = orDefault(rs.MaxFraction, 0)
	s.LockWaitTimeout = parseDuration(top, "sweeper.lock_wait_timeout", rs.LockWaitTimeout, defaultLockWaitTimeout)
	s.AuditTable = orDefault(rs.AuditTable, defaultAuditTable)
	s.RedactText = orDefault(rs.RedactText, defaultRedactText)
	s.HashKey = expandSecret(top, "sweeper.hash_key", rs.HashKey, lookupEnv)
	s.convertThrottle(&rs, dir)

	c.HTTP.Listen = orDefault(raw.HTTP.Listen, defaultListen)
	c.Log.Level = orDefault(raw.Log.Level, defaultLogLevel)
	c.Log.Format = orDefault(raw.Log.Format, defaultLogFormat)

	rm := raw.Mail
	c.Mail = Mail{
		Host:     rm.Host,
		Port:     orDefault(rm.Port, defaultMailPort),
		Username: rm.Username,
		Password: expandSecret(top, "mail.password", rm.Password, lookupEnv),
		TLS:      orDefault(rm.TLS, defaultMailTLS),
		From:     rm.From,
		Timeout:  parseDuration(top, "mail.timeout", rm.Timeout, defaultMailTimeout),
	}
	if rm.Timeout != nil && c.Mail.Timeout == 0 {
		// Zero is the default only for a config built in code.
		top.addf("mail.timeout", "0s must be longer than 0")
	}

	for i := range raw.Rules {
		c.Rules = append(c.Rules, convertRule(&raw.Rules[i], ruleScope(ps, i, raw.Rules[i].Name), c))
	}
	if rs := raw.Subject; rs != nil {
		c.Subject = &Subject{Table: rs.Table, Key: rs.Key, Match: rs.Match}
		for _, l := range rs.Links {
			c.Subject.Links = append(c.Subject.Links, SubjectLink(l))
		}
	}
	return c
}

func convertRule(rr *rawRule, sc scope, c *Config) *Rule {
	r := &Rule{
		Name:          rr.Name,
		Description:   rr.Description,
		Basis:         rr.Basis,
		Enabled:       orDefault(rr.Enabled, true),
		Table:         rr.Table,
		Key:           rr.Key,
		AgeColumns:    []string(rr.AgeColumn),
		Where:         strings.TrimSpace(rr.Where),
		Action:        normaliseAction(rr.Action),
		Anonymise:     columnStrategies(rr.Anonymise),
		Schedule:      orDefault(rr.Schedule, c.Sweeper.Schedule),
		BatchSize:     orDefault(rr.BatchSize, c.Sweeper.BatchSize),
		MaxRowsPerRun: orDefault(rr.MaxRowsPerRun, c.Sweeper.MaxRowsPerRun),
		KeepOnRequest: rr.KeepOnRequest,
	}
	if rr.AgeSQL != nil {
		r.AgeSQL = strings.TrimSpace(*rr.AgeSQL)
		if r.AgeSQL == "" {
			sc.addf("age_sql", "is empty (leave it out, or write an SQL expression)")
		}
	}
	r.AgeTimezone = parseLocation(sc, "age_timezone", rr.AgeTimezone, c.Sweeper.Timezone)
	r.AgeTimezoneSet = rr.AgeTimezone != nil
	if rr.OlderThan == "" {
		sc.addf("older_than", `required (e.g. "6 months" or "P6M")`)
	} else if p, err := ParsePeriod(rr.OlderThan); err != nil {
		sc.addf("older_than", "%v", err)
	} else {
		r.OlderThan = p
	}
	r.Related = convertRelated(rr.Related)
	for _, rf := range rr.Refers {
		r.Refers = append(r.Refers, Refers{Table: rf.Table, Column: rf.Column, Key: rf.Key, Action: normaliseAction(rf.Action),
			Anonymise: columnStrategies(rf.Anonymise), Where: strings.TrimSpace(rf.Where), ReferredBy: rf.ReferredBy})
	}
	if rem := rr.Reminder; rem != nil {
		r.Reminder = &Reminder{
			EmailColumn: rem.EmailColumn,
			Columns:     rem.Columns,
		}
		if rem.Before == "" {
			sc.addf("reminder.before", `required (e.g. "1 month")`)
		} else if p, err := ParsePeriod(rem.Before); err != nil {
			sc.addf("reminder.before", "%v", err)
		} else {
			r.Reminder.Before = p
		}
		if rem.Template != "" {
			r.Reminder.Template = rem.Template
			if !filepath.IsAbs(rem.Template) {
				r.Reminder.Template = filepath.Join(c.Dir, rem.Template)
			}
		}
	}
	if f := rr.Files; f != nil {
		r.Files = &Files{Column: f.Column, Root: f.Root}
		if f.Root != "" {
			r.Files.Root = filepath.Clean(f.Root)
		}
	}
	return r
}

// convertRelated converts [[rule.related]] tables and those nested in them.
func convertRelated(raw []rawRelated) []Related {
	var out []Related
	for _, rel := range raw {
		out = append(out, Related{
			Table:      rel.Table,
			ForeignKey: []string(rel.ForeignKey),
			References: []string(rel.References),
			Key:        []string(rel.Key),
			Action:     normaliseAction(rel.Action),
			Anonymise:  columnStrategies(rel.Anonymise),
			Related:    convertRelated(rel.Related),
		})
	}
	return out
}

func orDefault[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}

func normaliseAction(s string) Action {
	if s == "anonymize" {
		return ActionAnonymise
	}
	return Action(s)
}

// columnStrategies sorts the columns so that statements, plans and audit
// details come out the same on every run.
func columnStrategies(m map[string]string) []ColumnStrategy {
	if len(m) == 0 {
		return nil
	}
	out := make([]ColumnStrategy, 0, len(m))
	for col, st := range m {
		cs := ColumnStrategy{Column: col, Strategy: Strategy(st)}
		if v, ok := strings.CutPrefix(st, string(StrategyValue)+":"); ok {
			cs.Strategy, cs.Value = StrategyValue, v
		}
		out = append(out, cs)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Column < out[j].Column })
	return out
}

func parseDuration(sc scope, key string, s *string, def time.Duration) time.Duration {
	if s == nil {
		return def
	}
	d, err := time.ParseDuration(*s)
	if err != nil {
		sc.addf(key, `%q is not a duration (use e.g. "5s", "1m30s", "0s")`, *s)
		return def
	}
	return d
}

// parseLocation reads a zone name; an absent key gives def, or the default
// zone when def is nil.
func parseLocation(sc scope, key string, s *string, def *time.Location) *time.Location {
	if s == nil {
		if def != nil {
			return def
		}
		loc, _ := time.LoadLocation(defaultTimezone)
		return loc
	}
	switch *s {
	case "":
		sc.addf(key, `is empty (name a zone such as "Europe/Amsterdam" or "UTC")`)
		return nil
	case "Local":
		sc.addf(key, `"Local" depends on the machine the sweeper runs on; name a zone such as "Europe/Amsterdam"`)
		return nil
	}
	loc, err := time.LoadLocation(*s)
	if err != nil {
		sc.addf(key, `%q is not a time zone (use an IANA name such as "Europe/Amsterdam" or "UTC")`, *s)
		return nil
	}
	return loc
}

// expandSecret replaces ${NAME} with the environment variable NAME. Its
// messages name the key and the variable, never the value around them.
func expandSecret(sc scope, key, s string, lookupEnv func(string) (string, bool)) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		rest := s[i+2:]
		j := strings.IndexByte(rest, '}')
		if j < 0 {
			sc.addf(key, "${ without a closing } (write ${NAME})")
			return ""
		}
		name := rest[:j]
		if !envNamePattern.MatchString(name) {
			sc.addf(key, "${...} must hold an environment variable name: letters, digits and underscores")
			return ""
		}
		v, ok := lookupEnv(name)
		if !ok {
			sc.addf(key, "environment variable %s is not set", name)
			return ""
		}
		b.WriteString(v)
		s = rest[j+1:]
	}
}
