#!/usr/bin/env bash
# Makes the compressed fixtures of tests/data/formats with tools independent of s3tail:
# Debian's zstd, python-snappy (Debian's python3-snappy) and Python's zipfile.
# Needs: zstd, /usr/bin/python3 with the snappy module. Run from anywhere; rewrites the files.
set -euo pipefail
cd "$(dirname "$0")"

# The decoded content every fixture holds: 3000 numbered lines (about 190 KB, several Snappy chunks).
/usr/bin/python3 - <<'PY'
with open("lines.txt", "w") as f:
    for i in range(1, 3001):
        f.write(f"line {i:05d} GET /logs/{i * 7919 % 100000:05d} 200 {'x' * (i % 61)}\n")
PY
# Two parts, split inside a line (zstd frames) and at a line end (zip entries).
head -c 100000 lines.txt > part1.tmp
tail -c +100001 lines.txt > part2.tmp
head -n 1500 lines.txt > half1.tmp
tail -n +1501 lines.txt > half2.tmp

# zstd: one frame; and two frames with skippable frames before, between and after them.
zstd -q -f -19 lines.txt -o lines.txt.zst
/usr/bin/python3 - <<'PY'
import struct, subprocess
def skippable(n, payload):   # magic 0x184D2A5n, little-endian, then the payload's length
    return struct.pack("<II", 0x184D2A50 + n, len(payload)) + payload
frames = [subprocess.run(["zstd", "-q", "-c", p], capture_output=True, check=True).stdout for p in ("part1.tmp", "part2.tmp")]
with open("lines-frames.zst", "wb") as f:
    f.write(skippable(0, b"skip me") + frames[0] + skippable(15, b"") + frames[1] + skippable(3, b"\x00" * 40))
PY

# Snappy framing format, as Firehose writes it. Debian's python-snappy 0.5.3 has a CRC-32C
# extension broken on Python 3.11; the format's CRC-32C (Castagnoli) is computed here instead.
/usr/bin/python3 - <<'PY'
import io, snappy.snappy as s
table = []
for n in range(256):
    c = n
    for _ in range(8):
        c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
    table.append(c)
def crc32c(data):
    c = 0xFFFFFFFF
    for b in data:
        c = table[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF
s._crc32c = crc32c
with open("lines.txt", "rb") as src, open("lines.txt.sz", "wb") as dst:
    s.stream_compress(src, dst)
PY

# zip: a deflated file, a folder, and a stored file without a final line end.
/usr/bin/python3 - <<'PY'
import zipfile
half2 = open("half2.tmp", "rb").read()
with zipfile.ZipFile("lines.zip", "w") as z:
    z.writestr(zipfile.ZipInfo("a.log"), open("half1.tmp", "rb").read(), compress_type=zipfile.ZIP_DEFLATED)
    z.writestr(zipfile.ZipInfo("logs/"), b"")
    z.writestr(zipfile.ZipInfo("logs/b.log"), half2.rstrip(b"\n"), compress_type=zipfile.ZIP_STORED)
PY
rm -f part1.tmp part2.tmp half1.tmp half2.tmp
