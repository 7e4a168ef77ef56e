'use strict';
// A cheap read-only S3 endpoint for client-side benchmarks: ListObjectsV2 and GET (with ETag,
// Range and If-Match) of the files under DIR, each bucket a folder, with DELAY_MS added to every
// answer. s3rver spends about 0.9 ms of CPU a request, more than s3tail's client; on two cores it
// would set the pace of any benchmark of many small objects. This spends a few microseconds.
// It checks no signature and writes nothing: never expose it.
// Usage: node static-s3.js DIR PORT [DELAY_MS [HOST]]; prints "LISTENING <port>". HOST (default
// 127.0.0.1) is the address to listen on: the workers-net benchmark serves from a namespace's own.
const http = require('http');
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');

const [dir, port, delayArg, host] = process.argv.slice(2);
const delayMs = Number(delayArg || 0);
const buckets = new Map();   // bucket -> sorted [{ key, size, etag, mtime, file }]

function load(bucket) {
  if (buckets.has(bucket)) return buckets.get(bucket);
  const root = path.join(dir, bucket);
  if (!fs.existsSync(root)) return null;
  const objects = [];
  (function walk(folder) {
    for (const e of fs.readdirSync(folder, { withFileTypes: true })) {
      const file = path.join(folder, e.name);
      if (e.isDirectory()) walk(file);
      else {
        const body = fs.readFileSync(file);
        objects.push({ key: path.relative(root, file).split(path.sep).join('/'), size: body.length,
          etag: '"' + crypto.createHash('md5').update(body).digest('hex') + '"', mtime: fs.statSync(file).mtime, file });
      }
    }
  })(root);
  // S3 orders keys by their UTF-8 bytes.
  objects.sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
  buckets.set(bucket, objects);
  return objects;
}

const xml = s => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function list(res, bucket, objects, q) {
  const prefix = q.get('prefix') || '';
  const after = q.get('continuation-token') || q.get('start-after') || '';
  const max = Math.min(1000, Number(q.get('max-keys') || 1000));
  const page = [];
  let truncated = false;
  for (const o of objects) {
    if (!o.key.startsWith(prefix) || Buffer.compare(Buffer.from(o.key), Buffer.from(after)) <= 0) continue;
    if (page.length === max) { truncated = true; break; }
    page.push(o);
  }
  const body = '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
    `<Name>${xml(bucket)}</Name><Prefix>${xml(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${max}</MaxKeys>` +
    `<IsTruncated>${truncated}</IsTruncated>` +
    (truncated ? `<NextContinuationToken>${xml(page[page.length - 1].key)}</NextContinuationToken>` : '') +
    page.map(o => `<Contents><Key>${xml(o.key)}</Key><LastModified>${o.mtime.toISOString()}</LastModified>` +
      `<ETag>${xml(o.etag)}</ETag><Size>${o.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`).join('') +
    '</ListBucketResult>';
  res.writeHead(200, { 'content-type': 'application/xml' });
  res.end(body);
}

function get(req, res, o) {
  const headers = { etag: o.etag, 'last-modified': o.mtime.toUTCString(), 'accept-ranges': 'bytes' };
  const match = req.headers['if-match'];
  if (match && match !== o.etag) {
    res.writeHead(412, { 'content-type': 'application/xml' });
    return res.end('<Error><Code>PreconditionFailed</Code><Message>At least one of the preconditions you specified did not hold</Message></Error>');
  }
  let start = 0, end = o.size - 1, status = 200;
  const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range || '');
  if (range) {
    start = Number(range[1]);
    end = range[2] ? Math.min(Number(range[2]), o.size - 1) : o.size - 1;
    if (start >= o.size) {
      res.writeHead(416, { 'content-type': 'application/xml' });
      return res.end('<Error><Code>InvalidRange</Code><Message>The requested range is not satisfiable</Message></Error>');
    }
    status = 206;
    headers['content-range'] = `bytes ${start}-${end}/${o.size}`;
  }
  headers['content-length'] = end - start + 1;
  res.writeHead(status, headers);
  if (req.method === 'HEAD') return res.end();
  fs.createReadStream(o.file, { start, end, highWaterMark: 1 << 20 }).pipe(res);
}

http.createServer((req, res) => {
  req.resume();
  setTimeout(() => {
    const url = new URL(req.url, 'http://x');
    const parts = url.pathname.split('/');
    const bucket = decodeURIComponent(parts[1] || '');
    const key = parts.slice(2).map(decodeURIComponent).join('/');
    const objects = load(bucket);
    if (!objects) { res.writeHead(404); return res.end('<Error><Code>NoSuchBucket</Code></Error>'); }
    if (!key) return list(res, bucket, objects, url.searchParams);
    const o = objects.find(x => x.key === key);
    if (!o) { res.writeHead(404, { 'content-type': 'application/xml' }); return res.end('<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>'); }
    get(req, res, o);
  }, delayMs);
}).listen(Number(port), host || '127.0.0.1', function () { console.log('LISTENING ' + this.address().port); });
