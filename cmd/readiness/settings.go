package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"readiness/fixtures"
	"readiness/pipeline"
	"readiness/pipeline/regions"
	"readiness/pipeline/stock"
)

// settings are the parsed flags shared by run and validate.
type settings struct {
	cfg       pipeline.Config
	logFormat string
	logLevel  string
	holidays  string
	asOf      string
	election  string
	ref       *regions.Reference
	stock     *stock.Plan
	inputs    []pipeline.Input
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
		fmt.Fprintf(stderr, "Usage: %s [options]\n\nOptions:\n", name)
		fs.PrintDefaults()
		fmt.Fprint(stderr, "\n"+exitCodesHelp)
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
	return nil
}

// flags declares the options of a subcommand on fs.
func (s *settings) flags(fs *flag.FlagSet, withOutputs bool) {
	fs.Var((*multiFlag)(&s.cfg.Inputs), "in", "input `file or folder` (repeatable); default: the embedded fixtures")
	fs.StringVar(&s.cfg.RegionsFile, "regions", "", "province region table `CSV` (code,name,level); default: embedded Bengkulu 2020")
	fs.StringVar(&s.asOf, "as-of", "", "as-of `date` YYYY-MM-DD (default: today, or the fixtures' date when no --in is given)")
	fs.StringVar(&s.logFormat, "log-format", "auto", "log `format`: auto (console on a terminal, else json), console or json")
	fs.StringVar(&s.logLevel, "log-level", "info", "log `level`: debug, info, warn, error")
	fs.IntVar(&s.cfg.BatchSize, "batch-size", pipeline.DefaultBatchSize, "rows per Arrow record `batch`")
	fs.Float64Var(&s.cfg.NameSim, "name-threshold", pipeline.DefaultNameThreshold, "Jaro-Winkler `similarity` at or above which two names are the same person's")
	fs.Int64Var(&s.cfg.MaxUnzipSize, "max-unzip-mb", 256, "refuse an xlsx that inflates past this many `MiB`")
	if !withOutputs {
		return
	}
	fs.StringVar(&s.cfg.OutDir, "out", "out", "output `folder`")
	fs.StringVar(&s.cfg.StockFile, "stock", "", "stock `CSV`; default: the embedded fixture stock")
	fs.StringVar(&s.election, "election-date", "", "election `date` YYYY-MM-DD (required with --in; the fixtures' date otherwise)")
	fs.StringVar(&s.cfg.Lang, "lang", "id", "report `language`: id or en")
	fs.StringVar(&s.holidays, "holidays", "", "comma-separated public holiday `dates` YYYY-MM-DD, not counted as print days")
}

// resolve turns the flags into a validated configuration, the region
// reference, the stock plan and the input list. Every problem is reported
// at once, before any data is read.
func (s *settings) resolve(now time.Time, withStock bool) error {
	var errs []error
	embedded := len(s.cfg.Inputs) == 0
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
	s.cfg.AsOf = date("--as-of", s.asOf, asOfDefault)
	if withStock {
		s.cfg.ElectionDate = date("--election-date", s.election, electionDefault)
	} else {
		s.cfg.ElectionDate = s.cfg.AsOf // validate needs no projection
		s.cfg.OutDir = "-"
	}
	for _, h := range strings.Split(s.holidays, ",") {
		if h = strings.TrimSpace(h); h != "" {
			s.cfg.Holidays = append(s.cfg.Holidays, date("--holidays", h, ""))
		}
	}
	if s.cfg.MaxUnzipSize <= 0 {
		errs = append(errs, &pipeline.SettingError{Setting: "--max-unzip-mb", Err: errors.New("must be positive")})
	}
	s.cfg.MaxUnzipSize <<= 20
	if err := s.cfg.Validate(); err != nil {
		errs = append(errs, err)
	}

	s.ref = regions.Default()
	if s.cfg.RegionsFile != "" {
		ref, err := loadRegions(s.cfg.RegionsFile)
		if err != nil {
			errs = append(errs, err)
		} else {
			s.ref = ref
		}
	}
	if withStock {
		plan, err := loadStock(s.cfg.StockFile, s.ref)
		if err != nil {
			errs = append(errs, err)
		}
		s.stock = plan
	}
	inputs, err := collectInputs(s.cfg.Inputs)
	if err != nil {
		errs = append(errs, err)
	}
	s.inputs = inputs
	return errors.Join(errs...)
}

func loadRegions(path string) (*regions.Reference, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &pipeline.SettingError{Setting: "--regions", Err: err}
	}
	defer f.Close()
	ref, err := regions.Load(f)
	if err != nil {
		return nil, &pipeline.SettingError{Setting: "--regions " + path, Err: err}
	}
	return ref, nil
}

func loadStock(path string, ref *regions.Reference) (*stock.Plan, error) {
	var r io.Reader = bytes.NewReader(fixtures.Stock)
	name := "embedded fixtures/stock.csv"
	if path != "" {
		f, err := os.Open(path)
		if err != nil {
			return nil, &pipeline.SettingError{Setting: "--stock", Err: err}
		}
		defer f.Close()
		r, name = f, path
	}
	return stock.Read(r, name, ref)
}
