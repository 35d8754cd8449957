package pipeline

import (
	"errors"
	"fmt"
	"time"
)

// DefaultBatchSize is the number of rows per record batch. Batches in
// flight are most of the memory a run holds while it reads (two inputs
// read at once, each with its batch being built, up to 32 MiB of batches
// waiting, plus the one going down the chain, about 650 bytes a row with
// the original cells): at 16,384 rows, a 1M-row run peaked at about 420
// MB against 630 MB with 65,536, for about the same time, when that was
// most of its peak (docs/PERFORMANCE.md).
const DefaultBatchSize = 16 * 1024

// DefaultNameThreshold is the Jaro-Winkler similarity at or above which
// two normalised names are "similar" (SPEC §5).
const DefaultNameThreshold = 0.92

// Names of the settings in Config, as a *SettingError from Validate names
// them; a front end may relabel them with its own names (flags).
const (
	SettingAsOf          = "as-of date"
	SettingElectionDate  = "election date"
	SettingLang          = "report language"
	SettingBatchSize     = "batch size"
	SettingNameThreshold = "name threshold"
	SettingMaxUnzipSize  = "unzip limit"
	SettingSpoolBudget   = "spool budget"
)

// DefaultSpoolBudget is the bytes of person batches each gathering person
// stage, and of gathered rows classify, keeps in memory before it spools
// the rest to disk.
const DefaultSpoolBudget = 16 << 20

// Config holds the settings of one run as the pipeline sees them. It has
// no defaults hidden in zero values: DefaultConfig gives them, and
// Validate refuses a zero where a value is needed.
type Config struct {
	AsOf          time.Time // as-of date (UTC midnight)
	Lang          string    // report language: "id" or "en"
	BatchSize     int       // rows per batch, > 0
	NameThreshold float64   // Jaro-Winkler similarity at or above which names are similar, in (0, 1]
	MaxUnzipSize  int64     // bound on the inflated size of a whole xlsx (one part may take half), > 0
	// SpoolBudget is the bytes of person batches the gathering person
	// stage (ganda) keeps in memory, and of the rows classify gathers;
	// beyond it they go to a temporary file until the stage finishes.
	// >= 0; 0 spools every batch, and every full 1 MiB chunk of rows.
	SpoolBudget int64
	// Projection is the readiness projection; nil for a run that only
	// checks its inputs (readiness validate).
	Projection *Projection
}

// Projection holds the settings of the readiness projection (SPEC §7).
type Projection struct {
	ElectionDate time.Time // election day (UTC midnight), not before the as-of date
	Holidays     []time.Time
}

// DefaultConfig returns the defaults for a run as of asOf, without a
// projection.
func DefaultConfig(asOf time.Time) Config {
	return Config{AsOf: asOf, Lang: "id", BatchSize: DefaultBatchSize,
		NameThreshold: DefaultNameThreshold, MaxUnzipSize: 256 << 20, SpoolBudget: DefaultSpoolBudget}
}

// Validate checks the settings before any data is read and reports every
// problem at once. Each problem is a *SettingError naming the setting by
// one of the Setting constants.
func (c *Config) Validate() error {
	var errs []error
	bad := func(setting, format string, a ...any) {
		errs = append(errs, &SettingError{Setting: setting, Err: fmt.Errorf(format, a...)})
	}
	if c.AsOf.IsZero() {
		bad(SettingAsOf, "missing")
	}
	if p := c.Projection; p != nil {
		switch {
		case p.ElectionDate.IsZero():
			bad(SettingElectionDate, "missing")
		case !c.AsOf.IsZero() && p.ElectionDate.Before(c.AsOf):
			bad(SettingElectionDate, "%s is before the as-of date %s",
				p.ElectionDate.Format(time.DateOnly), c.AsOf.Format(time.DateOnly))
		}
	}
	switch c.Lang {
	case "id", "en":
	default:
		bad(SettingLang, "%q is not id or en", c.Lang)
	}
	if c.BatchSize <= 0 {
		bad(SettingBatchSize, "%d is not positive", c.BatchSize)
	}
	if !(c.NameThreshold > 0 && c.NameThreshold <= 1) {
		bad(SettingNameThreshold, "%v is outside (0, 1]", c.NameThreshold)
	}
	if c.MaxUnzipSize <= 0 {
		bad(SettingMaxUnzipSize, "%d is not positive", c.MaxUnzipSize)
	}
	if c.SpoolBudget < 0 {
		bad(SettingSpoolBudget, "%d is negative", c.SpoolBudget)
	}
	return errors.Join(errs...)
}

// PrintDays is the projection's working days (SPEC §7); 0 without a
// projection.
func (c *Config) PrintDays() int {
	if c.Projection == nil {
		return 0
	}
	return PrintDays(c.AsOf, c.Projection.ElectionDate, c.Projection.Holidays)
}

// PrintDays counts working days (Monday to Friday, minus holidays) from
// the as-of date itself up to the day before the election (SPEC §7).
func PrintDays(asOf, election time.Time, holidays []time.Time) int {
	off := make(map[time.Time]bool, len(holidays))
	for _, h := range holidays {
		off[h.UTC().Truncate(24*time.Hour)] = true
	}
	n := 0
	for d := asOf.UTC().Truncate(24 * time.Hour); d.Before(election); d = d.AddDate(0, 0, 1) {
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday || off[d] {
			continue
		}
		n++
	}
	return n
}
