package sweeper

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// The related rows of a batch's locked rows are handled in the batch's
// transaction, before the rows themselves, and so are the rows related to
// them in turn ([[rule.related.related]], to any depth): each related
// table's rows are locked, then the rows nested under them are handled,
// deepest first, then the rows themselves. A row is never deleted while a
// row the rule lists under it still refers to it, so a foreign key that
// would cascade (or restrict) finds nothing left to do.
//
// Every related row gets its own audit record, whose parent_key is the key
// of the rule's row it went with, at whatever depth: `audit --key` of that
// row finds them all (docs/contract.md §3.10).

// parentRow is a locked row whose related rows are handled next: the key
// of the rule's row it goes with (as keyString writes it), and, for each
// table related to it in order, the value that table's foreign key holds
// for it (nil when it holds none: a NULL can be referred to by nothing).
type parentRow struct {
	root string
	refs []any
}

// relatedRow is a locked related row: its key, the value of its foreign
// key, and its own parentRow refs.
type relatedRow struct {
	key  any
	fk   any
	refs []any
}

// relatedStep is the related rows' part of one attempt of a batch.
type relatedStep struct {
	run    *ruleRun
	tx     Querier
	at     time.Time
	counts []int         // per boundRule.flat
	audit  []AuditRecord // the related rows' records
	// deleted are the related rows deleted so far, by table and key, so
	// that a table related to itself (a tree of rows) does not act twice
	// on a row.
	deleted map[string]bool
}

// relatedChunk bounds the bound values of one statement on a related
// table: one parent can have many children.
const relatedChunk = 5000

// maxSelfDepth bounds how deep below the rule's row related rows may lie:
// rows of a table related to itself that refer to one another deeper are
// taken for a cycle, and the batch fails rather than loop.
const maxSelfDepth = 64

// handle handles the rows of each of rels that go with parents, and the
// rows nested under them first.
func (st *relatedStep) handle(ctx context.Context, rels []boundRelated, parents []parentRow, depth int) error {
	for i := range rels {
		if err := st.handleOne(ctx, &rels[i], parents, i, depth); err != nil {
			return err
		}
	}
	return nil
}

// handleOne handles the rows of rel whose foreign key holds the value at
// refs[ref] of one of parents. A table related to itself (a tree of rows:
// transactions of transactions) is handled a level at a time, the deepest
// first: depth is the level below the rule's rows.
func (st *relatedStep) handleOne(ctx context.Context, rel *boundRelated, parents []parentRow, ref, depth int) error {
	var pointed pointedAt
	for _, p := range parents {
		pointed.add(p.refs[ref], p.root)
	}
	roots, vals := pointed.roots, pointed.vals
	if len(vals) == 0 {
		return nil
	}
	if depth > maxSelfDepth {
		return fmt.Errorf("related %q: its rows refer to one another more than %d deep, or in a cycle; nothing was changed",
			rel.Table, maxSelfDepth)
	}
	rows, err := st.lock(ctx, rel, vals)
	if err != nil {
		return fmt.Errorf("related %q: lock rows: %w", rel.Table, err)
	}
	if len(rows) == 0 {
		return nil
	}
	children := make([]parentRow, len(rows))
	for j, r := range rows {
		children[j] = parentRow{root: rootOf(roots, r.fk), refs: r.refs}
	}
	below := rel.below()
	if rel.self {
		// The rows below these through the same foreign key first; their
		// refs come first in children's.
		if err := st.handleOne(ctx, rel, children, 0, depth+1); err != nil {
			return err
		}
		for j := range children {
			children[j].refs = children[j].refs[1:]
		}
		below = below[1:]
	}
	if err := st.handle(ctx, below, children, depth+1); err != nil {
		return err
	}
	// A row deleted already, deeper in its own tree or through another
	// path, is not acted on again.
	rows = slices.DeleteFunc(rows, func(r relatedRow) bool { return st.deleted[rel.Table+"\x00"+keyString(r.key)] })
	if err := st.heldTooDeep(ctx, rel, rows, depth); err != nil {
		return err
	}
	if err := st.act(ctx, rel, rows); err != nil {
		return fmt.Errorf("related %q: %s: %w", rel.Table, rel.Action, err)
	}
	st.counts[rel.index] += len(rows)
	detail := ""
	switch rel.Action {
	case ActionDetach:
		detail = strings.Join(rel.fk.names, ",")
	case ActionAnonymise:
		detail = columnNames(rel.anonymise)
	}
	for _, r := range rows {
		st.audit = append(st.audit, AuditRecord{RunID: st.run.inv.id, At: st.at, Rule: st.run.Name, Table: rel.Table,
			RowKey: keyString(r.key), Action: string(rel.Action), Detail: detail, ParentKey: rootOf(roots, r.fk)})
		if rel.Action == ActionDelete {
			if st.deleted == nil {
				st.deleted = map[string]bool{}
			}
			st.deleted[rel.Table+"\x00"+keyString(r.key)] = true
		}
	}
	return nil
}

// pointedAt collects the distinct values rows refer to (a related table's
// foreign key values, a refers table's keys), each with the key of the
// rule's row the first that names it goes with.
type pointedAt struct {
	roots map[string]string // keyString of a value → its rule's row's key
	vals  []any
}

// add adds v, unless it is NULL or there already.
func (p *pointedAt) add(v any, root string) {
	if v == nil {
		return
	}
	if p.roots == nil {
		p.roots = map[string]string{}
	}
	k := keyString(v)
	if _, dup := p.roots[k]; dup {
		return
	}
	p.roots[k] = root
	p.vals = append(p.vals, v)
}

// rootOf finds the key of the rule's row that a related row's foreign key
// value leads to. The database matched it to its parent, maybe without
// regard to case or trailing spaces, as a collation compares; the key's
// text may differ so, and is looked for so.
func rootOf(roots map[string]string, fk any) string {
	k := keyString(fk)
	if r, ok := roots[k]; ok {
		return r
	}
	for v, r := range roots {
		if strings.EqualFold(strings.TrimRight(v, " "), strings.TrimRight(k, " ")) {
			return r
		}
	}
	return ""
}

// lock reads and locks the rows of rel whose foreign key holds one of
// vals, with their keys and what the tables nested under them refer to.
func (st *relatedStep) lock(ctx context.Context, rel *boundRelated, vals []any) ([]relatedRow, error) {
	d := st.run.sql
	below := rel.below()
	sel := append(rel.key.of(rel.qTable), rel.fk.of(rel.qTable)...)
	sel = append(sel, refColumns(below, rel.qTable)...)
	kw, fw := rel.key.width(), rel.fk.width()
	var out []relatedRow
	for _, chunk := range chunks(vals, relatedChunk/fw) {
		cond, args := rel.fk.in(d, rel.qTable, chunk)
		q := fmt.Sprintf("SELECT %s FROM %s WHERE %s ORDER BY %s%s", strings.Join(sel, ", "), rel.qTable, cond,
			strings.Join(rel.key.of(rel.qTable), ", "), d.ForUpdate())
		rows, err := st.tx.Query(ctx, q, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			dst, err := scanValues(rows, len(sel))
			if err != nil {
				rows.Close()
				return nil, err
			}
			key := rel.key.value(dst[:kw])
			out = append(out, relatedRow{key: key, fk: rel.fk.value(dst[kw : kw+fw]), refs: refValues(below, key, dst[kw+fw:])})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// act deletes, detaches or anonymises locked related rows, by key: each
// statement must touch exactly the rows it names.
func (st *relatedStep) act(ctx context.Context, rel *boundRelated, rows []relatedRow) error {
	run, d := st.run, st.run.sql
	keys := make([]any, len(rows))
	for i, r := range rows {
		keys[i] = r.key
	}
	for _, chunk := range chunks(keys, relatedChunk/rel.key.width()) {
		cond, args := rel.key.in(d, rel.qTable, chunk)
		var err error
		switch rel.Action {
		case ActionDelete:
			err = execChecked(ctx, st.tx, fmt.Sprintf("DELETE FROM %s WHERE %s", rel.qTable, cond), len(chunk), args...)
		case ActionDetach:
			set := make([]string, len(rel.fk.q))
			for i, q := range rel.fk.q {
				set[i] = q + " = NULL"
			}
			err = execChecked(ctx, st.tx, fmt.Sprintf("UPDATE %s SET %s%s WHERE %s", rel.qTable, strings.Join(set, ", "),
				keepClause(rel.keep, rel.fk.q...), cond), len(chunk), args...)
		case ActionAnonymise:
			t := anonTable{qTable: rel.qTable, key: rel.key, cols: rel.anonymise, keep: rel.keep}
			err = run.anonymiseRows(ctx, st.tx, t, keysTarget{keys: chunk}, nil)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// below are the related tables whose rows go with rel's: those nested in
// it; for a table related to itself, first rel itself, then the others
// listed with it under its parent, as its rows are rows of that table too
// (a bundle's line has downloads and positions as any line has).
func (rel *boundRelated) below() []boundRelated {
	if !rel.self {
		return rel.related
	}
	out := []boundRelated{*rel}
	for _, sib := range rel.parent.related {
		if sib.index != rel.index {
			out = append(out, sib)
		}
	}
	return append(out, rel.related...)
}

// refColumns are the columns of a parent (qTable) that the related tables
// rels refer to other than its key, which the parent's locking read
// selects.
func refColumns(rels []boundRelated, qTable string) []string {
	var out []string
	for _, rel := range rels {
		if !rel.refKey {
			out = append(out, rel.ref.of(qTable)...)
		}
	}
	return out
}

// refValues are a locked parent's parentRow refs: its key for the related
// tables that refer to it, else the values of the columns refColumns
// selected (dst).
func refValues(rels []boundRelated, key any, dst []any) []any {
	refs := make([]any, len(rels))
	for i, rel := range rels {
		if rel.refKey {
			refs[i] = key
			continue
		}
		w := rel.ref.width()
		part := dst[:w]
		dst = dst[w:]
		if !slices.Contains(part, nil) {
			refs[i] = rel.ref.value(part)
		}
	}
	return refs
}

// joinOn is the condition that a row of rel's table, named alias, goes
// with the row of its parent's table qParent: its foreign key holds the
// parent's referenced columns.
func (rel *boundRelated) joinOn(alias, qParent string) string {
	on := make([]string, len(rel.fk.q))
	for i, fk := range rel.fk.q {
		on[i] = fmt.Sprintf("%s.%s = %s.%s", alias, fk, qParent, rel.ref.q[i])
	}
	return strings.Join(on, " AND ")
}
