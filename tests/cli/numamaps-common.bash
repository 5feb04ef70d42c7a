# What every numamaps suite on the host starts with: bats-support,
# bats-assert, the tool behind $NUMAMIG_WRAPPER (make check-valgrind runs
# it under valgrind) and the four-node fixture machine.
load /usr/lib/bats/bats-support/load.bash
load /usr/lib/bats/bats-assert/load.bash

bats_require_minimum_version 1.5.0

numamaps() {
	${NUMAMIG_WRAPPER:-} "$top_builddir/tools/numamaps/numamaps" "$@"
}

four_nodes="$top_srcdir/tests/fixtures/sysroot/four-nodes"
export four_nodes
