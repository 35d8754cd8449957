package transforms

// similarNames reports whether two normalised names are similar (SPEC §5).
// Temporary: replaced by the definition in names.go.
func similarNames(a, b string, threshold float64) bool { return jaroWinkler(a, b) >= threshold }
