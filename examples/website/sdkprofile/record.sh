#!/bin/sh
# Records the CORS profiles of the AWS SDK for JavaScript v3 in headless
# Chromium and writes them to cmd/s3cors/clients/aws-sdk-js-v3.json.
# Needs Node.js with npm, Go and Chromium (or CORS_E2E_CHROME).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/js"
npm ci --no-audit --no-fund
npx esbuild entry.js --bundle --format=iife --platform=browser --target=es2020 --outfile=dist/bundle.js
cd "$here/.."
SDKPROFILE_RECORD=1 go test -count=1 -run Record -v ./sdkprofile
