#!/bin/sh
# Installs the Debian packages xrsim builds and tests with, and nothing
# when they are all present already.  Used by `make run` and `make test`.
# OpenMPI (openmpi-bin, libopenmpi-dev) is for the MPI build of
# `xrsim sweep` that `make` turns on when it finds mpicc; XRSIM_NO_MPI=1
# leaves it out (the build is then without MPI).  Chromium (headless) and a
# font are for the browser test of the HTML reports (tests/browser);
# XRSIM_NO_BROWSER=1 leaves them out (that test then reports itself skipped).
set -eu
PKGS="cmake make gcc pkg-config libgsl-dev libsqlite3-dev libyaml-dev libcmocka-dev libsecp256k1-dev sqlite3"
if [ "${XRSIM_NO_MPI:-0}" != 1 ]; then
    PKGS="$PKGS openmpi-bin libopenmpi-dev"
fi
if [ "${XRSIM_NO_BROWSER:-0}" != 1 ]; then
    PKGS="$PKGS chromium fonts-dejavu-core"
fi
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "xrsim: installing missing packages:$missing"
SUDO=""
if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "xrsim: need root or sudo to install:$missing" >&2; exit 1; }
    SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
