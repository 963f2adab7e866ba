#!/usr/bin/env bash
# bench/dist.sh - a distributed run of at least 8 segments over loopback ssh
# hosts: wall time against the sum of the segment proving times (the
# pipeline's overhead), and the bytes moved per segment (segment out,
# receipt back).  Needs root (it starts sshd).  Usage: bench/dist.sh [HOSTS]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$top/bin:$top/scripts:$PATH"
RAIKO_BIN=$top/bin
hosts=${1:-2}
w=$(mktemp -d /tmp/raiko-dist.XXXXXX)
trap 'stop_hosts "$w/hosts"; rm -rf "$w"' EXIT
. "$top/t/sshd.bash"
start_hosts "$hosts" "$w/hosts"
printf '\x96\0\0\0' >"$w/n150"
S=(); for i in $(seq "$hosts"); do S+=(-S "1/h$i"); done
t0=$(date +%s.%N)
raiko-prove -q -w "$w/run" --po2 10 --input-item "$w/n150" --ssh "ssh -F $w/hosts/ssh_config" "${S[@]}" \
    "$top/guests/build/fib.elf" >/dev/null
t1=$(date +%s.%N)
n=$(ls "$w"/run/split/seg-*.rseg | wc -l)
sum=$(awk 'NR > 1 && $7 == 0 { s += $4 } END { printf "%.2f", s }' "$w/run/joblog")
segb=$(cat "$w"/run/split/seg-*.rseg | wc -c)
rcb=$(cat "$w"/run/split/seg-*.rrcpt | wc -c)
aggb=$(stat -c %s "$w/run/run.ragg")
wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
echo "segments: $n (po2 10), hosts: $hosts (1 job slot each, loopback ssh on this machine)"
echo "wall time: ${wall}s; sum of segment jobs (joblog, incl. ssh+transfer): ${sum}s"
echo "per segment: segment file $((segb / n)) bytes out, receipt $((rcb / n)) bytes back; final aggregate $aggb bytes"
