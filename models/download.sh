#!/usr/bin/env bash
#
# download.sh - fetch a whisper.cpp ggml model, or the Silero VAD model,
# and verify its SHA-256.
#
# Usage: models/download.sh NAME [DIR]
#
#   NAME  model name as used by whisper.cpp, e.g. base.en, small, large-v3-turbo
#         ("ggml-base.en.bin" is accepted too), or silero-vad for the
#         Silero VAD v5 speech detection model ("silero_vad_v5.onnx" too)
#   DIR   where to put ggml-NAME.bin or silero_vad_v5.onnx
#         (default: the directory of this script)
#
# The file is downloaded to DIR/FILE.part, its SHA-256 is checked against
# SHA256SUMS, and only then is it renamed to DIR/FILE.
# Running it again when the file is already there and verified does nothing.
#
# silero_vad_v5.onnx comes from SILERO_VAD_URL if that is set; otherwise from
# the npm package @ricky0123/vad-web 0.0.31 (file dist/silero_vad_v5.onnx),
# through "npm pack" when npm is installed, else (or when npm fails) through
# the jsDelivr CDN, which serves that package's files.
#
# Environment:
#   WHISPER_MODEL_BASE_URL   where the files live (default: the whisper.cpp
#                            model repository on Hugging Face); for mirrors
#   WHISPER_MODEL_SHA256SUMS checksum file to verify against, for every NAME
#                            (default: SHA256SUMS next to this script)
#   SILERO_VAD_URL           download silero_vad_v5.onnx from this URL instead
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

# The Silero VAD v5 model (MIT, https://github.com/snakers4/silero-vad), as
# shipped in the npm package @ricky0123/vad-web.
VAD_NAME=silero-vad
VAD_FILE=silero_vad_v5.onnx
VAD_NPM_SPEC=@ricky0123/vad-web@0.0.31
VAD_NPM_PATH=package/dist/$VAD_FILE
VAD_CDN_URL=https://cdn.jsdelivr.net/npm/$VAD_NPM_SPEC/dist/$VAD_FILE

say() { printf '%s\n' "$*"; }
err() { printf '%s: %s\n' "$PROG" "$*" >&2; }

list_models() {
    say "Valid model names:"
    printf '%s\n' "$MODELS" | sed 's/^/  /'
    say "(.en = English-only, -q5_0/-q5_1/-q8_0 = quantized, smaller and faster)"
    say "Speech detection model:"
    say "  $VAD_NAME  (Silero VAD v5, downloaded as $VAD_FILE)"
}

usage() {
    say "Usage: $PROG NAME [DIR]"
    say "Downloads ggml-NAME.bin (or $VAD_FILE for NAME $VAD_NAME) into DIR"
    say "(default: the directory of this script), verifying its SHA-256 against"
    say "SHA256SUMS. Examples: $PROG base.en, $PROG $VAD_NAME"
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

# Download URL to $part with TOOL (curl or wget) and return its exit status.
# It runs in the background and we wait, so that a signal reaches our trap at
# once.
fetch_to_part() {
    local tool=$1 url=$2 rc=0
    set_fetch_cmd "$tool" "$url" "$part"
    "${FETCH_CMD[@]}" &
    fetch_pid=$!
    wait "$fetch_pid" || rc=$?
    fetch_pid=
    return "$rc"
}

# Fetch the npm package VAD_NPM_SPEC with "npm pack" into a temporary
# directory and extract VAD_NPM_PATH from it to $part. npm uses the registry
# it is configured for. Returns non-zero if any step fails.
fetch_vad_with_npm() {
    local rc=0 tgz f
    tmp_dir=$(mktemp -d "${TMPDIR:-/tmp}/silero-vad.XXXXXX") || return 1
    (cd -- "$tmp_dir" && exec npm pack --silent --ignore-scripts \
        --pack-destination "$tmp_dir" "$VAD_NPM_SPEC" >/dev/null) &
    fetch_pid=$!
    wait "$fetch_pid" || rc=$?
    fetch_pid=
    if [ "$rc" -ne 0 ]; then
        err "npm pack $VAD_NPM_SPEC failed (npm exit status $rc);" \
            "run it by hand to see npm's own error."
        return 1
    fi
    tgz=
    for f in "$tmp_dir"/*.tgz; do
        if [ -f "$f" ]; then tgz=$f; fi
    done
    if [ -z "$tgz" ]; then
        err "npm pack $VAD_NPM_SPEC left no .tgz file in $tmp_dir."
        return 1
    fi
    if ! tar -xzOf "$tgz" "$VAD_NPM_PATH" >"$part"; then
        err "could not extract $VAD_NPM_PATH from $(basename -- "$tgz")."
        return 1
    fi
    rm -rf -- "$tmp_dir"
    tmp_dir=
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
if [ "$name" = "$VAD_NAME" ] || [ "$name" = "$VAD_FILE" ]; then
    kind=vad
    file=$VAD_FILE
    model_var=VAD_MODEL
    url=
else
    kind=whisper
    name=${name#ggml-}
    name=${name%.bin}
    if ! is_known_model "$name"; then
        err "unknown model '$1'."
        list_models >&2
        exit 2
    fi
    file=ggml-$name.bin
    model_var=WHISPER_MODEL
    url=$BASE_URL/$file
fi

dir=${2:-$SCRIPT_DIR}
dest=$dir/$file

# --- expected checksum -------------------------------------------------------

if [ ! -r "$SUMS_FILE" ]; then
    err "checksum file $SUMS_FILE is missing or unreadable."
    exit 1
fi
expected=$(expected_sha256 "$file")
if [ -z "$expected" ]; then
    err "no checksum is known for $file (not listed in $SUMS_FILE);" \
        "refusing to download a model that cannot be verified." \
        "Put the file in $dir/ by hand or set $model_var to its path."
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
if [ "$kind" = whisper ] && [ -z "$tool" ]; then
    err "neither curl nor wget is installed; cannot download $file." \
        "Put the file in $dir/ by hand or set $model_var to its path."
    exit 1
fi
part=$dest.part
fetch_pid=
tmp_dir=
cleanup() {
    if [ -n "${part:-}" ]; then
        rm -f -- "$part"
    fi
    if [ -n "${tmp_dir:-}" ]; then
        rm -rf -- "$tmp_dir"
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

if [ "$kind" = whisper ]; then
    source_hint="or check WHISPER_MODEL_BASE_URL"
    say "Downloading $file from $url (using $tool)"
    status=0
    fetch_to_part "$tool" "$url" || status=$?
    if [ "$status" -ne 0 ] || [ ! -f "$part" ]; then
        err "could not download $file from $url" \
            "(are you offline, is the host unreachable, or is the file missing there?" \
            "$tool exit status $status)." \
            "Put the file in $dir/ by hand or set $model_var to its path."
        exit 1
    fi
elif [ -n "${SILERO_VAD_URL:-}" ]; then
    url=$SILERO_VAD_URL
    source_hint="or check SILERO_VAD_URL"
    if [ -z "$tool" ]; then
        err "SILERO_VAD_URL is set but neither curl nor wget is installed;" \
            "cannot download $file." \
            "Put the file in $dir/ by hand or set $model_var to its path."
        exit 1
    fi
    say "Downloading $file from $url (SILERO_VAD_URL, using $tool)"
    status=0
    fetch_to_part "$tool" "$url" || status=$?
    if [ "$status" -ne 0 ] || [ ! -f "$part" ]; then
        err "could not download $file from $url (SILERO_VAD_URL)" \
            "(are you offline, is the host unreachable, or is the file missing there?" \
            "$tool exit status $status)." \
            "Put the file in $dir/ by hand or set $model_var to its path."
        exit 1
    fi
else
    got=0
    tried=
    if command -v npm >/dev/null 2>&1 && command -v tar >/dev/null 2>&1; then
        url="npm package $VAD_NPM_SPEC"
        source_hint="or check which registry npm uses (npm config get registry)"
        say "Fetching $file from the $url (dist/$VAD_FILE, using npm pack)"
        if fetch_vad_with_npm; then
            got=1
        else
            rm -f -- "$part"
            tried="npm pack $VAD_NPM_SPEC failed; "
            if [ -n "$tool" ]; then
                say "npm did not work; trying $VAD_CDN_URL instead."
            fi
        fi
    fi
    if [ "$got" -eq 0 ]; then
        url=$VAD_CDN_URL
        source_hint="or set SILERO_VAD_URL to another copy"
        if [ -z "$tool" ]; then
            err "${tried}neither npm nor curl nor wget can be used; cannot download $file." \
                "Put the file in $dir/ by hand or set $model_var to its path."
            exit 1
        fi
        say "Downloading $file from $url (using $tool)"
        status=0
        fetch_to_part "$tool" "$url" || status=$?
        if [ "$status" -ne 0 ] || [ ! -f "$part" ]; then
            err "${tried}could not download $file from $url" \
                "(are you offline, is the host unreachable, or is the file missing there?" \
                "$tool exit status $status)." \
                "Set SILERO_VAD_URL to another copy, or put the file in $dir/" \
                "by hand or set $model_var to its path."
            exit 1
        fi
    fi
fi

say "Verifying sha256 of $file"
actual=$(sha256_of "$part")
if [ "$actual" != "$expected" ]; then
    err "checksum mismatch for $file downloaded from $url:" \
        "expected sha256 $expected, actual $actual." \
        "The download was deleted; try again, $source_hint."
    exit 1
fi

mv -f -- "$part" "$dest"
part=
say "OK: $dest (sha256 $actual)"
if [ "$kind" = vad ]; then
    if [ "$dir" != "$SCRIPT_DIR" ]; then
        say "The service looks for models/$VAD_FILE by default;" \
            "to use this file set VAD_MODEL=$dest"
    fi
elif [ "$file" != "ggml-base.en.bin" ] || [ "$dir" != "$SCRIPT_DIR" ]; then
    say "The service looks for models/ggml-base.en.bin by default;" \
        "to use this model set WHISPER_MODEL=$dest"
fi
