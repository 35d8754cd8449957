package job

import (
	"readiness/pipeline"
	"readiness/pipeline/history"
	"readiness/pipeline/sink"
)

// History is what a run with --history is given: data read from the
// history by the command, and where this run's day is staged. Stages and
// sinks get it as data; none of them opens the history.
type History struct {
	// Prior is the latest stored run before this run's as-of date, for
	// the deltas stage; nil when there is none.
	Prior *pipeline.PriorRun
	// Earlier are the readable stored runs before this run's as-of date,
	// oldest first, for the trend sheet.
	Earlier []history.Run
	// DayDir is the staging folder of this run's day (history.Day.Path):
	// persons.parquet and summary.parquet are written there. Empty writes
	// no day.
	DayDir string
}

// sinks returns deltas.csv in the output folder and the day's files;
// none without a history.
func (h *History) sinks(dir string) []pipeline.Sink {
	if h == nil {
		return nil
	}
	sinks := []pipeline.Sink{sink.NewDeltasCSV(dir)}
	if h.DayDir != "" {
		sinks = append(sinks, sink.Unlisted(sink.NewPersonsParquet(h.DayDir)), sink.Unlisted(sink.NewSummaryParquet(h.DayDir)))
	}
	return sinks
}

// info is what the workbooks show of the history; nil without one.
func (h *History) info() *sink.History {
	if h == nil {
		return nil
	}
	out := &sink.History{}
	if h.Prior != nil {
		out.Prior = h.Prior.AsOf
	}
	for _, r := range h.Earlier {
		tr := sink.TrendRun{AsOf: r.AsOf}
		for _, s := range r.Summary {
			tr.Rows = append(tr.Rows, sink.TrendRow{Code: s.Code, Name: s.Name,
				BlanksNeeded: s.Count(pipeline.SumBlanksNeeded), Ready: s.Count(pipeline.SumReady), Pct: s.Pct})
		}
		out.Runs = append(out.Runs, tr)
	}
	return out
}
