#!/usr/bin/env bats
# numamaps on the host: fixture machines through --sysroot (exact numbers
# per node, table and JSON), live processes (compared with numastat -p),
# and every error path with its message and exit status.

load numamaps-common

setup_file() {
	export sparse_nodes="$top_srcdir/tests/fixtures/sysroot/sparse-nodes"
}

teardown() {
	if [ -n "${sleeper:-}" ]; then
		kill "$sleeper" 2>/dev/null || true
		wait "$sleeper" 2>/dev/null || true
	fi
}

# A process that sits still, so two tools see the same memory.
start_sleeper() {
	sleep 1000 &
	sleeper=$!
	# Until exec has replaced the forked shell.
	while [ "$(cat /proc/$sleeper/comm 2>/dev/null)" != sleep ]; do sleep 0.01; done
}

# ---------------------------------------------------------------- fixtures

@test "a row per mapping with its bytes on each node (four nodes, raw, bytes)" {
	run -0 numamaps --sysroot "$four_nodes" -r -b 4242
	assert_output - <<'END'
ADDRESS SIZE POLICY TYPE N0 N1 N2 N3 TOTAL MAPPING
55d0c0a00000-55d0c0a0a000 40960 default file 40960 0 0 0 40960 /usr/bin/fakedb
55d0c0c00000-55d0c0c03000 12288 default file 0 12288 0 0 12288 /usr/bin/fakedb
55d0c1000000-55d0c1200000 2097152 default heap 409600 819200 0 0 1228800 [heap]
7f0000000000-7f0000400000 4194304 interleave:0-3 anon 1048576 1048576 1048576 1048576 4194304 
7f0000400000-7f0000600000 2097152 bind:2 anon 0 0 2097152 0 2097152 
7f0000600000-7f0000700000 1048576 default shmem 0 0 524288 524288 1048576 /dev/shm/fakedb\x20cache
7f0000800000-7f0000c00000 4194304 bind:3 hugetlb 0 0 0 4194304 4194304 /anon_hugepage\x20(deleted)
7f0000c00000-7f0000d00000 1048576 default file 245760 163840 0 0 409600 /usr/lib/libc.so.6
7ffd00000000-7ffd00021000 135168 default stack 0 135168 0 0 135168 [stack]
7ffd00100000-7ffd00102000 8192 default anon 0 0 0 0 0 
END
}

@test "the default table: human sizes, aligned columns" {
	run -0 numamaps --sysroot "$four_nodes" 4242
	assert_output - <<'END'
ADDRESS                    SIZE POLICY         TYPE       N0    N1    N2    N3 TOTAL MAPPING
55d0c0a00000-55d0c0a0a000   40K default        file      40K     0     0     0   40K /usr/bin/fakedb
55d0c0c00000-55d0c0c03000   12K default        file        0   12K     0     0   12K /usr/bin/fakedb
55d0c1000000-55d0c1200000    2M default        heap     400K  800K     0     0  1.2M [heap]
7f0000000000-7f0000400000    4M interleave:0-3 anon       1M    1M    1M    1M    4M 
7f0000400000-7f0000600000    2M bind:2         anon        0     0    2M     0    2M 
7f0000600000-7f0000700000    1M default        shmem       0     0  512K  512K    1M /dev/shm/fakedb cache
7f0000800000-7f0000c00000    4M bind:3         hugetlb     0     0     0    4M    4M /anon_hugepage (deleted)
7f0000c00000-7f0000d00000    1M default        file     240K  160K     0     0  400K /usr/lib/libc.so.6
7ffd00000000-7ffd00021000  132K default        stack       0  132K     0     0  132K [stack]
7ffd00100000-7ffd00102000    8K default        anon        0     0     0     0     0 
END
}

@test "JSON: lowercase keys, numbers as numbers, sizes in bytes" {
	run -0 numamaps --sysroot "$four_nodes" -J 4242
	echo "$output" | jq -e . >/dev/null
	run -0 jq -c '.mappings[2]' <<<"$output"
	assert_output '{"address":"55d0c1000000-55d0c1200000","size":2097152,"policy":"default","type":"heap","n0":409600,"n1":819200,"n2":0,"n3":0,"total":1228800,"mapping":"[heap]"}'
	run -0 numamaps --sysroot "$four_nodes" -J 4242
	run -0 jq -r '[.mappings[] | .n0, .n1, .n2, .n3, .total, .size | type] | unique | join(",")' <<<"$output"
	assert_output number
	run -0 numamaps --sysroot "$four_nodes" -J 4242
	run -0 jq -c '[.mappings[] | select(.type == "anon") | .mapping]' <<<"$output"
	assert_output '[null,null,null]'
}

@test "JSON per-node sums equal the sums of the fixture's numa_maps" {
	run -0 numamaps --sysroot "$four_nodes" -J 4242
	run -0 jq -c '[(.mappings | map(.n0) | add), (.mappings | map(.n1) | add),
		       (.mappings | map(.n2) | add), (.mappings | map(.n3) | add),
		       (.mappings | map(.total) | add)]' <<<"$output"
	# N0 40K+400K+1M+240K, N1 12K+800K+1M+160K+132K, N2 1M+2M+512K, N3 1M+512K+4M
	assert_output '[1744896,2179072,3670016,5767168,13361152]'
}

@test "-s: a row per kind of memory and a total, a column per node" {
	run -0 numamaps --sysroot "$four_nodes" -s -r -b 4242
	assert_output - <<'END'
PID COMMAND TYPE N0 N1 N2 N3 TOTAL
4242 fakedb anon 1048576 1048576 3145728 1048576 6291456
4242 fakedb heap 409600 819200 0 0 1228800
4242 fakedb stack 0 135168 0 0 135168
4242 fakedb file 286720 176128 0 0 462848
4242 fakedb shmem 0 0 524288 524288 1048576
4242 fakedb hugetlb 0 0 0 4194304 4194304
4242 fakedb total 1744896 2179072 3670016 5767168 13361152
END
}

@test "-s in JSON, human sizes in the table" {
	run -0 numamaps --sysroot "$four_nodes" -s -J 4242
	run -0 jq -c '.summary[] | select(.type == "total")' <<<"$output"
	assert_output '{"pid":4242,"command":"fakedb","type":"total","n0":1744896,"n1":2179072,"n2":3670016,"n3":5767168,"total":13361152}'
	run -0 numamaps --sysroot "$four_nodes" -s 4242
	assert_line --index 0 --regexp '^ *PID COMMAND +TYPE +N0 +N1 +N2 +N3 +TOTAL$'
	assert_line --index 7 --regexp '^ *4242 fakedb +total +1\.7M +2\.1M +3\.5M +5\.5M +12\.7M$'
}

@test "several PIDs: one table, a PID column, in the order given" {
	run -0 numamaps --sysroot "$four_nodes" -r -b 4343 4242
	assert_line --index 0 'PID ADDRESS SIZE POLICY TYPE N0 N1 N2 N3 TOTAL MAPPING'
	assert_line --index 1 '4343 55d0c2000000-55d0c2021000 135168 default heap 20480 0 0 0 20480 [heap]'
	assert_line --index 2 '4343 7f1000000000-7f1000010000 65536 prefer:1 anon 0 40960 0 0 40960 '
	assert_line --index 3 --partial '4242 55d0c0a00000-55d0c0a0a000 '
	assert_equal "${#lines[@]}" 13
	run -0 numamaps --sysroot "$four_nodes" -s -J 4343,4242
	run -0 jq -c '[.summary[] | select(.type == "total") | [.pid, .command, .total]]' <<<"$output"
	assert_output '[[4343,"worker",61440],[4242,"fakedb",13361152]]'
}

@test "sparse node ids: a column for each node with memory only" {
	run -0 numamaps --sysroot "$sparse_nodes" -r -b 4545
	assert_output - <<'END'
ADDRESS SIZE POLICY TYPE N0 N4 TOTAL MAPPING
560000000000-560000080000 524288 default heap 262144 262144 524288 [heap]
7f2000000000-7f2000400000 4194304 prefer:4 anon 0 4194304 4194304 
END
	run -0 numamaps --sysroot "$sparse_nodes" -s -J 4545
	run -0 jq -c '.summary[-1]' <<<"$output"
	assert_output '{"pid":4545,"command":"sparse","type":"total","n0":262144,"n4":4456448,"total":4718592}'
}

@test "-o chooses columns, +LIST adds to the defaults, node columns by name" {
	run -0 numamaps --sysroot "$four_nodes" -r -b -o TYPE,n3,Total 4242
	assert_line --index 0 'TYPE N3 TOTAL'
	assert_line --index 7 'hugetlb 4194304 4194304'
	run -0 numamaps --sysroot "$four_nodes" -r -o NODES 4242
	assert_line --index 0 'N0 N1 N2 N3'
	run -0 numamaps --sysroot "$four_nodes" -r -b -o +PERMS,PAGESIZE,ANON,DIRTY,MAPMAX,COMMAND,PID 4242
	assert_line --index 0 'ADDRESS SIZE POLICY TYPE N0 N1 N2 N3 TOTAL MAPPING PERMS PAGESIZE ANON DIRTY MAPMAX COMMAND PID'
	assert_line --index 7 --partial ' rw-p 2097152 4194304 4194304 0 fakedb 4242'
	assert_line --index 8 --partial ' r-xp 4096 0 0 5 fakedb 4242'
	assert_line --index 10 '7ffd00100000-7ffd00102000 8192 default anon 0 0 0 0 0  r-xp  0 0 0 fakedb 4242'
}

@test "-n leaves the headings out, -b prints bytes" {
	run -0 numamaps --sysroot "$four_nodes" -n -b -r -o TOTAL 4343
	assert_output $'20480\n40960'
	run -0 numamaps --sysroot "$four_nodes" -n -o TOTAL 4343
	assert_output $'  20K\n  40K'
}

@test "--help (and -h) lists the columns of both tables, --version names the package" {
	run -0 numamaps --help
	assert_line --regexp '^Usage: numamaps \[OPTION\.\.\.\] PID\.\.\.$'
	assert_line --regexp '^ +NODES  memory on each node \(one column per node: N0, N1, \.\.\.\)$'
	assert_line --regexp '^ +MAPPING  file, \[heap\] or \[stack\]; empty for anonymous memory$'
	assert_line 'With -s, --summary:'
	help=$output
	run -0 numamaps -h
	assert_equal "$output" "$help"
	run -0 numamaps --version
	assert_output "numamaps (numamig) $(sed -n 's/^AC_INIT(\[numamig\], \[\([^]]*\)\].*/\1/p' "$top_srcdir/configure.ac")"
}

# ------------------------------------------------------------------ errors

@test "no such PID: message and exit status 1" {
	run -1 --separate-stderr numamaps --sysroot "$four_nodes" 9999
	assert_equal "$stderr" "numamaps: no process with PID 9999"
	assert_output ""
	run -1 --separate-stderr numamaps 2147483647
	assert_equal "$stderr" "numamaps: no process with PID 2147483647"
}

@test "a kernel thread: message and exit status 1" {
	run -1 --separate-stderr numamaps --sysroot "$four_nodes" 2
	assert_equal "$stderr" "numamaps: process 2 (kthreadd) is a kernel thread: it has no user memory"
	run -1 --separate-stderr numamaps -s 2
	assert_equal "$stderr" "numamaps: process 2 (kthreadd) is a kernel thread: it has no user memory"
}

@test "several PIDs, some bad: each reported, the others shown, exit status 1" {
	run -1 --separate-stderr numamaps --sysroot "$four_nodes" -s -r -b 9999 4343 2
	assert_equal "$stderr" "numamaps: no process with PID 9999
numamaps: process 2 (kthreadd) is a kernel thread: it has no user memory"
	assert_line --index 7 '4343 worker total 20480 40960 0 0 61440'
	assert_equal "${#lines[@]}" 8
}

@test "invalid PIDs and no PID: usage errors, exit status 1" {
	run -1 --separate-stderr numamaps abc
	assert_equal "$stderr" "numamaps: invalid PID 'abc'"
	run -1 --separate-stderr numamaps 0
	assert_equal "$stderr" "numamaps: invalid PID '0'"
	run -1 --separate-stderr numamaps 12x
	assert_equal "$stderr" "numamaps: invalid PID '12x'"
	run -1 --separate-stderr numamaps 1,
	assert_equal "$stderr" "numamaps: invalid PID ''"
	run -1 --separate-stderr numamaps 99999999999999999999
	assert_equal "$stderr" "numamaps: invalid PID '99999999999999999999'"
	run -1 --separate-stderr numamaps
	assert_equal "${stderr_lines[0]}" "numamaps: no PID given"
	assert_equal "$output" ""
}

@test "a bad option: argp's message, exit status 1" {
	run -1 --separate-stderr numamaps --frobnicate 1
	assert_equal "${stderr%%$'\n'*}" "numamaps: unrecognized option '--frobnicate'"
	run -1 --separate-stderr numamaps -Z 1
	assert_equal "${stderr%%$'\n'*}" "numamaps: invalid option -- 'Z'"
	run -1 --separate-stderr numamaps -o
	assert_equal "${stderr%%$'\n'*}" "numamaps: option requires an argument -- 'o'"
}

@test "an unknown column: named, exit status 1, nothing on stdout" {
	run -1 --separate-stderr numamaps --sysroot "$four_nodes" -o ADDRESS,FOO 4242
	assert_equal "$stderr" "numamaps: unknown column 'FOO'"
	assert_output ""
	run -1 --separate-stderr numamaps --sysroot "$four_nodes" -o +N7 4242
	assert_equal "$stderr" "numamaps: unknown column 'N7'"
	run -1 --separate-stderr numamaps --sysroot "$four_nodes" -s -o MAPPING 4242
	assert_equal "$stderr" "numamaps: unknown column 'MAPPING'"
}

@test "a sysroot without a machine: exit status 1" {
	run -1 --separate-stderr numamaps --sysroot /nonexistent 1
	assert_regex "$stderr" '^numamaps: [^'$'\n'']+$'
	assert_output ""
}

@test "output to a full disk: write error, exit status 1" {
	full() {
		${NUMAMIG_WRAPPER:-} "$top_builddir/tools/numamaps/numamaps" "$@" >/dev/full
	}
	run -1 --separate-stderr full --sysroot "$four_nodes" 4242
	assert_equal "$stderr" "numamaps: write error: no space left on device"
	run -1 --separate-stderr full -s -J $$
	assert_equal "$stderr" "numamaps: write error: no space left on device"
}

# ---------------------------------------------------------- live processes

@test "a live process: heap, stack and the program's file, in table and JSON" {
	run -0 numamaps -r $$
	assert_line --index 0 --regexp '^ADDRESS SIZE POLICY TYPE (N[0-9]+ )+TOTAL MAPPING$'
	assert_line --regexp ' heap( [^ ]+)+ \[heap\]$'
	assert_line --regexp ' stack( [^ ]+)+ \[stack\]$'
	run -0 numamaps -J $$
	jq -e . <<<"$output" >/dev/null
	run -0 jq -r '[.mappings[] | (.total, .size) | type] | unique | join(",")' <<<"$output"
	assert_output number
	run -0 numamaps -J $$
	run -0 jq -r '[.mappings[] | select(.mapping == "[heap]") | .total > 0] | all' <<<"$output"
	assert_output true
}

# "node MiB" lines, MiB as numastat prints them (%.2f), from numastat -p's
# Total line and from numamaps -s's total row.
numastat_totals() {
	numastat -p "$1" | awk '
		/^ +Node / { for (i = 1; i <= NF; i++) if ($i == "Node") nodes[++count] = $(i + 1) }
		$1 == "Total" { for (i = 1; i <= count; i++) print nodes[i], $(i + 1); print "total", $(count + 2) }'
}
numamaps_totals() {
	numamaps -s -J "$1" | jq -r '.summary[] | select(.type == "total") | del(.pid, .command, .type) |
		to_entries[] | "\(.key | ltrimstr("n")) \(.value / 1048576)"' |
		awk '{ printf "%s %.2f\n", $1, $2 }'
}

@test "-s totals per node equal numastat -p's to the 0.01 MiB it prints" {
	start_sleeper
	# A shell holding 16 MiB of heap, stopped so its memory stays put.
	bash -c 'text=$(head -c 16777216 /dev/zero | tr "\0" x); kill -STOP $$; : "$text"' &
	shell=$!
	while [ "$(awk '{ print $3 }' /proc/$shell/stat)" != T ]; do sleep 0.05; done
	for pid in "$sleeper" "$shell"; do
		theirs=$(numastat_totals "$pid")
		ours=$(numamaps_totals "$pid")
		echo "PID $pid numastat: $theirs"
		echo "PID $pid numamaps: $ours"
		# numastat lists every node, numamaps the nodes with memory: a node
		# numamaps leaves out must hold nothing.
		while read -r node value; do
			expected=$(awk -v node="$node" '$1 == node { print $2 }' <<<"$ours")
			assert_equal "$node ${expected:-0.00}" "$node $value"
		done <<<"$theirs"
	done
	# the shell's 16 MiB string
	[ "$(awk '$1 == "total" { print ($2 > 16) }' <<<"$ours")" = 1 ]
	kill -CONT "$shell"
	kill "$shell"
	wait "$shell" || true
}

@test "another user's process: refused, naming its owner, exit status 1" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to switch to another user"
	getent passwd numamig-test >/dev/null ||
		useradd --system --no-create-home --shell /usr/sbin/nologin numamig-test
	start_sleeper
	run -1 --separate-stderr setpriv --reuid=numamig-test --regid=numamig-test --clear-groups \
		$NUMAMIG_WRAPPER "$top_builddir/tools/numamaps/numamaps" "$sleeper"
	assert_equal "$stderr" "numamaps: process $sleeper (sleep) belongs to uid 0: reading its placement needs CAP_SYS_PTRACE"
	assert_output ""
}
