# shellcheck shell=bash
# Helpers shared by the tests/vm scripts (sourced, not run).

# Progress on stderr with the seconds since the script started: stdout is reserved for
# machine-readable output (kernels.sh's kernel list).
log() { printf '[%s +%ds] %s\n' "${LOG_TAG:-${0##*/}}" "$SECONDS" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

export DEBIAN_FRONTEND=noninteractive
# Wait for a concurrent apt/dpkg run instead of failing at once.
APT_LOCK_OPTS=(-o DPkg::Lock::Timeout=600)

# The machine's package lists may be empty on a fresh CI machine: update once, on demand.
APT_UPDATED=0
apt_update_once() {
	((APT_UPDATED)) && return 0
	log "apt-get update"
	apt-get "${APT_LOCK_OPTS[@]}" -q update >&2
	APT_UPDATED=1
}

# Install the packages that are missing; no network at all when everything is there.
ensure_pkgs() {
	local p missing=()
	for p in "$@"; do
		dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
	done
	((${#missing[@]} == 0)) && return 0
	apt_update_once
	log "apt-get install ${missing[*]}"
	apt-get "${APT_LOCK_OPTS[@]}" -q install -y --no-install-recommends "${missing[@]}" >&2
}

# print_header FILE: the comment block at the top of a script, for --help.
print_header() {
	awk 'NR > 1 && /^#/ { if ($0 !~ /^# shellcheck/) { sub(/^# ?/, ""); print } next }
	     NR > 1 { exit }' "$1" >&2
}
