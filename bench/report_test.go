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
		gentle:  skipped("sweeper sweep: delete, pace gentle", "delete"),
		// The delete ran with the shop's traffic; the anonymisation,
		// which target 6 needs too, did not.
		sweepers: []result{del},
		pg:       &pgResults{Skipped: "not run (-pg=false)"},
	}
	md := rp.markdown()
	for _, want := range []string{
		"| 1. pace gentle: shop p99 over all rounds ≤ pt-archiver --bulk-delete's, and rows/s ≥ pt-archiver's | p99 0.0 ms vs 0.0 ms; 0 vs 0 rows/s | not measured |",
		"| 2. full speed: sweeper delete with audit ≥ 0.55× single DELETE (MariaDB) | 0.000× | not measured |",
		"| 2. full speed: sweeper anonymise with audit ≥ 0.55× single UPDATE (MariaDB) | 0.000× | not measured |",
		"| 3. PostgreSQL: sweeper delete with audit ≥ 0.5× single DELETE | 0.000× | not measured |",
		"| 4. peak RSS of every sweeper run < 64 MiB | 23.0 MiB (sweeper sweep: delete) | not measured |",
		"| 5. `sweeper plan` over 5×N rows < 2 s (created_at indexed) | not run (-rss5x) | not measured |",
		"| 6. no lock-wait timeouts in the shop's traffic during any sweeper contestant, every round | 0 in 1 contestants (sweeper sweep: delete) | not measured |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if got := strings.Count(md, "| met |") + strings.Count(md, "| **missed** |"); got != 0 {
		t.Errorf("want every target not measured, got %d judged:\n%s", got, md)
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
