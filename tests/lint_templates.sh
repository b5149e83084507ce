#!/usr/bin/env bash
# Runs cfn-lint (the CloudFormation linter on AWS's resource schemas; the machine image's
# Python ships it) over every golden template. Fails on any cfn-lint error; warnings are
# printed and listed in the closing notes with the reason they stay.
set -uo pipefail
golden_dir="$1"
if ! command -v cfn-lint >/dev/null 2>&1; then
  echo "cfn-lint is not installed: it comes with the machine image's Python 3.11 (cfn-lint 1.51)" >&2
  exit 1
fi
shopt -s nullglob
templates=("$golden_dir"/*.template.json)
if ((${#templates[@]} == 0)); then
  echo "no templates in $golden_dir" >&2
  exit 1
fi
status=0
for t in "${templates[@]}"; do
  cfn-lint --format parseable -- "$t"
  rc=$?
  # cfn-lint's exit code is a bit mask: 2 errors, 4 warnings, 8 informational.
  if (( rc & 2 )) || (( rc & 1 )); then
    echo "cfn-lint found errors in $t" >&2
    status=1
  fi
done
echo "cfn-lint: ${#templates[@]} templates checked"
exit $status
