#!/usr/bin/env bash
# Builds the libFuzzer targets of Tests/Fuzz/FuzzTargets.swift and runs each for a bounded time.
#
#   Tests/Fuzz/run.sh [SECONDS] [TARGET...]      default: 20 seconds each, every target
#
# SwiftPM cannot link a libFuzzer executable itself (an executable target's renamed entry point
# collides with libFuzzer's main), so the modules are compiled by SwiftPM with the sanitizers and the
# object files linked here with `swiftc -sanitize=fuzzer,address`. Seeds: the fixtures and the sample
# inventory, copied into the target's corpus on each run. New inputs and crashes are written under
# .build-fuzz/, never into the repository. Exits non-zero on the first target that finds a crash.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-20}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(json cloudtrail flowlog policy inventory aggregates replay outwriter)

build=.build-fuzz
swift build -c release --build-path "$build" --target PerimeterFuzz \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library >/dev/null
bin=$(swift build -c release --build-path "$build" --show-bin-path)
# The objects of each module's current sources (its output file map), not every .o in the folder:
# a file moved or removed since an earlier build leaves a stale object behind.
objects=()
for module in JSONTape AWSModel IAMPolicy AWSLogs Yams Inventory PolicySynthesis Reporting Logging GRDB UsageStore PerimeterFuzz; do
    while IFS= read -r object; do objects+=("$object"); done < <(python3 -c '
import json, sys
for source, outputs in json.load(open(sys.argv[1])).items():
    if source and "object" in outputs: print(outputs["object"])' "$bin/$module.build/output-file-map.json")
done
# Yams's C parser (libyaml) is a C target: no output file map, its objects are the folder's.
objects+=("$bin"/CYaml.build/src/*.o)
# gold warns once per ASan helper symbol it cannot export; that is noise, errors still stop the script.
swiftc -sanitize=fuzzer,address "${objects[@]}" -lz -lsqlite3 -o "$bin/perimeter-fuzz" 2> >(grep -v "Cannot export local symbol" >&2)

seeds() {   # target -> seed files
    case "$1" in
        json|cloudtrail) find Tests/Fixtures/cloudtrail -type f -name '*.json' 2>/dev/null ;;
        flowlog) find Tests/Fixtures/flowlogs -type f ! -name '*.gz' 2>/dev/null ;;
        policy) find Tests/Fixtures/policies -type f 2>/dev/null ;;
        inventory) find SampleLogs/inventory Tests/Fixtures/policies Tests/Fixtures/inventory -type f 2>/dev/null ;;
        aggregates) find Tests/Fixtures/aggregates -type f ! -name '*.md' 2>/dev/null ;;
        replay) find Tests/Fixtures/policies -type f 2>/dev/null ;;
    esac
}

export SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0
for target in "${targets[@]}"; do
    work="$build/fuzz/$target"
    mkdir -p "$work/corpus" "$work/crashes"
    { seeds "$target" || true; } | while read -r f; do cp "$f" "$work/corpus/seed-$(cksum < "$f" | cut -d' ' -f1)"; done
    echo "fuzz $target: ${seconds}s"
    if ! PERIMETER_FUZZ_TARGET=$target "$bin/perimeter-fuzz" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
            -rss_limit_mb=2048 -artifact_prefix="$work/crashes/" -print_final_stats=1 "$work/corpus" > "$work/log.txt" 2>&1; then
        tail -40 "$work/log.txt"
        echo "fuzz $target: FAILED, crash inputs in $work/crashes/" >&2
        exit 1
    fi
    grep -E "stat::number_of_executed_units|stat::new_units_added" "$work/log.txt" | sed "s/^/  $target /"
done
