#!/usr/bin/env bats
# numamaps --save and --diff on the host: snapshots of fixture machines
# (--sysroot) and of live processes, the hand-made snapshots of
# tests/fixtures/snapshots (a mapping split in three, two merged into one,
# one gone, one new), and every kind of bad snapshot.

load numamaps-common

setup_file() {
	export snapshots="$top_srcdir/tests/fixtures/snapshots"
}

setup() {
	cd "$BATS_TEST_TMPDIR"
}

# ------------------------------------------------------------------- save

@test "--save writes a versioned snapshot: time, kernel, topology, every mapping" {
	run -0 numamaps --sysroot "$four_nodes" --save fakedb.json 4242
	assert_output ""
	run -0 jq -r '[.format, .version, (.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$")),
		       .kernel, (.topology.nodes | map(.node) | join(","))] | @tsv' fakedb.json
	assert_output $'numamaps-snapshot\t1\ttrue\t\t0,1,2,3'
	run -0 jq -c '.topology.nodes[2]' fakedb.json
	assert_output '{"node":2,"cpus":"","memory":2147483648}'
	run -0 jq -c '.processes[] | [.pid, .command, .uid, (.mappings | length)]' fakedb.json
	assert_output '[4242,"fakedb",1000,10]'
	# The fixture's heap line: "default heap anon=300 dirty=300 N0=100 N1=200"
	run -0 jq -c '.processes[0].mappings[2] | [.start, .end, .permissions, .policy, .type, .name,
		      .page_size, .anon, .dirty, .nodes]' fakedb.json
	assert_output '["55d0c1000000","55d0c1200000","rw-p","default","heap","[heap]",4096,300,300,[{"node":0,"pages":100},{"node":1,"pages":200}]]'
	run -0 jq -c '.processes[0].mappings[6] | [.type, .huge, .page_size, .path, .nodes]' fakedb.json
	assert_output '["hugetlb",true,2097152,"/anon_hugepage (deleted)",[{"node":3,"pages":2}]]'
}

@test "--save of a live process names the running kernel; no temporary file is left" {
	run -0 numamaps --save live.json $$
	run -0 jq -r '.kernel' live.json
	assert_output "$(uname -r)"
	run -0 jq -r '.processes[0].mappings | map(select(.name == "[heap]")) | length' live.json
	assert_output 1
	run -0 ls
	assert_output live.json
}

@test "--save of several PIDs keeps each process; -v says so" {
	run -0 --separate-stderr numamaps --sysroot "$four_nodes" -v --save two.json 4343,4242
	assert_equal "$stderr" "numamaps: saved 2 processes to 'two.json'"
	run -0 jq -c '[.processes[] | .pid]' two.json
	assert_output '[4343,4242]'
}

@test "--save where it cannot write: message, exit status 1" {
	run -1 --separate-stderr numamaps --sysroot "$four_nodes" --save /nonexistent/s.json 4242
	assert_equal "$stderr" "numamaps: cannot write '/nonexistent/s.json.tmp': no such file or directory"
	run -1 --separate-stderr numamaps --sysroot "$four_nodes" --save s.json 9999
	assert_equal "$stderr" "numamaps: no process with PID 9999"
	[ ! -e s.json ]
}

# ------------------------------------------------------------------- diff

@test "--diff: a split in three and two merged into one, gone and new, by node" {
	run -0 numamaps --diff "$snapshots/before.json" "$snapshots/after.json" -r -b
	assert_output - <<'END'
ADDRESS STATUS TYPE N0 N1 N2 N3 CHANGE MAPPING
7f0000000000-7f0000300000 split anon -1048576 1048576 0 0 0 
7f1000000000-7f1000200000 merged anon 0 524288 -524288 0 0 
7f2000000000-7f2000100000 gone file 0 -262144 0 0 -262144 /usr/lib/libgone.so
7f3000000000-7f3000400000 new hugetlb 0 0 0 4194304 4194304 /anon_hugepage\x20(deleted)
7ffd00000000-7ffd00040000 same stack 0 28672 0 0 28672 [stack]
 total  -1048576 1339392 -524288 4194304 3960832 
END
}

@test "--diff the other way round: every change negated, split becomes merged" {
	run -0 numamaps --diff "$snapshots/after.json" "$snapshots/before.json" -r -b \
		-o STATUS,MAPPINGS,N0,N1,N2,N3,CHANGE
	assert_output - <<'END'
STATUS MAPPINGS N0 N1 N2 N3 CHANGE
merged 3>1 1048576 -1048576 0 0 0
split 1>2 0 -524288 524288 0 0
new 0>1 0 262144 0 0 262144
gone 1>0 0 0 0 -4194304 -4194304
same 1>1 0 -28672 0 0 -28672
total  1048576 -1339392 524288 -4194304 -3960832
END
}

@test "--diff in a table: signed human sizes; in JSON: numbers, the total row last" {
	run -0 numamaps --diff "$snapshots/before.json" "$snapshots/after.json"
	assert_line --index 1 --regexp '^7f0000000000-7f0000300000 split +anon +-1M +\+1M +0 +0 +0 *$'
	assert_line --index 6 --regexp '^ +total +-1M +\+1\.3M +-512K +\+4M +\+3\.8M *$'
	run -0 numamaps -J --diff "$snapshots/before.json" "$snapshots/after.json"
	run -0 jq -c '.diff[-1]' <<<"$output"
	assert_output '{"address":null,"status":"total","type":null,"n0":-1048576,"n1":1339392,"n2":-524288,"n3":4194304,"change":3960832,"mapping":null}'
	run -0 numamaps -J --diff "$snapshots/before.json" "$snapshots/after.json"
	# The total is the sum of the rows (unchanged mappings add nothing).
	run -0 jq -c '[.diff[:-1] | (map(.n0) | add), (map(.n1) | add), (map(.n2) | add), (map(.n3) | add)]' <<<"$output"
	assert_output '[-1048576,1339392,-524288,4194304]'
}

@test "--diff of a snapshot with itself, and with the process it was taken of: only a zero total" {
	numamaps --sysroot "$four_nodes" --save fakedb.json 4242
	run -0 numamaps --diff fakedb.json fakedb.json -r -b
	assert_output $'ADDRESS STATUS TYPE N0 N1 N2 N3 CHANGE MAPPING\n total  0 0 0 0 0 '
	run -0 numamaps --sysroot "$four_nodes" --diff fakedb.json 4242 -r -b
	assert_output $'ADDRESS STATUS TYPE N0 N1 N2 N3 CHANGE MAPPING\n total  0 0 0 0 0 '
}

@test "--diff of two different processes compares their mappings (-v names both)" {
	numamaps --sysroot "$four_nodes" --save worker.json 4343
	run -0 --separate-stderr numamaps --sysroot "$four_nodes" -v -r -b --diff worker.json 4242 \
		-o STATUS,CHANGE
	assert_equal "$stderr" "numamaps: comparing PID 4343 (worker) with PID 4242 (fakedb)"
	# 4343's heap sits below 4242's mappings, its anon mapping among them.
	assert_line --index 1 'new 40960'
	assert_line --index 4 'gone -20480'
	assert_line --index 10 'gone -40960'
	assert_line --index 13 'total 13299712'
}

@test "--diff of a live process with its snapshot: placement of a process that sits still" {
	sleep 1000 &
	sleeper=$!
	while [ "$(cat /proc/$sleeper/comm 2>/dev/null)" != sleep ]; do sleep 0.01; done
	numamaps --save sleeper.json $sleeper
	run -0 numamaps -J --diff sleeper.json $sleeper
	kill $sleeper
	run -0 jq -c '.diff[-1] | .change' <<<"$output"
	assert_output 0
}

# -------------------------------------------------------- bad snapshots

@test "a non-JSON file, an empty one, a missing one: one clear line, exit status 1" {
	printf 'hello\n' >hello.txt
	run -1 --separate-stderr numamaps --diff hello.txt "$snapshots/after.json"
	assert_equal "$stderr" "numamaps: cannot read snapshot 'hello.txt': not JSON: line 1 column 5: '[' or '{' expected near 'hello'"
	assert_output ""
	: >empty.json
	run -1 --separate-stderr numamaps --diff "$snapshots/before.json" empty.json
	assert_equal "$stderr" "numamaps: cannot read snapshot 'empty.json': not JSON: line 1 column 0: '[' or '{' expected near end of file"
	run -1 --separate-stderr numamaps --diff missing.json "$snapshots/after.json"
	assert_equal "$stderr" "numamaps: cannot read snapshot 'missing.json': no such file or directory"
	run -1 --separate-stderr numamaps --diff . "$snapshots/after.json"
	assert_equal "$stderr" "numamaps: cannot read snapshot '.': is a directory"
}

@test "a truncated snapshot: where the text ends, exit status 1" {
	head -c 1000 "$snapshots/before.json" >truncated.json
	run -1 --separate-stderr numamaps --diff truncated.json "$snapshots/after.json"
	assert_regex "$stderr" "^numamaps: cannot read snapshot 'truncated.json': not JSON: line [0-9]+ column [0-9]+: premature end of input near '[^']*'$"
}

@test "every prefix of a snapshot: one line on stderr, exit status 1, never a crash" {
	size=$(wc -c <"$snapshots/before.json")
	for length in $(seq 0 97 $((size - 2))); do
		head -c "$length" "$snapshots/before.json" >prefix.json
		run -1 --separate-stderr numamaps --diff prefix.json "$snapshots/after.json"
		assert_regex "$stderr" "^numamaps: cannot read snapshot 'prefix.json': [^"$'\n'"]+$"
	done
}

@test "a snapshot of a newer format version: named, exit status 1" {
	bad_value '.version = 2' "format version 2 is newer than this numamaps reads (1)"
	bad_value '.version = 0' "'version' is out of range (0)"
}

# bad_value JQ-EDIT MESSAGE: the edited before.json is refused with MESSAGE.
bad_value() {
	jq "$1" "$snapshots/before.json" >bad.json
	run -1 --separate-stderr numamaps --diff bad.json "$snapshots/after.json"
	assert_equal "$stderr" "numamaps: cannot read snapshot 'bad.json': $2"
}

@test "bad values: the process, mapping and key named" {
	bad_value '{}' 'not a numamaps snapshot (no "format": "numamaps-snapshot")'
	bad_value '[1]' 'not a numamaps snapshot (not a JSON object)'
	bad_value 'del(.time)' "'time' is missing"
	bad_value '.time = "yesterday"' "'time' is not a UTC time like 2026-01-31T14:30:00Z"
	bad_value '.topology.nodes[0].node = 5000' "topology: node entry 1: 'node' is out of range (5000)"
	bad_value '.processes[0].pid = "x"' "process 1: 'pid' is not an integer"
	bad_value '.processes[0].mappings[1].start = "xyz"' "process 1: mapping 2: 'start' is not a hex address"
	bad_value '.processes[0].mappings[1].start = "11112222333344445"' "process 1: mapping 2: 'start' is not a hex address"
	bad_value '.processes[0].mappings[1].end = "7f0000000000"' "process 1: mapping 2: 'end' is not after 'start'"
	bad_value '.processes[0].mappings[2].start = "7f0000100000"' "process 1: mapping 3: overlaps the mapping before or is out of order"
	bad_value '.processes[0].mappings[1].type = "weird"' "process 1: mapping 2: unknown mapping type 'weird'"
	bad_value '.processes[0].mappings[1].page_size = 3000' "process 1: mapping 2: 'page_size' is not a power of two"
	bad_value '.processes[0].mappings[1].page_size = 0' "process 1: mapping 2: pages on nodes but 'page_size' is 0"
	bad_value '.processes[0].mappings[1].nodes[0].pages = 769' "process 1: mapping 2: more pages on nodes than the mapping holds"
	bad_value '.processes[0].mappings[1].nodes[0].pages = -1' "process 1: mapping 2: 'pages' is out of range (-1)"
	bad_value '.processes[0].mappings[1].nodes[0].pages = 1.5' "process 1: mapping 2: 'pages' is not an integer"
	bad_value '.processes[0].mappings[1].nodes += [{"node": 0, "pages": 1}]' "process 1: mapping 2: nodes are not in ascending order"
	bad_value '.processes[0].mappings[1].policy = null' "process 1: mapping 2: 'policy' is not a string"
	bad_value '.processes[0].mappings[1].permissions = "rw-p-x"' "process 1: mapping 2: 'permissions' is longer than 4 characters"
}

@test "duplicate keys and NUL characters are refused" {
	sed '0,/"version": 1,/s//"version": 1, "version": 1,/' "$snapshots/before.json" >duplicate.json
	run -1 --separate-stderr numamaps --diff duplicate.json "$snapshots/after.json"
	assert_regex "$stderr" "^numamaps: cannot read snapshot 'duplicate.json': not JSON: line 3 column [0-9]+: duplicate object key"
	sed 's/"fakedb"/"fake\\u0000db"/' "$snapshots/before.json" >nul.json
	run -1 --separate-stderr numamaps --diff nul.json "$snapshots/after.json"
	assert_regex "$stderr" "^numamaps: cannot read snapshot 'nul.json': not JSON: line [0-9]+ column [0-9]+: \\\\u0000 is not allowed"
}

@test "a snapshot of several processes: --diff compares one" {
	numamaps --sysroot "$four_nodes" --save two.json 4343,4242
	run -1 --separate-stderr numamaps --diff two.json "$snapshots/after.json"
	assert_equal "$stderr" "numamaps: snapshot 'two.json' holds 2 processes: --diff compares one (save one PID per snapshot)"
}

@test "--diff usage: two sides, a live side that is no process" {
	run -1 --separate-stderr numamaps --diff "$snapshots/before.json"
	assert_equal "${stderr_lines[0]}" "numamaps: --diff takes two snapshots or PIDs"
	run -1 --separate-stderr numamaps --diff a b c
	assert_equal "${stderr_lines[0]}" "numamaps: --diff takes two snapshots or PIDs"
	run -1 --separate-stderr numamaps --sysroot "$four_nodes" --diff "$snapshots/before.json" 9999
	assert_equal "$stderr" "numamaps: no process with PID 9999"
	run -1 --separate-stderr numamaps -s --diff "$snapshots/before.json" "$snapshots/after.json"
	assert_equal "${stderr_lines[0]}" "numamaps: -s, -A, --diff, --save, --interval and --bars do not combine"
	run -1 --separate-stderr numamaps --diff "$snapshots/before.json" "$snapshots/after.json" -o FOO
	assert_equal "$stderr" "numamaps: unknown column 'FOO'"
}
