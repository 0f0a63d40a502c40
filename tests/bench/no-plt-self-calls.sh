#!/bin/sh
# The library's calls to its own exported functions (iommufd_ctx_ref() in
# every constructor, iommufd_ctx_unref() in every destructor...) bind at link
# time (-Wl,-Bsymbolic-functions), never through the PLT, whose indirect jump
# cost HWPT alloc+destroy about 2 points of its ratio to raw ioctls in the
# test VM (tests/bench/README.md). Fails listing any such call.
set -eu

so=${top_builddir:-.}/libiommufd/.libs/libiommufd.so
[ -f "$so" ] || { echo "no $so (a static-only build?)"; exit 77; }
command -v objdump >/dev/null 2>&1 || { echo "no objdump"; exit 77; }
calls=$(objdump -d "$so" | grep -E '(call|jmp) .*<iommufd_[a-z0-9_]*@plt>' || true)
if [ -n "$calls" ]; then
	echo "calls of the library's own exports through the PLT:"
	echo "$calls"
	exit 1
fi
echo "no call of an iommufd_* export goes through the PLT"
