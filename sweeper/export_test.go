package sweeper

// SetBeforeLock lets tests act between the read that finds a batch and the
// locking read that re-checks it, as a shop's own transaction might.
func SetBeforeLock(s *Sweeper, f func(rule string, keys []any)) { s.beforeLock = f }
