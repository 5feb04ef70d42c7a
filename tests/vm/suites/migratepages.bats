#!/usr/bin/env bats
# migratepages on real nodes: the same placement as numactl's for every
# node-set mapping (by the kernel and by the move_pages engine), the truth
# about pages shared after fork(), reports that agree with numamaps, the
# pattern intact, --rate keeping time, and every error with nothing moved.

load /tests/lib/guest

bats_require_minimum_version 1.5.0

teardown() {
	workload_stop_all
	cgroup_remove
}

# The region's pages on nodes 0 to 3: "1024 1024 1024 1024".
region_nodes() {
	local node counts=()
	for node in 0 1 2 3; do
		counts+=("$(pages_on_node "$1" "$2" "$node")")
	done
	echo "${counts[*]}"
}

pgmigrate_success() {
	awk '$1 == "pgmigrate_success" { print $2 }' /proc/vmstat
}

# One error line from migratepages, exit status 1, and not one page moved
# anywhere on the machine (nothing else migrates: numa_balancing is off).
assert_refused() {
	local message=$1
	shift
	local before
	before=$(pgmigrate_success)
	run --separate-stderr migratepages "$@"
	assert_equal "$status" 1
	assert_equal "$output" ""
	assert_equal "${#stderr_lines[@]}" 1
	assert_equal "${stderr_lines[0]}" "$message"
	assert_equal "$(pgmigrate_success)" "$before"
}

# compare_with_numactl FROM TO EXPECTED: three identical workloads, 4 MiB
# of 4 KiB pages interleaved over nodes 0-3 (256 pages on each); numactl
# moves the first, ours the second (migrate_pages) and the third (--jobs 2,
# move_pages); all three regions end with EXPECTED pages on nodes 0-3.
compare_with_numactl() {
	local from=$1 to=$2 expected=$3 numactl ours ours_jobs
	workload_start --size 4M --node 0-3
	numactl=$WORKLOAD_PID numactl_address=$WORKLOAD_ADDRESS
	assert_equal "$(region_nodes $numactl $numactl_address)" "256 256 256 256"
	workload_start --size 4M --node 0-3
	ours=$WORKLOAD_PID ours_address=$WORKLOAD_ADDRESS
	workload_start --size 4M --node 0-3
	ours_jobs=$WORKLOAD_PID ours_jobs_address=$WORKLOAD_ADDRESS

	run $NUMACTL_MIGRATEPAGES $numactl "$from" "$to"
	assert_success
	run migratepages -J $ours "$from" "$to"
	[ "$status" -eq 0 ] || [ "$status" -eq 64 ]
	echo "$output" | jq -e '.processes[0].engine == "migrate_pages"'
	run migratepages -J --jobs 2 $ours_jobs "$from" "$to"
	[ "$status" -eq 0 ] || [ "$status" -eq 64 ]
	echo "$output" | jq -e '.processes[0].engine == "move_pages"'

	assert_equal "$(region_nodes $numactl $numactl_address)" "$expected"
	assert_equal "$(region_nodes $ours $ours_address)" "$expected"
	assert_equal "$(region_nodes $ours_jobs $ours_jobs_address)" "$expected"
	WORKLOAD_PID=$ours_jobs
	assert_equal "$(workload_verify)" ok
}

@test "0 to 1: the same placement as numactl's, by the kernel and with --jobs 2" {
	compare_with_numactl 0 1 "0 512 256 256"
}

@test "0,1 to 1,2: the same placement as numactl's" {
	compare_with_numactl 0,1 1,2 "0 256 512 256"
}

@test "1,2 to 0,3: the same placement as numactl's" {
	compare_with_numactl 1,2 0,3 "512 0 0 512"
}

@test "0-3 to 1: the same placement as numactl's (node 1 keeps its pages)" {
	compare_with_numactl 0-3 1 "0 1024 0 0"
}

@test "1 to 2,3: the same placement as numactl's (no spreading)" {
	compare_with_numactl 1 2,3 "256 0 512 256"
}

@test "all to 2: the same placement as numactl's" {
	compare_with_numactl all 2 "0 0 1024 0"
}

@test "!2 to 2: the same placement as numactl's" {
	compare_with_numactl '!2' 2 "0 0 1024 0"
}

# After fork() the region's pages are shared copy-on-write with the child.
# Three such workloads (4 MiB, node 0): numactl moves the first, ours the
# second (migrate_pages) and the third (--jobs 2: move_pages, which sees
# each page's fate).
@test "pages shared after fork: numactl is silent, ours says what stayed and why" {
	workload_start --size 4M --node 0 --fork
	numactl=$WORKLOAD_PID numactl_address=$WORKLOAD_ADDRESS
	workload_start --size 4M --node 0 --fork
	ours=$WORKLOAD_PID ours_address=$WORKLOAD_ADDRESS ours_directory=$WORKLOAD_DIR
	workload_start --size 4M --node 0 --fork
	ours_jobs=$WORKLOAD_PID ours_jobs_address=$WORKLOAD_ADDRESS

	run --separate-stderr $NUMACTL_MIGRATEPAGES $numactl 0 1
	assert_equal "$status" 0
	assert_equal "$output" ""
	assert_equal "$stderr" ""
	run --separate-stderr migratepages $ours 0 1
	text_status=$status text_output=$output
	run --separate-stderr migratepages -J --jobs 2 $ours_jobs 0 1
	jobs_status=$status jobs_output=$output
	if [ "$NUMAMIG_VM_USER" = root ]; then
		# CAP_SYS_NICE: all of them move them all
		assert_equal "$(region_nodes $numactl $numactl_address)" "0 1024 0 0"
		assert_equal "$(region_nodes $ours $ours_address)" "0 1024 0 0"
		assert_equal "$(region_nodes $ours_jobs $ours_jobs_address)" "0 1024 0 0"
		# 64 only for pages outside the region (a library on ramfs)
		[ "$text_status" -eq 0 ] || [ "$text_status" -eq 64 ]
		[ "$jobs_status" -eq 0 ] || [ "$jobs_status" -eq 64 ]
	else
		assert_equal "$(region_nodes $numactl $numactl_address)" "1024 0 0 0"
		assert_equal "$(region_nodes $ours $ours_address)" "1024 0 0 0"
		assert_equal "$(region_nodes $ours_jobs $ours_jobs_address)" "1024 0 0 0"
		assert_equal "$text_status" 64
		# the region's 4M, and more: libraries other processes map too
		echo "$text_output"
		echo "$text_output" | grep -q "^PID $ours (workload): [0-9.]*M stayed on node 0: mapped by other processes too: moving them needs CAP_SYS_NICE\$"
		assert_equal "$jobs_status" 64
		echo "$jobs_output" | jq -e '.processes[0] | .stayed >= 4194304 and (.reason | split(",") | index("shared") != null)'
		echo "$jobs_output" | jq -e '.processes[0].children[] | select(.node == 0) | .stayed >= 4194304'
	fi
	# workload_verify asks the last workload started: point it at ours
	WORKLOAD_PID=$ours WORKLOAD_DIR=$ours_directory
	assert_equal "$(workload_verify)" ok
}

# numamaps_nodes PID: numamaps' per-node totals of the process, bytes,
# "n0 n1 n2 n3".
numamaps_nodes() {
	numamaps -s -J -b "$1" |
		jq -r '.summary[] | select(.type == "total") | [.n0, .n1, .n2, .n3] | map(. // 0) | join(" ")'
}

# report_nodes REPORT WHICH: our report's per-node BEFORE or AFTER, "n0 n1 n2 n3".
report_nodes() {
	echo "$1" | jq -r --arg which "$2" '[range(4) as $node |
		([.processes[0].children[] | select(.node == $node) | .[$which]] | add // 0)] | join(" ")'
}

# nodes_agree "A0 A1 A2 A3" "B0 B1 B2 B3": equal to within two pages per
# node: the workload's stall meter maps and unmaps a page now and then.
nodes_agree() {
	echo "report: $1; numamaps: $2"
	local -a ours=($1) theirs=($2)
	local node difference
	for node in 0 1 2 3; do
		difference=$((ours[node] - theirs[node]))
		[ "${difference#-}" -le 8192 ] || return 1
	done
}

# Before and after, our report's bytes per node are what numamaps reads
# from numa_maps just before and just after; the region is on node 1.
report_agrees_with_numamaps() {
	local page_size=$1 before report
	workload_start --size 16M --node 0 --page-size "$page_size"
	before=$(numamaps_nodes $WORKLOAD_PID)
	run --separate-stderr migratepages -J $WORKLOAD_PID 0 1
	[ "$status" -eq 0 ] || [ "$status" -eq 64 ]
	report=$output
	nodes_agree "$(report_nodes "$report" before)" "$before"
	nodes_agree "$(report_nodes "$report" after)" "$(numamaps_nodes $WORKLOAD_PID)"
	assert_equal "$(region_nodes $WORKLOAD_PID $WORKLOAD_ADDRESS)" "0 4096 0 0"
	echo "$report" | jq -e '.processes[0].moved >= 16777216'
	assert_equal "$(workload_verify)" ok
}

@test "4 KiB pages: the report agrees with numamaps, the pattern is intact" {
	report_agrees_with_numamaps 4k
}

@test "THP: the report agrees with numamaps, the pattern is intact" {
	report_agrees_with_numamaps thp
	echo "$report" | jq -e '.processes[0].system_thp_migration_success >= 8'
}

# 256 MiB at 50 MiB/s is 5.12 s; the issue allows 5 s +/- 15%. On 4 KiB
# pages this took 10.25 s while the engine booked each 2 MiB block twice
# (the probe sending its first page as a possible THP, then its pages).
# A rate is a bound: it cannot be shown where the guest itself moves no
# faster. When the paced move misses the window, the same move unpaced
# tells which it is: within 10% of 5.12 s or slower, the emulated machine
# is too slow for the bound to show (a skip, with the figures); faster,
# the pacing is wrong (a failure).
assert_rate_keeps_time() {
	local unpaced
	workload_start --size 256M --node 0 --page-size "$1"
	run --separate-stderr migratepages -J --rate 50M $WORKLOAD_PID 0 1
	[ "$status" -eq 0 ] || [ "$status" -eq 64 ]
	elapsed=$(echo "$output" | jq .processes[0].elapsed)
	echo "elapsed: $elapsed s"
	assert_equal "$(region_nodes $WORKLOAD_PID $WORKLOAD_ADDRESS)" "0 65536 0 0"
	assert_equal "$(workload_verify)" ok
	if ! echo "$elapsed" | awk '{ exit !($1 >= 4.25 && $1 <= 5.75) }'; then
		run --separate-stderr migratepages -J --jobs 1 $WORKLOAD_PID 1 0
		unpaced=$(echo "$output" | jq .processes[0].elapsed)
		echo "unpaced: $unpaced s"
		if echo "$unpaced" | awk '{ exit !($1 >= 4.6) }'; then
			skip "at 50M it took $elapsed s, unpaced $unpaced s: this guest moves $1 pages too slowly to show the bound"
		fi
		false
	fi
}

@test "--rate 50M moves 256 MiB of 4 KiB pages in 5 s +/- 15%" {
	assert_rate_keeps_time 4k
}

@test "--rate 50M moves 256 MiB of THPs in 5 s +/- 15%" {
	assert_rate_keeps_time thp
}

@test "--rate on a terminal: a progress line while it moves, cleared at the end" {
	workload_start --size 16M --node 0 --page-size 4k
	# 16 MiB at 8 MiB/s: two seconds; the line appears after one
	# as the user, library pages shared with other processes stay: 64
	run script -qec "migratepages --rate 8M $WORKLOAD_PID 0 1" /dev/null
	[ "$status" -eq 0 ] || [ "$status" -eq 64 ]
	assert_output --regexp $'\rmoved [0-9.]+[KM]?, walked [0-9.]+[KM]? of [0-9.]+M\e\[K'
	assert_output --partial $'\r\e[K'
	assert_equal "$(region_nodes $WORKLOAD_PID $WORKLOAD_ADDRESS)" "0 4096 0 0"
}

# ------------------------------------------------------------ errors

@test "no such process: exit 1, one line, nothing moved" {
	sh -c 'exit 0' &
	gone=$!
	wait $gone
	assert_refused "migratepages: no process with PID $gone" $gone 0 1
}

@test "a kernel thread: exit 1, one line, nothing moved" {
	assert_refused "migratepages: process 2 (kthreadd) is a kernel thread: it has no user memory" 2 0 1
}

@test "a node that does not exist: exit 1, one line, nothing moved" {
	workload_start --size 4M --node 0
	assert_refused "migratepages: node 4 does not exist (nodes: 0-3)" $WORKLOAD_PID 0 4
	assert_equal "$(region_nodes $WORKLOAD_PID $WORKLOAD_ADDRESS)" "1024 0 0 0"
}

@test "another user's process without privilege: exit 1, one line, nothing moved" {
	workload_start --size 4M --node 0
	if [ "$NUMAMIG_VM_USER" = root ]; then
		# root's workload, moved by tester
		before=$(pgmigrate_success)
		run --separate-stderr setpriv --reuid=1000 --regid=1000 --clear-groups \
			migratepages $WORKLOAD_PID 0 1
		assert_equal "$status" 1
		assert_equal "${stderr_lines[0]}" \
			"migratepages: process $WORKLOAD_PID (workload) belongs to uid 0: moving it needs CAP_SYS_PTRACE"
		assert_equal "$(pgmigrate_success)" "$before"
		assert_equal "$(region_nodes $WORKLOAD_PID $WORKLOAD_ADDRESS)" "1024 0 0 0"
	else
		# PID 1 belongs to root
		assert_refused "migratepages: process 1 ($(cat /proc/1/comm)) belongs to uid 0: moving it needs CAP_SYS_PTRACE" 1 0 1
	fi
}

# A workload in a cpuset cgroup with mems 0-1 (root's, or the user's own
# in its delegated subtree).
cpuset_workload() {
	cpuset_cgroup migratepages-test 0-1
	workload_start --size 4M --node 0
	echo "$WORKLOAD_PID" >"$cgroup/cgroup.procs"
}

@test "a target outside the process's cpuset: exit 1, one line, nothing moved" {
	cpuset_workload
	assert_refused "migratepages: node 2 is outside the cpuset of process $WORKLOAD_PID (workload) (mems: 0-1)" $WORKLOAD_PID 0 2
	assert_equal "$(region_nodes $WORKLOAD_PID $WORKLOAD_ADDRESS)" "1024 0 0 0"
}

@test "--cgroup moves every process of a cgroup" {
	cpuset_workload
	run --separate-stderr migratepages -J --cgroup "$cgroup" 0 1
	[ "$status" -eq 0 ] || [ "$status" -eq 64 ]
	echo "$output" | jq -e "[.processes[].pid] == [$WORKLOAD_PID]"
	assert_equal "$(region_nodes $WORKLOAD_PID $WORKLOAD_ADDRESS)" "0 1024 0 0"
}

@test "--name and --user choose the processes" {
	workload_start --size 4M --node 0
	run --separate-stderr migratepages --dry-run -J --name '^workload$' 0 1
	assert_success
	echo "$output" | jq -e "[.processes[].pid] | index($WORKLOAD_PID) != null"
	run --separate-stderr migratepages -J --user "$(id -un)" --name '^workload$' 0 1
	[ "$status" -eq 0 ] || [ "$status" -eq 64 ]
	assert_equal "$(region_nodes $WORKLOAD_PID $WORKLOAD_ADDRESS)" "0 1024 0 0"
}

@test "the process exits during the move: exit 1, one line" {
	workload_start --size 16M --node 0 --page-size 4k
	migratepages --rate 4M $WORKLOAD_PID 0 1 >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" &
	mover=$!
	# 4 calls of 4M, one a second: stop the workload once the first has moved
	tenths=600
	while [ "$(pages_on_node $WORKLOAD_PID $WORKLOAD_ADDRESS 1)" -eq 0 ] && [ $tenths -gt 0 ]; do
		sleep 0.1
		tenths=$((tenths - 1))
	done
	workload_stop
	status=0
	wait $mover || status=$?
	assert_equal "$status" 1
	assert_equal "$(cat "$BATS_TEST_TMPDIR/out")" ""
	assert_equal "$(cat "$BATS_TEST_TMPDIR/err")" "migratepages: process $WORKLOAD_PID (workload) exited during the move"
}

@test "--dry-run moves nothing and shows the plan" {
	workload_start --size 4M --node 0-3
	before=$(pgmigrate_success)
	run --separate-stderr migratepages --dry-run -J $WORKLOAD_PID 0,1 1,2
	assert_success
	assert_equal "$(pgmigrate_success)" "$before"
	assert_equal "$(region_nodes $WORKLOAD_PID $WORKLOAD_ADDRESS)" "256 256 256 256"
	echo "$output" | jq -e '[.processes[0].children[] | .target] == [1, 2, null, null]'
	echo "$output" | jq -e '.processes[0].moved >= 2097152'
}
