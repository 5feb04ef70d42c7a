#!/usr/bin/env bats
# How every tool opens a process, and the one message each tool gives for
# each thing that stands in the way: a thread ID, a main thread that has
# exited while others run, the kernel's permission rule (real, effective
# and saved IDs, dumpability, user namespaces), and sweeps of more
# processes than there are descriptors.

load /usr/lib/bats/bats-support/load.bash
load /usr/lib/bats/bats-assert/load.bash

bats_require_minimum_version 1.5.0

# make check-valgrind sets NUMAMIG_WRAPPER to run the tool under valgrind.
migratepages() {
	${NUMAMIG_WRAPPER:-} "$top_builddir/tools/migratepages/migratepages" "$@"
}
movepages() {
	${NUMAMIG_WRAPPER:-} "$top_builddir/tools/movepages/movepages" "$@"
}
numamaps() {
	${NUMAMIG_WRAPPER:-} "$top_builddir/tools/numamaps/numamaps" "$@"
}

teardown() {
	for pid in ${started:-}; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
}

# start SHAPE [COMMAND PREFIX...]: runs tests/cli/process-shapes SHAPE in the
# background and sets $line to what it prints once in shape (its PID first).
start() {
	local shape=$1 out=$BATS_TEST_TMPDIR/shape.$RANDOM
	shift
	"$@" "$top_builddir/tests/cli/process-shapes" "$shape" >"$out" 3>&- &
	until [ -s "$out" ]; do sleep 0.01; done
	read -r line <"$out"
	started="${started:-} ${line%% *}"
}

as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}

needs_root() {
	[ "$(id -u)" = 0 ] || skip "needs root to become another user"
	command -v setpriv >/dev/null || skip "no setpriv"
}

@test "a thread ID is taken as its process, by every tool" {
	start threads
	read -r pid thread <<<"$line"
	note="$thread is a thread ID: using its process $pid (process-shapes)"
	run --separate-stderr -0 numamaps -s -J "$thread"
	assert_equal "$stderr" "numamaps: $note"
	echo "$output" | jq -e "[.summary[].pid] | unique == [$pid]"
	run --separate-stderr -0 migratepages --dry-run -J "$thread" 0 0
	assert_equal "$stderr" "migratepages: $note"
	echo "$output" | jq -e ".processes[0].pid == $pid"
	run --separate-stderr -0 movepages -p "$thread" --query -J
	assert_equal "$stderr" "movepages: $note"
	# -q: errors only
	run --separate-stderr -0 numamaps -q -s "$thread"
	assert_equal "$stderr" ""
}

@test "a process whose main thread exited is read and moved through its other threads" {
	start exit-main
	pid=$line
	until grep -q '^State:.*Z' "/proc/$pid/status"; do sleep 0.01; done
	run --separate-stderr -0 numamaps -J "$pid"
	assert_equal "$stderr" ""
	echo "$output" | jq -e '[.mappings[].total] | add >= 4194304'
	run --separate-stderr -0 numamaps -s -J "$pid"
	echo "$output" | jq -e '.summary[] | select(.type == "anon") | .total >= 4194304'
	run --separate-stderr -0 migratepages -J "$pid" 0 0
	assert_equal "$stderr" ""
	echo "$output" | jq -e ".processes[0].pid == $pid and .processes[0].before >= 4194304"
	run --separate-stderr -0 migratepages --jobs 2 -J "$pid" 0 0
	echo "$output" | jq -e '.processes[0].engine == "move_pages"'
	run --separate-stderr -0 movepages -p "$pid" --to 0 -J
	assert_equal "$stderr" ""
	run --separate-stderr -0 numamaps -J --interval 0.1 --count 2 "$pid"
	assert_equal "$stderr" ""
}

@test "another user's IDs: real the same, effective and saved not" {
	needs_root
	start threads setpriv --ruid=65534 --rgid=65534 --clear-groups
	read -r pid _ <<<"$line"
	why="process $pid (process-shapes) runs with other user or group IDs than ours (a set-ID program)"
	run --separate-stderr -1 as_nobody "$top_builddir/tools/migratepages/migratepages" "$pid" 0 0
	assert_equal "$stderr" "migratepages: $why: moving it needs CAP_SYS_PTRACE"
	run --separate-stderr -1 as_nobody "$top_builddir/tools/movepages/movepages" -p "$pid" --to 0
	assert_equal "$stderr" "movepages: $why: moving it needs CAP_SYS_PTRACE"
	run --separate-stderr -1 as_nobody "$top_builddir/tools/numamaps/numamaps" "$pid"
	assert_equal "$stderr" "numamaps: $why: reading its placement needs CAP_SYS_PTRACE"
}

@test "a process that is not dumpable" {
	needs_root
	start undumpable as_nobody
	pid=$line
	why="process $pid (process-shapes) is not dumpable (a set-ID program, or prctl PR_SET_DUMPABLE)"
	run --separate-stderr -1 as_nobody "$top_builddir/tools/migratepages/migratepages" "$pid" 0 0
	assert_equal "$stderr" "migratepages: $why: moving it needs CAP_SYS_PTRACE"
	run --separate-stderr -1 as_nobody "$top_builddir/tools/movepages/movepages" -p "$pid" --query
	assert_equal "$stderr" "movepages: $why: reading its placement needs CAP_SYS_PTRACE"
	run --separate-stderr -1 as_nobody "$top_builddir/tools/numamaps/numamaps" "$pid"
	assert_equal "$stderr" "numamaps: $why: reading its placement needs CAP_SYS_PTRACE"
	# its owner may not, root may
	run --separate-stderr -0 migratepages --dry-run "$pid" 0 0
}

@test "a user namespace's CAP_SYS_PTRACE does not reach another user's process outside it" {
	needs_root
	unshare --user --map-root-user true 2>/dev/null || skip "no user namespaces here"
	start threads as_nobody
	read -r pid _ <<<"$line"
	why="process $pid (process-shapes) is outside this user namespace"
	run --separate-stderr -1 unshare --user --map-root-user \
		"$top_builddir/tools/migratepages/migratepages" "$pid" 0 0
	assert_equal "$stderr" "migratepages: $why: moving it needs CAP_SYS_PTRACE in a namespace that holds it"
	run --separate-stderr -1 unshare --user --map-root-user \
		"$top_builddir/tools/numamaps/numamaps" "$pid"
	assert_equal "$stderr" "numamaps: $why: reading its placement needs CAP_SYS_PTRACE in a namespace that holds it"
}

@test "a sweep of more processes than descriptors: each pinned in its turn" {
	# A command name of this run's own, so that nothing else matches.
	name=nmsweep$$
	ln -s "$(command -v sleep)" "$BATS_TEST_TMPDIR/$name"
	for _ in $(seq 40); do
		"$BATS_TEST_TMPDIR/$name" 1000 3>&- &
		started="${started:-} $!"
	done
	for pid in $started; do
		until [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$name" ]; do sleep 0.01; done
	done
	run --separate-stderr -0 bash -c "ulimit -n 30 && exec \"\$0\" --dry-run -J --name '^$name\$' 0 0" \
		"$top_builddir/tools/migratepages/migratepages"
	assert_equal "$stderr" ""
	echo "$output" | jq -e '.processes | length == 40'
}
