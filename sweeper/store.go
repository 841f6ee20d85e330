package sweeper

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"
)

// Querier runs SQL on the shop's database: the Store's pool, or one of its
// transactions. Placeholders are written ?, whatever the database; a slice
// argument binds as a parenthesised list of its values ("id IN ?"), so that
// a batch's keys travel as bound values too.
type Querier interface {
	// Exec runs a statement and returns the number of rows it matched
	// (found, whether or not their values changed).
	Exec(ctx context.Context, query string, args ...any) (rowsAffected int64, err error)
	// Query runs a query; the caller closes the rows.
	Query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Store is the shop database as the engine needs it. connectors/database
// implements it; the engine builds its SQL itself, so that Plan can show it.
type Store interface {
	// Querier runs statements on the connection pool. Its sessions run in UTC.
	Querier
	// Tx runs fn in one transaction, committed when fn returns nil and
	// rolled back otherwise. A batch's changes and their audit records go
	// in one, so that neither is ever without the other.
	Tx(ctx context.Context, fn func(tx Querier) error) error
	// Dialect is how the database spells what differs between databases.
	Dialect() Dialect
	// Table reads a table's columns, primary key and indexes from the live
	// schema. A missing table is an error wrapping ErrNoTable.
	Table(ctx context.Context, name string) (*Table, error)
	// TryLock takes the named lock without waiting. ok is false when another
	// session holds it. release must be called once the work is done.
	TryLock(ctx context.Context, name string) (release func(), ok bool, err error)
	// Retryable reports whether err is a lock-wait timeout, a deadlock or a
	// busy database, after which the same batch may simply be tried again.
	Retryable(err error) bool
	// References lists every foreign key that refers to table, its own
	// included. It fails rather than return a partial list, such as one the
	// database user's privileges cut short: the rows a hidden foreign key
	// deletes or changes along would have no audit record.
	References(ctx context.Context, table string) ([]ForeignKey, error)
	// Functions lists the names of the stored functions the connection can
	// see, in any schema: a condition that calls one may read other tables.
	Functions(ctx context.Context) ([]string, error)
	// ResultType runs query, which selects no rows, and reports the type
	// of its first result column as the database gives it: how an age_sql
	// is told to be an instant or a wall-clock time.
	ResultType(ctx context.Context, query string) (ResultType, error)
}

// ResultType is the type of a query's result column.
type ResultType struct {
	// Name is the database's name for it, lower case, as in Column.Type:
	// "timestamp", "datetime", "timestamptz", "date", "int".
	Name string
	// Unknown says the type does not tell what kind of time the values
	// are: text (or no type at all) may hold a wall-clock time in any zone
	// or an instant written in UTC.
	Unknown bool
}

// ForeignKey is a constraint by which rows of one table refer to rows of
// another (or of the same table), and what the database does to them when
// the row they refer to is deleted or its key changes.
type ForeignKey struct {
	Name       string   // the constraint's name; "" where the database keeps none (SQLite)
	Table      string   // the referring table
	Columns    []string // the referring columns
	RefColumns []string // the columns they refer to, in the same order
	OnDelete   string   // upper case: RESTRICT, NO ACTION, CASCADE, SET NULL, SET DEFAULT
	OnUpdate   string   // likewise
}

// ErrNoTable is wrapped by Store.Table when the table does not exist.
var ErrNoTable = errors.New("table does not exist")

// Table is what the live schema says about a table.
type Table struct {
	Name       string
	Columns    []Column
	PrimaryKey []string
	Indexes    []Index
}

// Column is one column of a Table.
type Column struct {
	Name     string
	Type     string // the database's type name, lower case: "datetime", "varchar"
	Nullable bool
	Length   int64 // maximum length of a character column; 0 when unknown or unbounded
	// AutoUpdate is set when the database writes the column on every UPDATE
	// of its row that does not assign it (MySQL's ON UPDATE CURRENT_TIMESTAMP).
	AutoUpdate bool
}

// Index is one index of a Table.
type Index struct {
	Name    string
	Columns []string
	Unique  bool
}

// Column returns the named column. MySQL and SQLite treat column names
// case-insensitively, so the lookup does too.
func (t *Table) Column(name string) (Column, bool) {
	for _, c := range t.Columns {
		if strings.EqualFold(c.Name, name) {
			return c, true
		}
	}
	return Column{}, false
}

// IndexedFirst reports whether some index starts with the column, which is
// what a range scan on that column needs.
func (t *Table) IndexedFirst(column string) bool {
	if len(t.PrimaryKey) > 0 && strings.EqualFold(t.PrimaryKey[0], column) {
		return true
	}
	for _, ix := range t.Indexes {
		if len(ix.Columns) > 0 && strings.EqualFold(ix.Columns[0], column) {
			return true
		}
	}
	return false
}

// UniqueOn reports whether the column alone identifies a row: it is the
// single-column primary key, or the only column of a unique index.
func (t *Table) UniqueOn(column string) bool {
	if len(t.PrimaryKey) == 1 && strings.EqualFold(t.PrimaryKey[0], column) {
		return true
	}
	for _, ix := range t.Indexes {
		if ix.Unique && len(ix.Columns) == 1 && strings.EqualFold(ix.Columns[0], column) {
			return true
		}
	}
	return false
}

// UniqueOnAll reports whether the columns together identify a row: they
// are the primary key, or the columns of a unique index, in any order.
func (t *Table) UniqueOnAll(columns []string) bool {
	same := func(a []string) bool {
		if len(a) != len(columns) {
			return false
		}
		for _, c := range columns {
			if !slices.ContainsFunc(a, func(x string) bool { return strings.EqualFold(x, c) }) {
				return false
			}
		}
		return true
	}
	if same(t.PrimaryKey) {
		return true
	}
	for _, ix := range t.Indexes {
		if ix.Unique && same(ix.Columns) {
			return true
		}
	}
	return false
}

// AuditRecord is one row of the audit table: one action on one row. It
// never holds the row's personal data, only its key.
type AuditRecord struct {
	ID     int64
	RunID  string
	At     time.Time // UTC
	Rule   string
	Table  string
	RowKey string
	Action string
	Detail string
	// ParentKey is, on the record of a related row, the key of the rule's
	// row it went with; "" on the records of the rule's own rows.
	ParentKey string
}

// Audit actions beyond the rule actions.
const (
	AuditRemind    = "remind"
	AuditFile      = "file"
	AuditNoAddress = "no-address"
)

// queryRow runs a query that returns one row and scans it into dest.
func queryRow(ctx context.Context, q Querier, query string, args []any, dest ...any) error {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return sql.ErrNoRows
	}
	if err := rows.Scan(dest...); err != nil {
		return err
	}
	return rows.Close()
}

// queryAll runs a query and reads each of its rows with scan.
func queryAll[T any](ctx context.Context, q Querier, scan func(*sql.Rows) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// queryCount runs a SELECT COUNT(*) ... and returns the count.
func queryCount(ctx context.Context, q Querier, query string, args ...any) (int, error) {
	var n int64
	if err := queryRow(ctx, q, query, args, &n); err != nil {
		return 0, err
	}
	return int(n), nil
}

// quote quotes an identifier the sweeper checked or chose itself.
func (s *Sweeper) quote(ident string) string { return s.Store.Dialect().Quote(ident) }
