package main

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"
)

// machine is what the numbers depend on besides the code.
type machine struct {
	CPU, RAM, MariaDB, Go, Date, Kernel string
	Cores                               int
	Server                              []string // relevant server variables
}

func machineFacts(ctx context.Context, db *sql.DB) machine {
	m := machine{CPU: "unknown", RAM: "unknown", Cores: runtime.NumCPU(), Go: runtime.Version(),
		Date: time.Now().UTC().Format("2006-01-02 15:04 MST")}
	if v := procField("/proc/cpuinfo", "model name"); v != "" {
		m.CPU = v
	}
	if v := procField("/proc/meminfo", "MemTotal"); v != "" {
		var kb int64
		fmt.Sscanf(v, "%d", &kb)
		m.RAM = fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	db.QueryRowContext(ctx, "SELECT VERSION()").Scan(&m.MariaDB)
	for _, v := range []string{"innodb_buffer_pool_size", "innodb_flush_log_at_trx_commit", "log_bin", "innodb_lock_wait_timeout", "transaction_isolation", "tx_isolation"} {
		var name, val string
		if err := db.QueryRowContext(ctx, "SHOW GLOBAL VARIABLES LIKE '"+v+"'").Scan(&name, &val); err == nil {
			if v == "innodb_buffer_pool_size" {
				var n int64
				fmt.Sscanf(val, "%d", &n)
				val = fmt.Sprintf("%d MiB", n>>20)
			}
			m.Server = append(m.Server, name+"="+val)
		}
	}
	return m
}

func procField(path, key string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// counters are the server's status counters that explain where a run spent
// its work; deltas are taken around every run.
var counterNames = []string{"Questions", "Com_select", "Com_delete", "Com_update", "Com_insert", "Handler_commit",
	"Handler_read_key", "Handler_read_next", "Handler_read_rnd_next", "Handler_delete", "Handler_update", "Handler_write",
	"Innodb_buffer_pool_reads", "Innodb_data_fsyncs", "Innodb_os_log_written", "Innodb_row_lock_waits", "Innodb_row_lock_time"}

func readCounters(ctx context.Context, db *sql.DB) map[string]int64 {
	out := map[string]int64{}
	rows, err := db.QueryContext(ctx, "SHOW GLOBAL STATUS")
	if err != nil {
		return out
	}
	defer rows.Close()
	want := map[string]bool{}
	for _, n := range counterNames {
		want[strings.ToLower(n)] = true
	}
	for rows.Next() {
		var k string
		var v sql.NullString
		if rows.Scan(&k, &v) != nil {
			continue
		}
		if want[strings.ToLower(k)] {
			var n int64
			fmt.Sscanf(v.String, "%d", &n)
			for _, c := range counterNames {
				if strings.EqualFold(c, k) {
					out[c] = n
				}
			}
		}
	}
	return out
}

func diffCounters(a, b map[string]int64) map[string]int64 {
	out := map[string]int64{}
	for k, v := range b {
		out[k] = v - a[k]
	}
	return out
}
