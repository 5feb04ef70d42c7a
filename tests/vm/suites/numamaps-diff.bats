#!/usr/bin/env bats
# numamaps --save, --diff, -A and --interval on real pages: a workload's
# 64 MiB moved from node 0 to node 1 by our migratepages shows as -64 MiB
# on node 0 and +64 MiB on node 1, for its mapping and in the total.

load /tests/lib/guest

bats_require_minimum_version 1.5.0

teardown() {
	workload_stop_all
}

MIB64=67108864

# diff_row JSON ADDRESS: the diff row of the mapping that starts at ADDRESS (0x...).
diff_row() {
	jq -c --arg start "${2#0x}-" '.diff[] | select(.address != null and (.address | startswith($start)))' <<<"$1"
}

# snapshot_bytes FILE: bytes counted in a snapshot's process.
snapshot_bytes() {
	jq '[.processes[0].mappings[] | .page_size * ([.nodes[].pages] | add // 0)] | add' "$1"
}

@test "save, migrate 64 MiB from node 0 to 1, diff: -64 MiB on node 0, +64 MiB on node 1" {
	workload_start --size 64M --node 0
	run -0 numamaps --save "$BATS_TEST_TMPDIR/before.json" $WORKLOAD_PID
	# As a user, shared library pages stay (exit status 64, partial); the
	# workload's own pages move either way.
	run migratepages $WORKLOAD_PID 0 1
	[ "$status" -eq 0 ] || [ "$status" -eq 64 ]
	assert_equal "$(mapping_nodes $WORKLOAD_PID $WORKLOAD_ADDRESS)" 1
	numamaps --save "$BATS_TEST_TMPDIR/after.json" $WORKLOAD_PID

	# snapshot against the live process
	run -0 numamaps -J --diff "$BATS_TEST_TMPDIR/before.json" $WORKLOAD_PID
	diff=$output
	run -0 diff_row "$diff" $WORKLOAD_ADDRESS
	run -0 jq -r '[.status, .n0, .n1, .n2, .n3, .change] | @tsv' <<<"$output"
	assert_output "same	-$MIB64	$MIB64	0	0	0"

	# In total: the workload's move, plus whatever else of the process was
	# on node 0 (libraries, stack: migratepages moved it too) and changed.
	rest=$(($(snapshot_bytes "$BATS_TEST_TMPDIR/before.json") - MIB64))
	total=$(jq -c '.diff[-1]' <<<"$diff")
	echo "total row: $total; the rest of the process: $rest bytes"
	n0=$(jq .n0 <<<"$total")
	n1=$(jq .n1 <<<"$total")
	[ "$n0" -le "-$MIB64" ] && [ "$n0" -ge $((-MIB64 - rest)) ]
	[ "$n1" -ge "$MIB64" ] && [ "$n1" -le $((MIB64 + rest)) ]
	# The total is the sum of the rows.
	assert_equal "$(jq '[.diff[:-1][].n0] | add' <<<"$diff")" "$n0"

	# two snapshots give the same row
	run -0 numamaps -J --diff "$BATS_TEST_TMPDIR/before.json" "$BATS_TEST_TMPDIR/after.json"
	run -0 diff_row "$output" $WORKLOAD_ADDRESS
	run -0 jq -r '[.status, .n0, .n1] | @tsv' <<<"$output"
	assert_output "same	-$MIB64	$MIB64"
	assert_equal "$(workload_verify)" ok
}

@test "16 MiB in the middle of a mapping moved by movepages: its row has that change" {
	workload_start --size 64M --node 0
	numamaps --save "$BATS_TEST_TMPDIR/before.json" $WORKLOAD_PID
	run -0 movepages -p $WORKLOAD_PID --to 2 --range "$(printf '%x+16M' $((WORKLOAD_ADDRESS + 16 * 1048576)))"
	run -0 numamaps -J --diff "$BATS_TEST_TMPDIR/before.json" $WORKLOAD_PID
	run -0 diff_row "$output" $WORKLOAD_ADDRESS
	run -0 jq -r '[.n0, .n2, .change] | @tsv' <<<"$output"
	assert_output "-16777216	16777216	0"
}

@test "-A --node 1 ranks the workload first once its 64 MiB sit on node 1" {
	workload_start --size 64M --node 1
	run -0 --separate-stderr numamaps -A --node 1 -J
	run -0 jq -r '.processes[0] | [.pid, .n1 >= 67108864] | @tsv' <<<"$output"
	assert_output "$WORKLOAD_PID	true"
	run -0 --separate-stderr numamaps -A -J
	run -0 jq -r --argjson pid $WORKLOAD_PID '.processes[] | select(.pid == $pid) | .total' <<<"$output"
	assert_equal "$output" "$(numamaps -s -J $WORKLOAD_PID | jq '.summary[-1].total')"
}

@test "-A as an unprivileged user counts the processes it may not read" {
	[ "$(id -u)" -ne 0 ] || skip "root may read every process"
	run -0 --separate-stderr numamaps -A -o PID
	assert_regex "$stderr" '^numamaps: [0-9]+ process(es)? could not be read \(permission denied\)$'
}

@test "--interval shows the move as it happens: -64 MiB on node 0, +64 MiB on node 1" {
	workload_start --size 64M --node 0
	numamaps -J -b --interval 1 --count 4 $WORKLOAD_PID >"$BATS_TEST_TMPDIR/samples" &
	watcher=$!
	sleep 1.3
	migratepages $WORKLOAD_PID 0 1 >/dev/null || [ $? -eq 64 ]
	wait $watcher
	run -0 jq -s -c 'map(.samples[0].sample)' "$BATS_TEST_TMPDIR/samples"
	assert_output '[1,2,3,4]'
	# The sum of the changes after the first sample is the move.
	run -0 jq -s '[.[1:][].samples[0].n1] | add >= 67108864' "$BATS_TEST_TMPDIR/samples"
	assert_output true
	run -0 jq -s '[.[1:][].samples[0].n0] | add <= -67108864' "$BATS_TEST_TMPDIR/samples"
	assert_output true
}
