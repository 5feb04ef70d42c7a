#!/usr/bin/env bats
# Integrity: a workload whose two writer threads keep rewriting a pattern
# is moved 100 times around nodes 0, 1 and 2, in turn by migratepages
# (migrate_pages(2)), migratepages --jobs 2 (the move_pages(2) engine) and
# movepages. After every move: its pages on the target node and every
# thread running (none left stopped); every tenth move and at the end: not
# one corrupt byte.

load /tests/lib/guest

bats_require_minimum_version 1.5.0

teardown() {
	workload_stop_all
}

# Every helper below sets a variable instead of printing: a $(...) is a
# fork, and a fork costs 50 ms or more under emulation, 100 times over.

# stopped_threads PID: the threads of PID in state T or t (stopped,
# traced), as "TID:STATE" words in $stopped; empty when all run.
stopped_threads() {
	local stat state
	stopped=
	for stat in /proc/"$1"/task/*/stat; do
		read -r state <"$stat" || continue
		state=${state##*) }
		state=${state%% *}
		case "$state" in T | t) stopped+="${stat//[^0-9]/}:$state " ;; esac
	done
}

# region_pages_on NODE: the workload's region's pages on NODE, from
# numa_maps, in $pages
region_pages_on() {
	local line field start
	printf -v start '%x' "$((WORKLOAD_ADDRESS))"
	pages=0
	while read -r line; do
		[ "${line%% *}" = "$start" ] || continue
		for field in $line; do
			case "$field" in "N$1="*) pages=${field#*=} ;; esac
		done
	done <"/proc/$WORKLOAD_PID/numa_maps"
}

# verify_now: the workload checks its pattern; "ok" or "corrupt BYTES"
# in $verified
verify_now() {
	local tenths=600
	rm -f "$WORKLOAD_DIR/result"
	kill -USR1 "$WORKLOAD_PID"
	while [ ! -e "$WORKLOAD_DIR/result" ] && [ $tenths -gt 0 ]; do
		pause_ms 20
		tenths=$((tenths - 1))
	done
	read -r verified <"$WORKLOAD_DIR/result"
}

# 100 moves as root ($ROUNDS: 20 as the user), the target going round nodes 0, 1, 2 and the tool round the
# three ways, out of step so that each way moves between every pair of
# nodes. After each move: every page of the region on the target, no
# thread stopped; every tenth, the pattern checked (a corrupt byte stays
# corrupt: the last check covers every move).
@test "100 moves (20 as the user) around nodes 0-2 by migratepages, migratepages --jobs 2 and movepages while two threads write: 0 corrupt bytes, never stopped" {
	local -a command names=(migratepages "migratepages --jobs 2" movepages)
	local -a calls=(0 0 0) partial=(0 0 0)
	local round from to method verified stopped pages status started ended
	local out=$BATS_TEST_TMPDIR/out err=$BATS_TEST_TMPDIR/err
	workload_start --size 16M --node 0 --page-size 4k --threads 2
	started=${EPOCHREALTIME/./}
	for round in $(seq 1 "$ROUNDS"); do
		from=$(((round - 1) % 3)) to=$((round % 3)) method=$(((round + round / 3) % 3))
		case $method in
		0) command=(migratepages "$WORKLOAD_PID" "$from" "$to") ;;
		1) command=(migratepages --jobs 2 "$WORKLOAD_PID" "$from" "$to") ;;
		2) command=(movepages -p "$WORKLOAD_PID" --to "$to" --range "$WORKLOAD_ADDRESS+16M") ;;
		esac
		status=0
		"${command[@]}" >"$out" 2>"$err" || status=$?
		[ "$status" -eq 0 ] || [ "$status" -eq 64 ] ||
			fail "move $round, ${command[*]}: exit $status: $(cat "$err")"
		calls[method]=$((calls[method] + 1))
		[ "$status" -eq 0 ] || partial[method]=$((partial[method] + 1))
		stopped_threads "$WORKLOAD_PID"
		[ -z "$stopped" ] || fail "move $round, ${command[*]}: threads left stopped: $stopped"
		region_pages_on "$to"
		[ "$pages" -eq 4096 ] ||
			fail "move $round, ${command[*]}: $pages of 4096 pages on node $to: $(cat "$out")"
		if [ $((round % 10)) -eq 0 ]; then
			verify_now
			[ "$verified" = ok ] || fail "moves $((round - 9)) to $round: $verified"
		fi
	done
	ended=${EPOCHREALTIME/./}
	for method in 0 1 2; do
		echo "# $NUMAMIG_VM_KERNEL ${names[method]}: ${calls[method]} moves, ${partial[method]} with exit 64" >&3
	done
	echo "# $NUMAMIG_VM_KERNEL $ROUNDS moves in $(((ended - started) / 1000)) ms" >&3
}
