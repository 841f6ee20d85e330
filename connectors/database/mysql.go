package database

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"time"

	gomysql "github.com/go-sql-driver/mysql"
	"gorm.io/driver/mysql"

	"github.com/sweeperd/sweeper/sweeper"
)

// mysqlDialect is MySQL and MariaDB.
type mysqlDialect struct{ shared }

// openMySQL prepares a connection to MySQL or MariaDB (driver names which,
// for errors).
func openMySQL(driver, dsn string, opt Options, red redactor) (conn, error) {
	cfg, err := gomysql.ParseDSN(dsn)
	if err != nil {
		return conn{}, configErrorf("database.dsn is not a MySQL DSN (user:password@tcp(host:3306)/shop): %s", redactDSNError(err))
	}
	if cfg.DBName == "" {
		return conn{}, configErrorf("database.dsn names no database: add it after the slash, e.g. user:password@tcp(host:3306)/shop")
	}
	// Every session in UTC, so that TIMESTAMP columns, NOW() and
	// FROM_UNIXTIME() in age_sql mean the same on every server.
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	if cfg.Params == nil {
		cfg.Params = map[string]string{}
	}
	cfg.Params["time_zone"] = "'+00:00'"
	cfg.Params["innodb_lock_wait_timeout"] = fmt.Sprint(int(math.Max(1, math.Ceil(opt.LockWaitTimeout.Seconds()))))
	// One round trip per statement instead of prepare/execute/close; the
	// driver escapes the values itself and refuses charsets where that is unsafe.
	cfg.InterpolateParams = true
	// Affected rows are the rows an UPDATE matched, as in SQLite and
	// PostgreSQL, so the engine can check that a batch touched exactly
	// the rows it locked, even those already holding the new value.
	cfg.ClientFoundRows = true
	if cfg.Timeout == 0 {
		cfg.Timeout = 10 * time.Second
	}
	// The driver's own logger writes plain lines to stderr, in the
	// middle of the JSON log; what it says comes back as an error too.
	cfg.Logger = driverLogger{log: opt.Logger, red: red}
	connector, err := gomysql.NewConnector(cfg)
	if err != nil {
		return conn{}, configErrorf("database.dsn: %s", redactDSNError(err))
	}
	return conn{
		dialector: mysql.New(mysql.Config{Conn: sql.OpenDB(connector), SkipInitializeWithVersion: false}),
		dialect:   mysqlDialect{},
		schema:    cfg.DBName,
		target:    fmt.Sprintf("%s database %q at %s as user %q", driver, cfg.DBName, cfg.Addr, cfg.User),
	}, nil
}

// Quote implements sweeper.Dialect with backticks.
func (mysqlDialect) Quote(ident string) string {
	var b strings.Builder
	mysql.Dialector{}.QuoteTo(&b, ident)
	return b.String()
}

// Text implements sweeper.Dialect: MySQL casts to CHAR, not TEXT.
func (mysqlDialect) Text(expr string) string { return "CAST(" + expr + " AS CHAR)" }

// Concat implements sweeper.Dialect: || is OR in MySQL.
func (mysqlDialect) Concat(parts ...string) string {
	return "CONCAT(" + strings.Join(parts, ", ") + ")"
}

// TimeKind implements sweeper.Dialect.
func (mysqlDialect) TimeKind(typ string) sweeper.TimeKind {
	switch typ {
	case "datetime":
		return sweeper.TimeWall
	case "timestamp":
		return sweeper.TimeInstant
	case "date":
		return sweeper.TimeDate
	}
	return sweeper.TimeNone
}

// IntegerType implements sweeper.Dialect.
func (mysqlDialect) IntegerType(typ string) bool {
	switch strings.TrimSpace(strings.TrimSuffix(typ, " unsigned")) {
	case "tinyint", "smallint", "mediumint", "int", "integer", "bigint":
		return true
	}
	return false
}

// BinaryType implements sweeper.Dialect.
func (mysqlDialect) BinaryType(typ string) bool {
	switch typ {
	case "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob":
		return true
	}
	return false
}

// Hex implements sweeper.Dialect.
func (mysqlDialect) Hex(expr string) string { return "LOWER(HEX(" + expr + "))" }

// SplitCount implements sweeper.Dialect: MariaDB and MySQL give a statement
// one core, so a count that reads the table's rows is quicker in parts. One
// the server answers from an index alone ("Using index") stays whole: every
// part would walk the whole index range again. EXPLAIN of a view needs SHOW
// VIEW, which a read-only user may lack: then it stays whole too.
func (mysqlDialect) SplitCount(ctx context.Context, q sweeper.Querier, count string, args []any) bool {
	rows, err := q.Query(ctx, "EXPLAIN "+count, args...)
	if err != nil {
		return false
	}
	defer rows.Close()
	cols, err := rows.Columns()
	extra := slices.IndexFunc(cols, func(c string) bool { return strings.EqualFold(c, "Extra") })
	if err != nil || extra < 0 || !rows.Next() {
		return false
	}
	vals := make([]sql.NullString, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		return false
	}
	for _, e := range strings.Split(vals[extra].String, ";") {
		if strings.TrimSpace(e) == "Using index" {
			return false
		}
	}
	return true
}

// CreateAuditTable implements sweeper.Dialect. `at` keeps microseconds.
func (mysqlDialect) CreateAuditTable(table string) string {
	return fmt.Sprintf("CREATE TABLE %s (`id` BIGINT NOT NULL AUTO_INCREMENT, %s, PRIMARY KEY (`id`))",
		table, auditColumns("DATETIME(6)"))
}

func (mysqlDialect) txOptions() *sql.TxOptions { return readCommitted }

func (mysqlDialect) pool(db *sql.DB) { poolOf(db, 8) }

func (mysqlDialect) retryable(err error) bool {
	var me *gomysql.MySQLError
	return errors.As(err, &me) && (me.Number == 1205 || me.Number == 1213) // lock wait timeout, deadlock
}

func (mysqlDialect) functionsQuery() string {
	return `SELECT ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_TYPE = 'FUNCTION'`
}

func (mysqlDialect) resultType(name string) sweeper.ResultType {
	switch name {
	case "", "null", "char", "varchar", "tinytext", "text", "mediumtext", "longtext", "json",
		"binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob", "enum", "set":
		return sweeper.ResultType{Name: name, Unknown: true}
	}
	return sweeper.ResultType{Name: name}
}

// table reads a table through gorm's MySQL migrator and information_schema.
func (d mysqlDialect) table(ctx context.Context, db *DB, name string) (*sweeper.Table, error) {
	g := db.gorm.WithContext(ctx)
	m := g.Migrator()
	if !m.HasTable(name) {
		if err := db.Ping(ctx); err != nil {
			return nil, err
		}
		return nil, d.missing(ctx, db, name)
	}
	cols, err := m.ColumnTypes(name)
	if err != nil {
		return nil, fmt.Errorf("read columns of %q: %w", name, err)
	}
	var auto []string
	if err := g.Raw(`SELECT COLUMN_NAME FROM information_schema.COLUMNS
		WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND LOWER(EXTRA) LIKE '%on update%'`, name).Scan(&auto).Error; err != nil {
		return nil, fmt.Errorf("read columns of %q: %w", name, err)
	}
	t := &sweeper.Table{Name: name}
	for _, c := range cols {
		col := sweeper.Column{Name: c.Name(), Type: strings.ToLower(c.DatabaseTypeName())}
		col.AutoUpdate = slices.ContainsFunc(auto, func(a string) bool { return strings.EqualFold(a, c.Name()) })
		if n, ok := c.Nullable(); ok {
			col.Nullable = n
		} else {
			col.Nullable = true
		}
		if l, ok := c.Length(); ok && l > 0 && l < math.MaxInt32 {
			col.Length = l
		}
		if pk, ok := c.PrimaryKey(); ok && pk {
			t.PrimaryKey = append(t.PrimaryKey, c.Name())
			col.Nullable = false
		}
		t.Columns = append(t.Columns, col)
	}
	idx, err := m.GetIndexes(name)
	if err != nil {
		return nil, fmt.Errorf("read indexes of %q: %w", name, err)
	}
	for _, ix := range idx {
		u, _ := ix.Unique()
		if pk, ok := ix.PrimaryKey(); ok && pk {
			if len(t.PrimaryKey) == 0 {
				t.PrimaryKey = ix.Columns()
			}
			continue
		}
		t.Indexes = append(t.Indexes, sweeper.Index{Name: ix.Name(), Columns: ix.Columns(), Unique: u})
	}
	return t, nil
}

// missing is the error for a table information_schema does not show: it
// does not exist, or the database user has no privilege on it, which MySQL
// tells by denying a query on it (and does not say whether it exists).
func (d mysqlDialect) missing(ctx context.Context, db *DB, name string) error {
	err := db.gorm.WithContext(ctx).Exec("SELECT 1 FROM " + d.Quote(name) + " LIMIT 0").Error
	var me *gomysql.MySQLError
	if errors.As(err, &me) && me.Number == erTableAccessDenied {
		return fmt.Errorf("the database user has no privilege on table %q, so the server does not say whether it exists (%s); "+
			"run GRANT SELECT ON %s.* for the sweeper's user (see the GRANTs in README)", name, me.Message, d.Quote(db.schema))
	}
	return fmt.Errorf("%q: %w", name, sweeper.ErrNoTable)
}

// tryLock takes a GET_LOCK named lock.
func (mysqlDialect) tryLock(ctx context.Context, db *DB, name string) (func(), bool, error) {
	lock := db.lockName(name)
	return db.sessionLock(ctx, fmt.Sprintf("lock %q", lock), func(conn *sql.Conn) (bool, error) {
		var got sql.NullInt64
		err := conn.QueryRowContext(ctx, "SELECT GET_LOCK(?, 0)", lock).Scan(&got)
		return got.Int64 == 1, err
	}, func(ctx context.Context, conn *sql.Conn) {
		conn.ExecContext(ctx, "DO RELEASE_LOCK(?)", lock)
	})
}

// references reads the foreign keys from information_schema, which shows a
// user only the tables it has a privilege on: it first makes sure the user
// sees them all. MariaDB shows a constraint's rules only to a user with
// more than SELECT on its table (KEY_COLUMN_USAGE needs SELECT,
// REFERENTIAL_CONSTRAINTS more); the rules of the others are read from
// SHOW CREATE TABLE, which needs SELECT.
func (d mysqlDialect) references(ctx context.Context, db *DB, table string) ([]sweeper.ForeignKey, error) {
	if err := d.seesWholeSchema(ctx, db); err != nil {
		return nil, err
	}
	var cols []struct {
		Name     string
		Schema   string
		Tbl      string
		Col      string
		RefCol   string
		OnDelete *string
		OnUpdate *string
	}
	err := db.gorm.WithContext(ctx).Raw(`SELECT k.CONSTRAINT_NAME AS name, k.TABLE_SCHEMA AS `+"`schema`"+`, k.TABLE_NAME AS tbl,
			k.COLUMN_NAME AS col, k.REFERENCED_COLUMN_NAME AS ref_col, r.DELETE_RULE AS on_delete, r.UPDATE_RULE AS on_update
		FROM information_schema.KEY_COLUMN_USAGE k
		LEFT JOIN information_schema.REFERENTIAL_CONSTRAINTS r
		  ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME
		WHERE k.REFERENCED_TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME = ?
		ORDER BY k.TABLE_SCHEMA, k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`, table).Scan(&cols).Error
	if err != nil {
		return nil, err
	}
	flat := make([]fkColumn, len(cols))
	for i, c := range cols {
		flat[i] = fkColumn{Name: c.Name, Referring: c.Tbl, Col: c.Col, RefCol: c.RefCol, OnDelete: c.OnDelete, OnUpdate: c.OnUpdate}
		if c.Schema != db.schema {
			flat[i].Referring = c.Schema + "." + c.Tbl
		}
	}
	fks := groupForeignKeys(flat)
	for i := range fks {
		if fks[i].OnDelete != "" && fks[i].OnUpdate != "" {
			continue
		}
		schema, tbl, ok := strings.Cut(fks[i].Table, ".")
		if !ok {
			schema, tbl = db.schema, fks[i].Table
		}
		fks[i].OnDelete, fks[i].OnUpdate, err = d.rules(ctx, db, schema, tbl, fks[i].Name)
		if err != nil {
			return nil, err
		}
	}
	return fks, nil
}

// seesWholeSchema fails unless the database user may read every table of
// the database, which is what makes information_schema show it every
// table's foreign keys. The server tells it by its answer on a table that
// does not exist: "doesn't exist" to a user with SELECT on the whole
// database (or on every database), "command denied" to a user whose grants
// are on single tables, roles included, as it cannot tell such a user
// which tables exist.
func (d mysqlDialect) seesWholeSchema(ctx context.Context, db *DB) error {
	b := make([]byte, 8)
	rand.Read(b)
	probe := "sweeper_probe_" + hex.EncodeToString(b)
	err := db.gorm.WithContext(ctx).Exec("SELECT 1 FROM " + d.Quote(probe) + " LIMIT 0").Error
	var me *gomysql.MySQLError
	switch {
	case errors.As(err, &me) && me.Number == erNoSuchTable:
		return nil
	case errors.As(err, &me) && me.Number == erTableAccessDenied:
		return fmt.Errorf("the database user cannot see every table of %q, and so not every foreign key (the server says: %s); "+
			"run GRANT SELECT ON %s.* for the sweeper's user (see the GRANTs in README)", db.schema, me.Message, d.Quote(db.schema))
	case err != nil:
		return fmt.Errorf("find out whether the database user sees every table: %w", err)
	default:
		return fmt.Errorf("find out whether the database user sees every table: a table named %q exists", probe)
	}
}

// MySQL's error numbers for a missing table and for a table the user has
// no privilege on.
const (
	erNoSuchTable       = 1146
	erTableAccessDenied = 1142
)

// rules reads a constraint's ON DELETE and ON UPDATE rules from SHOW
// CREATE TABLE, which leaves out a rule that is the default (RESTRICT).
func (d mysqlDialect) rules(ctx context.Context, db *DB, schema, table, constraint string) (onDelete, onUpdate string, err error) {
	rows, err := db.gorm.WithContext(ctx).Raw("SHOW CREATE TABLE " + d.Quote(schema) + "." + d.Quote(table)).Rows()
	if err != nil {
		return "", "", fmt.Errorf("read constraint %q of %q: %w", constraint, table, err)
	}
	defer rows.Close()
	var name, create string
	if rows.Next() {
		err = rows.Scan(&name, &create)
	}
	if err == nil {
		err = rows.Err()
	}
	if err != nil {
		return "", "", fmt.Errorf("read constraint %q of %q: %w", constraint, table, err)
	}
	head := "CONSTRAINT " + d.Quote(constraint) + " FOREIGN KEY"
	for _, line := range strings.Split(create, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, head) {
			continue
		}
		// Names are quoted with backticks; what they hold is no rule.
		clause := backticked.ReplaceAllString(line, "``")
		return fkRule(clause, "ON DELETE"), fkRule(clause, "ON UPDATE"), nil
	}
	return "", "", fmt.Errorf("read constraint %q of %q: SHOW CREATE TABLE does not show it", constraint, table)
}

var backticked = regexp.MustCompile("`(?:[^`]|``)*`")

// fkRule finds the rule after on ("ON DELETE") in a foreign key's clause.
func fkRule(clause, on string) string {
	_, rest, ok := strings.Cut(clause, on+" ")
	if !ok {
		return "RESTRICT"
	}
	for _, r := range []string{"RESTRICT", "CASCADE", "SET NULL", "NO ACTION", "SET DEFAULT"} {
		if strings.HasPrefix(rest, r) {
			return r
		}
	}
	return rest
}
