package main

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// phases replays, with plain database/sql, the statements one sweeper batch
// sends (as read from sweeper/sweep.go: an unlocked keyset read of the
// candidates, then in one READ COMMITTED transaction the locking re-check of
// the candidates' key range, the audit INSERT ... SELECT over that range into
// a table shaped like the sweeper's, the DELETE or UPDATE over the range,
// COMMIT), and times each phase. It tells the cost of
// the SQL itself from the cost of the Go around it, and with audit=false
// what the audit records cost.
type phaseTimes struct {
	Name                                    string
	Rows                                    int64
	Batches                                 int
	Total                                   time.Duration
	Candidates, Lock, Action, Audit, Commit time.Duration
}

const auditSchema = `CREATE TABLE IF NOT EXISTS bench_audit (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  run_id VARCHAR(32) NOT NULL, at DATETIME(6) NOT NULL, rule VARCHAR(64) NOT NULL,
  table_name VARCHAR(64) NOT NULL, row_key VARCHAR(191) NOT NULL, action VARCHAR(16) NOT NULL,
  detail VARCHAR(1024) NOT NULL DEFAULT '')`

func (b *bench) phases(ctx context.Context, anonymise, audit bool) (phaseTimes, error) {
	pt := phaseTimes{Name: "replay: delete"}
	cut, action, detail, rule := b.cutDel, "delete", "", "order-7y"
	cond := "`orders`.`created_at` >= '0001-01-01 00:00:00' AND `orders`.`created_at` < ?"
	if anonymise {
		pt.Name = "replay: anonymise"
		cut, action, detail, rule = b.cutAnon, "anonymise", "phone, salutation", "order-phone-6m"
		cond += " AND NOT (`orders`.`phone` IS NULL AND `orders`.`salutation` IS NULL)"
	}
	if audit {
		pt.Name += " + audit"
	} else {
		pt.Name += ", no audit"
	}
	if err := freshCopy(ctx, b.db, "orders_tmpl"); err != nil {
		return pt, err
	}
	c := b.cfg.Clone()
	c.InterpolateParams, c.ClientFoundRows = true, true
	db, err := sql.Open("mysql", c.FormatDSN())
	if err != nil {
		return pt, err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "DROP TABLE IF EXISTS bench_audit"); err != nil {
		return pt, err
	}
	if _, err := db.ExecContext(ctx, auditSchema); err != nil {
		return pt, err
	}
	at := time.Now().UTC().Format("2006-01-02 15:04:05.000000")
	start := time.Now()
	var last int64
	for {
		t := time.Now()
		rows, err := db.QueryContext(ctx, "SELECT `orders`.`id` FROM `orders` WHERE "+cond+
			" AND `orders`.`id` IS NOT NULL AND `orders`.`id` > ? ORDER BY `orders`.`id` LIMIT 1000", cut, last)
		if err != nil {
			return pt, err
		}
		var keys []any
		for rows.Next() {
			var k int64
			rows.Scan(&k)
			keys = append(keys, k)
		}
		rows.Close()
		pt.Candidates += time.Since(t)
		if len(keys) == 0 {
			break
		}
		last = keys[len(keys)-1].(int64)
		lo := keys[0]
		within := "`orders`.`id` >= ? AND `orders`.`id` <= ? AND " + cond

		t = time.Now()
		tx, err := db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
		if err != nil {
			return pt, err
		}
		rows, err = tx.QueryContext(ctx, "SELECT `orders`.`id` FROM `orders` WHERE "+within+
			" ORDER BY `orders`.`id` FOR UPDATE", lo, last, cut)
		if err != nil {
			tx.Rollback()
			return pt, err
		}
		var locked int64
		for rows.Next() {
			locked++
		}
		rows.Close()
		pt.Lock += time.Since(t)

		check := func(res sql.Result, err error) error {
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != locked {
				return fmt.Errorf("touched %d rows where %d were locked", n, locked)
			}
			return nil
		}
		if audit {
			t = time.Now()
			err := check(tx.ExecContext(ctx, "INSERT INTO `bench_audit` (`run_id`, `at`, `rule`, `table_name`, `row_key`, `action`, `detail`) "+
				"SELECT ?, ?, ?, ?, CAST(`orders`.`id` AS CHAR), ?, ? FROM `orders` WHERE "+within,
				"0123456789abcdef", at, rule, "orders", action, detail, lo, last, cut))
			if err != nil {
				tx.Rollback()
				return pt, err
			}
			pt.Audit += time.Since(t)
		}

		t = time.Now()
		q := "DELETE FROM `orders` WHERE " + within
		if anonymise {
			q = "UPDATE `orders` SET `phone` = NULL, `salutation` = NULL WHERE " + within
		}
		if err := check(tx.ExecContext(ctx, q, lo, last, cut)); err != nil {
			tx.Rollback()
			return pt, err
		}
		pt.Action += time.Since(t)
		t = time.Now()
		if err := tx.Commit(); err != nil {
			return pt, err
		}
		pt.Commit += time.Since(t)
		pt.Rows += locked
		pt.Batches++
	}
	pt.Total = time.Since(start)
	db.ExecContext(ctx, "DROP TABLE IF EXISTS bench_audit")
	return pt, nil
}

func (p phaseTimes) rate() float64 { return float64(p.Rows) / p.Total.Seconds() }

func (p phaseTimes) row() string {
	per := func(d time.Duration) string {
		if p.Batches == 0 {
			return "–"
		}
		return fmt.Sprintf("%.1f", float64(d)/1e6/float64(p.Batches))
	}
	return fmt.Sprintf("| %s | %s | %d | %s | %.0f | %s | %s | %s | %s | %s |", p.Name, thousands(p.Rows), p.Batches,
		p.Total.Round(time.Millisecond), p.rate(), per(p.Candidates), per(p.Lock), per(p.Audit), per(p.Action), per(p.Commit))
}

// phaseTable runs the replay with and without audit records for both
// actions and returns a markdown table (no shop traffic runs meanwhile).
func phaseTable(ctx context.Context, b *bench) string {
	var sb strings.Builder
	sb.WriteString("### Where a batch's time goes\n\nThe sweeper's statements replayed with plain `database/sql` (no gorm, no shop traffic), a fixed batch_size of 1000; milliseconds per batch by phase.\n\n")
	sb.WriteString("| replay | rows | batches | time | rows/s | candidates | begin + locking read | audit INSERT | DELETE/UPDATE | COMMIT |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, v := range []struct{ anon, audit bool }{{false, true}, {false, false}, {true, true}, {true, false}} {
		p, err := b.phases(ctx, v.anon, v.audit)
		if err != nil {
			fmt.Fprintf(&sb, "| %s | FAILED: %v |\n", p.Name, err)
			continue
		}
		logf("%-28s %d rows in %s (%.0f rows/s)", p.Name, p.Rows, p.Total.Round(time.Millisecond), p.rate())
		sb.WriteString(p.row() + "\n")
	}
	return sb.String()
}
