# Helpers for the guest suites: `load /tests/lib/guest` at the top of a
# tests/vm/suites/*.bats file. Loads bats-support and bats-assert too.
# Documented in tests/vm/README.md.

load /usr/lib/bats/bats-support/load.bash
load /usr/lib/bats/bats-assert/load.bash

# root or tester: who runs this suite (set by the guest's init).
NUMAMIG_VM_USER=${NUMAMIG_VM_USER:-$(id -un)}

# numactl's own migratepages, whatever ours is called on PATH.
NUMACTL_MIGRATEPAGES=/usr/bin/migratepages

# wait_for_file FILE [SECONDS]: until FILE exists (default 120 s: a large
# region takes a while to fill under emulation).
wait_for_file() {
	local file=$1 tenths=$((${2:-120} * 10))
	while [ ! -e "$file" ]; do
		tenths=$((tenths - 1))
		[ $tenths -gt 0 ] || { echo "no '$file' after ${2:-120} s" >&2; return 1; }
		sleep 0.1
	done
}

# pause_ms MS: sleeps MS milliseconds (under 1000) with no fork: `read -t`
# on a fifo nobody writes. A process costs 40 ms or more under emulation,
# and some tests wait hundreds of times.
pause_ms() {
	local seconds fifo
	if [ -z "${PAUSE_FD:-}" ]; then
		fifo=${BATS_TEST_TMPDIR:-/tmp}/pause.$BASHPID
		mkfifo "$fifo" && exec {PAUSE_FD}<>"$fifo" || return 1
	fi
	printf -v seconds '0.%03d' "$1"
	read -r -t "$seconds" -u "$PAUSE_FD" || true
}

# workload_start [WORKLOAD OPTIONS...]: starts tests/vm/workload in the
# background, waits until its region is filled, and sets WORKLOAD_PID,
# WORKLOAD_ADDRESS (hex, 0x...), WORKLOAD_SIZE (bytes), WORKLOAD_CHILD
# (with --fork) and WORKLOAD_DIR (its ready/result/stall files).
# A first argument --stall-meter starts the workload's stall meter, read
# with workload_stall. It is off otherwise: the meter spins on a CPU, and
# the guest has two, so it would halve the speed of every other test.
workload_start() {
	local stall=()
	WORKLOAD_DIR=$(mktemp -d "${BATS_TEST_TMPDIR:-/tmp}/workload.XXXXXX")
	if [ "${1:-}" = --stall-meter ]; then
		stall=(--stall "$WORKLOAD_DIR/stall")
		shift
	fi
	workload --ready "$WORKLOAD_DIR/ready" --result "$WORKLOAD_DIR/result" \
		--child "$WORKLOAD_DIR/child" "${stall[@]}" "$@" \
		2>"$WORKLOAD_DIR/stderr" 3>&- &
	WORKLOAD_PID=$!
	echo "$WORKLOAD_PID" >>"${BATS_TEST_TMPDIR:-/tmp}/workload.pids"
	local tenths=1200
	while [ ! -e "$WORKLOAD_DIR/ready" ]; do
		if ! kill -0 "$WORKLOAD_PID" 2>/dev/null; then
			echo "workload failed: $(cat "$WORKLOAD_DIR/stderr")" >&2
			return 1
		fi
		tenths=$((tenths - 1))
		[ $tenths -gt 0 ] || { echo "workload not ready after 120 s" >&2; return 1; }
		sleep 0.1
	done
	read -r WORKLOAD_ADDRESS WORKLOAD_SIZE <"$WORKLOAD_DIR/ready"
	WORKLOAD_CHILD=
	[ -e "$WORKLOAD_DIR/child" ] && WORKLOAD_CHILD=$(cat "$WORKLOAD_DIR/child")
	return 0
}

# workload_verify: has the workload check its pattern; prints "ok" or
# "corrupt BYTES".
workload_verify() {
	rm -f "$WORKLOAD_DIR/result"
	kill -USR1 "$WORKLOAD_PID"
	wait_for_file "$WORKLOAD_DIR/result" && cat "$WORKLOAD_DIR/result"
}

# workload_stall: prints the longest pause (microseconds) the workload's
# stall meter (workload_start --stall-meter) saw since the last call, and
# resets it.
workload_stall() {
	rm -f "$WORKLOAD_DIR/stall"
	kill -USR2 "$WORKLOAD_PID"
	wait_for_file "$WORKLOAD_DIR/stall" && cat "$WORKLOAD_DIR/stall"
}

# workload_stop: ends the last workload started, and waits for it.
workload_stop() {
	kill -TERM "$WORKLOAD_PID" 2>/dev/null
	wait "$WORKLOAD_PID" 2>/dev/null
	return 0
}

# workload_stop_all: ends every workload this test started (call it from
# teardown so a failing test leaves nothing behind).
workload_stop_all() {
	local pid
	[ -f "${BATS_TEST_TMPDIR:-/tmp}/workload.pids" ] || return 0
	while read -r pid; do
		kill -TERM "$pid" 2>/dev/null
	done <"${BATS_TEST_TMPDIR:-/tmp}/workload.pids"
	while read -r pid; do
		wait "$pid" 2>/dev/null
	done <"${BATS_TEST_TMPDIR:-/tmp}/workload.pids"
	rm -f "${BATS_TEST_TMPDIR:-/tmp}/workload.pids"
}

# numa_maps_line PID ADDRESS: the numa_maps line of the mapping that
# starts at ADDRESS (hex, with or without 0x).
numa_maps_line() {
	local start
	start=$(printf '%x' "$(( $2 ))")
	grep "^$start " "/proc/$1/numa_maps"
}

# pages_on_node PID ADDRESS NODE: pages (in kernelpagesize_kB units) that
# numa_maps counts on NODE for the mapping at ADDRESS; 0 when none.
pages_on_node() {
	local line field
	line=$(numa_maps_line "$1" "$2") || { echo 0; return 1; }
	for field in $line; do
		case "$field" in "N$3="*) echo "${field#*=}"; return 0 ;; esac
	done
	echo 0
}

# mapping_nodes PID ADDRESS: the nodes holding pages of the mapping at
# ADDRESS, space-separated, ascending ("1", "1 2").
mapping_nodes() {
	local line field nodes=()
	line=$(numa_maps_line "$1" "$2") || return 1
	for field in $line; do
		case "$field" in N[0-9]*=*) field=${field#N}; nodes+=("${field%%=*}") ;; esac
	done
	echo "${nodes[*]}"
}

# cpuset_cgroup NAME MEMS: a cgroup v2 directory that allows only nodes
# MEMS (cpuset.mems), made where this user may make one: for root under
# /sys/fs/cgroup, for the user in the subtree the guest's init delegated
# to it (/sys/fs/cgroup/tester, whose tester/run holds the suite). Sets
# $cgroup; cgroup_remove undoes it.
cpuset_cgroup() {
	if [ "$(id -u)" -eq 0 ]; then
		cgroup=/sys/fs/cgroup/$1 CGROUP_HOME=/sys/fs/cgroup
	else
		cgroup=/sys/fs/cgroup/tester/$1 CGROUP_HOME=/sys/fs/cgroup/tester/run
	fi
	mkdir -p "$cgroup" && echo "$2" >"$cgroup/cpuset.mems"
}

# cgroup_remove: the processes of $cgroup back where they came from, and
# the directory removed (a teardown's job).
cgroup_remove() {
	local pid
	[ -n "${cgroup:-}" ] && [ -d "$cgroup" ] || return 0
	while read -r pid; do
		echo "$pid" >"$CGROUP_HOME/cgroup.procs" 2>/dev/null
	done <"$cgroup/cgroup.procs"
	rmdir "$cgroup" 2>/dev/null || true
}

# require_root: skips the test unless it runs as root.
require_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root"
}

# How many rounds the long loops of races.bats and integrity.bats make:
# 100 as root, the count the claims are made with; 20 as the unprivileged
# user, whose runs take the same paths and would add ten minutes under
# emulation to every run of the guest suites.
if [ "$NUMAMIG_VM_USER" = root ]; then
	ROUNDS=100
else
	ROUNDS=20
fi
