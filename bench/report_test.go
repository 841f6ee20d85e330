package main

import (
	"os"
	"strings"
	"testing"
	"time"
)

// A contestant left out with -only has no time; its target must read "not
// measured", never "met" (a zero plan time is under a second).
func TestReportTargetsOfContestantsNotRun(t *testing.T) {
	skipped := func(name, kind string) result {
		return result{Name: name, Kind: kind, Skipped: "not run (-only)"}
	}
	base := result{Name: "baseline", Kind: "baseline", Dur: 10 * time.Second, Traffic: &trafficResult{P99: 4 * time.Millisecond}, PooledP99: 4 * time.Millisecond, PooledOps: 2000}
	del := result{Name: "sweeper sweep: delete", Kind: "delete", Rows: 300000, Dur: 4 * time.Second, RSSKiB: 23 * 1024,
		Traffic: &trafficResult{P99: 20 * time.Millisecond}, PooledP99: 20 * time.Millisecond, PooledOps: 800}
	rp := report{
		o:       options{n: 1000000, runs: 1},
		results: []result{base, del},
		engDel:  skipped("engine: single DELETE", "delete"),
		engUpd:  skipped("engine: single UPDATE", "anonymise"),
		swDel:   del,
		swAnon:  skipped("sweeper sweep: anonymise", "anonymise"),
		pt:      skipped("pt-archiver --bulk-delete", "delete"),
		plan:    skipped("sweeper plan (both rules)", "plan"),
	}
	md := rp.markdown()
	for _, want := range []string{
		"| sweeper delete with audit ≥ 0.5× single DELETE | 0.00× | not measured |",
		"| sweeper delete faster than pt-archiver --bulk-delete | 0.00× | not measured |",
		"| sweeper anonymise with audit ≥ 0.3× single UPDATE | 0.00× | not measured |",
		"| sweeper peak RSS < 64 MiB at N | 23.0 MiB | not measured |",
		"over the 1,000,000-row table < 1 s | 0s | not measured |",
		"| shop p99 during sweeper sweep: delete ≤ 2× baseline | 20.0 ms vs 4.0 ms (5.0×) over all rounds; median round 20.0 ms vs 4.0 ms (5.0×) | **missed** |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	// The delete ran with the shop's traffic: its lock waits are measured.
	if got := strings.Count(md, "| met |"); got != 1 || !strings.Contains(md, "| no lock-wait timeouts during sweeper sweep: delete | 0 | met |") {
		t.Errorf("want only the delete's lock-wait target met, got %d met:\n%s", got, md)
	}
}

// The intro a missing BENCHMARKS.md receives is the one the file carries.
func TestIntroIsTheFilesOwn(t *testing.T) {
	b, err := os.ReadFile("../BENCHMARKS.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), intro) {
		t.Errorf("BENCHMARKS.md does not begin with bench's intro; make one match the other")
	}
}
