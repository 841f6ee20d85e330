package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"
)

const (
	markStart = "<!-- bench:start (written by `go run ./bench`; everything up to bench:end is replaced) -->"
	markEnd   = "<!-- bench:end -->"
)

const intro = `# Benchmarks

How fast ` + "`" + `sweeper sweep` + "`" + ` deletes and anonymises on MariaDB and PostgreSQL,
measured against what the database itself can do (one ` + "`" + `DELETE` + "`" + ` / one ` + "`" + `UPDATE` + "`" + `
statement), against ` + "`" + `pt-archiver --purge --bulk-delete` + "`" + ` and against the loop a
DBA would write by hand; how much it slows the shop's own traffic while it
runs; and how much memory it takes.

Reproduce (needs Go and a MariaDB; ` + "`" + `$SWEEPER_BENCH_DSN` + "`" + `, default
` + "`" + `root@tcp(127.0.0.1:3306)/` + "`" + `, must be allowed to create and drop databases
` + "`" + `sweeper_bench_*` + "`" + `; pt-archiver comes from Debian's ` + "`" + `percona-toolkit` + "`" + `; the
PostgreSQL part runs when ` + "`" + `$SWEEPER_BENCH_PG_DSN` + "`" + `, default
` + "`" + `postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable` + "`" + `, answers):

` + "`" + `` + "`" + `` + "`" + `sh
make bench                      # = go run ./bench (N = 1,000,000 orders)
go run ./bench -n 1000000       # the same
go run ./bench -n 100000        # quick, includes the 5×N run
go run ./bench -rss5x           # also the 5×N run at N = 1,000,000 (long)
go run ./bench -h               # flags: -runs, -rate, -baseline, -rss5x, -pause, -only, -no-pt, -no-gentle, -pg, -o, -keep, ...
` + "`" + `` + "`" + `` + "`" + `

What it does: generates N orders (` + "`" + `created_at` + "`" + ` spread over the ten years before
the fixed ` + "`" + `--as-of` + "`" + ` date and indexed; e-mail, salutation, phone and address
columns) into a template table, then measures each contestant on a fresh
identical copy (` + "`" + `CREATE TABLE ... LIKE` + "`" + ` + ` + "`" + `INSERT ... SELECT` + "`" + `), while a shop
client sends 200 transactions per second (alternately a new order and an update
of an existing one; one update in five touches an order older than seven years,
as a late refund does). Latency is measured from when an operation was due (open
loop). The baseline is that traffic alone for 10 s (` + "`" + `-baseline` + "`" + `). Before the
baseline and before every contestant the fresh copy's pages are written to disk
(` + "`" + `FLUSH TABLES orders FOR EXPORT` + "`" + `) and the server's purge of the round before is
waited for: otherwise the page cleaner, still writing out a million copied rows,
stalls whichever measurement comes first. The sweeper runs as a subprocess of
the binary built from this tree with ` + "`" + `batch_size = 1000` + "`" + ` (the first batch) and
` + "`" + `batch_time = "50ms"` + "`" + ` (` + "`" + `-batch` + "`" + `, ` + "`" + `-batch-time` + "`" + `), timezone Europe/Amsterdam and
an audit record per row; its time includes start-up, schema checks and the audit
table. Peak RSS is the kernel's ` + "`" + `ru_maxrss` + "`" + ` of the process. The 5×N run (the
sweeps and ` + "`" + `plan` + "`" + ` over five times the rows, without shop traffic) is on by
default only when N <= 200,000 (` + "`" + `-rss5x` + "`" + ` forces it): generating and sweeping
5,000,000 rows takes long on a small machine.

The contestants on MariaDB: the single ` + "`" + `DELETE` + "`" + ` and ` + "`" + `UPDATE` + "`" + ` (the engine's own
speed, and what one long statement does to the shop); the sweeper's delete and
anonymisation at full speed; pt-archiver ` + "`" + `--bulk-delete` + "`" + ` (1000 rows per
statement and commit, no audit); the sweeper's delete with ` + "`" + `batch_pause` + "`" + `
(10 ms, ` + "`" + `-pause` + "`" + `), what a fixed pause between batches buys the shop and costs
the sweep; the sweeper's delete with ` + "`" + `pace = "gentle"` + "`" + ` in ` + "`" + `[sweeper]` + "`" + ` and no
` + "`" + `batch_time` + "`" + ` (the pace then takes 25 ms), as README advises for a live shop,
which yields to the server's load (` + "`" + `-no-gentle` + "`" + ` leaves it out, for a sweeper
that does not know the setting); the loop a DBA would write by hand (1000-row
transactions of a locking keyset read, the ` + "`" + `DELETE` + "`" + ` or ` + "`" + `UPDATE` + "`" + ` by key list
and one multi-row audit ` + "`" + `INSERT ... VALUES` + "`" + `), what the same work done plainly
does to the shop on the same machine; and ` + "`" + `sweeper plan` + "`" + ` for both rules. On
PostgreSQL (` + "`" + `-pg` + "`" + `, on by default when the server answers; its own table): the
single statements, the sweeper's delete and anonymisation and the hand-written
loop, with the same shop traffic against PostgreSQL, whose sessions give up a
lock wait after 50 s (` + "`" + `lock_timeout` + "`" + `, as InnoDB's default). The rules here
change nothing but their own rows and are keyed by an integer, so the sweeper
takes them in spans of the key: each batch's rows are found by its locking
audit ` + "`" + `INSERT ... SELECT` + "`" + ` itself and read twice in all. The phase replay
(` + "`" + `-phases` + "`" + `) times the statements of a batch that goes by key (candidate read,
locking read, audit, change), the path of rules with related rows.

Every contestant runs once per round, rounds one after the other (five by
default, ` + "`" + `-runs` + "`" + `), so that a slow minute of the machine hits all of them alike;
each row shows the round with the median time and every round's time beside it.
The shop's p99 is also taken over the operations of every round of a contestant
together, and of every baseline together: one round of a sweep holds one to
three thousand operations, whose ten to thirty slowest one stall of the machine
provides. The targets on the shop's p99 go by that.

The targets, each judged by the bench from the run (met, missed, or not
measured when a contestant it needs did not run):

1. ` + "`" + `pace = "gentle"` + "`" + `: the shop's p99 over all rounds no higher than during
   pt-archiver ` + "`" + `--bulk-delete` + "`" + ` in the same run, and at least its rows/s.
2. Full speed on MariaDB: the delete with its audit records at ≥ 0.55× the
   single ` + "`" + `DELETE` + "`" + `'s rows/s; the anonymisation at ≥ 0.55× the single ` + "`" + `UPDATE` + "`" + `'s.
3. PostgreSQL: the sweeper's delete and anonymisation at ≥ 0.5× the single
   statement's rows/s.
4. Peak RSS of every sweeper run under 64 MiB, and flat from N to 5×N: the
   sweep's peak at 5×N at most 1.25× its peak at N (a sweep that kept its rows
   or keys in memory would grow five-fold).
5. ` + "`" + `sweeper plan` + "`" + ` over the 5×N rows in under 2 s, with ` + "`" + `created_at` + "`" + ` indexed.
6. No lock-wait timeouts in the shop's traffic during any sweeper contestant,
   in any round, on either database.
`

type report struct {
	o                                 options
	m                                 machine
	gen                               time.Duration
	dueDel, dueAnon                   int64
	cutDel, cutAnon                   string
	results                           []result
	engDel, engUpd, swDel, swAnon, pt result
	plan                              result
	rss5                              *result
	phases                            string
	// gentle is the delete with pace = "gentle"; plan5 the plan over 5×N
	// rows (nil when the 5×N run was not); sweepers every sweeper
	// contestant that ran with the shop's traffic, on either database.
	gentle   result
	plan5    *result
	sweepers []result
	pg       *pgResults
}

func (rp report) markdown() string {
	var sb strings.Builder
	w := func(f string, a ...any) { fmt.Fprintf(&sb, f, a...) }
	w("## Results (N = %s)\n\n", thousands(int64(rp.o.n)))
	w("Measured %s on %s (%d cores), %s RAM, kernel %s; MariaDB %s (%s); %s. ",
		rp.m.Date, rp.m.CPU, rp.m.Cores, rp.m.RAM, rp.m.Kernel, rp.m.MariaDB, strings.Join(rp.m.Server, ", "), rp.m.Go)
	w("As of %s (Europe/Amsterdam): %s orders due for deletion (`created_at < '%s'`), %s for anonymisation (`created_at < '%s'` with a phone or salutation). ",
		rp.o.asOfArg, thousands(rp.dueDel), rp.cutDel, thousands(rp.dueAnon), rp.cutAnon)
	w("Generating the template took %s. Shop traffic: %.0f ops/s requested. The sweeper's batch_size: %d, batch_time: %s.\n\n", rp.gen.Round(time.Millisecond), rp.o.rate, rp.o.batch, rp.o.batchTime)

	w("| run | rows | time | rows/s | vs engine | vs pt-archiver | shop p50 / p99 / max | p99 vs baseline | shop p99, all rounds | shop ops/s | lock-wait errors | peak RSS | CPU | all rounds |\n")
	w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n")
	pooledBase := rp.results[0].PooledP99
	for _, r := range rp.results {
		if r.Skipped != "" {
			w("| %s | – | – | – | – | – | – | – | – | – | – | – | %s | – |\n", r.Name, r.Skipped)
			continue
		}
		name := r.Name
		if r.Err != "" {
			name += " (FAILED: " + strings.ReplaceAll(tail(r.Err, 200), "|", "/") + ")"
		}
		rows, dur, rate := thousands(r.Rows), r.Dur.Round(time.Millisecond).String(), fmt.Sprintf("%.0f", r.rate())
		if r.Kind == "baseline" {
			rows, rate = "–", "–"
		}
		if r.Kind == "plan" {
			rows, rate = "–", "–"
		}
		vsEng, vsPT := "–", "–"
		switch r.Kind {
		case "delete":
			vsEng = ratio(r.rate(), rp.engDel.rate())
			vsPT = ratio(r.rate(), rp.pt.rate())
		case "anonymise":
			vsEng = ratio(r.rate(), rp.engUpd.rate())
		}
		lat, vsBase, ops, lw := "–", "–", "–", "–"
		if t := r.Traffic; t != nil {
			lat = fmt.Sprintf("%s / %s / %s", ms(t.P50), ms(t.P99), ms(t.Max))
			ops = fmt.Sprintf("%.0f", t.Rate)
			lw = fmt.Sprint(t.LockWait)
			if t.Deadlock+t.Other > 0 {
				lw += fmt.Sprintf(" (+%d deadlocks, %d other)", t.Deadlock, t.Other)
			}
			if r.Kind != "baseline" && rp.results[0].Traffic != nil && rp.results[0].Traffic.P99 > 0 {
				vsBase = fmt.Sprintf("%.1f×", float64(t.P99)/float64(rp.results[0].Traffic.P99))
			}
		}
		pooled := "–"
		if r.PooledOps > 0 {
			pooled = ms(r.PooledP99)
			if r.Kind != "baseline" && pooledBase > 0 {
				pooled += fmt.Sprintf(" (%.1f×)", float64(r.PooledP99)/float64(pooledBase))
			}
		}
		rss, cpu := "–", "–"
		if r.RSSKiB > 0 {
			rss = fmt.Sprintf("%.1f MiB", float64(r.RSSKiB)/1024)
			cpu = r.CPU.Round(10 * time.Millisecond).String()
		}
		all := r.Note
		if len(r.Times) > 0 {
			ts := make([]string, len(r.Times))
			for i, d := range r.Times {
				ts[i] = d.Round(10 * time.Millisecond).String()
			}
			all = strings.Join(ts, " / ")
		}
		w("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", name, rows, dur, rate, vsEng, vsPT, lat, vsBase, pooled, ops, lw, rss, cpu, all)
	}
	w("\n`vs engine`: rows/s divided by the single statement's rows/s; `vs pt-archiver`: by pt-archiver's. CPU is the sweeper process's user+system time. Each row is the round with the median time of %d rounds (`all rounds`: every round's time, fastest first); the baseline is the round with the median p99 (`all rounds`: every round's p99). `shop p99, all rounds`: the p99 of the shop's operations of every round of that run together, against the same for the baseline; the targets go by it.\n\n", max(1, rp.o.runs))

	w("### Targets\n\n")
	w("| target | measured | |\n|---|---|---|\n")
	for _, t := range rp.targets() {
		w("| %s | %s | %s |\n", t.name, t.measured, t.verdict())
	}
	if rp.pg != nil {
		w("\n%s", rp.pg.markdown(rp.o))
	}

	if rp.phases != "" {
		w("\n%s", rp.phases)
	}
	w("\n### Server work per run\n\nDeltas of `SHOW GLOBAL STATUS` around each run (they include the shop traffic's own statements).\n\n")
	w("| run |")
	for _, c := range counterNames {
		w(" %s |", c)
	}
	w("\n|---|")
	for range counterNames {
		w("---:|")
	}
	w("\n")
	for _, r := range rp.results {
		if r.Counters == nil {
			continue
		}
		w("| %s |", r.Name)
		for _, c := range counterNames {
			w(" %s |", thousands(r.Counters[c]))
		}
		w("\n")
	}
	return sb.String()
}

func safeDiv(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func ratio(a, b float64) string {
	if a == 0 || b == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f×", a/b)
}

func thousands(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}

// writeSection replaces the marked section of path with text, keeping
// whatever else the file says; a missing file gets the intro first.
func writeSection(path, text string) error {
	section := markStart + "\n" + text + "\n" + markEnd + "\n"
	old, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return os.WriteFile(path, []byte(intro+section), 0o644)
	}
	if err != nil {
		return err
	}
	s := string(old)
	i, j := strings.Index(s, markStart), strings.Index(s, markEnd)
	if i < 0 || j < i {
		return os.WriteFile(path, []byte(strings.TrimRight(s, "\n")+"\n\n"+section), 0o644)
	}
	return os.WriteFile(path, []byte(s[:i]+section+strings.TrimLeft(s[j+len(markEnd):], "\n")), 0o644)
}
