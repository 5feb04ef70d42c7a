#!/bin/bash
# The guest half of the benchmarks (B1 throughput, B4 stall), run as root
# in the 4-node QEMU guest by bench/run through `tests/vm/run --script`.
#
#   migration.sh [RUNS [b1|b4|all]]
#
# Appends one line per measurement to /output/samples.tsv:
#   BENCHMARK KERNEL CASE VARIANT METRIC VALUE   (tab-separated)
# Runs are interleaved (run 1 of every variant, then run 2...), so a slow
# patch of the emulator spreads over all variants rather than one. Each
# move goes to the other CPU node, 0 to 1 then 1 to 0 (the two are
# symmetric: same size, distance 20 both ways), which saves an untimed
# move back per run. The tools' standard error goes to a file: on the
# guest's serial terminal they would draw progress, which is not the work.
set -uo pipefail

runs=${1:-5}
which=${2:-all}
kernel=$(uname -r)
series=${kernel%%-*}
series=${series%.*}
samples=/output/samples.tsv
mib=$((1 << 20))
numactl_migratepages=/usr/bin/migratepages
directory=$(mktemp -d /tmp/bench.XXXXXX)
workload_pid=

say() { echo "# $*"; }
record() { printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$series" "$2" "$3" "$4" "$5" >>"$samples"; }
die() { echo "migration.sh: $*" >&2; stop_workload; exit 1; }

# start_workload OPTIONS...: a workload whose region is filled; sets
# workload_pid, workload_address, workload_size.
start_workload() {
	rm -f "$directory/ready" "$directory/stall"
	workload --ready "$directory/ready" "$@" &
	workload_pid=$!
	while [ ! -e "$directory/ready" ]; do
		kill -0 "$workload_pid" 2>/dev/null || die "workload $* did not start"
		sleep 0.1
	done
	read -r workload_address workload_size <"$directory/ready"
}
stop_workload() {
	[ -n "$workload_pid" ] || return 0
	kill "$workload_pid" 2>/dev/null
	wait "$workload_pid" 2>/dev/null
	workload_pid=
}

# pages_on NODE: base pages of the workload's region on NODE.
pages_on() {
	local start field
	start=$(printf '%x' "$((workload_address))")
	for field in $(grep "^$start " "/proc/$workload_pid/numa_maps"); do
		case "$field" in "N$1="*) echo "${field#*=}"; return ;; esac
	done
	echo 0
}

# other_node: where the region goes next (it is on node 0 or 1 as a whole).
other_node() { [ "$(pages_on 0)" -eq 0 ] && echo 0 || echo 1; }
here_node() { [ "$(pages_on 0)" -eq 0 ] && echo 1 || echo 0; }

# expect_all_on NODE WHAT: the whole region is on NODE, or the figure of
# WHAT would be a lie (a tool that moved nothing is fast).
expect_all_on() {
	local pages
	pages=$(pages_on "$1")
	[ "$pages" -eq $((workload_size / 4096)) ] ||
		die "after $2, $pages of $((workload_size / 4096)) pages on node $1"
}

# timed BENCHMARK CASE VARIANT COMMAND...: runs COMMAND under measure,
# records its seconds.
timed() {
	local benchmark=$1 case=$2 variant=$3 figures seconds peak processor
	shift 3
	figures=$(measure "$@" 2>"$directory/stderr") || die "$variant failed: $* ($(cat "$directory/stderr"))"
	read -r seconds peak processor <<<"$figures"
	record "$benchmark" "$case" "$variant" seconds "$seconds"
	record "$benchmark" "$case" "$variant" cpu_seconds "$processor"
}

# move BENCHMARK CASE VARIANT COMMAND...: the workload's region to the
# other CPU node by COMMAND, whose arguments FROM and TO are replaced by
# the current and the other node; timed, then checked.
move() {
	local benchmark=$1 case=$2 variant=$3 from to word arguments=()
	shift 3
	from=$(here_node)
	to=$(other_node)
	for word in "$@"; do
		case "$word" in FROM) word=$from ;; TO) word=$to ;; esac
		arguments+=("$word")
	done
	timed "$benchmark" "$case" "$variant" "${arguments[@]}"
	expect_all_on "$to" "$variant"
}

# stall_read: the workload's longest pause (microseconds)
# since the previous call, which starts a new period.
stall_read() {
	rm -f "$directory/stall"
	kill -USR2 "$workload_pid"
	while [ ! -s "$directory/stall" ]; do sleep 0.05; done
	cat "$directory/stall"
}

: >"$samples"
echo "$kernel" >/output/kernel
say "kernel $kernel, $(nproc) CPUs, $runs runs"

# B1: 256 MiB from node 0 to node 1, by each tool, and memcpy's limit.
size=256
[ "$which" = b4 ] || for page_size in 4k thp; do
	start_workload --size ${size}M --node 0 --page-size $page_size
	expect_all_on 0 "filling"
	range="$workload_address+${size}M"
	for run in $(seq "$runs"); do
		say "B1 $page_size run $run"
		move B1 $page_size numactl "$numactl_migratepages" "$workload_pid" FROM TO
		move B1 $page_size kernel migratepages "$workload_pid" FROM TO
		move B1 $page_size jobs1 migratepages --jobs 1 "$workload_pid" FROM TO
		move B1 $page_size jobs2 migratepages --jobs 2 "$workload_pid" FROM TO
		move B1 $page_size movepages movepages -p "$workload_pid" --to TO --range "$range"
	done
	stop_workload
	memcopy --size $size --page-size $page_size --runs "$runs" 0 1 >"$directory/memcopy" ||
		die "memcopy failed"
	while read -r seconds; do
		record B1 $page_size memcpy seconds "$seconds"
	done <"$directory/memcopy"
done

# B4: the longest pause a thread of the workload sees while 1 GiB moves,
# by the kernel's migrate_pages (the whole process in one call) and by
# move_pages 4 MiB at a time; "idle" is the same meter with nothing moving,
# the emulator's own noise, and "numa_maps" the pause of one read of
# /proc/PID/numa_maps, which walks the region under the mmap lock (every
# tool reads placement before and after a move).
[ "$which" = b1 ] || {
start_workload --size 1G --node 0 --page-size 4k --stall "$directory/stall"
expect_all_on 0 "filling"
for run in $(seq "$runs"); do
	say "B4 run $run"
	stall_read >/dev/null
	sleep 1
	record B4 4k idle stall_us "$(stall_read)"
	timed B4 4k numa_maps cat "/proc/$workload_pid/numa_maps"
	record B4 4k numa_maps stall_us "$(stall_read)"
	move B4 4k kernel migratepages "$workload_pid" FROM TO
	record B4 4k kernel stall_us "$(stall_read)"
	move B4 4k chunk4M migratepages --chunk 4M "$workload_pid" FROM TO
	record B4 4k chunk4M stall_us "$(stall_read)"
done
stop_workload
}
rm -rf "$directory"
say "done"
