package pipeline

import (
	"errors"
	"fmt"
	"time"
)

// DefaultBatchSize is the number of rows per record batch.
const DefaultBatchSize = 64 * 1024

// DefaultNameThreshold is the Jaro-Winkler similarity above which two
// normalised names are "similar" (SPEC §5).
const DefaultNameThreshold = 0.92

// Config holds the settings of one run. Zero values of optional fields
// take the defaults documented on them.
type Config struct {
	Inputs       []string  // files or folders; empty means the embedded fixtures
	OutDir       string    // output folder
	StockFile    string    // stock CSV; empty means the embedded fixture stock
	RegionsFile  string    // region reference CSV; empty means the embedded Bengkulu table
	AsOf         time.Time // as-of date (UTC midnight)
	ElectionDate time.Time // election day (UTC midnight)
	Holidays     []time.Time
	Lang         string  // "id" (default) or "en"
	BatchSize    int     // rows per batch; 0 means DefaultBatchSize
	NameSim      float64 // Jaro-Winkler threshold; 0 means DefaultNameThreshold
	// MaxUnzipSize bounds the inflated size of a whole xlsx; one part may
	// take at most half of it. 0 means the source's default.
	MaxUnzipSize int64
}

// Validate checks the settings before any data is read and reports every
// problem at once. Each problem is a *SettingError.
func (c *Config) Validate() error {
	var errs []error
	bad := func(setting, format string, a ...any) {
		errs = append(errs, &SettingError{Setting: setting, Err: fmt.Errorf(format, a...)})
	}
	if c.AsOf.IsZero() {
		bad("--as-of", "missing")
	}
	if c.ElectionDate.IsZero() {
		bad("--election-date", "missing")
	}
	if !c.AsOf.IsZero() && !c.ElectionDate.IsZero() && c.ElectionDate.Before(c.AsOf) {
		bad("--election-date", "%s is before the as-of date %s",
			c.ElectionDate.Format(time.DateOnly), c.AsOf.Format(time.DateOnly))
	}
	switch c.Lang {
	case "", "id", "en":
	default:
		bad("--lang", "%q is not id or en", c.Lang)
	}
	if c.BatchSize < 0 {
		bad("--batch-size", "%d is negative", c.BatchSize)
	}
	if c.NameSim < 0 || c.NameSim > 1 {
		bad("--name-threshold", "%v is outside 0..1", c.NameSim)
	}
	if c.OutDir == "" {
		bad("--out", "missing")
	}
	return errors.Join(errs...)
}

// Batch returns the batch size in effect.
func (c *Config) Batch() int {
	if c.BatchSize == 0 {
		return DefaultBatchSize
	}
	return c.BatchSize
}

// NameThreshold returns the name-similarity threshold in effect.
func (c *Config) NameThreshold() float64 {
	if c.NameSim == 0 {
		return DefaultNameThreshold
	}
	return c.NameSim
}

// Language returns the report language in effect.
func (c *Config) Language() string {
	if c.Lang == "" {
		return "id"
	}
	return c.Lang
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
