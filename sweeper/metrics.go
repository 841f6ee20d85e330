package sweeper

import (
	"errors"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the daemon's Prometheus metrics. They are registered on the
// registry passed in, never on the global one, and their labels are rule
// names and actions only: low cardinality, no row data.
type Metrics struct {
	rows        *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	lastSuccess *prometheus.GaugeVec
	errors      *prometheus.CounterVec
	reminders   *prometheus.CounterVec
	due         *prometheus.GaugeVec
	awaiting    *prometheus.GaugeVec
	refused     *prometheus.CounterVec
	// What the shipped alert rules and dashboard need beyond the above
	// (deploy/prometheus, deploy/grafana).
	reminderErrors *prometheus.CounterVec
	period         *prometheus.GaugeVec
	since          *prometheus.GaugeVec
	capped         *prometheus.CounterVec
	paused         *prometheus.CounterVec
	throttled      *prometheus.CounterVec

	mu        sync.Mutex
	last      map[string]time.Time // what lastSuccess shows, per rule
	scheduled map[string]schedule  // what period and since show, per rule
}

// schedule is a rule as the running scheduler holds it: how often it runs
// and since when it has run that often.
type schedule struct {
	period time.Duration
	since  time.Time
}

// The reasons of sweeper_paused_seconds_total.
const (
	PauseBatch      = "batch_pause"
	PauseReplicaLag = "replica_lag"
)

// NewMetrics creates the metrics and registers them on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		last:      map[string]time.Time{},
		scheduled: map[string]schedule{},
		rows: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sweeper_rows_total",
			Help: "Rows a rule deleted, anonymised or detached, related rows included, by rule and action.",
		}, []string{"rule", "action"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "sweeper_rule_duration_seconds",
			Help:    "How long one run of a rule took.",
			Buckets: prometheus.ExponentialBuckets(0.01, 4, 10), // 10 ms to about 43 min
		}, []string{"rule"}),
		lastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "sweeper_last_success_timestamp_seconds",
			Help: "When a run of the rule last finished without an error (Unix time), by any sweeper of the database; absent until one did.",
		}, []string{"rule"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sweeper_rule_errors_total",
			Help: "Runs of a rule that failed.",
		}, []string{"rule"}),
		reminders: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sweeper_reminders_sent_total",
			Help: "Reminder mails sent, by rule.",
		}, []string{"rule"}),
		due: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "sweeper_due_rows",
			Help: "Rows due but not yet handled after the rule's last run: a backlog that grows means the rule cannot keep up.",
		}, []string{"rule"}),
		awaiting: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "sweeper_awaiting_reminder_rows",
			Help: "Rows of a rule with a reminder that are due by age but wait for their reminder, after the rule's last run.",
		}, []string{"rule"}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sweeper_runs_refused_total",
			Help: "Scheduled runs refused before they touched anything, by reason (clock_behind: the clock is behind the newest audit record; max_fraction: the circuit breaker, more of a table due than sweeper.max_fraction).",
		}, []string{"reason"}),
		reminderErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sweeper_reminder_errors_total",
			Help: "Reminder mails that could not be sent, by rule; their rows are kept.",
		}, []string{"rule"}),
		period: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "sweeper_rule_schedule_period_seconds",
			Help: "The longest time between two runs of a scheduled rule by its cron schedule; absent for a rule the daemon does not schedule.",
		}, []string{"rule"}),
		since: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "sweeper_rule_scheduled_since_timestamp_seconds",
			Help: "Since when this daemon has scheduled the rule with its current period (Unix time): a rule that never succeeded is overdue two periods after it.",
		}, []string{"rule"}),
		capped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sweeper_runs_capped_total",
			Help: "Runs of a rule that max_rows_per_run or max_run_time stopped before it ran out of due rows.",
		}, []string{"rule"}),
		paused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sweeper_paused_seconds_total",
			Help: "Time a rule's runs spent pausing between batches, by reason (batch_pause; replica_lag: waiting for lagging replicas).",
		}, []string{"rule", "reason"}),
		throttled: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sweeper_throttled_seconds_total",
			Help: "Time the pace held a rule's runs back, by reason (pace: the gentle pace's pause after each batch; " +
				"latency, load: the gentle pace backing off; max_load: the server's running statements at or over max_load; " +
				"pause_file: sweeper.pause_file exists).",
		}, []string{"rule", "reason"}),
	}
	reg.MustRegister(m.rows, m.duration, m.lastSuccess, m.errors, m.reminders, m.due, m.awaiting, m.refused,
		m.reminderErrors, m.period, m.since, m.capped, m.paused, m.throttled)
	m.refused.WithLabelValues(ReasonClockBehind)
	m.refused.WithLabelValues(ReasonMaxFraction)
	return m
}

// Init makes the counters of the rules exist from the start, so that a
// dashboard or an alert sees a zero rather than nothing. The last success
// is not among them: a 0 there reads as "never", and an alert on its age
// would fire at every start. It is set from the database (SetLastSuccess)
// and after each run.
func (m *Metrics) Init(rules []*Rule) {
	if m == nil {
		return
	}
	for _, r := range rules {
		m.errors.WithLabelValues(r.Name)
		m.reminders.WithLabelValues(r.Name)
		m.rows.WithLabelValues(r.Name, string(r.Action))
		m.reminderErrors.WithLabelValues(r.Name)
		m.capped.WithLabelValues(r.Name)
		m.paused.WithLabelValues(r.Name, PauseBatch)
		m.paused.WithLabelValues(r.Name, PauseReplicaLag)
		for _, reason := range ThrottleReasons {
			m.throttled.WithLabelValues(r.Name, reason)
		}
	}
}

// SetSchedules records the rules a scheduler that starts runs, with their
// periods, at the moment now. A rule that was scheduled with the same
// period before (a reload) keeps the moment it was first scheduled: a
// reload must not give a rule that never succeeds two more periods. The
// rules no longer scheduled lose their series, so that no alert waits for
// a rule that was removed or disabled.
func (m *Metrics) SetSchedules(periods map[string]time.Duration, now time.Time) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	next := map[string]schedule{}
	for rule, p := range periods {
		sc, ok := m.scheduled[rule]
		if !ok || sc.period != p {
			sc = schedule{period: p, since: now}
		}
		next[rule] = sc
	}
	for rule := range m.scheduled {
		if _, ok := next[rule]; !ok {
			m.period.DeleteLabelValues(rule)
			m.since.DeleteLabelValues(rule)
		}
	}
	for rule, sc := range next {
		m.period.WithLabelValues(rule).Set(sc.period.Seconds())
		m.since.WithLabelValues(rule).Set(float64(sc.since.Unix()))
	}
	m.scheduled = next
}

// SetLastSuccess moves a rule's last success forward to t; an earlier t
// (a success read back that this process has seen already) changes nothing.
func (m *Metrics) SetLastSuccess(rule string, t time.Time) {
	if m == nil || t.IsZero() {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if !t.After(m.last[rule]) {
		return
	}
	m.last[rule] = t
	m.lastSuccess.WithLabelValues(rule).Set(float64(t.Unix()))
}

// ObserveRule records one finished run of a rule.
func (m *Metrics) ObserveRule(rr RuleReport, finished time.Time) {
	if m == nil || rr.Skipped != "" {
		return
	}
	m.duration.WithLabelValues(rr.Name).Observe(rr.Duration.Seconds())
	m.rows.WithLabelValues(rr.Name, string(rr.Action)).Add(float64(rr.Rows))
	for _, rc := range rr.Related {
		m.rows.WithLabelValues(rr.Name, string(rc.Action)).Add(float64(rc.Rows))
	}
	m.reminders.WithLabelValues(rr.Name).Add(float64(rr.Reminders))
	m.reminderErrors.WithLabelValues(rr.Name).Add(float64(rr.RemindersFailed))
	m.paused.WithLabelValues(rr.Name, PauseBatch).Add(rr.Paused.Seconds())
	m.paused.WithLabelValues(rr.Name, PauseReplicaLag).Add(rr.ReplicaWait.Seconds())
	for reason, d := range rr.Throttled {
		m.throttled.WithLabelValues(rr.Name, reason).Add(d.Seconds())
	}
	if rr.Capped {
		m.capped.WithLabelValues(rr.Name).Inc()
	}
	if rr.Err != nil {
		m.errors.WithLabelValues(rr.Name).Inc()
		if errors.Is(rr.Err, ErrMaxFraction) {
			m.refused.WithLabelValues(ReasonMaxFraction).Inc()
		}
		return
	}
	m.SetLastSuccess(rr.Name, finished)
}

// ObserveRefusal counts a run the clock guard refused; ObserveRule counts
// those of the circuit breaker.
func (m *Metrics) ObserveRefusal(reason string) {
	if m == nil {
		return
	}
	m.refused.WithLabelValues(reason).Inc()
}

// ObserveError counts a failure outside the rule's own report, such as a
// recovered panic.
func (m *Metrics) ObserveError(rule string) {
	if m == nil {
		return
	}
	m.errors.WithLabelValues(rule).Inc()
}

// SetDue records the rows still due after a run.
func (m *Metrics) SetDue(rule string, n int) {
	if m == nil {
		return
	}
	m.due.WithLabelValues(rule).Set(float64(n))
}

// SetAwaitingReminder records the rows waiting for their reminder after a run.
func (m *Metrics) SetAwaitingReminder(rule string, n int) {
	if m == nil {
		return
	}
	m.awaiting.WithLabelValues(rule).Set(float64(n))
}

// ErrorsCounter returns the error counter of a rule, for tests and for
// callers that want to read it back.
func (m *Metrics) ErrorsCounter(rule string) prometheus.Counter {
	return m.errors.WithLabelValues(rule)
}
