package sink

import "readiness/pipeline"

// What the history (pipeline/history) shares with the output folder: the
// lock a run holds on a folder it writes, and the atomic swap of two
// folders.

// LockFile takes an exclusive lock on the file at path (created 0600),
// held until the returned function is called or the process ends,
// however it ends; the file holds the pid of the holder. Another holder
// makes it fail with an error matching pipeline.ErrLocked. OpenOutDir
// locks the output folder this way.
func LockFile(path string) (unlock func() error, err error) { return lockFile(path) }

// ExchangeDirs swaps two paths in one atomic step (Linux); where the
// platform cannot, it fails and the caller falls back to two renames, as
// OutDir.Commit does.
func ExchangeDirs(a, b string) error { return exchange(a, b) }

// Unlisted wraps a sink writing outside the output folder (the history's
// day): Files reports nothing, so the manifest's outputs stay those of the
// output folder. The history lists its own files.
func Unlisted(s pipeline.Sink) pipeline.Sink { return unlisted{s} }

type unlisted struct{ pipeline.Sink }

func (unlisted) Files() []string { return nil }
