#!/usr/bin/env bash
# fuzz/smoke.sh SECONDS — runs every cargo-fuzz target for SECONDS (default 30), one at a time,
# starting from its committed seed corpus. A crash, leak, timeout or build failure fails the script.
# Without a nightly toolchain it says so and exits 0 (the stable replay in `cargo test` still ran
# every committed input); cargo-fuzz is installed when missing.
set -euo pipefail

seconds="${1:-30}"
case "$seconds" in
  '' | *[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;;
esac
cd "$(dirname "$0")"

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  echo "fuzz smoke: no nightly toolchain, skipped (rustup toolchain install nightly)"
  exit 0
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "fuzz smoke: installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

cargo +nightly fuzz build
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for target in $(cargo +nightly fuzz list); do
  echo "fuzz smoke: $target for ${seconds}s"
  # New inputs go to a scratch directory so the committed seed corpus stays as it is.
  mkdir -p "$work/$target"
  if ! cargo +nightly fuzz run "$target" "$work/$target" "corpus/$target" -- \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      >"$work/$target.log" 2>&1; then
    tail -n 40 "$work/$target.log" >&2
    echo "fuzz smoke: $target FAILED; the input is under fuzz/artifacts/$target/" >&2
    exit 1
  fi
  grep -E '^#[0-9]+[[:space:]]+DONE' "$work/$target.log" || tail -n 3 "$work/$target.log"
done
echo "fuzz smoke: every target ran ${seconds}s without a crash"
