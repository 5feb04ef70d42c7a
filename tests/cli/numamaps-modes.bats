#!/usr/bin/env bats
# numamaps -A, --interval and --bars on the host: fixture machines
# (--sysroot), live processes (-A against -s, -s against numastat -p for 20
# processes), samples and Ctrl-C, bars on a terminal made by script(1).

load numamaps-common

setup() {
	cd "$BATS_TEST_TMPDIR"
	children=()
}

teardown() {
	for pid in "${children[@]}"; do
		kill -CONT "$pid" 2>/dev/null || true
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
}

# The four-nodes machine plus process 6000 "bignode3": 16 MiB on node 3 only.
machine_with_bignode3() {
	cp -r "$four_nodes" machine
	mkdir machine/proc/6000
	sed 's/4343/6000/g; s/worker/bignode3/' "$four_nodes/proc/4343/stat" >machine/proc/6000/stat
	sed 's/4343/6000/g; s/worker/bignode3/' "$four_nodes/proc/4343/status" >machine/proc/6000/status
	echo '7f3000000000 bind:3 anon=4096 dirty=4096 N3=4096 kernelpagesize_kB=4' >machine/proc/6000/numa_maps
	echo '7f3000000000-7f3001000000 rw-p 00000000 00:00 0 ' >machine/proc/6000/maps
}

# ---------------------------------------------------------------------- -A

@test "-A: a row per process, the largest first; kernel threads left out" {
	run -0 numamaps --sysroot "$four_nodes" -A -r -b -o PID,COMMAND,NODES,TOTAL
	assert_output - <<'END'
PID COMMAND N0 N1 N2 N3 TOTAL
4242 fakedb 1744896 2179072 3670016 5767168 13361152
5001 pinned 720896 589824 0 0 1310720
4343 worker 20480 40960 0 0 61440
END
}

@test "-A --node N ranks by what sits on node N, the total breaking ties" {
	machine_with_bignode3
	run -0 numamaps --sysroot machine -A -r -o PID
	assert_output $'PID\n6000\n4242\n5001\n4343'
	run -0 numamaps --sysroot machine -A --node 0 -r -o PID
	assert_output $'PID\n4242\n5001\n4343\n6000'
	run -0 numamaps --sysroot machine -A --node 3 -r -o PID
	assert_output $'PID\n6000\n4242\n5001\n4343'
	run -0 numamaps --sysroot machine -A --node 2 -r -b -o PID,N2,TOTAL
	assert_output $'PID N2 TOTAL\n4242 3670016 13361152\n6000 0 16777216\n5001 0 1310720\n4343 0 61440'
}

@test "-A: JSON, the user, kinds of memory as extra columns" {
	run -0 numamaps --sysroot "$four_nodes" -A -J -o +ANON,FILE,SHMEM,HUGETLB
	run -0 jq -c '.processes[0] | del(.user)' <<<"$output"
	assert_output '{"pid":4242,"command":"fakedb","n0":1744896,"n1":2179072,"n2":3670016,"n3":5767168,"total":13361152,"anon":7655424,"file":462848,"shmem":1048576,"hugetlb":4194304}'
	run -0 numamaps --sysroot "$four_nodes" -A -r -o PID,USER
	assert_line --index 1 "4242 $(getent passwd 1000 | cut -d: -f1 | grep . || echo 1000)"
}

@test "-A totals equal -s's total row for every fixture process" {
	for pid in 4242 4343 5001; do
		all=$(numamaps --sysroot "$four_nodes" -A -J | jq -c --argjson pid $pid \
			'.processes[] | select(.pid == $pid) | [.n0, .n1, .n2, .n3, .total]')
		summary=$(numamaps --sysroot "$four_nodes" -s -J $pid | jq -c \
			'.summary[-1] | [.n0, .n1, .n2, .n3, .total]')
		assert_equal "$pid $all" "$pid $summary"
	done
}

@test "-A usage: no PID, --node with -A only, one node that exists" {
	run -1 --separate-stderr numamaps -A 42
	assert_equal "${stderr_lines[0]}" "numamaps: -A takes no PID"
	run -1 --separate-stderr numamaps --node 1 42
	assert_equal "${stderr_lines[0]}" "numamaps: --node goes with -A"
	run -1 --separate-stderr numamaps --sysroot "$four_nodes" -A --node 7
	assert_equal "$stderr" "numamaps: node 7 does not exist (nodes: 0-3)"
	run -1 --separate-stderr numamaps --sysroot "$four_nodes" -A --node 0-1
	assert_equal "$stderr" "numamaps: --node takes one node, not '0-1'"
	assert_output ""
}

# Starts 20 processes that hold still: 10 sleeps, 10 stopped shells holding
# 1 to 10 MiB of heap. Sets pids.
start_twenty() {
	pids=()
	for i in $(seq 1 10); do
		sleep 1000 &
		children+=($!)
		pids+=($!)
		bash -c 'text=$(head -c '$((i * 1048576))' /dev/zero | tr "\0" x); kill -STOP $$; : "$text"' &
		children+=($!)
		pids+=($!)
	done
	for pid in "${pids[@]}"; do
		until [ "$(cat /proc/$pid/comm 2>/dev/null)" = sleep ] ||
			[ "$(awk '{ print $3 }' /proc/$pid/stat 2>/dev/null)" = T ]; do
			sleep 0.05
		done
	done
}

@test "live: -A's row of each of 20 processes equals numamaps -s for it" {
	start_twenty
	all=$(numamaps -A -J -b)
	for pid in "${pids[@]}"; do
		theirs=$(jq -c --argjson pid $pid '.processes[] | select(.pid == $pid) | del(.pid, .user, .command)' <<<"$all")
		ours=$(numamaps -s -J $pid | jq -c '.summary[-1] | del(.pid, .command, .type)')
		assert_equal "$pid $theirs" "$pid $ours"
	done
}

@test "live: numamaps -s matches numastat -p for each of 20 processes, to its 0.01 MiB" {
	start_twenty
	# numastat -p with several PIDs: a row "PID (command) node... total" each,
	# in MiB printed with %.2f, as awk prints ours (the same rounding).
	numastat -p "${pids[@]}" >numastat.txt
	nodes=$(awk '/^PID / { for (i = 1; i <= NF; i++) if ($i == "Node") printf "%s ", $(i + 1) }' numastat.txt)
	cat numastat.txt
	for pid in "${pids[@]}"; do
		theirs=$(awk -v pid=$pid '$1 == pid { $1 = ""; $2 = ""; print }' numastat.txt | xargs)
		ours=$(numamaps -s -J $pid | jq -r --arg nodes "$nodes" '.summary[-1] as $total |
			[($nodes | split(" ") | map(select(. != "")) | .[] | ($total["n" + .] // 0)), $total.total] |
			map(. / 1048576 | tostring) | join(" ")' |
			awk '{ for (i = 1; i <= NF; i++) printf "%s%.2f", (i > 1 ? " " : ""), $i; print "" }')
		assert_equal "$pid $ours" "$pid $theirs"
	done
	[ "${#pids[@]}" -eq 20 ]
}

@test "-A as another user: unreadable processes counted after the table, exit status 0" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to switch to another user"
	getent passwd numamig-test >/dev/null ||
		useradd --system --no-create-home --shell /usr/sbin/nologin numamig-test
	sleep 1000 &
	children+=($!)
	run -0 --separate-stderr setpriv --reuid=numamig-test --regid=numamig-test --clear-groups \
		$NUMAMIG_WRAPPER "$top_builddir/tools/numamaps/numamaps" -A -J
	jq -e . <<<"$output" >/dev/null
	assert_regex "$stderr" '^numamaps: [0-9]+ process(es)? could not be read \(permission denied\)$'
	# root's sleep is among them, not in the table
	run -0 jq --argjson pid ${children[0]} '[.processes[] | select(.pid == $pid)] | length' <<<"$output"
	assert_output 0
	run -0 --separate-stderr setpriv --reuid=numamig-test --regid=numamig-test --clear-groups \
		$NUMAMIG_WRAPPER "$top_builddir/tools/numamaps/numamaps" -A -q -o PID
	assert_equal "$stderr" ""
}

# ---------------------------------------------------------------- interval

@test "--interval 1 --count 3 prints three samples and exits 0" {
	sleep 1000 &
	children+=($!)
	SECONDS=0
	run -0 --separate-stderr numamaps --interval 1 --count 3 -r -b -o SAMPLE,PID,NODES,CHANGE,TOTAL ${children[0]}
	assert [ $SECONDS -ge 2 ]
	assert_equal "${#lines[@]}" 6
	assert_line --index 0 --regexp '^SAMPLE PID (N[0-9]+ )+CHANGE TOTAL$'
	assert_line --index 1 --regexp "^1 ${children[0]} ([0-9]+ )+[1-9][0-9]* [1-9][0-9]*$"
	assert_line --index 3 --regexp "^2 ${children[0]} (0 )+0 [1-9][0-9]*$"
	assert_line --index 5 --regexp "^3 ${children[0]} (0 )+0 [1-9][0-9]*$"
	assert_equal "$stderr" ""
}

@test "--interval on a fixture: the first sample is the placement itself, then no change" {
	run -0 numamaps --sysroot "$four_nodes" --interval 0.01 --count 2 -J 4343
	run -0 jq -s -c 'map(.samples[] | [.sample, .n0, .n1, .change, .total])' <<<"$output"
	assert_output '[[1,20480,40960,61440,61440],[2,0,0,0,61440]]'
	run -0 numamaps --sysroot "$four_nodes" --interval 0.01 --count 1 -o +BYTES -r -b 4343
	assert_line --index 1 --regexp '^1 [0-9T:Z-]+ 4343 worker 20480 40960 0 0 61440 61440 20480 40960 0 0$'
}

@test "--interval: Ctrl-C ends the watch between samples, exit status 0" {
	sleep 1000 &
	children+=($!)
	# Not through the numamaps function: $! must be the program, not a subshell
	# (which, in the background, ignores SIGINT).
	${NUMAMIG_WRAPPER:-} "$top_builddir/tools/numamaps/numamaps" --interval 0.2 -J ${children[0]} \
		>samples.json 2>stderr.txt &
	watcher=$!
	until [ -s samples.json ]; do sleep 0.05; done
	kill -INT $watcher
	status=0
	wait $watcher || status=$?
	assert_equal "$status" 0
	run -0 jq -s 'length >= 1' samples.json
	assert_output true
	assert_equal "$(cat stderr.txt)" ""
}

@test "--interval: a process that exits is named, the watch ends, exit status 1" {
	sleep 1000 &
	victim=$!
	numamaps --interval 0.2 -r $victim >samples.txt 2>stderr.txt &
	watcher=$!
	until [ -s samples.txt ]; do sleep 0.05; done
	kill $victim
	wait $victim || true
	status=0
	wait $watcher || status=$?
	assert_equal "$status" 1
	assert_equal "$(cat stderr.txt)" "numamaps: process $victim (sleep) exited during the watch"
}

@test "--interval and --count usage errors" {
	for bad in 0 -1 abc 1x nan inf 1e9; do
		run -1 --separate-stderr numamaps --interval "$bad" 1
		assert_equal "${stderr_lines[0]}" "numamaps: invalid interval '$bad'"
	done
	for bad in 0 -1 abc 2x; do
		run -1 --separate-stderr numamaps --interval 1 --count "$bad" 1
		assert_equal "${stderr_lines[0]}" "numamaps: invalid count '$bad'"
	done
	run -1 --separate-stderr numamaps --count 3 1
	assert_equal "${stderr_lines[0]}" "numamaps: --count goes with --interval"
	run -1 --separate-stderr numamaps --interval 1 -A
	assert_equal "${stderr_lines[0]}" "numamaps: -s, -A, --diff, --save, --interval and --bars do not combine"
}

# -------------------------------------------------------------------- bars

# on_terminal COMMAND...: runs it on a pseudo-terminal 60 columns wide.
on_terminal() {
	script -qec "stty cols 60 rows 20; $*" /dev/null | tr -d '\r'
}

@test "--bars on a terminal: a bar per node, as wide as the terminal, the shares in %" {
	run -0 on_terminal NO_COLOR=1 "$top_builddir/tools/numamaps/numamaps" --sysroot "$four_nodes" --bars 4242
	assert_line --index 0 '4242 fakedb: 12.7M'
	# 12.7M: N0 1.7M is 13%; 60 columns: "  N0 [" + 41 cells + "]   1.7M  13%"
	assert_line --index 1 '  N0 [####=                                    ]   1.7M  13%'
	assert_line --index 4 --regexp '^  N3 \[#{3}~{2}\*{13} +\]   5\.5M  43%$'
	assert_line --index 5 '  # anonymous  = file  ~ shared memory  * hugetlb'
	for line in "${lines[@]:1:4}"; do
		assert_equal "${#line}" 60
	done
}

@test "--bars: color on a terminal, none with NO_COLOR" {
	run -0 on_terminal "$top_builddir/tools/numamaps/numamaps" --sysroot "$four_nodes" --bars 4343
	assert_line --index 1 --partial $'\e[32m'
	run -0 on_terminal NO_COLOR=1 "$top_builddir/tools/numamaps/numamaps" --sysroot "$four_nodes" --bars 4343
	refute_output --partial $'\e['
}

@test "--bars off a terminal or with -J: a clear error, exit status 1" {
	run -1 --separate-stderr numamaps --sysroot "$four_nodes" --bars 4242
	assert_equal "$stderr" "numamaps: --bars draws on a terminal: for a pipe or a file use -s (or -s -J)"
	assert_output ""
	run -1 --separate-stderr numamaps --sysroot "$four_nodes" --bars -J 4242
	assert_equal "${stderr_lines[0]}" "numamaps: --bars draws on a terminal: it has no JSON form (use -s -J)"
}
