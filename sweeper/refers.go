package sweeper

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Some rows are pointed at by the rule's row rather than pointing at it:
// an order holds the keys of its delivery and invoice addresses, an account
// the key of its default address ([[rule.refers]]). Such a row may be
// pointed at by other rows too (another order of the same customer uses the
// same address), so it goes only when nothing else refers to it any more:
// after the rule's rows are deleted, in their batch, each referred row is
// locked and kept if any row still names it, through the rule's own refers
// columns, any foreign key the database declares on it, or any column the
// rule lists as referred_by. A row that is still referred to is never
// deleted: it is the next referring row's deletion that takes it.

// boundRefers is a [[rule.refers]] held against the live schema.
type boundRefers struct {
	Refers
	table     *Table
	qTable    string
	qColumn   string // in the rule's table
	key       keyColumns
	anonymise []boundColumn
	keep      []string
	// referrers are the columns that may still name a referred row: the
	// rule's refers columns into this table, the foreign keys into it and
	// referred_by, each a quoted table and column.
	referrers []referrer
	// index is its place in the counts, after the related tables'.
	index int
	sql   Dialect
	name  string
}

type referrer struct {
	table, qTable, qColumn string
	// own is the rule's own table: its rows still to be deleted (a later
	// batch, or not due) count.
	own bool
}

// bindRefers binds the [[rule.refers]] tables. The foreign keys into each
// are read here: a row one of them names is kept.
func (b *boundRule) bindRefers(ctx context.Context, st Store, redact string, f *findings) {
	d := b.sql
	for i, rf := range b.Refers {
		where := fmt.Sprintf("refers[%d] (table %q)", i+1, rf.Table)
		br := boundRefers{Refers: rf, sql: d, index: len(b.flat) + i, name: rf.Table + " (" + b.Table + "." + rf.Column + ")"}
		col, ok := b.table.Column(rf.Column)
		if !ok {
			f.errf("%s: column %q is not a column of %q", where, rf.Column, b.Table)
			continue
		}
		br.qColumn = d.Quote(col.Name)
		rt, err := st.Table(ctx, rf.Table)
		if err != nil {
			if errors.Is(err, ErrNoTable) {
				f.errf("%s: table does not exist in the database", where)
			} else {
				f.errf("%s: %v", where, err)
			}
			continue
		}
		br.table, br.qTable, br.keep = rt, d.Quote(rt.Name), autoUpdated(d, rt)
		key, err := resolveKey(rt, rf.Key)
		if err != nil {
			f.errf("%s: %v", where, err)
			continue
		}
		br.key, _ = bindKeyColumns(d, rt, []string{key})
		br.anonymise = bindColumns(d, rt, rf.Anonymise, redact, where+" anonymise", f.errf)
		for _, other := range b.Refers {
			if strings.EqualFold(other.Table, rf.Table) {
				if c, ok := b.table.Column(other.Column); ok {
					br.referrers = append(br.referrers, referrer{table: b.Table, qTable: b.qTable, qColumn: d.Quote(c.Name), own: true})
				}
			}
		}
		fks, err := st.References(ctx, rt.Name)
		if err != nil {
			f.errf("%s: the foreign keys into %q cannot be read, and without them the sweeper cannot tell whether a row still refers to one of its rows: %v",
				where, rt.Name, scrub(err))
			continue
		}
		for _, fk := range fks {
			if len(fk.Columns) != 1 || !strings.EqualFold(fk.RefColumns[0], key) {
				f.errf("%s: %s by columns other than its key %q: the sweeper cannot tell whether such a row still refers to a row of %q",
					where, describeForeignKey(fk, rt.Name), key, rt.Name)
				continue
			}
			if strings.EqualFold(fk.Table, b.Table) && br.hasOwn(fk.Columns[0], d) {
				continue
			}
			br.referrers = append(br.referrers, referrer{table: fk.Table, qTable: d.Quote(fk.Table), qColumn: d.Quote(fk.Columns[0]),
				own: strings.EqualFold(fk.Table, b.Table)})
		}
		for _, by := range rf.ReferredBy {
			tn, cn, _ := strings.Cut(by, ".")
			t, err := st.Table(ctx, tn)
			if err != nil {
				f.errf("%s: referred_by %q: %v", where, by, err)
				continue
			}
			c, ok := t.Column(cn)
			if !ok {
				f.errf("%s: referred_by %q: %q is not a column of %q", where, by, cn, t.Name)
				continue
			}
			br.referrers = append(br.referrers, referrer{table: t.Name, qTable: d.Quote(t.Name), qColumn: d.Quote(c.Name),
				own: strings.EqualFold(t.Name, b.Table)})
		}
		b.refers = append(b.refers, br)
	}
	if len(b.Refers) > 0 && b.Action != ActionDelete {
		f.errf("[[rule.refers]] goes with deleted rows; action must be delete")
	}
}

// hasOwn reports whether the rule's own refers columns include column.
func (br *boundRefers) hasOwn(column string, d Dialect) bool {
	for _, r := range br.referrers {
		if r.own && r.qColumn == d.Quote(column) {
			return true
		}
	}
	return false
}

// refersColumns are the columns of the rule's table its locking read
// selects for the refers tables.
func (b *boundRule) refersColumns() []string {
	out := make([]string, len(b.refers))
	for i, rf := range b.refers {
		out[i] = b.qTable + "." + rf.qColumn
	}
	return out
}

// refersRows handles the rows the batch's deleted rows pointed at: each
// that no row names any more is deleted or anonymised, with its record.
// counts are the batch's related counts, the refers tables' after the
// related ones.
func (run *ruleRun) refersRows(ctx context.Context, tx Querier, locked []lockedRow, at time.Time, counts []int) ([]AuditRecord, error) {
	var recs []AuditRecord
	for i := range run.refers {
		rf := &run.refers[i]
		var pointed pointedAt
		for _, r := range locked {
			if v := r.refersVals[i]; v != nil {
				pointed.add(rf.key.value([]any{v}), keyString(r.key))
			}
		}
		roots, vals := pointed.roots, pointed.vals
		if len(vals) == 0 {
			continue
		}
		keys, err := run.unreferred(ctx, tx, rf, vals)
		if err != nil {
			return nil, fmt.Errorf("refers %q: %w", rf.Table, err)
		}
		for _, chunk := range chunks(keys, relatedChunk) {
			cond, args := rf.key.in(run.sql, rf.qTable, chunk)
			switch rf.Action {
			case ActionDelete:
				err = execChecked(ctx, tx, fmt.Sprintf("DELETE FROM %s WHERE %s", rf.qTable, cond), len(chunk), args...)
			case ActionAnonymise:
				t := anonTable{qTable: rf.qTable, key: rf.key, cols: rf.anonymise, keep: rf.keep}
				err = run.anonymiseRows(ctx, tx, t, keysTarget{keys: chunk}, nil)
			}
			if err != nil {
				return nil, fmt.Errorf("refers %q: %s: %w", rf.Table, rf.Action, err)
			}
		}
		counts[rf.index] += len(keys)
		detail := "no row refers to it any more"
		if rf.Action == ActionAnonymise {
			detail = columnNames(rf.anonymise) + "; " + detail
		}
		for _, k := range keys {
			recs = append(recs, AuditRecord{RunID: run.inv.id, At: at, Rule: run.Name, Table: rf.Table, RowKey: keyString(k),
				Action: string(rf.Action), Detail: detail, ParentKey: roots[keyString(k)]})
		}
	}
	return recs, nil
}

// unreferred locks the referred rows of vals that its where lets go (and,
// for anonymise, that are not anonymised yet), and returns the keys of
// those no row refers to any more. The batch's own deleted rows are gone
// already; a row inserted since that names one of them waits for the lock
// where the database holds a foreign key.
func (run *ruleRun) unreferred(ctx context.Context, tx Querier, rf *boundRefers, vals []any) ([]any, error) {
	d := run.sql
	var locked []any
	for _, chunk := range chunks(vals, relatedChunk) {
		cond, args := rf.key.in(d, rf.qTable, chunk)
		extra, eargs := rf.condition(run.s.Config.Sweeper.RedactText)
		q := fmt.Sprintf("SELECT %s FROM %s WHERE %s%s ORDER BY %s%s", strings.Join(rf.key.of(rf.qTable), ", "), rf.qTable, cond, extra,
			strings.Join(rf.key.of(rf.qTable), ", "), d.ForUpdate())
		keys, err := queryKeys(ctx, tx, func(v any) any { return rf.key.value([]any{v}) }, q, append(args, eargs...)...)
		if err != nil {
			return nil, fmt.Errorf("lock rows: %w", err)
		}
		locked = append(locked, keys...)
	}
	if len(locked) == 0 {
		return nil, nil
	}
	named := map[string]bool{}
	for _, r := range rf.referrers {
		for _, chunk := range chunks(locked, relatedChunk) {
			q := fmt.Sprintf("SELECT DISTINCT %s.%s FROM %s WHERE %s.%s IN ?", r.qTable, r.qColumn, r.qTable, r.qTable, r.qColumn)
			keys, err := queryKeys(ctx, tx, func(v any) any { return rf.key.value([]any{v}) }, q, chunk)
			if err != nil {
				return nil, fmt.Errorf("find rows of %q that still refer to them: %w", r.table, err)
			}
			for _, k := range keys {
				named[keyString(k)] = true
			}
		}
	}
	var out []any
	for _, k := range locked {
		if !named[keyString(k)] {
			out = append(out, k)
		}
	}
	return out, nil
}

// condition is what a referred row must meet beside its key: where, and,
// for anonymise, not anonymised yet.
func (rf *boundRefers) condition(redact string) (string, []any) {
	var sb strings.Builder
	var args []any
	if rf.Where != "" {
		fmt.Fprintf(&sb, " AND (%s)", rf.Where)
	}
	if rf.Action == ActionAnonymise {
		done, dargs := anonymisedCond(rf.sql, rf.qTable, rf.key, rf.anonymise, redact)
		fmt.Fprintf(&sb, " AND NOT (%s)", done)
		args = append(args, dargs...)
	}
	return sb.String(), args
}

// refersCount is the condition that a referred row goes with the rule's
// rows that cond selects: one of them points at it, its where holds, and no
// other row refers to it (the rule's own table's rows that cond does not
// select among them). Related rows deleted in the same batch still count as
// referring: the sweep may take a row the count leaves out.
func (b *boundRule) refersCount(rf *boundRefers, cond string, args []any, redact string) (string, []any) {
	key := rf.key.of(rf.qTable)[0]
	var sb strings.Builder
	a := append([]any{}, args...)
	fmt.Fprintf(&sb, "SELECT COUNT(*) FROM %s WHERE %s IN (SELECT %s.%s FROM %s WHERE %s)", rf.qTable, key, b.qTable, rf.qColumn, b.qTable, cond)
	extra, eargs := rf.condition(redact)
	sb.WriteString(extra)
	a = append(a, eargs...)
	for _, r := range rf.referrers {
		if r.own {
			fmt.Fprintf(&sb, " AND NOT EXISTS (SELECT 1 FROM %s WHERE %s.%s = %s AND NOT COALESCE((%s), FALSE))", r.qTable, r.qTable, r.qColumn, key, cond)
			a = append(a, args...)
			continue
		}
		fmt.Fprintf(&sb, " AND NOT EXISTS (SELECT 1 FROM %s WHERE %s.%s = %s)", r.qTable, r.qTable, r.qColumn, key)
	}
	return sb.String(), a
}
