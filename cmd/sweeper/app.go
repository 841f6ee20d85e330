package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/sweeperd/sweeper/connectors/database"
	"github.com/sweeperd/sweeper/connectors/files"
	"github.com/sweeperd/sweeper/connectors/mail"
	"github.com/sweeperd/sweeper/sweeper"
)

// Exit codes of the contract.
const (
	exitOK      = 0
	exitFailed  = 1 // a rule failed at run time, or check found errors
	exitInvalid = 2 // bad usage or an invalid config: nothing was touched
)

// exitError carries the exit code of an error that has been reported already.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageErrorf(format string, a ...any) error {
	return &exitError{code: exitInvalid, err: fmt.Errorf(format, a...)}
}

// exitCode maps an error to the contract's exit code and prints it.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	fmt.Fprintln(stderr, "sweeper:", err)
	var ee *exitError
	var ce *sweeper.ConfigError
	var ue *sweeper.UsageError
	switch {
	case errors.As(err, &ee):
		return ee.code
	case errors.As(err, &ce), errors.As(err, &ue):
		return exitInvalid
	default:
		return exitFailed
	}
}

const usage = `Usage: sweeper [-c FILE] COMMAND [flags]

Keeps the retention promises of a privacy statement: finds expired personal
data in the shop's database and deletes or anonymises it, with an audit record
for every row.

Commands:
  run      the daemon: every enabled rule on its schedule, /healthz and /metrics
  sweep    one pass over the rules (--rule NAME, --dry-run, --as-of TIME, --force)
  plan     what a sweep would do now, changing nothing (--format text|json|csv|markdown|html, -o FILE)
  audit    what was done to which row, when, by which rule (--rule, --key, --since, --format)
  erase    a data subject's request: erase these rows now (--rule NAME --key VALUE..., or --subject VALUE; --dry-run)
  export   everything the data map finds for one person, as JSON (--subject VALUE, -o FILE)
  hold     keep one person's rows from every rule (--subject VALUE --reason TEXT, --until TIME)
  release  end a hold (--subject VALUE)
  holds    list the holds
  replay   after a restore, re-apply what the audit records since the backup (--since TIME, --from FILE)
  check    validate the config and hold it against the live database schema
  demo     write a SQLite demo shop and its config, and show its plan
  init     write a config for a shop platform (--preset woocommerce|prestashop, --prefix, -o FILE)
  stats    what the sweeper did per rule and day, from its JSON log (--format text|html)
  healthcheck  ask the running daemon's /healthz (for container health checks)
  version  print the version

The config file is -c FILE (before or after the command), else
$SWEEPER_CONFIG, else config.toml.
Run 'sweeper COMMAND -h' for the flags of a command.
`

// run is the whole program but for the process: it parses the command line,
// runs the command and returns an error carrying its exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	global := flag.NewFlagSet("sweeper", flag.ContinueOnError)
	global.SetOutput(stderr)
	global.Usage = func() { fmt.Fprint(stderr, usage) }
	configPath := global.String("c", "", "config file (default $SWEEPER_CONFIG, else config.toml)")
	if err := global.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &exitError{code: exitInvalid, err: err}
	}
	if global.NArg() == 0 {
		global.Usage()
		return usageErrorf("no command given")
	}
	path := *configPath
	if path == "" {
		path = os.Getenv("SWEEPER_CONFIG")
	}
	if path == "" {
		path = "config.toml"
	}
	env := &environment{configPath: path, stdin: os.Stdin, stdout: stdout, stderr: stderr}
	cmd, rest := global.Arg(0), global.Args()[1:]
	switch cmd {
	case "run":
		return env.run(ctx, rest)
	case "healthcheck":
		return env.healthcheck(ctx, rest)
	case "sweep":
		return env.sweep(ctx, rest)
	case "plan":
		return env.plan(ctx, rest)
	case "audit":
		return env.audit(ctx, rest)
	case "erase":
		return env.erase(ctx, rest)
	case "export":
		return env.export(ctx, rest)
	case "hold":
		return env.hold(ctx, rest)
	case "release":
		return env.release(ctx, rest)
	case "holds":
		return env.holds(ctx, rest)
	case "replay":
		return env.replay(ctx, rest)
	case "check":
		return env.check(ctx, rest)
	case "demo":
		return env.demo(ctx, rest)
	case "init":
		return env.initConfig(ctx, rest)
	case "stats":
		return env.stats(ctx, rest)
	case "version":
		return env.version(rest)
	case "help":
		global.Usage()
		return nil
	default:
		global.Usage()
		return usageErrorf("unknown command %q", cmd)
	}
}

// environment is what every command shares: where the config is and where
// output goes.
type environment struct {
	configPath string
	stdin      io.Reader // what stats reads without a file
	stdout     io.Writer
	stderr     io.Writer
}

// flagSet is a command's flag set. It takes -c too, so that the config
// may follow the command as it does in most tools (sweeper sweep -c x.toml);
// given twice, the later one counts.
func (e *environment) flagSet(name, usageText string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Func("c", "config file (as before the command: default $SWEEPER_CONFIG, else config.toml)", func(v string) error {
		if v == "" {
			return errors.New("empty file name")
		}
		e.configPath = v
		return nil
	})
	fs.Usage = func() {
		fmt.Fprint(e.stderr, usageText)
		fs.PrintDefaults()
	}
	return fs
}

func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &exitError{code: exitInvalid, err: err}
	}
	if fs.NArg() > 0 {
		return usageErrorf("%s: unexpected argument %q", fs.Name(), fs.Arg(0))
	}
	return nil
}

func (e *environment) loadConfig() (*sweeper.Config, error) {
	cfg, err := sweeper.LoadFile(e.configPath, os.LookupEnv)
	if err != nil {
		return nil, &exitError{code: exitInvalid, err: err}
	}
	return cfg, nil
}

// newLogger builds the JSON (or console) logger on stderr the config asks for.
func newLogger(cfg sweeper.Log, w io.Writer) (*zap.Logger, error) {
	level, err := zapcore.ParseLevel(cfg.Level)
	if err != nil {
		return nil, fmt.Errorf("log.level: %w", err)
	}
	ec := zap.NewProductionEncoderConfig()
	ec.TimeKey = "ts"
	ec.EncodeTime = zapcore.ISO8601TimeEncoder
	var enc zapcore.Encoder
	if cfg.Format == "console" {
		ec.EncodeLevel = zapcore.CapitalLevelEncoder
		enc = zapcore.NewConsoleEncoder(ec)
	} else {
		enc = zapcore.NewJSONEncoder(ec)
	}
	core := zapcore.NewCore(enc, zapcore.AddSync(w), level)
	// Repeated messages are sampled, as in zap's production config: the
	// sweeper logs per batch and per rule, never per row.
	core = zapcore.NewSamplerWithOptions(core, time.Second, 100, 100)
	return zap.New(core), nil
}

// open loads the config, builds the logger and connects to the database.
func (e *environment) open(ctx context.Context) (*sweeper.Config, *zap.Logger, *database.DB, error) {
	cfg, err := e.loadConfig()
	if err != nil {
		return nil, nil, nil, err
	}
	log, err := newLogger(cfg.Log, e.stderr)
	if err != nil {
		return nil, nil, nil, &exitError{code: exitInvalid, err: err}
	}
	db, err := database.Open(ctx, cfg.Database.Driver, cfg.Database.DSN, database.Options{
		LockWaitTimeout: cfg.Sweeper.LockWaitTimeout,
		Logger:          log,
		Secrets:         cfg.Secrets,
	})
	if err != nil {
		log.Sync()
		return nil, nil, nil, e.openFailed(err)
	}
	return cfg, log, db, nil
}

// openFailed gives a failure to open the database its exit code: a DSN
// that does not parse is the config's fault (2, nothing was touched, naming
// the key and the file); a database that does not answer is a run-time
// failure (1).
func (e *environment) openFailed(err error) error {
	var ce *sweeper.ConfigError
	if errors.As(err, &ce) {
		if ce.Path == "" {
			ce.Path = e.configPath
		}
		return &exitError{code: exitInvalid, err: err}
	}
	return &exitError{code: exitFailed, err: err}
}

// wireSweeper is the one place the engine is wired to its connectors, for
// every command and the daemon: the config, the logger, the file remover,
// and the mailer when the config has a [mail] table (a rule with a
// reminder then fails on its own, loudly, instead of every command). The
// database and its replicas are attached once they answer (attach).
func wireSweeper(cfg *sweeper.Config, log *zap.Logger) (*sweeper.Sweeper, error) {
	s := &sweeper.Sweeper{Config: cfg, Log: log, Files: files.Remover{}}
	if cfg.Mail.Host == "" {
		return s, nil
	}
	m, err := mail.New(cfg.Mail)
	if err != nil {
		return s, &exitError{code: exitInvalid, err: fmt.Errorf("mail: %w", err)}
	}
	s.Mailer = m
	return s, nil
}

// attach attaches the open database, and the replicas when there are
// any, to a wired sweeper.
func attach(s *sweeper.Sweeper, store *database.DB, replicas *database.Replicas) {
	s.Store = store
	if replicas != nil {
		s.Replicas = replicas
	}
}

// newSweeper opens everything a command needs and wires the sweeper.
func (e *environment) newSweeper(ctx context.Context) (*sweeper.Sweeper, func(), error) {
	cfg, log, db, err := e.open(ctx)
	if err != nil {
		return nil, nil, err
	}
	s, err := wireSweeper(cfg, log)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	replicas, err := database.OpenReplicas(ctx, cfg.Database.Driver, cfg.Database.Replicas)
	if err != nil {
		db.Close()
		return nil, nil, e.openFailed(err)
	}
	attach(s, db, replicas)
	return s, func() { replicas.Close(); db.Close(); log.Sync() }, nil
}

// newWorker is newSweeper for the commands that act on the data (sweep,
// erase): every reminder template is loaded and rendered with a sample row
// first, so that a broken one is a config error (exit 2) before anything is
// touched, not a rule failing at night.
func (e *environment) newWorker(ctx context.Context) (*sweeper.Sweeper, func(), error) {
	s, done, err := e.newSweeper(ctx)
	if err != nil {
		return nil, nil, err
	}
	if err := s.LoadTemplates(); err != nil {
		done()
		return nil, nil, err
	}
	return s, done, nil
}

// stringList is a flag that may be given more than once.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// asOfHelp describes a time flag's forms.
const asOfHelp = "the sweeper's clock: RFC 3339 (2026-11-22T03:30:00+01:00), a wall-clock time in sweeper.timezone " +
	"(2026-11-22T03:30:00, 2026-11-22 03:30), or a date (2026-11-22, midnight in sweeper.timezone)"

// parseAsOf reads --as-of; see parseTimeFlag.
func parseAsOf(v string, tz *time.Location) (time.Time, error) {
	return parseTimeFlag("--as-of", v, tz)
}

// wallLayouts are the forms of a wall-clock time without an offset.
var wallLayouts = []string{"2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02 15:04"}

// parseTimeFlag reads a time flag like --as-of: RFC 3339; a wall-clock time
// without an offset, in the configured timezone; or a date, meaning
// midnight there.
// laterOfTwice is t, or where the clocks of tz show t's wall-clock time
// twice (the hour summer time ends), the later of the two instants: a
// hold given such an end must not end an hour early, as --as-of must not
// run an hour late (parseTimeFlag takes the earlier).
func laterOfTwice(t time.Time, tz *time.Location) time.Time {
	if t.IsZero() {
		return t
	}
	later := t.Add(time.Hour)
	if later.In(tz).Format(time.DateTime) == t.In(tz).Format(time.DateTime) {
		return later
	}
	return t
}

func parseTimeFlag(name, v string, tz *time.Location) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02", v, tz); err == nil {
		return t, nil
	}
	for _, layout := range wallLayouts {
		w, err := time.Parse(layout, v)
		if err != nil {
			continue
		}
		t, ok := wallTime(w, tz)
		if !ok {
			return time.Time{}, usageErrorf("%s %q does not exist in %s: the clocks skip that hour when summer time starts; give a time outside it, or an offset",
				name, v, tz)
		}
		return t, nil
	}
	return time.Time{}, usageErrorf("%s %q is not a time: give RFC 3339 (2026-11-22T03:30:00+01:00), a wall-clock time in %s "+
		"(2026-11-22T03:30:00 or 2026-11-22 03:30), or a date (2026-11-22)", name, v, tz)
}

// wallTime is the instant a wall-clock time w (its digits, read in UTC)
// denotes in loc. When the clocks go back it denotes two instants, and the
// earlier is taken: an --as-of earlier than meant deletes later, never
// earlier. ok is false for a time the clocks skip.
func wallTime(w time.Time, loc *time.Location) (time.Time, bool) {
	var best time.Time
	// Every offset in force near the wall time is a candidate; one is right
	// when the instant it gives shows the same wall time in loc.
	for h := -26; h <= 26; h++ {
		_, off := w.Add(time.Duration(h) * time.Hour).In(loc).Zone()
		t := w.Add(-time.Duration(off) * time.Second)
		if _, o := t.In(loc).Zone(); o != off {
			continue
		}
		if best.IsZero() || t.Before(best) {
			best = t
		}
	}
	return best.In(loc), !best.IsZero()
}
