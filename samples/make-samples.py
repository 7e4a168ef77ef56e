#!/usr/bin/env python3
"""Writes samples/s3/: two days of S3 server access logs (the format AWS documents), named as S3
names them (PREFIX-YYYY-mm-DD-HH-MM-SS-UNIQUE), every seventh object gzipped (.gz). Deterministic:
running it again writes the same bytes."""
import gzip, os, random, shutil
from datetime import datetime, timedelta

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "s3")
rng = random.Random(20160911)
OWNER = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"
BUCKET = "collab-production"
OPS = [("REST.GET.OBJECT", "GET", 200, 0.70), ("REST.HEAD.OBJECT", "HEAD", 200, 0.12),
       ("REST.PUT.OBJECT", "PUT", 200, 0.08), ("REST.GET.BUCKET", "GET", 200, 0.05),
       ("REST.GET.OBJECT", "GET", 404, 0.03), ("REST.GET.OBJECT", "GET", 403, 0.02)]
AGENTS = ['"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/53.0.2785.101 Safari/537.36"',
          '"aws-sdk-java/1.11.30 Linux/4.4.19-29.55.amzn1.x86_64 OpenJDK_64-Bit_Server_VM/25.101-b13/1.8.0_101"',
          '"aws-cli/1.10.62 Python/2.7.12 Linux/4.4.19 botocore/1.4.52"',
          '"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_6) AppleWebKit/602.1.50 (KHTML, like Gecko) Version/10.0 Safari/602.1.50"']
PATHS = ["assets/app.js", "assets/app.css", "assets/logo.png", "uploads/report-2016.pdf", "index.html",
         "assets/vendor.js", "img/banner.jpg", "data/export.csv", "favicon.ico"]

def pick_op():
    r, acc = rng.random(), 0.0
    for op in OPS:
        acc += op[3]
        if r < acc:
            return op
    return OPS[0]

def line(t):
    op, method, status, _ = pick_op()
    key = rng.choice(PATHS) if op != "REST.GET.BUCKET" else "-"
    uri = f"/{BUCKET}/{key}" if key != "-" else f"/{BUCKET}?prefix=assets%2F&max-keys=1000"
    size = rng.randint(200, 900000) if status == 200 and method == "GET" else "-"
    err = {403: "AccessDenied", 404: "NoSuchKey"}.get(status, "-")
    ip = f"{rng.choice([52, 54, 66, 72, 98, 173])}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    req_id = "%016X" % rng.getrandbits(64)
    total, turn = rng.randint(5, 400), rng.randint(1, 60)
    referrer = rng.choice(['"-"', '"https://collab.example.com/"', '"https://collab.example.com/docs"'])
    host_id = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") for _ in range(76))
    return (f"{OWNER} {BUCKET} [{t:%d/%b/%Y:%H:%M:%S} +0000] {ip} - {req_id} {op} {key} "
            f"\"{method} {uri} HTTP/1.1\" {status} {err} {size} {size if size != '-' else '-'} {total} {turn} "
            f"{referrer} {rng.choice(AGENTS)} - {host_id} SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader "
            f"{BUCKET}.s3.amazonaws.com TLSv1.2\n")

def main():
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    t = datetime(2016, 9, 11, 0, 0, 0)
    end = datetime(2016, 9, 13, 0, 0, 0)
    n = 0
    while t < end:
        t += timedelta(seconds=rng.randint(200, 700))
        unique = "%016X" % rng.getrandbits(64)
        name = f"collab-production-s3-access-{t:%Y-%m-%d-%H-%M-%S}-{unique}"
        lines = "".join(line(t + timedelta(seconds=rng.randint(-300, 0))) for _ in range(rng.randint(3, 40)))
        data = lines.encode()
        n += 1
        if n % 7 == 0:
            name += ".gz"
            data = gzip.compress(data, mtime=0)
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    print(f"wrote {n} objects to {OUT}")

if __name__ == "__main__":
    main()
