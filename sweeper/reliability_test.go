package sweeper_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	gomysql "github.com/go-sql-driver/mysql"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest"
	"go.uber.org/zap/zaptest/observer"

	"github.com/sweeperd/sweeper/sweeper"
)

// Database faults in the middle of a batch, on MariaDB: a connection killed
// from another session, and a deadlock with the shop's own transaction.
// Each leaves every customer either untouched or gone with all of its rows
// and audit records, never in between.

// relShop is what relSeed put in the database, to hold the result against.
type relShop struct {
	customers []int64           // ids, in order
	due       map[int64]bool    // customer id -> due as of relAsOf
	addresses map[int64][]int64 // customer id -> its address ids
	orders    map[int64][]int64 // customer id -> its order ids
}

var relAsOf = engAms(2026, 11, 22, 0, 0, 0)

// relSeed creates customers 1..n, idle since 2015 and so due, with one or
// two addresses and one or two orders each.
func relSeed(f *fixture, n int) *relShop {
	f.t.Helper()
	f.exec(`CREATE TABLE customers (id BIGINT PRIMARY KEY, email VARCHAR(100) NOT NULL, last_login_at DATETIME NULL,
			created_at DATETIME NOT NULL, INDEX (created_at))`,
		`CREATE TABLE addresses (id BIGINT PRIMARY KEY, customer_id BIGINT NOT NULL, street VARCHAR(100) NOT NULL, INDEX (customer_id))`,
		`CREATE TABLE orders (id BIGINT PRIMARY KEY, customer_id BIGINT NULL, total_cents INT NOT NULL, INDEX (customer_id))`)
	s := &relShop{due: map[int64]bool{}, addresses: map[int64][]int64{}, orders: map[int64][]int64{}}
	var cust, addr, ord []string
	for id := int64(1); id <= int64(n); id++ {
		s.customers = append(s.customers, id)
		s.due[id] = true
		cust = append(cust, fmt.Sprintf("(%d, 'klant%d@example.invalid', NULL, '2015-03-01 12:00:00')", id, id))
		for j := int64(0); j <= id%2; j++ {
			a := id*2 + j
			s.addresses[id] = append(s.addresses[id], a)
			addr = append(addr, fmt.Sprintf("(%d, %d, 'Teststraat %d')", a, id, a))
		}
		for j := int64(0); j <= (id/2)%2; j++ {
			o := id*2 + j
			s.orders[id] = append(s.orders[id], o)
			ord = append(ord, fmt.Sprintf("(%d, %d, %d)", o, id, 1000+o))
		}
	}
	f.exec("INSERT INTO customers (id, email, last_login_at, created_at) VALUES "+strings.Join(cust, ", "),
		"INSERT INTO addresses (id, customer_id, street) VALUES "+strings.Join(addr, ", "),
		"INSERT INTO orders (id, customer_id, total_cents) VALUES "+strings.Join(ord, ", "))
	return s
}

func relRule(f *fixture, batchSize int) {
	f.rule(sweeper.Rule{Name: "account-idle-5y", Table: "customers", AgeColumns: []string{"last_login_at", "created_at"},
		OlderThan: years(5), Action: sweeper.ActionDelete, BatchSize: batchSize,
		Related: []sweeper.Related{
			{Table: "addresses", ForeignKey: []string{"customer_id"}, Action: sweeper.ActionDelete},
			{Table: "orders", ForeignKey: []string{"customer_id"}, Action: sweeper.ActionDetach},
		}})
}

// relConsistent holds the database against the seeded shop: each customer
// is either still there with all of its addresses, its orders attached and
// no audit record, or gone (and was due) with its addresses gone, its
// orders detached (not deleted) and exactly one audit record for each of
// those rows; and there are no other audit records. It returns the ids of
// the customers that are gone.
func relConsistent(t *testing.T, f *fixture, s *relShop) map[int64]bool {
	t.Helper()
	present := map[int64]bool{}
	for _, id := range f.ids(`SELECT id FROM customers`) {
		present[id] = true
	}
	addrPresent := map[int64]bool{}
	for _, id := range f.ids(`SELECT id FROM addresses`) {
		addrPresent[id] = true
	}
	orderOwner := map[int64]sql.NullInt64{}
	rows, err := f.raw.Query(`SELECT id, customer_id FROM orders`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var c sql.NullInt64
		if err := rows.Scan(&id, &c); err != nil {
			t.Fatal(err)
		}
		orderOwner[id] = c
	}
	rows.Close()
	audit := map[string]int{}
	total := 0
	if engHasTable(f, "sweeper_audit") {
		rows, err = f.raw.Query(`SELECT table_name, row_key, action FROM sweeper_audit`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var tbl, key, action string
			if err := rows.Scan(&tbl, &key, &action); err != nil {
				t.Fatal(err)
			}
			audit[tbl+" "+key+" "+action]++
			total++
		}
		rows.Close()
	}
	rec := func(tbl string, id int64, action string) int { return audit[fmt.Sprintf("%s %d %s", tbl, id, action)] }

	gone := map[int64]bool{}
	expected := 0
	errs := 0
	report := func(format string, a ...any) {
		if errs++; errs <= 10 {
			t.Errorf(format, a...)
		}
	}
	for _, c := range s.customers {
		if !present[c] {
			gone[c] = true
			expected += 1 + len(s.addresses[c]) + len(s.orders[c])
			if !s.due[c] {
				report("customer %d: deleted, but it was not due", c)
			}
			if n := rec("customers", c, "delete"); n != 1 {
				report("customer %d: deleted with %d delete records, want 1", c, n)
			}
		} else if n := rec("customers", c, "delete"); n != 0 {
			report("customer %d: still there, but has %d delete records", c, n)
		}
		for _, a := range s.addresses[c] {
			switch {
			case present[c] && !addrPresent[a]:
				report("address %d: deleted while its customer %d is still there", a, c)
			case !present[c] && addrPresent[a]:
				report("address %d: still there while its customer %d is deleted (half-done batch)", a, c)
			case !present[c] && rec("addresses", a, "delete") != 1:
				report("address %d: deleted with %d delete records, want 1", a, rec("addresses", a, "delete"))
			case present[c] && rec("addresses", a, "delete") != 0:
				report("address %d: still there, but has %d delete records", a, rec("addresses", a, "delete"))
			}
		}
		for _, o := range s.orders[c] {
			owner, ok := orderOwner[o]
			switch {
			case !ok:
				report("order %d: deleted; detach must keep it", o)
			case present[c] && owner != (sql.NullInt64{Int64: c, Valid: true}):
				report("order %d: customer_id %v while its customer %d is still there", o, owner, c)
			case !present[c] && owner.Valid:
				report("order %d: still attached to %d while its customer %d is deleted (half-done batch)", o, owner.Int64, c)
			case !present[c] && rec("orders", o, "detach") != 1:
				report("order %d: detached with %d detach records, want 1", o, rec("orders", o, "detach"))
			case present[c] && rec("orders", o, "detach") != 0:
				report("order %d: attached, but has %d detach records", o, rec("orders", o, "detach"))
			}
		}
	}
	if total != expected {
		report("audit records: got %d, want %d (one per deleted customer, deleted address and detached order)", total, expected)
	}
	return gone
}

func relRange(from, to int64) map[int64]bool {
	m := map[int64]bool{}
	for id := from; id <= to; id++ {
		m[id] = true
	}
	return m
}

func relSameSet(a, b map[int64]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

// relWaitOrdersLock waits until another session runs the batch's locking
// read of the orders of customer, and returns its connection id. It polls
// the process list: InnoDB's transaction list in information_schema is a
// cache that was seen to lag by seconds on MariaDB 10.11. The statement
// carries its values (the driver interpolates them), so the customer's id
// in the IN list tells the batch apart from the ones before it.
func relWaitOrdersLock(f *fixture, customer int64, timeout time.Duration) (int64, error) {
	deadline := time.After(timeout)
	for {
		var id int64
		err := f.raw.QueryRow(`SELECT ID FROM information_schema.PROCESSLIST
			WHERE DB = DATABASE() AND ID <> CONNECTION_ID() AND COMMAND = 'Query'
			AND INFO LIKE '%FROM `+"`orders`"+`%FOR UPDATE%' AND INFO LIKE ? LIMIT 1`,
			fmt.Sprintf("%%,%d,%%", customer)).Scan(&id)
		if err == nil {
			return id, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, err
		}
		select {
		case <-deadline:
			return 0, fmt.Errorf("no session locked the orders of customer %d within %v", customer, timeout)
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// TestReliability_KilledConnection kills the sweeper's connection with KILL
// from another session while a batch is open: the batch has deleted its
// addresses and waits to lock its orders (the shop holds one). The batch
// rolls back as a whole, the rule reports the error, the batches before it
// stay committed, and the next sweep finishes the job, each row once.
func TestReliability_KilledConnection(t *testing.T) {
	ctx := context.Background()
	f := setup(t, dbMySQL)
	// A lock wait longer than the test needs to find and kill the waiter.
	engReopen(t, f, 20*time.Second, zaptest.NewLogger(t))
	s := relSeed(f, 1000)
	relRule(f, 100)

	// The shop holds an order of customer 550, in the sweep's sixth batch.
	shop, err := f.raw.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer shop.Rollback()
	var oid int64
	if err := shop.QueryRow(`SELECT id FROM orders WHERE customer_id = 550 ORDER BY id LIMIT 1 FOR UPDATE`).Scan(&oid); err != nil {
		t.Fatal(err)
	}
	killed := make(chan error, 1)
	var victim int64
	go func() {
		id, err := relWaitOrdersLock(f, 550, 30*time.Second)
		if err == nil {
			victim = id
			_, err = f.raw.Exec(fmt.Sprintf("KILL CONNECTION %d", id))
		}
		shop.Rollback()
		killed <- err
	}()

	type result struct {
		rep *sweeper.Report
		err error
	}
	res := engAsync(t, 60*time.Second, func() result {
		rep, err := engSweep(f, relAsOf, sweeper.SweepOptions{})
		return result{rep, err}
	})
	select {
	case err := <-killed:
		if err != nil {
			t.Fatalf("kill the sweeper's connection: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the killer did not finish within 30 s")
	}
	engPartial(t, res.err)
	rr := engRule(t, res.rep, "account-idle-5y")
	if rr.Err == nil {
		t.Fatalf("rule report: no error, want the killed connection reported")
	}
	t.Logf("connection %d killed; the rule reported: %v", victim, rr.Err)
	if rr.Rows != 500 {
		t.Errorf("rows: got %d, want 500 (the five batches before the killed one)", rr.Rows)
	}
	if gone := relConsistent(t, f, s); !relSameSet(gone, relRange(1, 500)) {
		t.Errorf("customers deleted: got %d, want exactly 1..500: the killed batch 501..600 rolls back", len(gone))
	}

	rep := f.sweep(relAsOf, sweeper.SweepOptions{})
	if got := engRule(t, rep, "account-idle-5y").Rows; got != 500 {
		t.Errorf("next sweep: got %d rows, want the other 500", got)
	}
	if gone := relConsistent(t, f, s); len(gone) != 1000 {
		t.Errorf("after the next sweep: %d customers deleted, want 1000", len(gone))
	}
}

// TestReliability_Deadlock provokes a deadlock between a batch and the
// shop's own transaction, which lock a customer and its order in opposite
// order: the batch holds the customer and waits for the order, the shop
// holds the order and then updates the customer (a login). InnoDB rolls
// one of them back. The shop's transaction has written more, so InnoDB
// picks the batch, which must be retried: the retry re-checks the customer,
// who has logged in, and keeps it. Either way nothing is half done.
func TestReliability_Deadlock(t *testing.T) {
	ctx := context.Background()
	f := setup(t, dbMySQL)
	logs, recorded := observer.New(zap.DebugLevel)
	log := zap.New(zapcore.NewTee(logs, zaptest.NewLogger(t).Core()))
	f.sw.Log = log
	// Long lock waits: what ends the wait here must be the deadlock, not a
	// timeout.
	engReopen(t, f, 20*time.Second, log)
	s := relSeed(f, 300)
	f.exec(`CREATE TABLE shop_log (id BIGINT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(50) NOT NULL)`)
	relRule(f, 100)

	const target = 50 // a customer in the first batch
	var oid int64
	if err := f.raw.QueryRow(`SELECT MIN(id) FROM orders WHERE customer_id = ?`, target).Scan(&oid); err != nil {
		t.Fatal(err)
	}
	shopDone := make(chan error, 1)
	var shopErr error
	calls := 0
	sweeper.SetBeforeLock(f.sw, func(_ string, keys []any) {
		if calls++; calls > 1 {
			return
		}
		// The shop, between the sweeper's read and its batch: a transaction
		// that has written a lot, then locks the customer's order.
		shop, err := f.raw.BeginTx(ctx, nil)
		if err != nil {
			t.Errorf("shop: %v", err)
			shopDone <- err
			return
		}
		for i := 0; i < 5; i++ {
			if _, err := shop.Exec(`INSERT INTO shop_log (note) VALUES ` +
				strings.TrimSuffix(strings.Repeat("('page view'),", 1000), ",")); err != nil {
				t.Errorf("shop: %v", err)
			}
		}
		var id int64
		if err := shop.QueryRow(`SELECT id FROM orders WHERE id = ? FOR UPDATE`, oid).Scan(&id); err != nil {
			t.Errorf("shop: lock order: %v", err)
		}
		go func() {
			// Once the batch waits for the order, the shop updates the
			// customer the batch holds: a lock cycle.
			if _, err := relWaitOrdersLock(f, target, 30*time.Second); err != nil {
				shop.Rollback()
				shopDone <- err
				return
			}
			_, err := shop.Exec(`UPDATE customers SET last_login_at = '2026-11-21 18:00:00' WHERE id = ?`, target)
			if err != nil {
				shop.Rollback()
				shopErr = err
				shopDone <- nil
				return
			}
			shopDone <- shop.Commit()
		}()
	})

	type result struct {
		rep *sweeper.Report
		err error
	}
	res := engAsync(t, 60*time.Second, func() result {
		rep, err := engSweep(f, relAsOf, sweeper.SweepOptions{})
		return result{rep, err}
	})
	select {
	case err := <-shopDone:
		if err != nil {
			t.Fatalf("shop: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the shop's transaction did not finish within 30 s")
	}

	retries := recorded.FilterField(zap.String("event", "rule.retry")).All()
	var me *gomysql.MySQLError
	shopVictim := errors.As(shopErr, &me) && me.Number == 1213
	sweeperVictim := false
	for _, e := range retries {
		if strings.Contains(fmt.Sprint(e.ContextMap()["error"]), "Deadlock") {
			sweeperVictim = true
		}
	}
	switch {
	case shopErr != nil && !shopVictim:
		t.Fatalf("shop's update: %v, want success or a deadlock", shopErr)
	case sweeperVictim == shopVictim:
		t.Fatalf("deadlock victims: sweeper %t, shop %t; want exactly one (retries logged: %d)", sweeperVictim, shopVictim, len(retries))
	}
	rr := engRule(t, res.rep, "account-idle-5y")
	gone := relConsistent(t, f, s)
	if sweeperVictim {
		t.Logf("InnoDB rolled back the batch; it was retried (%d rule.retry)", len(retries))
		if res.err != nil || rr.Err != nil {
			t.Errorf("sweep: %v; want the deadlocked batch retried and the rule to succeed", res.err)
		}
		if gone[target] {
			t.Errorf("customer %d: deleted, but the shop's login committed before the retry re-checked it", target)
		}
		if rr.Rows != 299 || len(gone) != 299 {
			t.Errorf("rows: got %d reported, %d deleted; want 299 (all but the customer who logged in)", rr.Rows, len(gone))
		}
	} else {
		t.Logf("InnoDB rolled back the shop's transaction; the batch went on")
		if rr.Rows != 300 || len(gone) != 300 {
			t.Errorf("rows: got %d reported, %d deleted; want 300", rr.Rows, len(gone))
		}
	}
	// Nothing is left for a second sweep, and it changes nothing.
	before := engAuditCount(f)
	if got := engRule(t, f.sweep(relAsOf, sweeper.SweepOptions{}), "account-idle-5y").Rows; got != 0 {
		t.Errorf("second sweep: got %d rows, want 0", got)
	}
	if after := engAuditCount(f); after != before {
		t.Errorf("second sweep wrote %d audit records, want 0", after-before)
	}
}
