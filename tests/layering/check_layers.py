#!/usr/bin/env python3
"""Enforces the module layering written in docs/ARCHITECTURE.md.

The allowed-dependency matrix is read from the block between the markers
`<!-- layering:begin -->` and `<!-- layering:end -->` in ARCHITECTURE.md: one line per module,
`module: dep, dep, ...` (`-` for none). Every `#include "dir/..."` of a non-test file under src/
is an edge from its module (its first folder; `src/main.cpp` is `main`, the other files directly
under src/ are `driver`) to the included file's module. The test fails on an edge the matrix does not allow, on a module
the matrix does not list, and on any cycle between modules. Test files (`*_test.cpp`) may include
any module: a test of the site may check its links with the write stage's link checker.

Usage: check_layers.py SOURCE_DIR            (exit 0 when the layering holds)
       check_layers.py SOURCE_DIR --self-test (checks that a back edge and a cycle are caught)
"""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def read_matrix(arch_path):
    text = open(arch_path, encoding="utf-8").read()
    m = re.search(r"<!-- layering:begin -->(.*?)<!-- layering:end -->", text, re.S)
    if not m:
        raise SystemExit(f"{arch_path}: no layering block (<!-- layering:begin --> ... end)")
    allowed = {}
    for line in m.group(1).splitlines():
        line = line.strip().strip("`").lstrip("- ").strip("`")
        if not line or ":" not in line:
            continue
        mod, deps = line.split(":", 1)
        deps = deps.strip()
        allowed[mod.strip()] = set() if deps in ("-", "") else {d.strip() for d in deps.split(",")}
    return allowed


def module_of(rel):
    parts = rel.split("/")
    if len(parts) > 1:
        return parts[0]
    return "main" if parts[0] == "main.cpp" else "driver"


def collect_edges(src_dir):
    edges = {}  # (from, to) -> first "file: include" seen
    for root, _, files in os.walk(src_dir):
        for f in sorted(files):
            if not f.endswith((".cpp", ".hpp")) or f.endswith("_test.cpp"):
                continue
            path = os.path.join(root, f)
            rel = os.path.relpath(path, src_dir).replace(os.sep, "/")
            src_mod = module_of(rel)
            for inc in INCLUDE.findall(open(path, encoding="utf-8", errors="replace").read()):
                if not os.path.exists(os.path.join(src_dir, inc)):
                    continue  # a system or generated header
                dst_mod = module_of(inc)
                if dst_mod != src_mod:
                    edges.setdefault((src_mod, dst_mod), f"src/{rel} includes \"{inc}\"")
    return edges


def find_cycle(edges):
    graph = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
    state = {}

    def visit(n, stack):
        state[n] = 1
        stack.append(n)
        for m in sorted(graph.get(n, ())):
            if state.get(m) == 1:
                return stack[stack.index(m):] + [m]
            if state.get(m) is None:
                c = visit(m, stack)
                if c:
                    return c
        stack.pop()
        state[n] = 2
        return None

    for n in sorted(graph):
        if state.get(n) is None:
            c = visit(n, [])
            if c:
                return c
    return None


def problems(allowed, edges):
    out = []
    for (a, b), where in sorted(edges.items()):
        if a not in allowed:
            out.append(f"module '{a}' is not in the layering matrix ({where})")
        elif b not in allowed[a]:
            out.append(f"{a} may not depend on {b}: {where}")
    cycle = find_cycle(edges)
    if cycle:
        out.append("include cycle between modules: " + " -> ".join(cycle))
    return out


def main():
    src = sys.argv[1]
    allowed = read_matrix(os.path.join(src, "docs", "ARCHITECTURE.md"))
    edges = collect_edges(os.path.join(src, "src"))
    if "--self-test" in sys.argv:
        # The checker itself must catch what it exists for: a back edge and a cycle.
        bad = dict(edges)
        bad[("model", "compute")] = "src/model/x.hpp includes \"compute/figures.hpp\""
        found = problems(allowed, bad)
        assert any("model may not depend on compute" in p for p in found), found
        assert any("cycle" in p for p in found), found
        print("layering self-test: a back edge and a cycle are reported")
    found = problems(allowed, edges)
    for p in found:
        print("FAIL:", p)
    print(f"layering: {len(edges)} module edges checked, {len(found)} problems")
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
