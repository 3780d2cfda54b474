# tests/cli/lib-npm.sh - install a pinned npm package set into build/
#
# npm_install NAME: copies tests/NAME/package.json and package-lock.json to
# build/NAME and runs `npm ci` there (no install scripts, nothing global)
# unless the lock file there is already the committed one. Prints nothing
# on success; returns non-zero when npm fails.
npm_install() {
	_src="$TOP/tests/$1" _dst="$TOP/build/$1"
	if [ -d "$_dst/node_modules" ] && cmp -s "$_src/package-lock.json" "$_dst/package-lock.json"; then
		return 0
	fi
	mkdir -p "$_dst" || return 1
	cp "$_src/package.json" "$_src/package-lock.json" "$_dst/" || return 1
	(cd "$_dst" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error > npm.log 2>&1) || {
		sed 's/^/#   /' "$_dst/npm.log"
		return 1
	}
}
