# Frontline — GNU Make build.  `make` builds ./frontline, `make test` runs every test.
CC      ?= cc
PKGS    := libmicrohttpd jansson libsodium sqlite3 libpq gmime-3.0 libcurl libsystemd zlib
CSTD    := -std=c17 -D_GNU_SOURCE
WARN    := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-unused-parameter
CFLAGS  ?= -O2 -g
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm
INC     := -Isrc -Ibuild/gen -include base/banned.h

SRC     := $(wildcard src/base/*.c src/store/*.c src/core/*.c src/svc/*.c src/svc/*/*.c src/mail/*.c src/http/*.c src/cli/*.c)
MAIN    := src/main.c
EMBED_IN := $(sort $(wildcard migrations/sqlite/*.sql migrations/pg/*.sql api/*.json web/dist/*.* web/dist/assets/*))
GEN     := build/gen/embedded.c
# A service's routes and input specs are data (NAME.api.json beside NAME.c); tools/apigen turns each
# into build/gen/.../NAME.api.inc, which NAME.c includes.
API_JSON := $(wildcard src/svc/*.api.json src/svc/*/*.api.json)
API_INC  := $(API_JSON:src/%.api.json=build/gen/%.api.inc)

OBJ      := $(SRC:%.c=build/rel/%.o) build/rel/gen/embedded.o
OBJ_SAN  := $(SRC:%.c=build/san/%.o) build/san/gen/embedded.o
SAN      := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=build/san/tests/%)

.PHONY: all deps run test test-run bench bench-quick clean web fuzz fuzz-build fuzz-replay
all: frontline

deps:
	@scripts/deps.sh

# `make run`: install what is missing, build, load the demo and serve it on localhost.
run: deps
	@$(MAKE) --no-print-directory frontline
	@scripts/run-demo.sh

build/tools/embed: tools/embed.c
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) -O2 -o $@ $<

$(GEN): build/tools/embed $(EMBED_IN)
	@mkdir -p $(@D)
	build/tools/embed $@ $(EMBED_IN)

build/tools/apigen: tools/apigen.c
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) -O2 $(shell pkg-config --cflags jansson) -o $@ $< $(shell pkg-config --libs jansson)

build/gen/%.api.inc: src/%.api.json build/tools/apigen
	@mkdir -p $(@D)
	build/tools/apigen $< $@

# NAME.o of every build (rel, san, fuzz) needs its NAME.api.inc first, and again when it changes.
$(foreach j,$(API_JSON:src/%.api.json=%),$(eval build/rel/src/$(j).o build/san/src/$(j).o build/fuzz-obj/src/$(j).o: build/gen/$(j).api.inc))

build/rel/gen/embedded.o: $(GEN)
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(CFLAGS) -Isrc -c -o $@ $<
build/san/gen/embedded.o: $(GEN)
	@mkdir -p $(@D)
	$(CC) $(CSTD) -O1 -g -Isrc -c -o $@ $<

build/rel/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) $(CFLAGS) $(INC) $(PKG_CFLAGS) -MMD -MP -c -o $@ $<

build/san/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) -O1 -g $(SAN) $(INC) $(PKG_CFLAGS) -MMD -MP -c -o $@ $<

frontline: $(OBJ) build/rel/src/main.o
	$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS)

build/san/frontline: $(OBJ_SAN) build/san/src/main.o
	$(CC) $(SAN) -o $@ $^ $(PKG_LIBS)

build/san/tests/%: tests/unit/%.c tests/unit/harness.h $(OBJ_SAN)
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) -O1 -g $(SAN) $(INC) $(PKG_CFLAGS) -o $@ $< $(OBJ_SAN) $(PKG_LIBS)

# The iCalendar feed is checked by a real iCalendar library; only this test links libical.
build/san/tests/test_ical: tests/unit/test_ical.c tests/unit/harness.h $(OBJ_SAN)
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) -O1 -g $(SAN) $(INC) $(PKG_CFLAGS) -o $@ $< $(OBJ_SAN) $(PKG_LIBS) $(shell pkg-config --libs libical 2>/dev/null || echo -lical)

# Fuzzing (libFuzzer, clang): fuzz/NAME.c -> build/fuzz/NAME, linked with the project compiled by clang with
# coverage (fuzzer-no-link) and ASan+UBSan.  `make fuzz` runs each for FUZZ_SECONDS on fuzz/corpus/NAME/.
FUZZ_CC   ?= clang
FUZZ_SAN  := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
FUZZ_SRC  := $(wildcard fuzz/*.c)
FUZZ_BIN  := $(FUZZ_SRC:fuzz/%.c=build/fuzz/%)
OBJ_FUZZ  := $(SRC:%.c=build/fuzz-obj/%.o) build/fuzz-obj/gen/embedded.o
FUZZ_SECONDS ?= 60
.SECONDARY: $(OBJ_FUZZ)

build/fuzz-obj/gen/embedded.o: $(GEN)
	@mkdir -p $(@D)
	@echo "FUZZ-CC $<"
	@$(FUZZ_CC) $(CSTD) -O1 -g -Isrc -c -o $@ $<

build/fuzz-obj/%.o: %.c
	@mkdir -p $(@D)
	@echo "FUZZ-CC $<"
	@$(FUZZ_CC) $(CSTD) $(WARN) -O1 -g $(FUZZ_SAN) -fsanitize=fuzzer-no-link $(INC) $(PKG_CFLAGS) -MMD -MP -c -o $@ $<

build/fuzz/%: fuzz/%.c fuzz/fuzz.h $(OBJ_FUZZ)
	@mkdir -p $(@D)
	@echo "FUZZ-LD $@"
	@$(FUZZ_CC) $(CSTD) $(WARN) -O1 -g $(FUZZ_SAN) -fsanitize=fuzzer $(INC) $(PKG_CFLAGS) -o $@ $< $(OBJ_FUZZ) $(PKG_LIBS)

fuzz-build: $(FUZZ_BIN)

fuzz: $(FUZZ_BIN)
	@FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh $(FUZZ_BIN)

# Replay every corpus input and every crash ever found through its harness.
fuzz-replay: $(FUZZ_BIN)
	@scripts/fuzz-replay.sh

# The whole suite: unit tests (ASan+UBSan), then end-to-end tests against the sanitized binary.
test: deps
	@$(MAKE) --no-print-directory test-run

test-run: build/san/frontline frontline $(UNIT_BIN) $(if $(NO_FUZZ),,$(FUZZ_BIN))
	@scripts/run-tests.sh $(UNIT_BIN)

bench: deps
	@$(MAKE) --no-print-directory frontline
	@scripts/bench.sh

# `make bench-quick`: issue 14's table (every request type as a share of /healthz) in under 10 minutes
bench-quick: deps
	@$(MAKE) --no-print-directory frontline
	@BENCH_QUICK=1 scripts/bench.sh

# `make web`: rebuild the web UI into web/dist (committed, so plain `make` needs no node).
web:
	@cd web && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && node build.mjs

clean:
	rm -rf build frontline

-include $(shell find build -name '*.d' 2>/dev/null)
