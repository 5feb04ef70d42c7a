#!/usr/bin/env bats
# libnumamig's own words: its messages describe the condition and never
# name a tool or an option; the tools add the hint.

load /usr/lib/bats/bats-support/load.bash
load /usr/lib/bats/bats-assert/load.bash

# The string literals of the library's sources, one a line, with where they are.
library_strings() {
	find "$top_srcdir/lib" -name '*.[ch]' -exec grep -noE '"([^"\\]|\\.)*"' {} + |
		sed "s|^$top_srcdir/||"
}

@test "the library's strings name no option" {
	strings=$(library_strings)
	[ "$(wc -l <<<"$strings")" -gt 100 ]
	run grep -E -- '--' <<<"$strings"
	assert_output ""
}

@test "the library's strings name no tool" {
	run grep -E 'migratepages|movepages|numamaps|numatier' <<<"$(library_strings)"
	assert_output ""
}

@test "the symbol list exports every function of numamig.h by name, and no other" {
	declared=$(grep -oE '\bnumamig_[a-z0-9_]+\(' "$top_srcdir/include/numamig.h" | tr -d '(' |
		sort -u)
	listed=$(grep -oE '^[[:space:]]+numamig_[a-z0-9_]+;' "$top_srcdir/lib/libnumamig.sym" |
		tr -d ' \t;' | sort -u)
	[ -n "$declared" ]
	assert_equal "$listed" "$declared"
	# no pattern but local's "*"
	run grep -E '^[[:space:]]+[a-z0-9_]*[*?[][^;]*;$' "$top_srcdir/lib/libnumamig.sym"
	assert_output --regexp '^[[:space:]]+\*;$'
	exported=$(nm -D --defined-only "$top_builddir/lib/.libs/libnumamig.so" |
		awk '$2 == "T" { sub(/@.*/, "", $3); print $3 }' | sort -u)
	assert_equal "$exported" "$declared"
}
