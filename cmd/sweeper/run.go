package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	systemd "github.com/coreos/go-systemd/v22/daemon"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.uber.org/zap"

	"github.com/sweeperd/sweeper/connectors/database"
	"github.com/sweeperd/sweeper/connectors/files"
	"github.com/sweeperd/sweeper/connectors/mail"
	"github.com/sweeperd/sweeper/sweeper"
)

const runUsage = `Usage: sweeper [-c FILE] run

The daemon: runs every enabled rule on its schedule, serves /healthz and
/metrics, logs JSON. SIGHUP reloads the config (an invalid one is logged and
the old one keeps running). SIGTERM or SIGINT stops it cleanly: the batch in
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
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	d := &daemon{e: e, metrics: sweeper.NewMetrics(reg), cfg: cfg, log: log}

	// SIGHUP is caught from here on; before, it would kill the process.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)

	srv, err := d.serveHTTP(cfg.HTTP.Listen, reg)
	if err != nil {
		return &exitError{code: exitFailed, err: err}
	}

	// The database may be down when the daemon starts: it waits for it,
	// answering /healthz with 503 meanwhile, rather than exiting.
	store, err := d.openStore(ctx, cfg)
	if err != nil {
		d.shutdownHTTP(srv)
		if ctx.Err() != nil {
			return nil
		}
		return &exitError{code: exitFailed, err: err}
	}
	d.mu.Lock()
	d.store = store
	d.mu.Unlock()
	if err := d.startScheduler(cfg, log, store); err != nil {
		d.shutdownHTTP(srv)
		store.Close()
		return &exitError{code: exitInvalid, err: err}
	}
	systemd.SdNotify(false, systemd.SdNotifyReady)
	log.Info("daemon started", zap.String("event", "daemon.start"), zap.Int("rules", countEnabled(cfg)),
		zap.String("http", cfg.HTTP.Listen))

	var watchdog <-chan time.Time
	if iv, err := systemd.SdWatchdogEnabled(false); err == nil && iv > 0 {
		t := time.NewTicker(iv / 2)
		defer t.Stop()
		watchdog = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return d.shutdown(srv)
		case <-hup:
			d.reload(ctx)
		case <-watchdog:
			// Alive means the loop turns and the database answers.
			if d.healthy(ctx) == nil {
				systemd.SdNotify(false, systemd.SdNotifyWatchdog)
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

// openStore connects, retrying with backoff until the database answers or
// the daemon is stopped.
func (d *daemon) openStore(ctx context.Context, cfg *sweeper.Config) (*database.DB, error) {
	wait := time.Second
	for {
		store, err := database.Open(ctx, cfg.Database.Driver, cfg.Database.DSN, database.Options{
			LockWaitTimeout: cfg.Sweeper.LockWaitTimeout, Logger: d.log, Secrets: cfg.Secrets})
		if err == nil {
			return store, nil
		}
		if strings.Contains(err.Error(), "not supported") || strings.Contains(err.Error(), "DSN") {
			return nil, err // a config problem: waiting does not help
		}
		d.log.Error("database unreachable, retrying", zap.String("event", "db.error"), zap.Error(err),
			zap.Duration("retry_in", wait))
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
		wait = min(wait*2, time.Minute)
	}
}

func (d *daemon) startScheduler(cfg *sweeper.Config, log *zap.Logger, store *database.DB) error {
	s := &sweeper.Sweeper{Config: cfg, Store: store, Log: log, Files: files.Remover{}}
	if cfg.Mail.Host != "" {
		m, err := mail.New(cfg.Mail)
		if err != nil {
			return fmt.Errorf("mail: %w", err)
		}
		s.Mailer = m
	}
	replicas, err := database.OpenReplicas(context.Background(), cfg.Database.Driver, cfg.Database.Replicas)
	if err != nil {
		return err
	}
	if replicas != nil {
		s.Replicas = replicas
	}
	sched, err := sweeper.NewScheduler(s, d.metrics, log)
	if err != nil {
		replicas.Close()
		return err
	}
	sched.Start()
	for name, next := range sched.Next() {
		log.Info("rule scheduled", zap.String("event", "rule.scheduled"), zap.String("rule", name),
			zap.Time("next", next.In(cfg.Sweeper.Timezone)))
	}
	d.mu.Lock()
	oldReplicas := d.replicas
	d.sched, d.cfg, d.log, d.replicas = sched, cfg, log, replicas
	d.mu.Unlock()
	if oldReplicas != nil {
		// Runs of the retired schedule may still ask them; they end first.
		go func() { time.Sleep(shutdownGrace); oldReplicas.Close() }()
	}
	return nil
}

// reload reads the config again. A valid one replaces the rules and
// schedules; an invalid one is logged with every problem, and the old one
// keeps running.
func (d *daemon) reload(ctx context.Context) {
	d.mu.Lock()
	old, oldLog, oldStore, oldSched := d.cfg, d.log, d.store, d.sched
	d.mu.Unlock()
	cfg, err := d.e.loadConfig()
	if err != nil {
		oldLog.Error("config not reloaded: the old one keeps running", zap.String("event", "config.reload_failed"),
			zap.Error(err))
		return
	}
	log, err := newLogger(cfg.Log, d.e.stderr)
	if err != nil {
		oldLog.Error("config not reloaded", zap.String("event", "config.reload_failed"), zap.Error(err))
		return
	}
	store := oldStore
	if !sameDatabase(cfg.Database, old.Database) || cfg.Sweeper.LockWaitTimeout != old.Sweeper.LockWaitTimeout {
		store, err = database.Open(ctx, cfg.Database.Driver, cfg.Database.DSN, database.Options{
			LockWaitTimeout: cfg.Sweeper.LockWaitTimeout, Logger: log, Secrets: cfg.Secrets})
		if err != nil {
			oldLog.Error("config not reloaded: the new database does not answer", zap.String("event", "config.reload_failed"),
				zap.Error(err))
			return
		}
	}
	if cfg.HTTP.Listen != old.HTTP.Listen {
		log.Warn("http.listen changes take effect on restart", zap.String("event", "config.reload"))
	}
	oldSched.Retire()
	d.mu.Lock()
	d.store = store
	d.mu.Unlock()
	if err := d.startScheduler(cfg, log, store); err != nil {
		// The config loaded, so this is a mail setting the loader let pass;
		// keep the old schedule rather than none.
		oldLog.Error("config not reloaded", zap.String("event", "config.reload_failed"), zap.Error(err))
		d.mu.Lock()
		d.store = oldStore
		d.mu.Unlock()
		if store != oldStore {
			store.Close()
		}
		oldSched.Start()
		return
	}
	if store != oldStore {
		// Runs of the old schedule may still use it; it closes when they end.
		go func() { time.Sleep(shutdownGrace); oldStore.Close() }()
	}
	log.Info("config reloaded", zap.String("event", "config.reload"), zap.Int("rules", countEnabled(cfg)))
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
// boundary), HTTP, the database.
func (d *daemon) shutdown(srv *http.Server) error {
	systemd.SdNotify(false, systemd.SdNotifyStopping)
	d.mu.Lock()
	sched, store, log, replicas := d.sched, d.store, d.log, d.replicas
	d.mu.Unlock()
	start := time.Now()
	log.Info("stopping", zap.String("event", "daemon.stopping"))
	clean := sched.Stop(shutdownGrace)
	d.shutdownHTTP(srv)
	store.Close()
	replicas.Close()
	if !clean {
		log.Warn("a run did not stop in time; its open batch is rolled back by the database",
			zap.String("event", "daemon.stop"), zap.Int64("duration_ms", time.Since(start).Milliseconds()))
		return nil
	}
	log.Info("stopped", zap.String("event", "daemon.stop"), zap.Int64("duration_ms", time.Since(start).Milliseconds()))
	return nil
}
