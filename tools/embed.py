#!/usr/bin/env python3
"""Writes a C file defining a byte array with the contents of a data file.

usage: embed.py INPUT OUTPUT SYMBOL
defines: const char SYMBOL[]; const size_t SYMBOL_len;
"""
import sys


def main():
    src, out, sym = sys.argv[1:4]
    data = open(src, "rb").read()
    with open(out, "w", encoding="ascii") as f:
        f.write(f"/* Generated from {src.rsplit('/', 1)[-1]} by tools/embed.py. */\n")
        f.write("#include <stddef.h>\n\n")
        f.write(f"const char {sym}[] = {{\n")
        for i in range(0, len(data), 16):
            f.write("    " + ", ".join(f"0x{b:02x}" for b in data[i:i + 16]) + ",\n")
        f.write("    0x00,\n};\n")
        f.write(f"const size_t {sym}_len = {len(data)};\n")


if __name__ == "__main__":
    main()
