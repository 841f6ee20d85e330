package database

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/sweeperd/sweeper/sweeper"
)

// Load implements sweeper.Dialect for SQLite: a file has no server whose
// other connections could be counted.
func (shared) Load(context.Context, sweeper.Querier) (int, error) {
	return 0, fmt.Errorf("%w: SQLite has no server whose running statements could be counted", sweeper.ErrNoLoad)
}

// Load implements sweeper.Dialect with Threads_running, the connections
// running a statement now, less the one asking: the measure gh-ost's
// max-load and critical-load take. It needs no privilege.
func (mysqlDialect) Load(ctx context.Context, q sweeper.Querier) (int, error) {
	rows, err := q.Query(ctx, "SHOW GLOBAL STATUS LIKE 'Threads_running'")
	if err != nil {
		return 0, fmt.Errorf("read Threads_running: %w", err)
	}
	defer rows.Close()
	var name, value string
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return 0, fmt.Errorf("read Threads_running: %w", err)
		}
		return 0, fmt.Errorf("read Threads_running: the server reported no such status variable")
	}
	if err := rows.Scan(&name, &value); err != nil {
		return 0, fmt.Errorf("read Threads_running: %w", err)
	}
	n, err := strconv.Atoi(strings.TrimSpace(value))
	if err != nil {
		return 0, fmt.Errorf("read Threads_running: %q is not a number", value)
	}
	return max(n-1, 0), nil
}

// Load implements sweeper.Dialect with the client backends of the whole
// server that are running a statement, less the one asking: a busy
// database next to the shop's slows the shop as much. A user without
// pg_read_all_stats (pg_monitor) sees no state of other users' backends,
// and so counts only its own user's.
func (postgresDialect) Load(ctx context.Context, q sweeper.Querier) (int, error) {
	rows, err := q.Query(ctx, `SELECT count(*) FROM pg_stat_activity
		WHERE state = 'active' AND pid <> pg_backend_pid() AND backend_type = 'client backend'`)
	if err != nil {
		return 0, fmt.Errorf("count active backends: %w", err)
	}
	defer rows.Close()
	var n sql.NullInt64
	if rows.Next() {
		if err := rows.Scan(&n); err != nil {
			return 0, fmt.Errorf("count active backends: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("count active backends: %w", err)
	}
	return int(n.Int64), nil
}
