#!/usr/bin/env bats
# Captures numa_maps and maps (and smaps where it tells more) of processes
# set up by fixture-maker, for the parsers' unit tests. Not a suite of its
# own: tests/vm/capture-fixtures runs it as root with --output. Each test
# checks that its capture shows what it was made for.

load /tests/lib/guest

setup() {
	[ -d /output ] || skip "needs --output (run tests/vm/capture-fixtures)"
}

teardown() {
	[ -n "${maker:-}" ] && kill "$maker" 2>/dev/null && wait "$maker" 2>/dev/null
	return 0
}

# capture NAME FEATURE...: NAME.numa_maps and NAME.maps of one process,
# read one after the other while it sleeps.
capture() {
	local name=$1
	shift
	rm -f "$BATS_TEST_TMPDIR/ready"
	fixture-maker --ready "$BATS_TEST_TMPDIR/ready" "$@" 3>&- &
	maker=$!
	wait_for_file "$BATS_TEST_TMPDIR/ready" 60
	cat /proc/$maker/numa_maps >"/output/$name.numa_maps"
	cat /proc/$maker/maps >"/output/$name.maps"
	cat /proc/$maker/smaps >"$BATS_TEST_TMPDIR/smaps"
}

kernel_at_least() { # kernel_at_least MAJOR MINOR
	local major=${NUMAMIG_VM_KERNEL%%.*} rest=${NUMAMIG_VM_KERNEL#*.}
	local minor=${rest%%[!0-9]*}
	[ "$major" -gt "$1" ] || { [ "$major" -eq "$1" ] && [ "$minor" -ge "$2" ]; }
}

@test "thp" {
	capture thp thp
	cp "$BATS_TEST_TMPDIR/smaps" /output/thp.smaps
	run grep -c "^AnonHugePages: *4096 kB" /output/thp.smaps
	assert_output 1
}

@test "hugetlb" {
	capture hugetlb hugetlb
	run grep -c " huge .*kernelpagesize_kB=2048" /output/hugetlb.numa_maps
	assert_output 2
	run cat /output/hugetlb.numa_maps
	assert_line --partial 'file=/anon_hugepage\040(deleted) huge'

}

@test "shared anonymous memory" {
	capture shared-anonymous shared-anonymous
	run cat /output/shared-anonymous.numa_maps
	assert_line --regexp 'file=/dev/zero\\040\(deleted\) dirty=256 '
}

@test "memfd and shm files" {
	capture memfd-shm memfd shm
	run cat /output/memfd-shm.numa_maps
	assert_line --partial 'file=/memfd:numamig\040fixture\040(deleted) dirty=256'
	assert_line --partial 'file=/dev/shm/numamig-fixture dirty=256'
}

@test "deleted file" {
	capture deleted deleted
	run grep -c 'file=/tmp/numamig-fixture-deleted\\040(deleted)' /output/deleted.numa_maps
	assert_output 2
}

@test "path with a space and =" {
	capture odd-path odd-path
	run cat /output/odd-path.numa_maps
	assert_line --partial 'file=/tmp/numamig\040fixture/a\075b\040c.dat mapped=256'
	run cat /output/odd-path.maps
	assert_line --partial '/tmp/numamig fixture/a=b c.dat'
}

@test "bind, interleave, prefer and local policies" {
	capture policies policies
	run cat /output/policies.numa_maps
	assert_line --regexp '^[0-9a-f]+ bind:1 anon=256 .* N1=256 '
	assert_line --regexp '^[0-9a-f]+ interleave:0-2 anon=256 '
	assert_line --regexp '^[0-9a-f]+ prefer:1 anon=256 '
	assert_line --regexp '^[0-9a-f]+ local anon=256 '
	assert_line --regexp '^[0-9a-f]+ bind:2$'
}

@test "policies with static and relative node flags" {
	capture policy-flags policy-flags
	run cat /output/policy-flags.numa_maps
	assert_line --regexp '^[0-9a-f]+ bind=static:0-1 anon=256 '
	assert_line --regexp '^[0-9a-f]+ interleave=relative:0-1 anon=256 '
	assert_line --regexp '^[0-9a-f]+ prefer=static:2 anon=256 '
	assert_line --regexp '^[0-9a-f]+ interleave=static:0,2 anon=256 '
}

@test "prefer (many)" {
	capture prefer-many prefer-many
	run cat /output/prefer-many.numa_maps
	assert_line --regexp '^[0-9a-f]+ prefer \(many\):1-2 anon=256 '
}

@test "weighted interleave" {
	kernel_at_least 6 9 || skip "weighted interleave is 6.9+ (kernel $NUMAMIG_VM_KERNEL)"
	capture weighted-interleave weighted-interleave
	run cat /output/weighted-interleave.numa_maps
	assert_line --regexp '^[0-9a-f]+ weighted interleave:0-2 anon=256 '
}

@test "copy-on-write pages shared with a child" {
	capture cow cow
	run cat /output/cow.numa_maps
	# (the region may merge with a small neighbour: 256 pages or a few more)
	assert_line --regexp '^[0-9a-f]+ default anon=25[6-9] dirty=25[6-9] mapmax=2 '
}

@test "everything in one process" {
	local features=(all)
	capture all all
	cp "$BATS_TEST_TMPDIR/smaps" /output/all.smaps
	run cat /output/all.numa_maps
	assert_line --regexp '^[0-9a-f]+ default heap anon='
	assert_line --regexp '^[0-9a-f]+ default stack anon='
	run cat /output/all.maps
	assert_line --regexp ' \[vvar\]$'
	assert_line --regexp ' \[vdso\]$'
}

@test "a kernel thread's numa_maps and maps are empty" {
	cat /proc/2/numa_maps >/output/kthread.numa_maps
	cat /proc/2/maps >/output/kthread.maps
	assert_equal "$(cat /proc/2/comm)" kthreadd
	[ ! -s /output/kthread.numa_maps ]
	[ ! -s /output/kthread.maps ]
}
