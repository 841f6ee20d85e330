package main

import (
	"fmt"
	"strings"
	"time"
)

// A target's verdict: met or missed when its contestants ran, otherwise
// not measured (never met for want of a measurement).
const (
	notMeasured = iota
	met
	missed
)

type targetRow struct {
	name, measured string
	state          int
}

func (t targetRow) verdict() string {
	switch t.state {
	case met:
		return "met"
	case missed:
		return "**missed**"
	}
	return "not measured"
}

// judge is a target's row: met when ok, missed when not, and not measured
// unless known.
func judge(name, measured string, ok, known bool) targetRow {
	switch {
	case !known:
		return targetRow{name, measured, notMeasured}
	case ok:
		return targetRow{name, measured, met}
	}
	return targetRow{name, measured, missed}
}

// ran reports whether every one of rs ran to the end: a contestant left out
// (-only, -no-pt, -no-gentle) or failed has no time to judge by.
func ran(rs ...result) bool {
	for _, r := range rs {
		if r.Err != "" || r.Skipped != "" || r.Dur <= 0 {
			return false
		}
	}
	return true
}

// Limits of the targets on memory and plan.
const (
	rssLimitKiB = 64 * 1024
	// rssFlat: the peak RSS at 5×N rows may be at most this many times the
	// peak at N, what the runtime's own noise moves it by; a sweep that
	// held its rows or keys in memory would grow five-fold.
	rssFlat   = 1.25
	planLimit = 2 * time.Second
)

// targets are the bench's targets, each judged from the run.
func (rp report) targets() []targetRow {
	var out []targetRow
	add := func(t targetRow) { out = append(out, t) }

	g, pt := rp.gentle, rp.pt
	add(judge("1. pace gentle: shop p99 over all rounds ≤ pt-archiver --bulk-delete's, and rows/s ≥ pt-archiver's",
		fmt.Sprintf("p99 %s vs %s; %.0f vs %.0f rows/s", ms(g.PooledP99), ms(pt.PooledP99), g.rate(), pt.rate()),
		g.PooledP99 <= pt.PooledP99 && g.rate() >= pt.rate(),
		ran(g, pt) && g.PooledOps > 0 && pt.PooledOps > 0))

	dr := safeDiv(rp.swDel.rate(), rp.engDel.rate())
	add(judge("2. full speed: sweeper delete with audit ≥ 0.55× single DELETE (MariaDB)", fmt.Sprintf("%.3f×", dr),
		dr >= 0.55, ran(rp.swDel, rp.engDel)))
	ar := safeDiv(rp.swAnon.rate(), rp.engUpd.rate())
	add(judge("2. full speed: sweeper anonymise with audit ≥ 0.55× single UPDATE (MariaDB)", fmt.Sprintf("%.3f×", ar),
		ar >= 0.55, ran(rp.swAnon, rp.engUpd)))

	var pg pgResults
	if rp.pg != nil {
		pg = *rp.pg
	}
	pdr := safeDiv(pg.SwDel.rate(), pg.EngDel.rate())
	add(judge("3. PostgreSQL: sweeper delete with audit ≥ 0.5× single DELETE", fmt.Sprintf("%.3f×", pdr),
		pdr >= 0.5, pg.Skipped == "" && ran(pg.SwDel, pg.EngDel)))
	par := safeDiv(pg.SwAnon.rate(), pg.EngUpd.rate())
	add(judge("3. PostgreSQL: sweeper anonymise with audit ≥ 0.5× single UPDATE", fmt.Sprintf("%.3f×", par),
		par >= 0.5, pg.Skipped == "" && ran(pg.SwAnon, pg.EngUpd)))

	peak, peakOf := int64(0), ""
	for _, r := range append(append([]result{}, rp.results...), pg.SwDel, pg.SwAnon) {
		if r.RSSKiB > peak {
			peak, peakOf = r.RSSKiB, r.Name
		}
	}
	add(judge("4. peak RSS of every sweeper run < 64 MiB", fmt.Sprintf("%s (%s)", mib(peak), peakOf),
		peak < rssLimitKiB, peak > 0 && ran(rp.swDel, rp.swAnon)))
	atN := max(rp.swDel.RSSKiB, rp.swAnon.RSSKiB)
	if rp.rss5 != nil {
		add(judge(fmt.Sprintf("4. peak RSS flat from N to 5×N: the sweep's at 5×N ≤ %.2f× its at N", rssFlat),
			fmt.Sprintf("%s vs %s (%.2f×)", mib(rp.rss5.RSSKiB), mib(atN), safeDiv(float64(rp.rss5.RSSKiB), float64(atN))),
			float64(rp.rss5.RSSKiB) <= rssFlat*float64(atN), ran(*rp.rss5) && rp.rss5.RSSKiB > 0 && atN > 0))
	} else {
		add(judge(fmt.Sprintf("4. peak RSS flat from N to 5×N: the sweep's at 5×N ≤ %.2f× its at N", rssFlat), "not run (-rss5x)", false, false))
	}

	if rp.plan5 != nil {
		add(judge(fmt.Sprintf("5. `sweeper plan` over 5×N = %s rows < 2 s (created_at indexed)", thousands(5*int64(rp.o.n))),
			rp.plan5.Dur.Round(time.Millisecond).String(), rp.plan5.Dur < planLimit, ran(*rp.plan5)))
	} else {
		add(judge("5. `sweeper plan` over 5×N rows < 2 s (created_at indexed)", "not run (-rss5x)", false, false))
	}

	lw, counted := 0, []string{}
	for _, r := range rp.sweepers {
		if ran(r) && r.Traffic != nil {
			lw += r.LockWaits
			counted = append(counted, r.Name)
		}
	}
	add(judge("6. no lock-wait timeouts in the shop's traffic during any sweeper contestant, every round",
		fmt.Sprintf("%d in %d contestants (%s)", lw, len(counted), strings.Join(counted, "; ")),
		lw == 0, ran(rp.swDel, rp.swAnon) && len(counted) > 0))
	return out
}

func mib(kib int64) string { return fmt.Sprintf("%.1f MiB", float64(kib)/1024) }

// markdown is the PostgreSQL run's own results table.
func (pg *pgResults) markdown(o options) string {
	var sb strings.Builder
	w := func(f string, a ...any) { fmt.Fprintf(&sb, f, a...) }
	w("### PostgreSQL\n\n")
	if pg.Skipped != "" {
		w("%s.\n", pg.Skipped)
		return sb.String()
	}
	w("%s, default settings of the server at `$SWEEPER_BENCH_PG_DSN`; the same N, rules, shop traffic (its sessions with `lock_timeout` 50 s) and rounds. "+
		"%s orders due for deletion, %s for anonymisation; generating the template took %s.\n\n",
		pg.Server, thousands(pg.DueDel), thousands(pg.DueAnon), pg.Gen.Round(time.Millisecond))
	w("| run | rows | time | rows/s | vs engine | shop p50 / p99 / max | shop p99, all rounds | shop ops/s | lock-wait errors, all rounds | peak RSS | CPU | all rounds |\n")
	w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n")
	var pooledBase time.Duration
	if len(pg.Results) > 0 {
		pooledBase = pg.Results[0].PooledP99
	}
	for _, r := range pg.Results {
		if r.Skipped != "" {
			w("| %s | – | – | – | – | – | – | – | – | – | – | %s |\n", r.Name, r.Skipped)
			continue
		}
		name := r.Name
		if r.Err != "" {
			name += " (FAILED: " + strings.ReplaceAll(tail(r.Err, 200), "|", "/") + ")"
		}
		rows, rate, vsEng := thousands(r.Rows), fmt.Sprintf("%.0f", r.rate()), "–"
		switch r.Kind {
		case "baseline":
			rows, rate = "–", "–"
		case "delete":
			vsEng = ratio(r.rate(), pg.EngDel.rate())
		case "anonymise":
			vsEng = ratio(r.rate(), pg.EngUpd.rate())
		}
		lat, ops, lw, pooled := "–", "–", "–", "–"
		if t := r.Traffic; t != nil {
			lat = fmt.Sprintf("%s / %s / %s", ms(t.P50), ms(t.P99), ms(t.Max))
			ops = fmt.Sprintf("%.0f", t.Rate)
			lw = fmt.Sprint(r.LockWaits)
		}
		if r.PooledOps > 0 {
			pooled = ms(r.PooledP99)
			if r.Kind != "baseline" && pooledBase > 0 {
				pooled += fmt.Sprintf(" (%.1f×)", float64(r.PooledP99)/float64(pooledBase))
			}
		}
		rss, cpu := "–", "–"
		if r.RSSKiB > 0 {
			rss, cpu = mib(r.RSSKiB), r.CPU.Round(10*time.Millisecond).String()
		}
		all := r.Note
		if len(r.Times) > 0 {
			ts := make([]string, len(r.Times))
			for i, d := range r.Times {
				ts[i] = d.Round(10 * time.Millisecond).String()
			}
			all = strings.Join(ts, " / ")
		}
		w("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
			name, rows, r.Dur.Round(time.Millisecond), rate, vsEng, lat, pooled, ops, lw, rss, cpu, all)
	}
	return sb.String()
}
