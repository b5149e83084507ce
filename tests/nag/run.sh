#!/usr/bin/env bash
# ctest nag_golden_templates: cdk-nag's AwsSolutions pack on the staging and prod golden
# templates must find no unsuppressed error-level finding (besides the open ones that
# open_findings.json lists with their reason). Skips (exit 77) when Node.js or the pinned npm
# packages are missing: `npm ci` in tests/nag installs them (scripts/test does when npm is
# there).
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
golden="$here/../golden"
if ! command -v node >/dev/null 2>&1; then
  echo "SKIPPED: Node.js is not installed (cdk-nag runs on Node.js 20 or later)"
  exit 77
fi
if [[ ! -d "$here/node_modules/cdk-nag" || ! -d "$here/node_modules/aws-cdk-lib" ]]; then
  echo "SKIPPED: the npm packages of tests/nag are not installed: run 'npm ci' in tests/nag"
  exit 77
fi
exec node "$here/check_goldens.js" "staging=$golden/staging.template.json" \
  "prod=$golden/prod.template.json"
