# shellcheck shell=bash
# A private apt configuration for Debian unstable (and, on request, other suites the archive
# serves), made from this machine's own apt sources (sourced by tests/vm/kernels.sh and
# tests/qemu/build.sh, not run). It never touches the system's apt configuration, lists or
# package cache: everything lives under $UNSTABLE_DIR.
#
# The archive's URI is read from the machine's sources at run time, never written into the
# repository: CI machines and developers' machines use their own (or their own mirror).
#
# Needs: UNSTABLE_DIR (a directory the caller owns), log/die from tests/vm/lib.sh.
# Optional: UNSTABLE_SRC=1 to list source packages too (deb-src), UNSTABLE_REFRESH=1 to
# refresh the lists even when they are less than a day old, UNSTABLE_SUITES to list other
# suites than "unstable" (space-separated). "stable-backports" in it also brings in the
# current stable's backports by their codename (e.g. trixie-backports): a mirror may serve
# the alias from an older index than the codename (seen: stable-backports a month behind
# trixie-backports, without its newest kernel).

# apt downloads as the unprivileged _apt user, which cannot write to our root-owned cache
# (it falls back to root with a warning): download as root directly.
UNSTABLE_OPTS=(
	-o "Dir::Etc::SourceList=$UNSTABLE_DIR/sources.list"
	-o Dir::Etc::SourceParts=/dev/null
	-o "Dir::State::Lists=$UNSTABLE_DIR/lists"
	# Own package cache too, or apt-cache would overwrite the system's pkgcache.bin.
	-o "Dir::Cache=$UNSTABLE_DIR/cache"
	-o Dir::Etc::PreferencesParts=/dev/null
	-o Acquire::Languages=none
	-o APT::Sandbox::User=root
)

# The first archive URI of the machine's sources: deb822 (Debian 12's default) or a
# one-line sources.list.
unstable_uri() {
	local uri=""
	if [[ -r /etc/apt/sources.list.d/debian.sources ]]; then
		uri=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources | awk '{print $1; exit}')
	fi
	if [[ -z $uri && -r /etc/apt/sources.list ]]; then
		uri=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) { print $i; exit } }' \
			/etc/apt/sources.list)
	fi
	[[ -n $uri ]] && printf '%s\n' "$uri"
}

# write_unstable_list signed|trusted: binary packages, and sources with UNSTABLE_SRC=1.
write_unstable_list() {
	local uri opt
	uri=$(unstable_uri) || return 1
	mkdir -p "$UNSTABLE_DIR/lists/partial" "$UNSTABLE_DIR/cache/archives/partial"
	if [[ $1 == signed ]]; then
		opt="[signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]"
	else
		opt="[trusted=yes]"
	fi
	local suite
	for suite in ${UNSTABLE_SUITES:-unstable} $(backports_codename); do
		printf 'deb %s %s %s main\n' "$opt" "$uri" "$suite"
		[[ ${UNSTABLE_SRC:-0} != 1 ]] || printf 'deb-src %s %s %s main\n' "$opt" "$uri" "$suite"
	done >"$UNSTABLE_DIR/sources.list"
}

# backports_codename: the codename of stable-backports (e.g. trixie-backports), from its
# Release file in our lists, when UNSTABLE_SUITES asks for stable-backports and an update
# has fetched it; nothing otherwise.
backports_codename() {
	[[ " ${UNSTABLE_SUITES:-unstable} " == *" stable-backports "* ]] || return 0
	local rel
	for rel in "$UNSTABLE_DIR"/lists/*_dists_stable-backports_InRelease \
		"$UNSTABLE_DIR"/lists/*_dists_stable-backports_Release; do
		[[ -f $rel ]] || continue
		sed -n 's/^Codename: *\([a-z0-9-]*\)$/\1/p' "$rel" | grep -vx stable-backports | head -1
		return 0
	done
}

# update_unstable: refresh the private lists when older than a day (or when
# UNSTABLE_REFRESH=1, or when they were made for other suites); non-zero when the
# archive is unreachable.
update_unstable() {
	local stamp=$UNSTABLE_DIR/updated.stamp out
	local what="suites: ${UNSTABLE_SUITES:-unstable}; sources: ${UNSTABLE_SRC:-0}"
	if [[ ${UNSTABLE_REFRESH:-0} != 1 && -f $stamp ]] &&
		[[ -n $(find "$stamp" -mmin -1440 2>/dev/null) ]] &&
		[[ $(cat "$stamp") == "$what" ]]; then
		log "package lists ($what) are less than a day old; not refreshing"
		return 0
	fi
	write_unstable_list signed || return 1
	log "apt-get update (private list: Debian ${UNSTABLE_SUITES:-unstable})"
	# apt-get update exits 0 on some failures (a mirror error only warns): treat any W:/E:
	# line as a failure too.
	if out=$(apt-get "${UNSTABLE_OPTS[@]}" -q update 2>&1) && ! grep -qE '^(E|W):' <<<"$out"; then
		update_backports_codename signed || return 1
		printf '%s\n' "$what" >"$stamp"
		return 0
	fi
	printf '%s\n' "$out" | grep -E '^(E|W):' >&2 || true
	if grep -qiE 'NO_PUBKEY|signature|not signed|EXPKEYSIG' <<<"$out"; then
		# The Release file's key is newer than this machine's keyring: fall back to an
		# unsigned list, loudly (downloads are still checked against the index's hashes).
		log "WARNING: unstable's signature cannot be checked with this keyring; using [trusted=yes]"
		write_unstable_list trusted
		if out=$(apt-get "${UNSTABLE_OPTS[@]}" -q update 2>&1) && ! grep -qE '^(E|W):' <<<"$out"; then
			update_backports_codename trusted || return 1
			printf '%s\n' "$what" >"$stamp"
			return 0
		fi
		printf '%s\n' "$out" | grep -E '^(E|W):' >&2 || true
	fi
	return 1
}

# update_backports_codename signed|trusted: once the first update has fetched
# stable-backports' Release file, list the suite under its codename too and update again
# (cheap: the other indexes are not downloaded twice). No-op without stable-backports.
update_backports_codename() {
	local code out
	code=$(backports_codename)
	[[ -n $code ]] || return 0
	grep -q " $code main\$" "$UNSTABLE_DIR/sources.list" && return 0
	write_unstable_list "$1" || return 1
	log "apt-get update (private list: also $code, stable-backports' codename)"
	if out=$(apt-get "${UNSTABLE_OPTS[@]}" -q update 2>&1) && ! grep -qE '^(E|W):' <<<"$out"; then
		return 0
	fi
	printf '%s\n' "$out" | grep -E '^(E|W):' >&2 || true
	return 1
}

# sort_versions_desc: Debian versions on stdin, newest first (dpkg's order: epochs, ~, +).
sort_versions_desc() {
	local v sorted=() i j
	while read -r v; do
		[[ -n $v ]] || continue
		for ((i = 0; i < ${#sorted[@]}; i++)); do
			[[ ${sorted[i]} == "$v" ]] && continue 2
			dpkg --compare-versions "$v" gt "${sorted[i]}" && break
		done
		sorted=("${sorted[@]:0:i}" "$v" "${sorted[@]:i}")
	done
	for j in "${sorted[@]}"; do printf '%s\n' "$j"; done
}
