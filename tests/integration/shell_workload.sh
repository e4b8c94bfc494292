#!/bin/sh
# A workload without Python, for forkscope's integration tests. Its children:
#   three subshells exiting with 0, 3 and 7;
#   a `sleep 30` killed with SIGKILL by this script;
#   a subshell that starts `sleep 1` in the background and exits at once, so that
#   the sleep is orphaned and re-parented (to forkscope, the subreaper).
# The script itself exits 0 right away; the orphan outlives it by about a second.
echo "script: pid $$"

for code in 0 3 7; do
	( exit "$code" ) &
	wait $!
	echo "script: child $! exited with $?"
done

sleep 30 &
victim=$!
kill -KILL "$victim"
wait "$victim"
echo "script: child $victim ended with status $? (128 + 9: SIGKILL)"

( sleep 1 & echo "script: orphan-to-be $!" )
echo "script: its parent has exited; exiting too"
exit 0
