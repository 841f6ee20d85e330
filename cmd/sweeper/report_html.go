package main

import (
	_ "embed"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/sweeperd/sweeper/sweeper"
)

// The HTML report: one self-contained page (inline CSS and SVG, nothing
// loaded from elsewhere, no script) with the plan's table, a chart per rule
// of the rows becoming due per month, and the reminders to be sent. It
// prints on A4.

//go:embed report.html.tmpl
var reportHTML string

var reportTemplate = pageTemplate("report", reportHTML)

type htmlReport struct {
	AsOf      string
	Generated string
	Rules     []htmlRule
	Totals    planTotals
	Months    int
	Reminders []htmlReminder
	// Overlaps are the overlapping rules, as the other formats say them.
	Overlaps      []string
	OverlapsIntro string
	// Held are the due rows holds keep, per rule, as the other formats say them.
	Held      []string
	HeldIntro string
	// FirstMonth and LastMonth name the forecast's span, e.g. "November 2026".
	FirstMonth, LastMonth string
}

type htmlRule struct {
	sweeper.RulePlan
	CutoffText, OldestText, Err string
	Chart                       *svgChart
}

type htmlReminder struct {
	Rule, Table, Before string
	Reminders, Awaiting int
}

// newChart is the chart of one rule's forecast: a bar per month, labelled
// with the year in the first month and in January.
func newChart(rule string, fc []sweeper.MonthCount) *svgChart {
	values := make([]barValue, len(fc))
	for i, m := range fc {
		label := m.Month.Format("Jan")
		if i == 0 || m.Month.Month() == time.January {
			label = m.Month.Format("Jan '06")
		}
		values[i] = barValue{Key: m.Key(), Label: label, Rows: m.Rows}
	}
	return newBarChart(rule, "Rows of "+rule+" becoming due per month", values)
}

// writePlanHTML writes the report page. cfg, when given, tells which rules
// send reminders and how long before; the plan itself has only the counts.
func writePlanHTML(w io.Writer, p *sweeper.Plan, cfg *sweeper.Config, now time.Time) error {
	rep := htmlReport{
		AsOf:      p.AsOf.Format("2 January 2006, 15:04 MST"),
		Generated: now.In(p.AsOf.Location()).Format("2006-01-02 15:04 MST"),
		Totals:    totals(p),
	}
	if months := forecastMonths(p); months != nil {
		rep.Months = len(months)
		rep.FirstMonth = months[0].Month.Format("January 2006")
		rep.LastMonth = months[len(months)-1].Month.Format("January 2006")
	}
	reminderRules := map[string]*sweeper.Rule{}
	if cfg != nil {
		for _, r := range cfg.Rules {
			if r.Reminder != nil {
				reminderRules[r.Name] = r
			}
		}
	}
	for _, r := range p.Rules {
		hr := htmlRule{RulePlan: r, CutoffText: cutoff(r), OldestText: oldest(r)}
		if r.Err != nil {
			hr.Err = r.Err.Error()
		}
		if len(r.Forecast) > 0 {
			hr.Chart = newChart(r.Name, r.Forecast)
		}
		rep.Rules = append(rep.Rules, hr)
		if rule, ok := reminderRules[r.Name]; ok || r.Reminders > 0 || r.AwaitingReminder > 0 {
			rm := htmlReminder{Rule: r.Name, Table: r.Table, Reminders: r.Reminders, Awaiting: r.AwaitingReminder}
			if ok {
				rm.Before = rule.Reminder.Before.String()
			}
			rep.Reminders = append(rep.Reminders, rm)
		}
	}
	for _, o := range p.Overlaps {
		rep.Overlaps = append(rep.Overlaps, overlapText(o))
	}
	rep.OverlapsIntro = overlapsIntro
	rep.Held, rep.HeldIntro = heldLines(p), heldIntro
	var b strings.Builder
	if err := reportTemplate.Execute(&b, rep); err != nil {
		return fmt.Errorf("render the HTML report: %w", err)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
