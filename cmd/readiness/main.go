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
	"syscall"
)

func main() {
	tuneGC()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}
