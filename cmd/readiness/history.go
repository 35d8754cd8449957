package main

// What "readiness run --history DIR" adds to a run: the history is read
// before the run (the latest earlier run's persons for the deltas, the
// earlier summaries for the trend), this run's day is staged while the
// outputs are written, and it is put in place after the outputs are.

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/rs/zerolog"

	"readiness/cmd/job"
	"readiness/pipeline"
	"readiness/pipeline/history"
	"readiness/pipeline/sink"
)

// historyFlags declares the options of run that the nightly batch adds.
func historyFlags(fs *flag.FlagSet, s *settings) {
	fs.StringVar(&s.history, "history", "", "run history `folder`: store this run as DIR/as_of=YYYY-MM-DD/ (Parquet), write deltas.csv and the workbooks' history sheets")
	fs.BoolVar(&s.quiet, "quiet", false, "no progress display or progress lines, no summary on stdout, and warnings and errors only in the log (unless --log-level is given)")
	fs.DurationVar(&s.progress, "progress-every", 30*time.Second, "`interval` of the progress log lines when stderr is not a terminal (0: none)")
}

// checkHistory reports the problems of the history settings.
func (s *settings) checkHistory() []error {
	var errs []error
	if s.progress < 0 {
		errs = append(errs, &pipeline.SettingError{Setting: "--progress-every", Err: fmt.Errorf("%v is negative", s.progress)})
	}
	if s.history == "" {
		return errs
	}
	hist, err1 := filepath.Abs(s.history)
	out, err2 := filepath.Abs(s.outDir)
	if err := errors.Join(err1, err2); err != nil {
		return append(errs, &pipeline.SettingError{Setting: "--history", Err: err})
	}
	inside := func(dir, parent string) bool {
		rel, err := filepath.Rel(parent, dir)
		return err == nil && (rel == "." || !strings.HasPrefix(rel, ".."))
	}
	switch {
	case inside(hist, out):
		errs = append(errs, &pipeline.SettingError{Setting: "--history",
			Err: fmt.Errorf("%s is inside the output folder %s, which every run replaces", s.history, s.outDir)})
	case inside(out, hist):
		errs = append(errs, &pipeline.SettingError{Setting: "--history",
			Err: fmt.Errorf("the output folder %s is inside %s: its persons.parquet would read as a stored run", s.outDir, s.history)})
	}
	return errs
}

// runHistory is the history during one run.
type runHistory struct {
	store    *history.Store
	day      *history.Day
	spec     *job.History
	replaced *history.Run // the stored day of the same date, if any
	damaged  []string     // stored days that could not be read, skipped
	trend    []string     // the run dates of the trend, this run's last
	counts   *deltaCounts
}

// openHistory locks the history, reads what the run needs of it and
// stages this run's day. Damaged days are skipped and logged.
func openHistory(ctx context.Context, dir string, asOf time.Time) (*runHistory, error) {
	log := zerolog.Ctx(ctx)
	store, err := history.Open(dir)
	if err != nil {
		return nil, err
	}
	h := &runHistory{store: store, spec: &job.History{}, counts: &deltaCounts{}}
	runs, err := store.Runs()
	if err != nil {
		return nil, errors.Join(fmt.Errorf("reading the history: %w", err), store.Close())
	}
	for i := range runs {
		r := &runs[i]
		switch {
		case r.AsOf.Equal(asOf):
			h.replaced = r
		case r.Err != nil:
			h.damaged = append(h.damaged, history.DayName(r.AsOf))
			log.Warn().Str("day", history.DayName(r.AsOf)).Err(r.Err).Msg("history: a stored run cannot be read; it is left out of the trend and the deltas")
		case r.AsOf.Before(asOf):
			h.spec.Earlier = append(h.spec.Earlier, *r)
			h.trend = append(h.trend, r.AsOf.Format(time.DateOnly))
		}
	}
	h.trend = append(h.trend, asOf.Format(time.DateOnly))
	// The deltas compare with the latest earlier day whose persons can be
	// read.
	for i := len(h.spec.Earlier) - 1; i >= 0 && h.spec.Prior == nil; i-- {
		r := h.spec.Earlier[i]
		prior, err := history.ReadPrior(r.Dir, r.AsOf)
		if err != nil {
			h.damaged = append(h.damaged, history.DayName(r.AsOf))
			log.Warn().Str("day", history.DayName(r.AsOf)).Err(err).Msg("history: a stored run's persons cannot be read; the deltas compare with an earlier one")
			continue
		}
		h.spec.Prior = prior
	}
	h.day, err = store.Stage(asOf)
	if err != nil {
		return nil, errors.Join(err, store.Close())
	}
	h.spec.DayDir = h.day.Path()
	return h, nil
}

// manifest is the history part of the run's manifest.
func (h *runHistory) manifest(dir string, asOf time.Time, inputs []pipeline.ManifestInput) (*pipeline.ManifestHistory, error) {
	files, err := h.day.Files()
	if err != nil {
		return nil, err
	}
	m := &pipeline.ManifestHistory{Dir: dir, AsOf: asOf.Format(time.DateOnly), Trend: h.trend,
		Changes: h.counts.byKind(), Files: files, Damaged: h.damaged}
	if p := h.spec.Prior; p != nil {
		m.ComparedWith = p.AsOf.Format(time.DateOnly)
	}
	if r := h.replaced; r != nil {
		m.Replaced = &pipeline.ManifestReplaced{}
		if r.Manifest != nil {
			m.Replaced = pipeline.CompareInputs(r.Manifest.Inputs, inputs)
			m.Replaced.StartedAt = r.Manifest.StartedAt
		}
	}
	return m, nil
}

// close drops the staged day unless it was committed, and releases the
// lock.
func (h *runHistory) close() error {
	return errors.Join(h.day.Abort(), h.store.Close())
}

// deltaCounts is a sink counting the deltas table's rows by kind, for the
// manifest and the console.
type deltaCounts struct {
	n map[string]int
}

var _ pipeline.Sink = (*deltaCounts)(nil)

func (*deltaCounts) Name() string                    { return "deltas count" }
func (*deltaCounts) Close(ctx context.Context) error { return nil }
func (*deltaCounts) Abort()                          {}
func (*deltaCounts) Files() []string                 { return nil }

func (d *deltaCounts) Write(ctx context.Context, t pipeline.Table, rec arrow.Record) error {
	if t != pipeline.TableDeltas {
		return nil
	}
	if d.n == nil {
		d.n = map[string]int{}
	}
	idx := rec.Schema().FieldIndices(pipeline.DeltaChange)
	if len(idx) != 1 {
		return fmt.Errorf("deltas batch without %s", pipeline.DeltaChange)
	}
	change := rec.Column(idx[0]).(*array.String)
	for i := 0; i < change.Len(); i++ {
		d.n[change.Value(i)]++
	}
	return nil
}

// byKind returns the count of every kind, zeros included.
func (d *deltaCounts) byKind() map[string]int {
	out := map[string]int{}
	for _, c := range pipeline.Changes() {
		out[c] = d.n[c]
	}
	return out
}

// changeWords name the kinds of change on the console.
var changeWords = map[string]string{
	pipeline.ChangeNewRequest: "new requests",
	pipeline.ChangePrinted:    "printed or handed over",
	pipeline.ChangeRecorded:   "recorded",
	pipeline.ChangeDeceased:   "deceased",
	pipeline.ChangeMoved:      "moved",
	pipeline.ChangeTier:       "tier changed",
	pipeline.ChangeBlank:      "blank changed",
	pipeline.ChangeVanished:   "vanished unresolved (alarm)",
}

// printHistory writes the console lines of the history.
func printHistory(ew *errWriter, outDir string, m *pipeline.ManifestHistory) {
	if m.ComparedWith == "" {
		ew.printf("since the last run: no earlier run in the history\n")
	} else {
		var parts []string
		for _, c := range pipeline.Changes() {
			parts = append(parts, fmt.Sprintf("%d %s", m.Changes[c], changeWords[c]))
		}
		ew.printf("since %s: %s (%s)\n", m.ComparedWith, strings.Join(parts, ", "), filepath.Join(outDir, sink.DeltasFile))
		if n := m.Changes[pipeline.ChangeVanished]; n > 0 {
			ew.printf("ALARM: %d request(s) vanished from the submissions without being resolved; see the sheet \"Sejak run terakhir\" / \"Since the last run\"\n", n)
		}
	}
	replaced := ""
	if m.Replaced != nil {
		replaced = ", replacing the day stored before"
		if !m.Replaced.SameInputs {
			replaced += " (with other inputs: see manifest.json history.replaced)"
		}
	}
	ew.printf("history: stored as_of=%s in %s%s; %d run(s) in the trend\n", m.AsOf, m.Dir, replaced, len(m.Trend))
}
