package pipeline

// Manifest is manifest.json: what a run read, what it wrote and how every
// input row was accounted for (SPEC §8). Field names are stable: scripts
// and CI read them.
type Manifest struct {
	Tool         string            `json:"tool"`
	Version      string            `json:"version"`
	StartedAt    string            `json:"started_at"` // RFC 3339, UTC
	AsOf         string            `json:"as_of"`
	ElectionDate string            `json:"election_date"`
	PrintDays    int               `json:"print_days"`
	Settings     ManifestSettings  `json:"settings"`
	Inputs       []ManifestInput   `json:"inputs"`
	Outputs      []ManifestOutput  `json:"outputs"`
	Stages       []ManifestStage   `json:"stages"`
	Accounting   ManifestAccount   `json:"accounting"` // totals over every input
	WhatIf       []ManifestWhatIf  `json:"what_if,omitempty"`
	Errors       []string          `json:"errors,omitempty"` // inputs that could not be read, by file and sheet
	Extra        map[string]string `json:"extra,omitempty"`
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

// ManifestWhatIf answers "what if the incoming delivery arrives on date D"
// (SPEC §7); empty until the allocation lands.
type ManifestWhatIf struct {
	Arrives             string   `json:"arrives"`
	Quantity            int      `json:"quantity"`
	PrintableByElection int      `json:"printable_by_election"`
	ProjectedReadyPct   *float64 `json:"projected_ready_pct"`
	Note                string   `json:"note,omitempty"`
}
