#!/bin/sh
# make check: every guest suite on Debian's 6.1 kernel, as root and as an
# unprivileged user, as one TAP stream (see tests/vm/README.md).
exec "$top_srcdir/tests/vm/run" --kernel 6.1 --as both
