package sweeper

import (
	"context"
	"errors"
)

// Dialect is how one database spells what the engine's SQL needs, and how
// it reads what the database reports of its types. The connector supplies
// it (Store.Dialect): the engine asks it, and never which database it is.
type Dialect interface {
	// Quote quotes an identifier that has already been checked against the
	// schema.
	Quote(ident string) string
	// Text casts an expression to text, as the sweeper's own tables write
	// a row's key.
	Text(expr string) string
	// Concat joins expressions into one text. A part that starts with a
	// quote is a string literal; any other is cast to text.
	Concat(parts ...string) string
	// ForUpdate is what a SELECT ends with to lock the rows it reads until
	// its transaction ends: "" where a writing transaction holds the whole
	// database already.
	ForUpdate() string
	// TimeKind says how the values of a type (Column.Type, ResultType.Name)
	// compare with a cutoff; TimeNone for a type that holds no time.
	TimeKind(typ string) TimeKind
	// IntegerType reports whether a column type holds integers, whose text
	// form is the same in SQL (Text) and in the sweeper's own tables.
	IntegerType(typ string) bool
	// BinaryType reports whether a column type holds bytes rather than
	// text (MySQL BINARY, VARBINARY and the BLOBs, PostgreSQL bytea): a key
	// of such a column is bound as bytes and written as hex.
	BinaryType(typ string) bool
	// Hex writes an expression of bytes as lowercase hex text.
	Hex(expr string) string
	// RowsIn is the condition that the columns (a row value) equal one of
	// n rows of bound values, each written as len(cols) placeholders.
	RowsIn(cols []string, n int) string
	// Explain is the statement that has the server plan stmt without
	// running it: it checks the privileges stmt needs and changes nothing.
	Explain(stmt string) string
	// SplitCount reports whether a count (a SELECT COUNT(*) ... with its
	// args) is quicker split into key ranges counted at once: where the
	// server gives one statement one core and its plan for this one reads
	// the table's rows. A server that splits a scan across workers itself,
	// or allows one connection, says no; so does anything it cannot tell.
	SplitCount(ctx context.Context, q Querier, count string, args []any) bool
	// Load is how many of the server's connections other than the asking
	// one are running a statement now: what max_load, critical_load and the
	// gentle pace watch. A database that cannot tell returns an error
	// wrapping ErrNoLoad.
	Load(ctx context.Context, q Querier) (int, error)
	// CreateAuditTable, CreateRemindersTable, CreateFilesTable,
	// CreateRunsTable and CreateHoldsTable are the statements that create
	// the sweeper's own tables under a quoted name. The audit table is created only when it
	// is missing; the others are created IF NOT EXISTS.
	CreateAuditTable(table string) string
	CreateRemindersTable(table string) string
	CreateFilesTable(table string) string
	CreateRunsTable(table string) string
	CreateHoldsTable(table string) string
}

// ErrNoLoad is wrapped by Dialect.Load on a database that cannot tell
// how busy it is.
var ErrNoLoad = errors.New("this database reports no count of running statements")

// TimeKind is how the values of a column, or of an age_sql, are compared
// with a cutoff, which decides how the cutoff is written.
type TimeKind int

// The kinds of time.
const (
	// TimeNone is a type that holds no date or time: an integer compared
	// with a date string gives a wrong answer, not an error.
	TimeNone TimeKind = iota
	// TimeWall is a zone-less timestamp (MySQL DATETIME, PostgreSQL
	// timestamp, SQLite text): a wall-clock time in the rule's age timezone.
	TimeWall
	// TimeInstant is a point in time (MySQL TIMESTAMP, PostgreSQL
	// timestamptz), which the sessions, running in UTC, compare in UTC.
	TimeInstant
	// TimeDate is a calendar day without a time: it counts as its last
	// moment.
	TimeDate
)

func (k TimeKind) String() string {
	switch k {
	case TimeNone:
		return "type without a time"
	case TimeInstant:
		return "timestamp with time zone"
	case TimeDate:
		return "date"
	default:
		return "wall-clock timestamp"
	}
}
