# readiness — make run: the nightly job on the embedded fixtures; make test: every test.
GO      ?= go
OUT     ?= out
FUZZTIME ?= 30s
PREVIEW ?= preview

# golangci-lint, pinned, built from source through the Go module proxy with
# the local Go (a prebuilt release or the install script may be built with
# an older Go than go.mod asks for). Installed once per version under bin/.
GOLANGCI_LINT_VERSION ?= v2.15.0
GOLANGCI_LINT := bin/golangci-lint-$(GOLANGCI_LINT_VERSION)/golangci-lint

.PHONY: all build run test vet lint clients preview fuzz bench fixtures clean

all: build

build:
	$(GO) build -o bin/readiness ./cmd/readiness

## run: set up (downloads the Go modules of go.mod) and run the main job on the embedded fixtures
run:
	$(GO) mod download
	$(GO) run ./cmd/readiness run --out $(OUT)

## test: vet, lint and every test, race detector on; the workbooks are
## checked in real spreadsheet programs (see clients)
test: $(GOLANGCI_LINT) clients
	$(GO) mod download
	$(GO) vet ./...
	$(GOLANGCI_LINT) run ./...
	READINESS_REQUIRE_SOFFICE=1 READINESS_REQUIRE_PYTHON=1 $(GO) test -race -count=1 -timeout 30m ./...

## lint: golangci-lint's default linters (errcheck, govet, ineffassign,
## staticcheck, unused); .golangci.yml lets tests leave errors unchecked
lint: $(GOLANGCI_LINT)
	$(GOLANGCI_LINT) run ./...

$(GOLANGCI_LINT):
	GOBIN=$(CURDIR)/$(@D) $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION)

## clients: the spreadsheet programs the tests open the workbooks with —
## LibreOffice (with Carlito, Calibri's metrics), openpyxl, poppler for
## preview — from Debian's packages, installed only when missing (about
## 3 minutes and 400 MB on a fresh machine; needs root or sudo)
CLIENT_PKGS := libreoffice-calc-nogui fonts-crosextra-carlito python3-openpyxl python3-xlsxwriter poppler-utils
clients:
	@if command -v soffice >/dev/null && command -v pdftoppm >/dev/null && \
	    /usr/bin/python3 -c 'import openpyxl, xlsxwriter' 2>/dev/null && fc-list 2>/dev/null | grep -q Carlito; then :; else \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  echo "installing $(CLIENT_PKGS)"; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $(CLIENT_PKGS) >/dev/null; \
	fi

## preview: the workbooks of the fixture run as PNG pages (LibreOffice →
## PDF → pdftoppm) in $(PREVIEW), to look at before a change lands
preview: clients
	$(GO) run ./cmd/readiness run --out $(OUT)
	rm -rf $(PREVIEW) && mkdir -p $(PREVIEW)
	HOME=$$(mktemp -d) soffice --headless --norestore --convert-to pdf --outdir $(PREVIEW) $(OUT)/report.xlsx "$(OUT)/regions/1771 KOTA BENGKULU.xlsx" >/dev/null
	cd $(PREVIEW) && for pdf in *.pdf; do pdftoppm -png -r 70 -l 3 "$$pdf" "$${pdf%.pdf}"; done
	@ls $(PREVIEW)

## trend-picture: docs/trend.png, the Tren sheet after six fortnightly
## nights with --history, rendered by LibreOffice
.PHONY: trend-picture
trend-picture: clients
	sh docs/trend-picture.sh

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
