package main

import (
	"testing"
	"time"
)

func TestPooledP99(t *testing.T) {
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	// Round one: 50 operations of 1 ms and one stall of 50 ms; on its own
	// its p99 is the stall. Round two: 200 operations of 2 ms.
	one := &trafficResult{}
	for range 50 {
		one.lat = append(one.lat, ms(1))
	}
	one.lat = append(one.lat, ms(50))
	two := &trafficResult{}
	for range 200 {
		two.lat = append(two.lat, ms(2))
	}
	p99, n := pooledP99([]*trafficResult{one, two})
	if n != 251 {
		t.Errorf("ops: got %d, want 251", n)
	}
	// 251 sorted: 50 × 1 ms, 200 × 2 ms, 50 ms; index 248 is 2 ms.
	if p99 != ms(2) {
		t.Errorf("p99: got %v, want 2ms", p99)
	}
	if p99, n := pooledP99([]*trafficResult{one}); p99 != ms(50) || n != 51 {
		t.Errorf("one round: got %v over %d, want 50ms over 51", p99, n)
	}
	if p99, n := pooledP99(nil); p99 != 0 || n != 0 {
		t.Errorf("no rounds: got %v over %d, want 0 over 0", p99, n)
	}
}
