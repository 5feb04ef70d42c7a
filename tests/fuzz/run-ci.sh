#!/bin/sh
# make check: each fuzz target for 30 s, its crashes kept in the build dir.
FUZZ_DIR=${top_builddir:?}/tests/fuzz/work exec "$top_srcdir/tests/fuzz/run" 30
