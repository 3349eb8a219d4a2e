#!/usr/bin/env bash
# Leaflet, vendored from npm into static/vendor/leaflet/ (`make vendor`).
#
# The copied files are committed: `make run` and the tests never need npm or a
# CDN. This script fetches the pinned release with `npm pack`, checks the
# tarball against the checksum npm's registry publishes for it, and copies the
# built script, its source map (ManifestStaticFilesStorage follows the
# `sourceMappingURL` comment and refuses a missing target), the style sheet,
# its images and the licence.
set -euo pipefail

VERSION="1.9.4"
# `npm view leaflet@1.9.4 dist.shasum`
SHASUM="23fae724e282fa25745aff82ca4d394748db7d8d"
DEST="$(cd "$(dirname "$0")/.." && pwd)/static/vendor/leaflet"

command -v npm >/dev/null || { echo "npm is needed to vendor Leaflet." >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack "leaflet@${VERSION}" --silent >/dev/null)
tarball="$work/leaflet-${VERSION}.tgz"
echo "${SHASUM}  ${tarball}" | sha1sum --check --status || {
    echo "leaflet-${VERSION}.tgz does not match its published checksum." >&2
    exit 1
}
tar -xzf "$tarball" -C "$work"

rm -rf "$DEST"
mkdir -p "$DEST/images"
cp "$work/package/dist/leaflet.js" "$work/package/dist/leaflet.js.map" \
    "$work/package/dist/leaflet.css" "$work/package/LICENSE" "$DEST/"
cp "$work/package/dist/images/"*.png "$DEST/images/"
echo "Leaflet ${VERSION} copied to ${DEST#"$PWD"/}"
