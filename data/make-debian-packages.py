#!/usr/bin/python3
"""Builds data/debian-packages.libsvm: a small real sparse set of hashed text features.

Source: Debian 12 (bookworm) main, amd64, the archive's package index (the `Packages` file that `apt-get update`
fetches; /var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4 on a Debian machine,
read here with `/usr/lib/apt/apt-helper cat-file`). Each row is one binary package of an application section (not a
library, documentation or programming-language section). Its label is 1 where the section is `science`, `math` or
`electronics` (scientific and engineering software), else 0. Its features are the words of its one-line description,
the parts of its name (split at '-') and the names of the packages it depends on, each hashed (CRC-32 modulo 2^20,
plus 1: LIBSVM indices are 1-based) into one of 1,048,576 columns, the value the number of the row's tokens in that
column (1, or 2 and more where a word repeats or two tokens hash alike). Rows are in the index's order.

Usage: /usr/bin/python3 data/make-debian-packages.py [PACKAGES_FILE] > data/debian-packages.libsvm
"""
import re
import subprocess
import sys
import zlib

DEFAULT = "/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4"
SECTIONS = {"admin", "comm", "database", "editors", "electronics", "games", "graphics", "hamradio", "mail", "math", "misc",
            "net", "news", "science", "sound", "text", "utils", "video", "web", "x11"}
POSITIVE = {"science", "math", "electronics"}
WIDTH = 1 << 20


def stanzas(text):
    for block in text.split("\n\n"):
        fields = {}
        key = None
        for line in block.split("\n"):
            if line.startswith((" ", "\t")) and key:
                fields[key] += " " + line.strip()
            elif ":" in line:
                key, _, value = line.partition(":")
                fields[key] = value.strip()
        if "Package" in fields:
            yield fields


def tokens(p):
    words = re.findall(r"[a-z0-9+]+", p.get("Description", "").lower())
    out = ["w:" + w for w in words if len(w) > 1]
    out += ["n:" + part for part in p["Package"].split("-") if part]
    for dep in re.split(r"[,|]", p.get("Depends", "") + "," + p.get("Pre-Depends", "")):
        name = dep.strip().split(" ")[0].split(":")[0]
        if name:
            out.append("d:" + name)
    return out


def main():
    source = sys.argv[1] if len(sys.argv) > 1 else DEFAULT
    if source.endswith(".lz4"):
        text = subprocess.run(["/usr/lib/apt/apt-helper", "cat-file", source], check=True, capture_output=True, text=True).stdout
    else:
        text = open(source, encoding="utf-8").read()
    rows = 0
    for p in stanzas(text):
        section = p.get("Section", "").split("/")[-1]
        if section not in SECTIONS:
            continue
        t = tokens(p)
        if not t:
            continue
        columns = {}
        for token in t:
            j = zlib.crc32(token.encode("utf-8")) % WIDTH + 1
            columns[j] = columns.get(j, 0) + 1
        label = 1 if section in POSITIVE else 0
        sys.stdout.write(str(label) + "".join(" %d:%d" % (j, c) for j, c in sorted(columns.items())) + "\n")
        rows += 1
    print("rows", rows, file=sys.stderr)


main()
