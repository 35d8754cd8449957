//go:build unix

package main

import (
	"os/exec"
	"runtime"
	"syscall"
)

// peakRSS returns the peak resident set of a finished process in MB (the
// kernel's ru_maxrss: KiB on Linux, bytes on macOS).
func peakRSS(cmd *exec.Cmd) float64 {
	if cmd.ProcessState == nil {
		return 0
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0
	}
	if runtime.GOOS == "darwin" {
		return float64(ru.Maxrss) / (1 << 20)
	}
	return float64(ru.Maxrss) / 1024
}
