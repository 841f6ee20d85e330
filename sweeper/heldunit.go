package sweeper

import (
	"context"
	"fmt"
	"strings"
)

// A hold keeps a rule's row whole (docs/contract.md §6.2): the row is
// not touched, nor anything that would go with it, when the row itself, a
// row of its related tree at any depth ([[rule.related]] and the tables
// nested in them), or a row it points at through [[rule.refers]] is a row
// of a person under a hold. Acting on the rest of such a unit would take
// the held person's rows along, or leave them pointing at nothing.
//
// The conditions below are written out to the depth the config nests its
// related tables. A table related to itself (a tree of rows) nests as deep
// as its rows do; its condition goes holdTreeDepth levels down, and a
// batch that finds a held row deeper than that rolls back (heldTooDeep).

// holdTreeDepth is how many levels below the rule's row the condition of a
// hold follows a table related to itself.
const holdTreeDepth = 4

// unitCond is the condition that a row of the rule's table, or a row that
// would go with it, is one that leaf selects: leaf gives the condition on a
// row of a mapped table, named ref, and is called in the order its text
// appears, so that it may collect bound values as it goes. "" when no table
// of the unit is mapped.
func (b *boundRule) unitCond(m *boundSubject, leaf func(table, ref string) string) string {
	var parts []string
	if m.covers(b.Table) {
		parts = append(parts, leaf(b.Table, b.qTable))
	}
	if c := treeCond(m, b.related, b.qTable, 1, leaf); c != "" {
		parts = append(parts, c)
	}
	for i := range b.refers {
		rf := &b.refers[i]
		if !m.covers(rf.Table) {
			continue
		}
		a := fmt.Sprintf("sweeper_f%d", i)
		parts = append(parts, fmt.Sprintf("EXISTS (SELECT 1 FROM %s %s WHERE %s.%s = %s.%s AND %s)",
			rf.qTable, a, a, rf.key.q[0], b.qTable, rf.qColumn, leaf(rf.Table, a)))
	}
	return strings.Join(parts, " OR ")
}

// treeCond is unitCond's part for the rows of rels that go with the row
// parent (of their parent's table), and the rows nested under them: depth
// is the level of rels below the rule's row.
func treeCond(m *boundSubject, rels []boundRelated, parent string, depth int, leaf func(table, ref string) string) string {
	var ors []string
	for i := range rels {
		rel := &rels[i]
		if rel.self && depth > holdTreeDepth {
			continue
		}
		a := fmt.Sprintf("sweeper_r%d", depth)
		var in []string
		if m.covers(rel.Table) {
			in = append(in, leaf(rel.Table, a))
		}
		if c := treeCond(m, rel.below(), a, depth+1, leaf); c != "" {
			in = append(in, c)
		}
		if len(in) == 0 {
			continue
		}
		ors = append(ors, fmt.Sprintf("EXISTS (SELECT 1 FROM %s %s WHERE %s AND (%s))",
			rel.qTable, a, rel.joinOn(a, parent), strings.Join(in, " OR ")))
	}
	return strings.Join(ors, " OR ")
}

// notHeld is the condition that a row of the rule's table is kept by no
// hold in force at now: neither it nor any row that would go with it is a
// held person's row. "" when the rule touches no table of the map.
func (b *boundRule) notHeld(m *boundSubject, now string) string {
	if m == nil {
		return ""
	}
	c := b.unitCond(m, func(table, ref string) string { return m.held(table, ref, 1, now) })
	if c == "" {
		return ""
	}
	return "NOT (" + c + ")"
}

// ofAny is the condition that a row of the rule's table is a row of one
// of the people with keys, or a row that would go with it is: notHeld's
// rows, for people named by key.
func (b *boundRule) ofAny(m *boundSubject, people []any) (string, []any) {
	var args []any
	of := func(table, ref string) string {
		var ors []string
		for _, p := range people {
			c, n := m.ofPerson(table, ref, 1)
			ors = append(ors, c)
			args = append(args, personArgs(p, n)...)
		}
		return "(" + strings.Join(ors, " OR ") + ")"
	}
	c := b.unitCond(m, of)
	if c == "" {
		return "1 = 0", nil
	}
	return "(" + c + ")", args
}

// touchesMap reports whether a rule changes rows of a table the map
// covers: its own, a related table's at any depth, a referred table's.
func (r *Rule) touchesMap(m *Subject) bool {
	if m.covers(r.Table) || relatedTouch(m, r.Related) {
		return true
	}
	for _, rf := range r.Refers {
		if m.covers(rf.Table) {
			return true
		}
	}
	return false
}

func relatedTouch(m *Subject, rels []Related) bool {
	for _, rel := range rels {
		if m.covers(rel.Table) || relatedTouch(m, rel.Related) {
			return true
		}
	}
	return false
}

// heldTooDeep is a batch's check of the related rows of rel it is about to
// act on at depth (the level below the rule's rows, from 0), where the
// condition of the holds in force does not reach: a table related to
// itself, deeper than holdTreeDepth. A held person's row there rolls the
// batch back rather than go.
func (st *relatedStep) heldTooDeep(ctx context.Context, rel *boundRelated, rows []relatedRow, depth int) error {
	run := st.run
	m := run.holds.m
	if depth+1 <= holdTreeDepth || m == nil || run.holdCond == "" || !m.covers(rel.Table) || len(rows) == 0 {
		return nil
	}
	keys := make([]any, len(rows))
	for i, r := range rows {
		keys[i] = r.key
	}
	for _, chunk := range chunks(keys, relatedChunk/rel.key.width()) {
		cond, args := rel.key.in(run.sql, rel.qTable, chunk)
		n, err := queryCount(ctx, st.tx, fmt.Sprintf("SELECT COUNT(*) FROM %s WHERE %s AND %s", rel.qTable, cond,
			m.held(rel.Table, rel.qTable, 1, run.holds.now)), args...)
		if err != nil {
			return fmt.Errorf("related %q: read the holds on its rows: %w", rel.Table, err)
		}
		if n > 0 {
			return fmt.Errorf("related %q: a row %d levels below the rule's row is a held person's, deeper than a hold's condition "+
				"follows a table related to itself (%d): nothing was changed; the rule's rows above it wait until the hold is released",
				rel.Table, depth+1, holdTreeDepth)
		}
	}
	return nil
}

// holdsProbe readies check to run the condition of the holds of each rule
// that touches the map once, reading at most one row: a rule whose related
// tree nests deep may write one the database cannot parse, which shows up
// now rather than the night a hold is in force. Before the first hold
// there is no holds table, and nothing to run.
func (s *Sweeper) holdsProbe(ctx context.Context) func(b *boundRule) []Finding {
	none := func(*boundRule) []Finding { return nil }
	if s.Config.Subject == nil {
		return none
	}
	if ok, err := s.holdsExist(ctx); err != nil || !ok {
		return none
	}
	m, _ := bindSubject(ctx, s.Store, s.Config.Subject)
	if m == nil {
		return none // checkSubject says why
	}
	now := holdTime(s.realNow())
	return func(b *boundRule) []Finding {
		cond := b.notHeld(m, now)
		if cond == "" {
			return nil
		}
		q := fmt.Sprintf("SELECT %s.%s FROM %s WHERE %s LIMIT 1", b.qTable, b.qKey, b.qTable, cond)
		if _, err := queryKeys(ctx, s.Store, b.keyOf, q); err != nil {
			return []Finding{{Severity: SeverityError, Rule: b.Name,
				Message: fmt.Sprintf("the condition that keeps the rows of people under a hold does not run: %v", scrub(err))}}
		}
		return nil
	}
}
