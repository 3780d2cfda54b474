#!/usr/bin/python3
"""Is a tree that tlpress built a complete version? For the crash tests,
fast enough to run after every kill (stdlib and gpgv only).

  check_tree.py TREE KEYRING SITE_URL [CACHE]

KEYRING: the signing key, binary (gpg --export). Checks, each problem one
line, of the kinds `tlpress verify` prints:
  NOMANIFEST   no manifest.txt
  MISSING      a file the manifest lists is not there
  CHANGED      its size or SHA-256 differs from the manifest
  UNLISTED     a file the manifest does not list (manifest.txt.asc aside)
  UNSIGNED     a file without its F.asc (manifest.txt included)
  BAD          F.asc does not verify F with gpgv and KEYRING; a CSAF
               .sha256/.sha512 file does not match its document
  BROKEN       a local link of an HTML page (relative, absolute from /, or
               starting with SITE_URL) names no file of the tree
CACHE (a file, made when missing) remembers the (F, F.asc) byte pairs that
verified, so that a later call runs gpgv only for what changed.
Last line: "# N problems: ..." with the count of each kind. Exit 0 when
there is none, 1 otherwise.
"""
import hashlib
import os
import re
import subprocess
import sys

LINK = re.compile(r'(?:href|src)="([^"]*)"')


def main(tree, keyring, base, cache_path=None):
    problems = []
    cache = set()
    if cache_path and os.path.exists(cache_path):
        cache = set(open(cache_path).read().split())
    files = {}
    for top, dirs, names in os.walk(tree):
        for n in names:
            p = os.path.join(top, n)
            files[os.path.relpath(p, tree)] = p
    data = {}

    def read(rel):
        if rel not in data:
            data[rel] = open(files[rel], "rb").read()
        return data[rel]

    if "manifest.txt" not in files:
        problems.append(("NOMANIFEST", "manifest.txt"))
    else:
        listed = set()
        for line in read("manifest.txt").decode("utf-8", "replace").splitlines():
            if not line or line.startswith("#"):
                continue
            sha, size, rel = line.split(" ", 2)
            listed.add(rel)
            if rel not in files:
                problems.append(("MISSING", rel))
                continue
            b = read(rel)
            if len(b) != int(size) or hashlib.sha256(b).hexdigest() != sha:
                problems.append(("CHANGED", "%s: differs from the manifest" % rel))
        for rel in sorted(files):
            if rel not in listed and rel not in ("manifest.txt", "manifest.txt.asc"):
                problems.append(("UNLISTED", rel))
    new_ok = set()
    for rel in sorted(files):
        if rel.endswith(".asc"):
            continue
        if rel + ".asc" not in files:
            problems.append(("UNSIGNED", rel))
            continue
        key = hashlib.sha256(read(rel) + b"\0" + read(rel + ".asc")).hexdigest()
        if key in cache:
            new_ok.add(key)
            continue
        r = subprocess.run(["gpgv", "--keyring", os.path.abspath(keyring), files[rel + ".asc"], files[rel]],
                           capture_output=True)
        if r.returncode:
            problems.append(("BAD", "%s.asc does not verify %s" % (rel, rel)))
        else:
            new_ok.add(key)
    for rel in sorted(files):
        for ext, h in ((".sha256", hashlib.sha256), (".sha512", hashlib.sha512)):
            if rel.endswith(ext) and rel[:-len(ext)] in files:
                want = read(rel).decode("ascii", "replace").split()
                if not want or want[0].lower() != h(read(rel[:-len(ext)])).hexdigest():
                    problems.append(("BAD", "%s does not match %s" % (rel, rel[:-len(ext)])))
    for rel in sorted(files):
        if not rel.endswith(".html"):
            continue
        here = os.path.dirname(rel)
        for u in set(LINK.findall(read(rel).decode("utf-8", "replace"))):
            u = u.replace("&amp;", "&").split("#")[0].split("?")[0]
            if u.startswith(base):
                t = u[len(base):]
            elif not u or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//", u):
                continue
            elif u.startswith("/"):
                t = u.lstrip("/")
            else:
                t = os.path.join(here, u)
            if t == "" or t.endswith("/"):
                t += "index.html"
            t = os.path.normpath(t)
            if t not in files:
                problems.append(("BROKEN", "%s -> %s" % (rel, u)))
    if cache_path:
        with open(cache_path, "w") as f:
            f.write("\n".join(sorted(cache | new_ok)) + "\n")
    for kind, what in problems:
        print("%s %s" % (kind, what))
    kinds = {}
    for kind, _ in problems:
        kinds[kind] = kinds.get(kind, 0) + 1
    print("# %d problems in %d files%s" % (len(problems), len(files), "".join(
        ", %d %s" % (n, k) for k, n in sorted(kinds.items()))))
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) not in (4, 5):
        sys.stderr.write(__doc__)
        sys.exit(2)
    sys.exit(main(*sys.argv[1:]))
