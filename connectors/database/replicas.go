package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	gomysql "github.com/go-sql-driver/mysql"

	"github.com/sweeperd/sweeper/sweeper"
)

// Replicas watches the replication lag of MySQL or MariaDB replicas.
type Replicas struct {
	dbs  []*sql.DB
	reds []redactor // per replica: its DSN's password
}

var _ sweeper.ReplicaMonitor = (*Replicas)(nil)

// OpenReplicas connects to the replicas named by database.replicas. Their
// DSNs are secrets like the primary's: errors name a replica by its number.
func OpenReplicas(ctx context.Context, driver string, dsns []string) (*Replicas, error) {
	if len(dsns) == 0 {
		return nil, nil
	}
	if driver != "mysql" && driver != "mariadb" {
		return nil, configErrorf("database.replicas: only MySQL and MariaDB replicas can be watched, not %s", driver)
	}
	r := &Replicas{}
	for i, dsn := range dsns {
		cfg, err := gomysql.ParseDSN(dsn)
		if err != nil {
			r.Close()
			return nil, configErrorf("database.replicas[%d] is not a MySQL DSN: %s", i+1, redactDSNError(err))
		}
		if cfg.Timeout == 0 {
			cfg.Timeout = 10 * time.Second
		}
		// What the driver would print on stderr comes back from Lag too.
		cfg.Logger = &gomysql.NopLogger{}
		conn, err := gomysql.NewConnector(cfg)
		if err != nil {
			r.Close()
			return nil, configErrorf("database.replicas[%d]: %s", i+1, redactDSNError(err))
		}
		db := sql.OpenDB(conn)
		db.SetMaxOpenConns(1)
		r.dbs = append(r.dbs, db)
		r.reds = append(r.reds, newRedactor([]string{cfg.Passwd, dsn}, cfg.User, cfg.Addr, cfg.DBName))
	}
	if _, _, err := r.Lag(ctx); err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

// Lag implements sweeper.ReplicaMonitor: the largest Seconds_Behind_Master
// (Seconds_Behind_Source on MySQL 8) among the replicas.
func (r *Replicas) Lag(ctx context.Context) (time.Duration, bool, error) {
	var max time.Duration
	for i, db := range r.dbs {
		lag, known, err := replicaLag(ctx, db)
		if err != nil {
			return 0, false, fmt.Errorf("database.replicas[%d]: %w", i+1, r.reds[i].error(err))
		}
		if !known {
			return 0, false, nil
		}
		max = maxDuration(max, lag)
	}
	return max, true, nil
}

func maxDuration(a, b time.Duration) time.Duration {
	if a > b {
		return a
	}
	return b
}

func replicaLag(ctx context.Context, db *sql.DB) (time.Duration, bool, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	// SHOW REPLICA STATUS is MariaDB 10.5.1+ and MySQL 8.0.22+; older
	// servers know only the old name.
	rows, err := db.QueryContext(ctx, "SHOW REPLICA STATUS")
	if err != nil {
		rows, err = db.QueryContext(ctx, "SHOW SLAVE STATUS")
	}
	if err != nil {
		return 0, false, fmt.Errorf("read replication status: %w", err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, false, err
	}
	idx := -1
	for i, c := range cols {
		if strings.EqualFold(c, "Seconds_Behind_Master") || strings.EqualFold(c, "Seconds_Behind_Source") {
			idx = i
		}
	}
	if idx < 0 {
		return 0, false, errors.New("the server reports no replication lag column")
	}
	if !rows.Next() {
		return 0, false, errors.New("the server is not a replica (SHOW REPLICA STATUS is empty)")
	}
	vals := make([]sql.RawBytes, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		return 0, false, err
	}
	if vals[idx] == nil {
		return 0, false, nil // replication stopped or broken
	}
	var secs int64
	if _, err := fmt.Sscan(string(vals[idx]), &secs); err != nil {
		return 0, false, fmt.Errorf("read replication lag %q: %w", vals[idx], err)
	}
	return time.Duration(secs) * time.Second, true, nil
}

// Close closes the replica connections.
func (r *Replicas) Close() {
	if r == nil {
		return
	}
	for _, db := range r.dbs {
		db.Close()
	}
}
