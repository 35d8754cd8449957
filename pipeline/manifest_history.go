package pipeline

// ManifestHistory is what a run with --history stored and compared.
type ManifestHistory struct {
	Dir  string `json:"dir"`
	AsOf string `json:"as_of"` // the day stored: DIR/as_of=AS_OF
	// ComparedWith is the as-of date of the latest earlier run, which the
	// deltas compare with; empty when the history held none.
	ComparedWith string `json:"compared_with,omitempty"`
	// Trend lists the run dates of the trend sheet, oldest first, this
	// run's last.
	Trend []string `json:"trend"`
	// Changes counts deltas.csv's rows by kind of change (every kind,
	// zeros included).
	Changes map[string]int `json:"changes"`
	// Files are the day's files but the manifest, with size and SHA-256.
	Files []ManifestOutput `json:"files"`
	// Damaged are stored days that could not be read: left out of the
	// trend and the deltas (a person should look at them).
	Damaged []string `json:"damaged,omitempty"`
	// Replaced describes the stored day of the same date this run
	// replaced; absent when there was none.
	Replaced *ManifestReplaced `json:"replaced,omitempty"`
}

// ManifestReplaced is the stored day a run replaced: when it ran and how
// its inputs differ from this run's (by path and SHA-256), so that a
// different input for the same date shows.
type ManifestReplaced struct {
	StartedAt     string   `json:"started_at"`
	SameInputs    bool     `json:"same_inputs"`
	InputsAdded   []string `json:"inputs_added,omitempty"`   // in this run only
	InputsRemoved []string `json:"inputs_removed,omitempty"` // in the replaced run only
	InputsChanged []string `json:"inputs_changed,omitempty"` // in both, with different content
}

// CompareInputs describes how the inputs of a replaced run differ from
// now's.
func CompareInputs(before, now []ManifestInput) *ManifestReplaced {
	r := &ManifestReplaced{}
	was := map[string]string{}
	for _, in := range before {
		was[in.Path] = in.SHA256
	}
	for _, in := range now {
		sum, ok := was[in.Path]
		switch {
		case !ok:
			r.InputsAdded = append(r.InputsAdded, in.Path)
		case sum != in.SHA256:
			r.InputsChanged = append(r.InputsChanged, in.Path)
		}
		delete(was, in.Path)
	}
	for _, in := range before {
		if _, ok := was[in.Path]; ok {
			r.InputsRemoved = append(r.InputsRemoved, in.Path)
		}
	}
	r.SameInputs = len(r.InputsAdded)+len(r.InputsRemoved)+len(r.InputsChanged) == 0
	return r
}
