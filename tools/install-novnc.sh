#!/usr/bin/env bash
# Install the noVNC client that nova-novncproxy serves ([DEFAULT] web):
#
#   bash tools/install-novnc.sh DEST
#
# DEST gets noVNC's own release from the npm registry (@novnc/novnc, the
# noVNC project's package: core/ and vendor/, MPL-2.0, no dependencies),
# fetched with npm (which checks the tarball's integrity), and nova's
# console page nova/console/web/vnc_lite.html, also as vnc_auto.html (the
# page name of [vnc] novncproxy_base_url's default). The npm package holds
# the library only, no page. npm comes from Debian's npm package when it is
# missing. Nothing is done when DEST already holds this version and page;
# concurrent runs for the same DEST are serialised.
set -euo pipefail

NOVNC_VERSION=1.7.0
DEST=${1:?usage: install-novnc.sh DEST}
REPO=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
PAGE=$REPO/nova/console/web/vnc_lite.html

log() { echo "install-novnc: $*" >&2; }

mkdir -p "$(dirname "$DEST")"
exec 9>"$DEST.lock"
flock 9

if [ "$(cat "$DEST/.novnc-version" 2>/dev/null)" = "$NOVNC_VERSION" ] &&
        cmp -s "$PAGE" "$DEST/vnc_lite.html"; then
    exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
    log "installing npm (Debian)"
    DEBIAN_FRONTEND=noninteractive apt-get install -q -y --no-install-recommends npm </dev/null >&2
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
log "fetching @novnc/novnc@$NOVNC_VERSION"
(cd "$WORK" && npm pack --silent "@novnc/novnc@$NOVNC_VERSION" >/dev/null)
tar -xzf "$WORK"/novnc-novnc-"$NOVNC_VERSION".tgz -C "$WORK"
[ -f "$WORK/package/core/rfb.js" ] || { log "the package has no core/rfb.js"; exit 1; }

NEW=$WORK/novnc
mkdir "$NEW"
cp -r "$WORK/package/core" "$WORK/package/vendor" "$WORK/package/LICENSE.txt" \
    "$WORK/package/package.json" "$NEW/"
cp "$PAGE" "$NEW/vnc_lite.html"
cp "$PAGE" "$NEW/vnc_auto.html"
echo "$NOVNC_VERSION" >"$NEW/.novnc-version"
chmod -R a+rX "$NEW"
rm -rf "$DEST.old"
[ -e "$DEST" ] && mv "$DEST" "$DEST.old"
mv "$NEW" "$DEST"
rm -rf "$DEST.old"
log "noVNC $NOVNC_VERSION and nova's console page installed in $DEST"
