#!/usr/bin/env bash
# Long fuzz runs of the four targets in tests/integration/fuzz.rs (page
# files, Markdown bodies, linju.yaml, photo bytes), release build.
#
#   bench/fuzz.sh [SECONDS_PER_TARGET] [SEED]     (default 1800 s, fixed seed)
#
# Targets run one after another on one core (THREADS=2 for two at once).
# Inputs that panic, hang or are refused without a place are saved under
# target/fuzz-failures/; the summary lines are "fuzz NAME: N inputs, F failures".
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-1800}
seed=${2:-11400714819323198485}
LINJU_FUZZ_SECONDS=$seconds LINJU_FUZZ_SEED=$seed \
  cargo test --release --test integration fuzz:: -- --nocapture --test-threads "${THREADS:-1}" 2>&1 \
  | grep -E '^fuzz |^test |failures|saved as|panicked'
