package sweeper

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Severity of a check finding.
type Severity string

// The severities of findings.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Finding is one problem check found.
type Finding struct {
	Severity Severity
	Rule     string // "" for problems of the whole config
	Message  string
}

func (f Finding) String() string {
	if f.Rule == "" {
		return fmt.Sprintf("%s: %s", f.Severity, f.Message)
	}
	return fmt.Sprintf("%s: rule %q: %s", f.Severity, f.Rule, f.Message)
}

// boundRule is a rule held against the live schema: every identifier it
// uses exists and is quoted, and its due condition is ready to run.
type boundRule struct {
	*Rule
	table     *Table
	qTable    string
	key       string // column name as the schema spells it
	qKey      string
	keyCols   keyColumns // the key column, as keyColumns
	ageExpr   string
	ageKind   TimeKind
	anonymise []boundColumn
	related   []boundRelated
	// flat are the related tables at every depth, each before those
	// nested in it: the order of the counts.
	flat []*boundRelated
	// refers are the [[rule.refers]] tables, counted after flat.
	refers []boundRefers
	// keep are the quoted columns of the table that the database writes on
	// every UPDATE (ON UPDATE CURRENT_TIMESTAMP): each UPDATE of the sweeper
	// assigns them to themselves, so that its change does not move the row's
	// own clock, by which a rule may age it.
	keep []string
	// sql is the database's dialect.
	sql Dialect
	// qEmail and reminderCols are set for rules with a reminder, qFile for
	// rules with files.
	qEmail       string
	reminderCols []string
	qFile        string
	// readsOther: where or age_sql may read other tables than the rule's
	// own, through a subquery or a stored function.
	readsOther bool
	// holdCond, when set, keeps the rows of people under a hold out of
	// every condition the rule's rows are taken by (holds.go).
	holdCond string
	// replay: the rule re-applies actions the audit records, which where
	// allowed then; where is not asked again (replay.go).
	replay bool
}

type boundColumn struct {
	ColumnStrategy
	q      string
	length int64
	// value is ColumnStrategy.Value as it is bound: a number for a
	// numeric column.
	value any
}

// boundRelated is a [[rule.related]] table held against the live schema,
// with the related tables nested in it.
type boundRelated struct {
	Related
	table  *Table
	qTable string
	key    keyColumns // the columns that identify its rows
	fk     keyColumns // its columns that refer to the parent row
	// ref are the parent's columns fk refers to, in the parent's table;
	// refKey says they are the parent's key.
	ref       keyColumns
	refKey    bool
	anonymise []boundColumn
	keep      []string // as boundRule.keep, for the related table
	related   []boundRelated
	// parent is the related table this one is nested in, nil for one of
	// the rule's own table.
	parent *boundRelated
	// self is set for a table nested in itself (transactions that refer to
	// a parent transaction): its rows are a tree, handled to any depth.
	self bool
	// index is its place in boundRule.flat, and so in the counts.
	index int
	// name is how plan and sweep name its rows (RelatedCount.Name).
	name string
	// where names it in messages: related[2].related[1] (table "x").
	where string
}

// readsOtherTables reports whether SQL from the config may read other
// tables than the rule's own: it has a subquery, or calls a stored function,
// which may hold one. Should the functions not be listed, it says yes: going
// by key is slower, never wrong. A subquery is told by the words SELECT and
// TABLE anywhere, even inside a longer name: PostgreSQL takes "id IN (TABLE
// holds)" as one, and its table_to_xml reads a table by name.
func readsOtherTables(ctx context.Context, st Store, sql string) bool {
	lower := strings.ToLower(sql)
	if strings.Contains(lower, "select") || strings.Contains(lower, "table") {
		return true
	}
	called := map[string]bool{}
	for _, m := range callPattern.FindAllStringSubmatch(sql, -1) {
		called[strings.ToLower(m[1]+m[2]+m[3])] = true
	}
	if len(called) == 0 {
		return false
	}
	fns, err := st.Functions(ctx)
	if err != nil {
		return true
	}
	for _, f := range fns {
		if called[strings.ToLower(f)] {
			return true
		}
	}
	return false
}

// callPattern matches a name followed by an opening parenthesis, bare or
// quoted: a function call, or something taken for one, which costs only
// the range path.
var callPattern = regexp.MustCompile("(?:`([^`]+)`|\"([^\"]+)\"|([A-Za-z_][A-Za-z0-9_$]*))\\s*\\(")

// keyOf turns a scanned value of the key column into a key that binds
// back as itself.
func (b *boundRule) keyOf(v any) any { return b.keyCols.value([]any{v}) }

// integerKey reports whether the key column holds integers, whose text
// form is the same in SQL (CAST) and in keyString.
func (b *boundRule) integerKey() bool {
	for _, c := range b.table.Columns {
		if c.Name == b.key && b.sql.IntegerType(c.Type) {
			return true
		}
	}
	return false
}

// findings collects the problems found with one rule.
type findings struct {
	rule string
	fs   []Finding
}

func (f *findings) errf(format string, a ...any) {
	f.fs = append(f.fs, Finding{Severity: SeverityError, Rule: f.rule, Message: fmt.Sprintf(format, a...)})
}

func (f *findings) warnf(format string, a ...any) {
	f.fs = append(f.fs, Finding{Severity: SeverityWarning, Rule: f.rule, Message: fmt.Sprintf(format, a...)})
}

// failed reports whether any finding is an error.
func (f *findings) failed() bool {
	return slices.ContainsFunc(f.fs, func(x Finding) bool { return x.Severity == SeverityError })
}

// bind holds the rule against the live schema. Problems come back as
// findings; bound is nil when any of them is an error.
func bind(ctx context.Context, st Store, r *Rule, redact string) (*boundRule, []Finding) {
	f := &findings{rule: r.Name}
	t, err := st.Table(ctx, r.Table)
	if err != nil {
		if errors.Is(err, ErrNoTable) {
			f.errf("table %q does not exist in the database", r.Table)
		} else {
			f.errf("read table %q: %v", r.Table, err)
		}
		return nil, f.fs
	}
	d := st.Dialect()
	b := &boundRule{Rule: r, table: t, qTable: d.Quote(t.Name), sql: d, keep: autoUpdated(d, t)}
	b.key, err = resolveKey(t, r.Key)
	if err != nil {
		f.errf("%v", err)
	} else {
		b.qKey = d.Quote(b.key)
		b.keyCols, _ = bindKeyColumns(d, t, []string{b.key})
	}
	if r.AgeSQL != "" {
		b.ageExpr = "(" + r.AgeSQL + ")"
		b.ageKind = ageSQLKind(ctx, st, b, f.errf, f.warnf)
	} else {
		b.bindAgeColumns(f)
	}
	b.readsOther = readsOtherTables(ctx, st, r.Where+" "+r.AgeSQL)
	b.anonymise = bindColumns(d, t, r.Anonymise, redact, "anonymise", f.errf)
	b.bindRelated(ctx, st, redact, f)
	b.bindRefers(ctx, st, redact, f)
	b.bindReminder(f)
	if r.Files != nil {
		if c, ok := t.Column(r.Files.Column); !ok {
			f.errf("files.column %q is not a column of %q", r.Files.Column, t.Name)
		} else {
			b.qFile = d.Quote(c.Name)
		}
		if r.Action != ActionDelete {
			f.errf("files go with deleted rows; action must be delete")
		}
	}
	if f.failed() {
		return nil, f.fs
	}
	return b, f.fs
}

// bindAgeColumns binds age_column: columns of one kind of time, the
// first that is not NULL.
func (b *boundRule) bindAgeColumns(f *findings) {
	t, d := b.table, b.sql
	var exprs []string
	kinds := map[TimeKind][]string{}
	for _, name := range b.AgeColumns {
		c, ok := t.Column(name)
		if !ok {
			f.errf("age_column %q is not a column of table %q", name, t.Name)
			continue
		}
		k, err := columnAgeKind(d, c)
		if err != nil {
			f.errf("age_column %q: %v", name, err)
			continue
		}
		if c.AutoUpdate {
			f.warnf("age_column %q is written by the database on every UPDATE of its row (ON UPDATE CURRENT_TIMESTAMP): "+
				"the sweeper's own updates keep it as it was, but any other change to a row starts its period again", c.Name)
		}
		kinds[k] = append(kinds[k], c.Name)
		exprs = append(exprs, b.qTable+"."+d.Quote(c.Name))
		if !t.IndexedFirst(c.Name) {
			f.warnf("age_column %q has no index: every run scans the whole table; add one with: CREATE INDEX %s ON %s (%s);",
				c.Name, d.Quote("idx_"+t.Name+"_"+c.Name), b.qTable, d.Quote(c.Name))
		}
	}
	if len(kinds) > 1 {
		var desc []string
		for k, cols := range kinds {
			desc = append(desc, fmt.Sprintf("%s is a %s", strings.Join(cols, ", "), k))
		}
		f.errf("age_column mixes kinds of time (%s): they cannot be compared with one cutoff; use columns of one type or age_sql", strings.Join(desc, "; "))
	}
	for k := range kinds {
		b.ageKind = k
	}
	if len(exprs) == 1 {
		b.ageExpr = exprs[0]
	} else if len(exprs) > 1 {
		b.ageExpr = "COALESCE(" + strings.Join(exprs, ", ") + ")"
	}
}

// bindRelated binds the [[rule.related]] tables, and those nested in them.
func (b *boundRule) bindRelated(ctx context.Context, st Store, redact string, f *findings) {
	b.related = b.bindRelatedOf(ctx, st, redact, f, b.table, b.keyCols, nil, "", b.Related)
	var walk func(rels []boundRelated)
	walk = func(rels []boundRelated) {
		for i := range rels {
			rels[i].index = len(b.flat)
			b.flat = append(b.flat, &rels[i])
			walk(rels[i].related)
		}
	}
	walk(b.related)
	// The pointers to the parents are taken once the slices stand.
	var link func(rels []boundRelated, parent *boundRelated)
	link = func(rels []boundRelated, parent *boundRelated) {
		for i := range rels {
			rels[i].parent = parent
			rels[i].self = parent != nil && strings.EqualFold(rels[i].Table, parent.Table)
			link(rels[i].related, &rels[i])
		}
	}
	link(b.related, nil)
}

// bindRelatedOf binds the related tables of one parent: the rule's table,
// or a related table (parentRel). parentKey is the parent's key; prefix
// names the parent in messages.
func (b *boundRule) bindRelatedOf(ctx context.Context, st Store, redact string, f *findings, parent *Table, parentKey keyColumns,
	parentRel *boundRelated, prefix string, rels []Related) []boundRelated {
	d := b.sql
	var out []boundRelated
	for i, rel := range rels {
		path := fmt.Sprintf("%srelated[%d]", prefix, i+1)
		br := boundRelated{Related: rel, where: fmt.Sprintf("%s (table %q)", path, rel.Table), name: rel.Table}
		if parentRel != nil {
			br.name = parentRel.name + " > " + rel.Table
		}
		for j, other := range rels {
			if j != i && strings.EqualFold(other.Table, rel.Table) {
				br.name += " (" + strings.Join(rel.ForeignKey, ", ") + ")"
				break
			}
		}
		rt, err := st.Table(ctx, rel.Table)
		if err != nil {
			if errors.Is(err, ErrNoTable) {
				f.errf("%s: table does not exist in the database", br.where)
			} else {
				f.errf("%s: %v", br.where, err)
			}
			continue
		}
		br.table, br.qTable, br.keep = rt, d.Quote(rt.Name), autoUpdated(d, rt)
		b.bindForeignKey(&br, parent, parentKey, f)
		keyNames, err := resolveRelatedKey(rt, rel.Key)
		if err != nil {
			f.errf("%s: %v", br.where, err)
		} else {
			br.key, _ = bindKeyColumns(d, rt, keyNames)
		}
		br.anonymise = bindColumns(d, rt, rel.Anonymise, redact, br.where+" anonymise", f.errf)
		if br.key.width() > 0 {
			br.related = b.bindRelatedOf(ctx, st, redact, f, rt, br.key, &br, path+".", rel.Related)
		}
		out = append(out, br)
	}
	return out
}

// bindForeignKey binds a related table's foreign_key and the parent's
// columns it refers to: references, or the parent's key.
func (b *boundRule) bindForeignKey(br *boundRelated, parent *Table, parentKey keyColumns, f *findings) {
	d, rt, where := b.sql, br.table, br.where
	fk, err := bindKeyColumns(d, rt, br.ForeignKey)
	if err != nil {
		f.errf("%s: foreign_key: %v", where, err)
		return
	}
	br.fk = fk
	for _, name := range fk.names {
		if c, _ := rt.Column(name); br.Action == ActionDetach && !c.Nullable {
			f.errf("%s: detach sets %s to NULL, but the column is NOT NULL; make it nullable or use delete", where, c.Name)
		}
	}
	if !rt.IndexedFirst(fk.names[0]) {
		f.warnf("%s: foreign_key %q has no index: each batch scans %q; add one with: CREATE INDEX %s ON %s (%s);",
			where, fk.names[0], rt.Name, d.Quote("idx_"+rt.Name+"_"+fk.names[0]), br.qTable, strings.Join(fk.q, ", "))
	}
	switch {
	case len(br.References) == 0:
		br.ref, br.refKey = parentKey, true
	default:
		ref, err := bindKeyColumns(d, parent, br.References)
		if err != nil {
			f.errf("%s: references: %v", where, err)
			return
		}
		if !parent.UniqueOnAll(ref.names) {
			f.errf("%s: references (%s) of %q do not identify one row (they are not its primary key or a unique index): "+
				"a related row could go with a row that is not due", where, strings.Join(ref.names, ", "), parent.Name)
			return
		}
		br.ref, br.refKey = ref, sameColumns(ref.names, parentKey.names)
	}
	if br.ref.width() == 0 {
		return // the parent's key is refused already
	}
	if br.ref.width() != fk.width() {
		f.errf("%s: foreign_key has %d columns, and the %s of %q it refers to %d; name the columns it refers to with references",
			where, fk.width(), refWhat(br), parent.Name, br.ref.width())
	}
}

func refWhat(br *boundRelated) string {
	if len(br.References) == 0 {
		return "key"
	}
	return "references"
}

// bindReminder binds [rule.reminder].
func (b *boundRule) bindReminder(f *findings) {
	r, t := b.Reminder, b.table
	if r == nil {
		return
	}
	if c, ok := t.Column(r.EmailColumn); !ok {
		f.errf("reminder.email_column %q is not a column of %q", r.EmailColumn, t.Name)
	} else {
		b.qEmail = b.sql.Quote(c.Name)
	}
	for _, name := range r.Columns {
		if c, ok := t.Column(name); !ok {
			f.errf("reminder.columns: %q is not a column of %q", name, t.Name)
		} else {
			b.reminderCols = append(b.reminderCols, c.Name)
		}
	}
	if b.Action != ActionDelete {
		f.errf("a reminder announces a deletion; action must be delete")
	}
}

// autoUpdated returns the quoted columns of t that the database writes on
// every UPDATE that does not assign them.
func autoUpdated(d Dialect, t *Table) []string {
	var keep []string
	for _, c := range t.Columns {
		if c.AutoUpdate {
			keep = append(keep, d.Quote(c.Name))
		}
	}
	return keep
}

// resolveKey finds the column that identifies a row. It must be unique
// and never NULL: the batch deletes and updates by key, so a key shared by
// two rows would reach a row that is not due, and a NULL key would stall
// the walk through the table.
func resolveKey(t *Table, key string) (string, error) {
	if key != "" {
		c, ok := t.Column(key)
		if !ok {
			return "", fmt.Errorf("key %q is not a column of %q", key, t.Name)
		}
		if !t.UniqueOn(c.Name) {
			return "", fmt.Errorf("key %q of %q is not unique: it must be the primary key or the only column of a unique index, "+
				"or a row that is not due could be touched with one that is", c.Name, t.Name)
		}
		if c.Nullable {
			return "", fmt.Errorf("key %q of %q may be NULL: declare it NOT NULL, or name another key", c.Name, t.Name)
		}
		return c.Name, nil
	}
	switch len(t.PrimaryKey) {
	case 1:
		return t.PrimaryKey[0], nil
	case 0:
		return "", fmt.Errorf("table %q has no primary key: name a unique, non-NULL column with key = \"...\"", t.Name)
	default:
		return "", fmt.Errorf("table %q has a primary key of %d columns (%s): name one unique column with key = \"...\"",
			t.Name, len(t.PrimaryKey), strings.Join(t.PrimaryKey, ", "))
	}
}

// resolveRelatedKey finds the columns that identify a related table's
// rows: those named, which must be unique together and never NULL, or the
// primary key, of however many columns. The batch deletes and updates the
// related rows by them and writes them into the audit records.
func resolveRelatedKey(t *Table, key []string) ([]string, error) {
	if len(key) == 1 {
		k, err := resolveKey(t, key[0])
		return []string{k}, err
	}
	if len(key) > 1 {
		var names []string
		for _, k := range key {
			c, ok := t.Column(k)
			if !ok {
				return nil, fmt.Errorf("key %q is not a column of %q", k, t.Name)
			}
			if c.Nullable {
				return nil, fmt.Errorf("key %q of %q may be NULL: declare it NOT NULL, or name other columns", c.Name, t.Name)
			}
			names = append(names, c.Name)
		}
		if !t.UniqueOnAll(names) {
			return nil, fmt.Errorf("key (%s) of %q is not unique: it must be the primary key or a unique index, "+
				"or a row that does not go with a due row could be touched with one that does", strings.Join(names, ", "), t.Name)
		}
		return names, nil
	}
	if len(t.PrimaryKey) == 0 {
		return nil, fmt.Errorf("table %q has no primary key: name its unique, non-NULL columns with key = [\"...\"]", t.Name)
	}
	return t.PrimaryKey, nil
}

// hashPrefix marks a value the hash strategy wrote, so that it is not
// hashed again: a second run must change nothing.
const hashPrefix = "hmac:"

// minHashLength is the shortest column a hashed value fits in: the prefix
// and 16 hex digits (64 bits) of the HMAC.
const minHashLength = int64(len(hashPrefix) + 16)

func bindColumns(d Dialect, t *Table, cols []ColumnStrategy, redact, where string, errf func(string, ...any)) []boundColumn {
	var out []boundColumn
	for _, cs := range cols {
		c, ok := t.Column(cs.Column)
		if !ok {
			errf("%s: %q is not a column of %q", where, cs.Column, t.Name)
			continue
		}
		if cs.Strategy == StrategyNull && !c.Nullable {
			errf("%s: %q is NOT NULL, so the null strategy cannot be used; use empty or redact", where, c.Name)
		}
		if cs.Strategy == StrategyRedact && c.Length > 0 && int64(len([]rune(redact))) > c.Length {
			errf("%s: %q holds at most %d characters, shorter than sweeper.redact_text %q; use null or empty, or a shorter redact_text", where, c.Name, c.Length, redact)
		}
		if cs.Strategy == StrategyHash && c.Length > 0 && c.Length < minHashLength {
			errf("%s: %q holds at most %d characters; a hashed value needs %d", where, c.Name, c.Length, minHashLength)
		}
		bc := boundColumn{ColumnStrategy: ColumnStrategy{Column: c.Name, Strategy: cs.Strategy, Value: cs.Value}, q: d.Quote(c.Name), length: c.Length}
		if cs.Strategy == StrategyValue {
			v, err := fixedValue(d, c, cs.Value)
			if err != nil {
				errf("%s: %q: %v", where, c.Name, err)
			}
			bc.value = v
		}
		out = append(out, bc)
	}
	return out
}

// fixedValue reads the value of a value: strategy as its column holds it:
// a whole number for an integer column, a number for another numeric one,
// text that fits for a text column. A column of another type (a date, bytes)
// is refused: no text written into it means the same on every database.
func fixedValue(d Dialect, c Column, v string) (any, error) {
	typ := strings.ToLower(c.Type)
	switch {
	case d.IntegerType(typ):
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("value:%s is not a whole number, and the column is %s", v, c.Type)
		}
		return n, nil
	case containsAny(typ, "dec", "numeric", "float", "double", "real"):
		if _, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err != nil {
			return nil, fmt.Errorf("value:%s is not a number, and the column is %s", v, c.Type)
		}
		return strings.TrimSpace(v), nil
	case containsAny(typ, "char", "text", "clob", "enum", "set", "string") && !d.BinaryType(typ):
		if c.Length > 0 && int64(utf8.RuneCountInString(v)) > c.Length {
			return nil, fmt.Errorf("value:%s is longer than the %d characters the column holds", v, c.Length)
		}
		return v, nil
	}
	return nil, fmt.Errorf("its type %q takes no value: strategy (a number or text); use null", c.Type)
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// columnAgeKind decides from the declared type how a column's values are
// compared with a cutoff. Types that do not hold a time are refused: an
// integer compared with a date string gives a wrong answer, not an error.
func columnAgeKind(d Dialect, c Column) (TimeKind, error) {
	if k := d.TimeKind(c.Type); k != TimeNone {
		return k, nil
	}
	return TimeNone, fmt.Errorf("its type %q holds no date or time; for a Unix time write e.g. age_sql = \"FROM_UNIXTIME(%s)\" with age_timezone = \"UTC\"", c.Type, c.Name)
}

// ageSQLKind asks the database what type age_sql's result is, and from it
// how its values compare with a cutoff, as the type of an age_column
// decides. Read as wall-clock time in sweeper.timezone, an instant (a
// TIMESTAMP, or MAX over one) would go early by the zone's offset.
func ageSQLKind(ctx context.Context, st Store, b *boundRule, errf, warnf func(string, ...any)) TimeKind {
	rt, err := st.ResultType(ctx, fmt.Sprintf("SELECT %s FROM %s WHERE 1 = 0", b.ageExpr, b.qTable))
	if err != nil {
		errf("age_sql does not run: %v", scrub(err))
		return TimeWall
	}
	if rt.Unknown {
		// Text may be wall-clock time in any zone, or an instant written
		// in UTC: guessed wrong, rows go hours early. The rule says which.
		if !b.AgeTimezoneSet {
			errf("age_sql gives %s, which does not tell whether it is a wall-clock time or an instant; declare "+
				"age_timezone (the zone its values are written in, or \"UTC\" for an instant written in UTC), "+
				"or make it a date or time type (CAST(... AS DATETIME))", typeName(rt.Name))
		}
		return TimeWall
	}
	k := b.sql.TimeKind(rt.Name)
	if k == TimeNone {
		errf("age_sql gives %s, which holds no date or time; for a Unix time write e.g. FROM_UNIXTIME(...) "+
			"with age_timezone = \"UTC\"", typeName(rt.Name))
		return TimeWall
	}
	if k == TimeInstant && b.AgeTimezoneSet {
		warnf("age_timezone is not used: age_sql gives %s, an instant, which is compared as one", typeName(rt.Name))
	}
	return k
}

func typeName(t string) string {
	if t == "" || t == "null" {
		return "no type (NULL)"
	}
	return "a " + strings.ToUpper(t)
}

// cutoffs are the bound values that make "age < cutoff" mean "older than
// the period" for one rule at one moment.
type cutoffs struct {
	at    time.Time // the exact cutoff, in the configured timezone: what plan shows
	bound string    // what the SQL compares the age value with
}

// floorValue excludes NULL ages (SQL's comparison does that already) and
// MySQL's zero dates, which sort before every real date.
func (b *boundRule) floorValue() string {
	if b.ageKind == TimeDate {
		return "0001-01-01"
	}
	return "0001-01-01 00:00:00"
}

// cutoffFor returns the cutoff for a moment: asOf minus the rule's period by
// calendar arithmetic in the configured timezone, written for the age column.
func (b *boundRule) cutoffFor(asOf time.Time, tz *time.Location) cutoffs {
	c := b.OlderThan.Before(asOf.In(tz))
	return cutoffs{at: c, bound: b.bindTime(c)}
}

// bindTime writes an instant the way the age value is stored, rounded so
// that every stored value below it is older than the instant: never early.
func (b *boundRule) bindTime(c time.Time) string {
	// Whole seconds, rounded down: a stored "00:00:00" must not sort before a
	// bound of "00:00:00.000000" as text does in SQLite.
	c = c.Truncate(time.Second)
	switch b.ageKind {
	case TimeInstant:
		return c.UTC().Format("2006-01-02 15:04:05")
	case TimeDate:
		// A day counts as its last moment: it is before the cutoff only when
		// the whole day is, i.e. when it is before the cutoff's own day.
		return safeWall(c, b.AgeTimezone).Format("2006-01-02")
	default:
		return safeWall(c, b.AgeTimezone).Format("2006-01-02 15:04:05")
	}
}

// safeWall returns the wall clock in loc to compare zone-less values with,
// such that every wall-clock time before it denotes an instant before t,
// whichever offset loc had then. Around a daylight-saving change a wall
// time can mean two instants (02:30 happens twice in October in
// Amsterdam); the wall clock is taken at the smallest offset in force near
// t, which moves it earlier by at most the size of the change.
func safeWall(t time.Time, loc *time.Location) time.Time {
	_, minOff := t.In(loc).Zone()
	for h := -26; h <= 26; h++ {
		if _, off := t.Add(time.Duration(h) * time.Hour).In(loc).Zone(); off < minOff {
			minOff = off
		}
	}
	w := t.In(time.FixedZone("", minOff))
	return time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), 0, time.UTC)
}
