package pipeline

import (
	"sync/atomic"
	"time"
)

// Progress is what a run has done so far, updated by the Runner as it
// goes and read from another goroutine (a progress display, periodic log
// lines). A nil *Progress is valid and records nothing.
type Progress struct {
	start                   atomic.Int64 // unix nanoseconds
	files, filesTotal, rows atomic.Int64
	phase                   atomic.Pointer[string]
}

// ProgressSnapshot is a Progress at one moment.
type ProgressSnapshot struct {
	Files, FilesTotal int64  // input files read, of all
	Rows              int64  // data rows read
	Phase             string // "reading", "stage classify", "writing report.xlsx", …
	Elapsed           time.Duration
}

// RowsPerSecond is the rows read per second of elapsed time.
func (s ProgressSnapshot) RowsPerSecond() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Rows) / s.Elapsed.Seconds()
}

// Snapshot returns what the run has done so far.
func (p *Progress) Snapshot() ProgressSnapshot {
	if p == nil {
		return ProgressSnapshot{}
	}
	s := ProgressSnapshot{Files: p.files.Load(), FilesTotal: p.filesTotal.Load(), Rows: p.rows.Load()}
	if ph := p.phase.Load(); ph != nil {
		s.Phase = *ph
	}
	if start := p.start.Load(); start != 0 {
		s.Elapsed = time.Since(time.Unix(0, start))
	}
	return s
}

func (p *Progress) begin(files int) {
	if p == nil {
		return
	}
	p.start.Store(time.Now().UnixNano())
	p.filesTotal.Store(int64(files))
	p.setPhase("reading")
}

func (p *Progress) setPhase(phase string) {
	if p != nil {
		p.phase.Store(&phase)
	}
}

func (p *Progress) addRows(n int64) {
	if p != nil {
		p.rows.Add(n)
	}
}

func (p *Progress) fileDone() {
	if p != nil {
		p.files.Add(1)
	}
}
