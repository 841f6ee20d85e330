package main

import (
	_ "embed"
	"fmt"
	"io"
	"strings"
	"time"
)

// The stats page: like the plan's report, one self-contained page (inline
// CSS and SVG, no script) with a chart per rule of the rows it handled per
// day, and the table of the text format.

//go:embed stats.html.tmpl
var statsHTML string

var statsTemplate = pageTemplate("stats", statsHTML)

// statsChartDays is how many days the charts show at most: the last ones.
const statsChartDays = 62

type htmlStats struct {
	Summary   string
	Generated string
	Totals    *ruleDay
	Handled   int
	Rules     int
	Head      []htmlCell
	Rows      [][]htmlCell
	Total     []htmlCell
	Charts    []statsChart
	// ChartFrom and ChartTo are the charts' first and last day; Cut is set
	// when the log goes back further than the charts do.
	ChartFrom, ChartTo string
	Cut                bool
	Refused            []refusal
}

// statsChart is a rule's chart with its caption: "889 in 14 days".
type statsChart struct {
	Chart   *svgChart
	Caption string
}

type htmlCell struct {
	Text  string
	Right bool
}

func writeStatsHTML(w io.Writer, st *logStats, now time.Time) error {
	ds := st.sorted()
	all := total(ds)
	cols := statsColumns(all)
	page := htmlStats{Summary: statsSummary(st), Generated: now.Format("2006-01-02 15:04 MST"), Totals: all,
		Handled: all.handled(), Rules: len(st.rules()), Refused: refusals(st)}
	page.Head = []htmlCell{{Text: "Day"}, {Text: "Rule"}}
	for _, c := range cols {
		text, right := strings.CutPrefix(c.head, ">")
		page.Head = append(page.Head, htmlCell{Text: strings.ToUpper(text[:1]) + strings.ToLower(text[1:]), Right: right})
	}
	row := func(day, rule string, d *ruleDay) []htmlCell {
		cells := []htmlCell{{Text: day}, {Text: rule}}
		for _, c := range cols {
			cells = append(cells, htmlCell{Text: c.value(d), Right: strings.HasPrefix(c.head, ">")})
		}
		return cells
	}
	for _, d := range ds {
		page.Rows = append(page.Rows, row(d.Day, d.Rule, d))
	}
	page.Total = row("Total", "", all)

	days := chartDays(st)
	if len(days) > 0 {
		page.ChartFrom, page.ChartTo = days[0], days[len(days)-1]
		if first, _ := st.span(); first < page.ChartFrom {
			page.Cut = true
		}
	}
	for _, rule := range st.rules() {
		values := make([]barValue, len(days))
		for i, day := range days {
			values[i] = barValue{Key: day, Label: dayLabel(day)}
			if d := st.days[[2]string{day, rule}]; d != nil {
				values[i].Rows = d.handled()
			}
		}
		c := newBarChart(rule, "Rows "+rule+" handled per day", values)
		page.Charts = append(page.Charts, statsChart{Chart: c, Caption: fmt.Sprintf("%d in %s", c.Total, plural(len(days), "day"))})
	}
	var b strings.Builder
	if err := statsTemplate.Execute(&b, page); err != nil {
		return fmt.Errorf("render the HTML stats: %w", err)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// chartDays are the days the charts show: every day from the log's first
// to its last, days without a run included, at most the last
// statsChartDays.
func chartDays(st *logStats) []string {
	first, last := st.span()
	from, err1 := time.Parse(dayLayout, first)
	to, err2 := time.Parse(dayLayout, last)
	if err1 != nil || err2 != nil {
		return nil
	}
	if earliest := to.AddDate(0, 0, 1-statsChartDays); from.Before(earliest) {
		from = earliest
	}
	var out []string
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		out = append(out, d.Format(dayLayout))
	}
	return out
}

// dayLabel is a day as the charts label it: "7 Dec".
func dayLabel(day string) string {
	t, err := time.Parse(dayLayout, day)
	if err != nil {
		return day
	}
	return t.Format("2 Jan")
}
