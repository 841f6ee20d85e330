package dbtest

import (
	"context"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// TestPrivatePostgres starts a server of the test's own, stops it and
// starts it again: the data and the port survive, a pool opened before
// reconnects, and while it is down nothing answers there.
func TestPrivatePostgres(t *testing.T) {
	srv := PrivatePostgres(t)
	if want := "postgres://postgres@127.0.0.1:" + strconv.Itoa(srv.Port) + "/shop?sslmode=disable"; srv.DSN("shop") != want {
		t.Errorf("DSN: got %q, want %q", srv.DSN("shop"), want)
	}
	base := OpenPostgres(t, srv.DSN(""))
	if _, err := base.Exec("CREATE DATABASE shop"); err != nil {
		t.Fatal(err)
	}
	db := OpenPostgres(t, srv.DSN("shop"))
	for _, q := range []string{"CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20))", "INSERT INTO t VALUES (1, 'ëmoji 😀')"} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}

	port := srv.Port
	srv.Restart(t)
	if srv.Port != port {
		t.Errorf("port after Restart: got %d, want %d", srv.Port, port)
	}
	// The pool's idle connection holds the server's farewell ("terminating
	// connection due to administrator command"): the first query on it
	// fails, and the pool then opens a new one.
	var v string
	eventuallyNoErr(t, func() error { return db.QueryRow("SELECT v FROM t WHERE id = 1").Scan(&v) })
	if v != "ëmoji 😀" {
		t.Errorf("row after Restart: got %q, want %q", v, "ëmoji 😀")
	}

	pid := srv.PID()
	if pid == 0 {
		t.Fatal("PID: got 0 while the server runs")
	}
	srv.Stop(t)
	if err := syscall.Kill(pid, 0); err == nil {
		t.Errorf("postgres (pid %d) still runs after Stop", pid)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if _, err := PingPostgres(ctx, srv.DSN("shop")); err == nil {
		t.Errorf("ping while stopped: got nil, want an error")
	}

	srv.Start(t)
	eventuallyNoErr(t, func() error { return db.QueryRow("SELECT v FROM t WHERE id = 1").Scan(&v) })
}

// TestPrivatePostgres_Cleanup: the server is gone once the test that
// started it has ended.
func TestPrivatePostgres_Cleanup(t *testing.T) {
	var pid int
	var dsn string
	t.Run("server", func(t *testing.T) {
		srv := PrivatePostgres(t)
		pid, dsn = srv.PID(), srv.DSN("")
	})
	if pid == 0 {
		t.Skip("needs PostgreSQL's server binaries; the subtest said why")
	}
	if err := syscall.Kill(pid, 0); err == nil {
		t.Errorf("postgres (pid %d) still runs after its test ended", pid)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if _, err := PingPostgres(ctx, dsn); err == nil {
		t.Errorf("ping after the test ended: got nil, want an error")
	}
}

// eventuallyNoErr retries f for a few seconds until it succeeds.
func eventuallyNoErr(t *testing.T, f func() error) {
	t.Helper()
	var err error
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if err = f(); err == nil {
			return
		}
	}
	t.Fatalf("still failing after 5 s: %v", err)
}
