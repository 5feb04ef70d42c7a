#!/usr/bin/env bats
# The guest has the topology tests/vm/run boots: 4 nodes, 0 and 1 with a
# CPU each, 2 memory-only, 3 small and memory-only; distances 10/20/30/40.

load /tests/lib/guest

node=/sys/devices/system/node

mem_total_kib() {
	awk '/MemTotal/ { print $4 }' "$node/node$1/meminfo"
}

@test "four nodes are online, all with memory" {
	assert_equal "$(cat $node/online)" 0-3
	assert_equal "$(cat $node/has_memory)" 0-3
}

@test "nodes 0 and 1 have a CPU each, 2 and 3 none" {
	assert_equal "$(cat $node/has_cpu)" 0-1
	assert_equal "$(cat $node/node0/cpulist)" 0
	assert_equal "$(cat $node/node1/cpulist)" 1
	assert_equal "$(cat $node/node2/cpulist)" ""
	assert_equal "$(cat $node/node3/cpulist)" ""
}

@test "nodes 0 to 2 hold more than 1 GiB each, node 3 is small" {
	for n in 0 1 2; do
		[ "$(mem_total_kib $n)" -gt $((1024 * 1024)) ]
	done
	[ "$(mem_total_kib 3)" -lt $((160 * 1024)) ]
	[ "$(mem_total_kib 3)" -gt $((64 * 1024)) ]
}

@test "distances are 10 local, 20 between the CPU nodes, 30 to node 2, 40 to node 3" {
	assert_equal "$(cat $node/node0/distance)" "10 20 30 40"
	assert_equal "$(cat $node/node1/distance)" "20 10 30 40"
	assert_equal "$(cat $node/node2/distance)" "30 30 10 40"
	assert_equal "$(cat $node/node3/distance)" "40 40 40 10"
}

@test "numactl --hardware sees the same four nodes" {
	run numactl --hardware
	assert_success
	assert_line "available: 4 nodes (0-3)"
	assert_line "node 0 cpus: 0"
	assert_line "node 2 cpus:"
	assert_line --regexp "^node 3 size: [0-9]+ MB$"
}

@test "automatic NUMA balancing is off and allocations are not zeroed" {
	assert_equal "$(cat /proc/sys/kernel/numa_balancing)" 0
	run cat /proc/cmdline
	assert_output --partial init_on_alloc=0
}

@test "every node has 2 MiB hugetlb pages reserved" {
	for n in 0 1 2 3; do
		[ "$(cat $node/node$n/hugepages/hugepages-2048kB/nr_hugepages)" -ge 4 ]
	done
}

@test "the tests run as the user the runner asked for" {
	case "$NUMAMIG_VM_USER" in
	root) assert_equal "$(id -u)" 0 ;;
	tester) assert_equal "$(id -u)" 1000 ;;
	*) fail "NUMAMIG_VM_USER is '$NUMAMIG_VM_USER'" ;;
	esac
}

@test "numamaps shows a column for each of the four nodes" {
	command -v numamaps >/dev/null || skip "numamaps is not built"
	run numamaps -s -J -b $$
	assert_success
	assert_equal "$(jq -c '.summary[0] | [keys[] | select(test("^n[0-9]+$"))]' <<<"$output")" '["n0","n1","n2","n3"]'
}
