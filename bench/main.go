// Command bench measures how fast sweeper deletes and anonymises on MariaDB
// against what the database itself can do (one DELETE, one UPDATE) and
// against pt-archiver, how much it slows a shop's own traffic down while it
// runs, and how much memory it takes. It creates and drops its own database
// sweeper_bench_<pid> on the server of $SWEEPER_BENCH_DSN (default
// root@tcp(127.0.0.1:3306)/), prints a table and writes it to BENCHMARKS.md.
//
//	go run ./bench                 # N = 1,000,000
//	go run ./bench -n 100000       # quick
package main

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/go-sql-driver/mysql"
)

const defaultDSN = "root@tcp(127.0.0.1:3306)/"

type options struct {
	n            int
	dsn          string
	asOf         time.Time
	asOfArg      string
	rate         float64
	baseline     time.Duration
	rss5x        bool
	skipPT       bool
	out          string
	keep         bool
	shopLockWait int
	phases       bool
	phasesOnly   bool
	runs         int
	only         string
	pause        string
	batch        int
	batchTime    string
	// noGentle skips the contestant with pace = "gentle".
	noGentle bool
	// pg runs the PostgreSQL contestants at pgDSN; pgForced: -pg was
	// given, and a server that does not answer is an error.
	pg       bool
	pgForced bool
	pgDSN    string
}

// result is one measured run.
type result struct {
	Name     string
	Kind     string // delete, anonymise, plan, baseline
	Rows     int64
	Dur      time.Duration
	RSSKiB   int64 // peak RSS of the sweeper process
	CPU      time.Duration
	Traffic  *trafficResult
	Counters map[string]int64
	Skipped  string
	Err      string
	Note     string          // the all-rounds cell when Times is empty
	Runs     int             // rounds this row is the median of
	Times    []time.Duration // every round's time, fastest first
	// PooledP99 is the shop's p99 over the operations of every round
	// (PooledOps of them), not only the median round's.
	PooledP99 time.Duration
	PooledOps int
	// LockWaits are the shop's lock-wait timeouts in every round together.
	LockWaits int
}

// medianRun is the round with the median time (of the runs that did not
// fail), with the times of all of them.
func medianRun(rs []result) result {
	var ok []result
	for _, r := range rs {
		if r.Err == "" && r.Skipped == "" {
			ok = append(ok, r)
		}
	}
	if len(ok) == 0 {
		return rs[0]
	}
	slices.SortStableFunc(ok, func(x, y result) int { return cmp.Compare(x.Dur, y.Dur) })
	m := ok[len(ok)/2]
	m.Runs = len(ok)
	var ts []*trafficResult
	for _, r := range ok {
		m.Times = append(m.Times, r.Dur)
		if r.Traffic != nil {
			ts = append(ts, r.Traffic)
			m.LockWaits += r.Traffic.LockWait
		}
	}
	m.PooledP99, m.PooledOps = pooledP99(ts)
	return m
}

func (r result) rate() float64 {
	if r.Dur <= 0 {
		return 0
	}
	return float64(r.Rows) / r.Dur.Seconds()
}

func main() {
	var o options
	flag.IntVar(&o.n, "n", 1000000, "orders in the generated table")
	flag.StringVar(&o.asOfArg, "as-of", "2026-01-01", "the fixed date the sweeps run as of (midnight Europe/Amsterdam); created_at spans the ten years before it")
	flag.Float64Var(&o.rate, "rate", 200, "shop traffic: operations per second during every measurement")
	flag.DurationVar(&o.baseline, "baseline", 10*time.Second, "length of the traffic baseline with nothing else running")
	flag.BoolVar(&o.rss5x, "rss5x", false, "also measure the sweeper's peak RSS on 5×N rows (default: on when N <= 200000, off above, to keep the run short)")
	flag.BoolVar(&o.skipPT, "no-pt", false, "skip pt-archiver even when it is installed")
	flag.StringVar(&o.out, "o", "BENCHMARKS.md", "file whose marked section receives the results (\"\" = print only)")
	flag.BoolVar(&o.keep, "keep", false, "keep the sweeper_bench_* database afterwards")
	flag.IntVar(&o.shopLockWait, "shop-lock-wait", 0, "innodb_lock_wait_timeout of the shop's sessions in seconds (0 = the server's default)")
	flag.BoolVar(&o.phases, "phases", true, "also replay the sweeper's statements with plain database/sql and time each phase of a batch")
	flag.IntVar(&o.runs, "runs", 5, "rounds of every measurement; each row of the table is the round with the median time (the baseline: the median p99)")
	flag.IntVar(&o.batch, "batch", 1000, "the sweeper's batch_size: with -batch-time the first batch's (pt-archiver's --limit stays 1000)")
	flag.StringVar(&o.batchTime, "batch-time", "50ms", "the sweeper's batch_time (\"0s\": every batch -batch rows)")
	flag.StringVar(&o.pause, "pause", "10ms", "batch_pause of the paced sweeper delete")
	flag.StringVar(&o.only, "only", "", "run only the contestants whose name matches this regular expression (for trying a change; the targets need them all)")
	flag.BoolVar(&o.phasesOnly, "phases-only", false, "only generate the table and run the phase replay (prints, writes nothing)")
	flag.BoolVar(&o.noGentle, "no-gentle", false, "skip the sweeper's delete with pace = \"gentle\" (for a sweeper whose config does not know pace)")
	flag.BoolVar(&o.pg, "pg", true, "also run the contestants that exist on PostgreSQL ($SWEEPER_BENCH_PG_DSN, default "+defaultPGDSN+"), when it answers")
	flag.Parse()
	rssSet := false
	flag.Visit(func(f *flag.Flag) {
		rssSet = rssSet || f.Name == "rss5x"
		o.pgForced = o.pgForced || (f.Name == "pg" && o.pg)
	})
	if o.pgDSN = os.Getenv("SWEEPER_BENCH_PG_DSN"); o.pgDSN == "" {
		o.pgDSN = defaultPGDSN
	}
	if !rssSet {
		o.rss5x = o.n <= 200000
	}
	o.dsn = os.Getenv("SWEEPER_BENCH_DSN")
	if o.dsn == "" {
		o.dsn = defaultDSN
	}
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		fatal(err)
	}
	if o.asOf, err = time.ParseInLocation("2006-01-02", o.asOfArg, ams); err != nil {
		fatal(fmt.Errorf("-as-of: %w", err))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		fatal(err)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "bench:", err)
	os.Exit(1)
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s  %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

// bench is the state of one run.
type bench struct {
	o       options
	cfg     *mysql.Config // the bench database's DSN
	db      *sql.DB
	dbName  string
	bin     string
	cfgPath string
	// pacedPath is the config with batch_pause = -pause.
	pacedPath string
	// gentlePath is the config with pace = "gentle".
	gentlePath string
	tmp        string
	maxID      int64
	cutDel     string // created_at < cutDel: 7 years before as_of
	cutAnon    string // 6 months before as_of
	baseline   trafficResult
}

func run(ctx context.Context, o options) error {
	cfg, err := mysql.ParseDSN(o.dsn)
	if err != nil {
		return fmt.Errorf("SWEEPER_BENCH_DSN: %w", err)
	}
	admin, err := sql.Open("mysql", o.dsn)
	if err != nil {
		return err
	}
	defer admin.Close()
	if err := admin.PingContext(ctx); err != nil {
		return fmt.Errorf("no MariaDB at %s: %w (set SWEEPER_BENCH_DSN)", cfg.Addr, err)
	}
	b := &bench{o: o, dbName: fmt.Sprintf("sweeper_bench_%d", os.Getpid())}
	b.cutDel = o.asOf.AddDate(-7, 0, 0).Format("2006-01-02 15:04:05")
	b.cutAnon = o.asOf.AddDate(0, -6, 0).Format("2006-01-02 15:04:05")
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+b.dbName); err != nil {
		return err
	}
	if !o.keep {
		defer admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+b.dbName)
	}
	b.cfg = cfg.Clone()
	b.cfg.DBName = b.dbName
	b.cfg.ParseTime = false
	if b.db, err = sql.Open("mysql", b.cfg.FormatDSN()); err != nil {
		return err
	}
	defer b.db.Close()

	if b.tmp, err = os.MkdirTemp("", "sweeper-bench-"); err != nil {
		return err
	}
	defer os.RemoveAll(b.tmp)
	b.bin = filepath.Join(b.tmp, "sweeper")
	logf("building sweeper")
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", b.bin, "./cmd/sweeper").CombinedOutput(); err != nil {
		return fmt.Errorf("go build ./cmd/sweeper (run from the repository root): %v\n%s", err, out)
	}
	if err := b.writeConfig(); err != nil {
		return err
	}

	m := machineFacts(ctx, b.db)
	logf("generating %d orders", o.n)
	t0 := time.Now()
	if err := generate(ctx, b.db, "orders_tmpl", o.n, o.asOf); err != nil {
		return err
	}
	gen := time.Since(t0)
	logf("generated in %s (%.0f rows/s)", gen.Round(time.Millisecond), float64(o.n)/gen.Seconds())
	if b.maxID, err = countWhere(ctx, b.db, "SELECT MAX(id) FROM orders_tmpl"); err != nil {
		return err
	}
	dueDel, _ := countWhere(ctx, b.db, "SELECT COUNT(*) FROM orders_tmpl WHERE created_at < ?", b.cutDel)
	dueAnon, _ := countWhere(ctx, b.db, "SELECT COUNT(*) FROM orders_tmpl WHERE created_at < ? AND (phone IS NOT NULL OR salutation IS NOT NULL)", b.cutAnon)
	logf("due: %d to delete (created_at < %s), %d to anonymise (created_at < %s)", dueDel, b.cutDel, dueAnon, b.cutAnon)

	if o.phasesOnly {
		fmt.Println(phaseTable(ctx, b))
		return nil
	}

	var results []result
	add := func(r result) {
		results = append(results, r)
		logf("%-28s %s", r.Name, r.summary())
	}

	// Every contestant runs once per round, rounds one after the other, so
	// that a slow minute of the machine hits all of them alike.
	const (
		nameEngDel = "engine: single DELETE"
		nameEngUpd = "engine: single UPDATE"
		nameSwDel  = "sweeper sweep: delete"
		nameSwAnon = "sweeper sweep: anonymise"
		namePT     = "pt-archiver --bulk-delete"
		namePlan   = "sweeper plan (both rules)"
		nameGentle = "sweeper sweep: delete, pace gentle"
	)
	type contestant struct {
		name, kind string
		traffic    bool
		f          func(context.Context, *result) error
	}
	contestants := []contestant{
		{nameEngDel, "delete", true, func(ctx context.Context, r *result) error {
			res, err := b.db.ExecContext(ctx, "DELETE FROM orders WHERE created_at < ?", b.cutDel)
			if err == nil {
				r.Rows, _ = res.RowsAffected()
			}
			return err
		}},
		{nameEngUpd, "anonymise", true, func(ctx context.Context, r *result) error {
			res, err := b.db.ExecContext(ctx, "UPDATE orders SET phone = NULL, salutation = NULL WHERE created_at < ? AND (phone IS NOT NULL OR salutation IS NOT NULL)", b.cutAnon)
			if err == nil {
				r.Rows, _ = res.RowsAffected()
			}
			return err
		}},
		{nameSwDel, "delete", true, b.sweep("order-7y")},
		{nameSwAnon, "anonymise", true, b.sweep("order-phone-6m")},
		{namePT, "delete", true, b.ptArchiver},
		{"sweeper sweep: delete, batch_pause " + o.pause, "delete", true, b.sweepWith(b.pacedPath, "order-7y")},
		{nameGentle, "delete", true, b.sweepWith(b.gentlePath, "order-7y")},
		{"hand-written keyset loop: delete", "delete", true, b.handLoop(false)},
		{"hand-written keyset loop: anonymise", "anonymise", true, b.handLoop(true)},
		{namePlan, "plan", false, func(ctx context.Context, r *result) error {
			return b.sweeper(ctx, r, "plan", "--as-of", o.asOfArg)
		}},
	}
	ptSkipped := ""
	if _, err := exec.LookPath("pt-archiver"); o.skipPT {
		ptSkipped = "skipped (-no-pt)"
	} else if err != nil {
		ptSkipped = "pt-archiver not installed (apt-get install percona-toolkit)"
		fmt.Fprintln(os.Stderr, ptSkipped)
	}
	var only *regexp.Regexp
	if o.only != "" {
		if only, err = regexp.Compile(o.only); err != nil {
			return fmt.Errorf("-only: %w", err)
		}
	}
	var baselines []trafficResult
	rounds := make([][]result, len(contestants))
	for round := 1; round <= max(1, o.runs); round++ {
		logf("round %d of %d", round, max(1, o.runs))
		// Baseline: the shop alone.
		if err := freshCopy(ctx, b.db, "orders_tmpl"); err != nil {
			return err
		}
		b.quiesce(ctx)
		bctx, cancel := context.WithTimeout(ctx, o.baseline)
		t := b.shop().run(bctx)
		cancel()
		baselines = append(baselines, t)
		logf("%-28s %s", "baseline (shop traffic only)", t.summary())
		for i, c := range contestants {
			r := result{Name: c.name, Kind: c.kind, Skipped: ptSkipped}
			if only != nil && !only.MatchString(c.name) {
				r.Skipped = "not run (-only)"
			} else if c.name == nameGentle && o.noGentle {
				r.Skipped = "skipped (-no-gentle)"
			} else if c.name != namePT || ptSkipped == "" {
				r = b.measure(ctx, c.name, c.kind, c.traffic, c.f)
			}
			rounds[i] = append(rounds[i], r)
			logf("%-28s %s", r.Name, r.summary())
		}
	}
	slices.SortStableFunc(baselines, func(x, y trafficResult) int { return cmp.Compare(x.P99, y.P99) })
	b.baseline = baselines[len(baselines)/2]
	var p99s []string
	var bts []*trafficResult
	for i, t := range baselines {
		p99s = append(p99s, "p99 "+ms(t.P99))
		bts = append(bts, &baselines[i])
	}
	base := result{Name: "baseline (shop traffic only)", Kind: "baseline", Dur: b.baseline.Dur, Traffic: &b.baseline,
		Runs: len(baselines), Note: strings.Join(p99s, " / ")}
	base.PooledP99, base.PooledOps = pooledP99(bts)
	results = append(results, base)
	// The targets take their contestants by name: by position, a contestant
	// added to the list once judged the plan's time by another's.
	median := map[string]result{}
	for i, rs := range rounds {
		m := medianRun(rs)
		median[contestants[i].name] = m
		results = append(results, m)
	}
	engDel, engUpd, pt, plan := median[nameEngDel], median[nameEngUpd], median[namePT], median[namePlan]
	swDel, swAnon, gentle := median[nameSwDel], median[nameSwAnon], median[nameGentle]
	var sweepers []result // every sweeper contestant with the shop's traffic
	for _, c := range contestants {
		if strings.HasPrefix(c.name, "sweeper sweep") {
			sweepers = append(sweepers, median[c.name])
		}
	}

	phaseText := ""
	if o.phases {
		logf("replaying the sweeper's statements phase by phase")
		phaseText = phaseTable(ctx, b)
	}

	var rss5, plan5 *result
	if o.rss5x {
		logf("generating %d orders for the 5×N memory run", 5*o.n)
		if err := generate(ctx, b.db, "orders_tmpl5", 5*o.n, o.asOf); err != nil {
			return err
		}
		r := b.measureFrom(ctx, "orders_tmpl5", "sweeper sweep: delete, 5×N", "delete", false, b.sweep("order-7y"))
		r2 := b.measureFrom(ctx, "orders_tmpl5", "sweeper sweep: anonymise, 5×N", "anonymise", false, b.sweep("order-phone-6m"))
		p5 := b.measureFrom(ctx, "orders_tmpl5", "sweeper plan (both rules), 5×N", "plan", false, func(ctx context.Context, r *result) error {
			return b.sweeper(ctx, r, "plan", "--as-of", o.asOfArg)
		})
		b.db.ExecContext(ctx, "DROP TABLE IF EXISTS orders_tmpl5")
		add(r)
		add(r2)
		add(p5)
		plan5 = &p5
		rss5 = &r
		if r2.RSSKiB > r.RSSKiB {
			rss5 = &r2
		}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var pg *pgResults
	if o.pg {
		if pg, err = b.runPostgres(ctx); err != nil {
			return err
		}
		sweepers = append(sweepers, pg.SwDel, pg.SwAnon)
	} else {
		pg = &pgResults{Skipped: "not run (-pg=false)"}
	}

	rep := report{o: o, m: m, gen: gen, dueDel: dueDel, dueAnon: dueAnon, cutDel: b.cutDel, cutAnon: b.cutAnon,
		results: results, engDel: engDel, engUpd: engUpd, swDel: swDel, swAnon: swAnon, pt: pt, plan: plan, rss5: rss5, phases: phaseText,
		gentle: gentle, plan5: plan5, sweepers: sweepers, pg: pg}
	text := rep.markdown()
	fmt.Println(text)
	if o.out != "" {
		if err := writeSection(o.out, text); err != nil {
			return err
		}
		logf("wrote %s", o.out)
	}
	return nil
}

func (r result) summary() string {
	if r.Skipped != "" {
		return r.Skipped
	}
	s := fmt.Sprintf("%d rows in %s (%.0f rows/s)", r.Rows, r.Dur.Round(time.Millisecond), r.rate())
	if r.RSSKiB > 0 {
		s += fmt.Sprintf(", peak RSS %.1f MiB, CPU %s", float64(r.RSSKiB)/1024, r.CPU.Round(time.Millisecond))
	}
	if t := r.Traffic; t != nil {
		s += "; " + t.summary()
	}
	if r.Err != "" {
		s += "; ERROR: " + r.Err
	}
	return s
}

func (t *trafficResult) summary() string {
	s := fmt.Sprintf("shop p50 %s p99 %s max %s, %.0f ops/s, %d lock waits (p99", ms(t.P50), ms(t.P99), ms(t.Max), t.Rate, t.LockWait)
	for k, d := range t.ByKind {
		s += fmt.Sprintf(" %s %s", [...]string{opInsert: "insert", opRecent: "recent", opOld: "old"}[k], ms(d))
	}
	s += ")"
	if len(t.SlowAt) > 0 {
		s += "; slowest 1% due at"
		for _, d := range t.SlowAt {
			s += " " + strconv.FormatFloat(d.Seconds(), 'f', 2, 64) + "s"
		}
	}
	if t.Other > 0 {
		s += fmt.Sprintf(", %d other errors (%s)", t.Other, t.lastErr)
	}
	return s
}

func ms(d time.Duration) string { return strconv.FormatFloat(float64(d)/1e6, 'f', 1, 64) + " ms" }

func (b *bench) shop() *shop {
	c := b.cfg.Clone()
	if b.o.shopLockWait > 0 {
		if c.Params == nil {
			c.Params = map[string]string{}
		}
		c.Params["innodb_lock_wait_timeout"] = strconv.Itoa(b.o.shopLockWait)
	}
	db, _ := sql.Open("mysql", c.FormatDSN())
	db.SetMaxOpenConns(64)
	db.SetMaxIdleConns(64)
	return &shop{db: db, rate: b.o.rate, maxID: b.maxID, newAt: b.o.asOf.Add(-time.Hour).Format("2006-01-02 15:04:05"), inflight: 64}
}

func (b *bench) measure(ctx context.Context, name, kind string, traffic bool, f func(context.Context, *result) error) result {
	return b.measureFrom(ctx, "orders_tmpl", name, kind, traffic, f)
}

// quiesce waits (30 s at most) until the server has purged what the last
// contestant deleted, and writes the fresh copy's pages to disk, so that no
// contestant, and not the baseline either, pays for the one before it or
// for the copy: the page cleaner writing out a million copied rows in the
// background stalls the shop's traffic for tens of milliseconds at a time.
func (b *bench) quiesce(ctx context.Context) {
	// FOR EXPORT returns once the table's pages are on disk. Without it
	// (a user without the privileges it needs) the run goes on, less fair.
	conn, err := b.db.Conn(ctx)
	if err == nil {
		if _, err = conn.ExecContext(ctx, "FLUSH TABLES orders FOR EXPORT"); err == nil {
			_, err = conn.ExecContext(ctx, "UNLOCK TABLES")
		}
		conn.Close()
	}
	if err != nil && ctx.Err() == nil {
		logf("warning: could not flush the fresh copy before measuring: %v", err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		var history int64
		err := b.db.QueryRowContext(ctx, `SELECT variable_value FROM information_schema.global_status
			WHERE variable_name = 'INNODB_HISTORY_LIST_LENGTH'`).Scan(&history)
		if err != nil || history < 1000 {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// measureFrom makes a fresh copy of tmpl, then runs f while the shop's
// traffic runs (when traffic is set), with the server's counters around it.
func (b *bench) measureFrom(ctx context.Context, tmpl, name, kind string, traffic bool, f func(context.Context, *result) error) result {
	r := result{Name: name, Kind: kind}
	if ctx.Err() != nil {
		r.Skipped = "interrupted"
		return r
	}
	if err := freshCopy(ctx, b.db, tmpl); err != nil {
		r.Err = err.Error()
		return r
	}
	b.quiesce(ctx)
	var tres chan trafficResult
	tctx, stopTraffic := context.WithCancel(ctx)
	defer stopTraffic()
	var sh *shop
	if traffic {
		sh = b.shop()
		defer sh.db.Close()
		sh.db.PingContext(ctx)
		tres = make(chan trafficResult, 1)
		go func() { tres <- sh.run(tctx) }()
	}
	before := readCounters(ctx, b.db)
	t0 := time.Now()
	err := f(ctx, &r)
	r.Dur = time.Since(t0)
	stopTraffic()
	if traffic {
		t := <-tres
		r.Traffic = &t
	}
	r.Counters = diffCounters(before, readCounters(ctx, b.db))
	if err != nil {
		r.Err = err.Error()
	}
	return r
}

// writeConfig writes the sweeper's config: the bench database, one rule per
// action, batch_size as -batch (by default 1000, pt-archiver's --limit),
// batch_time as -batch-time.
func (b *bench) writeConfig() error {
	c := b.cfg.Clone()
	c.ParseTime = true
	text := fmt.Sprintf(`[database]
driver = "mysql"
dsn = %s

[sweeper]
timezone = "Europe/Amsterdam"
batch_size = %d
batch_time = %q

[http]
listen = ""

[log]
level = "warn"

[[rule]]
name = "order-7y"
table = "orders"
age_column = "created_at"
older_than = "7 years"
action = "delete"

[[rule]]
name = "order-phone-6m"
table = "orders"
age_column = "created_at"
older_than = "6 months"
action = "anonymise"
[rule.anonymise]
phone = "null"
salutation = "null"
`, strconv.Quote(c.FormatDSN()), b.o.batch, b.o.batchTime)
	b.cfgPath = filepath.Join(b.tmp, "config.toml")
	if err := os.WriteFile(b.cfgPath, []byte(text), 0o600); err != nil {
		return err
	}
	// The same with a pause after every batch: what batch_pause buys the
	// shop, and costs the sweep.
	paced := strings.Replace(text, "[sweeper]\n", fmt.Sprintf("[sweeper]\nbatch_pause = %q\n", b.o.pause), 1)
	b.pacedPath = filepath.Join(b.tmp, "paced.toml")
	if err := os.WriteFile(b.pacedPath, []byte(paced), 0o600); err != nil {
		return err
	}
	// The same at the gentle pace, which yields to the server's load, as
	// README advises for a live shop: without a batch_time, which the pace
	// then sets itself.
	gentle := strings.Replace(text, fmt.Sprintf("batch_time = %q\n", b.o.batchTime), "", 1)
	gentle = strings.Replace(gentle, "[sweeper]\n", "[sweeper]\npace = \"gentle\"\n", 1)
	b.gentlePath = filepath.Join(b.tmp, "gentle.toml")
	return os.WriteFile(b.gentlePath, []byte(gentle), 0o600)
}

func (b *bench) sweep(rule string) func(context.Context, *result) error {
	return b.sweepWith(b.cfgPath, rule)
}

func (b *bench) sweepWith(cfgPath, rule string) func(context.Context, *result) error {
	return func(ctx context.Context, r *result) error {
		if err := b.sweeperWith(ctx, r, cfgPath, "sweep", "--rule", rule, "--as-of", b.o.asOfArg); err != nil {
			return err
		}
		n, err := countWhere(ctx, b.db, "SELECT COUNT(*) FROM sweeper_audit")
		r.Rows = n
		return err
	}
}

// sweeper runs the sweeper binary and takes its peak RSS and CPU time from
// the kernel's accounting after it exits (getrusage: ru_maxrss, in KiB).
func (b *bench) sweeper(ctx context.Context, r *result, args ...string) error {
	return b.sweeperWith(ctx, r, b.cfgPath, args...)
}

func (b *bench) sweeperWith(ctx context.Context, r *result, cfgPath string, args ...string) error {
	cmd := exec.CommandContext(ctx, b.bin, append([]string{"-c", cfgPath}, args...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if st := cmd.ProcessState; st != nil {
		if ru, ok := st.SysUsage().(*syscall.Rusage); ok {
			r.RSSKiB = ru.Maxrss
		}
		r.CPU = st.UserTime() + st.SystemTime()
	}
	if err != nil {
		return fmt.Errorf("sweeper %s: %v: %s", strings.Join(args, " "), err, tail(out.String(), 600))
	}
	return nil
}

func tail(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		s = "…" + s[len(s)-n:]
	}
	return s
}

// ptArchiver purges the same rows with Percona's pt-archiver, 1000 rows per
// bulk DELETE and commit.
func (b *bench) ptArchiver(ctx context.Context, r *result) error {
	before, err := countWhere(ctx, b.db, "SELECT COUNT(*) FROM orders WHERE created_at < ?", b.cutDel)
	if err != nil {
		return err
	}
	host, port, ok := strings.Cut(b.cfg.Addr, ":")
	if !ok {
		port = "3306"
	}
	src := fmt.Sprintf("h=%s,P=%s,u=%s,D=%s,t=orders", host, port, b.cfg.User, b.dbName)
	if b.cfg.Passwd != "" {
		src += ",p=" + b.cfg.Passwd
	}
	cmd := exec.CommandContext(ctx, "pt-archiver", "--source", src, "--where", fmt.Sprintf("created_at < '%s'", b.cutDel),
		"--purge", "--bulk-delete", "--limit", "1000", "--commit-each", "--no-check-charset")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("pt-archiver: %v: %s", err, tail(string(out), 600))
	}
	after, err := countWhere(ctx, b.db, "SELECT COUNT(*) FROM orders WHERE created_at < ?", b.cutDel)
	r.Rows = before - after
	return err
}
