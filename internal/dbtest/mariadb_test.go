package dbtest

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestPrivateMariaDB starts a server of the test's own, stops it and starts
// it again: the data and the port survive, and while it is down nothing
// answers there.
func TestPrivateMariaDB(t *testing.T) {
	srv := PrivateMariaDB(t)
	if srv.Port == 0 {
		t.Fatal("Port: got 0, want the port the server listens on")
	}
	if want := "root@tcp(127.0.0.1:" + strconv.Itoa(srv.Port) + ")/shop"; srv.DSN("shop") != want {
		t.Errorf("DSN: got %q, want %q", srv.DSN("shop"), want)
	}
	Exec(t, srv.DSN(""), "CREATE DATABASE shop CHARACTER SET utf8mb4")
	Exec(t, srv.DSN("shop"), "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20))", "INSERT INTO t VALUES (1, 'ëmoji 😀')")
	db := Open(t, srv.DSN("shop"))

	port := srv.Port
	srv.Restart(t)
	if srv.Port != port {
		t.Errorf("port after Restart: got %d, want %d", srv.Port, port)
	}
	// The pool opened before the restart reconnects by itself.
	var v string
	if err := db.QueryRow("SELECT v FROM t WHERE id = 1").Scan(&v); err != nil {
		t.Fatalf("read after Restart: %v", err)
	}
	if v != "ëmoji 😀" {
		t.Errorf("row after Restart: got %q, want %q", v, "ëmoji 😀")
	}

	pid := serverPID(t, srv)
	srv.Stop(t)
	if err := syscall.Kill(pid, 0); err == nil {
		t.Errorf("mariadbd (pid %d) still runs after Stop", pid)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err == nil {
		t.Errorf("ping while stopped: got nil, want an error")
	}

	srv.Start(t)
	if err := db.QueryRow("SELECT v FROM t WHERE id = 1").Scan(&v); err != nil {
		t.Fatalf("read after Start: %v", err)
	}
}

// TestPrivateMariaDB_Cleanup: the server is gone once the test that started
// it has ended.
func TestPrivateMariaDB_Cleanup(t *testing.T) {
	var pid int
	var dsn string
	t.Run("server", func(t *testing.T) {
		srv := PrivateMariaDB(t)
		pid, dsn = serverPID(t, srv), srv.DSN("")
	})
	if pid == 0 {
		t.Skip("needs MariaDB's server binaries; the subtest said why")
	}
	if err := syscall.Kill(pid, 0); err == nil {
		t.Errorf("mariadbd (pid %d) still runs after its test ended", pid)
	}
	db, err := sql.Open("mysql", dsn+"?timeout=1s")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Ping(); err == nil {
		t.Errorf("ping after the test ended: got nil, want an error")
	}
}

func serverPID(t *testing.T, srv *Server) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(srv.Dir, "mysqld.pid"))
	if err != nil {
		t.Fatalf("pid file: %v", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatalf("pid file: %v", err)
	}
	return pid
}
