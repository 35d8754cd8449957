package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/rs/zerolog"

	"readiness/pipeline"
)

// version is the tool version, set at build time with
// -ldflags "-X main.version=…".
var version = "0.1.0-dev"

// Exit codes, documented in --help and the README.
const (
	exitOK       = 0 // success
	exitInternal = 1 // internal failure: a write failed, a bug
	exitUsage    = 2 // bad usage or settings; nothing was read
	exitPartial  = 3 // the run completed, but some inputs could not be read at all
	exitLocked   = 4 // another run holds the output folder
)

const usage = `readiness — KTP-el voter-readiness reconciliation

Usage:
  readiness run [--in DIR|FILE]... [--out DIR] [--stock FILE] [--regions FILE]
                [--as-of YYYY-MM-DD] [--election-date YYYY-MM-DD] [--lang id|en]
                [--history DIR] [--quiet]
  readiness validate [--in DIR|FILE]...   check inputs, write nothing
  readiness history --history DIR [--json]   the stored runs, newest first
  readiness version

With no arguments, run processes the embedded reference scenario
(Bengkulu, as of 2020-06-30, election 2020-12-09) and writes to ./out.

` + exitCodesHelp + `
Run "readiness run --help" for the options.
`

const exitCodesHelp = `Exit codes:
  0  success
  1  internal failure (an output could not be written, a bug)
  2  bad usage or settings (nothing was read)
  3  completed, but some input files could not be read at all (the
     others were processed; manifest.json names the failures; a skipped
     sheet is listed there too but does not change the exit code)
  4  another run is writing the same output folder (or history)
For a scheduler: 4 is worth a retry later; 1 may be (a full disk, a
failed write: look at the log first); 2 and 3 need a person (settings,
unreadable input files) and a retry changes nothing. A run stopped by a
signal (SIGINT, SIGTERM) exits 1 and leaves the previous outputs and
history whole.
`

// run is the whole program; main only maps its error to an exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		args = []string{"run"}
	}
	switch args[0] {
	case "run":
		return cmdRun(ctx, args[1:], stdout, stderr)
	case "validate":
		return cmdValidate(ctx, args[1:], stdout, stderr)
	case "history":
		return cmdHistory(ctx, args[1:], stdout, stderr)
	case "version", "--version":
		_, err := fmt.Fprintf(stdout, "readiness %s\n", version)
		return err
	case "help", "-h", "--help":
		_, err := fmt.Fprint(stdout, usage)
		return err
	}
	if strings.HasPrefix(args[0], "-") {
		return cmdRun(ctx, args, stdout, stderr)
	}
	_, _ = fmt.Fprint(stderr, usage) // the error below says what went wrong
	return fmt.Errorf("%w: unknown command %q", pipeline.ErrUsage, args[0])
}

// exitCode maps an error of run to the documented exit code, printing it.
func exitCode(err error, stderr io.Writer) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	_, _ = fmt.Fprintln(stderr, "readiness:", err) // nowhere left to report a failure to write it
	switch {
	case errors.Is(err, pipeline.ErrUsage):
		return exitUsage
	case errors.Is(err, pipeline.ErrLocked):
		return exitLocked
	case errors.Is(err, pipeline.ErrPartial):
		return exitPartial
	}
	return exitInternal
}

// newLogger returns the run's logger: human console lines on a terminal,
// JSON otherwise or when asked.
func newLogger(w io.Writer, format, level string) (zerolog.Logger, error) {
	lvl, err := zerolog.ParseLevel(level)
	if err != nil || level == "" {
		return zerolog.Nop(), &pipeline.SettingError{Setting: "--log-level", Err: fmt.Errorf("%q is not debug, info, warn or error", level)}
	}
	switch format {
	case "auto":
		if f, ok := w.(*os.File); ok {
			if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
				format = "console"
				break
			}
		}
		format = "json"
	case "console", "json":
	default:
		return zerolog.Nop(), &pipeline.SettingError{Setting: "--log-format", Err: fmt.Errorf("%q is not auto, console or json", format)}
	}
	if format == "console" {
		w = zerolog.ConsoleWriter{Out: w, TimeFormat: "15:04:05"}
	}
	return zerolog.New(w).Level(lvl).With().Timestamp().Logger(), nil
}
