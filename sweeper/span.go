package sweeper

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"go.uber.org/zap"
)

// A sweep of a rule that changes nothing but its own rows, keyed by one
// integer column, takes its due rows in spans of the key: each batch is
// the due rows of [lo, hi], found by the locking audit INSERT ... SELECT
// itself, without a plain read of their keys first. The rows are read
// twice (the audit INSERT and the DELETE or UPDATE), not three times. The
// statement that changes them runs over the same span and condition and
// must touch exactly as many rows as the audit INSERT locked: a row of the
// span that became due after the lock rolls the batch back, and the retry
// takes it with its record (docs/contract.md §3.3, §3.10).
//
// The walk reads the smallest and the largest due key once, at its start;
// rows that become due beyond the largest are the next run's, as a keyset
// walk leaves them. A span's width follows the density of due rows the
// batch before it found, so that a batch holds about the batch size.

// errLeaveSpans is a span batch that found the run no longer fit for
// spans (a hold was placed during it): the walk goes on by key.
var errLeaveSpans = errors.New("the run's batches go by key from here")

// spanFull is a span batch that locked more rows than a span may hold
// (maxSpanGrowth batches, or what max_rows_per_run leaves): it rolls back,
// and a narrower span is tried.
type spanFull struct{ n int }

func (e spanFull) Error() string {
	return fmt.Sprintf("a span held %d rows, more than a span may take", e.n)
}

// maxSpanGrowth bounds how much wider a span may be than the one before:
// a sparse stretch of the key must not make the next, perhaps dense,
// span hold many batches' rows.
const maxSpanGrowth = 4

// spans reports whether the run's batches may go by spans of the key:
// where a batch's statements already go over its key range and condition
// (batchScope.wholeRange) and touch nothing but the rows themselves and
// their records.
func (run *ruleRun) spans() bool {
	return run.opt.byRange && run.opt.detail == "" && run.Reminder == nil && !run.readsOther && run.holdCond == "" &&
		!run.holds.late && run.keyCols.width() == 1 && run.integerKey() && len(run.related) == 0 &&
		len(run.refers) == 0 && run.Files == nil && len(hashed(run.anonymise)) == 0
}

// walkSpans takes the run's due rows span by span. done is false when the
// walk is to go on by key after the last key ks reached: a hold was placed,
// or max_rows_per_run leaves less than a batch (its last rows are taken by
// key, so that the cap takes exactly the first due rows). size is the
// batch size, which batch_time moves.
func (run *ruleRun) walkSpans(ctx context.Context, ks *keyset, size *int) (done bool, err error) {
	lo, hi, found, ok, err := run.dueBounds(ctx)
	if err != nil || !ok {
		return err != nil, err
	}
	if !found {
		run.ranOut()
		return true, nil
	}
	width := int64(*size) // at most one row per key: never more than a batch
	for {
		limit, err := run.budget(ctx, ks, *size)
		if err != nil || limit == 0 {
			return true, err
		}
		// A span may hold at most maxSpanGrowth batches' rows: a sparse
		// stretch widens the spans, and a dense one after it must not make
		// one transaction of many batches. More rolls back, and a narrower
		// span is tried.
		most := maxSpanGrowth * *size
		if run.MaxRowsPerRun > 0 {
			capLeft := run.MaxRowsPerRun - run.rep.Rows
			if capLeft < *size {
				return false, nil
			}
			most = min(most, capLeft)
		}
		end := spanEnd(lo, hi, width)
		start := time.Now()
		res, err := run.spanBatch(ctx, lo, end, most)
		var full spanFull
		switch {
		case errors.As(err, &full):
			width = max(1, int64(float64(width)*float64(*size)/float64(full.n)))
			continue
		case errors.Is(err, errLeaveSpans):
			return false, nil
		case err != nil:
			run.countLeft(ctx, ks)
			return true, err
		}
		ks.last, ks.reached = end, end
		if res.rows > 0 {
			width = nextWidth(width, res.rows, run.countSpan(res, start, size))
			if err := run.pace(ctx); err != nil {
				return true, err
			}
		}
		if end == hi {
			run.ranOut()
			return true, nil
		}
		lo = end + 1
		if res.rows == 0 {
			// An empty span: the next due row, wherever it is, starts the
			// next one, so that a gap in the key costs one read, not many
			// empty spans.
			if lo, found, err = run.nextDue(ctx, end); err != nil || !found || lo > hi {
				if err == nil {
					run.ranOut()
				}
				return true, err
			}
		}
	}
}

// countSpan counts a committed span batch that took rows into the report,
// logs it and returns the next batch size. A span without due rows is no
// batch.
func (run *ruleRun) countSpan(res batchResult, start time.Time, size *int) int {
	run.add(res)
	took := time.Since(start)
	*size = nextBatchSize(*size, res.rows, took, run.s.Config.Sweeper.BatchTime)
	run.log.Debug("batch committed", zap.String("event", "rule.batch"), zap.Int("rows", res.rows),
		zap.Int64("duration_ms", took.Milliseconds()), zap.Int("next_batch_size", *size))
	return *size
}

// spanEnd is the last key of the span of width keys from lo, no further
// than hi (without overflowing near the ends of int64).
func spanEnd(lo, hi, width int64) int64 {
	if uint64(width-1) >= uint64(hi)-uint64(lo) {
		return hi
	}
	return lo + width - 1
}

// nextWidth is the width of the span after one of width keys that held n
// rows, for a batch of size rows: the density just found, at most
// maxSpanGrowth times wider.
func nextWidth(width int64, n, size int) int64 {
	if n <= 0 {
		return width
	}
	w := float64(width) * float64(size) / float64(n)
	w = min(w, float64(width)*maxSpanGrowth, math.MaxInt64/2)
	return max(1, int64(w))
}

// spanBatch is one batch over the due rows of [lo, hi]: the locking audit
// INSERT finds and records them, and the DELETE or UPDATE over the same
// span and condition must touch exactly that many. most, when not zero,
// is the most rows it may take (spanFull beyond).
func (run *ruleRun) spanBatch(ctx context.Context, lo, hi int64, most int) (batchResult, error) {
	if run.s.beforeLock != nil {
		run.s.beforeLock(run.Name, nil)
	}
	return run.attempts(ctx, func(tx Querier, at time.Time) (batchResult, error) {
		res := batchResult{related: make([]int, len(run.flat)+len(run.refers))}
		if !run.spans() {
			// A hold noticed by the attempt before: its condition reads
			// other tables, which a span's statements cannot re-check.
			return res, errLeaveSpans
		}
		return run.auditedRange(ctx, tx, run.scope([]any{lo, hi}), at, most)
	})
}

// dueBounds reads the smallest and the largest key of the due rows, each
// along the key's index. found is false when none is due; ok is false
// when a key does not read as an int64 (an unsigned key beyond it): the
// run then goes by key.
func (run *ruleRun) dueBounds(ctx context.Context) (lo, hi int64, found, ok bool, err error) {
	first := (&keyset{run: run}).candidates(ctx, nil, 1)
	if first.err != nil {
		return 0, 0, false, false, first.err
	}
	if len(first.keys) == 0 {
		return 0, 0, false, true, nil
	}
	q := fmt.Sprintf("SELECT %s.%s FROM %s WHERE %s AND %s.%s IS NOT NULL ORDER BY %s.%s DESC LIMIT 1",
		run.qTable, run.qKey, run.qTable, run.cond, run.qTable, run.qKey, run.qTable, run.qKey)
	last, err := queryKeys(ctx, run.s.Store, run.keyOf, q, run.args...)
	if err != nil {
		return 0, 0, false, false, fmt.Errorf("find the last due row in %q: %w", run.Table, scrub(err))
	}
	if len(last) == 0 {
		// Taken between the two reads.
		return 0, 0, false, true, nil
	}
	lo, okLo := asInt64(first.keys[0])
	hi, okHi := asInt64(last[0])
	return lo, hi, true, okLo && okHi && lo <= hi, nil
}

// nextDue is the first due key after last, read without locking.
func (run *ruleRun) nextDue(ctx context.Context, last int64) (int64, bool, error) {
	c := (&keyset{run: run}).candidates(ctx, last, 1)
	if c.err != nil || len(c.keys) == 0 {
		return 0, false, c.err
	}
	k, ok := asInt64(c.keys[0])
	if !ok {
		return 0, false, fmt.Errorf("due row of %q: key %v is not an integer", run.Table, c.keys[0])
	}
	return k, true, nil
}

// asInt64 is an integer key as scanned, as an int64; the text protocol
// of MySQL gives it as bytes.
func asInt64(v any) (int64, bool) {
	if b, ok := v.([]byte); ok {
		return int64Of(string(b))
	}
	return int64Of(v)
}
