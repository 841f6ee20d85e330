// Package database connects the sweeper to the shop's database: MySQL and
// MariaDB (the target), SQLite through a pure-Go driver (so the binary stays
// static) and PostgreSQL. It implements sweeper.Store on gorm: connection
// settings every session needs (UTC, lock-wait timeout), identifier quoting,
// schema introspection, the per-rule named lock and the audit table.
package database

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	gomysql "github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"go.uber.org/zap"
	"gorm.io/driver/mysql"
	"gorm.io/driver/postgres"
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
	dialect sweeper.Dialect
	// schema is the database name, part of lock names so that two shops on
	// one server do not block each other.
	schema string
	// target names the database, its host and user for errors: what the
	// operator needs to tell which login failed.
	target string
	red    redactor
}

var _ sweeper.Store = (*DB)(nil)

// Open connects to the database. Its errors give the server's reason, the
// user, host and database, but never the password or another secret.
func Open(ctx context.Context, driver, dsn string, opt Options) (*DB, error) {
	if opt.LockWaitTimeout <= 0 {
		opt.LockWaitTimeout = 5 * time.Second
	}
	if opt.Logger == nil {
		opt.Logger = zap.NewNop()
	}
	var (
		dialector gorm.Dialector
		dialect   sweeper.Dialect
		schema    string
		target    string
	)
	password, public := dsnSecrets(driver, dsn)
	red := newRedactor(append([]string{password, dsn}, opt.Secrets...), public...)
	gcfg := &gorm.Config{
		Logger:                 gormLogger{log: opt.Logger, slow: time.Second, red: red},
		SkipDefaultTransaction: true,
		DisableAutomaticPing:   true,
	}
	switch driver {
	case "mysql", "mariadb":
		cfg, err := gomysql.ParseDSN(dsn)
		if err != nil {
			return nil, configErrorf("database.dsn is not a MySQL DSN (user:password@tcp(host:3306)/shop): %s", redactDSNError(err))
		}
		if cfg.DBName == "" {
			return nil, configErrorf("database.dsn names no database: add it after the slash, e.g. user:password@tcp(host:3306)/shop")
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
		schema = cfg.DBName
		target = fmt.Sprintf("%s database %q at %s as user %q", driver, cfg.DBName, cfg.Addr, cfg.User)
		connector, err := gomysql.NewConnector(cfg)
		if err != nil {
			return nil, configErrorf("database.dsn: %s", redactDSNError(err))
		}
		dialector = mysql.New(mysql.Config{Conn: sql.OpenDB(connector), SkipInitializeWithVersion: false})
		dialect = sweeper.MySQL
	case "sqlite":
		path, params, _ := strings.Cut(dsn, "?")
		q, err := url.ParseQuery(params)
		if err != nil {
			return nil, configErrorf("database.dsn: bad query string after the file name: %v", err)
		}
		// Writers take the lock when the transaction begins, not on their
		// first write: an upgrade from a read lock can fail without waiting.
		if q.Get("_txlock") == "" {
			q.Set("_txlock", "immediate")
		}
		q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", opt.LockWaitTimeout.Milliseconds()))
		dialector = sqlite.Open(path + "?" + q.Encode())
		dialect = sweeper.SQLite
		schema = path
		target = fmt.Sprintf("sqlite database %q", path)
	case "postgres":
		pcfg, err := pgx.ParseConfig(dsn)
		if err != nil {
			return nil, configErrorf("database.dsn is not a PostgreSQL connection string (postgres://user:password@host:5432/shop)")
		}
		if pcfg.RuntimeParams == nil {
			pcfg.RuntimeParams = map[string]string{}
		}
		pcfg.RuntimeParams["timezone"] = "UTC"
		pcfg.RuntimeParams["lock_timeout"] = fmt.Sprint(opt.LockWaitTimeout.Milliseconds())
		schema = pcfg.Database
		target = fmt.Sprintf("postgres database %q at %s:%d as user %q", pcfg.Database, pcfg.Host, pcfg.Port, pcfg.User)
		dialector = postgres.New(postgres.Config{Conn: stdlib.OpenDB(*pcfg)})
		dialect = sweeper.Postgres
	default:
		return nil, configErrorf("database.driver %q is not supported (use mysql, sqlite or postgres)", driver)
	}
	// gorm.Open asks MySQL for its version: the first login happens here.
	g, err := gorm.Open(dialector, gcfg)
	if err != nil {
		return nil, connectError(target, red, err)
	}
	sqlDB, err := g.DB()
	if err != nil {
		return nil, connectError(target, red, err)
	}
	if dialect == sweeper.SQLite {
		// One writer at a time is all SQLite allows; more connections only
		// turn into busy errors.
		sqlDB.SetMaxOpenConns(1)
	} else {
		sqlDB.SetMaxOpenConns(8)
		sqlDB.SetConnMaxLifetime(10 * time.Minute)
	}
	db := &DB{gorm: g, sql: sqlDB, dialect: dialect, schema: schema, target: target, red: red}
	if err := db.Ping(ctx); err != nil {
		sqlDB.Close()
		return nil, err
	}
	return db, nil
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
	}, db.txOptions())
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

// Quote implements sweeper.Store.
func (db *DB) Quote(ident string) string {
	if db.dialect == sweeper.Postgres {
		// gorm's PostgreSQL quoting reads "a.b" as schema a, table b; the
		// names here are single identifiers, as postgresTable looked them up.
		return `"` + strings.ReplaceAll(ident, `"`, `""`) + `"`
	}
	var b strings.Builder
	db.gorm.Dialector.QuoteTo(&b, ident)
	return b.String()
}

// txOptions are the options of every transaction. READ COMMITTED keeps
// InnoDB from taking gap locks on rows a batch only looked at, so the shop's
// own inserts are not held up.
func (db *DB) txOptions() *sql.TxOptions {
	if db.dialect == sweeper.SQLite {
		return nil
	}
	return &sql.TxOptions{Isolation: sql.LevelReadCommitted}
}

// Retryable implements sweeper.Store.
func (db *DB) Retryable(err error) bool {
	var me *gomysql.MySQLError
	if errors.As(err, &me) {
		return me.Number == 1205 || me.Number == 1213 // lock wait timeout, deadlock
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "40P01" || pe.Code == "55P03" || pe.Code == "40001"
	}
	msg := err.Error()
	return strings.Contains(msg, "SQLITE_BUSY") || strings.Contains(msg, "database is locked")
}

// Table implements sweeper.Store.
func (db *DB) Table(ctx context.Context, name string) (*sweeper.Table, error) {
	switch db.dialect {
	case sweeper.SQLite:
		return db.sqliteTable(ctx, name)
	case sweeper.Postgres:
		return db.postgresTable(ctx, name)
	}
	g := db.gorm.WithContext(ctx)
	m := g.Migrator()
	if !m.HasTable(name) {
		if err := db.Ping(ctx); err != nil {
			return nil, err
		}
		return nil, db.mysqlMissing(ctx, name)
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
			// SQLite reports a primary key column as nullable; it is not.
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

// mysqlMissing is the error for a table information_schema does not show:
// it does not exist, or the database user has no privilege on it, which
// MySQL tells by denying a query on it (and does not say whether it exists).
func (db *DB) mysqlMissing(ctx context.Context, name string) error {
	err := db.gorm.WithContext(ctx).Exec("SELECT 1 FROM " + db.Quote(name) + " LIMIT 0").Error
	var me *gomysql.MySQLError
	if errors.As(err, &me) && me.Number == erTableAccessDenied {
		return fmt.Errorf("the database user has no privilege on table %q, so the server does not say whether it exists (%s); "+
			"run GRANT SELECT ON %s.* for the sweeper's user (see the GRANTs in README)", name, me.Message, db.Quote(db.schema))
	}
	return fmt.Errorf("%q: %w", name, sweeper.ErrNoTable)
}

// TryLock implements sweeper.Store with the database's own named locks, so
// that two sweepers on one database never run the same rule at once.
func (db *DB) TryLock(ctx context.Context, name string) (func(), bool, error) {
	switch db.dialect {
	case sweeper.MySQL:
		return db.tryLockMySQL(ctx, name)
	case sweeper.Postgres:
		return db.tryLockPostgres(ctx, name)
	default:
		return db.tryLockRow(ctx, name)
	}
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

func (db *DB) tryLockMySQL(ctx context.Context, name string) (func(), bool, error) {
	// GET_LOCK belongs to a session, so the lock keeps a connection of its own
	// for as long as the rule runs.
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("take lock: %w", err)
	}
	lock := db.lockName(name)
	var got sql.NullInt64
	if err := conn.QueryRowContext(ctx, "SELECT GET_LOCK(?, 0)", lock).Scan(&got); err != nil {
		conn.Close()
		return nil, false, fmt.Errorf("take lock %q: %w", lock, err)
	}
	if got.Int64 != 1 {
		conn.Close()
		return nil, false, nil
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		conn.ExecContext(ctx, "DO RELEASE_LOCK(?)", lock)
		conn.Close()
	}, true, nil
}

func (db *DB) tryLockPostgres(ctx context.Context, name string) (func(), bool, error) {
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("take lock: %w", err)
	}
	h := fnv.New64a()
	h.Write([]byte(db.lockName(name)))
	key := int64(h.Sum64())
	var got bool
	if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1)", key).Scan(&got); err != nil {
		conn.Close()
		return nil, false, fmt.Errorf("take advisory lock: %w", err)
	}
	if !got {
		conn.Close()
		return nil, false, nil
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		conn.ExecContext(ctx, "SELECT pg_advisory_unlock($1)", key)
		conn.Close()
	}, true, nil
}

// lockLease is how long a lock row on SQLite stays valid without being
// renewed; a sweeper that crashed holds it no longer than that.
const lockLease = 2 * time.Minute

func (db *DB) tryLockRow(ctx context.Context, name string) (func(), bool, error) {
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

// auditRow is the audit table's shape, for creating it in each dialect.
// It has no secondary index: every index costs each sweep a B-tree insert
// per audited row, the row_key one a scattered one (keys sort as text), and
// on a million-row sweep that was a quarter to a third of its time. The
// queries it would serve (by key, rule, time or run) are an operator's,
// rare, and scan; a shop that runs them often adds the index it needs.
type auditRow struct {
	ID        int64     `gorm:"primaryKey;autoIncrement"`
	RunID     string    `gorm:"column:run_id;size:32;not null"`
	At        time.Time `gorm:"column:at;type:datetime(6);not null"`
	Rule      string    `gorm:"column:rule;size:64;not null"`
	TableName string    `gorm:"column:table_name;size:64;not null"`
	RowKey    string    `gorm:"column:row_key;size:191;not null"`
	Action    string    `gorm:"column:action;size:16;not null"`
	Detail    string    `gorm:"column:detail;size:1024;not null;default:''"`
	ParentKey *string   `gorm:"column:parent_key;size:191"`
}

// CreateAuditTable implements sweeper.Store.
func (db *DB) CreateAuditTable(ctx context.Context, name string) error {
	g := db.gorm.WithContext(ctx)
	if db.dialect != sweeper.MySQL {
		// datetime(6) is MySQL's; the others take the generic type.
		return db.createAuditGeneric(ctx, name)
	}
	if err := g.Table(name).Migrator().CreateTable(&auditRow{}); err != nil {
		return fmt.Errorf("create audit table %q: %w", name, err)
	}
	return nil
}

func (db *DB) createAuditGeneric(ctx context.Context, name string) error {
	g := db.gorm.WithContext(ctx)
	q := db.Quote(name)
	idType := "INTEGER PRIMARY KEY AUTOINCREMENT"
	atType := "TEXT"
	if db.dialect == sweeper.Postgres {
		idType = "BIGSERIAL PRIMARY KEY"
		atType = "TIMESTAMP(6)"
	}
	q = fmt.Sprintf(`CREATE TABLE %s (id %s, run_id VARCHAR(32) NOT NULL, at %s NOT NULL, rule VARCHAR(64) NOT NULL,
		table_name VARCHAR(64) NOT NULL, row_key VARCHAR(191) NOT NULL, action VARCHAR(16) NOT NULL,
		detail VARCHAR(1024) NOT NULL DEFAULT '', parent_key VARCHAR(191))`, q, idType, atType)
	if err := g.Exec(q).Error; err != nil {
		return fmt.Errorf("create audit table %q: %w", name, err)
	}
	return nil
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

// sqliteTable reads a table from SQLite's own pragmas. gorm's SQLite
// migrator parses the CREATE TABLE text with regular expressions, which
// misreads composite primary keys and statements written over several
// lines; a wrong key or nullability here would let a batch reach rows that
// are not due.
func (db *DB) sqliteTable(ctx context.Context, name string) (*sweeper.Table, error) {
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
	var idx []struct {
		Name     string
		IsUnique int
		Origin   string
	}
	// A partial index makes nothing unique outside its WHERE: rows it does
	// not cover may share a value, so it is no key and is left out.
	if err := g.Raw(`SELECT name, "unique" AS is_unique, origin FROM pragma_index_list(?) WHERE partial = 0`, name).Scan(&idx).Error; err != nil {
		return nil, fmt.Errorf("read indexes of %q: %w", name, err)
	}
	for _, ix := range idx {
		if ix.Origin == "pk" {
			continue
		}
		var names []string
		if err := g.Raw(`SELECT name FROM pragma_index_info(?) ORDER BY seqno`, ix.Name).Scan(&names).Error; err != nil {
			return nil, fmt.Errorf("read index %q: %w", ix.Name, err)
		}
		t.Indexes = append(t.Indexes, sweeper.Index{Name: ix.Name, Columns: names, Unique: ix.IsUnique == 1})
	}
	return t, nil
}

// postgresTable reads a table from PostgreSQL's catalog. gorm's PostgreSQL
// migrator is not used: it reads "a.b" as table b of schema a, so a rule
// could reach another schema; it reads keys from information_schema, which
// hides the constraints of tables a SELECT-only user (plan) does not own;
// it leaves out indexes that back a UNIQUE constraint, counts a partial
// unique index as making its column unique (it does not: rows outside the
// predicate may share a value), and lists index columns in table order
// rather than index order.
func (db *DB) postgresTable(ctx context.Context, name string) (*sweeper.Table, error) {
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
	oid := oids[0]
	// A column of a domain type has the domain's base type, and its length
	// and NOT NULL, as information_schema.columns reports them.
	var cols []struct {
		Name    string
		Type    string
		NotNull bool
		Length  *int64
	}
	if err := g.Raw(`SELECT a.attname AS name,
			CASE WHEN t.typtype = 'd' THEN bt.typname ELSE t.typname END AS type,
			a.attnotnull OR COALESCE(t.typnotnull, false) AS not_null,
			information_schema._pg_char_max_length(information_schema._pg_truetypid(a.*, t.*), information_schema._pg_truetypmod(a.*, t.*)) AS length
		FROM pg_attribute a
		JOIN pg_type t ON t.oid = a.atttypid
		LEFT JOIN pg_type bt ON bt.oid = t.typbasetype
		WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped
		ORDER BY a.attnum`, oid).Scan(&cols).Error; err != nil {
		return nil, fmt.Errorf("read columns of %q: %w", name, err)
	}
	t := &sweeper.Table{Name: name}
	for _, c := range cols {
		col := sweeper.Column{Name: c.Name, Type: strings.ToLower(c.Type), Nullable: !c.NotNull}
		if c.Length != nil && *c.Length > 0 && *c.Length < math.MaxInt32 {
			col.Length = *c.Length
		}
		t.Columns = append(t.Columns, col)
	}
	// Key columns in index order, without INCLUDE columns. Indexes with an
	// expression or a predicate are left out: they neither make a column
	// unique nor serve a plain range scan on it. Nor do invalid ones, left by
	// a failed CREATE INDEX CONCURRENTLY.
	var idx []struct {
		Name    string
		Unique  bool
		Primary bool
		Column  string
	}
	if err := g.Raw(`SELECT ic.relname AS name, i.indisunique AS "unique", i.indisprimary AS "primary", a.attname AS "column"
		FROM pg_index i
		JOIN pg_class ic ON ic.oid = i.indexrelid
		CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
		JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
		WHERE i.indrelid = ? AND i.indisvalid AND i.indpred IS NULL AND i.indexprs IS NULL AND k.ord <= i.indnkeyatts
		ORDER BY ic.relname, k.ord`, oid).Scan(&idx).Error; err != nil {
		return nil, fmt.Errorf("read indexes of %q: %w", name, err)
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
	return t, nil
}

// Functions implements sweeper.Store. SQLite has no stored functions.
func (db *DB) Functions(ctx context.Context) ([]string, error) {
	var q string
	switch db.dialect {
	case sweeper.MySQL:
		q = `SELECT ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_TYPE = 'FUNCTION'`
	case sweeper.Postgres:
		// PostgreSQL's own functions live in pg_catalog and read no table
		// of the shop.
		q = `SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
			WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')`
	default:
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
	name := strings.ToLower(cols[0].DatabaseTypeName())
	switch db.dialect {
	case sweeper.SQLite:
		// SQLite names a type only for a plain column; an expression has
		// none, and a time in SQLite is text: wall-clock time.
		if name == "" {
			name = "text"
		}
		return sweeper.ResultType{Name: name}, nil
	case sweeper.Postgres:
		// pgx gives a type it does not know by its OID.
		if name == "" || strings.Trim(name, "0123456789") == "" {
			return sweeper.ResultType{Name: name, Unknown: true}, nil
		}
		switch name {
		case "text", "varchar", "bpchar", "name", "unknown", "json", "jsonb", "bytea":
			return sweeper.ResultType{Name: name, Unknown: true}, nil
		}
	default:
		switch name {
		case "", "null", "char", "varchar", "tinytext", "text", "mediumtext", "longtext", "json",
			"binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob", "enum", "set":
			return sweeper.ResultType{Name: name, Unknown: true}, nil
		}
	}
	return sweeper.ResultType{Name: name}, nil
}

// References implements sweeper.Store.
func (db *DB) References(ctx context.Context, table string) ([]sweeper.ForeignKey, error) {
	var (
		fks []sweeper.ForeignKey
		err error
	)
	switch db.dialect {
	case sweeper.MySQL:
		fks, err = db.mysqlReferences(ctx, table)
	case sweeper.Postgres:
		fks, err = db.postgresReferences(ctx, table)
	default:
		fks, err = db.sqliteReferences(ctx, table)
	}
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

// mysqlReferences reads the foreign keys from information_schema, which
// shows a user only the tables it has a privilege on: it first makes sure
// the user sees them all. MariaDB shows a constraint's rules only to a
// user with more than SELECT on its table (KEY_COLUMN_USAGE needs SELECT,
// REFERENTIAL_CONSTRAINTS more); the rules of the others are read from
// SHOW CREATE TABLE, which needs SELECT.
func (db *DB) mysqlReferences(ctx context.Context, table string) ([]sweeper.ForeignKey, error) {
	if err := db.seesWholeSchema(ctx); err != nil {
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
		fks[i].OnDelete, fks[i].OnUpdate, err = db.mysqlRules(ctx, schema, tbl, fks[i].Name)
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
func (db *DB) seesWholeSchema(ctx context.Context) error {
	b := make([]byte, 8)
	rand.Read(b)
	probe := "sweeper_probe_" + hex.EncodeToString(b)
	err := db.gorm.WithContext(ctx).Exec("SELECT 1 FROM " + db.Quote(probe) + " LIMIT 0").Error
	var me *gomysql.MySQLError
	switch {
	case errors.As(err, &me) && me.Number == erNoSuchTable:
		return nil
	case errors.As(err, &me) && me.Number == erTableAccessDenied:
		return fmt.Errorf("the database user cannot see every table of %q, and so not every foreign key (the server says: %s); "+
			"run GRANT SELECT ON %s.* for the sweeper's user (see the GRANTs in README)", db.schema, me.Message, db.Quote(db.schema))
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

// mysqlRules reads a constraint's ON DELETE and ON UPDATE rules from SHOW
// CREATE TABLE, which leaves out a rule that is the default (RESTRICT).
func (db *DB) mysqlRules(ctx context.Context, schema, table, constraint string) (onDelete, onUpdate string, err error) {
	rows, err := db.gorm.WithContext(ctx).Raw("SHOW CREATE TABLE " + db.Quote(schema) + "." + db.Quote(table)).Rows()
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
	head := "CONSTRAINT " + db.Quote(constraint) + " FOREIGN KEY"
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

// postgresReferences reads pg_catalog, which every user may read whatever
// its grants. A constraint of a partition copies its partitioned table's;
// only the table's own is listed.
func (db *DB) postgresReferences(ctx context.Context, table string) ([]sweeper.ForeignKey, error) {
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

// sqliteReferences asks every table for its foreign keys: SQLite keeps them
// with the referring table only, and without their names.
func (db *DB) sqliteReferences(ctx context.Context, table string) ([]sweeper.ForeignKey, error) {
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
