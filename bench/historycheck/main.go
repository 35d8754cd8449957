// Command historycheck reads a readiness history folder with DuckDB, the
// way an analyst would, and prints one CSV line per row of every stored
// run's summary:
//
//	go run . DIR
//
// It runs
//
//	SELECT … FROM read_parquet('DIR/*/summary.parquet', hive_partitioning = true)
//
// so the run date comes from the folder name (as_of=YYYY-MM-DD), typed
// DATE by DuckDB. It lives in its own module so that DuckDB (cgo, a large
// static library) never becomes a dependency of readiness itself; the
// test TestHistoryReadByDuckDB in cmd/readiness builds and runs it.
package main

import (
	"database/sql"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	_ "github.com/duckdb/duckdb-go/v2"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: historycheck DIR")
		os.Exit(2)
	}
	if err := check(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "historycheck:", err)
		os.Exit(1)
	}
}

func check(dir string) error {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return err
	}
	defer db.Close()
	glob := filepath.ToSlash(filepath.Join(dir, "*", "summary.parquet"))
	query := `SELECT typeof(as_of), CAST(as_of AS VARCHAR), region_code, region_name, blanks_needed, ready,
	                 CAST(projected_ready_pct AS VARCHAR)
	          FROM read_parquet('` + strings.ReplaceAll(glob, "'", "''") + `', hive_partitioning = true)
	          ORDER BY as_of, region_code`
	rows, err := db.Query(query)
	if err != nil {
		return err
	}
	defer rows.Close()
	w := csv.NewWriter(os.Stdout)
	if err := w.Write([]string{"as_of_type", "as_of", "region_code", "region_name", "blanks_needed", "ready", "projected_ready_pct"}); err != nil {
		return err
	}
	for rows.Next() {
		var typ, asOf, code, name string
		var blanks, ready int64
		var pct sql.NullString
		if err := rows.Scan(&typ, &asOf, &code, &name, &blanks, &ready, &pct); err != nil {
			return err
		}
		if err := w.Write([]string{typ, asOf, code, name, fmt.Sprint(blanks), fmt.Sprint(ready), pct.String}); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	w.Flush()
	return w.Error()
}
