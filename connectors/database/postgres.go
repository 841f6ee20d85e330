package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/driver/postgres"

	"github.com/sweeperd/sweeper/sweeper"
)

// postgresDialect is PostgreSQL.
type postgresDialect struct{ shared }

// openPostgres prepares a connection to PostgreSQL.
func openPostgres(dsn string, opt Options) (conn, error) {
	pcfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return conn{}, configErrorf("database.dsn is not a PostgreSQL connection string (postgres://user:password@host:5432/shop)")
	}
	if pcfg.RuntimeParams == nil {
		pcfg.RuntimeParams = map[string]string{}
	}
	pcfg.RuntimeParams["timezone"] = "UTC"
	pcfg.RuntimeParams["lock_timeout"] = fmt.Sprint(opt.LockWaitTimeout.Milliseconds())
	return conn{
		dialector: postgres.New(postgres.Config{Conn: stdlib.OpenDB(*pcfg)}),
		dialect:   postgresDialect{},
		schema:    pcfg.Database,
		target:    fmt.Sprintf("postgres database %q at %s:%d as user %q", pcfg.Database, pcfg.Host, pcfg.Port, pcfg.User),
	}, nil
}

// Quote implements sweeper.Dialect. gorm's PostgreSQL quoting reads "a.b"
// as schema a, table b; the names here are single identifiers, as table
// looked them up.
func (postgresDialect) Quote(ident string) string {
	return `"` + strings.ReplaceAll(ident, `"`, `""`) + `"`
}

// TimeKind implements sweeper.Dialect.
func (postgresDialect) TimeKind(typ string) sweeper.TimeKind {
	switch typ {
	case "timestamp", "timestamp without time zone":
		return sweeper.TimeWall
	case "timestamptz", "timestamp with time zone":
		return sweeper.TimeInstant
	case "date":
		return sweeper.TimeDate
	}
	return sweeper.TimeNone
}

// IntegerType implements sweeper.Dialect, with the catalog's type names.
func (postgresDialect) IntegerType(typ string) bool {
	switch typ {
	case "smallint", "int", "integer", "bigint", "int2", "int4", "int8":
		return true
	}
	return false
}

// BinaryType implements sweeper.Dialect.
func (postgresDialect) BinaryType(typ string) bool { return typ == "bytea" }

// Hex implements sweeper.Dialect.
func (postgresDialect) Hex(expr string) string { return "encode(" + expr + ", 'hex')" }

// CreateAuditTable implements sweeper.Dialect. `at` keeps microseconds.
func (postgresDialect) CreateAuditTable(table string) string {
	return fmt.Sprintf("CREATE TABLE %s (id BIGSERIAL PRIMARY KEY, %s)", table, auditColumns("TIMESTAMP(6)"))
}

func (postgresDialect) txOptions() *sql.TxOptions { return readCommitted }

func (postgresDialect) pool(db *sql.DB) { poolOf(db, 8) }

// retryable: a deadlock, a lock-wait timeout (lock_timeout), a
// serialization failure.
func (postgresDialect) retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "55P03" || pe.Code == "40001")
}

// functionsQuery: PostgreSQL's own functions live in pg_catalog and read no
// table of the shop.
func (postgresDialect) functionsQuery() string {
	return `SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
			WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')`
}

func (postgresDialect) resultType(name string) sweeper.ResultType {
	// pgx gives a type it does not know by its OID.
	if name == "" || strings.Trim(name, "0123456789") == "" {
		return sweeper.ResultType{Name: name, Unknown: true}
	}
	switch name {
	case "text", "varchar", "bpchar", "name", "unknown", "json", "jsonb", "bytea":
		return sweeper.ResultType{Name: name, Unknown: true}
	}
	return sweeper.ResultType{Name: name}
}

// tryLock takes a session advisory lock.
func (postgresDialect) tryLock(ctx context.Context, db *DB, name string) (func(), bool, error) {
	h := fnv.New64a()
	h.Write([]byte(db.lockName(name)))
	key := int64(h.Sum64())
	return db.sessionLock(ctx, "advisory lock", func(conn *sql.Conn) (bool, error) {
		var got bool
		err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1)", key).Scan(&got)
		return got, err
	}, func(ctx context.Context, conn *sql.Conn) {
		conn.ExecContext(ctx, "SELECT pg_advisory_unlock($1)", key)
	})
}

// table reads a table from PostgreSQL's catalog. gorm's PostgreSQL
// migrator is not used: it reads "a.b" as table b of schema a, so a rule
// could reach another schema; it reads keys from information_schema, which
// hides the constraints of tables a SELECT-only user (plan) does not own;
// it leaves out indexes that back a UNIQUE constraint, counts a partial
// unique index as making its column unique (it does not: rows outside the
// predicate may share a value), and lists index columns in table order
// rather than index order.
func (postgresDialect) table(ctx context.Context, db *DB, name string) (*sweeper.Table, error) {
	g := db.gorm.WithContext(ctx)
	// The table the sweeper's unqualified SQL reaches: name is one quoted
	// identifier, looked up along the session's search_path. Views and other
	// relations are not tables to sweep.
	var oids []int64
	if err := g.Raw(`SELECT c.oid FROM pg_class c WHERE c.oid = to_regclass(quote_ident(?)) AND c.relkind IN ('r', 'p')`, name).
		Scan(&oids).Error; err != nil {
		return nil, fmt.Errorf("read schema: %w", err)
	}
	if len(oids) == 0 {
		return nil, fmt.Errorf("%q: %w", name, sweeper.ErrNoTable)
	}
	t := &sweeper.Table{Name: name}
	if err := postgresColumns(ctx, db, oids[0], t); err != nil {
		return nil, err
	}
	if err := postgresIndexes(ctx, db, oids[0], t); err != nil {
		return nil, err
	}
	return t, nil
}

// postgresColumns reads the columns of the table with oid. A column of a
// domain type has the domain's base type, and its length and NOT NULL, as
// information_schema.columns reports them.
func postgresColumns(ctx context.Context, db *DB, oid int64, t *sweeper.Table) error {
	var cols []struct {
		Name    string
		Type    string
		NotNull bool
		Length  *int64
	}
	if err := db.gorm.WithContext(ctx).Raw(`SELECT a.attname AS name,
			CASE WHEN t.typtype = 'd' THEN bt.typname ELSE t.typname END AS type,
			a.attnotnull OR COALESCE(t.typnotnull, false) AS not_null,
			information_schema._pg_char_max_length(information_schema._pg_truetypid(a.*, t.*), information_schema._pg_truetypmod(a.*, t.*)) AS length
		FROM pg_attribute a
		JOIN pg_type t ON t.oid = a.atttypid
		LEFT JOIN pg_type bt ON bt.oid = t.typbasetype
		WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped
		ORDER BY a.attnum`, oid).Scan(&cols).Error; err != nil {
		return fmt.Errorf("read columns of %q: %w", t.Name, err)
	}
	for _, c := range cols {
		col := sweeper.Column{Name: c.Name, Type: strings.ToLower(c.Type), Nullable: !c.NotNull}
		if c.Length != nil && *c.Length > 0 && *c.Length < math.MaxInt32 {
			col.Length = *c.Length
		}
		t.Columns = append(t.Columns, col)
	}
	return nil
}

// postgresIndexes reads the primary key and indexes of the table with oid:
// key columns in index order, without INCLUDE columns. Indexes with an
// expression or a predicate are left out: they neither make a column
// unique nor serve a plain range scan on it. Nor do invalid ones, left by
// a failed CREATE INDEX CONCURRENTLY.
func postgresIndexes(ctx context.Context, db *DB, oid int64, t *sweeper.Table) error {
	var idx []struct {
		Name    string
		Unique  bool
		Primary bool
		Column  string
	}
	if err := db.gorm.WithContext(ctx).Raw(`SELECT ic.relname AS name, i.indisunique AS "unique", i.indisprimary AS "primary", a.attname AS "column"
		FROM pg_index i
		JOIN pg_class ic ON ic.oid = i.indexrelid
		CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
		JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
		WHERE i.indrelid = ? AND i.indisvalid AND i.indpred IS NULL AND i.indexprs IS NULL AND k.ord <= i.indnkeyatts
		ORDER BY ic.relname, k.ord`, oid).Scan(&idx).Error; err != nil {
		return fmt.Errorf("read indexes of %q: %w", t.Name, err)
	}
	for _, r := range idx {
		if r.Primary {
			t.PrimaryKey = append(t.PrimaryKey, r.Column)
			continue
		}
		if n := len(t.Indexes); n > 0 && t.Indexes[n-1].Name == r.Name {
			t.Indexes[n-1].Columns = append(t.Indexes[n-1].Columns, r.Column)
			continue
		}
		t.Indexes = append(t.Indexes, sweeper.Index{Name: r.Name, Columns: []string{r.Column}, Unique: r.Unique})
	}
	return nil
}

// references reads pg_catalog, which every user may read whatever its
// grants. A constraint of a partition copies its partitioned table's; only
// the table's own is listed.
func (postgresDialect) references(ctx context.Context, db *DB, table string) ([]sweeper.ForeignKey, error) {
	var cols []fkColumn
	err := db.gorm.WithContext(ctx).Raw(`SELECT c.conname AS name,
			CASE WHEN pg_table_is_visible(r.oid) THEN r.relname ELSE n.nspname || '.' || r.relname END AS referring,
			a.attname AS col, fa.attname AS ref_col,
			CASE c.confdeltype WHEN 'r' THEN 'RESTRICT' WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL'
				WHEN 'd' THEN 'SET DEFAULT' ELSE 'NO ACTION' END AS on_delete,
			CASE c.confupdtype WHEN 'r' THEN 'RESTRICT' WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL'
				WHEN 'd' THEN 'SET DEFAULT' ELSE 'NO ACTION' END AS on_update
		FROM pg_constraint c
		JOIN pg_class r ON r.oid = c.conrelid
		JOIN pg_namespace n ON n.oid = r.relnamespace
		CROSS JOIN LATERAL unnest(c.conkey, c.confkey) WITH ORDINALITY AS k(attnum, refnum, ord)
		JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
		JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = k.refnum
		WHERE c.contype = 'f' AND c.conparentid = 0 AND c.confrelid = to_regclass(quote_ident(?))
		ORDER BY 2, 1, k.ord`, table).Scan(&cols).Error
	if err != nil {
		return nil, err
	}
	return groupForeignKeys(cols), nil
}
