package main

// Batch manners: how far a run is. On a terminal, a status line on stderr
// redrawn in place (files read, rows, rows/s, stage), the log lines
// printed above it; otherwise (a scheduler's log) a "progress" log line
// every --progress-every. --quiet shows neither.

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"readiness/pipeline"
)

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// statusLine is a terminal's stderr with a status line at the bottom:
// what is written through it (the log) appears above the line, which is
// then drawn again.
type statusLine struct {
	mu     sync.Mutex
	w      io.Writer
	status string
}

// Write clears the status line, writes p and draws the line again.
func (s *statusLine) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := io.WriteString(s.w, "\r\x1b[K"); err != nil {
		return 0, err
	}
	n, err := s.w.Write(p)
	if err == nil && s.status != "" {
		_, err = io.WriteString(s.w, s.status)
	}
	return n, err
}

// show draws status in place of the current line; "" clears it.
func (s *statusLine) show(status string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status = status
	_, _ = io.WriteString(s.w, "\r\x1b[K"+status) // a display: a failed write only loses the line
}

// progressText is the status line of a snapshot.
func progressText(p pipeline.ProgressSnapshot) string {
	var b strings.Builder
	fmt.Fprintf(&b, "readiness: %d/%d files, %s rows, %s rows/s", p.Files, p.FilesTotal,
		groupDigits(p.Rows), groupDigits(int64(p.RowsPerSecond())))
	if p.Phase != "" {
		b.WriteString(", " + p.Phase)
	}
	fmt.Fprintf(&b, " [%s]", p.Elapsed.Truncate(time.Second))
	return b.String()
}

// groupDigits writes n with commas between thousands.
func groupDigits(n int64) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 && s[i-1] != '-' {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// startProgress shows p until the returned function is called: on the
// status line when there is one (tty non-nil), every `every` as a log
// line otherwise (0: never).
func startProgress(p *pipeline.Progress, tty *statusLine, every time.Duration, log zerolog.Logger) (stop func()) {
	interval := every
	if tty != nil {
		interval = 250 * time.Millisecond
	}
	if interval <= 0 {
		return func() {}
	}
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			snap := p.Snapshot()
			if tty != nil {
				tty.show(progressText(snap))
				continue
			}
			log.Info().Int64("files_read", snap.Files).Int64("files", snap.FilesTotal).Int64("rows", snap.Rows).
				Float64("rows_per_s", float64(int64(snap.RowsPerSecond()))).Str("phase", snap.Phase).
				Float64("elapsed_s", snap.Elapsed.Truncate(time.Millisecond).Seconds()).Msg("progress")
		}
	}()
	return func() {
		close(done)
		<-finished
		if tty != nil {
			tty.show("")
		}
	}
}

// runLogger returns the run's logger and, when stderr is a terminal and
// the run is not quiet, the status line the log is written above. With
// --quiet the log holds warnings and errors only, unless --log-level is
// given.
func runLogger(s *settings, stderr io.Writer) (zerolog.Logger, *statusLine, error) {
	level, format := s.logLevel, s.logFormat
	if s.quiet && !s.set["log-level"] {
		level = "warn"
	}
	if format == "auto" {
		format = "json"
		if isTerminal(stderr) {
			format = "console"
		}
	}
	var tty *statusLine
	if !s.quiet && isTerminal(stderr) {
		tty = &statusLine{w: stderr}
		stderr = tty
	} else {
		// The progress lines are logged from another goroutine.
		stderr = zerolog.SyncWriter(stderr)
	}
	log, err := newLogger(stderr, format, level)
	return log, tty, err
}
