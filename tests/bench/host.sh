#!/bin/sh
# The host half of the benchmark: tests/bench/bench-host under callgrind,
# and a table of what one call costs, library next to raw ioctls, with the
# kernel stubbed at the ioctl boundary: instructions (callgrind), heap calls
# and ioctls per call. Instructions of the stub are on both sides alike.
#
# Usage: host.sh [OUTDIR]   (default: $top_builddir/tests/bench/out)
# Environment: top_builddir (default: .), VALGRIND (default: valgrind).
set -eu

builddir=${top_builddir:-.}
out=${1:-$builddir/tests/bench/out}
bench=$builddir/tests/bench/bench-host
valgrind=${VALGRIND:-valgrind}

[ -x "$bench" ] || { echo "host.sh: $bench is not built (make check or make bench)" >&2; exit 1; }
mkdir -p "$out/callgrind"
rm -f "$out"/callgrind/cg.out*
if command -v "$valgrind" >/dev/null 2>&1; then
	# Each measured loop is dumped as "<op> <lib|raw>" (CALLGRIND_DUMP_STATS_AT).
	"$valgrind" --tool=callgrind --callgrind-out-file="$out/callgrind/cg.out" \
		"$bench" >"$out/host.counts" 2>"$out/callgrind/valgrind.log"
else
	echo "host.sh: no valgrind: instruction counts left out" >&2
	"$bench" >"$out/host.counts"
fi

# "name<TAB>instructions" per dump.
for f in "$out"/callgrind/cg.out.*; do
	[ -f "$f" ] || continue
	awk '/^desc: Trigger: Client Request: / { sub(/^desc: Trigger: Client Request: /, ""); n = $0 }
	     /^(summary|totals): / { t = $2 }
	     END { if (n != "") printf "%s\t%s\n", n, t }' "$f"
done >"$out/host.instr"

awk -F'\t' 'FNR == NR { instr[$1] = $2; next }
	{
		if (split($0, f, " ") < 6 || f[1] != "COUNT") next
		op = f[2]; side = f[3]; n = f[4]
		heap[op, side] = f[5] / n; ioc[op, side] = f[6] / n
		key = op " " side
		ins[op, side] = (key in instr) ? sprintf("%.0f", instr[key] / n) : "-"
		if (!(op in seen)) { seen[op] = 1; order[++nops] = op }
	}
	END {
		printf "%-20s %10s %10s %8s %9s %9s %10s %10s\n", "host, stub kernel", \
			"lib instr", "raw instr", "lib-raw", "lib heap", "raw heap", "lib ioctl", "raw ioctl"
		for (i = 1; i <= nops; i++) {
			op = order[i]
			raw = ((op, "raw") in ioc)
			d = (raw && ins[op, "lib"] != "-" && ins[op, "raw"] != "-") ? \
				sprintf("%+d", ins[op, "lib"] - ins[op, "raw"]) : "-"
			printf "%-20s %10s %10s %8s %9.2f %9s %10.2f %10s\n", op, ins[op, "lib"], \
				raw ? ins[op, "raw"] : "-", d, heap[op, "lib"], \
				raw ? sprintf("%.2f", heap[op, "raw"]) : "-", ioc[op, "lib"], \
				raw ? sprintf("%.2f", ioc[op, "raw"]) : "-"
		}
		print "(per call; replace_pair = A->B->A, detach_attach = detach + attach; heap = malloc/calloc/realloc/free calls)"
	}' "$out/host.instr" "$out/host.counts" | tee "$out/host.txt"
