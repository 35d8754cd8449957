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
	good := DefaultConfig(parseDay("2020-06-30"))
	good.Projection = &Projection{ElectionDate: parseDay("2020-12-09")}
	if err := good.Validate(); err != nil {
		t.Fatalf("good config: %v", err)
	}
	if good.PrintDays() != 116 {
		t.Errorf("print days %d, want 116", good.PrintDays())
	}
	bad := Config{AsOf: parseDay("2020-12-10"), Projection: &Projection{ElectionDate: parseDay("2020-12-09")},
		Lang: "fr", BatchSize: -1, NameThreshold: 0, SpoolBudget: -1}
	err := bad.Validate()
	if !errors.Is(err, ErrUsage) {
		t.Fatalf("err %v does not match ErrUsage", err)
	}
	for _, want := range []string{"election date: 2020-12-09 is before", "report language", "batch size",
		"name threshold: 0 is outside (0, 1]", "unzip limit", "spool budget: -1 is negative"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}
