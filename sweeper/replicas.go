package sweeper

import (
	"context"
	"fmt"
	"time"

	"go.uber.org/zap"
)

// ReplicaMonitor reports how far the shop's read replicas are behind.
// connectors/database implements it for MySQL and MariaDB.
type ReplicaMonitor interface {
	// Lag returns the largest lag among the replicas. known is false when a
	// replica reports none (its replication is stopped or broken).
	Lag(ctx context.Context) (lag time.Duration, known bool, err error)
}

// replicaPoll is how often a paused sweep asks the replicas again.
const replicaPoll = time.Second

// waitForReplicas pauses between batches while a replica lags more than
// max_replica_lag, so that a night of deletions does not leave the shop's
// read replicas serving stale pages. An unknown lag counts as too much: a
// stopped replica would otherwise fall further behind unseen. The wait ends
// at the rule's deadline (max_run_time) or when the sweep is stopped. It
// returns how long it paused.
func (s *Sweeper) waitForReplicas(ctx context.Context, deadline time.Time, log *zap.Logger) (paused time.Duration, err error) {
	if s.Replicas == nil {
		return 0, nil
	}
	max := s.Config.Database.MaxReplicaLag
	var waitingSince, lastLog time.Time
	defer func() {
		if !waitingSince.IsZero() {
			paused = time.Since(waitingSince)
		}
	}()
	for {
		lag, known, err := s.Replicas.Lag(ctx)
		if err != nil {
			return 0, fmt.Errorf("check replica lag: %w", err)
		}
		if known && lag <= max {
			if !waitingSince.IsZero() {
				log.Info("replicas caught up, going on", zap.String("event", "replica.resume"),
					zap.Duration("lag", lag), zap.Int64("paused_ms", time.Since(waitingSince).Milliseconds()))
			}
			return 0, nil
		}
		now := time.Now()
		if waitingSince.IsZero() {
			waitingSince = now
		}
		if now.Sub(lastLog) >= 30*time.Second {
			lastLog = now
			f := []zap.Field{zap.String("event", "replica.lag"), zap.Duration("max", max)}
			if known {
				f = append(f, zap.Duration("lag", lag))
			} else {
				f = append(f, zap.String("lag", "unknown: a replica's replication is stopped"))
			}
			log.Warn("replica lags, pausing between batches", f...)
		}
		if !deadline.IsZero() && now.After(deadline) {
			return 0, nil // the batch loop stops at its deadline next
		}
		select {
		case <-ctx.Done():
			return 0, nil // the batch loop stops on the cancelled context next
		case <-time.After(replicaPoll):
		}
	}
}
