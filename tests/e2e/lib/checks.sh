# checks.sh - sourced by the e2e scripts: the counters and the checks they
# report with (each script ends by printing $pass and $fail).
pass=0 fail=0
ok ()  { pass=$((pass + 1)); }
bad () { echo "FAIL $*"; fail=$((fail + 1)); }
contains () { case "$2" in *"$3"*) ok ;; *) bad "$1: output lacks '$3'" ;; esac; }
lacks ()    { case "$2" in *"$3"*) bad "$1: output has '$3'" ;; *) ok ;; esac; }
