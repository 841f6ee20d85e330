package sweeper

import "time"

// nextBatchSize is how many keys the batch after one of n keys that took
// took should hold when batch_time asks each batch to take target (0 keeps
// size). It is the pace just measured times target, moved at most a factor
// of two from size, so that one slow batch (a lock wait, a busy moment of the
// server) does not collapse the size and one quick batch does not blow it
// up, and kept within 1..maxBatchSize, since a batch that goes by key list
// binds every key as a parameter.
//
// A batch's time is what the shop feels of it: its rows stay locked that
// long. The number of rows that fits in that time depends on the table, its
// indexes, the related rows and the server, which is why a fixed batch_size
// is either slow on a fast table or long on a slow one.
func nextBatchSize(size, n int, took, target time.Duration) int {
	if target <= 0 || n <= 0 {
		return size
	}
	want := float64(maxBatchSize)
	if took > 0 {
		want = min(want, float64(n)*float64(target)/float64(took))
	}
	return min(max(int(want), size/2, 1), size*2, maxBatchSize)
}
