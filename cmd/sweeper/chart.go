package main

import (
	_ "embed"
	"html/template"
)

// The HTML pages (plan's report, stats) share their style and their bar
// charts: inline CSS and SVG, nothing loaded from elsewhere, no script.

//go:embed page.html.tmpl
var pageHTML string

// pageTemplate parses a page that uses the shared "style" and "barchart"
// templates.
func pageTemplate(name, text string) *template.Template {
	return template.Must(template.Must(template.New(name).Parse(pageHTML)).Parse(text))
}

// barColour is the fill of the chart bars; the screenshot tests look for it.
const barColour = "#2f7ed8"

// svgChart is a bar chart, laid out in the template's coordinates (a
// viewBox of Width × Height).
type svgChart struct {
	Rule          string
	Title         string // what the bars count, for screen readers
	Width, Height int
	Base          int // the y of the bars' foot
	Bars          []svgBar
	Total, Max    int
	Colour        string
}

type svgBar struct {
	Key          string // "2026-11", "2026-12-07"
	Label        string // "Nov", "Jan '27"; "" when it would not fit
	Rows         int
	ShowRows     bool // the count is written above the bar: there is room for it
	X, Y, W, H   int
	TextX, TextY int
}

// barValue is one bar to be: its key, the label under it and its count.
type barValue struct {
	Key, Label string
	Rows       int
}

// newBarChart lays out one bar per value. Bars get narrower as there are
// more of them; below a width the counts no longer fit above them (they
// stay in each bar's tooltip), and only every so many labels are written.
func newBarChart(rule, title string, values []barValue) *svgChart {
	const (
		width, height = 560, 190
		left, right   = 8, 8
		top, base     = 22, 160
		labelWidth    = 44 // "Jan '27", "30 Nov"
		numberWidth   = 26
		maxSlot       = 64 // a few bars stay bars, not blocks
	)
	c := &svgChart{Rule: rule, Title: title, Width: width, Height: height, Base: base, Colour: barColour}
	for _, v := range values {
		c.Total += v.Rows
		c.Max = max(c.Max, v.Rows)
	}
	slot := min((width-left-right)/max(len(values), 1), maxSlot)
	gap := min(10, slot/3)
	every := (labelWidth + slot - 1) / max(slot, 1) // write one label in every
	for i, v := range values {
		h := 0
		if c.Max > 0 {
			h = (v.Rows*(base-top) + c.Max - 1) / c.Max // rounded up: a single row still shows
		}
		label := v.Label
		if (len(values)-1-i)%every != 0 { // the last bar always has its label
			label = ""
		}
		x := left + i*slot + gap/2
		c.Bars = append(c.Bars, svgBar{Key: v.Key, Label: label, Rows: v.Rows, ShowRows: slot >= numberWidth,
			X: x, Y: base - h, W: slot - gap, H: h, TextX: x + (slot-gap)/2, TextY: base - h - 5})
	}
	return c
}
