#!/usr/bin/env bash
#
# download.sh - fetch a whisper.cpp ggml model and verify its SHA-256.
#
# Usage: models/download.sh NAME [DIR]
#
#   NAME  model name as used by whisper.cpp, e.g. base.en, small, large-v3-turbo
#         ("ggml-base.en.bin" is accepted too)
#   DIR   where to put ggml-NAME.bin (default: the directory of this script)
#
# The file is downloaded to DIR/ggml-NAME.bin.part, its SHA-256 is checked
# against SHA256SUMS, and only then is it renamed to DIR/ggml-NAME.bin.
# Running it again when the file is already there and verified does nothing.
#
# Environment:
#   WHISPER_MODEL_BASE_URL   where the files live (default: the whisper.cpp
#                            model repository on Hugging Face); for mirrors
#   WHISPER_MODEL_SHA256SUMS checksum file to verify against
#                            (default: SHA256SUMS next to this script)
#
# Exit status: 0 ok, 1 download/verification failure, 2 usage error.

set -euo pipefail

PROG=download.sh
SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
DEFAULT_BASE_URL=https://huggingface.co/ggerganov/whisper.cpp/resolve/main
BASE_URL=${WHISPER_MODEL_BASE_URL:-$DEFAULT_BASE_URL}
BASE_URL=${BASE_URL%/}
SUMS_FILE=${WHISPER_MODEL_SHA256SUMS:-$SCRIPT_DIR/SHA256SUMS}

# The ggml models published in the whisper.cpp Hugging Face repository.
MODELS="tiny tiny.en tiny-q5_1 tiny.en-q5_1 tiny-q8_0 tiny.en-q8_0
base base.en base-q5_1 base.en-q5_1 base-q8_0 base.en-q8_0
small small.en small-q5_1 small.en-q5_1 small-q8_0 small.en-q8_0
medium medium.en medium-q5_0 medium.en-q5_0 medium-q8_0 medium.en-q8_0
large-v1 large-v2 large-v2-q5_0 large-v2-q8_0 large-v3 large-v3-q5_0
large-v3-turbo large-v3-turbo-q5_0 large-v3-turbo-q8_0"

say() { printf '%s\n' "$*"; }
err() { printf '%s: %s\n' "$PROG" "$*" >&2; }

list_models() {
    say "Valid model names:"
    printf '%s\n' "$MODELS" | sed 's/^/  /'
    say "(.en = English-only, -q5_0/-q5_1/-q8_0 = quantized, smaller and faster)"
}

usage() {
    say "Usage: $PROG NAME [DIR]"
    say "Downloads ggml-NAME.bin into DIR (default: the directory of this script),"
    say "verifying its SHA-256 against SHA256SUMS. Example: $PROG base.en"
    say ""
    list_models
}

is_known_model() {
    local m
    for m in $MODELS; do
        if [ "$m" = "$1" ]; then
            return 0
        fi
    done
    return 1
}

# Print the SHA-256 of a file (lower-case hex).
sha256_of() {
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum <"$1" | cut -d' ' -f1
    elif command -v shasum >/dev/null 2>&1; then
        shasum -a 256 <"$1" | cut -d' ' -f1
    else
        return 1
    fi
}

# Print the expected SHA-256 of a file name from the sums file, or nothing.
expected_sha256() {
    awk -v f="$1" '
        NF >= 2 && $1 !~ /^#/ {
            n = $2; sub(/^\*/, "", n)
            if (n == f) { print tolower($1); exit }
        }' "$SUMS_FILE"
}

# Pick the download tool: curl if present, else wget.
downloader() {
    if command -v curl >/dev/null 2>&1; then
        echo curl
    elif command -v wget >/dev/null 2>&1; then
        echo wget
    fi
}

# Set FETCH_CMD to the command that downloads URL to OUT with TOOL
# (curl or wget); both exit non-zero on network and HTTP errors.
set_fetch_cmd() {
    local tool=$1 url=$2 out=$3
    if [ "$tool" = curl ]; then
        FETCH_CMD=(curl --fail --location --show-error --connect-timeout 20)
        if [ -t 2 ]; then FETCH_CMD+=(--progress-bar); else FETCH_CMD+=(--silent); fi
        FETCH_CMD+=(--output "$out" "$url")
    else
        FETCH_CMD=(wget --timeout=20 --tries=1)
        if [ -t 2 ]; then FETCH_CMD+=(--quiet --show-progress); else FETCH_CMD+=(--no-verbose); fi
        FETCH_CMD+=(--output-document="$out" "$url")
    fi
}

# --- arguments ---------------------------------------------------------------

if [ "$#" -eq 1 ] && { [ "$1" = "-h" ] || [ "$1" = "--help" ]; }; then
    usage
    exit 0
fi
if [ "$#" -lt 1 ] || [ "$#" -gt 2 ] || [ -z "$1" ]; then
    usage >&2
    exit 2
fi

name=$1
name=${name#ggml-}
name=${name%.bin}
if ! is_known_model "$name"; then
    err "unknown model '$1'."
    list_models >&2
    exit 2
fi

dir=${2:-$SCRIPT_DIR}
file=ggml-$name.bin
dest=$dir/$file
url=$BASE_URL/$file

# --- expected checksum -------------------------------------------------------

if [ ! -r "$SUMS_FILE" ]; then
    err "checksum file $SUMS_FILE is missing or unreadable."
    exit 1
fi
expected=$(expected_sha256 "$file")
if [ -z "$expected" ]; then
    err "no checksum is known for $file (not listed in $SUMS_FILE);" \
        "refusing to download a model that cannot be verified." \
        "Put the file in $dir/ by hand or set WHISPER_MODEL to its path."
    exit 1
fi
case $expected in
    *[!0-9a-f]*) bad=1 ;;
    *) bad=$(( ${#expected} != 64 )) ;;
esac
if [ "$bad" -ne 0 ]; then
    err "the checksum listed for $file in $SUMS_FILE is not a SHA-256: $expected"
    exit 1
fi

# --- tools -------------------------------------------------------------------

if ! command -v sha256sum >/dev/null 2>&1 && ! command -v shasum >/dev/null 2>&1; then
    err "neither sha256sum nor shasum is installed; cannot verify models."
    exit 1
fi

# --- target directory ----------------------------------------------------------

if ! mkdir -p -- "$dir" 2>/dev/null || [ ! -w "$dir" ]; then
    err "cannot write to directory $dir."
    exit 1
fi
dir=$(cd -- "$dir" && pwd -P)
dest=$dir/$file

# --- already there? -----------------------------------------------------------

if [ -e "$dest" ]; then
    if [ ! -f "$dest" ]; then
        err "$dest exists but is not a regular file."
        exit 1
    fi
    actual=$(sha256_of "$dest")
    if [ "$actual" = "$expected" ]; then
        say "$dest is already present and its sha256 matches; nothing to do."
        exit 0
    fi
    err "$dest exists but its sha256 does not match $SUMS_FILE" \
        "(expected $expected, actual $actual)." \
        "Move or delete it, then run this again."
    exit 1
fi

# --- download to a .part file, verify, rename ---------------------------------

tool=$(downloader)
if [ -z "$tool" ]; then
    err "neither curl nor wget is installed; cannot download $file." \
        "Put the file in $dir/ by hand or set WHISPER_MODEL to its path."
    exit 1
fi
part=$dest.part
fetch_pid=
cleanup() {
    if [ -n "${part:-}" ]; then
        rm -f -- "$part"
    fi
}
on_signal() {
    # Stop the download too, not only this script.
    if [ -n "${fetch_pid:-}" ]; then
        kill "$fetch_pid" 2>/dev/null || true
        wait "$fetch_pid" 2>/dev/null || true
    fi
    exit "$1"
}
trap cleanup EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM
rm -f -- "$part"

say "Downloading $file from $url (using $tool)"
set_fetch_cmd "$tool" "$url" "$part"
# Run it in the background and wait, so that a signal reaches our trap at once.
"${FETCH_CMD[@]}" &
fetch_pid=$!
status=0
wait "$fetch_pid" || status=$?
fetch_pid=
if [ "$status" -ne 0 ] || [ ! -f "$part" ]; then
    err "could not download $file from $url" \
        "(are you offline, is the host unreachable, or is the file missing there?" \
        "$tool exit status $status)." \
        "Put the file in $dir/ by hand or set WHISPER_MODEL to its path."
    exit 1
fi

say "Verifying sha256 of $file"
actual=$(sha256_of "$part")
if [ "$actual" != "$expected" ]; then
    err "checksum mismatch for $file downloaded from $url:" \
        "expected sha256 $expected, actual $actual." \
        "The download was deleted; try again, or check WHISPER_MODEL_BASE_URL."
    exit 1
fi

mv -f -- "$part" "$dest"
part=
say "OK: $dest (sha256 $actual)"
if [ "$file" != "ggml-base.en.bin" ] || [ "$dir" != "$SCRIPT_DIR" ]; then
    say "The service looks for models/ggml-base.en.bin by default;" \
        "to use this model set WHISPER_MODEL=$dest"
fi
