package main

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
)

// shop is the traffic of a running webshop: at a steady rate, alternately a
// new order (INSERT) and a change to an existing one (UPDATE), each in its
// own short transaction. One update in five touches an OLD order (the
// oldest quarter of the template, all of it older than seven years), as a
// late refund does; the others a recent one.
type shop struct {
	db       *sql.DB
	rate     float64
	maxID    int64 // the template's highest id
	newAt    string
	inflight int
	pg       bool // PostgreSQL: $n placeholders, SQLSTATEs for errors
}

type trafficResult struct {
	Ops      int
	Dur      time.Duration
	Rate     float64 // completed ops per second
	P50      time.Duration
	P99      time.Duration
	Max      time.Duration
	LockWait int // MySQL error 1205
	Deadlock int // MySQL error 1213
	Other    int
	Dropped  int // ticks skipped because every worker was busy
	// ByKind is the p99 of each kind of operation: a new order, a change
	// to a recent order, a change to an old one.
	ByKind [3]time.Duration
	// SlowAt is when (since the traffic started) the slowest 1% of the
	// operations were due, in order: whether they cluster at a sweep's
	// start, its end or spread over it tells what the shop waits for.
	SlowAt  []time.Duration
	lastErr string
	// lat is every operation's latency, sorted: the rounds of one
	// contestant pool theirs for a p99 over all of them.
	lat []time.Duration
}

// pooledP99 is the p99 latency of the operations of all ts together, and
// how many there were. One round of a few seconds holds one or two thousand
// operations, whose p99 a single stall of the machine sets; all rounds
// together hold five times as many.
func pooledP99(ts []*trafficResult) (time.Duration, int) {
	var all []time.Duration
	for _, t := range ts {
		all = append(all, t.lat...)
	}
	if len(all) == 0 {
		return 0, 0
	}
	slices.Sort(all)
	return all[min(len(all)-1, len(all)*99/100)], len(all)
}

// The kinds of shop operation.
const (
	opInsert = iota
	opRecent
	opOld
)

// run sends traffic until ctx ends. Latency is measured from the moment an
// operation was due (open loop), so a stalled database shows as latency
// rather than as a lower rate.
func (s *shop) run(ctx context.Context) trafficResult {
	interval := time.Duration(float64(time.Second) / s.rate)
	sem := make(chan struct{}, s.inflight)
	var (
		mu        sync.Mutex
		lat       []time.Duration
		dueAt     []time.Duration
		byKind    [3][]time.Duration
		res       trafficResult
		wg        sync.WaitGroup
		lockWaits atomic.Int64
		deadlocks atomic.Int64
		others    atomic.Int64
	)
	start := time.Now()
	rng := rand.New(rand.NewPCG(7, 11))
	for i := 0; ; i++ {
		due := start.Add(time.Duration(i) * interval)
		if d := time.Until(due); d > 0 {
			select {
			case <-ctx.Done():
			case <-time.After(d):
			}
		}
		if ctx.Err() != nil {
			break
		}
		select {
		case sem <- struct{}{}:
		default:
			res.Dropped++
			continue
		}
		var id int64
		insert := i%2 == 0
		kind := opInsert
		if !insert {
			if (i/2)%5 == 0 {
				kind = opOld
				id = 1 + rng.Int64N(max(1, s.maxID/4))
			} else {
				kind = opRecent
				id = s.maxID - rng.Int64N(max(1, s.maxID/25))
			}
		}
		wg.Add(1)
		go func(insert bool, kind int, id int64, due time.Time) {
			defer wg.Done()
			defer func() { <-sem }()
			err := s.op(insert, id)
			d := time.Since(due)
			if err != nil {
				switch errorKind(err) {
				case errLockWait:
					lockWaits.Add(1)
				case errDeadlock:
					deadlocks.Add(1)
				default:
					others.Add(1)
					mu.Lock()
					res.lastErr = err.Error()
					mu.Unlock()
				}
			}
			mu.Lock()
			lat = append(lat, d)
			dueAt = append(dueAt, due.Sub(start))
			byKind[kind] = append(byKind[kind], d)
			mu.Unlock()
		}(insert, kind, id, due)
	}
	wg.Wait()
	res.Dur = time.Since(start)
	res.Ops = len(lat)
	res.LockWait, res.Deadlock, res.Other = int(lockWaits.Load()), int(deadlocks.Load()), int(others.Load())
	res.Rate = float64(res.Ops-res.LockWait-res.Deadlock-res.Other) / res.Dur.Seconds()
	if len(lat) > 0 {
		order := make([]int, len(lat))
		for i := range order {
			order[i] = i
		}
		slices.SortFunc(order, func(a, b int) int { return cmp.Compare(lat[b], lat[a]) })
		for _, i := range order[:max(1, len(lat)/100)] {
			res.SlowAt = append(res.SlowAt, dueAt[i])
		}
		slices.Sort(res.SlowAt)
	}
	slices.Sort(lat)
	res.lat = lat
	if len(lat) > 0 {
		res.P50 = lat[len(lat)*50/100]
		res.P99 = lat[min(len(lat)-1, len(lat)*99/100)]
		res.Max = lat[len(lat)-1]
	}
	for k, l := range byKind {
		if len(l) > 0 {
			slices.Sort(l)
			res.ByKind[k] = l[min(len(l)-1, len(l)*99/100)]
		}
	}
	return res
}

// The kinds of error a shop operation counts.
const (
	errOther = iota
	errLockWait
	errDeadlock
)

// errorKind tells a lock-wait timeout (MySQL 1205; PostgreSQL's
// lock_timeout, 55P03) and a deadlock (1213; 40P01) from other errors.
func errorKind(err error) int {
	var me *mysql.MySQLError
	var pe *pgconn.PgError
	switch {
	case errors.As(err, &me) && me.Number == 1205, errors.As(err, &pe) && pe.Code == "55P03":
		return errLockWait
	case errors.As(err, &me) && me.Number == 1213, errors.As(err, &pe) && pe.Code == "40P01":
		return errDeadlock
	}
	return errOther
}

// op is one shop transaction. It uses a fresh context: an operation started
// before the measured window closed is allowed to finish.
func (s *shop) op(insert bool, id int64) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	ins := `INSERT INTO orders (customer_id, created_at, status, email, salutation, phone, street, postcode, city, country, total_cents)
VALUES (?, ?, 'new', 'nieuwe.klant@example.nl', 'mevrouw', '0612345678', 'Nieuwstraat 1', '1234 AB', 'Utrecht', 'NL', 2495)`
	upd := "UPDATE orders SET status = 'refunded', updated_at = ? WHERE id = ?"
	if s.pg {
		ins, upd = dollars(ins), dollars(upd)
	}
	if insert {
		_, err = tx.ExecContext(ctx, ins, 1+id%1000, s.newAt)
	} else {
		_, err = tx.ExecContext(ctx, upd, s.newAt, id)
	}
	if err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}
