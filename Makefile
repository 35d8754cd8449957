# readiness — make run: the nightly job on the embedded fixtures; make test: every test.
GO      ?= go
OUT     ?= out
FUZZTIME ?= 30s

# golangci-lint, pinned, built from source through the Go module proxy with
# the local Go (a prebuilt release or the install script may be built with
# an older Go than go.mod asks for). Installed once per version under bin/.
GOLANGCI_LINT_VERSION ?= v2.15.0
GOLANGCI_LINT := bin/golangci-lint-$(GOLANGCI_LINT_VERSION)/golangci-lint

.PHONY: all build run test vet lint fuzz bench fixtures clean

all: build

build:
	$(GO) build -o bin/readiness ./cmd/readiness

## run: set up (downloads the Go modules of go.mod) and run the main job on the embedded fixtures
run:
	$(GO) mod download
	$(GO) run ./cmd/readiness run --out $(OUT)

## test: vet, lint and every test, race detector on
test: $(GOLANGCI_LINT)
	$(GO) mod download
	$(GO) vet ./...
	$(GOLANGCI_LINT) run ./...
	$(GO) test -race -count=1 ./...

## lint: golangci-lint's default linters (errcheck, govet, ineffassign,
## staticcheck, unused); .golangci.yml lets tests leave errors unchecked
lint: $(GOLANGCI_LINT)
	$(GOLANGCI_LINT) run ./...

$(GOLANGCI_LINT):
	GOBIN=$(CURDIR)/$(@D) $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION)

## fuzz: each fuzz target for FUZZTIME, one at a time (-fuzz takes a single
## target); fails when a package does not build or a target fails. A bare
## "context deadline exceeded" as the time runs out, with no failing input
## written, is Go's end-of-fuzztime race (go.dev/issue/75804): reported, not
## a failure.
fuzz:
	@set -e; failed=; log=$$(mktemp); trap 'rm -f "$$log" "$$log.rc"' EXIT; \
	list=$$($(GO) test -list '^Fuzz' ./...) || { printf '%s\n' "$$list"; exit 1; }; \
	for pt in $$(printf '%s\n' "$$list" | awk '/^Fuzz/ { n[++c] = $$1 } /^ok / { for (i = 1; i <= c; i++) print $$2 ":" n[i]; c = 0 }'); do \
	  pkg=$${pt%%:*}; t=$${pt#*:}; \
	  echo "== $$pkg $$t"; \
	  rm -f "$$log.rc"; \
	  { rc=0; $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$pkg 2>&1 || rc=$$?; echo $$rc >"$$log.rc"; } | tee "$$log"; \
	  if [ "$$(cat "$$log.rc" 2>/dev/null)" != 0 ]; then \
	    if grep -qx '    context deadline exceeded' "$$log" && ! grep -q 'Failing input written' "$$log"; then \
	      echo "== $$pkg $$t: deadline race at the end of the run (go.dev/issue/75804), not a failure"; \
	    else failed="$$failed $$pkg.$$t"; fi; \
	  fi; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz: failed:$$failed"; exit 1; fi

## bench: generate benchmark inputs (CSV and xlsx of each size in
## BENCH_SIZES, with cmd/fixturegen -rows, under BENCH_DATA: never
## committed, reused while present), run the whole pipeline on each and
## print a table (rows/s, wall time, per-stage time, peak RSS) beside its
## peers timed in the same run (DuckDB from bench/duckdb on the same CSV;
## inflating the same workbooks); then the per-stage benchmarks with
## allocations. The 10M case is opt-in (it needs about 4 GB of disk):
##   make bench BENCH_SIZES="100000 1000000 10000000"
BENCH_SIZES ?= 100000 1000000
BENCH_DATA  ?= bench/data
bench:
	$(GO) run ./bench/run -sizes "$(BENCH_SIZES)" -data $(BENCH_DATA)
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 3x ./pipeline/... ./transforms/... ./bench

## fixtures: regenerate the reference-scenario fixtures (then review the diff)
fixtures:
	$(GO) run ./cmd/fixturegen -out fixtures

clean:
	rm -rf bin $(OUT)
