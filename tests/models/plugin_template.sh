#!/bin/sh
# tests/models/plugin_template.sh MESON BUILD_DIR SOURCE_DIR FIXTURE
# The out-of-tree plugin template, as a user would build it: install nabla
# into a temporary root, compile examples/plugin_template against it with
# pkg-config, and check that the installed nabla loads and trains it.
set -eu
MESON=$1 BUILD=$2 SRC=$3 FIXTURE=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$MESON" install -C "$BUILD" --no-rebuild --quiet --destdir "$tmp/root" >/dev/null
pc=$(find "$tmp/root" -name nabla.pc | head -n 1)
lib=$(dirname "$(find "$tmp/root" -name 'libnabla.so.0' | head -n 1)")
nabla=$(find "$tmp/root" -path '*/bin/nabla' | head -n 1)
export PKG_CONFIG_PATH="$(dirname "$pc")" PKG_CONFIG_SYSROOT_DIR="$tmp/root"
test -n "$(pkg-config --variable=plugindir nabla)"
mkdir "$tmp/plugins"
cc -O2 -Wall -Wextra -Wpedantic -Werror -std=c11 -shared -fPIC "$SRC/examples/plugin_template/nearest_centroid.c" \
   $(pkg-config --cflags --libs nabla) -o "$tmp/plugins/nearest_centroid.so"
export LD_LIBRARY_PATH="$lib" NABLA_PLUGIN_PATH="$tmp/plugins"
"$nabla" plugins | grep -q '^nearest_centroid 1.0.0'
"$nabla" plugins | grep -q 'refused' && { echo "unexpected refusal:"; "$nabla" plugins; exit 1; }
"$nabla" train --model nearest_centroid --data "$FIXTURE" --target Survived \
    --drop PassengerId,Name,Ticket,Cabin --cv 3 --save "$tmp/m.safetensors" | grep -q '3-fold'
"$nabla" predict --model "$tmp/m.safetensors" --data "$FIXTURE" | head -n 1 | grep -q '^Survived$'
echo "the template plugin builds against the installed nabla and loads"
