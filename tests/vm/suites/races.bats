#!/usr/bin/env bats
# Races: the process exits at random moments while migratepages and
# movepages work on it; its range is unmapped under movepages; its PID is
# taken by a new process between the moment a tool chose it and the
# moment it acts; and a target node too small for what is sent to it.
# Never a crash, never the wrong process, one line saying what happened.

load /tests/lib/guest

bats_require_minimum_version 1.5.0

teardown() {
	workload_stop_all
}

# now_ms VARIABLE: the time in milliseconds, into VARIABLE (no fork)
now_ms() {
	local now=${EPOCHREALTIME/./}
	printf -v "$1" %d $((now / 1000))
}

# The runs of a race go in two streams side by side: each run is
# mostly waiting for processes to start, the guest has two CPUs, and a
# busy host shares its cores among runnable threads. Each stream has a
# directory of its own, $RACE_DIR.

# start_racer LIFETIME: an 8 MiB workload of 4 KiB pages on node 0 that
# exits LIFETIME ms after its region is filled. Sets WORKLOAD_PID (for
# teardown) and WORKLOAD_ADDRESS. Polls every 10 ms with no fork, so the
# lifetime counts from about when the tool starts.
start_racer() {
	local directory=${RACE_DIR:-$BATS_TEST_TMPDIR}
	rm -f "$directory/ready"
	workload --size 8M --node 0 --page-size 4k --lifetime "$1" \
		--ready "$directory/ready" 2>"$directory/workload-stderr" 3>&- &
	WORKLOAD_PID=$!
	echo "$WORKLOAD_PID" >>"$BATS_TEST_TMPDIR/workload.pids"
	while [ ! -e "$directory/ready" ]; do
		if ! kill -0 "$WORKLOAD_PID" 2>/dev/null && [ ! -e "$directory/ready" ]; then
			echo "workload failed: $(cat "$directory/workload-stderr")" >&2
			return 1
		fi
		pause_ms 10
	done
	read -r WORKLOAD_ADDRESS _ <"$directory/ready"
}

# run_quietly COMMAND...: runs COMMAND as `run --separate-stderr` does,
# setting $status, $output, $stderr and $stderr_lines, with no fork but
# COMMAND's own (run takes two more, 100 ms and more under emulation).
run_quietly() {
	local directory=${RACE_DIR:-$BATS_TEST_TMPDIR}
	status=0
	"$@" >"$directory/stdout" 2>"$directory/stderr" || status=$?
	output= stderr=
	read -r -d '' output <"$directory/stdout" || true
	read -r -d '' stderr <"$directory/stderr" || true
	mapfile -t stderr_lines <"$directory/stderr"
}

# race_outcome TOOL PID: what became of the last run (after run_quietly),
# one word in $outcome; returns 1 after a line on stderr on a crash, an
# exit status other than 0, 1 and 64, or an error that is not one clear
# line saying that the process went away.
race_outcome() {
	local tool=$1 pid=$2 problem=
	local context="$tool on PID $pid: exit $status, stdout '$output', stderr '$stderr'"
	outcome=
	case "$status" in
	0 | 64)
		[ -z "$stderr" ] && outcome=finished || problem="a message on success" ;;
	1)
		if [ "${#stderr_lines[@]}" -ne 1 ]; then
			problem="not one line on stderr"
		elif [ -n "$output" ]; then
			problem="a report for a process that went away"
		else
			case "${stderr_lines[0]}" in
			"$tool: no process with PID $pid" | "$tool: process $pid does not exist" | \
			"$tool: process $pid exited")
				outcome=gone ;;
			"$tool: process $pid (workload) exited before the move")
				outcome=before ;;
			"$tool: process $pid (workload) exited during the move")
				outcome=during ;;
			*)
				problem="unclear message" ;;
			esac
		fi ;;
	*)
		[ "$status" -ge 128 ] && problem=crashed || problem="exit status" ;;
	esac
	[ -z "$problem" ] || { echo "$problem: $context" >&2; return 1; }
}

# race_stream TOOL FIRST LAST LIMIT0 LIMIT1 ENGINE-OPTIONS...: runs FIRST
# to LAST; an odd run uses ENGINE-OPTIONS and a lifetime below LIMIT1 ms,
# an even one none and LIMIT0. Prints one outcome a line.
race_stream() {
	local tool=$1 first=$2 last=$3 run engine lifetime outcome
	local -a limits=("$4" "$5") engines=("" "${*:6}") command
	for run in $(seq "$first" "$last"); do
		engine=$((run % 2))
		lifetime=$((RANDOM % (limits[engine] + 1)))
		start_racer "$lifetime" || return 1
		tool_command "$tool" "$WORKLOAD_PID" ${engines[engine]}
		run_quietly "${command[@]}"
		race_outcome "$tool" "$WORKLOAD_PID" || return 1
		echo "$outcome"
		kill -TERM "$WORKLOAD_PID" 2>/dev/null || true
		wait "$WORKLOAD_PID" 2>/dev/null || true
	done
}

# exit_race TOOL ENGINE-OPTIONS...: $ROUNDS runs of TOOL (100 as root), alternately with no
# engine option and with ENGINE-OPTIONS, each on a new 8 MiB workload that
# exits on its own at a random moment of the run: between 0 and 1.25
# times what a run on a workload that stays takes (measured first, per
# engine: that run must move the region).
exit_race() {
	local tool=$1
	shift
	local -a engines=("" "$*") command streams=() limits=()
	local -A outcomes=()
	local started ended engine stream outcome began

	for engine in 0 1; do
		start_racer 600000
		tool_command "$tool" "$WORKLOAD_PID" ${engines[engine]}
		now_ms started
		run --separate-stderr "${command[@]}"
		now_ms ended
		limits[engine]=$(((ended - started) * 5 / 4))
		[ "$status" -eq 0 ] || [ "$status" -eq 64 ] || fail "no race, ${command[*]}: exit $status: $stderr"
		assert_equal "$(pages_on_node "$WORKLOAD_PID" "$WORKLOAD_ADDRESS" 1)" 2048
		workload_stop
	done

	now_ms began
	for stream in 0 1; do
		mkdir -p "$BATS_TEST_TMPDIR/stream$stream"
		RACE_DIR=$BATS_TEST_TMPDIR/stream$stream race_stream "$tool" \
			$((stream * ROUNDS / 2 + 1)) $(((stream + 1) * ROUNDS / 2)) "${limits[@]}" "$@" \
			>"$BATS_TEST_TMPDIR/outcomes$stream" 2>"$BATS_TEST_TMPDIR/failure$stream" &
		streams[stream]=$!
	done
	for stream in 0 1; do
		wait "${streams[stream]}" || fail "$(cat "$BATS_TEST_TMPDIR/failure$stream")"
	done
	now_ms ended
	while read -r outcome; do
		outcomes[$outcome]=$((${outcomes[$outcome]:-0} + 1))
	done < <(cat "$BATS_TEST_TMPDIR/outcomes0" "$BATS_TEST_TMPDIR/outcomes1")
	echo "# $NUMAMIG_VM_KERNEL $tool, lifetimes up to ${limits[0]} ms, ${limits[1]} ms with ${engines[1]}:" \
		"gone before it was pinned ${outcomes[gone]:-0}, exited before the move" \
		"${outcomes[before]:-0}, during the move ${outcomes[during]:-0}," \
		"finished first ${outcomes[finished]:-0}; $ROUNDS runs in $((ended - began)) ms" >&3
	assert_equal $((${outcomes[gone]:-0} + ${outcomes[before]:-0} + ${outcomes[during]:-0} + ${outcomes[finished]:-0})) "$ROUNDS"
	# the race was run: some exits landed while the tool held the process
	[ $((${outcomes[before]:-0} + ${outcomes[during]:-0})) -gt 0 ]
}

# tool_command TOOL PID ENGINE-OPTIONS...: the command that moves the
# workload's pages from node 0 to node 1, in $command
tool_command() {
	local tool=$1 pid=$2
	shift 2
	if [ "$tool" = migratepages ]; then
		command=(migratepages "$@" "$pid" 0 1)
	else
		command=(movepages -p "$pid" --to 1 "$@")
	fi
}

@test "the process exits at random moments during migratepages (100 runs as root, 20 as the user, both engines): exit 1 says it went away" {
	exit_race migratepages --jobs 2 --chunk 2M
}

@test "the process exits at random moments during movepages (100 runs as root, 20 as the user, one job and --jobs 2): exit 1 says it went away" {
	exit_race movepages --jobs 2 --chunk 2M
}

# outcome NAME: pages of that outcome in movepages' JSON report ($output)
outcome() {
	jq -r --arg name "$1" '.outcomes[] | select(.outcome == $name) | .pages' <<<"$output"
}

# Not mapped is no shortfall (as for a range half outside any mapping):
# what the process unmapped has no pages left to move, so the exit is 0.
@test "the range is unmapped while movepages works on it: what was left is reported not mapped, exit 0" {
	workload_start --size 16M --node 0 --page-size 4k
	# 8 calls of 2 MiB, a quarter of a second apart
	movepages -p "$WORKLOAD_PID" --to 1 --range "$WORKLOAD_ADDRESS+16M" --rate 8M --chunk 2M -J \
		>"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" &
	mover=$!
	until [ "$(pages_on_node "$WORKLOAD_PID" "$WORKLOAD_ADDRESS" 1)" -gt 0 ]; do
		kill -0 "$mover" || fail "movepages ended before a page moved: $(cat "$BATS_TEST_TMPDIR/err")"
		pause_ms 20
	done
	kill -URG "$WORKLOAD_PID"
	mover_status=0
	wait "$mover" || mover_status=$?
	output=$(cat "$BATS_TEST_TMPDIR/out")
	echo "$output"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/err")" ""
	moved=$(outcome moved)
	unmapped=$(outcome 'not mapped')
	absent=$(outcome 'not present')
	echo "# $NUMAMIG_VM_KERNEL $moved pages moved before the unmap, $unmapped not mapped, $absent not present" >&3
	[ "$moved" -gt 0 ] && [ "$moved" -lt 4096 ]
	assert_equal $((moved + unmapped + absent)) 4096
	# the workload lives on, without its region
	kill -0 "$WORKLOAD_PID"
	run grep "^${WORKLOAD_ADDRESS#0x}-" "/proc/$WORKLOAD_PID/maps"
	assert_failure
	assert_equal "$(workload_verify)" unmapped
	assert_equal "$absent" 0
	assert_equal "$mover_status" 0
	assert_equal "$(jq -r '.outcomes[] | select(.outcome == "not mapped") | .meaning' "$BATS_TEST_TMPDIR/out")" \
		"no mapping of the process covers these addresses"
}

pgmigrate_success() {
	awk '$1 == "pgmigrate_success" { print $2 }' /proc/vmstat
}

# process_state PID: the state letter of /proc/PID/stat (R, S, T, ...)
process_state() {
	local stat
	read -r stat <"/proc/$1/stat"
	stat=${stat##*) }
	echo "${stat%% *}"
}

# pid_reuse TOOL: runs in a new PID namespace, as its init, and prints
# what happened, one fact a line. TOOL starts on a workload of 16 MiB (a
# victim), with --rate so that it takes 2 s; once a page has moved (so it
# has pinned every process) TOOL is stopped with SIGSTOP; the victim is
# ended and reaped, ns_last_pid makes the next process take its PID, a
# new workload (the newcomer) starts with it; TOOL is continued. For
# migratepages, a first workload is moved before the victim, which TOOL
# reaches only after the swap.
# mover_alive PID: true while the tool runs; else says how it ended (a
# wait for its first page would otherwise last until the suite's limit).
mover_alive() {
	kill -0 "$1" 2>/dev/null && return 0
	echo "the tool ended before a page moved: $(cat "$BATS_TEST_TMPDIR/err")" >&2
	return 1
}

pid_reuse() {
	local tool=$1 directory=$BATS_TEST_TMPDIR first= first_address victim address mover
	local newcomer newcomer_address status before after
	if [ "$tool" = migratepages ]; then
		workload_start --size 16M --node 0 --page-size 4k
		first=$WORKLOAD_PID first_address=$WORKLOAD_ADDRESS
	fi
	workload_start --size 16M --node 0 --page-size 4k
	victim=$WORKLOAD_PID address=$WORKLOAD_ADDRESS
	if [ "$tool" = migratepages ]; then
		migratepages -J --rate 8M "$first,$victim" 0 1 >"$directory/out" 2>"$directory/err" &
		mover=$!
		until [ "$(pages_on_node "$first" "$first_address" 1)" -gt 0 ]; do
			mover_alive "$mover" || return 1
			sleep 0.05
		done
	else
		movepages -p "$victim" --to 1 --range "$address+16M" --rate 8M --chunk 2M -J \
			>"$directory/out" 2>"$directory/err" &
		mover=$!
		until [ "$(pages_on_node "$victim" "$address" 1)" -gt 0 ]; do
			mover_alive "$mover" || return 1
			sleep 0.05
		done
	fi
	echo "victim: $victim"
	kill -STOP "$mover"
	until [ "$(process_state "$mover")" = T ]; do sleep 0.05; done
	echo "victim moved before the stop: $(pages_on_node "$victim" "$address" 1)"
	kill -TERM "$victim"
	wait "$victim"
	# no fork between these two lines: the workload is the next process
	echo $((victim - 1)) >/proc/sys/kernel/ns_last_pid
	workload --size 16M --node 0 --page-size 4k --ready "$directory/newcomer" 3>&- &
	newcomer=$!
	wait_for_file "$directory/newcomer"
	read -r newcomer_address _ <"$directory/newcomer"
	echo "same PID: $([ "$newcomer" = "$victim" ] && echo yes || echo "no: $victim then $newcomer")"
	echo "newcomer on nodes 0 and 1: $(pages_on_node "$newcomer" "$newcomer_address" 0) $(pages_on_node "$newcomer" "$newcomer_address" 1)"
	before=$(pgmigrate_success)
	kill -CONT "$mover"
	status=0
	wait "$mover" || status=$?
	after=$(pgmigrate_success)
	echo "exit: $status"
	echo "stderr: $(cat "$directory/err")"
	echo "processes reported: $(jq -c '[.processes[]?.pid]' "$directory/out" 2>/dev/null)"
	echo "newcomer after: $(pages_on_node "$newcomer" "$newcomer_address" 0) $(pages_on_node "$newcomer" "$newcomer_address" 1)"
	[ -z "$first" ] || echo "first on node 1: $(pages_on_node "$first" "$first_address" 1)"
	echo "pages migrated after the swap: $((after - before))"
	kill -TERM "$newcomer" $first
	wait
}

# in_pid_namespace FUNCTION ARGUMENTS...: runs FUNCTION (with the guest
# helpers) as PID 1 of a new PID namespace, with its own /proc. Its
# workloads are listed in a directory of its own: their PIDs mean other
# processes outside (teardown would signal those). The unprivileged user
# makes a user namespace too, which gives it the right to set
# ns_last_pid there: the tools then run as the user (root only inside,
# with no privilege over the pages that the user lacks outside).
in_pid_namespace() {
	local user=()
	[ "$(id -u)" -eq 0 ] || user=(--user --map-root-user)
	mkdir -p "$BATS_TEST_TMPDIR/namespace"
	unshare "${user[@]}" --pid --fork --mount-proc bash -c "BATS_TEST_TMPDIR='$BATS_TEST_TMPDIR/namespace'
		$(declare -f wait_for_file workload_start numa_maps_line pages_on_node \
			pgmigrate_success process_state mover_alive pid_reuse)
		set -u
		$*"
}

@test "PID reuse: migratepages chose a process, a new one took its PID before the move: refused, the new one untouched" {
	run --separate-stderr in_pid_namespace pid_reuse migratepages
	echo "$output"
	echo "$stderr"
	assert_line "same PID: yes"
	assert_line "newcomer on nodes 0 and 1: 4096 0"
	assert_line "victim moved before the stop: 0"
	assert_line "exit: 1"
	victim=$(sed -n 's/^victim: //p' <<<"$output")
	assert_line "stderr: migratepages: process $victim (workload) exited before the move"
	assert_line "newcomer after: 4096 0"
	# the first process was moved, and reported; the victim was not
	assert_line "first on node 1: 4096"
	assert_line --regexp '^processes reported: \[[0-9]+\]$'
}

@test "PID reuse: movepages was moving a process, a new one took its PID: refused, nothing more moved" {
	run --separate-stderr in_pid_namespace pid_reuse movepages
	echo "$output"
	echo "$stderr"
	assert_line "same PID: yes"
	assert_line "newcomer on nodes 0 and 1: 4096 0"
	assert_line --regexp "^victim moved before the stop: [1-9][0-9]*$"
	assert_line "exit: 1"
	victim=$(sed -n 's/^victim: //p' <<<"$output")
	assert_line "stderr: movepages: process $victim (workload) exited during the move"
	assert_line "processes reported: "
	assert_line "newcomer after: 4096 0"
	assert_line "pages migrated after the swap: 0"
}

@test "migratepages to node 3, too small for the workload: partial, exit 64, the shortfall reported, the process intact" {
	for engine in kernel "--jobs 2"; do
		workload_start --size 192M --node 0 --page-size 4k
		if [ "$engine" = kernel ]; then
			run --separate-stderr migratepages "$WORKLOAD_PID" 0 3
		else
			run --separate-stderr migratepages --jobs 2 "$WORKLOAD_PID" 0 3
		fi
		echo "$output"
		echo "$stderr"
		assert_equal "$status" 64
		assert_equal "$stderr" ""
		on3=$(pages_on_node "$WORKLOAD_PID" "$WORKLOAD_ADDRESS" 3)
		on0=$(pages_on_node "$WORKLOAD_PID" "$WORKLOAD_ADDRESS" 0)
		echo "# $NUMAMIG_VM_KERNEL $engine engine: node 3 took $on3 pages, $on0 stayed on node 0" >&3
		[ "$on3" -gt 0 ] && [ "$on0" -gt 0 ]
		assert_equal $((on3 + on0)) 49152
		assert_line --regexp "^PID $WORKLOAD_PID \(workload\): [0-9.]+M stayed on node 0: the target node had no free memory for it\$"
		assert_equal "$(workload_verify)" ok
		workload_stop
	done
}
