#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The layouts of the frozen ABI, member by member (abidw XML in, verdicts out).

Usage: abi-layout.py BASELINE.abi CURRENT.abi
       abi-layout.py --self-test BASELINE.abi

abidiff fails only on what it calls incompatible; for a frozen ABI that is
not enough. Every struct, union and enum of the baseline is compared with
the current library's:
  - every member keeps its name, offset, size and type (a struct member by
    its type's name; pointers and arrays by what they point to or hold);
  - new members come after the last member the baseline had;
  - the size stays, except that a struct that starts with `size_t sz` (the
    options pattern of design.md) may grow at its end;
  - every enumerator keeps its value; new enumerators may come.
Anonymous structs and unions are compared where they sit, as part of the
named type that holds them. Types the public headers only declare (the
opaque handles) are the library's business, not the ABI's. New types, functions and symbol nodes are not
this check's business (tests/abi/abi-nodes.sh). Exit 0, or 1 with one line
per difference.
"""
import sys
import xml.etree.ElementTree as ET

COMPOSITE = ('class-decl', 'union-decl')


class Corpus:
    def __init__(self, path):
        self.types = {}
        for el in ET.parse(path).getroot().iter():
            tid = el.get('id')
            if tid and el.tag.endswith(('-decl', '-def', '-type')):
                self.types[tid] = el
        self.named = {}
        for el in self.types.values():
            if el.tag in COMPOSITE + ('enum-decl',) and el.get('is-anonymous') != 'yes' \
                    and el.get('is-declaration-only') != 'yes':
                self.named.setdefault((el.tag, el.get('name')), el)

    def type_name(self, tid, depth=0):
        el = self.types.get(tid)
        if el is None or depth > 20:
            return '?'
        tag = el.tag
        if tag == 'pointer-type-def':
            return self.type_name(el.get('type-id'), depth + 1) + '*'
        if tag == 'qualified-type-def':
            quals = [q for q in ('const', 'volatile') if el.get(q) == 'yes']
            return ' '.join(quals + [self.type_name(el.get('type-id'), depth + 1)])
        if tag == 'array-type-def':
            return '%s[%s]' % (self.type_name(el.get('type-id'), depth + 1),
                               el.get('size-in-bits', '?'))
        if el.get('is-anonymous') == 'yes':
            return 'anonymous ' + tag.split('-')[0]
        return el.get('name', '?')

    def size(self, tid):
        el = self.types.get(tid)
        while el is not None and el.tag in ('qualified-type-def', 'typedef-decl') \
                and el.get('size-in-bits') is None:
            el = self.types.get(el.get('type-id'))
        return el.get('size-in-bits', '?') if el is not None else '?'

    def anonymous(self, tid):
        el = self.types.get(tid)
        if el is not None and el.tag in COMPOSITE and el.get('is-anonymous') == 'yes':
            return el
        return None


def members(el):
    out = []
    for dm in el.findall('data-member'):
        var = dm.find('var-decl')
        out.append((var.get('name'), int(dm.get('layout-offset-in-bits', '0')),
                    var.get('type-id')))
    return out


def grows_at_end(corpus, el):
    first = members(el)[:1]
    return bool(first) and first[0][0] == 'sz' and corpus.type_name(first[0][2]) == 'size_t'


def compare(path, base, bel, cur, cel, errs):
    bm, cm = members(bel), {m[0]: m for m in members(cel)}
    end = 0
    for name, off, tid in bm:
        where = '%s.%s' % (path, name)
        bsize = base.size(tid)
        bits = int(bsize) if bsize.isdigit() else 0
        end = max(end, off + bits)
        if name not in cm:
            errs.append('%s: removed (was at bit %d)' % (where, off))
            continue
        _, coff, ctid = cm[name]
        if coff != off:
            errs.append('%s: moved from bit %d to %d' % (where, off, coff))
        bt, ct = base.type_name(tid), cur.type_name(ctid)
        if bt != ct:
            errs.append('%s: type %s became %s' % (where, bt, ct))
        banon, canon = base.anonymous(tid), cur.anonymous(ctid)
        if banon is not None and canon is not None:
            compare(where, base, banon, cur, canon, errs)
            if bel.tag == 'union-decl' or not grows_at_end(base, bel):
                if base.size(tid) != cur.size(ctid):
                    errs.append('%s: size %s became %s' % (where, bsize, cur.size(ctid)))
        elif base.size(tid) != cur.size(ctid):
            errs.append('%s: size %s became %s' % (where, bsize, cur.size(ctid)))
    for name, (_, off, _) in cm.items():
        if name not in {m[0] for m in bm} and off < end:
            errs.append('%s.%s: new member at bit %d, inside the old layout (ends at bit %d)'
                        % (path, name, off, end))
    bs, cs = int(bel.get('size-in-bits', '0')), int(cel.get('size-in-bits', '0'))
    if cs < bs or (cs > bs and not (bel.tag == 'class-decl' and grows_at_end(base, bel))
                   and bel.get('is-anonymous') != 'yes'):
        errs.append('%s: size %d bits became %d' % (path, bs, cs))


def compare_enum(name, bel, cel, errs):
    cur = {e.get('name'): e.get('value') for e in cel.findall('enumerator')}
    for e in bel.findall('enumerator'):
        if e.get('name') not in cur:
            errs.append('enum %s: %s removed' % (name, e.get('name')))
        elif cur[e.get('name')] != e.get('value'):
            errs.append('enum %s: %s changed from %s to %s' % (name, e.get('name'),
                                                               e.get('value'),
                                                               cur[e.get('name')]))


def public(name, el):
    """A type of the public headers: opaque handles are defined in the library's own."""
    return (name or '').startswith('iommufd_') and '/include/' in el.get('filepath', '')


def check(base, cur):
    errs = []
    for (tag, name), bel in sorted(base.named.items(), key=lambda kv: kv[0][1] or ''):
        if not public(name, bel):
            continue
        cel = cur.named.get((tag, name))
        if cel is None:
            errs.append('%s %s: gone from the library' % (tag, name))
        elif tag == 'enum-decl':
            compare_enum(name, bel, cel, errs)
        else:
            compare(name, base, bel, cur, cel, errs)
    return errs


def self_test(path):
    """The baseline against itself passes; a moved member and a grown struct fail."""
    base = Corpus(path)
    if check(base, Corpus(path)):
        print('FAIL: the baseline differs from itself')
        return 1
    for what in ('move', 'grow'):
        cur = Corpus(path)
        el = cur.named[('class-decl', 'iommufd_iova_range')]
        if what == 'move':
            dm = el.findall('data-member')[1]
            dm.set('layout-offset-in-bits', str(int(dm.get('layout-offset-in-bits')) + 32))
        else:
            el.set('size-in-bits', str(int(el.get('size-in-bits')) + 64))
        if not check(base, cur):
            print('FAIL: a %s member of iommufd_iova_range went unnoticed' % what)
            return 1
    print('self-test: a moved member and a grown struct are caught')
    return 0


def main(argv):
    if len(argv) == 3 and argv[1] == '--self-test':
        return self_test(argv[2])
    if len(argv) != 3:
        print(__doc__.split('\n\n')[1], file=sys.stderr)
        return 2
    base, cur = Corpus(argv[1]), Corpus(argv[2])
    errs = check(base, cur)
    for e in errs:
        print('FAIL: ' + e)
    checked = sum(1 for (_, n), el in base.named.items() if public(n, el))
    print('%d types of the baseline checked, %d differences' % (checked, len(errs)))
    return 1 if errs else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
