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
