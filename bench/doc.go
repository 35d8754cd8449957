// Package bench holds the end-to-end benchmarks of readiness: synthetic
// submissions of a given size through the real source, stages and sinks.
// Speed and memory goals are measured here (make bench), never in timed
// tests.
//
//	go test ./bench -run '^$' -bench . -benchmem
package bench
