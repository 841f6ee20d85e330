package sweeper

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"syscall"
	"time"

	"go.uber.org/zap"
)

// The paces of sweeper.pace.
const (
	// PaceFull runs the batches as batch_size, batch_time and batch_pause
	// set them, one after the other.
	PaceFull = "full"
	// PaceGentle watches the sweep's effect on the server and gives way:
	// short batches, a pause after each of half its time, and longer
	// pauses while its own statements slow down or the server's running
	// statements rise (README, "How a sweep works").
	PaceGentle = "gentle"
)

// The reasons of sweeper_throttled_seconds_total, of RuleReport.Throttled
// and of the throttle log events.
const (
	// ThrottlePace is the gentle pace's own pause after each batch: what
	// keeps the sweep's share of the server at about two thirds.
	ThrottlePace = "pace"
	// ThrottleLatency and ThrottleLoad are the gentle pace backing off:
	// its statements' time per row rose over twice that of the run's
	// first batches, or the server's running statements rose.
	ThrottleLatency = "latency"
	ThrottleLoad    = "load"
	// ThrottleMaxLoad is a wait while the server's running statements are
	// at or over sweeper.max_load.
	ThrottleMaxLoad = "max_load"
	// ThrottlePauseFile is a wait while sweeper.pause_file exists.
	ThrottlePauseFile = "pause_file"
)

// ThrottleReasons are the reasons a run can be throttled for, in the order
// metrics and reports list them.
var ThrottleReasons = []string{ThrottlePace, ThrottleLatency, ThrottleLoad, ThrottleMaxLoad, ThrottlePauseFile}

// ErrCriticalLoad is wrapped by the error of a rule that critical_load
// stopped.
var ErrCriticalLoad = errors.New("critical_load reached")

const (
	// gentleBatchTime is the gentle pace's batch_time when the config sets
	// none: a batch's rows stay locked about that long, shorter than the
	// shop's own slowest requests.
	gentleBatchTime = 25 * time.Millisecond
	// throttlePoll is how often a held sweep looks again at the pause file
	// and the server's load.
	throttlePoll = time.Second
	// gentleFirst is how many batches' time per row the gentle pace takes
	// as the run's baseline.
	gentleFirst = 3
	// gentleMaxBackoff bounds how many times its plain pause the gentle
	// pace pauses: the hard limits are max_load and critical_load.
	gentleMaxBackoff = 32
)

// convertThrottle resolves the pace and throttle settings. The gentle pace
// takes short batches unless the config says how long they take.
func (s *Settings) convertThrottle(rs *rawSettings, dir string) {
	s.Pace = orDefault(rs.Pace, PaceFull)
	if s.Pace == PaceGentle && rs.BatchTime == nil {
		s.BatchTime = gentleBatchTime
	}
	s.MaxLoad, s.CriticalLoad = rs.MaxLoad, rs.CriticalLoad
	s.PauseFile = rs.PauseFile
	if s.PauseFile != "" && dir != "" && !filepath.IsAbs(s.PauseFile) {
		s.PauseFile = filepath.Join(dir, s.PauseFile)
	}
}

func (s *Settings) validateThrottle(top scope) {
	switch s.Pace {
	case PaceFull, PaceGentle, "":
	default:
		top.addf("sweeper.pace", `%q is not a pace: use "full" (batches as batch_size, batch_time and batch_pause set them) `+
			`or "gentle" (the sweeper watches its effect on the server and gives way)`, s.Pace)
	}
	if s.MaxLoad < 0 {
		top.addf("sweeper.max_load", "%d is negative (0 turns it off)", s.MaxLoad)
	}
	if s.CriticalLoad < 0 {
		top.addf("sweeper.critical_load", "%d is negative (0 turns it off)", s.CriticalLoad)
	}
	if s.MaxLoad > 0 && s.CriticalLoad > 0 && s.CriticalLoad <= s.MaxLoad {
		top.addf("sweeper.critical_load", "%d is not above max_load %d: the load that stops a rule must be higher "+
			"than the one it waits out", s.CriticalLoad, s.MaxLoad)
	}
}

// checkThrottle tells check, and a daemon before a config takes over,
// that max_load or critical_load cannot be read on this database: every
// run would fail on it.
func (s *Sweeper) checkThrottle(ctx context.Context) []Finding {
	set := s.Config.Sweeper
	var fs []Finding
	if set.MaxLoad > 0 || set.CriticalLoad > 0 {
		if _, err := s.Store.Dialect().Load(ctx, s.Store); err != nil {
			fs = append(fs, Finding{Severity: SeverityError, Message: loadError(err).Error()})
		}
	}
	if p := set.PauseFile; p != "" {
		if st, err := os.Stat(filepath.Dir(p)); err != nil || !st.IsDir() {
			fs = append(fs, Finding{Severity: SeverityWarning,
				Message: fmt.Sprintf("sweeper.pause_file %q: its directory does not exist on this machine, so the file cannot be created", p)})
		}
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			// A directory exists as long as the file would: every sweep
			// would wait at its first batch, for ever.
			fs = append(fs, Finding{Severity: SeverityError,
				Message: fmt.Sprintf("sweeper.pause_file %q is a directory: every sweep would wait while it exists; give the path of a file in it", p)})
		}
	}
	return fs
}

// loadError is an error reading the load that max_load or critical_load
// needs.
func loadError(err error) error {
	if errors.Is(err, ErrNoLoad) {
		return fmt.Errorf("sweeper.max_load and sweeper.critical_load need a server that counts its running statements: %v; "+
			"set them to 0 (pace = \"gentle\" still watches the sweep's own statements)", err)
	}
	return fmt.Errorf("read the server's load for sweeper.max_load and critical_load: %w", err)
}

// throttle is what a run's pace watches, from one batch to the next.
type throttle struct {
	gentle         bool
	maxLoad, limit int // max_load, critical_load
	pauseFile      string
	// readLoad says the gentle pace reads the server's load after each
	// batch: the database can tell it.
	readLoad bool

	// last is when the run left the throttle, rows and idle its report's
	// rows and pauses then: the next batch's time and rows are measured
	// from them.
	last time.Time
	rows int
	idle time.Duration

	perRow   []float64 // seconds per row of the first batches
	baseline float64   // their median; 0 until known
	smooth   float64   // seconds per row, smoothed over the batches since
	loads    []int     // the server's load after the first batches
	baseLoad int       // their median
	// backoff is how many times its plain pause the gentle pace pauses:
	// doubled while the server is under pressure, less by one after
	// each batch that is not.
	backoff float64
	episode episode // the backoff under way, its reason "" when none
}

// episode is a stretch of throttling for one reason: logged when it starts
// and when it ends, not at every batch.
type episode struct {
	reason    string
	since     time.Time
	throttled time.Duration
}

// startThrottle readies the run's pace and holds the run at its first
// batch boundary, as after every batch: a sweep started while the pause
// file exists or the server is loaded waits before touching a row.
func (run *ruleRun) startThrottle(ctx context.Context) error {
	set := run.s.Config.Sweeper
	run.thr = &throttle{gentle: set.Pace == PaceGentle, maxLoad: set.MaxLoad, limit: set.CriticalLoad,
		pauseFile: set.PauseFile, readLoad: set.Pace == PaceGentle, backoff: 1}
	err := run.gate(ctx)
	run.thr.mark(run)
	return err
}

// throttle is the run's pace after a batch, after batch_pause and the wait
// for replicas: the gentle pace's pause, then the hold of the pause file,
// max_load and critical_load.
func (run *ruleRun) throttle(ctx context.Context) error {
	t := run.thr
	if t == nil {
		return nil
	}
	if t.gentle {
		if err := run.gentlePause(ctx); err != nil {
			return err
		}
	}
	err := run.gate(ctx)
	t.mark(run)
	return err
}

// endThrottle logs the end of a backoff still under way when the run ends.
func (run *ruleRun) endThrottle() {
	if t := run.thr; t != nil && t.episode.reason != "" {
		run.endEpisode(&t.episode, "the rule's run ended")
	}
}

// mark starts the measure of the next batch.
func (t *throttle) mark(run *ruleRun) {
	t.last, t.rows, t.idle = time.Now(), run.rep.Rows, run.rep.Paused+run.rep.ReplicaWait
}

// gate holds the run at a batch boundary while the pause file exists or
// the server's load is at or over max_load, until the rule's deadline
// (max_run_time) or the sweep is stopped: the walk then stops on either
// before its next batch. A load at or over critical_load is an error.
func (run *ruleRun) gate(ctx context.Context) error {
	var ep episode
	defer func() {
		if ep.reason != "" {
			run.endEpisode(&ep, "")
		}
	}()
	for {
		reason, value, err := run.held(ctx)
		if err != nil {
			return err
		}
		if reason != ep.reason {
			if ep.reason != "" {
				run.endEpisode(&ep, "")
			}
			if reason != "" {
				ep = episode{reason: reason, since: time.Now()}
				run.startEpisode(ep.reason, value)
			}
		}
		if reason == "" || ctx.Err() != nil || (!run.deadline.IsZero() && time.Now().After(run.deadline)) {
			return nil
		}
		ep.throttled += run.sleep(ctx, reason, throttlePoll)
	}
}

// held says why the run must wait now, if it must: the pause file, or
// max_load with the load read. A load at or over critical_load is an
// error naming it.
func (run *ruleRun) held(ctx context.Context) (reason string, value any, err error) {
	t := run.thr
	if t.pauseFile != "" {
		// A file that cannot be looked at may well be there: the operator
		// asked for a pause, and a sweep that went on would not give it.
		// A path through a file (ENOTDIR) names no file that can exist.
		if _, err := os.Stat(t.pauseFile); !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR) {
			return ThrottlePauseFile, t.pauseFile, nil
		}
	}
	if t.maxLoad <= 0 && t.limit <= 0 {
		return "", nil, nil
	}
	n, err := run.s.Store.Dialect().Load(ctx, run.s.Store)
	if err != nil {
		if ctx.Err() != nil {
			return "", nil, nil // the walk stops on the cancelled context next
		}
		return "", nil, loadError(err)
	}
	if t.limit > 0 && n >= t.limit {
		return "", nil, fmt.Errorf("%w: %d statements of other connections are running on the server, at or over "+
			"sweeper.critical_load = %d; the rule stopped between two batches: every batch before it committed with its "+
			"audit records and the rest is left for the next run. Find what loads the server, or raise critical_load",
			ErrCriticalLoad, n, t.limit)
	}
	if t.maxLoad > 0 && n >= t.maxLoad {
		return ThrottleMaxLoad, n, nil
	}
	return "", nil, nil
}

// sleep waits d, or less at the rule's deadline or when the sweep is
// stopped, and counts the wait as throttled for reason.
func (run *ruleRun) sleep(ctx context.Context, reason string, d time.Duration) time.Duration {
	if !run.deadline.IsZero() {
		d = min(d, time.Until(run.deadline))
	}
	if d <= 0 {
		return 0
	}
	start := time.Now()
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
	case <-timer.C:
	}
	waited := time.Since(start)
	run.addThrottled(reason, waited)
	return waited
}

// addThrottled counts d into the run's report under reason.
func (run *ruleRun) addThrottled(reason string, d time.Duration) {
	if run.rep.Throttled == nil {
		run.rep.Throttled = map[string]time.Duration{}
	}
	run.rep.Throttled[reason] += d
}

func (run *ruleRun) startEpisode(reason string, value any, extra ...zap.Field) {
	f := append([]zap.Field{zap.String("event", "throttle"), zap.String("phase", "start"),
		zap.String("reason", reason), zap.Any("value", value)}, extra...)
	switch reason {
	case ThrottleMaxLoad:
		f = append(f, zap.Int("limit", run.thr.maxLoad))
	}
	run.log.Warn("throttling: waiting at a batch boundary", f...)
}

func (run *ruleRun) endEpisode(ep *episode, why string) {
	f := []zap.Field{zap.String("event", "throttle"), zap.String("phase", "end"), zap.String("reason", ep.reason),
		zap.Float64("seconds", ep.throttled.Seconds()), zap.Int64("duration_ms", time.Since(ep.since).Milliseconds())}
	if why != "" {
		f = append(f, zap.String("why", why))
	}
	run.log.Info("throttling ended", f...)
	*ep = episode{}
}

// median is the middle of values (the upper one of two).
func median[T int | float64](values []T) T {
	s := append([]T(nil), values...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}
