package sweeper

import (
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

	mu   sync.Mutex
	last map[string]time.Time // what lastSuccess shows, per rule
}

// NewMetrics creates the metrics and registers them on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		last: map[string]time.Time{},
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
			Help: "Scheduled runs the clock guard refused, by reason (clock_behind: the clock is behind the newest audit record).",
		}, []string{"reason"}),
	}
	reg.MustRegister(m.rows, m.duration, m.lastSuccess, m.errors, m.reminders, m.due, m.awaiting, m.refused)
	m.refused.WithLabelValues(ReasonClockBehind)
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
	}
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
	if rr.Err != nil {
		m.errors.WithLabelValues(rr.Name).Inc()
		return
	}
	m.SetLastSuccess(rr.Name, finished)
}

// ObserveRefusal counts a run the clock guard refused.
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
