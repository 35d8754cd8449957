// Command fixturegen writes the fixtures of the reference scenario (SPEC §1):
// regional submissions of Bengkulu province as of 2020-06-30, the stock
// file, and a README whose expected outputs come from the generator's own
// model of what it planted, never from the pipeline.
//
//	go run ./cmd/fixturegen -out fixtures
//
// With -ganda N it writes instead the K3 ground truth of package ganda for
// N persons: a readiness input and a truth file.
//
//	go run ./cmd/fixturegen -ganda 100000 -out /tmp/ganda
//
// With -rows it writes a large synthetic submission set for benchmarks
// instead (bulk.go): ten regency files of N rows in all, as CSV or xlsx.
//
//	go run ./cmd/fixturegen -rows 1000000 -format xlsx -out bench/data/xlsx-1000000
//
// The output is deterministic: a fixed PCG seed, a fixed order of every
// choice, and xlsx archives rewritten with sorted parts and a fixed time.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"

	"readiness/cmd/fixturegen/ganda"
)

// The PCG seed of every fixture (the scenario's as-of and election dates).
const seed1, seed2 = 20200630, 20201209

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "fixturegen:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fl := flag.NewFlagSet("fixturegen", flag.ContinueOnError)
	out := fl.String("out", "fixtures", "fixtures folder to (re)write: inputs/, stock.csv, README.md, embed.go")
	n := fl.Int("ganda", 0, "instead of the fixtures, write K3 ground truth for `N` persons (10,000 to 1,000,000) into -out: inputs/ganda.csv and truth.csv")
	seed := fl.Uint64("seed", 1, "with -ganda: the `seed` of the population")
	rows := fl.Int("rows", 0, "write a benchmark set of this many data `rows` into -out instead of the fixtures")
	format := fl.String("format", "csv", "benchmark set `format` with -rows: csv or xlsx")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if *n != 0 {
		outSet := false
		fl.Visit(func(f *flag.Flag) { outSet = outSet || f.Name == "out" })
		return writeGanda(*out, outSet, *n, *seed, stdout)
	}
	if *rows > 0 {
		n, err := writeBulk(*out, *rows, *format, bulkFileRows)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(stdout, "fixturegen: %d %s files, %d data rows in %s\n", n, *format, *rows, *out)
		return err
	}
	g := generate()
	e := g.expect()
	if err := g.write(*out, e); err != nil {
		return err
	}
	_, err := fmt.Fprintf(stdout, "fixturegen: %d files, %d data rows, %d persons in %s\n", len(g.files), e.totalIn, len(e.persons), *out)
	return err
}

// writeGanda writes the K3 ground truth of package ganda: dir/inputs/
// ganda.csv, a readiness input of n persons, and dir/truth.csv, its
// planted pairs and every pair the SPEC rule must find.
func writeGanda(dir string, dirGiven bool, n int, seed uint64, stdout io.Writer) error {
	switch {
	case !dirGiven:
		return fmt.Errorf("-ganda writes into the folder -out names: give one (not the fixtures)")
	case n < 10_000 || n > 1_000_000:
		return fmt.Errorf("-ganda %d: between 10,000 and 1,000,000 persons", n)
	}
	pop := ganda.Generate(ganda.Options{Persons: n, Seed: seed})
	if err := os.MkdirAll(filepath.Join(dir, "inputs"), 0o755); err != nil {
		return err
	}
	write := func(name string, to func(io.Writer) error) error {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		if err := to(f); err != nil {
			return errors.Join(err, f.Close())
		}
		return f.Close()
	}
	if err := write(filepath.Join("inputs", "ganda.csv"), pop.WriteInput); err != nil {
		return err
	}
	if err := write("truth.csv", pop.WriteTruth); err != nil {
		return err
	}
	_, err := fmt.Fprintf(stdout, "fixturegen: %d persons, %d pairs the K3 rule must find, in %s\n", n, len(pop.Expected()), dir)
	return err
}

// generate plants the whole scenario. Planted cases come first so that the
// random base population steers clear of their names.
func generate() *gen {
	g := newGen(seed1, seed2)
	plant := func(cases []plantCase) {
		for _, c := range cases {
			ci := &caseInfo{id: c.id, what: c.what}
			for _, a := range c.where {
				for i := range a.n {
					for _, r := range c.plant(g, a.key, i) {
						r.tag = c.id
						ci.rows++
					}
					ci.persons++
				}
			}
			g.cases = append(g.cases, ci)
		}
	}
	plant(plantCases)
	for _, rp := range rejectPlans {
		for range rp.n {
			g.reject(rp).tag = "reject"
		}
	}
	for _, pl := range plans {
		g.base(pl)
	}
	main := g.rng
	g.rng = rand.New(rand.NewPCG(seed2, seed1))
	plant(lateCases)
	g.rng = main
	if g.onThreshold == nil {
		panic(fmt.Sprintf("no history person %s in region %s: choose another nameOnThreshold", nameOnThreshold.name, nameOnThreshold.region))
	}
	for _, f := range g.files {
		for _, sh := range f.sheets {
			g.rng.Shuffle(len(sh.rows), func(i, j int) { sh.rows[i], sh.rows[j] = sh.rows[j], sh.rows[i] })
		}
	}
	g.nameFormulaLike()
	return g
}

// write renders every file into dir. inputs/ is emptied first so that no
// stale file survives.
func (g *gen) write(dir string, e *expected) error {
	if err := os.RemoveAll(filepath.Join(dir, "inputs")); err != nil {
		return err
	}
	for _, f := range g.files {
		if err := g.writeFile(dir, f); err != nil {
			return err
		}
	}
	files := map[string][]byte{
		"stock.csv": stockCSV(),
		"README.md": g.readme(e),
		"embed.go":  []byte(embedGo),
	}
	for _, name := range []string{"stock.csv", "README.md", "embed.go"} {
		if err := os.WriteFile(filepath.Join(dir, name), files[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}

const embedGo = `// Code generated by go run ../cmd/fixturegen -out .; DO NOT EDIT.

// Package fixtures holds the reference scenario of SPEC §1: regional
// submissions of Bengkulu province (17) as of 2020-06-30 for the election
// of 2020-12-09, and the blank stock. README.md lists what was planted and
// the outputs a correct run must produce. Regenerate with go generate.
package fixtures

import "embed"

//go:generate go run ../cmd/fixturegen -out .

// Inputs holds the regional submissions, under "inputs/".
//
//go:embed inputs
var Inputs embed.FS

//go:embed stock.csv
var stock string

// Stock returns the stock file: one row per region, the provincial buffer
// in hand and the requested delivery.
func Stock() string { return stock }

// Dates of the reference scenario.
const (
	AsOf         = "2020-06-30"
	ElectionDate = "2020-12-09"
)
`
