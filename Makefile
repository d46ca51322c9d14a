# briefs: the two commands a newcomer needs are `make build` and `make test`.
GO      ?= go
BIN     := bin/briefs
FUZZTIME ?= 20s

.PHONY: build test bench fuzz serve check vet e2e clean

$(BIN): $(shell find cmd internal layouts -name '*.go' -o -name '*.html' -o -name '*.css' -o -name '*.svg' -o -name '*.ttf' -o -name '*.woff2') go.mod go.sum
	$(GO) build -o $(BIN) ./cmd/briefs

## build: build the sample site in content/ into public/
build: $(BIN)
	./$(BIN) build

## test: formatting, vet, staticcheck and every test with the race detector (browser,
## accessibility and HTML validation tests need chromium, node_modules and
## java; without them they skip, unless BRIEFS_E2E=require, and the last
## line of make test says what was skipped and how to install it)
test:
	@unformatted=$$(gofmt -l cmd internal layouts); if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...
	GOOS=windows $(GO) build ./... && GOOS=darwin $(GO) build ./...
	@skipped=$$(mktemp); status=0; \
	BRIEFS_E2E_SKIPPED=$$skipped $(GO) test -race -count=1 ./... || status=$$?; \
	if [ -s $$skipped ]; then \
	  echo; echo "!!! SKIPPED $$(cut -f1 $$skipped | sort -u | wc -l) browser, accessibility and HTML-validity tests (missing: $$(cut -f2 $$skipped | sed 's/ (.*//' | sort -u | paste -sd, - | sed 's/,/, /g')); install them with: sudo apt-get install chromium default-jre-headless && npm ci"; \
	fi; rm -f $$skipped; exit $$status

## bench: whole-site builds of 1,000 and 10,000 briefs, then the Go
## benchmarks (charts, OpenGraph, incremental rebuild, edit to reload). The
## whole-site builds go first: the Go benchmarks create and delete thousands
## of files, which slows creating files for a few minutes on this disk.
## BENCH_N=100000 make bench adds an opt-in run of that many briefs (one
## run of each step, corpus in BENCH_DIR: a tmpfs such as /dev/shm spares
## the disk 100,000 file creations and deletions).
BENCH_N   ?=
BENCH_DIR ?= .
bench:
	$(GO) run ./cmd/briefs-bench
	$(if $(BENCH_N),$(GO) run ./cmd/briefs-bench -sizes $(BENCH_N) -runs 1 -settle 0 -dir $(BENCH_DIR))
	$(GO) test -run '^$$' -bench . -benchmem ./internal/chart ./internal/ogimage ./internal/site ./internal/server ./internal/bench

## fuzz: run every fuzz target for FUZZTIME each
fuzz:
	@for t in FuzzParseLiteral FuzzParseExpr FuzzParseCheck; do $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) ./internal/figures || exit 1; done
	@for p in brief sec period; do $(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./internal/$$p || exit 1; done
	$(GO) test -run '^$$' -fuzz '^FuzzFastYAML$$' -fuzztime $(FUZZTIME) ./internal/brief
	@for t in FuzzRender FuzzProse; do $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) ./internal/markdown || exit 1; done
	$(GO) test -run '^$$' -fuzz '^FuzzChart$$' -fuzztime $(FUZZTIME) ./internal/chart
	$(GO) test -run '^$$' -fuzz '^FuzzValuePos$$' -fuzztime $(FUZZTIME) ./internal/chartspec
	$(GO) test -run '^$$' -fuzz '^FuzzDraw$$' -fuzztime $(FUZZTIME) ./internal/ogimage

## serve: preview with live reload on http://127.0.0.1:1313
serve: $(BIN)
	./$(BIN) serve --drafts

## check: validate every brief without writing
check: $(BIN)
	./$(BIN) check

clean:
	rm -rf bin public .public.briefs
