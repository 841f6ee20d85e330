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
// check reports it. Rows listed under [[rule.related]] (or, for the rows
// referring to a related table's, under it as [[rule.related.related]])
// with delete or detach are handled by the rule itself, first, and leave
// the database nothing to do along. A foreign key that makes the statement fail instead
// (RESTRICT, NO ACTION) loses nothing: check warns about it.

// tableWrite is what a rule's statements change in one table: the rule's
// own, or one of its related tables at any depth.
type tableWrite struct {
	table   *Table
	deletes bool
	// updates are the columns the rule assigns that a foreign key may refer
	// to (a referred column is always part of an index), with the action
	// that assigns them.
	updates map[string]Action
	// key are the table's key columns, related the tables listed under it:
	// they handle the rows of the foreign keys into it.
	key     []string
	related []boundRelated
	// rel is the related table written, nil for the rule's own.
	rel *boundRelated
}

// writes lists the tables the rule's statements change, its own first.
func (b *boundRule) writes() []tableWrite {
	var ws []tableWrite
	add := func(t *Table, action Action, cols []boundColumn, fk []string, key []string, related []boundRelated, rel *boundRelated) {
		w := tableWrite{table: t, deletes: action == ActionDelete, updates: map[string]Action{}, key: key, related: related, rel: rel}
		for _, c := range cols {
			if t.indexed(c.Column) {
				w.updates[c.Column] = action
			}
		}
		if action == ActionDetach {
			for _, c := range fk {
				if t.indexed(c) {
					w.updates[c] = action
				}
			}
		}
		ws = append(ws, w)
	}
	var own []boundColumn
	if b.Action == ActionAnonymise {
		own = b.anonymise
	}
	add(b.table, b.Action, own, nil, b.keyCols.names, b.related, nil)
	for _, rel := range b.flat {
		var cols []boundColumn
		if rel.Action == ActionAnonymise {
			cols = rel.anonymise
		}
		// A table related to itself handles its own rows' foreign key to
		// any depth.
		add(rel.table, rel.Action, cols, rel.fk.names, rel.key.names, rel.below(), rel)
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
				rel := handledBy(fk, w.related)
				switch {
				case rel == nil:
					if carriesOn(fk.OnDelete) {
						errf("%s (ON DELETE %s): deleting from %s%s makes the database %s those rows along, without audit records; %s",
							what, fk.OnDelete, name, w.asRelated(), alongVerb(fk.OnDelete), w.listIt(fk))
					} else {
						warnf("%s (ON DELETE %s): deleting a referenced row%s fails its whole batch; %s", what, fk.OnDelete, w.asRelated(), w.listIt(fk))
					}
				case rel.Action == ActionAnonymise && rel.detaches():
					// Anonymised with its foreign key set to NULL: it refers
					// to nothing any more when its parent goes.
				case rel.Action == ActionAnonymise && carriesOn(fk.OnDelete):
					errf("%s (ON DELETE %s): related %q is anonymised, then the database would %s its rows along with those of %s, "+
						"and the audit records say anonymise; use action \"delete\" or \"detach\", or anonymise %s with \"null\" too",
						what, fk.OnDelete, rel.Table, alongVerb(fk.OnDelete), name, strings.Join(rel.fk.names, " and "))
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

// detaches reports whether an anonymised related table sets every column
// of its foreign key to NULL: its rows then refer to their parent no more,
// as detached rows do, and may keep their other columns blanked.
func (rel *boundRelated) detaches() bool {
	for _, fk := range rel.fk.names {
		if !slices.ContainsFunc(rel.anonymise, func(c boundColumn) bool {
			return strings.EqualFold(c.Column, fk) && c.Strategy == StrategyNull
		}) {
			return false
		}
	}
	return len(rel.fk.names) > 0
}

// handledBy returns the related table, of those listed under the table a
// foreign key refers to, that handles the foreign key's rows: the same
// table, through the same columns, referring to the same columns. nil
// when none does.
func handledBy(fk ForeignKey, rels []boundRelated) *boundRelated {
	for i := range rels {
		rel := &rels[i]
		if !strings.EqualFold(rel.Table, fk.Table) || rel.fk.width() != len(fk.Columns) || rel.ref.width() != len(fk.Columns) {
			continue
		}
		same := true
		for j, c := range fk.Columns {
			p := slices.IndexFunc(rel.fk.names, func(n string) bool { return strings.EqualFold(n, c) })
			if p < 0 || !strings.EqualFold(rel.ref.names[p], fk.RefColumns[j]) {
				same = false
				break
			}
		}
		if same {
			return rel
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

// asRelated says, for a related table, which: " (related[2] (table \"x\"))".
func (w tableWrite) asRelated() string {
	if w.rel == nil {
		return ""
	}
	return " as " + w.rel.where
}

// listIt says how to make the rule handle the rows of a foreign key into
// the table written: list its table under that one.
func (w tableWrite) listIt(fk ForeignKey) string {
	header, under := "[[rule.related]]", ""
	if w.rel != nil {
		depth := strings.Count(w.rel.where[:strings.Index(w.rel.where, " (")], "related[")
		header = "[[rule" + strings.Repeat(".related", depth+1) + "]]"
		under = " under " + w.rel.where
	}
	spec := fmt.Sprintf("table = %q, foreign_key = %s", fk.Table, tomlList(fk.Columns))
	if !sameColumns(fk.RefColumns, w.key) {
		spec += ", references = " + tomlList(fk.RefColumns)
	}
	return fmt.Sprintf("list it%s as %s (%s, action = \"delete\" or \"detach\")", under, header, spec)
}

// tomlList writes names as a TOML string, or a list of them.
func tomlList(names []string) string {
	if len(names) == 1 {
		return fmt.Sprintf("%q", names[0])
	}
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
