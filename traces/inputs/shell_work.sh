# shell_work.sh: the shell workload of the bundled trace suite (run by
# bash). String building, arrays, associative arrays, parameter
# expansion, and functions: the things shell scripts do all day. No
# command substitution: each would be a forked process of its own.
declare -A seen
words=(alpha beta gamma delta epsilon zeta eta theta iota kappa)
line=""
total=0
f() { local x=$1; out="${x//a/A}-${#x}"; }
rounds=${1:-1500}
for ((i = 0; i < rounds; i++)); do
    w=${words[i % 10]}
    key="$w-$((i % 97))"
    seen[$key]=$(( ${seen[$key]:-0} + 1 ))
    line+="$w "
    if (( ${#line} > 400 )); then
        parts=($line)
        total=$(( total + ${#parts[@]} ))
        line=""
    fi
    f "$key"
    total=$(( total + ${#out} ))
done
echo "$total ${#seen[@]}"
