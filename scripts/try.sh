#!/usr/bin/env bash
# The main job on a bare machine: set up, build, check an example patch, then run it live on a
# private JACK dummy server that the demo starts and stops itself (scripts/live_demo.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh normal
echo "+ build/mdc check examples/keyboard_split.mdp"
build/mdc check examples/keyboard_split.mdp && echo "examples/keyboard_split.mdp: ok"
bash scripts/live_demo.sh examples/keyboard_split.mdp
