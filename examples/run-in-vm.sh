#!/bin/sh
# The main job: run the example programs and show what they do.
# (Interim: runs iommufd-info on this host; the VM version replaces this.)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${LIBIOMMUFD_BUILD:-$top}
"$build/examples/iommufd-info"
