package main

import (
	"strings"
	"testing"
	"time"
)

// targetsReport is a run in which every contestant ran: the engines at
// 100k rows/s, pt-archiver at 40k with the shop's p99 at 12 ms.
func targetsReport() report {
	d := func(name, kind string, rows int64, dur time.Duration, p99 time.Duration, rss int64) result {
		r := result{Name: name, Kind: kind, Rows: rows, Dur: dur, RSSKiB: rss}
		if p99 > 0 {
			r.Traffic = &trafficResult{P99: p99}
			r.PooledP99, r.PooledOps = p99, 1000
		}
		return r
	}
	base := d("baseline", "baseline", 0, 10*time.Second, 5*time.Millisecond, 0)
	swDel := d("sweeper sweep: delete", "delete", 300000, 5*time.Second, 20*time.Millisecond, 24*1024)               // 60k/s: 0.60×
	swAnon := d("sweeper sweep: anonymise", "anonymise", 900000, 15*time.Second, 20*time.Millisecond, 25*1024)       // 60k/s
	gentle := d("sweeper sweep: delete, pace gentle", "delete", 300000, 6*time.Second, 11*time.Millisecond, 24*1024) // 50k/s
	plan5 := d("sweeper plan (both rules), 5×N", "plan", 0, 1500*time.Millisecond, 0, 20*1024)
	rss5 := d("sweeper sweep: delete, 5×N", "delete", 1500000, 25*time.Second, 0, 28*1024)
	pg := &pgResults{
		EngDel: d("pg delete", "delete", 300000, 3*time.Second, 5*time.Millisecond, 0),
		EngUpd: d("pg update", "anonymise", 900000, 9*time.Second, 5*time.Millisecond, 0),
		SwDel:  d("PostgreSQL sweeper sweep: delete", "delete", 300000, 5*time.Second, 9*time.Millisecond, 30*1024),        // 0.6×
		SwAnon: d("PostgreSQL sweeper sweep: anonymise", "anonymise", 900000, 20*time.Second, 9*time.Millisecond, 30*1024), // 0.45×
	}
	return report{
		o:        options{n: 1000000, runs: 5},
		results:  []result{base, swDel, swAnon, gentle, rss5, plan5},
		engDel:   d("engine: single DELETE", "delete", 300000, 3*time.Second, 900*time.Millisecond, 0),
		engUpd:   d("engine: single UPDATE", "anonymise", 900000, 9*time.Second, 900*time.Millisecond, 0),
		pt:       d("pt-archiver --bulk-delete", "delete", 300000, 7500*time.Millisecond, 12*time.Millisecond, 0), // 40k/s
		swDel:    swDel,
		swAnon:   swAnon,
		gentle:   gentle,
		plan:     d("sweeper plan (both rules)", "plan", 0, 400*time.Millisecond, 0, 19*1024),
		plan5:    &plan5,
		rss5:     &rss5,
		sweepers: []result{swDel, swAnon, gentle, pg.SwDel, pg.SwAnon},
		pg:       pg,
	}
}

func verdicts(rp report) []string {
	var out []string
	for _, t := range rp.targets() {
		out = append(out, t.verdict())
	}
	return out
}

// Every target is judged from the run's numbers: met where they are within
// it, missed where not, each on its own.
func TestTargetsVerdicts(t *testing.T) {
	rp := targetsReport()
	// The PostgreSQL anonymisation at 0.45× misses; every other is met.
	want := []string{"met", "met", "met", "met", "**missed**", "met", "met", "met", "met"}
	if got := verdicts(rp); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("verdicts: got %v, want %v", got, want)
	}

	rp = targetsReport()
	// The gentle pace slower than pt-archiver: target 1 missed even with
	// the shop's p99 under pt-archiver's.
	rp.gentle.Dur = 10 * time.Second
	// The delete at 0.50×, under 0.55×.
	rp.swDel.Dur = 6 * time.Second
	// 70 MiB somewhere; the 5×N sweep at 1.3× the sweep at N.
	rp.results = append(rp.results, result{Name: "sweeper sweep: delete, batch_pause 10ms", Kind: "delete", Rows: 1, Dur: time.Second, RSSKiB: 70 * 1024})
	rp.rss5.RSSKiB = 33 * 1024 // vs 25 MiB at N
	// plan over 5×N at 2 s; one lock-wait timeout in a round of the
	// PostgreSQL delete.
	rp.plan5.Dur = 2 * time.Second
	rp.sweepers[3].LockWaits = 1
	want = []string{"**missed**", "**missed**", "met", "met", "**missed**", "**missed**", "**missed**", "**missed**", "**missed**"}
	if got := verdicts(rp); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("verdicts: got %v, want %v", got, want)
	}

	rp = targetsReport()
	// The shop slower under the gentle pace than under pt-archiver.
	rp.gentle.PooledP99 = 13 * time.Millisecond
	if got := rp.targets()[0]; got.state != missed || !strings.Contains(got.measured, "p99 13.0 ms vs 12.0 ms; 50000 vs 40000 rows/s") {
		t.Errorf("target 1: got %+v, want missed with the p99s and rates", got)
	}
	// A PostgreSQL run that could not reach its server judges nothing.
	rp.pg = &pgResults{Skipped: "PostgreSQL not reachable"}
	if got := rp.targets()[3]; got.state != notMeasured {
		t.Errorf("target 3 without PostgreSQL: got %+v, want not measured", got)
	}
}
