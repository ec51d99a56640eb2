#!/usr/bin/env bash
# A live run on a bare machine: starts a private JACK server with the dummy driver (no sound card
# needed), runs `mdc run --backend jack-rt --trace` on an example, plays a short note loop into it
# with JACK's own jack_midiseq, stops mdc with Ctrl-C (SIGINT) and the server. Needs a build.
set -euo pipefail
cd "$(dirname "$0")/.."
mdc=${MDC:-build/mdc}
patch=${1:-examples/keyboard_split.mdp}
export JACK_NO_START_SERVER=1 JACK_DEFAULT_SERVER=mdc-demo-$$
jackd -S -n "$JACK_DEFAULT_SERVER" -d dummy -r 48000 -p 256 >/dev/null 2>&1 &
jackd_pid=$!
trap 'kill "$jackd_pid" 2>/dev/null; wait "$jackd_pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do jack_lsp >/dev/null 2>&1 && break; sleep 0.05; done
echo "+ $mdc run --backend jack-rt --trace $patch   (on a private JACK dummy server)"
"$mdc" run --backend jack-rt --trace "$patch" &
mdc_pid=$!
for _ in $(seq 100); do jack_lsp 2>/dev/null | grep -q "^keyboard_split:keys$\|:in_1$" && break; sleep 0.05; done
target=$(jack_lsp 2>/dev/null | grep -v "^system:" | grep -m1 ":keys$\|:in_1$")
# Notes E2 (40, the bass zone) and C5 (72, the layer), a quarter second each, for one second.
jack_midiseq demo_keys 24000 0 40 6000 12000 72 6000 >/dev/null 2>&1 &
seq_pid=$!
for _ in $(seq 100); do jack_connect demo_keys:out "$target" 2>/dev/null && break; sleep 0.05; done
sleep 1
kill "$seq_pid"
kill -INT "$mdc_pid"
wait "$mdc_pid"
echo "mdc stopped cleanly (held notes released)"
