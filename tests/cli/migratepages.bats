#!/usr/bin/env bats
# migratepages on the host: the plan (--dry-run) on fixture machines
# through --sysroot, exact per node, as a table and as JSON; selection;
# every usage and error path with its one-line message and exit status;
# and live moves on this one-node machine (0 to 0: nothing to do). Real
# moves between nodes are shown in the guest: tests/vm/suites/migratepages.bats.

load /usr/lib/bats/bats-support/load.bash
load /usr/lib/bats/bats-assert/load.bash

bats_require_minimum_version 1.5.0

# make check-valgrind sets NUMAMIG_WRAPPER to run the tool under valgrind.
migratepages() {
	${NUMAMIG_WRAPPER:-} "$top_builddir/tools/migratepages/migratepages" "$@"
}

setup_file() {
	export four_nodes="$top_srcdir/tests/fixtures/sysroot/four-nodes"
	export memoryless_node="$top_srcdir/tests/fixtures/sysroot/memoryless-node"
}

teardown() {
	for pid in ${sleepers:-}; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	if [ -n "${cgroup:-}" ]; then
		rmdir "$cgroup" 2>/dev/null || true
	fi
}

start_sleeper() {
	sleep 1000 &
	sleepers="${sleepers:-} $!"
	sleeper=$!
	while [ "$(cat /proc/$sleeper/comm 2>/dev/null)" != sleep ]; do sleep 0.01; done
}

# A PID that no process has: a child that has been waited for.
gone_pid() {
	sh -c 'exit 0' &
	local pid=$!
	wait "$pid"
	echo "$pid"
}

# One line on stderr, nothing on stdout, exit status 1.
assert_one_error() {
	assert_equal "$status" 1
	assert_equal "$output" ""
	assert_equal "${#stderr_lines[@]}" 1
	assert_equal "${stderr_lines[0]}" "$1"
}

# ------------------------------------------------------------- usage

@test "--help names the arguments, the selection and the columns" {
	run -0 migratepages --help
	assert_output --partial "PID[,PID...] FROM-NODES TO-NODES"
	assert_output --partial "--name=REGEX"
	assert_output --partial "--dry-run"
	assert_output --partial "STAYED"
	assert_output --partial "SYSTEM_PGMIGRATE_SUCCESS"
}

@test "--version" {
	run -0 migratepages --version
	assert_output --regexp '^migratepages \(numamig\) [0-9]'
}

@test "missing arguments: usage error, exit 1" {
	run --separate-stderr -1 migratepages 1 0
	assert_equal "$output" ""
	assert_equal "${stderr_lines[0]}" "migratepages: missing arguments: PID FROM-NODES TO-NODES"
}

@test "too many arguments: usage error, exit 1" {
	run --separate-stderr -1 migratepages 1 0 1 2
	assert_equal "${stderr_lines[0]}" "migratepages: too many arguments"
}

@test "a PID and a selection together: usage error" {
	run --separate-stderr -1 migratepages --name sleep 1 0 1
	assert_equal "${stderr_lines[0]}" "migratepages: give a PID or --name, --user, --cgroup, not both"
}

@test "an unknown option: exit 1" {
	run --separate-stderr -1 migratepages --frobnicate 1 0 0
	assert_equal "$output" ""
}

@test "an invalid PID" {
	run --separate-stderr migratepages 12x 0 0
	assert_one_error "migratepages: invalid PID '12x'"
	run --separate-stderr migratepages 1,,2 0 0
	assert_one_error "migratepages: invalid PID ''"
}

@test "invalid --jobs, --rate, --chunk" {
	run --separate-stderr -1 migratepages --jobs 0 1 0 0
	assert_equal "${stderr_lines[0]}" "migratepages: invalid number of jobs '0' (1 to 256)"
	run --separate-stderr -1 migratepages --rate fast 1 0 0
	assert_equal "${stderr_lines[0]}" "migratepages: invalid rate 'fast' (bytes per second, such as 50M)"
	run --separate-stderr -1 migratepages --rate 0 1 0 0
	assert_equal "${stderr_lines[0]}" "migratepages: invalid rate '0' (bytes per second, such as 50M)"
	run --separate-stderr -1 migratepages --chunk 1K 1 0 0
	assert_equal "${stderr_lines[0]}" "migratepages: invalid chunk size '1K' (4K or more, such as 4M)"
}

@test "--sysroot moves nothing: it needs --dry-run" {
	run --separate-stderr migratepages --sysroot "$four_nodes" 4242 0 1
	assert_one_error "migratepages: --sysroot needs --dry-run: moving works on the live machine only"
}

# ------------------------------------------------- the plan (fixtures)

# four-nodes 4242 (4 KiB pages): node 0 holds 426 pages (10 of fakedb's
# text, 100 heap, 256 interleaved, 60 of libc mapped by 5 processes),
# node 1 532, node 2 896, node 3 384 and two 2 MiB hugetlb pages.
@test "--dry-run 0 to 1: per node before, after, target, bytes to move, shared" {
	run -0 migratepages --sysroot "$four_nodes" --dry-run -r -b 4242 0 1
	assert_output - <<'END'
PID COMMAND NODE BEFORE AFTER TARGET MOVED SHARED
4242 fakedb  13361152 13361152  1744896 245760
  0 1744896 0 1 1744896 245760
  1 2179072 3923968   
  2 3670016 3670016   
  3 5767168 5767168   

PID 4242 (fakedb): 1744896 would move; nothing moved (dry run)
END
}

@test "--dry-run in JSON: numbers, a node array under each process" {
	run -0 migratepages --sysroot "$four_nodes" --dry-run -J 4242 0-3 1
	echo "$output" | jq -e '.processes | length == 1'
	echo "$output" | jq -e '.processes[0] | .pid == 4242 and .command == "fakedb"'
	echo "$output" | jq -e '.processes[0].moved == (1744896 + 3670016 + 5767168)'
	# 0-3 to 1: node 1 is in both sets of different sizes, so it keeps its pages
	echo "$output" | jq -e '[.processes[0].children[] | {node, target}] ==
		[{node: 0, target: 1}, {node: 1, target: null}, {node: 2, target: 1}, {node: 3, target: 1}]'
	echo "$output" | jq -e '.processes[0].children[] | select(.node == 1) | .after == 13361152'
}

@test "--dry-run follows the kernel's mapping: 0,1 to 1,2 and 1,2 to 0,3" {
	run -0 migratepages --sysroot "$four_nodes" --dry-run -J 4242 0,1 1,2
	echo "$output" | jq -e '[.processes[0].children[] | .target] == [1, 2, null, null]'
	echo "$output" | jq -e '[.processes[0].children[] | .after] == [0, 1744896, 2179072 + 3670016, 5767168]'
	run -0 migratepages --sysroot "$four_nodes" --dry-run -J 4242 1,2 0,3
	echo "$output" | jq -e '[.processes[0].children[] | .target] == [null, 0, 3, null]'
}

@test "--dry-run with numactl's node syntax: all, ! and ranges" {
	run -0 migratepages --sysroot "$four_nodes" --dry-run -J 4242 all 2
	echo "$output" | jq -e '[.processes[0].children[] | .target] == [2, 2, null, 2]'
	run -0 migratepages --sysroot "$four_nodes" --dry-run -J 4242 '!2' 2
	echo "$output" | jq -e '[.processes[0].children[] | .target] == [2, 2, null, 2]'
	run -0 migratepages --sysroot "$four_nodes" --dry-run -J 4242 1 2,3
	echo "$output" | jq -e '[.processes[0].children[] | .target] == [null, 2, null, null]'
}

@test "--dry-run of a comma list of PIDs: a tree per process" {
	run -0 migratepages --sysroot "$four_nodes" --dry-run -J 4242,5001 0 1
	echo "$output" | jq -e '[.processes[].pid] == [4242, 5001]'
	# 5001: heap 48 pages and a bind:0-1 mapping 128 pages on node 0
	echo "$output" | jq -e '.processes[1].moved == (48 + 128) * 4096'
}

@test "--dry-run -q prints nothing" {
	run --separate-stderr -0 migratepages --sysroot "$four_nodes" --dry-run -q 4242 0 1
	assert_equal "$output" ""
	assert_equal "$stderr" ""
}

@test "--dry-run with -o chooses the columns" {
	run -0 migratepages --sysroot "$four_nodes" --dry-run -r -b -o PID,NODE,TARGET 4242 0 1
	assert_line --index 0 "PID NODE TARGET"
	assert_line --index 2 " 0 1"
	run --separate-stderr -1 migratepages --sysroot "$four_nodes" --dry-run -o PID,BOGUS 4242 0 1
	assert_equal "${stderr_lines[0]}" "migratepages: unknown column 'BOGUS'"
}

@test "selection by --name and --user, and a name nothing matches" {
	run -0 migratepages --sysroot "$four_nodes" --dry-run -J --name '^fake' 0 1
	echo "$output" | jq -e '[.processes[].pid] == [4242]'
	run -0 migratepages --sysroot "$four_nodes" --dry-run -J --user 1000 0 1
	echo "$output" | jq -e '[.processes[].pid] == [4242, 4343, 5001]'
	run --separate-stderr migratepages --sysroot "$four_nodes" --dry-run --name '^nothing$' 0 1
	assert_one_error "migratepages: no process matches the selection"
}

# ---------------------------------------------------------- errors

@test "a node that does not exist" {
	run --separate-stderr migratepages --sysroot "$four_nodes" --dry-run 4242 0 7
	assert_one_error "migratepages: node 7 does not exist (nodes: 0-3)"
}

@test "a target node without memory" {
	run --separate-stderr migratepages --sysroot "$memoryless_node" --dry-run 5002 0 1
	assert_one_error "migratepages: node 1 has no memory (nodes with memory: 0,2)"
}

@test "a target outside the process's cpuset" {
	run --separate-stderr migratepages --sysroot "$four_nodes" --dry-run 5001 0 2
	assert_one_error "migratepages: node 2 is outside the cpuset of process 5001 (pinned) (mems: 0-1)"
	run --separate-stderr migratepages --sysroot "$four_nodes" --dry-run 5001 0 2-3
	assert_one_error "migratepages: nodes 2-3 are outside the cpuset of process 5001 (pinned) (mems: 0-1)"
}

@test "a kernel thread" {
	run --separate-stderr migratepages --sysroot "$four_nodes" --dry-run 2 0 1
	assert_one_error "migratepages: process 2 (kthreadd) is a kernel thread: it has no user memory"
}

@test "no such process" {
	run --separate-stderr migratepages --sysroot "$four_nodes" --dry-run 9999 0 1
	assert_one_error "migratepages: no process with PID 9999"
}

@test "one process of a list fails: the others are shown, exit 1" {
	run --separate-stderr migratepages --sysroot "$four_nodes" --dry-run -J 9999,4242 0 1
	assert_equal "$status" 1
	assert_equal "${stderr_lines[0]}" "migratepages: no process with PID 9999"
	echo "$output" | jq -e '[.processes[].pid] == [4242]'
}

# ------------------------------------------------- live, one node

@test "live: 0 to 0 moves nothing, exit 0, by migrate_pages" {
	start_sleeper
	run --separate-stderr -0 migratepages -J "$sleeper" 0 0
	echo "$output" | jq -e '.processes[0] | .pid == '"$sleeper"' and .engine == "migrate_pages"'
	echo "$output" | jq -e '.processes[0] | .moved == 0 and .stayed == 0 and .failed == 0'
	echo "$output" | jq -e '.processes[0] | .before > 0 and .before == .after'
	echo "$output" | jq -e '.processes[0] | has("system_pgmigrate_success") and (.elapsed | type) == "number"'
}

@test "live: the text report ends with the summary lines" {
	start_sleeper
	run --separate-stderr -0 migratepages "$sleeper" 0 0
	assert_line --index 0 --regexp '^ *PID +COMMAND +NODE +BEFORE +AFTER +TARGET +MOVED +STAYED +REASON$'
	assert_line --regexp "^PID $sleeper \\(sleep\\): moved 0 in [0-9.]+ s by migrate_pages\\(2\\)\$"
	assert_line --regexp '^system-wide during the move: pgmigrate_success \+[0-9]+, pgmigrate_fail \+[0-9]+, thp_migration_success \+[0-9]+, thp_migration_fail \+[0-9]+, thp_migration_split \+[0-9]+$'
}

@test "live: --jobs 2 uses the move_pages engine" {
	start_sleeper
	run --separate-stderr -0 migratepages -J --jobs 2 --chunk 64K "$sleeper" 0 0
	echo "$output" | jq -e '.processes[0] | .engine == "move_pages" and .stayed == 0'
}

@test "live: -q prints nothing" {
	start_sleeper
	run --separate-stderr -0 migratepages -q "$sleeper" 0 0
	assert_equal "$output" ""
	assert_equal "$stderr" ""
}

@test "live: a node that does not exist on this machine" {
	start_sleeper
	run --separate-stderr migratepages "$sleeper" 0 7
	assert_one_error "migratepages: node 7 does not exist (nodes: 0)"
}

@test "live: no such process" {
	pid=$(gone_pid)
	run --separate-stderr migratepages "$pid" 0 0
	assert_one_error "migratepages: no process with PID $pid"
}

@test "live: a kernel thread" {
	run --separate-stderr migratepages 2 0 0
	assert_one_error "migratepages: process 2 (kthreadd) is a kernel thread: it has no user memory"
}

@test "live: --cgroup selects the processes of a cgroup v2 directory" {
	# cgroup v2 is /sys/fs/cgroup, or /sys/fs/cgroup/unified on a hybrid
	# host. The sleeper gets a cgroup of its own, so that the selection is
	# exactly it, whatever else runs in the test's cgroup.
	local mount
	mount=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
	[ -n "$mount" ] || skip "no cgroup v2 mounted"
	[ "$(id -u)" = 0 ] || skip "needs root to make a cgroup"
	cgroup=$mount/numamig-test-$$
	mkdir "$cgroup"
	start_sleeper
	echo "$sleeper" >"$cgroup/cgroup.procs"
	run -0 migratepages --dry-run -J --cgroup "$cgroup" 0 0
	echo "$output" | jq -e '[.processes[].pid] == ['"$sleeper"']'
	# relative to the cgroup v2 mount, as /proc/PID/cgroup shows it
	run -0 migratepages --dry-run -J --cgroup "/numamig-test-$$" 0 0
	echo "$output" | jq -e '[.processes[].pid] == ['"$sleeper"']'
}

@test "live: a selection leaves kernel threads out" {
	run --separate-stderr migratepages --dry-run --name '^kthreadd$' 0 0
	assert_one_error "migratepages: no process matches the selection (kernel threads and processes that exited are left out)"
	start_sleeper
	run -0 migratepages --dry-run -J --name '^(kthreadd|sleep)$' 0 0
	echo "$output" | jq -e '[.processes[].pid] | index(2) == null and index('"$sleeper"') != null'
}

@test "live: another user's process, without privilege" {
	[ "$(id -u)" = 0 ] || skip "needs root to become another user"
	command -v setpriv >/dev/null || skip "no setpriv"
	start_sleeper
	run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$top_builddir/tools/migratepages/migratepages" "$sleeper" 0 0
	assert_one_error "migratepages: process $sleeper (sleep) belongs to uid 0: moving it needs CAP_SYS_PTRACE"
}
