#!/usr/bin/env bash
# Regenerates tests/errors/*.expected and tests/warnings/*.expected from the current mdc. Review every diff before committing:
# the expected files pin the exact diagnostics users see.
set -eu
mdc=$(realpath "${1:-build/mdc}")
for dir in errors warnings; do
  (cd "$(dirname "$0")/$dir" && for f in *.mdp; do "$mdc" check "$f" 2> "${f%.mdp}.expected" >/dev/null || true; done)
done
