#!/usr/bin/env bats
# movepages on real nodes: 4 KiB pages, THP and hugetlb moved and checked
# with numamaps and numa_maps; spreading, --from, ranges by address and by
# name, shared pages, a full target node, a workload that keeps writing,
# and the tool's memory staying bounded whatever the size of the range;
# refusals: another user's process, a target outside the cpuset. As root
# and as the user, but for --all, which needs CAP_SYS_NICE.

load /tests/lib/guest

bats_require_minimum_version 1.5.0

teardown() {
	workload_stop_all
	cgroup_remove
}

# outcome NAME: pages of that outcome in the JSON of the last run
outcome() {
	jq -r --arg name "$1" '.outcomes[] | select(.outcome == $name) | .pages' <<<"$output"
}

# counter NAME: the system-wide delta of a vmstat counter in the last run
counter() {
	jq -r --arg name "$1" '.counters[] | select(.counter == $name) | .system_delta' <<<"$output"
}

# numamaps_bytes ADDRESS NODE: what numamaps says the mapping at ADDRESS
# holds on NODE, in bytes
numamaps_bytes() {
	numamaps -J "$WORKLOAD_PID" |
		jq --arg start "${1#0x}-" --arg node "n$2" \
			'[.mappings[] | select(.address | startswith($start)) | .[$node] // 0] | add // 0'
}

hex() {
	printf '%x' "$(($1))"
}

# mapping_bytes PID PATTERN: the size of the PID's mappings whose name matches
mapping_bytes() {
	local range name total=0
	while read -r range _ _ _ _ name; do
		[[ "$name" =~ $2 ]] || continue
		total=$((total + 0x${range#*-} - 0x${range%-*}))
	done <"/proc/$1/maps"
	echo $total
}

# figures: a TAP comment with the time and throughput of the last run
figures() {
	echo "# $NUMAMIG_VM_KERNEL $1: $(jq -r '.summary[0] | "\(.moved) bytes in \(.time_ms) ms, \(.throughput / 1048576 | floor) MiB/s, \(.calls) calls"' <<<"$output")" >&3
}

# numactl_figures WHAT FROM TO: times numactl's migratepages moving the
# workload back, for a figure to compare with under the same emulation
numactl_figures() {
	local seconds
	seconds=$( { TIMEFORMAT=%3R; time "$NUMACTL_MIGRATEPAGES" "$WORKLOAD_PID" "$2" "$3" >/dev/null; } 2>&1)
	echo "# $NUMAMIG_VM_KERNEL $1 with numactl's migratepages $2 -> $3: $seconds s" >&3
}

@test "256 MiB of 4 KiB pages move from node 0 to node 1, numamaps confirms" {
	workload_start --size 256M --node 0 --page-size 4k
	run -0 movepages -p "$WORKLOAD_PID" --to 1 --range "$WORKLOAD_ADDRESS+256M" -J
	figures "256 MiB 4 KiB"
	assert_equal "$(outcome moved)" 65536
	assert_equal "$(outcome busy)" 0
	assert_equal "$(jq '.nodes[] | select(.node == 0) | .before' <<<"$output")" 268435456
	assert_equal "$(jq '.nodes[] | select(.node == 1) | .after' <<<"$output")" 268435456
	assert_equal "$(numamaps_bytes "$WORKLOAD_ADDRESS" 1)" 268435456
	assert_equal "$(numamaps_bytes "$WORKLOAD_ADDRESS" 0)" 0
	assert_equal "$(workload_verify)" ok
	numactl_figures "256 MiB 4 KiB" 1 0
}

@test "256 MiB of THP move whole: 128 THP migrations, nothing split, nothing busy" {
	workload_start --size 256M --node 0 --page-size thp
	run grep -A 20 "^${WORKLOAD_ADDRESS#0x}-" "/proc/$WORKLOAD_PID/smaps"
	assert_line "AnonHugePages:    262144 kB"
	run -0 movepages -p "$WORKLOAD_PID" --to 1 --range "$WORKLOAD_ADDRESS+256M" -J
	figures "256 MiB THP"
	assert_equal "$(outcome moved)" 65536
	assert_equal "$(outcome busy)" 0
	assert_equal "$(counter thp_migration_success)" 128
	assert_equal "$(counter thp_migration_split)" 0
	assert_equal "$(counter thp_migration_fail)" 0
	assert_equal "$(numamaps_bytes "$WORKLOAD_ADDRESS" 1)" 268435456
	run grep -A 20 "^${WORKLOAD_ADDRESS#0x}-" "/proc/$WORKLOAD_PID/smaps"
	assert_line "AnonHugePages:    262144 kB"
	assert_equal "$(workload_verify)" ok
	numactl_figures "256 MiB THP" 1 0
}

# peak_rss_kib COMMAND...: the maximum resident set size of COMMAND
peak_rss_kib() {
	busybox time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ { print $2 }'
}

# Sixteen chunks against one: the vectors are per chunk, so the peak RSS
# must not grow with the range.
@test "a 1 GiB move and a 64 MiB move: peak RSS of movepages within 4 MiB" {
	# AddressSanitizer's shadow and quarantine grow with what is allocated
	if grep -qa libasan "$(command -v movepages)"; then
		skip "movepages is built with AddressSanitizer: its RSS is not the engine's"
	fi
	workload_start --size 1G --node 0 --page-size 4k
	small=$(peak_rss_kib movepages -p "$WORKLOAD_PID" --to 1 --range "$WORKLOAD_ADDRESS+64M")
	large=$(peak_rss_kib movepages -p "$WORKLOAD_PID" --to 2 --range "$WORKLOAD_ADDRESS+1G")
	echo "# $NUMAMIG_VM_KERNEL peak RSS: 64 MiB move $small KiB, 1 GiB move $large KiB" >&3
	[ -n "$small" ] && [ -n "$large" ]
	[ $((large - small)) -lt 4096 ]
	assert_equal "$(pages_on_node "$WORKLOAD_PID" "$WORKLOAD_ADDRESS" 2)" 262144
	assert_equal "$(workload_verify)" ok
}

@test "--to 1,2 spreads 128 MiB within one chunk of even" {
	workload_start --size 128M --node 0 --page-size 4k
	run -0 movepages -p "$WORKLOAD_PID" --to 1,2 --range "$WORKLOAD_ADDRESS+128M" -J
	on1=$(pages_on_node "$WORKLOAD_PID" "$WORKLOAD_ADDRESS" 1)
	on2=$(pages_on_node "$WORKLOAD_PID" "$WORKLOAD_ADDRESS" 2)
	echo "# spread: $on1 pages on node 1, $on2 on node 2" >&3
	assert_equal $((on1 + on2)) 32768
	difference=$((on1 > on2 ? on1 - on2 : on2 - on1))
	# within one chunk (64 MiB) is the promise; the spread is closer than 4 MiB
	[ "$difference" -le 1024 ]
	assert_equal "$(workload_verify)" ok
}

@test "--from 0 moves the pages on node 0 and leaves those on node 1 alone" {
	workload_start --size 32M --node 0,1 --page-size 4k
	on0=$(pages_on_node "$WORKLOAD_PID" "$WORKLOAD_ADDRESS" 0)
	on1=$(pages_on_node "$WORKLOAD_PID" "$WORKLOAD_ADDRESS" 1)
	[ "$on0" -gt 0 ] && [ "$on1" -gt 0 ]
	run -0 movepages -p "$WORKLOAD_PID" --from 0 --to 2 --range "$WORKLOAD_ADDRESS+32M" -J
	assert_equal "$(outcome moved)" "$on0"
	assert_equal "$(outcome 'not selected')" "$on1"
	assert_equal "$(pages_on_node "$WORKLOAD_PID" "$WORKLOAD_ADDRESS" 1)" "$on1"
	assert_equal "$(pages_on_node "$WORKLOAD_PID" "$WORKLOAD_ADDRESS" 2)" "$on0"
	assert_equal "$(pages_on_node "$WORKLOAD_PID" "$WORKLOAD_ADDRESS" 0)" 0
	assert_equal "$(workload_verify)" ok
}

@test "a range half outside any mapping reports the unmapped half" {
	workload_start --size 32M --node 0 --page-size 4k
	end=$((WORKLOAD_ADDRESS + WORKLOAD_SIZE))
	start=$((end - 0x1000000))
	stop=$((end + 0x1000000))
	# what no line of maps covers in [start, stop)
	covered=0
	while read -r range _; do
		low=$((0x${range%-*})) high=$((0x${range#*-}))
		[ $low -lt $start ] && low=$start
		[ $high -gt $stop ] && high=$stop
		[ $high -gt $low ] && covered=$((covered + high - low))
	done <"/proc/$WORKLOAD_PID/maps"
	unmapped=$((stop - start - covered))
	[ "$unmapped" -gt $((0x800000)) ]
	# other mappings in the upper half (libraries) may hold shared pages: 64
	run movepages -p "$WORKLOAD_PID" --to 1 --range "$(hex $start)+32M" -J
	[ "$status" -eq 0 ] || [ "$status" -eq 64 ]
	assert_equal "$(outcome 'not mapped')" $((unmapped / 4096))
	assert_equal "$(jq '.summary[0].selected' <<<"$output")" $((0x2000000))
	assert_equal "$(pages_on_node "$WORKLOAD_PID" "$WORKLOAD_ADDRESS" 1)" 4096
	assert_equal "$(pages_on_node "$WORKLOAD_PID" "$WORKLOAD_ADDRESS" 0)" 4096
	assert_equal "$(workload_verify)" ok
}

@test "[heap] and a basename select their mappings and nothing else" {
	workload_start --size 8M --node 0 --page-size 4k
	heap=$(awk '$6 == "[heap]" { print $1 }' "/proc/$WORKLOAD_PID/maps")
	[ -n "$heap" ]
	# node 2 has no CPU: nothing of the workload's is there yet
	run -0 movepages -p "$WORKLOAD_PID" --to 2 --range '[heap]' -J
	assert_equal "$(jq '.summary[0].selected' <<<"$output")" "$(mapping_bytes "$WORKLOAD_PID" '^\[heap\]$')"
	[ "$(outcome moved)" -gt 0 ]
	assert_equal "$(mapping_nodes "$WORKLOAD_PID" "0x${heap%-*}")" 2
	assert_equal "$(mapping_nodes "$WORKLOAD_PID" "$WORKLOAD_ADDRESS")" 0

	run -0 movepages -p "$WORKLOAD_PID" --to 3 --range workload -J
	assert_equal "$(jq '.summary[0].selected' <<<"$output")" "$(mapping_bytes "$WORKLOAD_PID" '/workload$')"
	[ "$(outcome moved)" -gt 0 ]
	run grep ' file=[^ ]*/workload ' "/proc/$WORKLOAD_PID/numa_maps"
	refute_output --regexp " N[012]="
	assert_output --regexp " N3="
	assert_equal "$(mapping_nodes "$WORKLOAD_PID" "$WORKLOAD_ADDRESS")" 0
	assert_equal "$(mapping_nodes "$WORKLOAD_PID" "0x${heap%-*}")" 2
}

@test "pages shared with a forked child without --all: shared, exit 64, nothing moved" {
	workload_start --size 8M --node 0 --page-size 4k --fork
	run -64 movepages -p "$WORKLOAD_PID" --to 1 --range "$WORKLOAD_ADDRESS+8M" -J
	assert_equal "$(outcome shared)" 2048
	assert_equal "$(outcome moved)" 0
	assert_equal "$(jq -r '.outcomes[] | select(.outcome == "shared") | .meaning' <<<"$output")" \
		"mapped by other processes too: moving it needs --all and CAP_SYS_NICE"
	assert_equal "$(mapping_nodes "$WORKLOAD_PID" "$WORKLOAD_ADDRESS")" 0
	run -64 movepages -p "$WORKLOAD_PID" --to 1 --range "$WORKLOAD_ADDRESS+8M"
	assert_line --regexp "^shared +2048 +8M mapped by other processes too"
}

@test "--all without CAP_SYS_NICE is refused before anything moves" {
	workload_start --size 8M --node 0 --page-size 4k --fork
	if [ "$(id -u)" -eq 0 ]; then
		run -1 setpriv --bounding-set=-sys_nice --inh-caps=-sys_nice \
			movepages -p "$WORKLOAD_PID" --to 1 --range "$WORKLOAD_ADDRESS+8M" --all
	else
		run -1 movepages -p "$WORKLOAD_PID" --to 1 --range "$WORKLOAD_ADDRESS+8M" --all
	fi
	assert_output "movepages: --all: moving shared pages needs CAP_SYS_NICE (run as root)"
	assert_equal "$(mapping_nodes "$WORKLOAD_PID" "$WORKLOAD_ADDRESS")" 0
}

@test "--all moves the pages shared with a forked child" {
	require_root
	workload_start --size 8M --node 0 --page-size 4k --fork
	run -0 movepages -p "$WORKLOAD_PID" --to 1 --range "$WORKLOAD_ADDRESS+8M" --all -J
	assert_equal "$(outcome moved)" 2048
	assert_equal "$(mapping_nodes "$WORKLOAD_PID" "$WORKLOAD_ADDRESS")" 1
	assert_equal "$(mapping_nodes "$WORKLOAD_CHILD" "$WORKLOAD_ADDRESS")" 1
	assert_equal "$(workload_verify)" ok
}

@test "hugetlb pages move one address per huge page, aligned" {
	workload_start --size 8M --node 0 --page-size hugetlb
	# a range inside the first huge page, not aligned: that huge page moves
	run -0 movepages -p "$WORKLOAD_PID" --to 2 --range "$(hex $((WORKLOAD_ADDRESS + 0x1000)))+4K" -J
	assert_equal "$(outcome moved)" 512
	run numa_maps_line "$WORKLOAD_PID" "$WORKLOAD_ADDRESS"
	assert_output --regexp " huge .*N0=3 N2=1 kernelpagesize_kB=2048"
	run -0 movepages -p "$WORKLOAD_PID" --to 1 --range "$WORKLOAD_ADDRESS+8M" -J
	assert_equal "$(outcome moved)" 2048
	run numa_maps_line "$WORKLOAD_PID" "$WORKLOAD_ADDRESS"
	assert_output --regexp " huge .*N1=4 kernelpagesize_kB=2048"
	assert_equal "$(workload_verify)" ok
}

@test "--query shows the placement per node and moves nothing" {
	workload_start --size 16M --node 0,1 --page-size 4k
	on0=$(pages_on_node "$WORKLOAD_PID" "$WORKLOAD_ADDRESS" 0)
	run -0 movepages -p "$WORKLOAD_PID" --query --to 2 --range "$WORKLOAD_ADDRESS+16M" -J
	assert_equal "$(jq '.nodes[] | select(.node == 0) | .before' <<<"$output")" $((on0 * 4096))
	assert_equal "$(outcome 'would move')" 4096
	assert_equal "$(jq '.nodes[] | select(.node == 2) | .planned' <<<"$output")" $((16 << 20))
	assert_equal "$(pages_on_node "$WORKLOAD_PID" "$WORKLOAD_ADDRESS" 0)" "$on0"
	assert_equal "$(pages_on_node "$WORKLOAD_PID" "$WORKLOAD_ADDRESS" 2)" 0
}

@test "--jobs 3 --chunk 1M --rate 32M: every page moved, no faster than the rate" {
	workload_start --size 16M --node 0 --page-size 4k
	run -0 movepages -p "$WORKLOAD_PID" --to 2 --range "$WORKLOAD_ADDRESS+16M" \
		--jobs 3 --chunk 1M --rate 32M/s -J
	figures "16 MiB at --rate 32M with 3 jobs"
	assert_equal "$(outcome moved)" 4096
	# 16 MiB at 32 MiB/s: half a second, less the first call's 2 MiB
	[ "$(jq '.summary[0].time_ms' <<<"$output")" -ge 430 ]
	assert_equal "$(pages_on_node "$WORKLOAD_PID" "$WORKLOAD_ADDRESS" 2)" 4096
	assert_equal "$(workload_verify)" ok
}

# on_terminal COMMAND: runs COMMAND (one string) on a pseudo-terminal;
# what it wrote there, both streams, is the output.
on_terminal() {
	script -qec "$1" /dev/null
}

@test "a long move draws a progress line on a terminal and clears it; none off a terminal or with -q" {
	workload_start --size 16M --node 0 --page-size 4k
	# 16 MiB at 8 MiB/s: two seconds; the line appears after one
	run -0 on_terminal "movepages -p $WORKLOAD_PID --to 1 --range $WORKLOAD_ADDRESS+16M --rate 8M --chunk 2M"
	assert_output --regexp $'\rmoved [0-9.]+[KM]?, walked [0-9.]+[KM]? of 16M\e\[K'
	assert_output --partial $'\r\e[K'
	assert_output --regexp 'moved +4096 +16M'
	assert_equal "$(mapping_nodes "$WORKLOAD_PID" "$WORKLOAD_ADDRESS")" 1
	run -0 on_terminal "movepages -q -p $WORKLOAD_PID --to 2 --range $WORKLOAD_ADDRESS+16M --rate 8M --chunk 2M"
	refute_output --partial 'walked'
	run -0 --separate-stderr movepages -p "$WORKLOAD_PID" --to 1 --range "$WORKLOAD_ADDRESS+16M" --rate 8M --chunk 2M
	assert_equal "$stderr" ""
}

@test "50 moves across nodes 0-2 while the workload writes: pattern intact, never left stopped" {
	workload_start --size 8M --node 0 --page-size 4k --threads 2
	for round in $(seq 1 50); do
		target=$((round % 3))
		run movepages -p "$WORKLOAD_PID" --to "$target" --range "$WORKLOAD_ADDRESS+8M" -J
		[ "$status" -eq 0 ] || [ "$status" -eq 64 ] || fail "round $round: exit $status: $output"
		state=$(awk '{ print $3 }' "/proc/$WORKLOAD_PID/stat")
		[ "$state" != T ] && [ "$state" != t ] || fail "round $round: the workload is stopped"
	done
	echo "# 50 rounds: the last one moved $(outcome moved) pages, $(outcome busy) busy" >&3
	assert_equal "$(workload_verify)" ok
}

@test "moving more than node 3 can hold: partial, exit 64, the shortfall is no memory on node 3" {
	workload_start --size 192M --node 0 --page-size 4k
	run -64 movepages -p "$WORKLOAD_PID" --to 3 --range "$WORKLOAD_ADDRESS+192M" -J
	moved=$(outcome moved)
	short=$(outcome 'no memory')
	echo "# node 3 took $moved pages, refused $short" >&3
	[ "$moved" -gt 0 ] && [ "$short" -gt 0 ]
	assert_equal $((moved + short)) 49152
	run -0 jq -r '.outcomes[] | select(.outcome == "no memory") | .meaning' <<<"$output"
	assert_output --regexp "^the target node had no free memory for it: node 3 \([0-9.]+M\)$"
	assert_equal "$(pages_on_node "$WORKLOAD_PID" "$WORKLOAD_ADDRESS" 3)" "$moved"
	assert_equal "$(pages_on_node "$WORKLOAD_PID" "$WORKLOAD_ADDRESS" 0)" "$short"
	kill -0 "$WORKLOAD_PID"
	assert_equal "$(workload_verify)" ok
}

pgmigrate_success() {
	awk '$1 == "pgmigrate_success" { print $2 }' /proc/vmstat
}

@test "another user's process: exit 1, one line naming its owner, nothing moved" {
	if [ "$NUMAMIG_VM_USER" = root ]; then
		# root's workload, moved by tester
		workload_start --size 4M --node 0
		pid=$WORKLOAD_PID command=workload
		mover=(setpriv --reuid=1000 --regid=1000 --clear-groups movepages)
	else
		pid=1 command=$(cat /proc/1/comm)
		mover=(movepages)
	fi
	before=$(pgmigrate_success)
	run -1 --separate-stderr "${mover[@]}" -p "$pid" --to 1
	assert_equal "$stderr" "movepages: process $pid ($command) belongs to uid 0: moving it needs CAP_SYS_PTRACE"
	assert_output ""
	assert_equal "$(pgmigrate_success)" "$before"
	[ "$pid" -eq 1 ] || assert_equal "$(mapping_nodes "$pid" "$WORKLOAD_ADDRESS")" 0
}

@test "--to a node outside the process's cpuset: exit 1, one line, nothing moved" {
	cpuset_cgroup movepages-test 0-1
	workload_start --size 4M --node 0
	echo "$WORKLOAD_PID" >"$cgroup/cgroup.procs"
	before=$(pgmigrate_success)
	run -1 --separate-stderr movepages -p "$WORKLOAD_PID" --to 2 --range "$WORKLOAD_ADDRESS+4M"
	assert_equal "$stderr" "movepages: node 2 is outside the cpuset of process $WORKLOAD_PID (workload) (mems: 0-1)"
	assert_output ""
	assert_equal "$(pgmigrate_success)" "$before"
	assert_equal "$(mapping_nodes "$WORKLOAD_PID" "$WORKLOAD_ADDRESS")" 0
	# inside the cpuset it moves
	run -0 movepages -p "$WORKLOAD_PID" --to 1 --range "$WORKLOAD_ADDRESS+4M"
	assert_equal "$(mapping_nodes "$WORKLOAD_PID" "$WORKLOAD_ADDRESS")" 1
}
