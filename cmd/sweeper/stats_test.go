package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sweeperd/sweeper/demo"
	"github.com/sweeperd/sweeper/internal/smtptest"
	"github.com/sweeperd/sweeper/sweeper"
)

var updateDocs = flag.Bool("update-docs", false, "write docs/stats.png, README's screenshot of the stats page")

// logOf runs the real binary and appends what it writes to standard error
// (the JSON log, and a last line of its own when it fails) to log.
func logOf(t *testing.T, log *os.File, args ...string) int {
	t.Helper()
	cmd := exec.Command(sweeperBinary(t), args...)
	cmd.Stderr = log
	if err := cmd.Run(); err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		t.Fatalf("sweeper %v: %v", args, err)
	}
	return 0
}

// shopRules returns the config of two rules with the [mail] table for the
// SMTP server at host:port: memberRule, and one for complaints that the
// circuit breaker refuses (max_fraction = 0.5) when every complaint is due.
func shopRules(t *testing.T, dir, host string, port int) string {
	t.Helper()
	return memberRule(t, dir) + complaintRule + fmt.Sprintf(`
[mail]
host = %q
port = %d
tls = "none"
from = "Testwinkel <info@example.invalid>"
`, host, port)
}

// statsShop is a SQLite shop of the test's own beside the demo, with
// shopRules: its log holds reminders, an erasure and a failure.
func statsShop(t *testing.T, dir string) (cfg string, db *sql.DB) {
	t.Helper()
	srv := smtptest.Start(t)
	host, port := srv.Addr()
	dbPath := filepath.Join(dir, "shop.db")
	db = opDB(t, dbPath)
	for _, q := range []string{
		`CREATE TABLE members (id INTEGER PRIMARY KEY, email TEXT, first_name TEXT, created_at TEXT)`,
		`INSERT INTO members VALUES (1, 'anna@example.invalid', 'Anna', '2015-01-01 10:00:00'),
			(2, 'bram@example.invalid', 'Bram', '2015-01-01 10:00:00'), (3, NULL, 'Cor', '2015-01-01 10:00:00'),
			(4, 'dien@example.invalid', 'Dien', datetime('now')), (5, 'eva@example.invalid', 'Eva', datetime('now')),
			(6, 'fem@example.invalid', 'Fem', datetime('now'))`,
		`CREATE TABLE complaints (id INTEGER PRIMARY KEY, filed_at TEXT)`,
		`INSERT INTO complaints VALUES (1, '2015-01-01 10:00:00'), (2, '2015-02-01 10:00:00')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	cfg = writeFile(t, dir, "config.toml", fmt.Sprintf(`
[database]
driver = "sqlite"
dsn = %q
[sweeper]
timezone = "Europe/Amsterdam"
max_fraction = 0.5
`, dbPath)+shopRules(t, dir, host, port))
	return cfg, db
}

// statsTable reads the text format's table: per rule, each column's
// number summed over the days (run times are left out).
func statsTable(t *testing.T, out string) map[string]map[string]int {
	t.Helper()
	split := regexp.MustCompile(`\s{2,}`)
	var head []string
	got := map[string]map[string]int{}
	for _, line := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(line, "DAY "):
			head = split.Split(line, -1)
		case head != nil && regexp.MustCompile(`^\d{4}-\d\d-\d\d `).MatchString(line):
			cells := split.Split(line, -1)
			if len(cells) != len(head) {
				t.Fatalf("stats row %q has %d cells, the head %d", line, len(cells), len(head))
			}
			rule := cells[1]
			if got[rule] == nil {
				got[rule] = map[string]int{}
			}
			for i, c := range cells[2:] {
				if n, err := strconv.Atoi(c); err == nil {
					got[rule][head[i+2]] += n
				}
			}
		case head != nil && line == "":
			return got
		}
	}
	if head == nil {
		t.Fatalf("no table in the stats output:\n%s", out)
	}
	return got
}

// auditCounts returns, per rule, the rows its sweeps (not erasures)
// deleted, anonymised and detached, and the reminders it sent, as the audit
// table has them: the truth the log's counts must agree with.
func auditCounts(t *testing.T, db *sql.DB) map[string]map[string]int {
	t.Helper()
	heads := map[string]string{"delete": "DELETED", "anonymise": "ANONYMISED", "detach": "DETACHED", "remind": "REMINDERS"}
	rows, err := db.Query(`SELECT rule, action, COUNT(*) FROM sweeper_audit WHERE detail <> 'on request' GROUP BY rule, action`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]map[string]int{}
	for rows.Next() {
		var rule, action string
		var n int
		if err := rows.Scan(&rule, &action, &n); err != nil {
			t.Fatal(err)
		}
		if out[rule] == nil {
			out[rule] = map[string]int{}
		}
		if h, ok := heads[action]; ok {
			out[rule][h] += n
		}
	}
	return out
}

// TestStats_RealLog feeds `sweeper stats` the real log of real sweeps: the
// demo shop swept as a dry run (which counts nothing), then twice; a shop
// of the test's own whose reminders go out, whose other rule the circuit
// breaker refuses (the failed command adds a line of its own to the log),
// and one of whose members is erased on request. Its counts per rule must
// be the audit table's, and nothing of the log but counts, days and rule
// names may show.
func TestStats_RealLog(t *testing.T) {
	dir := t.TempDir()
	res, err := demo.Write(context.Background(), filepath.Join(dir, "demo"), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	cfg, shop := statsShop(t, dir)
	logPath := filepath.Join(dir, "sweeper.log")
	log, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"sweep", "--dry-run"}, {"sweep"}, {"sweep"}} {
		if code := logOf(t, log, append([]string{"-c", res.ConfigPath}, args...)...); code != exitOK {
			t.Fatalf("demo %v: exit %d", args, code)
		}
	}
	if code := logOf(t, log, "-c", cfg, "sweep"); code != exitFailed {
		t.Fatalf("sweep with the refused rule: exit %d, want %d", code, exitFailed)
	}
	if code := logOf(t, log, "-c", cfg, "erase", "--rule", "member-idle-5y", "--key", "4"); code != exitOK {
		t.Fatalf("erase: exit %d", code)
	}
	log.Close()
	raw, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	foreign := 0
	for _, l := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		if !strings.HasPrefix(l, "{") {
			foreign++
		}
	}
	if foreign == 0 {
		t.Fatalf("the log has no line but the JSON log's; the failed sweep should have added one:\n%s", raw)
	}

	code, out, stderr := runCLI(t, "stats", logPath)
	if code != exitOK {
		t.Fatalf("stats: exit %d: %s", code, stderr)
	}
	if want := fmt.Sprintf("skipped %s that", plural(foreign, "line")); !strings.Contains(stderr, want) {
		t.Errorf("stats on standard error: got %q, want it to say it %s", stderr, want)
	}
	got := statsTable(t, out)

	demoCfg, err := sweeper.LoadFile(res.ConfigPath, os.LookupEnv)
	if err != nil {
		t.Fatal(err)
	}
	want := auditCounts(t, opDB(t, res.DatabasePath))
	for rule, counts := range auditCounts(t, shop) {
		want[rule] = counts
	}
	check := func(rule, col string, w int) {
		t.Helper()
		if g := got[rule][col]; g != w {
			t.Errorf("%s %s: stats says %d, want %d", rule, col, g, w)
		}
	}
	handled, ran := 0, 2 // the shop's two rules
	for _, r := range demoCfg.Rules {
		if !r.Enabled {
			continue
		}
		ran++
		// The dry run is not a run.
		check(r.Name, "RUNS", 2)
		check(r.Name, "FAILED", 0)
		for _, col := range []string{"DELETED", "ANONYMISED", "DETACHED"} {
			check(r.Name, col, want[r.Name][col])
			handled += want[r.Name][col]
		}
	}
	if handled == 0 {
		t.Fatal("the demo's sweeps handled no rows: nothing was compared")
	}
	check("member-idle-5y", "RUNS", 1)
	check("member-idle-5y", "DELETED", want["member-idle-5y"]["DELETED"]) // Cor, who has no address
	check("member-idle-5y", "REMINDERS", want["member-idle-5y"]["REMINDERS"])
	check("member-idle-5y", "REMINDERS", 2) // Anna and Bram
	check("member-idle-5y", "ERASED", 1)    // Dien, on request
	check("complaint-1y", "RUNS", 1)
	check("complaint-1y", "FAILED", 1)
	check("complaint-1y", "DELETED", 0)
	if len(got) != ran {
		t.Errorf("stats has %d rules, want the %d that ran", len(got), ran)
	}

	// Standard input, as from journalctl, gives the same.
	cmd := exec.Command(sweeperBinary(t), "stats")
	cmd.Stdin = bytes.NewReader(raw)
	var piped, pipedErr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &piped, &pipedErr
	if err := cmd.Run(); err != nil {
		t.Fatalf("sweeper stats < log: %v: %s", err, pipedErr.String())
	}
	if piped.String() != out {
		t.Errorf("stats from standard input differs from stats of the file:\n%s\n---\n%s", piped.String(), out)
	}

	htmlPath := filepath.Join(dir, "stats.html")
	if code, _, stderr := runCLI(t, "stats", "-o", htmlPath, logPath); code != exitOK {
		t.Fatalf("stats -o stats.html: exit %d: %s", code, stderr)
	}
	page, err := os.ReadFile(htmlPath)
	if err != nil {
		t.Fatal(err)
	}
	// The charts' bars add up to the rows the table says each rule handled.
	bars := statsBars(t, string(page))
	for rule, counts := range got {
		w := counts["DELETED"] + counts["ANONYMISED"] + counts["DETACHED"] + counts["ERASED"]
		if bars[rule] != w {
			t.Errorf("chart of %s: its bars add up to %d, the table says %d rows handled", rule, bars[rule], w)
		}
	}
	for _, bad := range []string{"<script", "http://", "https://", "url(", "src=", "@import", "<link", "<img"} {
		if strings.Contains(strings.ToLower(string(page)), bad) {
			t.Errorf("the stats page holds %q: it must be one self-contained page", bad)
		}
	}

	// Nothing of the log but counts: the log's error texts name tables and
	// settings, its reminder lines row keys; none of it may show.
	email := regexp.MustCompile(`[\w.+-]+@[\w-]+\.\w+`)
	for name, text := range map[string]string{"text": out, "html": string(page)} {
		if m := email.FindString(text); m != "" {
			t.Errorf("the %s stats hold the address %q", name, m)
		}
		for _, bad := range []string{"Anna", "max_fraction", "refused", "row_key", "complaints", "members"} {
			if strings.Contains(text, bad) {
				t.Errorf("the %s stats hold %q, which only the log's other fields have", name, bad)
			}
		}
	}
}

// statsBars adds up the bars of each chart of a stats page.
func statsBars(t *testing.T, page string) map[string]int {
	t.Helper()
	out := map[string]int{}
	svgs := regexp.MustCompile(`(?s)<svg class="chart" data-rule="([^"]+)".*?</svg>`).FindAllStringSubmatch(page, -1)
	if len(svgs) == 0 {
		t.Fatalf("the stats page has no chart")
	}
	bar := regexp.MustCompile(`<g class="bar" data-key="\d{4}-\d\d-\d\d" data-rows="(\d+)">`)
	for _, s := range svgs {
		for _, b := range bar.FindAllStringSubmatch(s[0], -1) {
			n, _ := strconv.Atoi(b[1])
			out[s[1]] += n
		}
	}
	return out
}

// statsLine is a line of the sweeper's JSON log, as zap writes it.
func statsLine(ts, event, rule string, fields string) string {
	line := fmt.Sprintf(`{"level":"info","ts":%q,"msg":"x","run_id":"r1","dry_run":false`, ts)
	if rule != "" {
		line += fmt.Sprintf(`,"rule":%q,"table":"t"`, rule)
	}
	return line + fmt.Sprintf(`,"event":%q%s}`, event, fields)
}

// TestStats_Input holds stats to its input: the day a line counts for,
// dry runs, lines that are not the sweeper's, bad flags and files.
func TestStats_Input(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, lines ...string) string {
		return writeFile(t, dir, name, strings.Join(lines, "\n")+"\n")
	}
	done := func(ts string, rows int) string {
		return statsLine(ts, "rule.done", "order-7y", fmt.Sprintf(`,"rows":%d,"batches":1,"capped":false,"duration_ms":1200,"action":"delete","related":[{"table":"order_lines","action":"detach","rows":%d}],"reminders":0,"reminders_failed":0`, rows, 2*rows))
	}

	t.Run("Days", func(t *testing.T) {
		// 23:30 UTC on the 7th is the 8th in Amsterdam.
		log := write("days.log", done("2026-12-07T12:00:00.000Z", 5), done("2026-12-07T23:30:00.000Z", 7))
		_, out, _ := runCLI(t, "stats", log)
		if !regexp.MustCompile(`(?m)^2026-12-07  order-7y +2 +0 +12 +24 +2\.4s +1\.2s$`).MatchString(out) {
			t.Errorf("stats as logged (UTC): want one day, 2 runs, 12 deleted, 24 detached, 2.4s, longest 1.2s:\n%s", out)
		}
		_, out, _ = runCLI(t, "stats", "--timezone", "Europe/Amsterdam", log)
		if !regexp.MustCompile(`(?m)^2026-12-07  order-7y +1 +0 +5 +10 `).MatchString(out) ||
			!regexp.MustCompile(`(?m)^2026-12-08  order-7y +1 +0 +7 +14 `).MatchString(out) {
			t.Errorf("stats in Amsterdam: want the 7th with 5 rows and the 8th with 7:\n%s", out)
		}
	})

	t.Run("DryRunsAndForeignLines", func(t *testing.T) {
		dry := strings.Replace(done("2026-12-07T12:00:00.000Z", 1000), `"dry_run":false`, `"dry_run":true`, 1)
		log := write("mixed.log",
			"Dec 07 03:30:00 shop systemd[1]: Started sweeper.service.",
			dry,
			done("2026-12-07T12:00:00.000Z", 5),
			`{"level":"info","msg":"no event"}`,
			`2026-12-07T03:30:00.000Z	INFO	rule finished	{"event": "rule.done", "rows": 3}`,
		)
		code, out, stderr := runCLI(t, "stats", log)
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if !regexp.MustCompile(`(?m)^2026-12-07  order-7y +1 +0 +5 +10 `).MatchString(out) {
			t.Errorf("want 1 run and 5 rows; the dry run and the console line count nothing:\n%s", out)
		}
		if !strings.Contains(stderr, "skipped 3 lines that are not the sweeper's JSON log (the first: line 1 of "+log+")") {
			t.Errorf("stderr: got %q, want the 3 skipped lines counted, the first named", stderr)
		}
	})

	t.Run("NothingOfTheLineButCounts", func(t *testing.T) {
		log := write("private.log",
			statsLine("2026-12-07T03:30:00.000Z", "reminder.sent", "account-5y", `,"row_key":"klant-4711","delete_on":"2027-01-07"`),
			statsLine("2026-12-07T03:30:01.000Z", "rule.error", "account-5y",
				`,"rows":0,"duration_ms":5,"error":"Duplicate entry 'jan@example.com'","action":"delete","related":[],"reminders":1,"reminders_failed":1`),
		)
		for _, format := range []string{"text", "html"} {
			code, out, stderr := runCLI(t, "stats", "--format", format, log)
			if code != exitOK {
				t.Fatalf("%s: exit %d: %s", format, code, stderr)
			}
			for _, bad := range []string{"klant-4711", "jan@example.com", "Duplicate"} {
				if strings.Contains(out+stderr, bad) {
					t.Errorf("%s: the output holds %q", format, bad)
				}
			}
			if format == "text" && !regexp.MustCompile(`(?m)^2026-12-07  account-5y +1 +1 +0 +1 +1 `).MatchString(out) {
				t.Errorf("want 1 run, failed, 0 deleted, 1 reminder sent, 1 not sent:\n%s", out)
			}
		}
	})

	t.Run("Errors", func(t *testing.T) {
		empty := write("console.log", `2026-12-07T03:30:00.000Z	INFO	rule finished	{"event": "rule.done"}`)
		for _, tc := range []struct {
			args []string
			code int
			want string
		}{
			{[]string{empty}, exitFailed, "no sweeper log events in 1 line of input: the log must be JSON"},
			{[]string{filepath.Join(dir, "missing.log")}, exitInvalid, "missing.log: no such file"},
			{[]string{"--timezone", "Mars/Olympus", empty}, exitInvalid, `--timezone "Mars/Olympus"`},
			{[]string{"--format", "csv", empty}, exitInvalid, `--format "csv" is not one of text, html`},
			{[]string{"-o", filepath.Join(dir, "stats.pdf"), empty}, exitInvalid, "names no report format (.txt, .html)"},
		} {
			code, _, stderr := runCLI(t, append([]string{"stats"}, tc.args...)...)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Errorf("stats %v: exit %d, %q; want exit %d and %q", tc.args, code, stderr, tc.code, tc.want)
			}
		}
		if _, err := os.Stat(filepath.Join(dir, "stats.pdf")); err == nil {
			t.Errorf("a refused -o was written")
		}
	})
}

// TestStats_Screenshot renders the stats page of two weeks of the demo
// shop in headless Chromium and checks that the picture shows the charts.
// The log is real: the demo shop swept once a day as of each of fourteen
// days, each sweep's lines dated the day it was as of. With -update-docs
// it writes the picture to docs/stats.png, README's screenshot.
func TestStats_Screenshot(t *testing.T) {
	chromium(t) // skips before the sweeps when there is none
	dir := t.TempDir()
	now := time.Now()
	res, err := demo.Write(context.Background(), filepath.Join(dir, "demo"), now.AddDate(0, 0, -14))
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	for d := 13; d >= 0; d-- {
		day := now.AddDate(0, 0, -d)
		var one bytes.Buffer
		cmd := exec.Command(sweeperBinary(t), "-c", res.ConfigPath, "sweep", "--as-of", day.Format(time.RFC3339))
		cmd.Stderr = &one
		if err := cmd.Run(); err != nil {
			t.Fatalf("sweep as of %s: %v\n%s", day.Format(dayLayout), err, one.String())
		}
		redate(t, &log, &one, day)
	}
	logPath := writeFile(t, dir, "sweeper.log", log.String())
	page := filepath.Join(dir, "stats.html")
	if code, _, stderr := runCLI(t, "stats", "-o", page, logPath); code != exitOK {
		t.Fatalf("stats: exit %d: %s", code, stderr)
	}
	html, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	if days := strings.Count(string(html), `<g class="bar"`); days != 14*17 {
		t.Errorf("the charts have %d bars, want 14 days of 17 rules", days)
	}
	img := screenshot(t, page, 1366, 2000)
	if n := barPixels(img); n < 5000 {
		t.Errorf("the screenshot has %d pixels of the bar colour %s, want the charts' bars (at least 5000)", n, barColour)
	}
	if *updateDocs {
		f, err := os.Create("../../docs/stats.png")
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		// The top of the page: the totals and the first charts.
		if err := png.Encode(f, screenshot(t, page, 1366, 1000)); err != nil {
			t.Fatal(err)
		}
	}
}

// redate appends the lines of one sweep's log to log, each dated day at
// the time of day it was written.
func redate(t *testing.T, log, one *bytes.Buffer, day time.Time) {
	t.Helper()
	ts := regexp.MustCompile(`"ts":"(\d{4}-\d\d-\d\d)T`)
	sc := bufio.NewScanner(one)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		log.WriteString(ts.ReplaceAllString(sc.Text(), `"ts":"`+day.UTC().Format(dayLayout)+`T`) + "\n")
	}
}

// barPixels counts the pixels of the bar colour in a picture.
func barPixels(img image.Image) int {
	var want [3]uint32
	for i := range 3 {
		v, _ := strconv.ParseUint(barColour[1+2*i:3+2*i], 16, 8)
		want[i] = uint32(v)
	}
	near := func(a, b uint32) bool { return a+8 >= b && b+8 >= a }
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if near(r>>8, want[0]) && near(g>>8, want[1]) && near(bl>>8, want[2]) {
				n++
			}
		}
	}
	return n
}
