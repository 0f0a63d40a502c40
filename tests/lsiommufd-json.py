#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Check lsiommufd --json reports: parse each with Python's json module and
check the schema lsiommufd(1) documents (keys, types, verdict names).

  lsiommufd-json.py FILE...        each FILE is one report ("-": stdin)
  lsiommufd-json.py --logs LOG...  every report a VM console log carries
                                   between "JSON-BEGIN lsiommufd <what>" and
                                   "JSON-END lsiommufd" lines

Prints one line per report; exit status 1 when any report is invalid (or,
with --logs, when the logs carry none), 0 otherwise.
"""
import json
import re
import sys

VERDICTS = {"untested", "supported", "kernel lacks it", "IOMMU/driver cannot", "error"}
COMMANDS = ["hwpt_alloc", "hw_info", "dirty_tracking", "invalidate", "fault_queue",
            "map_file", "viommu", "vdevice", "change_process", "veventq", "hw_queue",
            "vfio_compat", "options", "ioas_copy"]
FEATURES = ["paging_hwpt", "nest_parent", "nesting", "dirty_tracking", "pasid",
            "pasid_hwpt", "pasid_exec", "pasid_priv", "ats", "viommu_arm_smmuv3",
            "viommu_tegra241", "viommu_selftest"]


class Invalid(Exception):
    pass


def need(cond, what):
    if not cond:
        raise Invalid(what)


def is_str_or_none(v):
    return v is None or isinstance(v, str)


def check_error(e, where):
    need(isinstance(e, dict), f"{where}: error is not an object")
    need(isinstance(e.get("errno"), int) and e["errno"] > 0, f"{where}: errno")
    need(isinstance(e.get("message"), str), f"{where}: message")


def check_failure(f, where):
    if f is None:
        return
    check_error(f, where)
    need(isinstance(f.get("step"), str), f"{where}: step")
    need(isinstance(f.get("why"), str), f"{where}: why")


def check_verdicts(v, names, where):
    need(isinstance(v, dict), f"{where}: not an object")
    need(set(v) <= set(names), f"{where}: unknown names {sorted(set(v) - set(names))}")
    for name, f in v.items():
        need(isinstance(f, dict), f"{where}.{name}: not an object")
        need(f.get("support") in VERDICTS, f"{where}.{name}: support {f.get('support')!r}")
        need(f.get("supported") is (f["support"] == "supported"),
             f"{where}.{name}: supported disagrees with support")
        if f.get("error") is not None:
            check_error(f["error"], f"{where}.{name}")
    return len(v)


def check_device(d, where):
    need(isinstance(d, dict), f"{where}: not an object")
    for k in ("pci_address", "cdev", "sysfs"):
        need(is_str_or_none(d.get(k)), f"{where}: {k}")
    for k in ("vendor", "device"):
        need(isinstance(d.get(k), int) and 0 <= d[k] <= 0xffff, f"{where}: {k}")
    need(isinstance(d.get("noiommu"), bool), f"{where}: noiommu")
    iommu = d.get("iommu")
    if d["noiommu"]:
        need(iommu is None and d.get("features") is None and d.get("failure") is None,
             f"{where}: a noiommu device with IOMMU facts or a failure")
        return
    if iommu is not None:
        need(isinstance(iommu.get("type"), int), f"{where}: iommu.type")
        need(isinstance(iommu.get("name"), str), f"{where}: iommu.name")
        need(isinstance(iommu.get("capabilities"), int), f"{where}: iommu.capabilities")
        need(isinstance(iommu.get("max_pasid_log2"), int), f"{where}: iommu.max_pasid_log2")
        dec = iommu.get("decoded")
        need(dec is None or (isinstance(dec, dict) and
                             all(isinstance(x, int) for x in dec.values())),
             f"{where}: iommu.decoded")
    if d.get("features") is not None:
        check_verdicts(d["features"], FEATURES, f"{where}.features")
    check_failure(d.get("failure"), f"{where}.failure")
    need(d.get("features") is not None or d.get("failure") is not None,
         f"{where}: neither features nor a failure")


def check_report(r):
    """Returns a one-line summary of a valid report, raises Invalid."""
    need(isinstance(r, dict), "not a JSON object")
    need(r.get("lsiommufd") == 1, "lsiommufd: format version 1")
    need(isinstance(r.get("libiommufd"), str) and
         re.fullmatch(r"\d+\.\d+\.\d+", r["libiommufd"]), "libiommufd version")
    k = r.get("kernel")
    need(isinstance(k, dict) and all(isinstance(k.get(x), str)
                                     for x in ("sysname", "release", "machine")), "kernel")
    io = r.get("iommufd")
    need(isinstance(io, dict) and isinstance(io.get("available"), bool), "iommufd")
    if not io["available"]:
        check_error(io.get("error"), "iommufd")
        need(set(r) == {"lsiommufd", "libiommufd", "kernel", "iommufd"},
             "keys beyond iommufd without an iommufd")
        return f"kernel {k['release']}: no iommufd ({io['error']['message']})"
    ncmd = check_verdicts(r.get("commands"), COMMANDS, "commands") if r.get("commands") is not None else 0
    check_failure(r.get("discovery"), "discovery")
    devs = r.get("devices")
    need(isinstance(devs, list), "devices")
    for i, d in enumerate(devs):
        check_device(d, f"devices[{i}]")
    mock = r.get("mock")
    if mock is not None:
        if mock.get("available") is False:
            check_error(mock.get("error"), "mock")
        else:
            check_device(mock, "mock")
    return (f"kernel {k['release']}: {ncmd} command verdicts, {len(devs)} device(s)"
            f"{', mock' if mock else ''}")


def reports_in_logs(paths):
    for path in paths:
        with open(path, errors="replace") as f:
            lines = [line.rstrip("\r\n").replace("\r", "") for line in f]
        block, what = None, None
        for line in lines:
            m = re.match(r"^JSON-BEGIN lsiommufd (.*)$", line)
            if m:
                block, what = [], m.group(1)
            elif line == "JSON-END lsiommufd" and block is not None:
                yield f"{path}: {what}", "\n".join(block)
                block = None
            elif block is not None and not line.startswith("KMSG"):
                block.append(line)


def main(argv):
    if argv[:1] == ["--logs"]:
        items = list(reports_in_logs(argv[1:]))
        if not items:
            print("lsiommufd-json: no JSON report in the logs")
            return 1
    else:
        items = [(p, (sys.stdin if p == "-" else open(p)).read()) for p in argv]
    rc = 0
    for where, text in items:
        try:
            print(f"{where}: valid: {check_report(json.loads(text))}")
        except (ValueError, Invalid) as e:
            print(f"{where}: INVALID: {e}")
            rc = 1
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
