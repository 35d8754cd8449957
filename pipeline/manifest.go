package pipeline

// Manifest is manifest.json: what a run read, what it wrote and how every
// input row was accounted for (SPEC §8). Field names are stable: scripts
// and CI read them.
type Manifest struct {
	Tool         string           `json:"tool"`
	Version      string           `json:"version"`
	StartedAt    string           `json:"started_at"` // RFC 3339, UTC
	AsOf         string           `json:"as_of"`
	ElectionDate string           `json:"election_date"`
	PrintDays    int              `json:"print_days"`
	Settings     ManifestSettings `json:"settings"`
	Inputs       []ManifestInput  `json:"inputs"`
	Outputs      []ManifestOutput `json:"outputs"`
	// SkippedOutputs are the outputs --outputs left out.
	SkippedOutputs []string `json:"skipped_outputs,omitempty"`
	// Workbooks says what the workbooks had to adapt to Excel's limits.
	Workbooks  *ManifestWorkbooks `json:"workbooks,omitempty"`
	Stages     []ManifestStage    `json:"stages"`
	Accounting ManifestAccount    `json:"accounting"` // totals over every input
	WhatIf     *ManifestWhatIf    `json:"what_if,omitempty"`
	Ganda      *ManifestGanda     `json:"ganda,omitempty"`
	Errors     []string           `json:"errors,omitempty"` // inputs that could not be read, by file and sheet
	Extra      map[string]string  `json:"extra,omitempty"`

	// History is what a run with --history stored and compared.
	History *ManifestHistory `json:"history,omitempty"`
}

// ManifestWorkbooks is what the workbooks had to adapt to Excel's limits:
// lists continued on further sheets past 1,048,576 rows, texts cut at
// 32,767 characters (marked in the cell).
type ManifestWorkbooks struct {
	ContinuedSheets []string `json:"continued_sheets,omitempty"`
	CutTexts        int      `json:"cut_texts"`
}

// ManifestSettings echoes the run settings.
type ManifestSettings struct {
	Inputs        []string `json:"inputs"`
	Stock         string   `json:"stock"`
	Regions       string   `json:"regions"`
	Lang          string   `json:"lang"`
	BatchSize     int      `json:"batch_size"`
	NameThreshold float64  `json:"name_threshold"`
	Holidays      []string `json:"holidays,omitempty"`
}

// ManifestAccount is the nothing-lost accounting: RowsIn equals
// RowsInPersons + DuplicateRows + RowsRejected.
type ManifestAccount struct {
	RowsIn        int  `json:"rows_in"`
	RowsInPersons int  `json:"rows_in_persons"`
	DuplicateRows int  `json:"duplicate_rows"`
	RowsRejected  int  `json:"rows_rejected"`
	Balanced      bool `json:"balanced"`
}

// ManifestSheet is one sheet of an input.
type ManifestSheet struct {
	Name   string `json:"name"`
	Rows   int    `json:"rows"`
	Hidden bool   `json:"hidden,omitempty"` // hidden in the workbook, read like any other sheet
	Error  string `json:"error,omitempty"`
	// ErrorKind classifies Error for scripts: see ErrorKind.
	ErrorKind string `json:"error_kind,omitempty"`
}

// ManifestInput is one input file.
type ManifestInput struct {
	Path   string          `json:"path"`
	Size   int64           `json:"size"`
	SHA256 string          `json:"sha256"`
	Sheets []ManifestSheet `json:"sheets,omitempty"`
	Error  string          `json:"error,omitempty"`
	// ErrorKind classifies Error for scripts: see ErrorKind.
	ErrorKind string `json:"error_kind,omitempty"`
	ManifestAccount
}

// ManifestOutput is one output file.
type ManifestOutput struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// ManifestStage is one stage's totals over the run: the rows of each
// table it received and emitted (a table passing it by is in neither),
// the rejects and duplicates it marked itself, and its own time (not the
// time spent downstream of what it emitted). The stages' Rejected sum to
// the accounting's rows_rejected, their Duplicates to duplicate_rows.
type ManifestStage struct {
	Name       string         `json:"name"`
	In         map[string]int `json:"in"`
	Out        map[string]int `json:"out"`
	Rejected   int            `json:"rejected"`
	Duplicates int            `json:"duplicate_rows"`
	DurationMS float64        `json:"duration_ms"`
}

// ManifestWhatIf answers "what if the incoming deliveries arrive as
// planned?" (SPEC §7): the deliveries; the blanks of them that arrive too
// late for any region to print for someone waiting, and those beyond
// everyone waiting; and per region (the province last) the projection
// without and with them. Present when the stock file lists deliveries.
type ManifestWhatIf struct {
	Deliveries []ManifestDelivery     `json:"deliveries"`
	TooLate    int64                  `json:"delivery_too_late"`
	Surplus    int64                  `json:"delivery_surplus"`
	Regions    []ManifestWhatIfRegion `json:"regions"`
}

// ManifestDelivery is one incoming delivery to the provincial buffer.
type ManifestDelivery struct {
	Arrives  string `json:"arrives"`
	Quantity int    `json:"quantity"`
}

// ManifestWhatIfRegion is one row of the what-if table.
type ManifestWhatIfRegion struct {
	RegionCode           string   `json:"region_code"`
	RegionName           string   `json:"region_name"`
	DeliveryAllocation   int64    `json:"delivery_allocation"`
	PrintableByElection  int64    `json:"printable_by_election"`
	PrintableIfDelivered int64    `json:"printable_if_delivered"`
	ProjectedReadyPct    *float64 `json:"projected_ready_pct"`
	PctIfDelivered       *float64 `json:"projected_ready_pct_if_delivered"`
}

// ManifestGanda reports the search for K3 candidates (SPEC §5): the
// persons searched, those with a birth date (the only ones that can
// pair), the birth-date blocks they fall in and the largest, the pairs
// compared (within blocks only) and the candidate pairs found, all in
// candidates.csv.
type ManifestGanda struct {
	Persons         int64 `json:"persons"`
	PersonsCompared int64 `json:"persons_compared"`
	Blocks          int64 `json:"blocks"`
	LargestBlock    int64 `json:"largest_block"`
	Comparisons     int64 `json:"comparisons"`
	Candidates      int64 `json:"candidates"`
}
