package pipeline

import (
	"errors"
	"strings"
	"testing"
	"time"
)

type time0 = time.Time

func parseDay(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestConfigValidate(t *testing.T) {
	good := Config{AsOf: parseDay("2020-06-30"), ElectionDate: parseDay("2020-12-09"), OutDir: "out"}
	if err := good.Validate(); err != nil {
		t.Fatalf("good config: %v", err)
	}
	bad := Config{AsOf: parseDay("2020-12-10"), ElectionDate: parseDay("2020-12-09"), Lang: "fr", BatchSize: -1, NameSim: 2}
	err := bad.Validate()
	if !errors.Is(err, ErrUsage) {
		t.Fatalf("err %v does not match ErrUsage", err)
	}
	for _, want := range []string{"--election-date: 2020-12-09 is before", "--lang", "--batch-size", "--name-threshold", "--out: missing"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}
