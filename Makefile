# readiness — make run: the nightly job on the embedded fixtures; make test: every test.
GO      ?= go
OUT     ?= out
FUZZTIME ?= 30s

.PHONY: all build run test vet fuzz bench fixtures clean

all: build

build:
	$(GO) build -o bin/readiness ./cmd/readiness

## run: set up (downloads the Go modules of go.mod) and run the main job on the embedded fixtures
run:
	$(GO) mod download
	$(GO) run ./cmd/readiness run --out $(OUT)

## test: vet and every test, race detector on
test:
	$(GO) mod download
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...

## fuzz: each fuzz target for FUZZTIME
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
	  for t in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "== $$pkg $$t"; $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$pkg; \
	  done; \
	done

## bench: the benchmarks
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

## fixtures: regenerate the reference-scenario fixtures (then review the diff)
fixtures:
	$(GO) run ./cmd/fixturegen -out fixtures

clean:
	rm -rf bin $(OUT)
