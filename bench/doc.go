// Package bench holds the end-to-end benchmarks of readiness: synthetic
// submissions of a given size through the real source, stages and sinks.
// Speed and memory goals are measured here (make bench), never in timed
// tests.
//
//	go test ./bench -run '^$' -bench . -benchmem
//
// BenchmarkStages times each stage alone with its allocations;
// BenchmarkIngest reads a generated folder through the source alone
// (READINESS_BENCH_IN). make bench runs ./bench/run, which generates
// CSV and xlsx sets with cmd/fixturegen -rows under bench/data (never
// committed), times whole runs of the command on them with their peak
// RSS, and times the peers on the same inputs: DuckDB (./bench/duckdb,
// a module of its own so that the main module never depends on it) and
// plain inflation of the workbooks.
package bench
