#!/usr/bin/env bats
# Pages land where a policy puts them, numactl's migratepages moves them,
# and the workload's pattern survives the move: the ground truth the
# project's own tools are compared with.

load /tests/lib/guest

teardown() {
	workload_stop_all
}

# numastat_private_mib PID NODE: the "Private" row of numastat -p for NODE.
numastat_private_mib() {
	numastat -p "$1" | awk -v column=$(($2 + 2)) '$1 == "Private" { print int($column) }'
}

@test "a workload bound to node 1 has its memory on node 1" {
	workload_start --size 16M --node 1
	assert_equal "$(mapping_nodes $WORKLOAD_PID $WORKLOAD_ADDRESS)" 1
	assert_equal "$(pages_on_node $WORKLOAD_PID $WORKLOAD_ADDRESS 1)" 4096
	# The policy is reset once the region is filled.
	run numa_maps_line $WORKLOAD_PID $WORKLOAD_ADDRESS
	assert_output --regexp "^[0-9a-f]+ default anon=4096 "
}

@test "numastat -p counts the workload's memory on node 1" {
	workload_start --size 16M --node 1
	# (not "nothing on node 2": Private counts library pages too, and an
	# earlier test may have moved those there)
	[ "$(numastat_private_mib $WORKLOAD_PID 1)" -ge 16 ]
}

@test "numamaps shows the workload's mapping and summary on node 1" {
	command -v numamaps >/dev/null || skip "numamaps is not built"
	workload_start --size 16M --node 1
	run numamaps -J -b $WORKLOAD_PID
	assert_success
	local start=${WORKLOAD_ADDRESS#0x}
	assert_equal "$(jq -c --arg start "$start" '.mappings[] | select(.address | startswith($start + "-")) | [.n0, .n1, .n2, .n3, .total, .type]' <<<"$output")" \
		"[0,16777216,0,0,16777216,\"anon\"]"
	run numamaps -s -J -b $WORKLOAD_PID
	assert_success
	[ "$(jq '.summary[] | select(.type == "anon") | .n1' <<<"$output")" -ge 16777216 ]
	assert_equal "$(jq '.summary[] | select(.type == "anon") | .n2' <<<"$output")" 0
}

@test "numactl's migratepages moves 4 KiB pages from node 1 to node 2 intact" {
	workload_start --size 16M --node 1
	run $NUMACTL_MIGRATEPAGES $WORKLOAD_PID 1 2
	assert_success
	assert_equal "$(mapping_nodes $WORKLOAD_PID $WORKLOAD_ADDRESS)" 2
	assert_equal "$(pages_on_node $WORKLOAD_PID $WORKLOAD_ADDRESS 2)" 4096
	[ "$(numastat_private_mib $WORKLOAD_PID 2)" -ge 16 ]
	assert_equal "$(workload_verify)" ok
}

@test "transparent huge pages move from node 1 to node 2 intact" {
	workload_start --size 16M --node 1 --page-size thp
	run grep -A 20 "^${WORKLOAD_ADDRESS#0x}-" /proc/$WORKLOAD_PID/smaps
	assert_line "AnonHugePages:     16384 kB"
	run $NUMACTL_MIGRATEPAGES $WORKLOAD_PID 1 2
	assert_success
	assert_equal "$(mapping_nodes $WORKLOAD_PID $WORKLOAD_ADDRESS)" 2
	assert_equal "$(workload_verify)" ok
}

@test "hugetlb pages move from node 1 to node 2 intact" {
	workload_start --size 4M --node 1 --page-size hugetlb
	run numa_maps_line $WORKLOAD_PID $WORKLOAD_ADDRESS
	assert_output --regexp " huge .*N1=2 kernelpagesize_kB=2048"
	run $NUMACTL_MIGRATEPAGES $WORKLOAD_PID 1 2
	assert_success
	run numa_maps_line $WORKLOAD_PID $WORKLOAD_ADDRESS
	assert_output --regexp " huge .*N2=2 kernelpagesize_kB=2048"
	assert_equal "$(workload_verify)" ok
}

@test "pages move intact while two threads keep writing them" {
	workload_start --size 16M --node 1 --threads 2
	run $NUMACTL_MIGRATEPAGES $WORKLOAD_PID 1 2
	assert_success
	assert_equal "$(mapping_nodes $WORKLOAD_PID $WORKLOAD_ADDRESS)" 2
	assert_equal "$(workload_verify)" ok
}

@test "pages shared copy-on-write move only with CAP_SYS_NICE" {
	workload_start --size 16M --node 1 --fork
	run $NUMACTL_MIGRATEPAGES $WORKLOAD_PID 1 2
	assert_success
	if [ "$(id -u)" -eq 0 ]; then
		assert_equal "$(mapping_nodes $WORKLOAD_PID $WORKLOAD_ADDRESS)" 2
		assert_equal "$(mapping_nodes $WORKLOAD_CHILD $WORKLOAD_ADDRESS)" 2
	else
		# Unprivileged, the kernel skips pages mapped by two processes
		# and does not count them as failures.
		assert_equal "$(mapping_nodes $WORKLOAD_PID $WORKLOAD_ADDRESS)" 1
	fi
	assert_equal "$(workload_verify)" ok
}

@test "the pattern check finds a page overwritten behind the workload's back" {
	workload_start --size 16M --node 1
	# One page of zeros written through /proc/PID/mem (ptrace access).
	dd if=/dev/zero of=/proc/$WORKLOAD_PID/mem bs=4096 count=1 conv=notrunc \
		seek=$(((WORKLOAD_ADDRESS + 8192) / 4096)) 2>/dev/null
	run workload_verify
	assert_output --regexp "^corrupt (40[0-9][0-9])$"
}
