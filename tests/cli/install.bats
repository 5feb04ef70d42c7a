#!/usr/bin/env bats
# "make install" from this build tree into a scratch DESTDIR: every
# program, the library with its symbol version, the header, numamig.pc,
# the manual pages and the completions land where the Makefile says, a
# program builds against the installed library through pkg-config and
# runs, and "make uninstall" takes it all away again.

load /usr/lib/bats/bats-support/load.bash
load /usr/lib/bats/bats-assert/load.bash

# This file runs inside "make check": the make below is a new one, not a
# child of that make's job server, and its command-line variables
# (TESTS=...) must not leak in.
build_make() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES \
		make --no-print-directory -C "$top_builddir" "$@"
}

# The value of a variable of the build's Makefile, fully expanded (marked,
# since make may first regenerate the Makefile and say so on stdout).
make_value() {
	printf 'print-make-value:\n\t@echo "make-value: $(%s)"\n' "$1" |
		build_make -s -f Makefile -f - print-make-value | sed -n 's/^make-value: //p'
}

setup_file() {
	export DESTINATION="$BATS_FILE_TMPDIR/root"
	build_make -s install DESTDIR="$DESTINATION" >"$BATS_FILE_TMPDIR/install.log" 2>&1 ||
		{ cat "$BATS_FILE_TMPDIR/install.log" >&3; return 1; }
}

setup() {
	libdir=$DESTINATION$(make_value libdir)
	export PKG_CONFIG_PATH=$DESTINATION$(make_value pkgconfigdir)
	export PKG_CONFIG_SYSROOT_DIR=$DESTINATION
	export LD_LIBRARY_PATH=$libdir
}

@test "every program is installed and runs against the installed library" {
	programs=$(make_value bin_PROGRAMS)
	[ -n "$programs" ]
	for directory in bindir sbindir; do
		case "$directory" in
		bindir) list=$(make_value bin_PROGRAMS) ;;
		sbindir) list=$(make_value sbin_PROGRAMS) ;;
		esac
		for program in $list; do
			installed=$DESTINATION$(make_value "$directory")/${program##*/}
			[ -x "$installed" ] || fail "'$installed' is not installed"
			run "$installed" --version
			assert_success
			assert_output --partial "$(make_value PACKAGE_VERSION)"
			run ldd "$installed"
			assert_output --partial "$libdir/libnumamig.so"
		done
	done
}

@test "the library exports only numamig_ symbols, all versioned NUMAMIG_0.1" {
	library=$(readlink -f "$libdir/libnumamig.so")
	[ -f "$library" ]
	[ -e "$libdir/libnumamig.so.0" ]
	exported=$(readelf --dyn-syms --wide "$library" |
		awk '$5 == "GLOBAL" && $7 != "UND" { print $8 }')
	[ -n "$exported" ]
	echo "$exported" | grep -qx 'numamig_version@@NUMAMIG_0.1'
	run grep -v -E '^(numamig_[a-z0-9_]+@@NUMAMIG_0\.1|NUMAMIG_0\.1(@@NUMAMIG_0\.1)?)$' <<<"$exported"
	assert_output ''
}

@test "the header and numamig.pc are installed" {
	[ -f "$DESTINATION$(make_value includedir)/numamig.h" ]
	run pkg-config --modversion numamig
	assert_success
	assert_output "$(make_value PACKAGE_VERSION)"
	run pkg-config --cflags --libs numamig
	assert_output --partial "-I$DESTINATION$(make_value includedir)"
	assert_output --partial "-lnumamig"
}

@test "a program builds with pkg-config --cflags --libs numamig and runs" {
	source=$BATS_TEST_TMPDIR/topology.c
	cat >"$source" <<-'EOF'
	#include <stdio.h>
	#include <string.h>
	#include <numamig.h>

	int
	main(void)
	{
		struct numamig_topology *topology;
		struct numamig_error error;
		char nodes[256];

		if (numamig_topology_load(NULL, &topology, &error) < 0) {
			fprintf(stderr, "topology: %s\n", error.message);
			return 1;
		}
		numamig_nodes_format(numamig_topology_with_memory(topology), nodes, sizeof(nodes));
		printf("%s %s\n", numamig_version(), nodes);
		numamig_topology_free(topology);
		return 0;
	}
	EOF
	# shellcheck disable=SC2046 # pkg-config prints words to split
	cc -Wall -Werror -o "$BATS_TEST_TMPDIR/topology" "$source" $(pkg-config --cflags --libs numamig)
	run "$BATS_TEST_TMPDIR/topology"
	assert_success
	assert_output "$(make_value PACKAGE_VERSION) $(cat /sys/devices/system/node/has_memory)"
}

@test "the example of libnumamig(3) builds against the installed library and runs" {
	page=$DESTINATION$(make_value man3dir)/libnumamig.3
	[ -f "$page" ]
	# The literal display of the EXAMPLES section, mdoc's \e back to \.
	awk '/^\.Sh / { in_examples = ($0 == ".Sh EXAMPLES") }
	     in_examples && /^\.Ed/ { in_display = 0 }
	     in_examples && in_display { print }
	     in_examples && /^\.Bd -literal/ { in_display = 1 }' "$page" |
		sed 's/\\e/\\/g' >"$BATS_TEST_TMPDIR/placement.c"
	grep -q 'main(' "$BATS_TEST_TMPDIR/placement.c"
	# shellcheck disable=SC2046
	cc -Wall -Werror -o "$BATS_TEST_TMPDIR/placement" "$BATS_TEST_TMPDIR/placement.c" \
		$(pkg-config --cflags --libs numamig)
	run "$BATS_TEST_TMPDIR/placement" $$
	assert_success
	assert_line --regexp '^node [0-9]+: [1-9][0-9]* bytes$'
	run "$BATS_TEST_TMPDIR/placement"
	assert_failure
	assert_output 'usage: placement pid'
}

@test "the manual pages are installed in their sections" {
	pages=$(make_value dist_man_MANS)
	[ -n "$pages" ]
	mandir=$DESTINATION$(make_value mandir)
	for page in $pages; do
		name=${page##*/}
		[ -f "$mandir/man${name##*.}/$name" ] || fail "'$name' is not in $mandir/man${name##*.}"
	done
}

@test "a bash completion is installed for every program" {
	completions=$DESTINATION$(make_value bashcompletiondir)
	run make_value bin_PROGRAMS
	[ -n "$output" ]
	for completion in $(make_value bashcompletion_DATA); do
		cmp "$top_srcdir/completions/numamig.bash" "$completions/${completion##*/}"
	done
	for program in $(make_value bin_PROGRAMS) $(make_value sbin_PROGRAMS); do
		[ -f "$completions/${program##*/}" ] || fail "no completion '$completions/${program##*/}'"
	done
}

@test "make uninstall leaves no file behind" {
	copy=$BATS_TEST_TMPDIR/copy
	build_make -s install DESTDIR="$copy" >/dev/null
	build_make -s uninstall DESTDIR="$copy" >/dev/null
	run find "$copy" -type f -o -type l
	assert_output ''
}
