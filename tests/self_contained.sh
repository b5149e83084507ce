#!/usr/bin/env bash
# The repository tests itself: no build file, script or test reads outside it (a clone with
# nothing beside it must run scripts/test green). Fails naming each reference to a folder
# outside the repository.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# The pattern is assembled from pieces so that this script does not itself spell the sibling
# folder (the parent folder's notes) or the old variable that pointed at it.
sibling="\\.\\./""sha""red"
hits="$(git ls-files -- CMakeLists.txt cmake scripts tests src fuzz bench tools .ci \
  | grep -v '^tests/self_contained.sh$' \
  | xargs grep -nE "${sibling}|REX_""SHARED_DIR" 2>/dev/null || true)"
if [[ -n "$hits" ]]; then
  echo "references outside the repository:" >&2
  echo "$hits" >&2
  exit 1
fi
echo "self-contained: no reference outside the repository"
