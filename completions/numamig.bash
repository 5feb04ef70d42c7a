# bash completion for numamig's tools: migratepages, movepages, numamaps.
# Installed once per program name, the way bash-completion looks them up.
#
# Options and output columns are read from the program's own --help, so
# they never drift from it; node numbers come from has_memory (under the
# --sysroot given on the line, if any), PIDs from /proc, and the mapping
# names after --range from /proc/PID/maps of the -p PID on the line.
# Needs nothing of the bash-completion package.

# Prints the options of argp's --help, one a line: the name, then the
# argument's name when the option takes one ("-o LIST", "--output LIST",
# "--json"). An optional argument ("--jobs[=N]") is not consumed from the
# next word, so it is not printed.
_numamig_help_options() {
	"$1" --help 2>/dev/null | awk '
	/^  -/ || /^      --/ {
		spec = $0
		sub(/^ +/, "", spec)
		sub(/  .*/, "", spec)
		argument = ""
		if (match(spec, /\[=[^]]*\]$/)) {
			spec = substr(spec, 1, RSTART - 1)
		} else if (match(spec, /[= ][^- ,=][^ ,=]*$/)) {
			argument = substr(spec, RSTART + 1)
			spec = substr(spec, 1, RSTART - 1)
		}
		count = split(spec, names, /, */)
		for (i = 1; i <= count; i++) {
			sub(/[= []].*/, "", names[i])
			if (names[i] ~ /^-/)
				print names[i] (argument != "" ? " " argument : "")
		}
	}'
}

# Prints the column names listed under "Available output columns:" in
# --help: a line per column, its name right-aligned in 11 places, a long
# help continued on lines indented to place 14 (joined to their column
# here). A column group with one column per node ("(one column per node:
# N0, N1, ...)") gives its own name and one name per node.
_numamig_help_columns() {
	local program=$1 sysroot=$2 line name prefix node IFS=$' \t\n'
	while IFS= read -r line; do
		read -r name _ <<<"$line"
		echo "$name"
		if [[ $line =~ \(one\ column\ per\ node:\ ([A-Za-z_]+)0 ]]; then
			prefix=${BASH_REMATCH[1]}
			for node in $(_numamig_nodes "$sysroot"); do
				echo "$prefix$node"
			done
		fi
	done < <("$program" --help 2>/dev/null |
		awk 'function flush() { if (column != "") print column; column = "" }
		     /^Available output columns:/ { in_columns = 1; next }
		     in_columns && /^ *$/ { flush(); in_columns = 0 }
		     in_columns && /^ +[A-Z][A-Z0-9_]*  / && !/^             / { flush(); column = $0; next }
		     in_columns && column != "" { sub(/^ +/, " "); column = column $0 }
		     END { flush() }')
}

# The nodes with memory, one a line: "0-2,4" becomes 0 1 2 4.
_numamig_nodes() {
	local sysroot=$1 list range first last node ranges
	list=$(cat "${sysroot:-}/sys/devices/system/node/has_memory" 2>/dev/null) || return 0
	IFS=, read -r -a ranges <<<"$list"
	for range in "${ranges[@]}"; do
		first=${range%-*}
		last=${range#*-}
		[[ $first =~ ^[0-9]+$ && $last =~ ^[0-9]+$ ]] || continue
		for ((node = first; node <= last; node++)); do
			echo "$node"
		done
	done
}

_numamig_pids() {
	local sysroot=$1 entry
	for entry in "${sysroot:-}"/proc/[0-9]*; do
		echo "${entry##*/}"
	done
}

# What --range accepts as a mapping name for a process: "anon", the
# bracketed names of /proc/PID/maps, file paths and their basenames.
_numamig_mappings() {
	local sysroot=$1 pid=$2 path IFS=$' \t\n'
	[[ $pid =~ ^[0-9]+$ ]] || return 0
	echo anon
	while read -r _ _ _ _ _ path; do
		[ -n "$path" ] || continue
		echo "$path"
		case "$path" in
		/*) echo "${path##*/}" ;;
		esac
	done <"${sysroot:-}/proc/$pid/maps" 2>/dev/null | sort -u
}

# Completes the last element of a comma-separated list: "0,1,<TAB>" offers
# "0,1,2"; a leading "+" (columns added to the defaults, nodes relative
# to the allowed set) is kept.
_numamig_complete_list() {
	local current=$1 head=
	shift
	if [[ $current == *,* ]]; then
		head=${current%,*},
		current=${current##*,}
	elif [[ $current == +* ]]; then
		head=+
		current=${current#+}
	fi
	local IFS=$'\n'
	COMPREPLY=($(compgen -P "$head" -W "$*" -- "$current"))
}

# The value of an option given earlier on the line ("-p 42", "--pid 42",
# "--pid=42"), or nothing.
_numamig_option_value() {
	local i word name
	for ((i = 1; i < COMP_CWORD; i++)); do
		word=${COMP_WORDS[i]}
		for name in "$@"; do
			if [ "$word" = "$name" ]; then
				if [ "${COMP_WORDS[i + 1]:-}" = "=" ]; then
					echo "${COMP_WORDS[i + 2]:-}"
				else
					echo "${COMP_WORDS[i + 1]:-}"
				fi
				return
			fi
		done
	done
}

# Completes the argument of 'option', named 'argument' in --help.
_numamig_complete_argument() {
	local program=$1 option=$2 argument=$3 current=$4 sysroot=$5
	case "$option" in
	-o | --output)
		_numamig_complete_list "$current" $(_numamig_help_columns "$program" "$sysroot")
		return ;;
	-p | --pid)
		_numamig_complete_list "$current" $(_numamig_pids "$sysroot")
		return ;;
	-R | --range)
		local mappings IFS=$'\n'
		mappings=$(_numamig_mappings "$sysroot" "$(_numamig_option_value -p --pid)")
		COMPREPLY=($(compgen -W "$mappings" -- "$current"))
		return ;;
	-t | --to | -f | --from | --node)
		_numamig_complete_list "$current" all $(_numamig_nodes "$sysroot")
		return ;;
	--user)
		COMPREPLY=($(compgen -u -- "$current"))
		return ;;
	--name)
		COMPREPLY=($(compgen -W "$(cat "${sysroot:-}"/proc/[0-9]*/comm 2>/dev/null | sort -u)" \
			-- "$current"))
		return ;;
	esac
	case "$argument" in
	NODE | NODES | *NODES | NODE-LIST)
		_numamig_complete_list "$current" all $(_numamig_nodes "$sysroot") ;;
	PID | PIDS)
		_numamig_complete_list "$current" $(_numamig_pids "$sysroot") ;;
	DIR | DIRECTORY)
		COMPREPLY=($(compgen -d -- "$current")) ;;
	FILE | SNAPSHOT | PATH)
		COMPREPLY=($(compgen -f -- "$current")) ;;
	*)
		COMPREPLY=() ;;
	esac
}

_numamig_complete() {
	local program=${COMP_WORDS[0]} current=${COMP_WORDS[COMP_CWORD]}
	local previous=${COMP_WORDS[COMP_CWORD - 1]:-} option= options line
	local sysroot
	COMPREPLY=()
	[[ $program == "~/"* ]] && program=$HOME/${program#"~/"}
	options=$(_numamig_help_options "$program")
	sysroot=$(_numamig_option_value --sysroot)

	# "--output=LIST" reaches us as "--output" "=" "LIST" (COMP_WORDBREAKS).
	if [ "$current" = "=" ]; then
		option=$previous
		current=
	elif [ "$previous" = "=" ] && [ "$COMP_CWORD" -ge 2 ]; then
		option=${COMP_WORDS[COMP_CWORD - 2]}
	elif [[ $previous == -* ]]; then
		option=$previous
	fi
	if [ -n "$option" ]; then
		while read -r line; do
			if [ "${line%% *}" = "$option" ] && [ "$line" != "$option" ]; then
				_numamig_complete_argument "$program" "$option" "${line#* }" "$current" "$sysroot"
				return 0
			fi
		done <<<"$options"
	fi

	if [[ $current == -* ]]; then
		COMPREPLY=($(compgen -W "$(cut -d' ' -f1 <<<"$options")" -- "$current"))
		return 0
	fi
	_numamig_complete_operand "${program##*/}" "$current" "$sysroot" "$options"
}

# Operands: migratepages PID FROM-NODES TO-NODES (no PID with --name,
# --user or --cgroup), numamaps PID..., movepages none.
_numamig_complete_operand() {
	local name=$1 current=$2 sysroot=$3 options=$4 i word operand=0 takes
	for ((i = 1; i < COMP_CWORD; i++)); do
		word=${COMP_WORDS[i]}
		if [ "$word" = "=" ]; then
			i=$((i + 1))
			continue
		fi
		if [[ $word == -* ]]; then
			# skip the argument of an option that takes one
			takes=$(awk -v option="$word" '$1 == option && NF > 1' <<<"$options")
			[ -n "$takes" ] && [ "${COMP_WORDS[i + 1]:-}" != "=" ] && i=$((i + 1))
			continue
		fi
		operand=$((operand + 1))
	done
	case "$name" in
	migratepages)
		if [ -n "$(_numamig_option_value --name --user --cgroup)" ]; then
			operand=$((operand + 1))
		fi
		if [ "$operand" -eq 0 ]; then
			_numamig_complete_list "$current" $(_numamig_pids "$sysroot")
		elif [ "$operand" -le 2 ]; then
			_numamig_complete_list "$current" all $(_numamig_nodes "$sysroot")
		fi ;;
	numamaps)
		COMPREPLY=($(compgen -W "$(_numamig_pids "$sysroot")" -- "$current")) ;;
	esac
	return 0
}

complete -F _numamig_complete migratepages movepages numamaps
