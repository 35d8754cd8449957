// Command duckdb is the peer make bench times beside readiness: DuckDB
// reading the same CSV submissions, keeping one row per NIK, counting
// persons per region and writing the persons as Parquet — the core of a
// readiness run without its rules. It lives in its own module so that the
// main module never depends on DuckDB (cgo, a bundled library of about
// 50 MB).
//
//	go run . -in ../data/csv-1000000 -out /tmp/peer
//
// It prints one JSON object: rows read, persons, regions, seconds.
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/duckdb/duckdb-go/v2" // registers the "duckdb" driver
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "duckdb peer:", err)
		os.Exit(1)
	}
}

// result is what the peer prints.
type result struct {
	Rows    int64   `json:"rows"`
	Persons int64   `json:"persons"`
	Regions int64   `json:"regions"`
	Seconds float64 `json:"seconds"`
}

func run(args []string) error {
	fl := flag.NewFlagSet("duckdb", flag.ContinueOnError)
	in := fl.String("in", "", "folder of CSV files (the canonical dialect of cmd/fixturegen -rows)")
	out := fl.String("out", "", "folder to write persons.parquet and summary.csv into")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if *in == "" || *out == "" {
		return errors.New("-in and -out are required")
	}
	if err := os.MkdirAll(*out, 0o700); err != nil {
		return err
	}
	quote := func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
	glob := quote(filepath.Join(*in, "*.csv"))
	start := time.Now()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := context.Background()
	var r result
	steps := []string{
		// Every column as text, as readiness reads them.
		`CREATE TEMP TABLE raw AS SELECT * FROM read_csv(` + glob + `, header = true, all_varchar = true)`,
		// One row per NIK: the latest request.
		`CREATE TEMP TABLE persons AS SELECT * FROM raw
		   QUALIFY row_number() OVER (PARTITION BY nik ORDER BY tanggal_pengajuan DESC) = 1`,
		`COPY persons TO ` + quote(filepath.Join(*out, "persons.parquet")) + ` (FORMAT parquet)`,
		`COPY (SELECT kabupaten_kota, count(*) AS persons FROM persons GROUP BY kabupaten_kota ORDER BY kabupaten_kota)
		   TO ` + quote(filepath.Join(*out, "summary.csv")) + ` (HEADER)`,
	}
	for _, q := range steps {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", strings.Fields(q)[0], err)
		}
	}
	if err := db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM raw), (SELECT count(*) FROM persons),
		(SELECT count(DISTINCT kabupaten_kota) FROM persons)`).Scan(&r.Rows, &r.Persons, &r.Regions); err != nil {
		return err
	}
	r.Seconds = time.Since(start).Seconds()
	return json.NewEncoder(os.Stdout).Encode(r)
}
