package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"readiness/pipeline"
	"readiness/pipeline/history"
)

// historyEntry is one stored run as "readiness history" lists it; the
// JSON field names are stable (scripts read them).
type historyEntry struct {
	AsOf         string   `json:"as_of"`
	StartedAt    string   `json:"started_at,omitempty"`
	Inputs       int      `json:"inputs"`
	RowsIn       int      `json:"rows_in"`
	Persons      int64    `json:"persons"`
	Ready        int64    `json:"ready"`
	BlanksNeeded int64    `json:"blanks_needed"`
	Pct          *float64 `json:"projected_ready_pct"`
	Error        string   `json:"error,omitempty"` // the day's files cannot be read
}

// cmdHistory is "readiness history": the stored runs, newest first. It
// takes no lock (every day it sees is whole) and writes nothing.
func cmdHistory(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("readiness history", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("history", "", "run history `folder` (required)")
	asJSON := fs.Bool("json", false, "print JSON (an array, newest first) instead of a table")
	fs.Usage = func() {
		ew := &errWriter{w: stderr}
		ew.printf("Usage: readiness history --history DIR [--json]\n\nLists the runs stored in the history, newest first.\n\nOptions:\n")
		fs.PrintDefaults()
		ew.printf("\n%s", exitCodesHelp)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", pipeline.ErrUsage, err)
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("%w: unexpected argument %q", pipeline.ErrUsage, fs.Arg(0))
	case *dir == "":
		return &pipeline.SettingError{Setting: "--history", Err: errors.New("missing")}
	}
	if info, err := os.Stat(*dir); err != nil || !info.IsDir() {
		if err == nil {
			err = errors.New("not a folder")
		}
		return &pipeline.SettingError{Setting: "--history", Err: err}
	}
	runs, err := history.List(*dir)
	if err != nil {
		return fmt.Errorf("reading the history: %w", err)
	}
	entries := make([]historyEntry, 0, len(runs))
	for i := len(runs) - 1; i >= 0; i-- {
		entries = append(entries, newHistoryEntry(&runs[i]))
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(entries)
	}
	ew := &errWriter{w: stdout}
	if len(entries) == 0 {
		ew.printf("no runs stored in %s\n", *dir)
		return ew.err
	}
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', tabwriter.AlignRight)
	tew := &errWriter{w: tw}
	tew.printf("as_of\tinputs\tpersons\tready\tblanks_needed\tprojected_ready_pct\tstarted_at\t\n")
	for _, e := range entries {
		if e.Error != "" {
			tew.printf("%s\t-\t-\t-\t-\t-\t%s\t\n", e.AsOf, "cannot be read")
			continue
		}
		tew.printf("%s\t%d\t%d\t%d\t%d\t%s\t%s\t\n", e.AsOf, e.Inputs, e.Persons, e.Ready, e.BlanksNeeded, pctText(e.Pct), e.StartedAt)
	}
	if err := errors.Join(tew.err, tw.Flush()); err != nil {
		return err
	}
	for _, e := range entries {
		if e.Error != "" {
			ew.printf("%s: %s\n", e.AsOf, e.Error)
		}
	}
	return ew.err
}

func newHistoryEntry(r *history.Run) historyEntry {
	e := historyEntry{AsOf: r.AsOf.Format(time.DateOnly)}
	if r.Err != nil {
		e.Error = r.Err.Error()
	}
	if m := r.Manifest; m != nil {
		e.StartedAt, e.Inputs, e.RowsIn = m.StartedAt, len(m.Inputs), m.Accounting.RowsIn
	}
	if p, ok := r.Province(); ok {
		e.Persons, e.Ready, e.BlanksNeeded, e.Pct = p.Count(pipeline.SumPersons), p.Count(pipeline.SumReady),
			p.Count(pipeline.SumBlanksNeeded), p.Pct
	}
	return e
}
