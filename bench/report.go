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

How fast ` + "`" + `sweeper sweep` + "`" + ` deletes and anonymises on MariaDB, measured against
what the database itself can do (one ` + "`" + `DELETE` + "`" + ` / one ` + "`" + `UPDATE` + "`" + ` statement) and against
` + "`" + `pt-archiver --purge --bulk-delete` + "`" + `; how much it slows the shop's own traffic
while it runs; and how much memory it takes.

Reproduce (needs Go and a MariaDB; ` + "`" + `$SWEEPER_BENCH_DSN` + "`" + `, default
` + "`" + `root@tcp(127.0.0.1:3306)/` + "`" + `, must be allowed to create and drop databases
` + "`" + `sweeper_bench_*` + "`" + `; pt-archiver comes from Debian's ` + "`" + `percona-toolkit` + "`" + `):

` + "`" + `` + "`" + `` + "`" + `sh
make bench                      # = go run ./bench (N = 1,000,000 orders)
go run ./bench -n 1000000       # the same
go run ./bench -n 100000        # quick, includes the 5×N memory run
go run ./bench -rss5x           # also the 5×N memory run at N = 1,000,000 (long)
go run ./bench -h               # flags: -runs, -rate, -baseline, -rss5x, -pause, -only, -no-pt, -o, -keep, ...
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
table. Peak RSS is the kernel's ` + "`" + `ru_maxrss` + "`" + ` of the process. The 5×N memory run
is on by default only when N <= 200,000 (` + "`" + `-rss5x` + "`" + ` forces it): generating and
sweeping 5,000,000 rows takes long on a small machine.

Every contestant runs once per round, rounds one after the other (five by
default, ` + "`" + `-runs` + "`" + `), so that a slow minute of the machine hits all of them alike;
each row shows the round with the median time and every round's time beside it.
The shop's p99 is also taken over the operations of every round of a contestant
together, and of every baseline together: one round of a sweep holds one to
three thousand operations, whose ten to thirty slowest one stall of the machine
provides. The targets on the shop's p99 go by that. Three extra contestants:
the sweeper's delete with ` + "`" + `batch_pause` + "`" + ` (10 ms, ` + "`" + `-pause` + "`" + `), what a pause between
batches buys the shop and costs the sweep; and the loop a DBA would write by
hand (1000-row transactions of a locking keyset read, the ` + "`" + `DELETE` + "`" + ` or ` + "`" + `UPDATE` + "`" + `
by key list and one multi-row audit ` + "`" + `INSERT ... VALUES` + "`" + `), what the same work
done plainly does to the shop on the same machine.
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
	target := func(name, got string, ok bool, known bool) {
		mark := "met"
		if !known {
			mark = "not measured"
		} else if !ok {
			mark = "**missed**"
		}
		w("| %s | %s | %s |\n", name, got, mark)
	}
	// A target whose contestants did not all run (-only, -no-pt, a
	// failure) is not measured: a zero time must not read as "met".
	ran := func(rs ...result) bool {
		for _, r := range rs {
			if r.Err != "" || r.Skipped != "" || r.Dur <= 0 {
				return false
			}
		}
		return true
	}
	dr := safeDiv(rp.swDel.rate(), rp.engDel.rate())
	target("sweeper delete with audit ≥ 0.5× single DELETE", fmt.Sprintf("%.2f×", dr), dr >= 0.5, ran(rp.swDel, rp.engDel))
	pr := safeDiv(rp.swDel.rate(), rp.pt.rate())
	target("sweeper delete faster than pt-archiver --bulk-delete", fmt.Sprintf("%.2f×", pr), pr > 1, ran(rp.swDel, rp.pt))
	ar := safeDiv(rp.swAnon.rate(), rp.engUpd.rate())
	target("sweeper anonymise with audit ≥ 0.3× single UPDATE", fmt.Sprintf("%.2f×", ar), ar >= 0.3, ran(rp.swAnon, rp.engUpd))
	base := rp.results[0].Traffic
	for _, r := range []result{rp.swDel, rp.swAnon} {
		if r.Traffic == nil || base == nil {
			continue
		}
		// The p99 over every round's operations, against the baseline's
		// over every round: a single round's rests on a thousand or so
		// operations, whose slowest ten one stall of the machine can fill.
		x := float64(r.PooledP99) / float64(max(1, pooledBase))
		xm := float64(r.Traffic.P99) / float64(max(1, base.P99))
		target(fmt.Sprintf("shop p99 during %s ≤ 2× baseline", r.Name),
			fmt.Sprintf("%s vs %s (%.1f×) over all rounds; median round %s vs %s (%.1f×)", ms(r.PooledP99), ms(pooledBase), x, ms(r.Traffic.P99), ms(base.P99), xm),
			x <= 2, r.PooledOps > 0 && pooledBase > 0)
		target(fmt.Sprintf("no lock-wait timeouts during %s", r.Name), fmt.Sprintf("%d", r.Traffic.LockWait), r.Traffic.LockWait == 0, true)
	}
	peak := max(rp.swDel.RSSKiB, rp.swAnon.RSSKiB)
	target("sweeper peak RSS < 64 MiB at N", fmt.Sprintf("%.1f MiB", float64(peak)/1024), peak < 64*1024, peak > 0 && ran(rp.swDel, rp.swAnon))
	if rp.rss5 != nil {
		// "No higher" with 10% slack for the runtime's own noise.
		target("peak RSS at 5×N no higher than at N (±10%)", fmt.Sprintf("%.1f MiB vs %.1f MiB", float64(rp.rss5.RSSKiB)/1024, float64(peak)/1024),
			float64(rp.rss5.RSSKiB) <= 1.1*float64(peak), rp.rss5.RSSKiB > 0 && rp.rss5.Err == "" && peak > 0)
	} else {
		target("peak RSS at 5×N no higher than at N", "not run (-rss5x)", false, false)
	}
	target(fmt.Sprintf("`sweeper plan` over the %s-row table < 1 s", thousands(int64(rp.o.n))), rp.plan.Dur.Round(time.Millisecond).String(), rp.plan.Dur < time.Second, ran(rp.plan))

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
