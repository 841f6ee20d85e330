package main

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// handLoop is the loop a DBA would write by hand: 1000-row transactions,
// each a locking keyset read, the DELETE or UPDATE by key list, and one
// multi-row audit INSERT ... VALUES. It is in the bench as a yardstick for
// the shop's latency: what the same work, done plainly, does to the shop on
// the same machine in the same minute, so that a p99 the sweeper causes can
// be told from one the server and its disk cause to any writer.
func (b *bench) handLoop(anonymise bool) func(context.Context, *result) error {
	open := func() (*sql.DB, error) {
		c := b.cfg.Clone()
		c.InterpolateParams = true
		return sql.Open("mysql", c.FormatDSN())
	}
	return handLoopOn(open, false, anonymise, b.cutDel, b.cutAnon)
}

// handLoopOn is handLoop on the database open connects to; pg: PostgreSQL.
func handLoopOn(open func() (*sql.DB, error), pg, anonymise bool, cutDel, cutAnon string) func(context.Context, *result) error {
	return func(ctx context.Context, r *result) error {
		cut, action, detail, rule := cutDel, "delete", "", "order-7y"
		cond := "created_at < ?"
		if anonymise {
			cut, action, detail, rule = cutAnon, "anonymise", "phone, salutation", "order-phone-6m"
			cond += " AND (phone IS NOT NULL OR salutation IS NOT NULL)"
		}
		q := func(s string) string {
			if pg {
				return dollars(s)
			}
			return s
		}
		db, err := open()
		if err != nil {
			return err
		}
		defer db.Close()
		if _, err := db.ExecContext(ctx, "DROP TABLE IF EXISTS bench_audit"); err != nil {
			return err
		}
		schema := auditSchema
		if pg {
			schema = pgAuditSchema
		}
		if _, err := db.ExecContext(ctx, schema); err != nil {
			return err
		}
		at := time.Now().UTC().Format("2006-01-02 15:04:05.000000")
		var last int64
		for {
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				return err
			}
			rows, err := tx.QueryContext(ctx, q("SELECT id FROM orders WHERE "+cond+" AND id > ? ORDER BY id LIMIT 1000 FOR UPDATE"), cut, last)
			if err != nil {
				tx.Rollback()
				return err
			}
			var keys []any
			for rows.Next() {
				var k int64
				if err := rows.Scan(&k); err != nil {
					rows.Close()
					tx.Rollback()
					return err
				}
				keys = append(keys, k)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				tx.Rollback()
				return err
			}
			if len(keys) == 0 {
				tx.Rollback()
				break
			}
			last = keys[len(keys)-1].(int64)
			in := strings.TrimSuffix(strings.Repeat("?,", len(keys)), ",")
			stmt := "DELETE FROM orders WHERE id IN (" + in + ")"
			if anonymise {
				stmt = "UPDATE orders SET phone = NULL, salutation = NULL WHERE id IN (" + in + ")"
			}
			if _, err := tx.ExecContext(ctx, q(stmt), keys...); err != nil {
				tx.Rollback()
				return err
			}
			vals := make([]any, 0, 7*len(keys))
			for _, k := range keys {
				vals = append(vals, "0123456789abcdef", at, rule, "orders", fmt.Sprint(k), action, detail)
			}
			if _, err := tx.ExecContext(ctx, q("INSERT INTO bench_audit (run_id, at, rule, table_name, row_key, action, detail) VALUES "+
				strings.TrimSuffix(strings.Repeat("(?,?,?,?,?,?,?),", len(keys)), ",")), vals...); err != nil {
				tx.Rollback()
				return err
			}
			if err := tx.Commit(); err != nil {
				return err
			}
			r.Rows += int64(len(keys))
		}
		return nil
	}
}

// dollars numbers the ? placeholders of q as PostgreSQL's $1, $2, ...
// (the bench's statements hold no ? in a literal).
func dollars(q string) string {
	var sb strings.Builder
	n := 0
	for _, c := range q {
		if c == '?' {
			n++
			fmt.Fprintf(&sb, "$%d", n)
			continue
		}
		sb.WriteRune(c)
	}
	return sb.String()
}
