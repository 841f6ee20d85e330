package sweeper

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"
)

// Check holds every rule (enabled or not) against the live schema and runs
// its due condition once, reading at most one row, so that a bad `where` or
// `age_sql` shows up now rather than at night. It lists every problem.
func (s *Sweeper) Check(ctx context.Context) []Finding {
	var fs []Finding
	asOf := s.clock(time.Time{})().In(s.Config.Sweeper.Timezone)
	holds := s.holdsProbe(ctx)
	for _, r := range s.Config.Rules {
		b, rfs := bind(ctx, s.Store, r, s.Config.Sweeper.RedactText)
		fs = append(fs, rfs...)
		if b == nil {
			continue
		}
		fs = append(fs, holds(b)...)
		cond, args := b.dueCond(b.cutoffFor(asOf, s.Config.Sweeper.Timezone), s.Config.Sweeper.RedactText)
		fs = append(fs, s.probeDue(ctx, b, cond, args)...)
		fs = append(fs, referenceFindings(ctx, s.Store, b)...)
		fs = append(fs, s.checkPrivileges(ctx, b)...)
		for _, rel := range b.flat {
			if _, err := s.countRelated(ctx, b, rel, cond, args); err != nil {
				fs = append(fs, Finding{Severity: SeverityError, Rule: r.Name, Message: err.Error()})
			}
		}
		if len(b.refers) > 0 {
			// Runs each refers table's where and its referrers once.
			if _, err := s.relatedCounts(ctx, b, cond+" AND 1 = 0", args); err != nil {
				fs = append(fs, Finding{Severity: SeverityError, Rule: r.Name, Message: err.Error()})
			}
		}
		if r.Reminder != nil {
			// A template error found now, not when the first mail is due at night.
			if _, err := loadReminderTemplate(r.Reminder); err != nil {
				fs = append(fs, Finding{Severity: SeverityError, Rule: r.Name, Message: "reminder template: " + err.Error()})
			}
		}
		if r.Files != nil {
			if st, err := os.Stat(r.Files.Root); err != nil || !st.IsDir() {
				fs = append(fs, Finding{Severity: SeverityWarning, Rule: r.Name,
					Message: fmt.Sprintf("files.root %q is not a directory on this machine", r.Files.Root)})
			}
		}
	}
	fs = append(fs, s.checkSubject(ctx)...)
	fs = append(fs, s.checkThrottle(ctx)...)
	name := s.Config.Sweeper.AuditTable
	t, err := s.Store.Table(ctx, name)
	switch {
	case errors.Is(err, ErrNoTable):
		fs = append(fs, Finding{Severity: SeverityWarning,
			Message: fmt.Sprintf("audit table %q does not exist yet: the first sweep creates it (its database user needs CREATE)", name)})
	case err != nil:
		fs = append(fs, Finding{Severity: SeverityError, Message: fmt.Sprintf("audit table %q: %v", name, err)})
	default:
		if err := auditShape(t); err != nil {
			fs = append(fs, Finding{Severity: SeverityError, Message: err.Error()})
		} else {
			fs = append(fs, s.checkAuditPrivilege(ctx)...)
		}
		if !hasParentKey(t) {
			fs = append(fs, Finding{Severity: SeverityWarning, Message: fmt.Sprintf("audit table %q was created by an earlier "+
				"version and has no %s column: records of related rows do not say which row they went with, so "+
				"audit --key finds a row's own records only. Sweeps work as they are; to add it, run once as the "+
				"table's owner: %s;", name, auditParentColumn, s.AddParentKeySQL())})
		}
	}
	return fs
}

// CheckSchema holds every enabled rule against the live schema and runs
// its due condition once, reading at most one row and changing nothing,
// and holds it against the foreign keys into the tables it changes:
// the part of Check that decides whether the rules' runs can work at all.
// The daemon asks it before a config takes over, so that a misspelt table
// or column is refused then instead of failing every run. The error is a
// *ConfigError listing every problem.
func (s *Sweeper) CheckSchema(ctx context.Context) error {
	var problems []string
	asOf := s.clock(time.Time{})().In(s.Config.Sweeper.Timezone)
	for _, r := range s.Config.Rules {
		if !r.Enabled {
			continue
		}
		b, fs := bind(ctx, s.Store, r, s.Config.Sweeper.RedactText)
		if b != nil {
			cond, args := b.dueCond(b.cutoffFor(asOf, s.Config.Sweeper.Timezone), s.Config.Sweeper.RedactText)
			fs = append(fs, s.probeDue(ctx, b, cond, args)...)
			fs = append(fs, referenceFindings(ctx, s.Store, b)...)
		}
		for _, f := range fs {
			if f.Severity == SeverityError {
				problems = append(problems, fmt.Sprintf("rule %q: %s", r.Name, f.Message))
			}
		}
	}
	if m := s.Config.Subject; m != nil {
		// The rules that touch the map honour holds by it.
		_, fs := bindSubject(ctx, s.Store, m)
		for _, f := range fs {
			if f.Severity == SeverityError {
				problems = append(problems, f.Message)
			}
		}
	}
	for _, f := range s.checkThrottle(ctx) {
		if f.Severity == SeverityError {
			problems = append(problems, f.Message)
		}
	}
	if len(problems) > 0 {
		return &ConfigError{Path: s.Config.Path, Problems: problems}
	}
	return nil
}

// probeDue runs a bound rule's due condition once, reading at most one
// row, so that a bad where or age_sql shows up now rather than at night.
func (s *Sweeper) probeDue(ctx context.Context, b *boundRule, cond string, args []any) []Finding {
	q := fmt.Sprintf("SELECT %s.%s FROM %s WHERE %s LIMIT 1", b.qTable, b.qKey, b.qTable, cond)
	if _, err := queryKeys(ctx, s.Store, b.keyOf, q, args...); err != nil {
		what := "the due condition"
		switch {
		case b.AgeSQL != "" && b.Where != "":
			what = "age_sql or where"
		case b.AgeSQL != "":
			what = "age_sql"
		case b.Where != "":
			what = "where"
		}
		return []Finding{{Severity: SeverityError, Rule: b.Name, Message: fmt.Sprintf("%s does not run: %v", what, scrub(err))}}
	}
	return nil
}
