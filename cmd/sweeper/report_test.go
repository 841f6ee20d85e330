package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
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
	"github.com/sweeperd/sweeper/sweeper"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files in testdata/ with the current output")

var repAmsterdam = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		panic(err)
	}
	return loc
}()

// repPlan is a fixed plan: a rule that anonymises, one with related rows
// and reminders, and one that could not be planned.
func repPlan(withForecast bool) *sweeper.Plan {
	ams := repAmsterdam
	asOf := time.Date(2026, 11, 22, 0, 0, 0, 0, ams)
	oldest1 := time.Date(2016, 11, 23, 10, 12, 0, 0, ams)
	oldest2 := time.Date(2019, 7, 1, 0, 0, 0, 0, ams)
	p := &sweeper.Plan{AsOf: asOf, Rules: []sweeper.RulePlan{
		{Name: "order-phone-6m", Description: "Aanhef en telefoonnummer bij bestellingen na 6 maanden wissen",
			Basis: "privacyverklaring: de aanhef en het telefoonnummer worden na zes maanden verwijderd | de rest valt onder de fiscale bewaarplicht",
			Table: "orders", Action: sweeper.ActionAnonymise, OlderThan: sweeper.Period{Months: 6},
			Cutoff: time.Date(2026, 5, 22, 0, 0, 0, 0, ams), Due: 1204, Upcoming30d: 57, Oldest: &oldest1,
			SQL:  "SELECT `orders`.`id` FROM `orders` WHERE `orders`.`created_at` >= ? AND `orders`.`created_at` < ? AND (status <> 'disputed')",
			Args: []any{"0001-01-01 00:00:00", "2026-05-22 00:00:00"}},
		{Name: "account-idle-5y", Description: "Accounts waarop 5 jaar niet is ingelogd verwijderen",
			Basis: "privacybeleid: het klantaccount wordt verwijderd als er vijf jaar niet op is ingelogd",
			Table: "customers", Action: sweeper.ActionDelete, OlderThan: sweeper.Period{Years: 5},
			Cutoff: time.Date(2021, 11, 22, 0, 0, 0, 0, ams), Due: 7, Reminders: 3, AwaitingReminder: 2, Upcoming30d: 11, Held: 2, Oldest: &oldest2,
			Related: []sweeper.RelatedCount{{Table: "addresses", Action: sweeper.ActionDelete, Rows: 12}, {Table: "orders", Action: sweeper.ActionDetach, Rows: 30}},
			SQL:     "SELECT `customers`.`id` FROM `customers` WHERE COALESCE(`customers`.`last_login_at`, `customers`.`created_at`) < ?",
			Args:    []any{"2021-11-22 00:00:00"}},
		{Name: "contact-5y", Table: "contact_mesages", Action: sweeper.ActionDelete, OlderThan: sweeper.Period{Years: 5},
			Err: errors.New(`table "contact_mesages" does not exist in the database`)},
	}}
	if withForecast {
		bounds := sweeper.ForecastMonths(asOf, ams, 12)
		for i := range p.Rules[:2] {
			for m := range 12 {
				start := bounds[m]
				p.Rules[i].Forecast = append(p.Rules[i].Forecast, sweeper.MonthCount{
					Month: time.Date(start.Year(), start.Month(), 1, 0, 0, 0, 0, ams), Rows: (i+1)*10 + m*(1-i)})
			}
		}
	}
	return p
}

// repGolden compares got with testdata/name, or rewrites it with -update.
func repGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *updateGolden {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/sweeper -run %s -update to create it)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test ./cmd/sweeper -run %s -update rewrites it after review)\n--- got:\n%s\n--- want:\n%s",
			path, t.Name(), got, want)
	}
}

// TestPlanFormats checks each rendering of a fixed plan against its golden
// file.
func TestPlanFormats(t *testing.T) {
	for _, tc := range []struct {
		golden   string
		forecast bool
		write    func(*bytes.Buffer, *sweeper.Plan) error
	}{
		{"plan.txt", false, func(b *bytes.Buffer, p *sweeper.Plan) error { return writePlanText(b, p, false) }},
		{"plan-v-forecast.txt", true, func(b *bytes.Buffer, p *sweeper.Plan) error { return writePlanText(b, p, true) }},
		{"plan.md", false, func(b *bytes.Buffer, p *sweeper.Plan) error { return writePlanMarkdown(b, p, false) }},
		{"plan-v-forecast.md", true, func(b *bytes.Buffer, p *sweeper.Plan) error { return writePlanMarkdown(b, p, true) }},
		{"plan.csv", false, func(b *bytes.Buffer, p *sweeper.Plan) error { return writePlanCSV(b, p) }},
		{"plan-forecast.csv", true, func(b *bytes.Buffer, p *sweeper.Plan) error { return writePlanCSV(b, p) }},
		{"plan-forecast.json", true, func(b *bytes.Buffer, p *sweeper.Plan) error { return writePlanJSON(b, p) }},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			var b bytes.Buffer
			if err := tc.write(&b, repPlan(tc.forecast)); err != nil {
				t.Fatal(err)
			}
			repGolden(t, tc.golden, b.Bytes())
		})
	}
}

// TestPlanText_Aligned checks what the golden file cannot say by itself:
// every line of the table is as wide as its header's columns, and the
// numbers are right-aligned under theirs.
func TestPlanText_Aligned(t *testing.T) {
	var b bytes.Buffer
	if err := writePlanText(&b, repPlan(false), false); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(b.String(), "\n")
	head := lines[2]
	due := strings.Index(head, " DUE") + len(" DUE")
	for _, l := range lines[3:7] {
		if l == "" || strings.HasPrefix(l, "-") || strings.HasPrefix(l, "contact-5y") {
			continue
		}
		if l[due-1] == ' ' {
			t.Errorf("the DUE column is not right-aligned under its header:\n%s\n%s", head, l)
		}
	}
	if !strings.Contains(b.String(), "TOTAL (3 rules)") {
		t.Errorf("no total line:\n%s", b.String())
	}
}

// repHTML renders the fixed plan as HTML.
func repHTML(t *testing.T) string {
	t.Helper()
	var b bytes.Buffer
	cfg := &sweeper.Config{Rules: []*sweeper.Rule{{Name: "account-idle-5y", Reminder: &sweeper.Reminder{Before: sweeper.Period{Months: 1}}}}}
	if err := writePlanHTML(&b, repPlan(true), cfg, time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// chartNumbers reads the charts of an HTML report: per rule, "month=rows"
// from the bars' data and, separately, from the numbers written on them.
func chartNumbers(t *testing.T, html string) (data, shown map[string][]string) {
	t.Helper()
	data, shown = map[string][]string{}, map[string][]string{}
	svgs := regexp.MustCompile(`(?s)<svg class="chart" data-rule="([^"]+)".*?</svg>`).FindAllStringSubmatch(html, -1)
	bar := regexp.MustCompile(`(?s)<g class="bar" data-key="(\d{4}-\d\d)" data-rows="(\d+)">.*?<text class="n"[^>]*>(\d+)</text>`)
	for _, s := range svgs {
		for _, b := range bar.FindAllStringSubmatch(s[0], -1) {
			data[s[1]] = append(data[s[1]], b[1]+"="+b[2])
			shown[s[1]] = append(shown[s[1]], b[1]+"="+b[3])
		}
	}
	return data, shown
}

func TestPlanHTML(t *testing.T) {
	html := repHTML(t)
	// Self-contained: nothing is fetched, nothing runs.
	for _, bad := range []string{"<script", "http://", "https://", "url(", "src=", "@import", "<link", "<img"} {
		if strings.Contains(strings.ToLower(html), bad) {
			t.Errorf("the report holds %q: it must be one self-contained page", bad)
		}
	}
	for _, want := range []string{"<!DOCTYPE html>", "@media print", "<svg class=\"chart\"", "Reminders to be sent",
		"order-phone-6m", "1204", "error: table &#34;contact_mesages&#34; does not exist", "Total"} {
		if !strings.Contains(html, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	// The basis is escaped, not markup.
	if !strings.Contains(html, "verwijderd | de rest") {
		t.Errorf("the basis is not shown as written")
	}
	data, shown := chartNumbers(t, html)
	p := repPlan(true)
	for _, r := range p.Rules[:2] {
		var want []string
		for _, m := range r.Forecast {
			want = append(want, fmt.Sprintf("%s=%d", m.Key(), m.Rows))
		}
		if strings.Join(data[r.Name], " ") != strings.Join(want, " ") || strings.Join(shown[r.Name], " ") != strings.Join(want, " ") {
			t.Errorf("chart of %s:\n data  %v\n shown %v\n want  %v", r.Name, data[r.Name], shown[r.Name], want)
		}
	}
	if _, ok := data["contact-5y"]; ok {
		t.Errorf("a rule that could not be planned has a chart")
	}
	// The reminders table has counts, the period, and nothing else of a row.
	rem := html[strings.Index(html, "Reminders to be sent"):]
	if !regexp.MustCompile(`(?s)<code>account-idle-5y</code>.*?1 month.*?>3</td><td class="n">2</td>`).MatchString(rem) {
		t.Errorf("the reminders table does not show account-idle-5y with 1 month, 3 to send, 2 awaiting:\n%s", rem)
	}
	if strings.Contains(rem, "@") {
		t.Errorf("the reminders table holds an address")
	}
}

// repDemoAsOf is the moment the demo tests generate the shop at and plan at.
var repDemoAsOf = time.Date(2026, 11, 22, 3, 30, 0, 0, repAmsterdam)

// repDemo writes the demo shop and returns its config and database paths.
func repDemo(t *testing.T) (cfg, db string) {
	t.Helper()
	res, err := demo.Write(context.Background(), filepath.Join(t.TempDir(), "demo"), repDemoAsOf)
	if err != nil {
		t.Fatalf("demo: %v", err)
	}
	return res.ConfigPath, res.DatabasePath
}

// TestPlanHTML_MatchesForecast renders the demo's HTML report and checks
// that its charts show the counts of plan --forecast 12m --format json.
func TestPlanHTML_MatchesForecast(t *testing.T) {
	cfg, _ := repDemo(t)
	asOf := repDemoAsOf.Format(time.RFC3339)
	out := filepath.Join(t.TempDir(), "report.html")
	if code, _, stderr := runCLI(t, "-c", cfg, "plan", "--as-of", asOf, "--format", "html", "-o", out); code != exitOK {
		t.Fatalf("plan --format html: exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	data, shown := chartNumbers(t, string(b))

	code, js, stderr := runCLI(t, "-c", cfg, "plan", "--as-of", asOf, "--forecast", "12m", "--format", "json")
	if code != exitOK {
		t.Fatalf("plan --forecast 12m --format json: exit %d: %s", code, stderr)
	}
	var p struct {
		Rules []struct {
			Name     string `json:"name"`
			Due      int    `json:"due"`
			Forecast []struct {
				Month string `json:"month"`
				Rows  int    `json:"rows"`
			} `json:"forecast"`
		} `json:"rules"`
	}
	if err := json.Unmarshal([]byte(js), &p); err != nil {
		t.Fatalf("plan JSON: %v\n%s", err, js)
	}
	if len(p.Rules) != 17 {
		t.Fatalf("the demo plan has %d rules, want the 17 of examples/kleintjesgeluk", len(p.Rules))
	}
	total := 0
	for _, r := range p.Rules {
		if len(r.Forecast) != 12 || r.Forecast[0].Month != "2026-11" || r.Forecast[11].Month != "2027-10" {
			t.Errorf("%s: forecast %v, want twelve months from 2026-11 to 2027-10", r.Name, r.Forecast)
		}
		var want []string
		for _, m := range r.Forecast {
			want = append(want, m.Month+"="+strconv.Itoa(m.Rows))
			total += m.Rows
		}
		if got := strings.Join(data[r.Name], " "); got != strings.Join(want, " ") {
			t.Errorf("%s: the chart's bars say %s, the JSON forecast %s", r.Name, got, strings.Join(want, " "))
		}
		if got := strings.Join(shown[r.Name], " "); got != strings.Join(want, " ") {
			t.Errorf("%s: the chart's numbers say %s, the JSON forecast %s", r.Name, got, strings.Join(want, " "))
		}
	}
	if total == 0 {
		t.Errorf("nothing becomes due in the demo's next year: the charts show nothing")
	}

	// Without --forecast the JSON has no forecast field (docs/contract.md §4.1).
	_, js, _ = runCLI(t, "-c", cfg, "plan", "--as-of", asOf, "--format", "json")
	if strings.Contains(js, `"forecast"`) {
		t.Errorf("plan --format json without --forecast has a forecast")
	}
}

func TestPlan_FlagErrors(t *testing.T) {
	cfg, _ := repDemo(t)
	for _, args := range [][]string{
		{"--format", "xml"},
		{"--forecast", "12d"},
		{"--forecast", "0m"},
		{"--forecast", "500m"},
	} {
		code, _, stderr := runCLI(t, append([]string{"-c", cfg, "plan"}, args...)...)
		if code != exitInvalid {
			t.Errorf("plan %v: exit %d, want %d (%s)", args, code, exitInvalid, stderr)
		}
	}
	for in, want := range map[string]int{"12m": 12, "12": 12, "6 months": 6, "1y": 12, "P1Y6M": 18, "2 years": 24} {
		if got, err := parseForecast(in); err != nil || got != want {
			t.Errorf("parseForecast(%q): got %d, %v; want %d", in, got, err, want)
		}
	}
}

// chromium finds a headless Chromium, or skips the test; under CI=true a
// missing browser fails it, since .ci/run installs one.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no Chromium found: .ci/run installs Debian's chromium package; install it with apt-get install -y chromium")
	}
	t.Skip("no Chromium found: install it with apt-get install -y chromium to run this test")
	return ""
}

// screenshot renders a page in headless Chromium and returns the PNG.
func screenshot(t *testing.T, page string, width, height int) image.Image {
	t.Helper()
	bin := chromium(t)
	out := filepath.Join(t.TempDir(), "shot.png")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
		"--hide-scrollbars", "--force-color-profile=srgb", "--force-device-scale-factor=1",
		"--user-data-dir="+t.TempDir(), "--screenshot="+out, fmt.Sprintf("--window-size=%d,%d", width, height),
		"file://"+page)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, b)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatalf("chromium wrote no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("the screenshot is not a PNG: %v", err)
	}
	return img
}

// TestPlanHTML_Screenshot renders the demo's report in headless Chromium
// and checks that the picture shows the charts: pixels of the bar colour,
// in many places down the page.
func TestPlanHTML_Screenshot(t *testing.T) {
	chromium(t) // skips before the demo is written when there is none
	cfg, _ := repDemo(t)
	page := filepath.Join(t.TempDir(), "report.html")
	if code, _, stderr := runCLI(t, "-c", cfg, "plan", "--as-of", repDemoAsOf.Format(time.RFC3339), "--format", "html", "-o", page); code != exitOK {
		t.Fatalf("plan --format html: exit %d: %s", code, stderr)
	}
	// Tall enough for the whole page: 17 rules above 17 charts.
	img := screenshot(t, page, 1366, 5600)
	bounds := img.Bounds()
	if bounds.Dx() != 1366 || bounds.Dy() != 5600 {
		t.Errorf("screenshot is %v, want 1366×5600", bounds.Size())
	}
	var want [3]uint32
	for i := range 3 {
		v, _ := strconv.ParseUint(barColour[1+2*i:3+2*i], 16, 8)
		want[i] = uint32(v)
	}
	near := func(a, b uint32) bool { return a+8 >= b && b+8 >= a }
	bar, other := 0, map[[3]uint32]bool{}
	rows := map[int]bool{} // bands of 100 px holding bar pixels
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			c := [3]uint32{r >> 8, g >> 8, b >> 8}
			if near(c[0], want[0]) && near(c[1], want[1]) && near(c[2], want[2]) {
				bar++
				rows[y/100] = true
			} else if len(other) < 10 {
				other[c] = true
			}
		}
	}
	if bar < 20000 {
		t.Errorf("the screenshot has %d pixels of the bar colour %s, want the charts' bars (at least 20000)", bar, barColour)
	}
	if len(rows) < 4 {
		t.Errorf("bar pixels in %d bands of 100 px, want charts down the page (4 rows of charts)", len(rows))
	}
	if len(other) < 3 {
		t.Errorf("the screenshot has hardly any colours but the bars': %v", other)
	}
}
