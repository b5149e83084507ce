#!/usr/bin/env bash
# ctest nag_golden_templates: cdk-nag's AwsSolutions pack on the staging and prod golden
# templates must find no unsuppressed error-level finding (besides the open ones that
# open_findings.json lists with their reason). The pinned npm packages live outside the
# source tree, in MODULES_DIR/node_modules (the first argument; ctest passes the build
# tree's nag/, where scripts/test runs `npm ci` with this folder's package-lock.json). Skips
# (exit 77) when Node.js or the packages are missing.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
golden="$here/../golden"
modules="${1:-$here}/node_modules"
if ! command -v node >/dev/null 2>&1; then
  echo "SKIPPED: Node.js is not installed (cdk-nag runs on Node.js 20 or later)"
  exit 77
fi
if [[ ! -d "$modules/cdk-nag" || ! -d "$modules/aws-cdk-lib" ]]; then
  echo "SKIPPED: the npm packages of tests/nag are not installed in $modules: run scripts/test, or"
  echo "  copy tests/nag/package*.json there and run 'npm ci'"
  exit 77
fi
export NODE_PATH="$modules"
exec node "$here/check_goldens.js" "staging=$golden/staging.template.json" \
  "prod=$golden/prod.template.json"
