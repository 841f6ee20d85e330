# make bench: the performance benchmark against the MariaDB at
# $SWEEPER_BENCH_DSN (default root@tcp(127.0.0.1:3306)/) and, when it answers,
# the PostgreSQL at $SWEEPER_BENCH_PG_DSN (default
# postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable); writes
# BENCHMARKS.md. BENCH_FLAGS passes flags, e.g. make bench BENCH_FLAGS="-n 100000";
# -no-gentle for a sweeper whose config does not know pace = "gentle".
BENCH_FLAGS ?=

.PHONY: bench
bench:
	go run ./bench $(BENCH_FLAGS)
