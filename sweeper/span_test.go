package sweeper_test

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sweeperd/sweeper/sweeper"
)

// spanOrders creates orders keyed by explicit ids: each due (2015) or not
// (2026).
func spanOrders(f *fixture, due []int64, notDue []int64) {
	f.exec(`CREATE TABLE orders (id BIGINT NOT NULL PRIMARY KEY, phone VARCHAR(30) NULL, created_at DATETIME NOT NULL)`)
	var vals []string
	for _, id := range due {
		vals = append(vals, fmt.Sprintf("(%d, '0611111111', '2015-01-01 00:00:00')", id))
	}
	for _, id := range notDue {
		vals = append(vals, fmt.Sprintf("(%d, '0622222222', '2026-01-01 00:00:00')", id))
	}
	f.exec(`INSERT INTO orders (id, phone, created_at) VALUES ` + strings.Join(vals, ", "))
}

func spanRange(from, to int64) []int64 {
	var out []int64
	for i := from; i <= to; i++ {
		out = append(out, i)
	}
	return out
}

// spanAudited is the keys of the audit records of a run, in key order.
func spanAudited(t *testing.T, f *fixture, runID string) []int64 {
	t.Helper()
	var out []int64
	for _, r := range engAudit(f, runID) {
		k, err := strconv.ParseInt(r.RowKey, 10, 64)
		if err != nil {
			t.Fatalf("audit record key %q: %v", r.RowKey, err)
		}
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// spanWatch records whether a sweep's batches went by span: the hook before
// a span's lock has no keys to show, a keyset batch's has.
func spanWatch(f *fixture, each func(call int)) *[]bool {
	var bySpan []bool
	sweeper.SetBeforeLock(f.sw, func(_ string, keys []any) {
		bySpan = append(bySpan, keys == nil)
		if each != nil {
			each(len(bySpan))
		}
	})
	return &bySpan
}

// TestSweeper_Spans holds the span walk (a rule with nothing but its own
// rows and an integer key) to the keyset walk's guarantees: every due row
// and no other, each with its audit record, exact counts, and the re-check
// under the lock (docs/contract.md §3.3, §3.10).
func TestSweeper_Spans(t *testing.T) {
	asOf := engAms(2026, 11, 22, 0, 0, 0)
	orderRule := func(f *fixture, action sweeper.Action) *sweeper.Rule {
		r := sweeper.Rule{Name: "order-7y", Table: "orders", AgeColumns: []string{"created_at"}, OlderThan: years(7),
			Action: action, BatchSize: 10}
		if action == sweeper.ActionAnonymise {
			r.Anonymise = []sweeper.ColumnStrategy{{Column: "phone", Strategy: sweeper.StrategyNull}}
		}
		return f.rule(r)
	}

	t.Run("GapsInTheKey", func(t *testing.T) {
		// Keys 1, 2, then not due up to 300 (a span without due rows),
		// then 10^9: the gap costs no batch per span of it.
		for _, action := range []sweeper.Action{sweeper.ActionDelete, sweeper.ActionAnonymise} {
			t.Run(string(action), func(t *testing.T) {
				dialects(t, func(t *testing.T, f *fixture) {
					due := []int64{1, 2, 1_000_000_000}
					spanOrders(f, due, append(spanRange(3, 300), 1_000_000_007))
					orderRule(f, action)
					bySpan := spanWatch(f, nil)
					rep := f.sweep(asOf, sweeper.SweepOptions{})
					rr := engRule(t, rep, "order-7y")
					if rr.Err != nil || rr.Rows != 3 || rr.Batches != 2 || !rr.LeftKnown || rr.Left != 0 {
						t.Errorf("report: got %d rows in %d batches, left %d (known %v), error %v; want 3 rows in 2 batches, none left",
							rr.Rows, rr.Batches, rr.Left, rr.LeftKnown, rr.Err)
					}
					if slices.Contains(*bySpan, false) || len(*bySpan) == 0 {
						t.Errorf("batches by span: got %v, want every batch by span", *bySpan)
					}
					if got := spanAudited(t, f, rep.RunID); !slices.Equal(got, due) {
						t.Errorf("audited: got %v, want %v", got, due)
					}
					left := `SELECT id FROM orders WHERE phone = '0611111111' ORDER BY id`
					if action == sweeper.ActionDelete {
						left = `SELECT id FROM orders WHERE created_at < '2019-01-01 00:00:00' ORDER BY id`
					}
					engWantIDs(t, f, "due rows left", left)
					if got := f.count(`SELECT COUNT(*) FROM orders WHERE phone = '0622222222'`); got != 299 {
						t.Errorf("rows not due, untouched: got %d, want 299", got)
					}
				})
			})
		}
	})

	t.Run("SparseThenDense", func(t *testing.T) {
		// One due row in ten, then every row due: the spans widen over the
		// sparse stretch, and narrow again when it ends.
		dialects(t, func(t *testing.T, f *fixture) {
			var due, notDue []int64
			for i := int64(1); i <= 500; i++ {
				if i > 300 || i%10 == 0 {
					due = append(due, i)
				} else {
					notDue = append(notDue, i)
				}
			}
			spanOrders(f, due, notDue)
			orderRule(f, sweeper.ActionDelete)
			rep := f.sweep(asOf, sweeper.SweepOptions{})
			rr := engRule(t, rep, "order-7y")
			if rr.Err != nil || rr.Rows != len(due) {
				t.Errorf("report: got %d rows, error %v; want %d", rr.Rows, rr.Err, len(due))
			}
			if got := spanAudited(t, f, rep.RunID); !slices.Equal(got, due) {
				t.Errorf("audited: got %v, want %v", got, due)
			}
			engWantIDs(t, f, "orders left", `SELECT id FROM orders ORDER BY id`, notDue...)
		})
	})

	t.Run("DenseAfterSparseStaysInBatches", func(t *testing.T) {
		// One due row in a hundred widens the spans to about a thousand
		// keys; the 600 due rows after it must still go in batches of at
		// most four times the batch size, not in one transaction.
		dialects(t, func(t *testing.T, f *fixture) {
			var due, notDue []int64
			for i := int64(1); i <= 4600; i++ {
				if i > 4000 || i%100 == 0 {
					due = append(due, i)
				} else {
					notDue = append(notDue, i)
				}
			}
			spanOrders(f, due, notDue)
			orderRule(f, sweeper.ActionDelete)
			rep := f.sweep(asOf, sweeper.SweepOptions{})
			rr := engRule(t, rep, "order-7y")
			if rr.Err != nil || rr.Rows != len(due) {
				t.Fatalf("report: got %d rows, error %v; want %d", rr.Rows, rr.Err, len(due))
			}
			if minBatches := 600 / (4 * 10); rr.Batches < minBatches {
				t.Errorf("batches: got %d, want at least %d: a span held more than four batches' rows", rr.Batches, minBatches)
			}
			if got := spanAudited(t, f, rep.RunID); !slices.Equal(got, due) {
				t.Errorf("audited: got %d keys, want the %d due", len(got), len(due))
			}
			engWantIDs(t, f, "orders left", `SELECT id FROM orders ORDER BY id`, notDue...)
		})
	})

	t.Run("RowsTurnDueAndNotDueBetweenBatches", func(t *testing.T) {
		// Before the second batch (keys 3 and 4): row 4 turns not due, row 5
		// due; row 1, already behind the walk, and row 9, beyond the last
		// key due at the start, turn due too and are the next run's.
		dialects(t, func(t *testing.T, f *fixture) {
			spanOrders(f, []int64{2, 3, 4, 6, 7, 8}, []int64{1, 5, 9})
			orderRule(f, sweeper.ActionDelete).BatchSize = 2
			bySpan := spanWatch(f, func(call int) {
				if call != 2 {
					return
				}
				for _, q := range []string{
					`UPDATE orders SET created_at = '2026-01-01 00:00:00' WHERE id = 4`,
					`UPDATE orders SET created_at = '2015-01-01 00:00:00' WHERE id IN (1, 5, 9)`,
				} {
					if _, err := f.raw.Exec(q); err != nil {
						t.Errorf("%s: %v", q, err)
					}
				}
			})
			rep := f.sweep(asOf, sweeper.SweepOptions{})
			rr := engRule(t, rep, "order-7y")
			if rr.Err != nil || rr.Rows != 6 {
				t.Errorf("report: got %d rows, error %v; want 6", rr.Rows, rr.Err)
			}
			if len(*bySpan) < 2 || slices.Contains(*bySpan, false) {
				t.Errorf("batches by span: got %v, want two or more, every one by span", *bySpan)
			}
			engWantIDs(t, f, "orders left", `SELECT id FROM orders ORDER BY id`, 1, 4, 9)
			if got := spanAudited(t, f, rep.RunID); !slices.Equal(got, []int64{2, 3, 5, 6, 7, 8}) {
				t.Errorf("audited: got %v, want [2 3 5 6 7 8]", got)
			}
		})
	})

	t.Run("RowInsertedInTheSpanUnderTheLock", func(t *testing.T) {
		// A due row inserted inside the span after the audit INSERT locked
		// the span's rows: the DELETE over the span would take it without a
		// record. The count check rolls the batch back; the retry takes it
		// with its record. Not on SQLite, whose writer holds the database.
		for _, d := range []dbKind{dbMySQL, dbPostgres} {
			for _, action := range []sweeper.Action{sweeper.ActionDelete, sweeper.ActionAnonymise} {
				t.Run(string(d)+"/"+string(action), func(t *testing.T) {
					f := setup(t, d)
					spanOrders(f, []int64{1, 2, 4, 5}, []int64{20})
					orderRule(f, action)
					locks := 0
					sweeper.SetAfterLock(f.sw, func(string) {
						if locks++; locks > 1 {
							return
						}
						if _, err := f.raw.Exec(`INSERT INTO orders (id, phone, created_at) VALUES (3, '0611111111', '2015-01-01 00:00:00')`); err != nil {
							t.Errorf("insert: %v", err)
						}
					})
					rep, err := engSweep(f, asOf, sweeper.SweepOptions{})
					if err != nil {
						t.Fatalf("sweep: %v", err)
					}
					rr := engRule(t, rep, "order-7y")
					if rr.Err != nil || rr.Rows != 5 || rr.Batches != 1 {
						t.Errorf("report: got %d rows in %d batches, error %v; want 5 in 1", rr.Rows, rr.Batches, rr.Err)
					}
					if locks != 2 {
						t.Errorf("locking reads: got %d, want 2 (the batch rolled back once)", locks)
					}
					if got := spanAudited(t, f, rep.RunID); !slices.Equal(got, []int64{1, 2, 3, 4, 5}) {
						t.Errorf("audited: got %v, want [1 2 3 4 5]", got)
					}
					if action == sweeper.ActionDelete {
						engWantIDs(t, f, "orders left", `SELECT id FROM orders ORDER BY id`, 20)
					} else {
						engWantIDs(t, f, "orders with a phone", `SELECT id FROM orders WHERE phone IS NOT NULL ORDER BY id`, 20)
					}
				})
			}
		}
	})

	t.Run("MaxRowsPerRun", func(t *testing.T) {
		// One due row in the first ten keys, then forty in a row: the span
		// after the first widens to forty keys, more rows than the cap
		// leaves, rolls back and is narrowed to ten; the last rows before
		// the cap, fewer than a batch, go by key.
		dialects(t, func(t *testing.T, f *fixture) {
			due := append([]int64{1}, spanRange(11, 50)...)
			spanOrders(f, due, spanRange(2, 10))
			orderRule(f, sweeper.ActionDelete).MaxRowsPerRun = 15
			bySpan := spanWatch(f, nil)
			rep := f.sweep(asOf, sweeper.SweepOptions{CountLeft: true})
			rr := engRule(t, rep, "order-7y")
			if rr.Err != nil || rr.Rows != 15 || !rr.Capped || !rr.LeftKnown || rr.Left != 26 {
				t.Errorf("report: got %d rows, capped %v, left %d (known %v), error %v; want 15, capped, 26 left",
					rr.Rows, rr.Capped, rr.Left, rr.LeftKnown, rr.Err)
			}
			if want := []bool{true, true, true, false}; !slices.Equal(*bySpan, want) {
				t.Errorf("batches by span: got %v, want %v", *bySpan, want)
			}
			want := due[:15]
			if got := spanAudited(t, f, rep.RunID); !slices.Equal(got, want) {
				t.Errorf("audited: got %v, want %v", got, want)
			}
			engWantIDs(t, f, "due orders left", `SELECT id FROM orders WHERE created_at < '2019-01-01 00:00:00' ORDER BY id`, due[15:]...)
		})
	})
}
