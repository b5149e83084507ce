#!/usr/bin/env bash
# cfn-lint over every *.template.json of a directory, stricter than lint_templates.sh: any
# error or warning fails (informational findings are printed only). For templates rex deploys
# as they are, such as the bootstrap stack's (tests/golden/bootstrap).
set -uo pipefail
dir="$1"
if ! command -v cfn-lint >/dev/null 2>&1; then
  echo "cfn-lint is not installed: it comes with the machine image's Python 3.11 (cfn-lint 1.51)" >&2
  exit 1
fi
shopt -s nullglob
templates=("$dir"/*.template.json)
if ((${#templates[@]} == 0)); then
  echo "no templates in $dir" >&2
  exit 1
fi
status=0
for t in "${templates[@]}"; do
  cfn-lint --format parseable -- "$t"
  rc=$?
  # cfn-lint's exit code is a bit mask: 1 fatal, 2 errors, 4 warnings, 8 informational.
  if (( rc & 7 )); then
    echo "cfn-lint found errors or warnings in $t" >&2
    status=1
  fi
done
echo "cfn-lint (errors and warnings fail): ${#templates[@]} templates checked"
exit $status
