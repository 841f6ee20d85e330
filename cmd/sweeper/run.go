package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	systemd "github.com/coreos/go-systemd/v22/daemon"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.uber.org/zap"

	"github.com/sweeperd/sweeper/connectors/database"
	"github.com/sweeperd/sweeper/sweeper"
)

const runUsage = `Usage: sweeper [-c FILE] run

The daemon: runs every enabled rule on its schedule, serves /healthz and
/metrics, logs JSON. It waits for the database if it does not answer. A
config whose rules do not fit the live schema, or whose reminder templates do
not render, is refused: at start with exit 2, on reload as below. SIGHUP
reloads the config (one that is refused is logged with every problem and the
old one keeps running). SIGTERM or SIGINT stops it cleanly: the batch in
flight commits or rolls back, then it exits 0; a second signal exits at once.

`

// shutdownGrace is how long a stop waits for runs in flight. Together with
// the HTTP and database shutdown it stays under Docker's and systemd's
// default 10 s before SIGKILL.
const shutdownGrace = 7 * time.Second

// daemon is the state of `sweeper run` that a reload swaps.
type daemon struct {
	e       *environment
	metrics *sweeper.Metrics

	mu       sync.Mutex
	cfg      *sweeper.Config
	log      *zap.Logger
	store    *database.DB
	sched    *sweeper.Scheduler
	replicas *database.Replicas

	// retired is closed once the runs of every replaced config have ended
	// and what only they used is closed; nil until a config is replaced.
	retired <-chan struct{}
	// stopping is closed when the daemon stops: the runs of replaced
	// configs that are still going are cancelled too.
	stopping chan struct{}
}

func (e *environment) run(ctx context.Context, args []string) error {
	fs := e.flagSet("run", runUsage)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := e.loadConfig()
	if err != nil {
		return err
	}
	log, err := newLogger(cfg.Log, e.stderr)
	if err != nil {
		return &exitError{code: exitInvalid, err: err}
	}
	defer log.Sync()

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), buildInfo())
	d := &daemon{e: e, metrics: sweeper.NewMetrics(reg), cfg: cfg, log: log, stopping: make(chan struct{})}
	sw, err := d.wire(cfg, log)
	if err != nil {
		return err
	}

	// SIGHUP is caught from here on; before, it would kill the process.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)

	srv, err := d.serveHTTP(cfg.HTTP.Listen, reg)
	if err != nil {
		return &exitError{code: exitFailed, err: err}
	}
	// Ready means the config is loaded and /healthz answers; whether the
	// database does is /healthz's to say. Waiting for it here would hold
	// systemd's start job, and a wrong password would never let it finish.
	systemd.SdNotify(false, systemd.SdNotifyReady)

	var watchdog <-chan time.Time
	if iv, err := systemd.SdWatchdogEnabled(false); err == nil && iv > 0 {
		t := time.NewTicker(iv / 2)
		defer t.Stop()
		watchdog = t.C
	}
	// The database may be down when the daemon starts: it waits for it,
	// answering /healthz with 503 meanwhile, rather than exiting.
	p := d.prepare(ctx, sw, nil)
	for {
		var prepared <-chan prepared
		if p != nil {
			prepared = p.done
		}
		select {
		case <-ctx.Done():
			p.abandon()
			return d.shutdown(srv)
		case <-watchdog:
			// The watchdog hears that this loop turns, whatever the
			// database does: an outage is /healthz's to report, and a
			// restart would not end it.
			systemd.SdNotify(false, systemd.SdNotifyWatchdog)
		case <-hup:
			if next := d.reload(ctx); next != nil {
				p.abandon()
				p = next
			}
		case r := <-prepared:
			p = nil
			if ctx.Err() != nil {
				r.gen.close() // stopping: the next turn shuts down
				continue
			}
			if err := d.take(r); err != nil {
				d.shutdownHTTP(srv)
				return err
			}
		}
	}
}

func countEnabled(cfg *sweeper.Config) int {
	n := 0
	for _, r := range cfg.Rules {
		if r.Enabled {
			n++
		}
	}
	return n
}

// wire builds the sweeper for cfg with what needs no database: the
// mailer, and the reminder templates, each rendered with a sample row. The
// sweeper comes back even when that fails, so that a reload can report
// these problems together with those the database shows.
func (d *daemon) wire(cfg *sweeper.Config, log *zap.Logger) (*sweeper.Sweeper, error) {
	s, err := wireSweeper(cfg, log)
	return s, errors.Join(err, s.LoadTemplates())
}

// generation is a config ready to take over from the running one: its
// sweeper, wired to the database and replicas it needs.
type generation struct {
	sw       *sweeper.Sweeper
	store    *database.DB
	replicas *database.Replicas
	ownStore bool // opened for this config, not the running one's
}

// close closes what a generation that never ran opened.
func (g *generation) close() {
	if g == nil {
		return
	}
	g.replicas.Close()
	if g.ownStore {
		g.store.Close()
	}
}

// prepared is what a preparation ends with: a config ready to take over, or
// every problem that keeps it from doing so.
type prepared struct {
	gen *generation
	err error
}

// preparation is a config being connected and held against the live
// schema in the background, while the daemon's loop goes on turning.
type preparation struct {
	cancel context.CancelFunc
	done   chan prepared
}

// prepare connects a config's sweeper to its database and replicas and
// holds every enabled rule against the live schema, touching nothing: the
// result either takes over in full or is closed unused. early holds the
// problems found before, which are reported along with these.
func (d *daemon) prepare(ctx context.Context, sw *sweeper.Sweeper, early error) *preparation {
	ctx, cancel := context.WithCancel(ctx)
	p := &preparation{cancel: cancel, done: make(chan prepared, 1)}
	d.mu.Lock()
	cur, curStore := d.cfg, d.store
	d.mu.Unlock()
	go func() {
		g, err := d.connect(ctx, sw, cur, curStore, early)
		p.done <- prepared{gen: g, err: err}
	}()
	return p
}

// abandon cancels a preparation that is no longer wanted, waits for it and
// closes what it opened.
func (p *preparation) abandon() {
	if p == nil {
		return
	}
	p.cancel()
	r := <-p.done
	r.gen.close()
}

// connect is a preparation's work, in its own goroutine: cur and curStore
// are the running config and its database connection (nil before the
// first config took over), which a config naming the same database shares.
func (d *daemon) connect(ctx context.Context, sw *sweeper.Sweeper, cur *sweeper.Config, curStore *database.DB,
	early error) (*generation, error) {
	cfg := sw.Config
	g := &generation{sw: sw}
	switch {
	case curStore == nil:
		store, err := d.openStore(ctx, cfg, sw.Log)
		if err != nil {
			return nil, errors.Join(early, err)
		}
		g.store, g.ownStore = store, true
	case sameDatabase(cfg.Database, cur.Database) && cfg.Sweeper.LockWaitTimeout == cur.Sweeper.LockWaitTimeout:
		g.store = curStore
	default:
		store, err := database.Open(ctx, cfg.Database.Driver, cfg.Database.DSN, database.Options{
			LockWaitTimeout: cfg.Sweeper.LockWaitTimeout, Logger: sw.Log, Secrets: cfg.Secrets})
		if err != nil {
			return nil, errors.Join(early, fmt.Errorf("the new database does not answer: %w", err))
		}
		g.store, g.ownStore = store, true
	}
	errs := []error{early}
	replicas, err := database.OpenReplicas(ctx, cfg.Database.Driver, cfg.Database.Replicas)
	if err != nil {
		errs = append(errs, err)
	}
	g.replicas = replicas
	attach(sw, g.store, replicas)
	errs = append(errs, sw.CheckSchema(ctx))
	if err := errors.Join(errs...); err != nil {
		outage := g.store.Ping(ctx) != nil
		g.close()
		if !outage || ctx.Err() != nil {
			return nil, err
		}
		// The database went away while the config was held against it: what
		// failed says nothing of the config. A reload is refused (the old
		// config keeps running); at start the daemon waits, as for a database
		// that is down when it starts.
		if curStore != nil {
			return nil, fmt.Errorf("the database stopped answering while the config was checked: %w", err)
		}
		sw.Log.Error("database unreachable, retrying", zap.String("event", "db.error"), zap.Error(err),
			zap.Duration("retry_in", outageRetry))
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(outageRetry):
		}
		sw.Store, sw.Replicas = nil, nil
		return d.connect(ctx, sw, cur, curStore, early)
	}
	return g, nil
}

// outageRetry is how long the daemon waits before it tries again a config
// check the database's going away cut short at start.
const outageRetry = 2 * time.Second

// openStore connects, retrying with backoff until the database answers or
// the daemon is stopped.
func (d *daemon) openStore(ctx context.Context, cfg *sweeper.Config, log *zap.Logger) (*database.DB, error) {
	wait := time.Second
	for {
		store, err := database.Open(ctx, cfg.Database.Driver, cfg.Database.DSN, database.Options{
			LockWaitTimeout: cfg.Sweeper.LockWaitTimeout, Logger: log, Secrets: cfg.Secrets})
		if err == nil {
			return store, nil
		}
		if ce := (*sweeper.ConfigError)(nil); errors.As(err, &ce) {
			return nil, err // a config problem: waiting does not help
		}
		log.Error("database unreachable, retrying", zap.String("event", "db.error"), zap.Error(err),
			zap.Duration("retry_in", wait))
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
		wait = min(wait*2, time.Minute)
	}
}

// reload reads the config again on SIGHUP and starts preparing it; nil
// means it was refused already (logged) and the running one goes on.
func (d *daemon) reload(ctx context.Context) *preparation {
	d.mu.Lock()
	oldLog, started := d.log, d.sched != nil
	d.mu.Unlock()
	failed := func(err error) *preparation {
		oldLog.Error("config not reloaded: the old one keeps running", zap.String("event", "config.reload_failed"),
			zap.Error(err))
		return nil
	}
	cfg, err := d.e.loadConfig()
	if err != nil {
		return failed(err)
	}
	log, err := newLogger(cfg.Log, d.e.stderr)
	if err != nil {
		return failed(err)
	}
	sw, err := d.wire(cfg, log)
	if err != nil && !started {
		// Still waiting for the database, which might take long: say now.
		return failed(err)
	}
	return d.prepare(ctx, sw, err)
}

// take puts a prepared config to work, or refuses it. A refusal before any
// config ran ends the daemon: the error carries its exit code.
func (d *daemon) take(r prepared) error {
	d.mu.Lock()
	log, started := d.log, d.sched != nil
	d.mu.Unlock()
	err := r.err
	if err == nil {
		if err = d.startScheduler(r.gen); err != nil {
			r.gen.close()
		}
	}
	switch {
	case err == nil && started:
		cfg := r.gen.sw.Config
		log.Info("config reloaded", zap.String("event", "config.reload"), zap.Int("rules", countEnabled(cfg)))
	case err == nil:
		cfg := r.gen.sw.Config
		r.gen.sw.Log.Info("daemon started", zap.String("event", "daemon.start"), zap.Int("rules", countEnabled(cfg)),
			zap.String("http", cfg.HTTP.Listen))
	case started:
		log.Error("config not reloaded: the old one keeps running", zap.String("event", "config.reload_failed"),
			zap.Error(err))
	default:
		return err
	}
	return nil
}

// startScheduler puts a prepared config to work: its schedule starts and
// the one it replaces is retired.
func (d *daemon) startScheduler(g *generation) error {
	cfg, log := g.sw.Config, g.sw.Log
	sched, err := sweeper.NewScheduler(g.sw, d.metrics, log)
	if err != nil {
		return err
	}
	// Started before the old one is retired, so that nothing can fail
	// after the swap; a rule due in between runs once, by its named lock.
	if err := sched.Start(); err != nil {
		return err
	}
	d.mu.Lock()
	old, oldCfg, oldStore, oldReplicas := d.sched, d.cfg, d.store, d.replicas
	d.sched, d.cfg, d.log, d.store, d.replicas = sched, cfg, log, g.store, g.replicas
	d.mu.Unlock()
	if old != nil {
		d.retire(old, oldReplicas, oldStore, oldStore != g.store)
	}
	if cfg.HTTP.Listen != oldCfg.HTTP.Listen {
		log.Warn("http.listen changes take effect on restart", zap.String("event", "config.reload"))
	}
	for name, next := range sched.Next() {
		log.Info("rule scheduled", zap.String("event", "rule.scheduled"), zap.String("rule", name),
			zap.Time("next", next.In(cfg.Sweeper.Timezone)))
	}
	return nil
}

// retire stops scheduling a replaced config. Its runs in flight finish
// under it (or are cancelled when the daemon stops); then its replicas, and
// its store unless the new config uses it, are closed. Retirements end in
// order, so a store shared along a chain of reloads is closed only after
// every run that used it.
func (d *daemon) retire(sched *sweeper.Scheduler, replicas *database.Replicas, store *database.DB, closeStore bool) {
	ended := sched.Retire()
	prev := d.retired
	done := make(chan struct{})
	d.retired = done
	go func() {
		defer close(done)
		select {
		case <-ended:
		case <-d.stopping:
			sched.Stop(shutdownGrace)
		}
		if prev != nil {
			<-prev
		}
		replicas.Close()
		if closeStore {
			store.Close()
		}
	}()
}

func sameDatabase(a, b sweeper.Database) bool {
	return a.Driver == b.Driver && a.DSN == b.DSN
}

func (d *daemon) healthy(ctx context.Context) error {
	d.mu.Lock()
	store := d.store
	d.mu.Unlock()
	if store == nil {
		return errors.New("not connected to the database yet")
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	return store.Ping(ctx)
}

// refused is why the clock guard refused the last scheduled run, until a
// run passes it. It is not part of healthy: the process is alive and its
// loop turns, it only may not sweep.
func (d *daemon) refused() error {
	d.mu.Lock()
	sched := d.sched
	d.mu.Unlock()
	if sched == nil {
		return nil
	}
	return sched.Refused()
}

// serveHTTP serves /healthz and /metrics on a mux and registry of the
// sweeper's own: nothing else (no pprof, no default mux) is exposed.
func (d *daemon) serveHTTP(listen string, reg *prometheus.Registry) (*http.Server, error) {
	if listen == "" {
		return nil, nil
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		if err := d.healthy(r.Context()); err != nil {
			http.Error(w, "database: "+err.Error()+"\n", http.StatusServiceUnavailable)
			return
		}
		if err := d.refused(); err != nil {
			http.Error(w, "runs refused: "+err.Error()+"\n", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return nil, fmt.Errorf("http.listen %q: %w", listen, err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			d.log.Error("http server stopped", zap.String("event", "http.error"), zap.Error(err))
		}
	}()
	return srv, nil
}

func (d *daemon) shutdownHTTP(srv *http.Server) {
	if srv == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	srv.Shutdown(ctx)
}

// shutdown stops in a fixed order: scheduling, runs in flight (at a batch
// boundary, those of replaced configs too), HTTP, the database.
func (d *daemon) shutdown(srv *http.Server) error {
	systemd.SdNotify(false, systemd.SdNotifyStopping)
	d.mu.Lock()
	sched, store, log, replicas := d.sched, d.store, d.log, d.replicas
	d.mu.Unlock()
	start := time.Now()
	log.Info("stopping", zap.String("event", "daemon.stopping"))
	close(d.stopping)
	clean := true
	if sched != nil {
		clean = sched.Stop(shutdownGrace)
	}
	if d.retired != nil {
		select {
		case <-d.retired:
		case <-time.After(time.Until(start.Add(shutdownGrace))):
			clean = false
		}
	}
	d.shutdownHTTP(srv)
	if store != nil {
		store.Close()
	}
	replicas.Close()
	if !clean {
		log.Warn("a run did not stop in time; its open batch is rolled back by the database",
			zap.String("event", "daemon.stop"), zap.Int64("duration_ms", time.Since(start).Milliseconds()))
		return nil
	}
	log.Info("stopped", zap.String("event", "daemon.stop"), zap.Int64("duration_ms", time.Since(start).Milliseconds()))
	return nil
}
