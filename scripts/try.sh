#!/usr/bin/env bash
# The main job on a bare machine: set up, build, and check an example patch.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh normal
echo "+ build/mdc check examples/keyboard_split.mdp"
build/mdc check examples/keyboard_split.mdp && echo "examples/keyboard_split.mdp: ok"
