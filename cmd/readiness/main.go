// Command readiness reconciles the regional KTP-el submissions of a
// province before an election and reports who still needs a card and
// whether the blank stock and printing capacity can make every voter ready
// by election day.
//
//	readiness run [--in DIR|FILE]... [--out DIR] [--stock FILE] [--regions FILE]
//	              [--as-of YYYY-MM-DD] [--election-date YYYY-MM-DD] [--lang id|en]
//	              [--history DIR] [--quiet]
//	readiness validate [--in DIR|FILE]...
//	readiness history --history DIR [--json]
//	readiness version
//
// With no arguments, run processes the embedded reference scenario
// (Bengkulu, 2020) and writes to ./out. Exit codes: see exitCode.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// gcPercent is the garbage collector's target unless GOGC is set: the
// heap may grow to 1.5× the live data between collections instead of the
// runtime's 2×. A run keeps its large data in compact arenas and spill
// files, so the live heap is small and its doubling was most of the peak
// memory; at 1M rows this costs about 5 % of the time and saves about 20 %
// of the peak (docs/PERFORMANCE.md).
const gcPercent = 50

func main() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(gcPercent)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}
