#!/bin/sh
# Entry point of both images (docker/Dockerfile, Dockerfile.gpu): `entrypoint.sh ROLE [ARGS...]`.
#
# The root filesystem is read-only in production, so everything the JVMs write goes under DATA_DIR, a volume:
#   $DATA_DIR/tmp      java.io.tmpdir: whisper.cpp's and ONNX Runtime's libraries are unpacked there from the
#                      jar (once), the worker and its child processes talk over sockets there, and the worker
#                      gives its children XDG_CACHE_HOME=$DATA_DIR/tmp/scriptorium-cache (ONNX Runtime writes
#                      a device id under it)
#   $DATA_DIR/javacpp  JavaCPP's cache: the FFmpeg natives (about 65 MB), unpacked once per volume
# (STAGING_DIR and WORK_DIR, set in the image, are created by the application itself.)
# The options go into JAVA_TOOL_OPTIONS rather than onto the command line because the worker starts separate child
# JVMs, which inherit the environment but not the parent's flags. The volume may be empty or freshly mounted, so
# the directories are made here at every start, not at image build time.
set -eu

data="${DATA_DIR:-/var/lib/scriptorium}"
mkdir -p "$data/tmp" "$data/javacpp"
JAVA_TOOL_OPTIONS="-Djava.io.tmpdir=$data/tmp -Dorg.bytedeco.javacpp.cachedir=$data/javacpp ${JAVA_TOOL_OPTIONS:-}"
export JAVA_TOOL_OPTIONS

# JAVA_OPTS: options of this process's JVM only (heap size, GC), e.g. JAVA_OPTS="-Xmx1g".
# shellcheck disable=SC2086
exec java ${JAVA_OPTS:-} -jar /app/scriptorium.jar "$@"
