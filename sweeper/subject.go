package sweeper

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Subject is the [subject] table: the data map. It names the table with
// one row per person (the subject table), the columns a request may name
// the person by, and every other table holding that person's rows with the
// column that links a row to the person, directly or through another
// mapped table. Requests from data subjects (export, hold, erase
// --subject, replay) and holds go by it.
type Subject struct {
	Table string
	// Key is the subject table's column that identifies a person; ""
	// means its single-column primary key.
	Key string
	// Match are the columns besides the key a request may name a person
	// by, such as the e-mail address.
	Match []string
	// Links are the other tables holding a person's rows, in the order
	// of the file. A table may appear more than once: a row is the
	// person's when any of its links says so.
	Links []SubjectLink
}

// SubjectLink is one [[subject.link]]: the rows of Table whose Column
// equals ToColumn of a row of To that is the person's.
type SubjectLink struct {
	Table  string
	Column string
	// To is the subject table or another mapped table; "" means the
	// subject table.
	To string
	// ToColumn is the column of To that Column holds; "" means To's key
	// (the subject's key, or the primary key of a linked table).
	ToColumn string
}

// covers reports whether the map holds rows of table.
func (m *Subject) covers(table string) bool {
	if m == nil {
		return false
	}
	if sameName(m.Table, table) {
		return true
	}
	for _, l := range m.Links {
		if sameName(l.Table, table) {
			return true
		}
	}
	return false
}

// sameName compares names of tables or columns as the databases do where
// they differ least: without regard to case.
func sameName(a, b string) bool { return strings.EqualFold(a, b) }

// boundSubject is the data map held against the live schema: every table
// and column exists and is quoted, and the conditions that find a
// person's rows, or the rows of people under a hold, can be written.
type boundSubject struct {
	*Subject
	sql    Dialect
	table  *Table
	qTable string
	key    string // the subject key column as the schema spells it
	qKey   string
	// intKey: the key holds integers, compared with holds as integers.
	intKey bool
	// binKey: the key holds bytes (Shopware's ids), named and held as
	// their hex, as the audit records write them.
	binKey bool
	match  []string // quoted columns a request may name a person by
	links  []boundLink
}

// boundLink is a SubjectLink held against the schema.
type boundLink struct {
	SubjectLink
	qTable, qColumn, qTo, qToColumn string
	// direct: the column holds the person's key itself.
	direct bool
}

// subjectFindings collects the problems with the map; they belong to no rule.
func subjectFindings() *findings { return &findings{} }

// bindSubject holds the map against the live schema. Problems come back as
// findings; bound is nil when any of them is an error.
func bindSubject(ctx context.Context, st Store, m *Subject) (*boundSubject, []Finding) {
	f := subjectFindings()
	d := st.Dialect()
	tables := map[string]*Table{}
	table := func(name, what string) *Table {
		if t, ok := tables[strings.ToLower(name)]; ok {
			return t
		}
		t, err := st.Table(ctx, name)
		switch {
		case errors.Is(err, ErrNoTable):
			f.errf("subject: %s: table %q does not exist in the database", what, name)
		case err != nil:
			f.errf("subject: %s: read table %q: %v", what, name, err)
		}
		tables[strings.ToLower(name)] = t
		return t
	}
	b := &boundSubject{Subject: m, sql: d}
	if b.table = table(m.Table, "table"); b.table == nil {
		return nil, f.fs
	}
	b.qTable = d.Quote(b.table.Name)
	key, err := resolveKey(b.table, m.Key)
	if err != nil {
		f.errf("subject: key: %v", err)
	} else {
		b.key, b.qKey = key, d.Quote(key)
		c, _ := b.table.Column(key)
		b.intKey = d.IntegerType(c.Type)
		b.binKey = d.BinaryType(c.Type)
	}
	for i, name := range m.Match {
		if c, ok := b.table.Column(name); ok {
			b.match = append(b.match, d.Quote(c.Name))
		} else {
			f.errf("subject: match[%d]: %q is not a column of %q", i+1, name, b.table.Name)
		}
	}
	for i, l := range m.Links {
		if bl, ok := b.bindLink(l, fmt.Sprintf("link[%d] (table %q)", i+1, l.Table), table, f); ok {
			b.links = append(b.links, bl)
		}
	}
	if f.failed() {
		return nil, f.fs
	}
	return b, f.fs
}

// bindLink holds one link of the map against the live schema; where names
// it in findings, table reads (and caches) a table. ok is false when the
// link cannot be used.
func (b *boundSubject) bindLink(l SubjectLink, where string, table func(name, what string) *Table, f *findings) (bl boundLink, ok bool) {
	d := b.sql
	if l.To == "" {
		l.To = b.Subject.Table
	}
	bl = boundLink{SubjectLink: l}
	t := table(l.Table, where)
	to := table(l.To, where+" to")
	if t == nil || to == nil {
		return bl, false
	}
	bl.Table, bl.To = t.Name, to.Name
	bl.qTable, bl.qTo = d.Quote(t.Name), d.Quote(to.Name)
	if c, ok := t.Column(l.Column); ok {
		bl.Column, bl.qColumn = c.Name, d.Quote(c.Name)
	} else {
		f.errf("subject: %s: column %q is not a column of %q", where, l.Column, t.Name)
	}
	toCol := l.ToColumn
	switch {
	case toCol != "":
	case sameName(to.Name, b.table.Name):
		toCol = b.key
	default:
		k, err := resolveKey(to, "")
		if err != nil {
			f.errf("subject: %s: to_column is not given and %v", where, err)
			return bl, false
		}
		toCol = k
	}
	if c, ok := to.Column(toCol); ok {
		bl.ToColumn, bl.qToColumn = c.Name, d.Quote(c.Name)
	} else {
		f.errf("subject: %s: to_column %q is not a column of %q", where, toCol, to.Name)
		return bl, false
	}
	bl.direct = sameName(bl.To, b.table.Name) && sameName(bl.ToColumn, b.key)
	if !to.IndexedFirst(bl.ToColumn) {
		f.warnf("subject: %s: %s.%s has no index: finding whose row a row of %q is reads all of %q; add one with: CREATE INDEX %s ON %s (%s);",
			where, to.Name, bl.ToColumn, t.Name, to.Name, d.Quote("idx_"+to.Name+"_"+bl.ToColumn), bl.qTo, bl.qToColumn)
	}
	return bl, true
}

// covers reports whether the bound map holds rows of table.
func (b *boundSubject) covers(table string) bool { return b != nil && b.Subject.covers(table) }

// linksOf are the links of table.
func (b *boundSubject) linksOf(table string) []boundLink {
	var out []boundLink
	for _, l := range b.links {
		if sameName(l.Table, table) {
			out = append(out, l)
		}
	}
	return out
}

// linkAlias names the table a subquery of depth reads, apart from every
// table the statement around it names.
func linkAlias(depth int) string { return fmt.Sprintf("sweeper_l%d", depth) }

// ofPerson is the condition that a row of table, referred to as ref, is
// the person's whose key is bound to each of its n placeholders. It goes
// down from the person: each step reads the rows of the table above that
// are the person's, which the table below finds by its link column's
// index.
func (b *boundSubject) ofPerson(table, ref string, depth int) (cond string, n int) {
	if sameName(table, b.Table) {
		return fmt.Sprintf("%s.%s = ?", ref, b.qKey), 1
	}
	var parts []string
	for _, l := range b.linksOf(table) {
		if l.direct {
			parts = append(parts, fmt.Sprintf("%s.%s = ?", ref, l.qColumn))
			n++
			continue
		}
		a := linkAlias(depth)
		sub, k := b.ofPerson(l.To, a, depth+1)
		parts = append(parts, fmt.Sprintf("%s.%s IN (SELECT %s.%s FROM %s %s WHERE %s)", ref, l.qColumn, a, l.qToColumn, l.qTo, a, sub))
		n += k
	}
	return "(" + strings.Join(parts, " OR ") + ")", n
}

// personArgs repeats a person's key for each placeholder of ofPerson.
func personArgs(key any, n int) []any {
	args := make([]any, n)
	for i := range args {
		args[i] = key
	}
	return args
}

// SubjectError is a request whose value names no person, or more than one.
// Nothing was read of anyone's data beyond the keys, and nothing written.
type SubjectError struct {
	Table string
	Names []string // what a value may match: the key and the match columns
	Keys  []string // the keys of the people it matches, when more than one
}

func (e *SubjectError) Error() string {
	if len(e.Keys) == 0 {
		return fmt.Sprintf("no person in %q has that value as %s", e.Table, strings.Join(e.Names, " or "))
	}
	return fmt.Sprintf("the value matches %d people in %q (keys %s): name the person by the key", len(e.Keys), e.Table,
		strings.Join(e.Keys, ", "))
}

// Person is one data subject: a row of the subject table, by its key.
type Person struct {
	Table string
	Key   any // as the database holds it
}

// KeyString is the person's key as the sweeper's own tables write it.
func (p Person) KeyString() string { return keyString(p.Key) }

// subject binds the config's data map once per command.
func (s *Sweeper) subject(ctx context.Context) (*boundSubject, error) {
	if s.Config.Subject == nil {
		return nil, &UsageError{Msg: "the config has no [subject] data map: see README, Requests from data subjects"}
	}
	b, fs := bindSubject(ctx, s.Store, s.Config.Subject)
	if b == nil {
		return nil, fmt.Errorf("the data map does not fit the database: %w", findingsError(fs))
	}
	return b, nil
}

// keyValue is a person's key as written (in a request, an audit record or
// the holds table) as the database compares it: a number for an integer
// key, bytes for a key of bytes written in hex. ok is false when value
// cannot be such a key.
func (b *boundSubject) keyValue(value string) (any, bool) {
	if b.binKey {
		h, ok := parseHexKey(value)
		return binaryKey(h), ok
	}
	return keyValueOf(b.table, b.key, value)
}

// find looks a request's value up: the person whose key, or one of whose
// match columns, is that value, as the database compares them. A value
// that matches nobody or more than one person is a *SubjectError.
func (b *boundSubject) find(ctx context.Context, q Querier, value string) (Person, error) {
	var conds []string
	var args []any
	names := []string{b.key}
	v, ok := b.keyValue(value)
	if ok {
		conds = append(conds, fmt.Sprintf("%s.%s = ?", b.qTable, b.qKey))
		args = append(args, v)
	}
	for i, c := range b.match {
		conds = append(conds, fmt.Sprintf("%s.%s = ?", b.qTable, c))
		args = append(args, value)
		names = append(names, b.Match[i])
	}
	serr := &SubjectError{Table: b.table.Name, Names: names}
	if len(conds) == 0 {
		return Person{}, serr
	}
	// Two are enough to know it is ambiguous; a few more say who.
	qry := fmt.Sprintf("SELECT %s.%s FROM %s WHERE %s ORDER BY %s.%s LIMIT 10", b.qTable, b.qKey, b.qTable,
		strings.Join(conds, " OR "), b.qTable, b.qKey)
	keys, err := queryKeys(ctx, q, func(k any) any { return scannedKey(k, b.binKey) }, qry, args...)
	if err != nil {
		return Person{}, fmt.Errorf("look the person up in %q: %w", b.table.Name, scrub(err))
	}
	switch len(keys) {
	case 0:
		return Person{}, serr
	case 1:
		return Person{Table: b.table.Name, Key: keys[0]}, nil
	}
	for _, k := range keys {
		serr.Keys = append(serr.Keys, keyString(k))
	}
	return Person{}, serr
}

// checkSubject holds the data map against the live schema for check: it
// must bind, its conditions must run, and every table with a foreign key
// into a mapped table should be mapped too (its rows are likely the
// person's as well), or left out knowingly.
func (s *Sweeper) checkSubject(ctx context.Context) []Finding {
	m := s.Config.Subject
	if m == nil {
		var fs []Finding
		for _, r := range s.Config.Rules {
			if r.KeepOnRequest {
				fs = append(fs, Finding{Severity: SeverityWarning, Rule: r.Name, Message: "keep_on_request has no effect without a [subject] data map"})
			}
		}
		return fs
	}
	b, fs := bindSubject(ctx, s.Store, m)
	if b == nil {
		return fs
	}
	f := subjectFindings()
	holds, err := s.holdsExist(ctx)
	if err != nil {
		f.errf("subject: %v", err)
	}
	now := holdTime(s.realNow())
	seen := map[string]bool{}
	mapped := []string{b.table.Name}
	for _, l := range b.links {
		if !seen[strings.ToLower(l.Table)] {
			seen[strings.ToLower(l.Table)] = true
			mapped = append(mapped, l.Table)
		}
	}
	for _, t := range mapped {
		qt := s.quote(t)
		cond, n := b.ofPerson(t, qt, 1)
		if _, err := queryKeys(ctx, s.Store, normKey, fmt.Sprintf("SELECT 1 FROM %s WHERE %s LIMIT 1", qt, cond), personArgs(nil, n)...); err != nil {
			f.errf("subject: the rows of %q are not found by their links: %v", t, scrub(err))
			continue
		}
		if holds {
			if _, err := queryKeys(ctx, s.Store, normKey, fmt.Sprintf("SELECT 1 FROM %s WHERE %s LIMIT 1", qt, b.held(t, qt, 1, now))); err != nil {
				f.errf("subject: the holds on rows of %q cannot be read: %v", t, scrub(err))
			}
		}
		fks, err := s.Store.References(ctx, t)
		if err != nil {
			f.errf("subject: the foreign keys into %q cannot be read: %v", t, scrub(err))
			continue
		}
		for _, fk := range fks {
			if m.covers(fk.Table) || strings.HasPrefix(strings.ToLower(fk.Table), "sweeper_") {
				continue
			}
			f.warnf("subject: %s, which the data map leaves out: its rows are likely the person's too, and export, erase --subject "+
				"and holds do not reach them; add [[subject.link]] table = %q, column = %q, to = %q (or leave it out knowingly)",
				describeForeignKey(fk, t), fk.Table, fk.Columns[0], t)
		}
	}
	for _, t := range mapped {
		if !s.handled(t) {
			f.warnf("subject: no enabled rule deletes or anonymises rows of %q, or takes them along as related or referred rows: "+
				"erase --subject leaves them (export and holds still reach them)", t)
		}
	}
	for _, r := range s.Config.Rules {
		if r.KeepOnRequest && !m.covers(r.Table) {
			f.fs = append(f.fs, Finding{Severity: SeverityWarning, Rule: r.Name,
				Message: fmt.Sprintf("keep_on_request has no effect: the data map does not cover %q", r.Table)})
		}
	}
	return append(fs, f.fs...)
}

// handled reports whether an enabled rule acts on rows of table: its own,
// as related rows at any depth, or as rows its rows refer to.
func (s *Sweeper) handled(table string) bool {
	for _, r := range s.Config.Rules {
		if r.Enabled && r.touchesMap(&Subject{Table: table}) {
			return true
		}
	}
	return false
}
