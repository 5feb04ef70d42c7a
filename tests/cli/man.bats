#!/usr/bin/env bats
# The manual pages: clean under mandoc's linter, one per program, and each
# page's OPTIONS the same set as its program's --help, so neither drifts.
# NUMAMIG_MAN_PAGES and NUMAMIG_PROGRAMS come from man/Makemodule.am.

load /usr/lib/bats/bats-support/load.bash
load /usr/lib/bats/bats-assert/load.bash

setup() {
	source "$top_srcdir/completions/numamig.bash"
	read -r -a pages <<<"$NUMAMIG_MAN_PAGES"
	read -r -a programs <<<"$NUMAMIG_PROGRAMS"
}

# The page of a program: man/NAME.1 or man/NAME.8, whichever is listed.
page_of() {
	local name=$1 page
	for page in "${pages[@]}"; do
		case "$page" in
		man/"$name".1 | man/"$name".8) echo "$page"; return 0 ;;
		esac
	done
	return 1
}

# Option names in the OPTIONS section of an mdoc page, one per line:
# ".It Fl o , Fl \-output Ns = Ns Ar list" gives -o and --output.
page_options() {
	awk '/^\.Sh / { in_options = ($0 == ".Sh OPTIONS") }
	     in_options && /^\.It / { print }' "$1" |
		grep -oE 'Fl (\\&)?[^ ]+' |
		sed -e 's/^Fl //' -e 's/\\&//g' -e 's/\\-/-/g' -e 's/^/-/' |
		sort -u
}

# Option names in argp's --help, as the bash completion reads them.
help_options() {
	_numamig_help_options "$1" | cut -d' ' -f1 | sort -u
}

# same_sets PAGE SOURCE WHAT EXPECTED DOCUMENTED: fails naming what the
# page lacks and what it has that the source lacks (sorted lists).
same_sets() {
	local page=$1 source=$2 what=$3 missing extra
	missing=$(comm -23 <(echo "$4") <(echo "$5") | tr '\n' ' ')
	extra=$(comm -13 <(echo "$4") <(echo "$5") | tr '\n' ' ')
	[ -z "$missing" ] || fail "$page lacks $what of $source: $missing"
	[ -z "$extra" ] || fail "$page has $what that $source lacks: $extra"
}

@test "every manual page is clean under mandoc -T lint -W warning" {
	[ ${#pages[@]} -gt 0 ]
	for page in "${pages[@]}"; do
		run mandoc -T lint -W warning "$top_srcdir/$page"
		assert_success
		assert_output ''
	done
}

@test "the linter test fails on a page with a warning" {
	broken="$BATS_TEST_TMPDIR/broken.1"
	printf '.Dd November 23, 2026\n.Dt BROKEN 1\n.Os\n.Sh NAME\n.Nm broken\n.Nd a page\n.Sh DESCRIPTION\n.Bl -tag\n.It x\ny\n.El\n' >"$broken"
	run mandoc -T lint -W warning "$broken"
	assert_failure
	assert_output --partial 'WARNING'
}

@test "every program has a manual page, and every tool page a program" {
	[ ${#programs[@]} -gt 0 ]
	for program in "${programs[@]}"; do
		name=${program##*/}
		page_of "$name" >/dev/null || fail "no manual page for '$name'"
	done
	for page in "${pages[@]}"; do
		case "$page" in *.3) continue ;; esac
		name=${page##*/}
		name=${name%.*}
		found=
		for program in "${programs[@]}"; do
			[ "${program##*/}" = "$name" ] && found=yes
		done
		[ -n "$found" ] || fail "manual page '$page' has no program"
	done
}

@test "each tool page has the sections users look for" {
	for program in "${programs[@]}"; do
		page=$top_srcdir/$(page_of "${program##*/}") || fail "no manual page for '$program'"
		for section in NAME SYNOPSIS DESCRIPTION OPTIONS OUTPUT 'EXIT STATUS' \
			ENVIRONMENT EXAMPLES NOTES 'SEE ALSO'; do
			grep -qx "\\.Sh $section" "$page" || fail "'$page' lacks the section $section"
		done
	done
}

@test "the option parsers read both sides" {
	# A --help in argp's layout, and a page, with the same options.
	help="$BATS_TEST_TMPDIR/help"
	printf '#!/bin/sh\ncat <<EOF\nUsage: x [OPTION...] PID\n\n  -o, --output=LIST          columns, -o and\n                             --more in prose\n      --range[=START-END]    a range\n  -?, --help                 Give this help list\n  -j N                       jobs\nEOF\n' >"$help"
	chmod +x "$help"
	run help_options "$help"
	assert_output "$(printf '%s\n' --help --output --range -? -j -o | sort -u)"
	page="$BATS_TEST_TMPDIR/x.1"
	printf '.Sh OPTIONS\n.Bl -tag\n.It Fl o , Fl \\-output Ns = Ns Ar list\n.It Fl \\-range Ns Op = Ns Ar range\n.It Fl \\&? , Fl \\-help\n.It Fl j Ar n\n.El\n.Sh OUTPUT\n.It Fl x\n' >"$page"
	run page_options "$page"
	assert_output "$(printf '%s\n' --help --output --range -? -j -o | sort -u)"
}

@test "each tool page documents exactly the options of its --help" {
	[ ${#programs[@]} -gt 0 ]
	for program in "${programs[@]}"; do
		page=$top_srcdir/$(page_of "${program##*/}") || fail "no manual page for '$program'"
		help=$(help_options "$top_builddir/$program")
		[ -n "$help" ] || fail "no options parsed from '$program --help'"
		documented=$(page_options "$page")
		same_sets "$page" "'$program --help'" options "$help" "$documented"
	done
}

# Column names in the OUTPUT section of an mdoc page: ".It Cm NAME".
page_columns() {
	awk '/^\.Sh / { in_output = ($0 == ".Sh OUTPUT") }
	     in_output && /^\.It Cm [A-Z]/ { print $3 }' "$1" | sort -u
}

@test "each tool page lists exactly the output columns of its --help" {
	checked=0
	for program in "${programs[@]}"; do
		page=$top_srcdir/$(page_of "${program##*/}") || fail "no manual page for '$program'"
		# no sysroot with nodes: the column names alone, not N0, N1...
		help=$(_numamig_help_columns "$top_builddir/$program" /nonexistent | sort -u)
		[ -n "$help" ] || continue
		checked=$((checked + 1))
		documented=$(page_columns "$page")
		same_sets "$page" "'$program --help'" columns "$help" "$documented"
	done
	[ "$checked" -gt 0 ]
}

@test "libnumamig(3) documents every function of numamig.h, and no other" {
	declared=$(grep -oE '\bnumamig_[a-z0-9_]+\(' "$top_srcdir/include/numamig.h" |
		tr -d '(' | sort -u)
	documented=$(grep -E '^\.(Fn|Fo) numamig_' "$top_srcdir/man/libnumamig.3" |
		awk '{ print $2 }' | sort -u)
	[ -n "$declared" ]
	same_sets libnumamig.3 numamig.h functions "$declared" "$documented"
}

@test "the examples of numamaps(1) run as written" {
	page=$top_srcdir/man/numamaps.1
	[ -f "$page" ]
	sleep 60 &
	sleeper=$!
	# The page's process IDs become live ones, its captured machine the
	# four-node fixture (where process 4242 lives).
	examples=$(awk '/^\.Sh / { in_examples = ($0 == ".Sh EXAMPLES") }
		in_examples && /^\.Dl \$ / { sub(/^\.Dl \$ /, ""); print }' "$page" |
		sed -e 's/\\(dq/"/g' -e 's/\\e/\\/g' -e "s/1234/$$/g" -e "s/5678/$sleeper/g" \
			-e "s|/srv/capture|$top_srcdir/tests/fixtures/sysroot/four-nodes|g")
	[ "$(wc -l <<<"$examples")" -ge 3 ]
	cd "$BATS_TEST_TMPDIR" # for the files they write
	while IFS= read -r example; do
		PATH=$top_builddir/tools/numamaps:$PATH run bash -o pipefail -c "$example"
		[ "$status" -eq 0 ] || fail "'$example' failed ($status): $output"
		# --save writes its file and prints nothing
		[ -n "$output" ] || [[ $example == *--save* && -s before.json ]] ||
			fail "'$example' printed nothing"
	done <<<"$examples"
	kill "$sleeper"
}
