package sweeper

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// A rule's statements change the rows of the tables it names; through a
// foreign key the database may change more along: the rows that refer to a
// deleted row (ON DELETE CASCADE, SET NULL, SET DEFAULT) or to a changed
// key (ON UPDATE ...). Those rows would change without an audit record, so
// a rule that would cause it is refused before it touches anything, and
// check reports it. Rows listed under [[rule.related]] with delete or
// detach are handled by the rule itself, first, and leave the database
// nothing to do along. A foreign key that makes the statement fail instead
// (RESTRICT, NO ACTION) loses nothing: check warns about it.

// tableWrite is what a rule's statements change in one table.
type tableWrite struct {
	table   *Table
	deletes bool
	// updates are the columns the rule assigns that a foreign key may refer
	// to (a referred column is always part of an index), with the action
	// that assigns them.
	updates map[string]Action
	// own is the rule's own table: the tables referring to it can be listed
	// under [[rule.related]].
	own bool
}

// writes lists the tables the rule's statements change, its own first.
func (b *boundRule) writes() []tableWrite {
	var ws []tableWrite
	add := func(t *Table, action Action, cols []boundColumn, fk string, own bool) {
		w := tableWrite{table: t, own: own, deletes: action == ActionDelete, updates: map[string]Action{}}
		for _, c := range cols {
			if t.indexed(c.Column) {
				w.updates[c.Column] = action
			}
		}
		if action == ActionDetach && t.indexed(fk) {
			w.updates[fk] = action
		}
		ws = append(ws, w)
	}
	var own []boundColumn
	if b.Action == ActionAnonymise {
		own = b.anonymise
	}
	add(b.table, b.Action, own, "", true)
	for _, rel := range b.related {
		var cols []boundColumn
		if rel.Action == ActionAnonymise {
			cols = rel.anonymise
		}
		add(rel.table, rel.Action, cols, rel.ForeignKey, false)
	}
	return ws
}

// indexed reports whether the column is part of the primary key or of an
// index, as every column a foreign key refers to is.
func (t *Table) indexed(column string) bool {
	same := func(c string) bool { return strings.EqualFold(c, column) }
	if slices.ContainsFunc(t.PrimaryKey, same) {
		return true
	}
	for _, ix := range t.Indexes {
		if slices.ContainsFunc(ix.Columns, same) {
			return true
		}
	}
	return false
}

// carriesOn reports whether a foreign key rule makes the database change
// the referring rows, rather than refuse the statement.
func carriesOn(rule string) bool {
	switch rule {
	case "CASCADE", "SET NULL", "SET DEFAULT":
		return true
	}
	return false
}

// referenceFindings holds the rule against every foreign key into the
// tables it changes: an error for one by which the database would change
// rows along, a warning for one that would fail the batch, an error when
// the foreign keys cannot be read.
func referenceFindings(ctx context.Context, st Store, b *boundRule) []Finding {
	f := &findings{rule: b.Name}
	errf, warnf := f.errf, f.warnf
	for _, w := range b.writes() {
		if !w.deletes && len(w.updates) == 0 {
			continue
		}
		name := w.table.Name
		fks, err := st.References(ctx, name)
		if err != nil {
			errf("the foreign keys into %q cannot be read, and the rule does not run without them: %v", name, scrub(err))
			continue
		}
		for _, fk := range fks {
			what := describeForeignKey(fk, name)
			if w.deletes {
				rel := b.relatedFor(fk)
				switch {
				case !w.own || rel == nil:
					if carriesOn(fk.OnDelete) {
						errf("%s (ON DELETE %s): deleting from %s makes the database %s those rows along, without audit records; %s",
							what, fk.OnDelete, name, alongVerb(fk.OnDelete), listIt(w.own, fk))
					} else {
						warnf("%s (ON DELETE %s): deleting a referenced row fails its whole batch; %s", what, fk.OnDelete, listIt(w.own, fk))
					}
				case rel.Action == ActionAnonymise && carriesOn(fk.OnDelete):
					errf("%s (ON DELETE %s): related %q is anonymised, then the database would %s its rows along with those of %s, "+
						"and the audit records say anonymise; use action \"delete\" or \"detach\"",
						what, fk.OnDelete, rel.Table, alongVerb(fk.OnDelete), name)
				case rel.Action == ActionAnonymise:
					warnf("%s (ON DELETE %s): related %q is anonymised and keeps referring to %s: deleting a referenced row fails its whole batch; "+
						"use action \"delete\" or \"detach\"", what, fk.OnDelete, rel.Table, name)
				}
			}
			for i, ref := range fk.RefColumns {
				action, ok := updatedColumn(w.updates, ref)
				if !ok {
					continue
				}
				col := name + "." + ref
				if carriesOn(fk.OnUpdate) {
					errf("%s (ON UPDATE %s): the rule's %s of %s makes the database change %s.%s along, without audit records; "+
						"change the constraint, or leave %s to a rule of its own", what, fk.OnUpdate, action, col, fk.Table, fk.Columns[i], col)
				} else {
					warnf("%s (ON UPDATE %s): the rule's %s of %s fails its whole batch while a row of %s refers to the value",
						what, fk.OnUpdate, action, col, fk.Table)
				}
			}
		}
	}
	return f.fs
}

// refuseUnaudited fails when a rule would make the database change rows
// that get no audit record, or when it cannot tell whether it would.
func refuseUnaudited(ctx context.Context, st Store, b *boundRule) error {
	fs := referenceFindings(ctx, st, b)
	if !slices.ContainsFunc(fs, func(f Finding) bool { return f.Severity == SeverityError }) {
		return nil
	}
	return fmt.Errorf("refused, nothing was touched: %w", findingsError(fs))
}

// relatedFor returns the [[rule.related]] entry that handles the rows of
// a foreign key into the rule's table, or nil.
func (b *boundRule) relatedFor(fk ForeignKey) *boundRelated {
	for i, rel := range b.related {
		if strings.EqualFold(rel.Table, fk.Table) && slices.ContainsFunc(fk.Columns, func(c string) bool {
			return strings.EqualFold(c, rel.ForeignKey)
		}) {
			return &b.related[i]
		}
	}
	return nil
}

func updatedColumn(updates map[string]Action, column string) (Action, bool) {
	for c, a := range updates {
		if strings.EqualFold(c, column) {
			return a, true
		}
	}
	return "", false
}

// describeForeignKey names a foreign key for a message:
// `wishlist.customer_id refers to customers (constraint "fk_wishlist_customer"`,
// to be closed by the caller.
func describeForeignKey(fk ForeignKey, table string) string {
	cols := fk.Table + "." + strings.Join(fk.Columns, ", "+fk.Table+".")
	if fk.Name == "" {
		return fmt.Sprintf("%s refers to %s", cols, table)
	}
	return fmt.Sprintf("%s refers to %s by constraint %q", cols, table, fk.Name)
}

func alongVerb(rule string) string {
	if rule == "CASCADE" {
		return "delete"
	}
	return "change"
}

// listIt says how to make the rule handle the rows of a foreign key.
func listIt(own bool, fk ForeignKey) string {
	if !own {
		return fmt.Sprintf("a related table's rows have no related rows of their own: change the constraint, or delete the rows of %q with a rule of their own first", fk.Table)
	}
	return fmt.Sprintf("list it under [[rule.related]] (table = %q, foreign_key = %q, action = \"delete\" or \"detach\")", fk.Table, fk.Columns[0])
}
