#!/usr/bin/env bats
# movepages on the host: every option and every error path, with its
# message and exit status, against live processes. The host has one node,
# so a move to node 0 finds every page already there; real moves are shown
# in the guest (tests/vm/suites/movepages.bats).

load /usr/lib/bats/bats-support/load.bash
load /usr/lib/bats/bats-assert/load.bash

bats_require_minimum_version 1.5.0

# make check-valgrind sets NUMAMIG_WRAPPER to run the tool under valgrind.
movepages() {
	${NUMAMIG_WRAPPER:-} "$top_builddir/tools/movepages/movepages" "$@"
}

teardown() {
	if [ -n "${workload_pid:-}" ]; then
		kill "$workload_pid" 2>/dev/null || true
		wait "$workload_pid" 2>/dev/null || true
	fi
}

# start_workload [OPTIONS]: 16 MiB of 4 KiB pages on node 0 by default;
# sets workload_pid, address (0x...), size.
start_workload() {
	local ready="$BATS_TEST_TMPDIR/ready"
	rm -f "$ready"
	"$top_builddir/tests/vm/workload" --size 16M --node 0 --ready "$ready" "$@" 3>&- &
	workload_pid=$!
	local tenths=300
	while [ ! -e "$ready" ]; do
		tenths=$((tenths - 1))
		[ $tenths -gt 0 ] && kill -0 "$workload_pid" || return 1
		sleep 0.1
	done
	read -r address size <"$ready"
}

hex() {
	printf '%x' "$1"
}

# outcome NAME: the pages of one outcome in the JSON output in $output.
outcome() {
	jq -r --arg name "$1" '.outcomes[] | select(.outcome == $name) | .pages' <<<"$output"
}

# ------------------------------------------------------------ usage errors

@test "--help describes the options and the exit statuses" {
	run -0 movepages --help
	assert_output --partial "Usage: movepages"
	assert_output --partial "--range=RANGE"
	assert_output --partial "--query"
	assert_output --partial "64 some pages not moved"
}

@test "-V prints the version" {
	run -0 movepages -V
	assert_output --regexp "^movepages \(numamig\) [0-9]"
}

@test "no -p is a usage error" {
	run -1 movepages --to 0
	assert_line --index 0 "movepages: no process given (-p PID)"
}

@test "no --to without --query is a usage error" {
	run -1 movepages -p $$
	assert_line --index 0 "movepages: no target given (--to NODES, or --query to only look)"
}

@test "an argument that is not an option is refused" {
	run -1 movepages -p $$ --to 0 extra
	assert_line --index 0 "movepages: unexpected argument 'extra' (the process is given with -p PID)"
}

@test "bad numbers and sizes are refused with the option named" {
	run -1 movepages -p abc --to 0
	assert_line --index 0 "movepages: --pid 'abc': not a number from 1 to 2147483647"
	run -1 movepages -p $$ --to 0 --jobs 0
	assert_line --index 0 "movepages: --jobs '0': not a number from 1 to 256"
	run -1 movepages -p $$ --to 0 --jobs 1000
	assert_line --index 0 "movepages: --jobs '1000': not a number from 1 to 256"
	run -1 movepages -p $$ --to 0 --rate fast
	assert_line --index 0 "movepages: --rate 'fast': not a size (a number with K, M or G)"
	run -1 movepages -p $$ --to 0 --chunk 0
	assert_line --index 0 "movepages: --chunk '0': not a size (a number with K, M or G)"
	run -1 movepages -p $$ --to 0 --chunk 99999999999T
	assert_line --index 0 "movepages: --chunk '99999999999T': too large"
}

@test "--query with --all is refused" {
	run -1 movepages -p $$ --query --all
	assert_line --index 0 "movepages: --all moves shared pages; --query moves nothing"
}

@test "an unknown option is refused with exit 1" {
	run -1 movepages -p $$ --to 0 --bogus
	assert_line --index 0 --partial "movepages: unrecognized option '--bogus'"
}

@test "--sysroot other than / is refused: pages move on the live machine" {
	run -1 movepages --sysroot /tmp -p $$ --to 0
	assert_output "movepages: --sysroot /tmp: pages move on the live machine only"
}

# ------------------------------------------------ process and node errors

@test "a process that does not exist" {
	run -1 movepages -p 2147483647 --to 0
	assert_output --regexp "^movepages: .*2147483647"
	assert_equal "${#lines[@]}" 1
}

@test "a node that does not exist" {
	run -1 movepages -p $$ --to 7
	assert_output --regexp "^movepages: .*node 7 does not exist"
	assert_equal "${#lines[@]}" 1
}

@test "--from with a node that does not exist" {
	run -1 movepages -p $$ --to 0 --from 5
	assert_output --regexp "^movepages: .*node 5 does not exist"
}

@test "--all without CAP_SYS_NICE is refused before any move" {
	start_workload
	if [ "$(id -u)" = 0 ]; then
		command -v setpriv >/dev/null || skip "no setpriv to drop CAP_SYS_NICE"
		run -1 setpriv --bounding-set=-sys_nice --inh-caps=-sys_nice \
			"$top_builddir/tools/movepages/movepages" -p $workload_pid --to 0 --all
	else
		run -1 movepages -p $workload_pid --to 0 --all
	fi
	assert_output "movepages: --all: moving shared pages needs CAP_SYS_NICE (run as root)"
}

@test "--all in a user namespace, whose capabilities the kernel does not take for moving pages: refused before any move" {
	unshare --user --map-root-user true 2>/dev/null || skip "no user namespaces here"
	run -1 --separate-stderr unshare --user --map-root-user bash -c '
		"$1" --size 16M --node 0 --ready "$2" 3>&- &
		workload=$!
		while [ ! -e "$2" ]; do sleep 0.05; done
		"$3" -p $workload --to 0 --all
		status=$?
		kill $workload
		exit $status' - "$top_builddir/tests/vm/workload" "$BATS_TEST_TMPDIR/ready" \
		"$top_builddir/tools/movepages/movepages"
	assert_equal "$stderr" "movepages: --all: moving shared pages needs CAP_SYS_NICE (run as root)"
	assert_output ""
}

@test "another user's process: refused, naming its owner, nothing read" {
	[ "$(id -u)" = 0 ] || skip "needs root to become another user"
	command -v setpriv >/dev/null || skip "no setpriv"
	start_workload
	run -1 --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$top_builddir/tools/movepages/movepages" -p $workload_pid --to 0
	assert_equal "$stderr" "movepages: process $workload_pid (workload) belongs to uid 0: moving it needs CAP_SYS_PTRACE"
	assert_output ""
	run -1 --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$top_builddir/tools/movepages/movepages" -p $workload_pid --query
	assert_equal "$stderr" "movepages: process $workload_pid (workload) belongs to uid 0: reading its placement needs CAP_SYS_PTRACE"
}

# ------------------------------------------------------------ range errors

@test "a range with the end before the start" {
	run -1 movepages -p $$ --to 0 --range 3000-1000
	assert_output "movepages: range '3000-1000': end before start (START-END wants START first)"
}

@test "a range that overflows" {
	run -1 movepages -p $$ --to 0 --range ffffffffffffffff+2
	assert_output "movepages: range 'ffffffffffffffff+2': start plus length overflows"
	run -1 movepages -p $$ --to 0 --range 0x10000000000000000-0x20000000000000000
	assert_output --partial "number too large for 64 bits"
}

@test "a mapping name that matches nothing, with a hint" {
	run -1 movepages -p $$ --to 0 --range no-such-library.so
	assert_output "movepages: no mapping named 'no-such-library.so' (give START-END or START+LENGTH in hex, [heap], [stack], anon, a file path or a basename)"
}

@test "a range that touches no mapping" {
	run -1 movepages -p $$ --to 0 --range 1000-2000
	assert_output "movepages: range '1000-2000' covers no mapping of the process (numamaps PID lists them)"
}

@test "a malformed range" {
	run -1 movepages -p $$ --to 0 --range 0x1000+4Q
	assert_output --partial "range '0x1000+4Q' is not valid"
}

# ------------------------------------------------------------ live moves

@test "a region already on node 0: already there, exit 0" {
	start_workload
	run -0 movepages -p $workload_pid --to 0 --range "$address+16M" -J
	assert_equal "$(outcome 'already there')" 4096
	assert_equal "$(outcome moved)" 0
	assert_equal "$(jq '.nodes[] | select(.node == 0) | .before' <<<"$output")" 16777216
	assert_equal "$(jq '.nodes[] | select(.node == 0) | .after' <<<"$output")" 16777216
	assert_equal "$(jq '.summary[0].selected' <<<"$output")" 16777216
	assert_equal "$(jq '.summary[0].pid' <<<"$output")" $workload_pid
}

@test "JSON: one document, numbers as numbers, every outcome with a meaning" {
	start_workload
	run -0 movepages -p $workload_pid --to 0 --range "$address+16M" -J
	assert_equal "$(jq -s length <<<"$output")" 1
	assert_equal "$(jq -r 'keys | join(",")' <<<"$output")" "counters,nodes,outcomes,summary"
	assert_equal "$(jq '[.outcomes[].outcome]' -c <<<"$output")" \
		'["moved","already there","not selected","not present","not mapped","shared","busy","no memory","failed"]'
	assert_equal "$(jq '[.outcomes[] | select(.meaning | length > 10)] | length' <<<"$output")" 9
	assert_equal "$(jq '[.outcomes[].pages | type] | unique' -c <<<"$output")" '["number"]'
	assert_equal "$(jq '[.counters[].counter]' -c <<<"$output")" \
		'["pgmigrate_success","pgmigrate_fail","thp_migration_success","thp_migration_fail","thp_migration_split"]'
	assert_equal "$(jq '.summary[0] | keys' -c <<<"$output")" \
		'["calls","moved","pid","selected","throughput","time_ms"]'
}

@test "the table says each outcome in words, the counters are system-wide" {
	start_workload
	run -0 movepages -p $workload_pid --to 0 --range "$address+16M"
	assert_line --regexp "^already there +4096 +16M was on its target node already$"
	assert_line --regexp "^not present +0 +0 never touched, swapped out or the shared zero page: nothing to move$"
	assert_line --regexp "^COUNTER +SYSTEM_DELTA$"
	refute_output --regexp "-[0-9]+ "
}

@test "a range half outside any mapping reports the unmapped half" {
	start_workload
	# 8 MiB of the region and the 8 MiB after it: the PROT_NONE guard and
	# what follows are counted from maps, not assumed unmapped
	local end=$((address + size)) start stop covered=0 low high range
	start=$((end - 0x800000))
	stop=$((end + 0x800000))
	while read -r range _; do
		low=$((0x${range%-*})) high=$((0x${range#*-}))
		[ $low -lt $start ] && low=$start
		[ $high -gt $stop ] && high=$stop
		[ $high -gt $low ] && covered=$((covered + high - low))
	done </proc/$workload_pid/maps
	unmapped=$((stop - start - covered))
	[ "$unmapped" -gt 0 ]
	run movepages -p $workload_pid --to 0 --range "$(hex $start)+16M" -J
	[ "$status" -eq 0 ] || [ "$status" -eq 64 ]
	assert_equal "$(outcome 'not mapped')" $((unmapped / 4096))
	# the region's 2048 pages, and whatever other mappings there hold
	[ "$(outcome 'already there')" -ge 2048 ]
	assert_equal "$(jq '[.outcomes[].pages] | add' <<<"$output")" 4096
}

# mapping_bytes PATTERN: bytes of the workload's mappings whose name matches
mapping_bytes() {
	local range rest name total=0
	while read -r range _ _ _ _ name; do
		[[ "$name" =~ $1 ]] || continue
		total=$((total + 0x${range#*-} - 0x${range%-*}))
	done </proc/$workload_pid/maps
	echo $total
}

@test "[heap] and a basename select their mapping" {
	start_workload
	run -0 movepages -p $workload_pid --to 0 --range '[heap]' -J
	assert_equal "$(jq '.summary[0].selected' <<<"$output")" "$(mapping_bytes '^\[heap\]$')"
	run -0 movepages -p $workload_pid --to 0 --range workload -J
	assert_equal "$(jq '.summary[0].selected' <<<"$output")" "$(mapping_bytes '/workload$')"
}

@test "no range: every mapping with pages" {
	start_workload
	run -0 movepages -p $workload_pid --to 0 -J
	[ "$(jq '.summary[0].selected' <<<"$output")" -gt 16777216 ]
	[ "$(outcome 'already there')" -ge 4096 ]
}

@test "--query shows placement and moves nothing" {
	start_workload
	run -0 movepages -p $workload_pid --query --range "$address+16M"
	assert_line --regexp "^ +0 +16M$"
	assert_line --regexp "^present +4096 +16M in memory: the nodes table says where$"
	refute_output --partial "COUNTER"
	run -0 movepages -p $workload_pid --query --to 0 --range "$address+16M" -J
	assert_equal "$(outcome 'already there')" 4096
	assert_equal "$(jq '[.outcomes[].outcome] | index("moved")' <<<"$output")" null
}

@test "--from a node without the pages: not selected" {
	start_workload
	# the host has node 0 only: --from 0 selects all, the inverse none
	run -0 movepages -p $workload_pid --to 0 --from 0 --range "$address+16M" -J
	assert_equal "$(outcome 'already there')" 4096
}

@test "--jobs, --chunk and --rate run to the same result" {
	start_workload
	run -0 movepages -p $workload_pid --to 0 --range "$address+16M" --jobs 4 --chunk 64K --rate 1G/s -J
	assert_equal "$(outcome 'already there')" 4096
	run -0 movepages -p $workload_pid --to 0 --range "$address+16M" -j 2 --chunk 8M -J
	assert_equal "$(outcome 'already there')" 4096
}

@test "THP: pages counted once each" {
	start_workload --page-size thp
	run -0 movepages -p $workload_pid --to 0 --range "$address+16M" -J
	assert_equal "$(outcome 'already there')" 4096
}

@test "-o picks columns from the tables, -b prints bytes, -r raw" {
	start_workload
	run -0 movepages -p $workload_pid --to 0 --range "$address+16M" -o NODE,AFTER -b -r
	assert_output - <<END
NODE AFTER
0 16777216
END
	run -0 movepages -p $workload_pid --to 0 --range "$address+16M" -o OUTCOME,PAGES -n -r
	# raw output escapes blanks, as lsblk -r does
	assert_line 'already\x20there 4096'
	refute_output --partial "NODE"
	run -1 movepages -p $workload_pid --to 0 --range "$address+16M" -o NODE,BOGUS
	assert_output "movepages: unknown column 'BOGUS'"
}

@test "overlapping ranges count each page once" {
	start_workload
	run -0 movepages -p $workload_pid --to 0 --range "$address+8M" --range "$(hex $((address + 0x400000)))+8M" -J
	assert_equal "$(outcome 'already there')" 3072
	assert_equal "$(jq '.summary[0].selected' <<<"$output")" $((12 << 20))
}
