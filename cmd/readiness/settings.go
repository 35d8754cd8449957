package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"readiness/cmd/job"
	"readiness/fixtures"
	"readiness/pipeline"
	"readiness/pipeline/regions"
	"readiness/pipeline/stock"
)

// settings are the parsed flags shared by run and validate, and what
// resolve makes of them.
type settings struct {
	// flags
	in          []string // files or folders; empty means the embedded fixtures
	outDir      string
	stockFile   string // empty means the embedded fixture stock
	regionsFile string // empty means the embedded Bengkulu table
	lang        string
	batchSize   int
	threshold   float64
	maxUnzipMB  int64
	spoolMB     int64
	logFormat   string
	logLevel    string
	holidays    string
	asOf        string
	election    string
	outputs     string // comma-separated; empty means all
	history     string // --history folder; empty means none
	quiet       bool
	progress    time.Duration // between progress log lines when stderr is not a terminal

	set map[string]bool // the flags given

	// resolved
	cfg     pipeline.Config
	outList []string // the outputs to write
	ref     *regions.Reference
	stock   *stock.Plan
	inputs  []pipeline.Input
}

// flagOf names each pipeline setting by the flag that sets it, so that
// messages speak the user's language.
var flagOf = map[string]string{
	pipeline.SettingAsOf:          "--as-of",
	pipeline.SettingElectionDate:  "--election-date",
	pipeline.SettingLang:          "--lang",
	pipeline.SettingBatchSize:     "--batch-size",
	pipeline.SettingNameThreshold: "--name-threshold",
	pipeline.SettingMaxUnzipSize:  "--max-unzip-mb",
	pipeline.SettingSpoolBudget:   "--spool-mb",
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// parse reads the options of a subcommand; usage problems match
// pipeline.ErrUsage, --help returns flag.ErrHelp.
func (s *settings) parse(name string, args []string, withOutputs bool, stderr io.Writer) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	s.flags(fs, withOutputs)
	fs.Usage = func() {
		ew := &errWriter{w: stderr}
		ew.printf("Usage: %s [options]\n\nOptions:\n", name)
		fs.PrintDefaults() // to stderr, like the flag package's own messages
		ew.printf("\n%s", exitCodesHelp)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", pipeline.ErrUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q (inputs go after --in)", pipeline.ErrUsage, fs.Arg(0))
	}
	s.set = map[string]bool{}
	fs.Visit(func(f *flag.Flag) { s.set[f.Name] = true })
	return nil
}

// flags declares the options of a subcommand on fs.
func (s *settings) flags(fs *flag.FlagSet, withOutputs bool) {
	fs.Var((*multiFlag)(&s.in), "in", "input `file or folder` (repeatable); default: the embedded fixtures")
	fs.StringVar(&s.regionsFile, "regions", "", "province region table `CSV` (code,name,level); default: embedded Bengkulu 2020")
	fs.StringVar(&s.asOf, "as-of", "", "as-of `date` YYYY-MM-DD (default: today, or the fixtures' date when no --in is given)")
	fs.StringVar(&s.logFormat, "log-format", "auto", "log `format`: auto (console on a terminal, else json), console or json")
	fs.StringVar(&s.logLevel, "log-level", "info", "log `level`: debug, info, warn, error")
	fs.IntVar(&s.batchSize, "batch-size", pipeline.DefaultBatchSize, "rows per Arrow record `batch`")
	fs.Float64Var(&s.threshold, "name-threshold", pipeline.DefaultNameThreshold, "Jaro-Winkler `similarity` at or above which two names are the same person's, in (0, 1]")
	fs.Int64Var(&s.maxUnzipMB, "max-unzip-mb", 256, "refuse an xlsx that inflates past this many `MiB`")
	if !withOutputs {
		s.lang = "id" // validate writes no report
		return
	}
	fs.StringVar(&s.outDir, "out", "out", "output `folder`")
	fs.StringVar(&s.stockFile, "stock", "", "stock `CSV`; default: the embedded fixture stock")
	fs.StringVar(&s.election, "election-date", "", "election `date` YYYY-MM-DD (required with --in; the fixtures' date otherwise)")
	fs.StringVar(&s.lang, "lang", "id", "report `language`: id or en")
	fs.StringVar(&s.outputs, "outputs", strings.Join(job.OutputNames(), ","),
		"comma-separated `outputs` to write: "+strings.Join(job.OutputNames(), ", ")+" (manifest.json is always written)")
	fs.Int64Var(&s.spoolMB, "spool-mb", pipeline.DefaultSpoolBudget>>20,
		"`MiB` of person batches each gathering stage, and of input rows classify gathers, keeps in memory; the rest waits in a temporary file (0: all of them)")
	fs.StringVar(&s.holidays, "holidays", "", "comma-separated public holiday `dates` YYYY-MM-DD, not counted as print days")
	historyFlags(fs, s)
}

// resolve turns the flags into a validated configuration, the region
// reference, the stock plan and the input list. withProjection is false
// for validate, which projects nothing. Every problem is reported at once,
// before any data is read.
func (s *settings) resolve(now time.Time, withProjection bool) error {
	var errs []error
	embedded := len(s.in) == 0
	date := func(flagName, v, def string) time.Time {
		if v == "" {
			v = def
		}
		if v == "" {
			return time.Time{}
		}
		d, err := time.Parse(time.DateOnly, v)
		if err != nil {
			errs = append(errs, &pipeline.SettingError{Setting: flagName, Err: fmt.Errorf("%q is not a YYYY-MM-DD date", v)})
		}
		return d
	}
	asOfDefault, electionDefault := now.UTC().Format(time.DateOnly), ""
	if embedded {
		asOfDefault, electionDefault = fixtures.AsOf, fixtures.ElectionDate
	}
	cfg := pipeline.Config{
		AsOf: date("--as-of", s.asOf, asOfDefault), Lang: s.lang, BatchSize: s.batchSize,
		NameThreshold: s.threshold, MaxUnzipSize: s.maxUnzipMB << 20, SpoolBudget: s.spoolMB << 20,
	}
	if s.maxUnzipMB <= 0 {
		cfg.MaxUnzipSize = s.maxUnzipMB // reported by Validate, not shifted into a large number
	}
	if s.spoolMB < 0 {
		cfg.SpoolBudget = s.spoolMB
	}
	if withProjection {
		cfg.Projection = &pipeline.Projection{ElectionDate: date("--election-date", s.election, electionDefault)}
		for _, h := range strings.Split(s.holidays, ",") {
			if h = strings.TrimSpace(h); h != "" {
				cfg.Projection.Holidays = append(cfg.Projection.Holidays, date("--holidays", h, ""))
			}
		}
		if s.outDir == "" {
			errs = append(errs, &pipeline.SettingError{Setting: "--out", Err: errors.New("missing")})
		}
		list, err := parseOutputs(s.outputs)
		if err != nil {
			errs = append(errs, err)
		}
		s.outList = list
		errs = append(errs, s.checkHistory()...)
	}
	if err := cfg.Validate(); err != nil {
		errs = append(errs, relabel(err))
	}
	s.cfg = cfg

	s.ref = regions.Default()
	if s.regionsFile != "" {
		ref, err := loadRegions(s.regionsFile)
		if err != nil {
			errs = append(errs, err)
		} else {
			s.ref = ref
		}
	}
	if withProjection {
		plan, err := loadStock(s.stockFile, s.ref)
		if err != nil {
			errs = append(errs, err)
		}
		s.stock = plan
	}
	inputs, err := collectInputs(s.in)
	if err != nil {
		errs = append(errs, err)
	}
	s.inputs = inputs
	return errors.Join(errs...)
}

// relabel names the settings in the problems of pipeline.Config.Validate
// by their flags.
func relabel(err error) error {
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	out := make([]error, 0, len(errs))
	for _, e := range errs {
		var se *pipeline.SettingError
		if errors.As(e, &se) && flagOf[se.Setting] != "" {
			e = &pipeline.SettingError{Setting: flagOf[se.Setting], Err: se.Err}
		}
		out = append(out, e)
	}
	return errors.Join(out...)
}

func loadRegions(path string) (*regions.Reference, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &pipeline.SettingError{Setting: "--regions", Err: err}
	}
	defer func() { _ = f.Close() }() // read only: nothing to lose
	ref, err := regions.Load(f)
	if err != nil {
		return nil, &pipeline.SettingError{Setting: "--regions " + path, Err: err}
	}
	return ref, nil
}

func loadStock(path string, ref *regions.Reference) (*stock.Plan, error) {
	var r io.Reader = strings.NewReader(fixtures.Stock())
	name := "embedded fixtures/stock.csv"
	if path != "" {
		f, err := os.Open(path)
		if err != nil {
			return nil, &pipeline.SettingError{Setting: "--stock", Err: err}
		}
		defer func() { _ = f.Close() }() // read only: nothing to lose
		r, name = f, path
	}
	return stock.Read(r, name, ref)
}

// parseOutputs reads --outputs: known names, at least one.
func parseOutputs(v string) ([]string, error) {
	var list []string
	for _, name := range strings.Split(v, ",") {
		name = strings.TrimSpace(name)
		switch {
		case name == "":
			continue
		case !slices.Contains(job.OutputNames(), name):
			return nil, &pipeline.SettingError{Setting: "--outputs", Err: fmt.Errorf("%q is not one of %s", name, strings.Join(job.OutputNames(), ", "))}
		case !slices.Contains(list, name):
			list = append(list, name)
		}
	}
	if len(list) == 0 {
		return nil, &pipeline.SettingError{Setting: "--outputs", Err: errors.New("names no output")}
	}
	return list, nil
}
