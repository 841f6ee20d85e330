package sweeper

// SetBeforeLock lets tests act between the read that finds a batch (or the
// look-up of an erasure's keys) and the locking read that re-checks it, as a
// shop's own transaction might.
func SetBeforeLock(s *Sweeper, f func(rule string, keys []any)) { s.beforeLock = f }

// SetAfterLock lets tests act inside a batch's transaction right after its
// locking read, on rows the batch did not lock.
func SetAfterLock(s *Sweeper, f func(rule string)) { s.afterLock = f }

// PlanSplitMinSpan is the key span above which a plan counts in parts.
const PlanSplitMinSpan = planSplitMinSpan
