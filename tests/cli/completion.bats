#!/usr/bin/env bats
# The bash completion of the three tools, driven as bash drives it: a
# command line in COMP_WORDS, the word under the cursor in COMP_CWORD, the
# candidates read back from COMPREPLY. The logic is checked against a
# stand-in program with argp's --help layout and a fixture sysroot; the
# real programs' options are checked against their own --help.

load /usr/lib/bats/bats-support/load.bash
load /usr/lib/bats/bats-assert/load.bash

setup() {
	source "$top_srcdir/completions/numamig.bash"
	read -r -a programs <<<"${NUMAMIG_PROGRAMS:-}"
	four_nodes=$top_srcdir/tests/fixtures/sysroot/four-nodes
	sparse_nodes=$top_srcdir/tests/fixtures/sysroot/sparse-nodes
	bin=$BATS_TEST_TMPDIR/bin
	mkdir -p "$bin"
	for name in migratepages movepages numamaps; do
		cat >"$bin/$name" <<-'EOF'
		#!/bin/sh
		cat <<'HELP'
		Usage: stand-in [OPTION...] PID FROM-NODES TO-NODES

		  -p, --pid=PID              the process
		  -R, --range=RANGE          an address range or mapping
		  -t, --to=NODES             target nodes
		      --name=REGEX           processes by command name
		  -j, --jobs[=N]             threads
		      --save=FILE            write a snapshot

		 Output and common options:
		  -b, --bytes                print sizes in bytes
		  -J, --json                 use JSON output format
		  -o, --output=LIST          columns to print; +LIST adds to the default
		                             ones -- a continuation line
		      --sysroot=DIR          read proc/ and sys/ under DIR instead of /
		  -?, --help                 Give this help list
		  -V, --version              Print program version

		Available output columns:
		    ADDRESS  start address
		       SIZE  bytes mapped
		      NODES  bytes on each node, a help long enough to go on (one column per
		             node: N0, N1, ...)
		      TOTAL  bytes on all nodes

		Default columns: ADDRESS,NODES,TOTAL
		HELP
		EOF
		chmod +x "$bin/$name"
	done
}

# Completes the last word of the line given as words; prints the
# candidates sorted, one a line.
complete_words() {
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMPREPLY=()
	_numamig_complete
	[ ${#COMPREPLY[@]} -eq 0 ] || printf '%s\n' "${COMPREPLY[@]}" | sort
}

lines() {
	printf '%s\n' "$@" | sort
}

@test "the completion is registered for the three programs" {
	run complete -p migratepages movepages numamaps
	assert_success
	assert_line 'complete -F _numamig_complete migratepages'
	assert_line 'complete -F _numamig_complete movepages'
	assert_line 'complete -F _numamig_complete numamaps'
}

@test "options come from --help, with the arguments they take" {
	run _numamig_help_options "$bin/movepages"
	assert_output "$(printf '%s\n' '-p PID' '--pid PID' '-R RANGE' '--range RANGE' '-t NODES' '--to NODES' \
		'--name REGEX' -j --jobs '--save FILE' -b --bytes -J --json '-o LIST' \
		'--output LIST' '--sysroot DIR' '-?' --help -V --version)"
}

@test "a dash completes the options" {
	run complete_words "$bin/numamaps" --j
	assert_output "$(lines --jobs --json)"
	run complete_words "$bin/numamaps" -
	assert_line --help
	assert_line -o
	assert_line --sysroot
	assert_equal "${#lines[@]}" 21
}

@test "the real programs complete exactly the options of their --help" {
	[ ${#programs[@]} -gt 0 ]
	for program in "${programs[@]}"; do
		offered=$(complete_words "$top_builddir/$program" -)
		help=$("$top_builddir/$program" --help | grep -oE '^(  | {6})(-[^ ,=[]+)(, -[^ ,=[]+)*' |
			tr ',' '\n' | tr -d ' ' | sort -u)
		[ -n "$help" ]
		assert_equal "$offered" "$help"
	done
}

@test "-o completes column names, node columns from the topology, in lists" {
	run complete_words "$bin/numamaps" --sysroot "$four_nodes" -o ''
	assert_output "$(lines ADDRESS SIZE NODES N0 N1 N2 N3 TOTAL)"
	run complete_words "$bin/numamaps" --sysroot "$four_nodes" -o ADDRESS,S
	assert_output ADDRESS,SIZE
	run complete_words "$bin/numamaps" --sysroot "$four_nodes" -o +T
	assert_output +TOTAL
	run complete_words "$bin/numamaps" --sysroot "$four_nodes" --output = N
	assert_output "$(lines N0 N1 N2 N3 NODES)"
	run complete_words "$bin/numamaps" --sysroot = "$sparse_nodes" --output = SIZE,N
	assert_output "$(lines SIZE,NODES $(sed 's/^/SIZE,N/' <(_numamig_nodes "$sparse_nodes")))"
}

@test "the real programs complete the columns their --help lists" {
	checked=0
	for program in "${programs[@]}"; do
		"$top_builddir/$program" --help | grep -q '^Available output columns:' || continue
		checked=$((checked + 1))
		offered=$(complete_words "$top_builddir/$program" -o '')
		[ -n "$offered" ] || fail "'$program -o' completes nothing"
		for column in $offered; do
			"$top_builddir/$program" --help | grep -qE "^ +$column  |: $column[0-9]*0|${column%%[0-9]*}0, " ||
				fail "'$program -o' offers '$column', which --help does not list"
		done
	done
	[ "$checked" -gt 0 ]
}

@test "node lists come from has_memory, sparse ids included" {
	run _numamig_nodes "$sparse_nodes"
	assert_output "$(tr ',' '\n' <"$sparse_nodes/sys/devices/system/node/has_memory" |
		while IFS=- read -r first last; do seq "$first" "${last:-$first}"; done)"
	run complete_words "$bin/movepages" --sysroot "$four_nodes" --to ''
	assert_output "$(lines all 0 1 2 3)"
	run complete_words "$bin/movepages" --sysroot "$four_nodes" --to 0,
	assert_output "$(lines 0,all 0,0 0,1 0,2 0,3)"
	run complete_words "$bin/movepages" --sysroot "$four_nodes" --to = 3
	assert_output 3
	run complete_words "$bin/movepages" --sysroot "$four_nodes" -t 2
	assert_output 2
}

@test "migratepages completes a PID, then the source and target nodes" {
	run complete_words "$bin/migratepages" --sysroot "$four_nodes" ''
	refute_output --partial all
	run complete_words "$bin/migratepages" "$$"
	assert_line "$$"
	run complete_words "$bin/migratepages" --sysroot "$four_nodes" -o SIZE 1234 ''
	assert_output "$(lines all 0 1 2 3)"
	run complete_words "$bin/migratepages" --sysroot "$four_nodes" 1234 0-1 2,
	assert_output "$(lines 2,all 2,0 2,1 2,2 2,3)"
	run complete_words "$bin/migratepages" --sysroot "$four_nodes" 1234 0 1 ''
	assert_output ''
	# without a PID operand when processes are chosen by name
	run complete_words "$bin/migratepages" --sysroot "$four_nodes" --name bash ''
	assert_output "$(lines all 0 1 2 3)"
	# an optional argument does not take the next word
	run complete_words "$bin/migratepages" --sysroot "$four_nodes" --jobs 1234 ''
	assert_output "$(lines all 0 1 2 3)"
}

@test "PIDs are completed for numamaps and after -p" {
	run complete_words "$bin/numamaps" "$$"
	assert_line "$$"
	for line in "${lines[@]}"; do
		[ -d "/proc/$line" ] || [[ $line == "$$"* ]] || fail "'$line' is not a process"
	done
	run complete_words "$bin/movepages" -p "$$"
	assert_line "$$"
	run complete_words "$bin/movepages" --pid = "$$"
	assert_line "$$"
}

@test "--range completes the mappings of the -p process" {
	run complete_words "$bin/movepages" -p "$$" --range '[h'
	assert_output '[heap]'
	run complete_words "$bin/movepages" -p "$$" --range '[st'
	assert_output '[stack]'
	run complete_words "$bin/movepages" --pid = "$$" --range an
	assert_output anon
	run complete_words "$bin/movepages" -p "$$" -R '[he'
	assert_output '[heap]'
	executable=$(readlink -f "/proc/$$/exe")
	run complete_words "$bin/movepages" -p "$$" --to 1 --range "${executable##*/}"
	assert_line "${executable##*/}"
	run complete_words "$bin/movepages" -p "$$" --range "$executable"
	assert_output "$executable"
	# no -p on the line: nothing to read the mappings of
	run complete_words "$bin/movepages" --range ''
	assert_output ''
}

@test "--save completes files and --sysroot directories" {
	mkdir "$BATS_TEST_TMPDIR/snapshots"
	touch "$BATS_TEST_TMPDIR/snapshot.json"
	run complete_words "$bin/numamaps" --save "$BATS_TEST_TMPDIR/snap"
	assert_output "$(lines "$BATS_TEST_TMPDIR/snapshot.json" "$BATS_TEST_TMPDIR/snapshots")"
	run complete_words "$bin/numamaps" --sysroot "$BATS_TEST_TMPDIR/snap"
	assert_output "$BATS_TEST_TMPDIR/snapshots"
}
