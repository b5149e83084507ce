#!/usr/bin/env bash
# The repository tests itself: no build file, script or test reads outside it (a clone with
# nothing beside it must run scripts/test green). Fails naming each reference to a folder
# outside the repository.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# The pattern is assembled so that this script does not name the project's sibling folder
# itself: the parent folder's shared/, the old REX_SHARED_DIR variable.
sibling="\\.\\./""shared"
hits="$(git ls-files -- CMakeLists.txt cmake scripts tests src fuzz bench tools .ci \
  | grep -v '^tests/self_contained.sh$' \
  | xargs grep -nE "${sibling}|REX_""SHARED_DIR" 2>/dev/null || true)"
if [[ -n "$hits" ]]; then
  echo "references outside the repository:" >&2
  echo "$hits" >&2
  exit 1
fi
echo "self-contained: no reference outside the repository"
