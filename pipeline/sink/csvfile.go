package sink

import (
	"context"
	"encoding/csv"
)

// csvFile is a CSV output with a fixed header, created on first use so
// that an output with no rows still gets its header.
type csvFile struct {
	dir, name string
	header    []string
	out       *atomicFile
	w         *csv.Writer
	done      bool // closed or aborted
	committed bool // in place under its final name
}

// files lists the file once it is committed.
func (c *csvFile) files() []string {
	if c.committed {
		return []string{c.name}
	}
	return nil
}

// open creates the temporary file and writes the header, once.
func (c *csvFile) open() error {
	if c.done {
		return ErrClosed
	}
	if c.out != nil {
		return nil
	}
	out, err := createAtomic(c.dir, c.name)
	if err != nil {
		return err
	}
	c.out, c.w = out, csv.NewWriter(out)
	return c.write(c.header)
}

func (c *csvFile) write(record []string) error {
	if err := c.w.Write(record); err != nil {
		c.abort()
		return err
	}
	return nil
}

// close writes the header if nothing was written, then commits.
func (c *csvFile) close(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		c.abort()
		return err
	}
	if err := c.open(); err != nil {
		return err
	}
	c.w.Flush()
	if err := c.w.Error(); err != nil {
		c.abort()
		return err
	}
	c.done = true
	if err := c.out.commit(); err != nil {
		return err
	}
	c.committed = true
	return nil
}

func (c *csvFile) abort() {
	c.done = true
	c.out.abort()
}
