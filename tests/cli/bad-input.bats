#!/usr/bin/env bats
# Malformed invocations of the three tools, a table of them: node lists,
# PIDs, ranges, sizes, rates, options and options that do not combine, with
# overflowing, negative, empty and non-UTF-8 values. Each must exit 1 with
# exactly one line on stderr, "TOOL: ...", nothing on stdout and no crash,
# and the live process they name must keep its pages where they were.

load /usr/lib/bats/bats-support/load.bash
load /usr/lib/bats/bats-assert/load.bash

# The rows: a tool and its arguments. $pid is a live process, $dead a PID
# no process has.
table() {
	# node lists
	row migratepages "$pid" 0 99
	row migratepages "$pid" 0 abc
	row migratepages "$pid" 0 ''
	row migratepages "$pid" '' 0
	row migratepages "$pid" 0 3-1
	row migratepages "$pid" 0 0-
	row migratepages "$pid" 0 -1
	row migratepages "$pid" 0 99999999999999999999
	row migratepages "$pid" 0 $'\xff\xfe'
	row migratepages "$pid" 0 0,,1
	row migratepages "$pid" 0 '!all'
	row migratepages "$pid" 0 +99
	row migratepages "$pid" 0 0x1
	row migratepages "$pid" 0 '0 1'
	row movepages -p "$pid" --to 99
	row movepages -p "$pid" --to ''
	row movepages -p "$pid" --to 4294967296
	row movepages -p "$pid" --to $'\xff'
	row movepages -p "$pid" --to 0 --from 1-0
	row movepages -p "$pid" --to 0 --from ,
	row numamaps -A --node 99
	row numamaps -A --node -1
	row numamaps -A --node 99999999999999999999
	row numamaps -A --node ''
	# PIDs
	row migratepages 0 0 0
	row migratepages -1 0 0
	row migratepages 99999999999999999999 0 0
	row migratepages abc 0 0
	row migratepages '' 0 0
	row migratepages "$pid,,$pid" 0 0
	row migratepages "$dead" 0 0
	row migratepages $'\xff\xfe' 0 0
	row movepages -p 0 --to 0
	row movepages -p -5 --to 0
	row movepages -p 99999999999999999999 --to 0
	row movepages -p '' --to 0
	row movepages -p "$dead" --to 0
	row movepages -p $'\xff' --to 0
	row numamaps 0
	row numamaps -- -1
	row numamaps 99999999999999999999
	row numamaps abc
	row numamaps ''
	row numamaps "$dead"
	row numamaps $'\xff\xfe'
	# ranges
	row movepages -p "$pid" --to 0 --range ''
	row movepages -p "$pid" --to 0 --range 2000-1000
	row movepages -p "$pid" --to 0 --range 1000-
	row movepages -p "$pid" --to 0 --range -1000
	row movepages -p "$pid" --to 0 --range 1000+
	row movepages -p "$pid" --to 0 --range 1000+0
	row movepages -p "$pid" --to 0 --range 1000+-5
	row movepages -p "$pid" --to 0 --range ffffffffffffffff+1M
	row movepages -p "$pid" --to 0 --range 99999999999999999999-999999999999999999999
	row movepages -p "$pid" --to 0 --range zz-yy
	row movepages -p "$pid" --to 0 --range 1000+99999999999999999999
	row movepages -p "$pid" --to 0 --range 1000+16E
	row movepages -p "$pid" --to 0 --range $'\xff\xfe'
	row movepages -p "$pid" --to 0 --range no-such-mapping.so
	# sizes and rates
	row migratepages --chunk 0 "$pid" 0 0
	row migratepages --chunk -1M "$pid" 0 0
	row migratepages --chunk 99999999999999999999 "$pid" 0 0
	row migratepages --chunk 1Q "$pid" 0 0
	row migratepages --chunk '' "$pid" 0 0
	row migratepages --chunk 20000000000G "$pid" 0 0
	row migratepages --rate 0 "$pid" 0 0
	row migratepages --rate -5M "$pid" 0 0
	row migratepages --rate abc "$pid" 0 0
	row migratepages --rate 99999999999999999999 "$pid" 0 0
	row migratepages --rate $'\xff' "$pid" 0 0
	row migratepages --jobs 0 "$pid" 0 0
	row migratepages --jobs -1 "$pid" 0 0
	row migratepages --jobs 99999999999999999999 "$pid" 0 0
	row migratepages --jobs 1000000 "$pid" 0 0
	row movepages -p "$pid" --to 0 --chunk 0
	row movepages -p "$pid" --to 0 --chunk 1.5M
	row movepages -p "$pid" --to 0 --rate 0
	row movepages -p "$pid" --to 0 --rate 99999999999999999999G
	row movepages -p "$pid" --to 0 --jobs 0
	row movepages -p "$pid" --to 0 --jobs x
	row numamaps --interval 0 "$pid"
	row numamaps --interval -1 "$pid"
	row numamaps --interval abc "$pid"
	row numamaps --interval 99999999999999999999 "$pid"
	row numamaps --interval 1 --count 0 "$pid"
	row numamaps --interval 1 --count -1 "$pid"
	row numamaps --interval 1 --count 99999999999999999999 "$pid"
	# options
	row migratepages --no-such-option "$pid" 0 0
	row migratepages "$pid" 0
	row migratepages
	row migratepages "$pid" 0 0 0
	row migratepages -o NOSUCH "$pid" 0 0
	row migratepages -o '' "$pid" 0 0
	row migratepages --sysroot /nonexistent "$pid" 0 0
	row migratepages --name '(' 0 0
	row migratepages --user no-such-user-xyz 0 0
	row migratepages --cgroup /nonexistent 0 0
	row movepages --to 0
	row movepages -p "$pid"
	row movepages -p "$pid" --to 0 extra
	row movepages -p "$pid" --to 0 -o $'\xff'
	row movepages --bogus
	row numamaps
	row numamaps -o NOSUCH "$pid"
	row numamaps -o +, "$pid"
	row numamaps --diff "$pid"
	row numamaps --diff /nonexistent/a /nonexistent/b
	row numamaps --save /nonexistent/dir/file "$pid"
	row numamaps --save '' "$pid"
	# conflicting options
	row migratepages --name sleep "$pid" 0 0
	row migratepages --name sleep --cgroup /nonexistent 0 0
	row movepages -p "$pid" --to 0 --query --all
	row movepages -p "$pid" --query --to 0 --all
	row numamaps -A "$pid"
	row numamaps -s -A
	row numamaps --diff "$pid" --save /tmp/x "$pid"
	row numamaps --bars -J "$pid"
	row numamaps --count 3 "$pid"
	row numamaps --node 0 "$pid"
}

# row TOOL ARGUMENTS...: run it and note in $failures how it misbehaved.
row() {
	local tool=$1 status lines first
	shift
	rows=$((rows + 1))
	[ "$tool" = "$only" ] || return 0
	# make check-valgrind sets NUMAMIG_WRAPPER to run the tool under valgrind.
	status=0
	${NUMAMIG_WRAPPER:-} "$top_builddir/tools/$tool/$tool" "$@" \
		>"$BATS_TEST_TMPDIR/stdout" 2>"$BATS_TEST_TMPDIR/stderr" </dev/null || status=$?
	lines=$(wc -l <"$BATS_TEST_TMPDIR/stderr")
	first=$(head -n 1 "$BATS_TEST_TMPDIR/stderr")
	if [ "$status" -ne 1 ] || [ "$lines" -ne 1 ] || [[ $first != "$tool: "* ]] ||
		[ -s "$BATS_TEST_TMPDIR/stdout" ]; then
		failures+=$(printf '%s %q: exit status %d, %d lines on stderr, %d bytes on stdout\n' \
			"$tool" "$*" "$status" "$lines" "$(wc -c <"$BATS_TEST_TMPDIR/stdout")")
		failures+=$'\n'$(head -n 3 "$BATS_TEST_TMPDIR/stderr")$'\n'
	fi
}

# check_tool TOOL: every row of TOOL behaves.
check_tool() {
	only=$1 rows=0 failures=
	pid=$(cat "$BATS_FILE_TMPDIR/pid")
	dead=$(cat "$BATS_FILE_TMPDIR/dead")
	table
	if [ -n "$failures" ]; then
		printf '%s' "$failures"
		return 1
	fi
}

# placement PID: each mapping's address and pages per node (mapmax and the
# like change with other processes).
placement() {
	awk '{ line = $1; for (i = 2; i <= NF; i++) if ($i ~ /^N[0-9]+=/) line = line " " $i; print line }' \
		"/proc/$1/numa_maps"
}

setup_file() {
	# Ended by teardown_file; a day, as the file under valgrind on a busy
	# machine outlasted 1000 s.
	sleep 86400 3>&- &
	echo $! >"$BATS_FILE_TMPDIR/pid"
	# A PID that was just used and is free again (not reused so soon).
	sleep 0 &
	echo $! >"$BATS_FILE_TMPDIR/dead"
	wait $!
	placement "$(cat "$BATS_FILE_TMPDIR/pid")" >"$BATS_FILE_TMPDIR/placement"
}

teardown_file() {
	kill "$(cat "$BATS_FILE_TMPDIR/pid")"
}

@test "the table has at least 60 rows" {
	only= rows=0
	table
	echo "$rows rows"
	[ "$rows" -ge 60 ]
}

@test "migratepages: each malformed invocation fails with one line" {
	check_tool migratepages
}

@test "movepages: each malformed invocation fails with one line" {
	check_tool movepages
}

@test "numamaps: each malformed invocation fails with one line" {
	check_tool numamaps
}

@test "the process named in the table is alive and its pages did not move" {
	local pid
	pid=$(cat "$BATS_FILE_TMPDIR/pid")
	kill -0 "$pid"
	placement "$pid" >"$BATS_TEST_TMPDIR/placement"
	run diff "$BATS_FILE_TMPDIR/placement" "$BATS_TEST_TMPDIR/placement"
	assert_success
}
