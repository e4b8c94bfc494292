# bash completion for forkscope(1): commands, each command's options, demo names (from
# `forkscope demos`), start methods, export formats, themes, and recordings (*.jsonl).
# Installed to share/bash-completion/completions/forkscope; needs no helper of the
# bash-completion package. tests/integration/test_install.py checks COMPREPLY.
# shellcheck disable=SC2207 # compgen's words split on purpose (file names: IFS newline)

_forkscope_files()
{
	# files matching the glob suffix $1 (e.g. .jsonl) and folders, or any file when $1 is ""
	local IFS=$'\n' f
	if [[ -z $1 ]]; then
		COMPREPLY+=($(compgen -f -- "$cur"))
	else
		COMPREPLY+=($(compgen -d -S / -- "$cur"))
		for f in $(compgen -f -X "!*$1" -- "$cur"); do
			[[ -d $f ]] || COMPREPLY+=("$f")
		done
	fi
	compopt -o filenames -o nospace 2>/dev/null
}

_forkscope_demos()
{
	local bin=${COMP_WORDS[0]}
	"$bin" demos 2>/dev/null | awk '/^[^ ]/ {print $1}'
}

_forkscope()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local commands="run replay tree narrate export demos compare doctor"
	local cmd="" i word dashdash=0 args=0
	COMPREPLY=()

	# the command, the words after it that are no option nor an option's value, and --
	for ((i = 1; i < COMP_CWORD; i++)); do
		word=${COMP_WORDS[i]}
		case $word in
		--method | --python | -o | --output | --duration | --ringbuf-kb | --max-procs | \
			--format | --theme | --tempo)
			((i++))
			;;
		--)
			[[ -n $cmd ]] && ((dashdash == 0)) && dashdash=$i
			;;
		-*) ;;
		*)
			if [[ -z $cmd ]]; then
				cmd=$word
			elif ((dashdash == 0)); then
				((args++))
			fi
			;;
		esac
		((dashdash > 0)) && break
	done

	# the value of an option
	case $prev in
	--method)
		COMPREPLY=($(compgen -W "fork spawn forkserver" -- "$cur"))
		return 0
		;;
	--format)
		COMPREPLY=($(compgen -W "perfetto dot mermaid svg" -- "$cur"))
		return 0
		;;
	--theme)
		COMPREPLY=($(compgen -W "default projector" -- "$cur"))
		return 0
		;;
	-o | --output | --python)
		_forkscope_files ""
		return 0
		;;
	--tempo)
		COMPREPLY=($(compgen -W "1 2 3 4 5 6 7 8 9 10" -- "$cur"))
		return 0
		;;
	--duration | --ringbuf-kb | --max-procs)
		return 0
		;;
	esac

	case $cmd in
	"")
		COMPREPLY=($(compgen -W "$commands --help --version -o --tempo --theme --no-dim" \
			-- "$cur"))
		;;
	run)
		if ((dashdash > 0)); then
			# the command after --, then its arguments
			if ((COMP_CWORD == dashdash + 1)); then
				COMPREPLY=($(compgen -c -- "$cur"))
			else
				_forkscope_files ""
			fi
		elif ((args > 0)); then
			_forkscope_files "" # the demo's own arguments
		elif [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--method --python --no-tui --json -o --duration --all
				--ringbuf-kb --max-procs --as-root --no-capture --no-pyhook --theme
				--no-dim --help --" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(_forkscope_demos)" -- "$cur"))
		fi
		;;
	compare)
		if ((args > 0)); then
			_forkscope_files ""
		elif [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--python --method --help" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(_forkscope_demos)" -- "$cur"))
		fi
		;;
	replay | tree | narrate | export)
		((args > 0)) && return 0 # one recording each
		;;&
	replay)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--theme --no-dim" -- "$cur"))
		else
			_forkscope_files .jsonl
		fi
		;;
	tree)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--json --ascii --help" -- "$cur"))
		else
			_forkscope_files .jsonl
		fi
		;;
	narrate)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--json --help" -- "$cur"))
		else
			_forkscope_files .jsonl
		fi
		;;
	export)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--format -o --help" -- "$cur"))
		else
			_forkscope_files .jsonl
		fi
		;;
	esac
	return 0
}

complete -F _forkscope forkscope
