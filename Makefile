# make bench: the performance benchmark against the MariaDB at
# $SWEEPER_BENCH_DSN (default root@tcp(127.0.0.1:3306)/); writes BENCHMARKS.md.
# BENCH_FLAGS passes flags, e.g. make bench BENCH_FLAGS="-n 100000".
BENCH_FLAGS ?=

.PHONY: bench
bench:
	go run ./bench $(BENCH_FLAGS)
