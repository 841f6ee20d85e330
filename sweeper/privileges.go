package sweeper

import (
	"context"
	"fmt"
	"strings"
)

// A sweep needs more than SELECT: DELETE or UPDATE on a rule's tables, and
// INSERT into the audit table. check asks the database itself, with
// EXPLAIN of each statement kind on a condition that matches nothing: the
// server checks the privileges of an explained statement as of a run one
// (roles and column grants included), and changes nothing. SQLite has no
// privileges; there the statements simply pass.

// privilegeProbe is one statement kind a sweep sends to one table.
type privilegeProbe struct {
	what, table, stmt string
}

func (s *Sweeper) rulePrivilegeProbes(b *boundRule) []privilegeProbe {
	var ps []privilegeProbe
	// An UPDATE also assigns the table's ON UPDATE columns (keepClause),
	// which a column grant may not cover.
	act := func(action Action, table, qTable string, cols []boundColumn, keep []string, fk []string) {
		switch action {
		case ActionDelete:
			ps = append(ps, privilegeProbe{"DELETE", table, fmt.Sprintf("DELETE FROM %s WHERE 1 = 0", qTable)})
		case ActionDetach:
			set := make([]string, len(fk))
			for i, q := range fk {
				set[i] = q + " = " + q
			}
			ps = append(ps, privilegeProbe{"UPDATE", table, fmt.Sprintf("UPDATE %s SET %s%s WHERE 1 = 0", qTable, strings.Join(set, ", "),
				keepClause(keep, fk...))})
		case ActionAnonymise:
			set := make([]string, len(cols))
			assigned := make([]string, len(cols))
			for i, c := range cols {
				set[i] = c.q + " = " + c.q
				assigned[i] = c.q
			}
			ps = append(ps, privilegeProbe{"UPDATE", table, fmt.Sprintf("UPDATE %s SET %s%s WHERE 1 = 0", qTable, strings.Join(set, ", "),
				keepClause(keep, assigned...))})
		}
	}
	act(b.Action, b.Table, b.qTable, b.anonymise, b.keep, nil)
	for _, rel := range b.flat {
		act(rel.Action, rel.Table, rel.qTable, rel.anonymise, rel.keep, rel.fk.q)
	}
	for _, rf := range b.refers {
		act(rf.Action, rf.Table, rf.qTable, rf.anonymise, rf.keep, nil)
	}
	return ps
}

// checkPrivileges reports, per rule, each statement the database user may
// not run on the rule's tables, and whether it may write audit records
// (when the audit table exists; check warns about creating it otherwise).
func (s *Sweeper) checkPrivileges(ctx context.Context, b *boundRule) []Finding {
	var fs []Finding
	for _, p := range s.rulePrivilegeProbes(b) {
		if _, err := s.Store.Exec(ctx, s.Store.Dialect().Explain(p.stmt)); err != nil {
			fs = append(fs, Finding{Severity: SeverityError, Rule: b.Name, Message: fmt.Sprintf(
				"the database user may not %s on %q, which a sweep needs: %v (see the GRANTs in README)", p.what, p.table, scrub(err))})
		}
	}
	return fs
}

// checkAuditPrivilege reports when the database user may not write audit
// records into the existing audit table.
func (s *Sweeper) checkAuditPrivilege(ctx context.Context) []Finding {
	name := s.Config.Sweeper.AuditTable
	cols := s.auditWriteColumns()
	q := s.Store.Dialect().Explain(fmt.Sprintf("INSERT INTO %s (%s) SELECT %s FROM %s WHERE 1 = 0", s.quote(name), strings.Join(cols, ", "),
		strings.Join(cols, ", "), s.quote(name)))
	if _, err := s.Store.Exec(ctx, q); err != nil {
		return []Finding{{Severity: SeverityError, Message: fmt.Sprintf(
			"the database user may not INSERT into the audit table %q, which every sweep needs: %v (see the GRANTs in README)", name, scrub(err))}}
	}
	return nil
}
