package sweeper

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap"
)

// gentlePause is the gentle pace's pause after a batch that took t: t/2,
// so that the sweep keeps the server busy two thirds of the time at most
// (batch_pause and a wait for replicas count towards it), times the
// backoff. The backoff doubles after a batch whose time per row rose over
// twice the run's baseline (the median of its first batches), or after
// which the server runs clearly more statements than after those; it
// falls by one after each batch that shows neither. The shop then gets
// the server back quickly when it needs it, and the sweep its pace back
// step by step, not at the first quiet moment.
func (run *ruleRun) gentlePause(ctx context.Context) error {
	t := run.thr
	idle := run.rep.Paused + run.rep.ReplicaWait - t.idle
	took := time.Since(t.last) - idle
	if rows := run.rep.Rows - t.rows; rows > 0 && took > 0 {
		t.observeRow(took.Seconds() / float64(rows))
	}
	load, loadRead := 0, false
	if t.readLoad {
		n, err := run.s.Store.Dialect().Load(ctx, run.s.Store)
		switch {
		case errors.Is(err, ErrNoLoad):
			t.readLoad = false // the pace watches the sweep's own statements only
		case err != nil:
			if ctx.Err() != nil {
				return nil // the walk stops on the cancelled context next
			}
			return fmt.Errorf("read the server's load for the gentle pace: %w", err)
		default:
			load, loadRead = n, true
			t.observeLoad(n)
		}
	}
	reason, value, limit := t.pressure(load, loadRead)
	switch {
	case reason != "":
		t.backoff = min(t.backoff*2, gentleMaxBackoff)
		if t.episode.reason == "" {
			t.episode = episode{reason: reason, since: time.Now()}
			run.startEpisode(reason, value, zap.Float64("limit", limit), zap.Float64("backoff", t.backoff))
		}
	case t.backoff > 1:
		t.backoff = max(1, t.backoff-1)
	}
	base := took / 2
	run.sleep(ctx, ThrottlePace, base-idle)
	if t.episode.reason != "" {
		// The time counts for what holds the sweep back now; the log says
		// what began the backoff.
		why := cmp.Or(reason, t.episode.reason)
		t.episode.throttled += run.sleep(ctx, why, time.Duration(float64(base)*(t.backoff-1)))
		if t.backoff == 1 {
			run.endEpisode(&t.episode, "")
		}
	}
	return nil
}

// observeRow takes in the time per row of a batch: the first ones make
// the baseline, the later ones the smoothed value held against it.
func (t *throttle) observeRow(perRow float64) {
	if t.baseline == 0 {
		t.perRow = append(t.perRow, perRow)
		if len(t.perRow) == gentleFirst {
			t.baseline = median(t.perRow)
			t.smooth = t.baseline
		}
		return
	}
	t.smooth += (perRow - t.smooth) / 2
}

// observeLoad takes in the server's load after a batch: the first ones
// make the baseline.
func (t *throttle) observeLoad(n int) {
	if len(t.loads) < gentleFirst {
		t.loads = append(t.loads, n)
		t.baseLoad = median(t.loads)
	}
}

// pressure says whether the server is under pressure after this batch,
// and why: the sweep's statements take over twice as long per row as in
// the run's first batches, or the server runs at least twice as many
// statements as then and three more. One or two more statements is the
// shop's traffic coming and going.
func (t *throttle) pressure(load int, loadRead bool) (reason string, value, limit float64) {
	// The load first: it is the shop's own, where the sweep's time per row
	// may also be the sweep's.
	if loadRead && len(t.loads) == gentleFirst {
		if lim := max(2*t.baseLoad, t.baseLoad+3); load >= lim {
			return ThrottleLoad, float64(load), float64(lim)
		}
	}
	if t.baseline > 0 && t.smooth > 2*t.baseline {
		return ThrottleLatency, t.smooth * 1e6, 2 * t.baseline * 1e6 // µs per row
	}
	return "", 0, 0
}
