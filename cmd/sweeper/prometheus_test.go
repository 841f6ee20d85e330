package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/sweeperd/sweeper/internal/dbtest"
	"github.com/sweeperd/sweeper/internal/smtptest"
)

// The monitoring files that ship with sweeper.
const (
	alertsFile     = "../../deploy/prometheus/sweeper-alerts.yml"
	alertTestsFile = "../../deploy/prometheus/sweeper-alerts.test.yml"
	dashboardFile  = "../../deploy/grafana/sweeper.json"
)

// prometheusTool finds one of the programs of Debian's prometheus package,
// or skips the test; under CI=true a missing one fails it, since .ci/run
// installs the package.
func prometheusTool(t *testing.T, name string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("no %s found: .ci/run installs Debian's prometheus package; install it with apt-get install -y prometheus", name)
	}
	t.Skipf("no %s found: install it with apt-get install -y prometheus to run this test", name)
	return ""
}

// alertRule is one rule of the alert rules file.
type alertRule struct {
	Alert       string            `yaml:"alert"`
	Expr        string            `yaml:"expr"`
	For         string            `yaml:"for"`
	Labels      map[string]string `yaml:"labels"`
	Annotations map[string]string `yaml:"annotations"`
}

func loadAlertRules(t *testing.T) []alertRule {
	t.Helper()
	var f struct {
		Groups []struct {
			Rules []alertRule `yaml:"rules"`
		} `yaml:"groups"`
	}
	loadYAML(t, alertsFile, &f)
	var out []alertRule
	for _, g := range f.Groups {
		out = append(out, g.Rules...)
	}
	if len(out) == 0 {
		t.Fatalf("%s holds no rules", alertsFile)
	}
	return out
}

func loadYAML(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// TestAlertRules_Promtool validates the shipped alert rules with promtool
// and runs their unit tests, and holds the unit tests to what they
// promise: every alert fires on a series that should fire it, and stays
// quiet after a restart and on a healthy series. A test naming an alert
// that does not exist would pass unseen, so none may.
func TestAlertRules_Promtool(t *testing.T) {
	promtool := prometheusTool(t, "promtool")
	rules := loadAlertRules(t)
	out, err := exec.Command(promtool, "check", "rules", alertsFile).CombinedOutput()
	if err != nil {
		t.Fatalf("promtool check rules %s: %v\n%s", alertsFile, err, out)
	}
	if want := fmt.Sprintf("SUCCESS: %d rules found", len(rules)); !strings.Contains(string(out), want) {
		t.Errorf("promtool check rules: got %q, want %q", out, want)
	}
	out, err = exec.Command(promtool, "test", "rules", alertTestsFile).CombinedOutput()
	if err != nil {
		t.Fatalf("promtool test rules %s: %v\n%s", alertTestsFile, err, out)
	}

	var tests struct {
		Tests []struct {
			Name  string `yaml:"name"`
			Cases []struct {
				Alertname string `yaml:"alertname"`
				ExpAlerts []any  `yaml:"exp_alerts"`
			} `yaml:"alert_rule_test"`
		} `yaml:"tests"`
	}
	loadYAML(t, alertTestsFile, &tests)
	type coverage struct{ fires, quietAfterRestart, quietWhenHealthy bool }
	cov := map[string]*coverage{}
	for _, r := range rules {
		cov[r.Alert] = &coverage{}
	}
	for _, tc := range tests.Tests {
		for _, c := range tc.Cases {
			cv, ok := cov[c.Alertname]
			if !ok {
				t.Errorf("%s: test %q names the alert %q, which %s does not have: it passes whatever the rules say",
					alertTestsFile, tc.Name, c.Alertname, alertsFile)
				continue
			}
			if len(c.ExpAlerts) > 0 {
				cv.fires = true
				continue
			}
			// A test may be named for both.
			cv.quietAfterRestart = cv.quietAfterRestart || strings.Contains(tc.Name, "restart")
			cv.quietWhenHealthy = cv.quietWhenHealthy || strings.Contains(tc.Name, "healthy")
		}
	}
	for _, r := range rules {
		cv := cov[r.Alert]
		if !cv.fires {
			t.Errorf("%s: no test in which it fires", r.Alert)
		}
		if !cv.quietAfterRestart {
			t.Errorf("%s: no test (named for a restart) in which it stays quiet after a restart", r.Alert)
		}
		if !cv.quietWhenHealthy {
			t.Errorf("%s: no test (named for a healthy series) in which it stays quiet on one", r.Alert)
		}
		if r.Annotations["summary"] == "" || r.Annotations["description"] == "" {
			t.Errorf("%s: want a summary and a description", r.Alert)
		}
		if d := r.Annotations["description"]; !strings.Contains(d, "`sweeper ") && !strings.Contains(d, "journalctl") {
			t.Errorf("%s: the description does not say what to do (no sweeper command, no journalctl): %q", r.Alert, d)
		}
		if s := r.Labels["severity"]; s != "critical" && s != "warning" {
			t.Errorf("%s: severity %q, want critical or warning", r.Alert, s)
		}
	}
}

// grafanaDashboard is what the test reads of the dashboard's JSON model.
type grafanaDashboard struct {
	Title      string         `json:"title"`
	UID        string         `json:"uid"`
	Panels     []grafanaPanel `json:"panels"`
	Templating struct {
		List []struct {
			Name  string          `json:"name"`
			Type  string          `json:"type"`
			Query json.RawMessage `json:"query"` // a string, or {"query": ...}
		} `json:"list"`
	} `json:"templating"`
}

type grafanaPanel struct {
	ID         int    `json:"id"`
	Type       string `json:"type"`
	Title      string `json:"title"`
	Datasource *struct {
		UID string `json:"uid"`
	} `json:"datasource"`
	Targets []struct {
		RefID string `json:"refId"`
		Expr  string `json:"expr"`
	} `json:"targets"`
	Panels []grafanaPanel `json:"panels"` // those of a collapsed row
}

func loadDashboard(t *testing.T) (grafanaDashboard, []grafanaPanel) {
	t.Helper()
	b, err := os.ReadFile(dashboardFile)
	if err != nil {
		t.Fatal(err)
	}
	var d grafanaDashboard
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("%s: %v", dashboardFile, err)
	}
	var flat []grafanaPanel
	var walk func([]grafanaPanel)
	walk = func(ps []grafanaPanel) {
		for _, p := range ps {
			flat = append(flat, p)
			walk(p.Panels)
		}
	}
	walk(d.Panels)
	return d, flat
}

// grafanaVariable is a dashboard variable in a query: $rule or ${rule}.
var grafanaVariable = regexp.MustCompile(`\$\{?(\w+)\}?`)

// promQL is a panel's query as Grafana sends it with every variable on
// "All": the dashboard's variables are regex matchers (=~) and their "All"
// is .+. A variable the test does not know fails it: its query could not be
// asked.
func promQL(t *testing.T, vars []string, expr string) string {
	t.Helper()
	return grafanaVariable.ReplaceAllStringFunc(expr, func(m string) string {
		name := grafanaVariable.FindStringSubmatch(m)[1]
		if !slices.Contains(vars, name) {
			t.Errorf("query %q uses $%s, which is not a variable of the dashboard", expr, name)
		}
		return ".+"
	})
}

// promServer is a Prometheus of the test's own.
type promServer struct {
	t    *testing.T
	addr string
	mu   sync.Mutex
	log  strings.Builder
}

func (s *promServer) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.Write(b)
}

// startPrometheus starts Prometheus on a free port with its storage in a
// temporary directory, scraping target every second as the job "sweeper"
// and evaluating the rules files every second.
func startPrometheus(t *testing.T, bin, target string, ruleFiles ...string) *promServer {
	t.Helper()
	dir := t.TempDir()
	var rules strings.Builder
	for _, f := range ruleFiles {
		abs, err := filepath.Abs(f)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&rules, "  - %q\n", abs)
	}
	cfg := writeFile(t, dir, "prometheus.yml", fmt.Sprintf(`global:
  scrape_interval: 1s
  scrape_timeout: 900ms
  evaluation_interval: 1s
rule_files:
%sscrape_configs:
  - job_name: sweeper
    static_configs:
      - targets: [%q]
`, rules.String(), target))
	s := &promServer{t: t, addr: freePort(t)}
	cmd := exec.Command(bin, "--config.file="+cfg, "--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+s.addr, "--log.level=warn")
	cmd.Stdout, cmd.Stderr = s, s
	if err := cmd.Start(); err != nil {
		t.Fatalf("start prometheus: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
		if t.Failed() {
			s.mu.Lock()
			t.Logf("prometheus log:\n%s", s.log.String())
			s.mu.Unlock()
		}
	})
	deadline := time.After(60 * time.Second)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-exited:
			exited <- err
			t.Fatalf("prometheus exited at start: %v", err)
		case <-deadline:
			t.Fatal("prometheus not ready within 60 s")
		case <-tick.C:
			if resp, err := http.Get("http://" + s.addr + "/-/ready"); err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					return s
				}
			}
		}
	}
}

// promSample is one series of an instant query's answer.
type promSample struct {
	Metric map[string]string `json:"metric"`
	Value  [2]any            `json:"value"`
}

func (p promSample) float() float64 {
	s, _ := p.Value[1].(string)
	v, _ := strconv.ParseFloat(s, 64)
	return v
}

// query asks Prometheus's HTTP API for an instant query. A query that does
// not parse fails the test at once, with Prometheus's reason.
func (s *promServer) query(expr string) []promSample {
	s.t.Helper()
	var body struct {
		Status    string `json:"status"`
		ErrorType string `json:"errorType"`
		Error     string `json:"error"`
		Data      struct {
			ResultType string          `json:"resultType"`
			Result     json.RawMessage `json:"result"`
		} `json:"data"`
	}
	s.get("/api/v1/query?query="+url.QueryEscape(expr), &body)
	if body.Status != "success" {
		s.t.Fatalf("Prometheus refuses the query %q: %s: %s", expr, body.ErrorType, body.Error)
	}
	if body.Data.ResultType != "vector" {
		s.t.Fatalf("query %q: result type %s, want vector", expr, body.Data.ResultType)
	}
	var out []promSample
	if err := json.Unmarshal(body.Data.Result, &out); err != nil {
		s.t.Fatalf("query %q: %v", expr, err)
	}
	return out
}

func (s *promServer) get(path string, v any) {
	s.t.Helper()
	resp, err := http.Get("http://" + s.addr + path)
	if err != nil {
		s.t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		s.t.Fatalf("GET %s: %v\n%s", path, err, b)
	}
}

// waitData asks a query until it returns at least one series.
func (s *promServer) waitData(what, expr string, timeout time.Duration) []promSample {
	s.t.Helper()
	var got []promSample
	eventually(s.t, timeout, fmt.Sprintf("%s: data for %s", what, expr), func() bool {
		got = s.query(expr)
		return len(got) > 0
	})
	return got
}

// TestDashboard_RealPrometheus has a real Prometheus scrape a real `sweeper
// run` while it sweeps, then asks it for every query of the shipped
// dashboard and every expression of the shipped alert rules: each must
// parse, and every panel query must return data. The shop is set up so
// that every panel has something to show: a rule that deletes, slowed by
// batch_pause; one that sends reminders; and one the max_fraction circuit
// breaker refuses, which never succeeds. The rules are loaded into
// Prometheus too, which evaluates them on the real series: the breaker's
// alert fires, the refused rule's alerts are on their way, and the healthy
// rule's stay quiet.
func TestDashboard_RealPrometheus(t *testing.T) {
	bin := prometheusTool(t, "prometheus")
	dash, panels := loadDashboard(t)
	rules := loadAlertRules(t)
	smtp := smtptest.Start(t)
	host, port := smtp.Addr()

	// Orders that are not due yet keep the due ones under max_fraction.
	const due, recent = 1000, 1500
	dsn, db := daemonShop(t, recent)
	dbtest.Exec(t, dsn, `UPDATE orders SET created_at = NOW()`,
		`CREATE TABLE complaints (id BIGINT AUTO_INCREMENT PRIMARY KEY, filed_at DATETIME NOT NULL)`,
		`INSERT INTO complaints (filed_at) VALUES ('2015-01-01'), ('2015-02-01'), ('2015-03-01')`,
		`CREATE TABLE members (id BIGINT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(100), first_name VARCHAR(50), created_at DATETIME NOT NULL)`,
		`INSERT INTO members (email, first_name, created_at) VALUES ('a@example.invalid', 'Anna', '2015-01-01'),
			('b@example.invalid', 'Bram', '2015-01-01'), ('c@example.invalid', 'Cor', NOW()),
			('d@example.invalid', 'Dien', NOW()), ('e@example.invalid', 'Eva', NOW())`)
	listen := freePort(t)
	dir := t.TempDir()
	cfg := daemonConfig(t, dir, dsn, listen, "max_fraction = 0.5\nbatch_size = 100\nbatch_pause = \"5ms\"")
	text, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "config.toml", string(text)+shopRules(t, dir, host, port))
	p := startDaemon(t, cfg, listen)
	p.waitLog(15*time.Second, `"event":"daemon.start"`)
	prom := startPrometheus(t, bin, listen, alertsFile)
	prom.waitData("the target", `up{job="sweeper"} == 1`, 30*time.Second)
	prom.waitData("the first scrape of the rows", `sweeper_rows_total{rule="order-7y"}`, 30*time.Second)

	// Due orders come in while Prometheus watches: the sweep it sees.
	addDueOrders(t, db, due)
	eventually(t, 30*time.Second, "due orders swept", func() bool { return scalar(t, db, "SELECT COUNT(*) FROM orders") == recent })
	smtp.Wait(t, 2, 30*time.Second)
	prom.waitData("the sweep scraped", fmt.Sprintf(`sweeper_rows_total{rule="order-7y",action="delete"} >= %d`, due), 30*time.Second)

	var vars []string
	for _, v := range dash.Templating.List {
		vars = append(vars, v.Name)
	}
	// The variables' values come from label_values(selector, label): the
	// selector must find series that carry the label.
	labelValues := regexp.MustCompile(`^label_values\((.+), *(\w+)\)$`)
	for _, v := range dash.Templating.List {
		if v.Type != "query" {
			continue
		}
		var q struct {
			Query string `json:"query"`
		}
		if err := json.Unmarshal(v.Query, &q); err != nil {
			t.Fatalf("variable %s: query %s: %v", v.Name, v.Query, err)
		}
		m := labelValues.FindStringSubmatch(q.Query)
		if m == nil {
			t.Errorf("variable %s: query %q is not label_values(selector, label)", v.Name, q.Query)
			continue
		}
		for _, s := range prom.waitData("variable "+v.Name, promQL(t, vars, m[1]), 30*time.Second) {
			if s.Metric[m[2]] == "" {
				t.Errorf("variable %s: %s has a series without the label %s: %v", v.Name, m[1], m[2], s.Metric)
			}
		}
	}
	var exprs []string
	ids := map[int]bool{}
	for _, pn := range panels {
		if ids[pn.ID] {
			t.Errorf("panel %q: id %d is used twice", pn.Title, pn.ID)
		}
		ids[pn.ID] = true
		if pn.Type == "row" {
			continue
		}
		if pn.Title == "" || len(pn.Targets) == 0 {
			t.Errorf("panel %d: title %q, %d queries; want a title and a query", pn.ID, pn.Title, len(pn.Targets))
		}
		if pn.Datasource == nil || pn.Datasource.UID != "${datasource}" {
			t.Errorf("panel %q: want the data source ${datasource}, the dashboard's variable", pn.Title)
		}
		for _, tg := range pn.Targets {
			q := promQL(t, vars, tg.Expr)
			exprs = append(exprs, q)
			got := prom.waitData(fmt.Sprintf("panel %q, query %s", pn.Title, tg.RefID), q, 30*time.Second)
			if pn.Title == "Rows per day, by rule and action" {
				rowsPerDay(t, got, due)
			}
		}
	}

	// Every metric of the daemon is on the dashboard somewhere.
	_, metrics := p.get("/metrics")
	all := strings.Join(exprs, "\n")
	for _, fam := range regexp.MustCompile(`(?m)^# TYPE (sweeper_\w+) `).FindAllStringSubmatch(metrics, -1) {
		if !strings.Contains(all, fam[1]) {
			t.Errorf("%s is on /metrics but on no panel of the dashboard", fam[1])
		}
	}

	// The alert expressions parse, and Prometheus evaluates them without an
	// error on the real series.
	for _, r := range rules {
		prom.query(r.Expr)
	}
	var ruleState struct {
		Data struct {
			Groups []struct {
				Rules []struct {
					Name           string `json:"name"`
					Health         string `json:"health"`
					LastError      string `json:"lastError"`
					LastEvaluation string `json:"lastEvaluation"`
				} `json:"rules"`
			} `json:"groups"`
		} `json:"data"`
	}
	eventually(t, 30*time.Second, "every alert rule evaluated", func() bool {
		prom.get("/api/v1/rules", &ruleState)
		n := 0
		for _, g := range ruleState.Data.Groups {
			for _, r := range g.Rules {
				if r.Health != "unknown" {
					n++
				}
			}
		}
		return n == len(rules)
	})
	for _, g := range ruleState.Data.Groups {
		for _, r := range g.Rules {
			if r.Health != "ok" {
				t.Errorf("alert %s: health %s (%s)", r.Name, r.Health, r.LastError)
			}
		}
	}

	prom.waitData("the circuit breaker's alert", `ALERTS{alertname="SweeperCircuitBreakerRefused",alertstate="firing"}`, 30*time.Second)
	for _, alert := range []string{"SweeperRuleFailing", "SweeperRuleNeverSucceeded"} {
		prom.waitData("the refused rule's alert", fmt.Sprintf(`ALERTS{alertname=%q,rule="complaint-1y"}`, alert), 30*time.Second)
	}
	if got := prom.query(`ALERTS{rule="order-7y"}`); len(got) > 0 {
		t.Errorf("alerts for the rule that succeeds every second: %v, want none", got)
	}
	if n := scalar(t, db, "SELECT COUNT(*) FROM complaints"); n != 3 {
		t.Errorf("complaints: got %d, want 3 (the breaker refuses their rule)", n)
	}
}

// rowsPerDay checks the rows panel against the sweep: want due orders were
// deleted by order-7y, and nothing by the refused rule.
func rowsPerDay(t *testing.T, got []promSample, want int) {
	t.Helper()
	found := false
	for _, s := range got {
		switch {
		case s.Metric["rule"] == "order-7y" && s.Metric["action"] == "delete":
			found = true
			// increase() extrapolates a little past the first and last
			// samples, never below what it saw.
			if s.float() < float64(want) {
				t.Errorf("rows per day of order-7y: got %v, want at least the %d deleted orders", s.float(), want)
			}
		case s.Metric["rule"] == "complaint-1y" && s.float() != 0:
			t.Errorf("rows per day of the refused complaint-1y: got %v, want 0", s.float())
		}
	}
	if !found {
		t.Errorf("rows per day: no series for order-7y's deletes in %v", got)
	}
}
