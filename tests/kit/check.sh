# tests/kit/check.sh: what the shell tests share, sourced at their top (the
# shell side of tests/kit/check.h): a scratch folder $tmp removed at exit,
# and the counters that ok and bad keep for the test's last line.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
pass=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
