package database

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/glebarez/sqlite"

	"github.com/sweeperd/sweeper/sweeper"
)

// sqliteDialect is SQLite, through a pure-Go driver.
type sqliteDialect struct{ shared }

// openSQLite prepares a connection to the SQLite file dsn names.
func openSQLite(dsn string, opt Options) (conn, error) {
	path, params, _ := strings.Cut(dsn, "?")
	q, err := url.ParseQuery(params)
	if err != nil {
		return conn{}, configErrorf("database.dsn: bad query string after the file name: %v", err)
	}
	// Writers take the lock when the transaction begins, not on their
	// first write: an upgrade from a read lock can fail without waiting.
	if q.Get("_txlock") == "" {
		q.Set("_txlock", "immediate")
	}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", opt.LockWaitTimeout.Milliseconds()))
	return conn{
		dialector: sqlite.Open(path + "?" + q.Encode()),
		dialect:   sqliteDialect{},
		schema:    path,
		target:    fmt.Sprintf("sqlite database %q", path),
	}, nil
}

// Quote implements sweeper.Dialect with backticks, which SQLite takes as
// MySQL does.
func (sqliteDialect) Quote(ident string) string {
	var b strings.Builder
	sqlite.Dialector{}.QuoteTo(&b, ident)
	return b.String()
}

// ForUpdate implements sweeper.Dialect: a SQLite transaction that writes
// holds the whole database already.
func (sqliteDialect) ForUpdate() string { return "" }

// TimeKind implements sweeper.Dialect. A time in SQLite is text (or no
// type at all): wall-clock time. A declared type of integer, real, blob or
// numeric affinity holds no time the sweeper can compare.
func (sqliteDialect) TimeKind(typ string) sweeper.TimeKind {
	switch {
	case typ == "date":
		return sweeper.TimeDate
	case strings.Contains(typ, "int"), strings.Contains(typ, "real"), strings.Contains(typ, "blob"), strings.Contains(typ, "numeric"):
		return sweeper.TimeNone
	}
	return sweeper.TimeWall
}

// IntegerType implements sweeper.Dialect: SQLite keeps the declared type's
// name, whichever database it was written for.
func (sqliteDialect) IntegerType(typ string) bool {
	switch strings.TrimSpace(strings.TrimSuffix(typ, " unsigned")) {
	case "tinyint", "smallint", "mediumint", "int", "integer", "bigint", "int2", "int4", "int8":
		return true
	}
	return false
}

// BinaryType implements sweeper.Dialect: a declared type of blob affinity,
// or a binary type of the database the schema was written for.
func (sqliteDialect) BinaryType(typ string) bool {
	return strings.Contains(typ, "blob") || strings.Contains(typ, "binary") || typ == "bytea"
}

// Hex implements sweeper.Dialect.
func (sqliteDialect) Hex(expr string) string { return "LOWER(HEX(" + expr + "))" }

// RowsIn implements sweeper.Dialect: SQLite takes a row value on the left
// of IN only with a subquery on the right, such as VALUES.
func (sqliteDialect) RowsIn(cols []string, n int) string {
	return "(" + strings.Join(cols, ", ") + ") IN (VALUES " + rowPlaceholders(len(cols), n) + ")"
}

// CreateAuditTable implements sweeper.Dialect. `at` is text, as SQLite
// keeps every time.
func (sqliteDialect) CreateAuditTable(table string) string {
	return fmt.Sprintf("CREATE TABLE %s (id INTEGER PRIMARY KEY AUTOINCREMENT, %s)", table, auditColumns("TEXT"))
}

func (sqliteDialect) txOptions() *sql.TxOptions { return nil }

// pool: one writer at a time is all SQLite allows; more connections only
// turn into busy errors.
func (sqliteDialect) pool(db *sql.DB) { db.SetMaxOpenConns(1) }

func (sqliteDialect) retryable(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "SQLITE_BUSY") || strings.Contains(msg, "database is locked")
}

// functionsQuery: SQLite has no stored functions.
func (sqliteDialect) functionsQuery() string { return "" }

// resultType: SQLite names a type only for a plain column; an expression
// has none, and a time in SQLite is text: wall-clock time.
func (sqliteDialect) resultType(name string) sweeper.ResultType {
	if name == "" {
		name = "text"
	}
	return sweeper.ResultType{Name: name}
}

// table reads a table from SQLite's own pragmas. gorm's SQLite migrator
// parses the CREATE TABLE text with regular expressions, which misreads
// composite primary keys and statements written over several lines; a
// wrong key or nullability here would let a batch reach rows that are not
// due.
func (sqliteDialect) table(ctx context.Context, db *DB, name string) (*sweeper.Table, error) {
	g := db.gorm.WithContext(ctx)
	var n int64
	if err := g.Raw("SELECT COUNT(*) FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?", name).Scan(&n).Error; err != nil {
		return nil, fmt.Errorf("read schema: %w", err)
	}
	if n == 0 {
		return nil, fmt.Errorf("%q: %w", name, sweeper.ErrNoTable)
	}
	var cols []struct {
		Name    string
		Type    string
		NotNull int
		PK      int
	}
	if err := g.Raw(`SELECT name, type, "notnull" AS not_null, pk FROM pragma_table_info(?) ORDER BY cid`, name).Scan(&cols).Error; err != nil {
		return nil, fmt.Errorf("read columns of %q: %w", name, err)
	}
	t := &sweeper.Table{Name: name}
	pks := map[int]string{}
	for _, c := range cols {
		typ := strings.ToLower(strings.TrimSpace(c.Type))
		col := sweeper.Column{Name: c.Name, Type: typ, Nullable: c.NotNull == 0 && c.PK == 0}
		if open := strings.IndexByte(typ, '('); open > 0 {
			col.Type = strings.TrimSpace(typ[:open])
			var l int64
			if _, err := fmt.Sscanf(typ[open+1:], "%d", &l); err == nil && l > 0 {
				col.Length = l
			}
		}
		if c.PK > 0 {
			pks[c.PK] = c.Name
		}
		t.Columns = append(t.Columns, col)
	}
	for i := 1; i <= len(pks); i++ {
		t.PrimaryKey = append(t.PrimaryKey, pks[i])
	}
	if err := sqliteIndexes(ctx, db, t); err != nil {
		return nil, err
	}
	return t, nil
}

// sqliteIndexes reads the indexes of t. A partial index makes nothing
// unique outside its WHERE: rows it does not cover may share a value, so it
// is no key and is left out.
func sqliteIndexes(ctx context.Context, db *DB, t *sweeper.Table) error {
	g := db.gorm.WithContext(ctx)
	var idx []struct {
		Name     string
		IsUnique int
		Origin   string
	}
	if err := g.Raw(`SELECT name, "unique" AS is_unique, origin FROM pragma_index_list(?) WHERE partial = 0`, t.Name).Scan(&idx).Error; err != nil {
		return fmt.Errorf("read indexes of %q: %w", t.Name, err)
	}
	for _, ix := range idx {
		if ix.Origin == "pk" {
			continue
		}
		var names []string
		if err := g.Raw(`SELECT name FROM pragma_index_info(?) ORDER BY seqno`, ix.Name).Scan(&names).Error; err != nil {
			return fmt.Errorf("read index %q: %w", ix.Name, err)
		}
		t.Indexes = append(t.Indexes, sweeper.Index{Name: ix.Name, Columns: names, Unique: ix.IsUnique == 1})
	}
	return nil
}

// lockLease is how long a lock row on SQLite stays valid without being
// renewed; a sweeper that crashed holds it no longer than that.
const lockLease = 2 * time.Minute

// tryLock takes a lock row: SQLite has no named locks. The row is leased
// and renewed while the lock is held.
func (sqliteDialect) tryLock(ctx context.Context, db *DB, name string) (func(), bool, error) {
	g := db.gorm.WithContext(ctx)
	if err := g.Exec(`CREATE TABLE IF NOT EXISTS sweeper_locks (name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at INTEGER NOT NULL)`).Error; err != nil {
		return nil, false, fmt.Errorf("create lock table sweeper_locks: %w", err)
	}
	holder := fmt.Sprintf("%d", time.Now().UnixNano())
	now := time.Now()
	res := g.Exec(`INSERT INTO sweeper_locks (name, holder, expires_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
		WHERE sweeper_locks.expires_at < ?`, name, holder, now.Add(lockLease).Unix(), now.Unix())
	if res.Error != nil {
		return nil, false, fmt.Errorf("take lock row %q: %w", name, res.Error)
	}
	if res.RowsAffected != 1 {
		return nil, false, nil
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(lockLease / 4)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				db.gorm.Exec(`UPDATE sweeper_locks SET expires_at = ? WHERE name = ? AND holder = ?`,
					time.Now().Add(lockLease).Unix(), name, holder)
			}
		}
	}()
	return func() {
		close(stop)
		<-done
		db.gorm.Exec(`DELETE FROM sweeper_locks WHERE name = ? AND holder = ?`, name, holder)
	}, true, nil
}

// references asks every table for its foreign keys: SQLite keeps them with
// the referring table only, and without their names.
func (sqliteDialect) references(ctx context.Context, db *DB, table string) ([]sweeper.ForeignKey, error) {
	g := db.gorm.WithContext(ctx)
	var tables []string
	if err := g.Raw(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).Scan(&tables).Error; err != nil {
		return nil, err
	}
	// A foreign key that names no columns refers to the primary key.
	var pk []string
	if err := g.Raw(`SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk`, table).Scan(&pk).Error; err != nil {
		return nil, err
	}
	var out []fkColumn
	for _, t := range tables {
		var refs []struct {
			ID       int
			Seq      int
			Parent   string
			FromCol  string
			ToCol    *string
			OnDelete string
			OnUpdate string
		}
		if err := g.Raw(`SELECT id, seq, "table" AS parent, "from" AS from_col, "to" AS to_col, on_delete, on_update
			FROM pragma_foreign_key_list(?) ORDER BY id, seq`, t).Scan(&refs).Error; err != nil {
			return nil, fmt.Errorf("read foreign keys of %q: %w", t, err)
		}
		for _, r := range refs {
			if !strings.EqualFold(r.Parent, table) {
				continue
			}
			to := ""
			if r.ToCol != nil {
				to = *r.ToCol
			} else if r.Seq < len(pk) {
				to = pk[r.Seq]
			}
			out = append(out, fkColumn{Name: fmt.Sprintf("%d", r.ID), Referring: t, Col: r.FromCol, RefCol: to,
				OnDelete: &r.OnDelete, OnUpdate: &r.OnUpdate})
		}
	}
	fks := groupForeignKeys(out)
	for i := range fks {
		fks[i].Name = ""
	}
	return fks, nil
}
