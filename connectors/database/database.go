// Package database connects the sweeper to the shop's database: MySQL and
// MariaDB (the target), SQLite through a pure-Go driver (so the binary stays
// static) and PostgreSQL. It implements sweeper.Store on gorm: connection
// settings every session needs (UTC, lock-wait timeout), schema
// introspection, the per-rule named lock, and each database's
// sweeper.Dialect. What differs between the databases is in mysql.go,
// postgres.go and sqlite.go; this file holds what they share.
package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"strings"
	"time"

	"go.uber.org/zap"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/sweeperd/sweeper/sweeper"
)

// Options tune a connection.
type Options struct {
	// LockWaitTimeout bounds how long one statement waits for a row lock.
	LockWaitTimeout time.Duration
	// Logger receives slow and failed statements, without their bound values.
	Logger *zap.Logger
	// Secrets are values that must never appear in an error, beside the
	// DSN's password: those ${NAME} put into the DSN.
	Secrets []string
}

// DB is an open shop database. It implements sweeper.Store.
type DB struct {
	gorm    *gorm.DB
	sql     *sql.DB
	dialect dialect
	// schema is the database name, part of lock names so that two shops on
	// one server do not block each other.
	schema string
	// target names the database, its host and user for errors: what the
	// operator needs to tell which login failed.
	target string
	red    redactor
}

var _ sweeper.Store = (*DB)(nil)

// dialect is one database's part of DB: the sweeper.Dialect the engine
// asks, and how the connector reads that database's schema, takes its
// named locks and tells its passing errors.
type dialect interface {
	sweeper.Dialect
	table(ctx context.Context, db *DB, name string) (*sweeper.Table, error)
	references(ctx context.Context, db *DB, table string) ([]sweeper.ForeignKey, error)
	// functionsQuery lists the stored functions; "" when there are none.
	functionsQuery() string
	// resultType reads the driver's name of a result column's type.
	resultType(name string) sweeper.ResultType
	tryLock(ctx context.Context, db *DB, name string) (release func(), ok bool, err error)
	retryable(err error) bool
	txOptions() *sql.TxOptions
	pool(db *sql.DB)
}

// conn is what Open needs to connect to one database.
type conn struct {
	dialector gorm.Dialector
	dialect   dialect
	schema    string
	target    string
}

// Open connects to the database. Its errors give the server's reason, the
// user, host and database, but never the password or another secret.
func Open(ctx context.Context, driver, dsn string, opt Options) (*DB, error) {
	if opt.LockWaitTimeout <= 0 {
		opt.LockWaitTimeout = 5 * time.Second
	}
	if opt.Logger == nil {
		opt.Logger = zap.NewNop()
	}
	password, public := dsnSecrets(driver, dsn)
	red := newRedactor(append([]string{password, dsn}, opt.Secrets...), public...)
	var (
		c   conn
		err error
	)
	switch driver {
	case "mysql", "mariadb":
		c, err = openMySQL(driver, dsn, opt, red)
	case "sqlite":
		c, err = openSQLite(dsn, opt)
	case "postgres":
		c, err = openPostgres(dsn, opt)
	default:
		err = configErrorf("database.driver %q is not supported (use mysql, sqlite or postgres)", driver)
	}
	if err != nil {
		return nil, err
	}
	// gorm.Open asks MySQL for its version: the first login happens here.
	g, err := gorm.Open(c.dialector, &gorm.Config{
		Logger:                 gormLogger{log: opt.Logger, slow: time.Second, red: red},
		SkipDefaultTransaction: true,
		DisableAutomaticPing:   true,
	})
	if err != nil {
		return nil, connectError(c.target, red, err)
	}
	sqlDB, err := g.DB()
	if err != nil {
		return nil, connectError(c.target, red, err)
	}
	c.dialect.pool(sqlDB)
	db := &DB{gorm: g, sql: sqlDB, dialect: c.dialect, schema: c.schema, target: c.target, red: red}
	if err := db.Ping(ctx); err != nil {
		sqlDB.Close()
		return nil, err
	}
	return db, nil
}

// poolOf sizes the pool of a server database.
func poolOf(db *sql.DB, conns int) {
	db.SetMaxOpenConns(conns)
	db.SetConnMaxLifetime(10 * time.Minute)
}

// configErrorf is a problem with the config's database settings, as
// opposed to a database that does not answer: retrying cannot help, and the
// command exits 2 naming the key.
func configErrorf(format string, a ...any) error {
	return &sweeper.ConfigError{Problems: []string{fmt.Sprintf(format, a...)}}
}

// redactDSNError keeps the error of a DSN that does not parse from echoing
// it: where the password is in it cannot be told.
func redactDSNError(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "@"); i >= 0 {
		return "the driver could not read it (the message is withheld because it may hold the password)"
	}
	return msg
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.sql.PingContext(ctx); err != nil {
		return connectError(db.target, db.red, err)
	}
	return nil
}

// connectError is a failed connection or login: the server's reason with
// the database, host and user that were tried, and what to check.
func connectError(target string, red redactor, err error) error {
	err = red.error(err)
	if hint := loginHint(err); hint != "" {
		return fmt.Errorf("connect to %s: %w; %s", target, err, hint)
	}
	return fmt.Errorf("connect to %s: %w", target, err)
}

// Close closes the connection pool.
func (db *DB) Close() error { return db.sql.Close() }

// Dialect implements sweeper.Store.
func (db *DB) Dialect() sweeper.Dialect { return db.dialect }

// Exec implements sweeper.Querier on the pool.
func (db *DB) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	return gormQuerier{db.gorm}.Exec(ctx, query, args...)
}

// Query implements sweeper.Querier on the pool.
func (db *DB) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return gormQuerier{db.gorm}.Query(ctx, query, args...)
}

// Tx implements sweeper.Store.
func (db *DB) Tx(ctx context.Context, fn func(tx sweeper.Querier) error) error {
	return db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return fn(gormQuerier{tx})
	}, db.dialect.txOptions())
}

// gormQuerier is the pool or a transaction. gorm turns the engine's ?
// placeholders into the database's own and a slice into a list of values,
// and its logger reports slow and failed statements without their values.
type gormQuerier struct{ g *gorm.DB }

func (q gormQuerier) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	res := q.g.WithContext(ctx).Exec(query, args...)
	return res.RowsAffected, res.Error
}

func (q gormQuerier) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return q.g.WithContext(ctx).Raw(query, args...).Rows()
}

// readCommitted is the isolation of every transaction on a server database:
// it keeps InnoDB from taking gap locks on rows a batch only looked at, so
// the shop's own inserts are not held up.
var readCommitted = &sql.TxOptions{Isolation: sql.LevelReadCommitted}

// Retryable implements sweeper.Store.
func (db *DB) Retryable(err error) bool { return db.dialect.retryable(err) }

// Table implements sweeper.Store.
func (db *DB) Table(ctx context.Context, name string) (*sweeper.Table, error) {
	return db.dialect.table(ctx, db, name)
}

// TryLock implements sweeper.Store with the database's own named locks, so
// that two sweepers on one database never run the same rule at once.
func (db *DB) TryLock(ctx context.Context, name string) (func(), bool, error) {
	return db.dialect.tryLock(ctx, db, name)
}

// sessionLock takes a lock that belongs to a session (MySQL's GET_LOCK,
// PostgreSQL's advisory locks): it keeps a connection of its own for as
// long as the rule runs. take asks for the lock without waiting; release
// gives it back before the connection goes back to the pool.
func (db *DB) sessionLock(ctx context.Context, what string, take func(*sql.Conn) (bool, error),
	release func(context.Context, *sql.Conn)) (func(), bool, error) {
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("take lock: %w", err)
	}
	got, err := take(conn)
	if err != nil {
		conn.Close()
		return nil, false, fmt.Errorf("take %s: %w", what, err)
	}
	if !got {
		conn.Close()
		return nil, false, nil
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		release(ctx, conn)
		conn.Close()
	}, true, nil
}

func (db *DB) lockName(name string) string {
	full := "sweeper:" + db.schema + ":" + name
	if len(full) > 64 { // MySQL's limit for lock names
		h := fnv.New64a()
		h.Write([]byte(full))
		full = fmt.Sprintf("sweeper:%x:%s", h.Sum64(), name)
		if len(full) > 64 {
			full = full[:64]
		}
	}
	return full
}

// Functions implements sweeper.Store.
func (db *DB) Functions(ctx context.Context) ([]string, error) {
	q := db.dialect.functionsQuery()
	if q == "" {
		return nil, nil
	}
	var names []string
	if err := db.gorm.WithContext(ctx).Raw(q).Scan(&names).Error; err != nil {
		return nil, fmt.Errorf("list stored functions: %w", err)
	}
	return names, nil
}

// ResultType implements sweeper.Store with the driver's column types: the
// server's own name for the type of the result.
func (db *DB) ResultType(ctx context.Context, query string) (sweeper.ResultType, error) {
	rows, err := db.gorm.WithContext(ctx).Raw(query).Rows()
	if err != nil {
		return sweeper.ResultType{}, err
	}
	defer rows.Close()
	cols, err := rows.ColumnTypes()
	if err != nil {
		return sweeper.ResultType{}, err
	}
	if len(cols) == 0 {
		return sweeper.ResultType{}, errors.New("the query has no result column")
	}
	return db.dialect.resultType(strings.ToLower(cols[0].DatabaseTypeName())), nil
}

// References implements sweeper.Store.
func (db *DB) References(ctx context.Context, table string) ([]sweeper.ForeignKey, error) {
	fks, err := db.dialect.references(ctx, db, table)
	if err != nil {
		return nil, err
	}
	for i := range fks {
		fks[i].OnDelete = strings.ToUpper(fks[i].OnDelete)
		fks[i].OnUpdate = strings.ToUpper(fks[i].OnUpdate)
	}
	return fks, nil
}

// fkColumn is one column of a foreign key as the catalogs list them, in
// the order of the key's columns.
type fkColumn struct {
	Name      string
	Referring string // the referring table
	Col       string
	RefCol    string
	OnDelete  *string
	OnUpdate  *string
}

// groupForeignKeys makes one ForeignKey of the consecutive columns of each
// constraint.
func groupForeignKeys(cols []fkColumn) []sweeper.ForeignKey {
	var fks []sweeper.ForeignKey
	for i, c := range cols {
		if i == 0 || c.Name != cols[i-1].Name || c.Referring != cols[i-1].Referring {
			fk := sweeper.ForeignKey{Name: c.Name, Table: c.Referring}
			if c.OnDelete != nil {
				fk.OnDelete = *c.OnDelete
			}
			if c.OnUpdate != nil {
				fk.OnUpdate = *c.OnUpdate
			}
			fks = append(fks, fk)
		}
		fk := &fks[len(fks)-1]
		fk.Columns = append(fk.Columns, c.Col)
		fk.RefColumns = append(fk.RefColumns, c.RefCol)
	}
	return fks
}

// gormLogger sends gorm's slow and failed statements to zap without their
// bound values: those are personal data.
type gormLogger struct {
	log  *zap.Logger
	slow time.Duration
	red  redactor
}

func (l gormLogger) LogMode(logger.LogLevel) logger.Interface      { return l }
func (l gormLogger) Info(context.Context, string, ...interface{})  {}
func (l gormLogger) Warn(context.Context, string, ...interface{})  {}
func (l gormLogger) Error(context.Context, string, ...interface{}) {}
func (l gormLogger) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	elapsed := time.Since(begin)
	if err == nil && elapsed < l.slow {
		return
	}
	if err != nil && (errors.Is(err, gorm.ErrRecordNotFound) || errors.Is(err, context.Canceled)) {
		return
	}
	// fc renders the SQL with its values; only the elapsed time and row count are kept.
	_, rows := fc()
	if err != nil {
		l.log.Debug("statement failed", zap.String("event", "db.error"), zap.Int64("rows", rows),
			zap.Int64("duration_ms", elapsed.Milliseconds()), zap.Error(sweeper.ScrubError(l.red.error(err))))
		return
	}
	l.log.Info("slow statement", zap.String("event", "db.slow"), zap.Int64("rows", rows),
		zap.Int64("duration_ms", elapsed.Milliseconds()))
}

// driverLogger takes the MySQL driver's messages ("closing bad idle
// connection", "unexpected EOF") into the JSON log at debug level.
type driverLogger struct {
	log *zap.Logger
	red redactor
}

func (l driverLogger) Print(v ...any) {
	if l.log == nil {
		return
	}
	l.log.Debug("database driver", zap.String("event", "db.driver"), zap.String("message", l.red.text(fmt.Sprint(v...))))
}

// shared is the part of sweeper.Dialect the databases spell alike; each
// dialect overrides what it spells its own way.
type shared struct{}

// Text implements sweeper.Dialect.
func (shared) Text(expr string) string { return "CAST(" + expr + " AS TEXT)" }

// Concat implements sweeper.Dialect with SQL's ||.
func (s shared) Concat(parts ...string) string {
	out := make([]string, len(parts))
	for i, p := range parts {
		out[i] = p
		if !strings.HasPrefix(p, "'") {
			out[i] = s.Text(p)
		}
	}
	return strings.Join(out, " || ")
}

// ForUpdate implements sweeper.Dialect.
func (shared) ForUpdate() string { return " FOR UPDATE" }

// RowsIn implements sweeper.Dialect with a list of row values, which MySQL,
// MariaDB and PostgreSQL read as a range over an index on the columns.
func (shared) RowsIn(cols []string, n int) string {
	return "(" + strings.Join(cols, ", ") + ") IN (" + rowPlaceholders(len(cols), n) + ")"
}

// rowPlaceholders writes n rows of width placeholders: (?, ?), (?, ?).
func rowPlaceholders(width, n int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", width), ", ") + ")"
	return strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}

// Explain implements sweeper.Dialect.
func (shared) Explain(stmt string) string { return "EXPLAIN " + stmt }

// SplitCount implements sweeper.Dialect: PostgreSQL splits a big scan
// across workers itself, and SQLite has one connection.
func (shared) SplitCount(context.Context, sweeper.Querier, string, []any) bool { return false }

// auditColumns are the audit table's columns after id, with at of type
// atType. The table has no secondary index: every index costs each sweep a
// B-tree insert per audited row, the row_key one a scattered one (keys sort
// as text), and on a million-row sweep that was a quarter to a third of
// its time. The queries it would serve (by key, rule, time or run) are an
// operator's, rare, and scan; a shop that runs them often adds the index it
// needs.
func auditColumns(atType string) string {
	return fmt.Sprintf(`run_id VARCHAR(32) NOT NULL, at %s NOT NULL, rule VARCHAR(64) NOT NULL,
		table_name VARCHAR(64) NOT NULL, row_key VARCHAR(191) NOT NULL, action VARCHAR(16) NOT NULL,
		detail VARCHAR(1024) NOT NULL DEFAULT '', parent_key VARCHAR(191)`, atType)
}

// CreateRemindersTable implements sweeper.Dialect.
func (shared) CreateRemindersTable(table string) string {
	return fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s (rule VARCHAR(64) NOT NULL, row_key VARCHAR(191) NOT NULL,
		age_value VARCHAR(40) NOT NULL, state VARCHAR(10) NOT NULL, run_id VARCHAR(32) NOT NULL,
		claimed_at VARCHAR(26) NOT NULL, sent_at VARCHAR(26) NULL, PRIMARY KEY (rule, row_key))`, table)
}

// CreateFilesTable implements sweeper.Dialect.
func (shared) CreateFilesTable(table string) string {
	return fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s (rule VARCHAR(64) NOT NULL, row_key VARCHAR(191) NOT NULL,
		path VARCHAR(1024) NOT NULL, created_at VARCHAR(26) NOT NULL, PRIMARY KEY (rule, row_key))`, table)
}

// CreateHoldsTable implements sweeper.Dialect. subject_int repeats an
// integer key as a number, which a hold's condition compares with the
// shop's integer columns without a cast, and so by their indexes.
func (shared) CreateHoldsTable(table string) string {
	return fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s (subject_key VARCHAR(191) NOT NULL PRIMARY KEY, subject_int BIGINT NULL,
		reason VARCHAR(1024) NOT NULL, placed_at VARCHAR(26) NOT NULL, until_at VARCHAR(26) NULL, run_id VARCHAR(32) NOT NULL)`, table)
}

// CreateRunsTable implements sweeper.Dialect.
func (shared) CreateRunsTable(table string) string {
	return fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s (rule VARCHAR(64) NOT NULL PRIMARY KEY, run_id VARCHAR(32) NOT NULL,
		last_success VARCHAR(26) NOT NULL)`, table)
}
