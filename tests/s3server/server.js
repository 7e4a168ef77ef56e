'use strict';
// The S3 server s3tail's tests and benchmarks talk to: s3rver, plus three things it lacks.
//  1. Listing in S3's order. s3rver walks folders, so "a/b" comes before "a-c"; S3 sorts keys by
//     their UTF-8 bytes, and paging with StartAfter only works on that order.
//  2. Fault injection per bucket: delays, error replies (503 SlowDown, 500, 403, 404), and bodies
//     cut after N bytes, each for a number of requests or with a probability.
//  3. Request counters per bucket and key, so a test can prove a cache hit sent no GET.
// Control endpoints (JSON): POST /__s3tail/rules?bucket=B  body [rule...]  replaces B's rules;
// GET /__s3tail/counts?bucket=B; POST /__s3tail/reset?bucket=B;
// POST /__s3tail/bucket?bucket=B  makes bucket B whatever its name (a legacy one s3rver's PUT refuses);
// POST /__s3tail/secret  body { secret }  also accepts that secret key for S3RVER's signatures;
// POST /__s3tail/seed?bucket=B  body [{ key, text }...]  stores objects straight into the store
// (no HTTP request and no signature per object), for tests that need thousands of keys.
// A rule: { op: "getObject"|"list"|"any", key: "regex", delayMs, status, code, cutAfterBytes,
//           stallAfterBytes, times: N (default unlimited), probability: 0..1 (default 1) }.
// stallAfterBytes sends that many bytes of the body, then nothing more, never closing: a stalled peer.
// bytesPerSecond sends the body no faster than that, per request: one connection's bandwidth.
// GET honours If-Match (412 PreconditionFailed when the object's ETag differs), as S3 does.
// GET of an object checks its SigV4 signature as S3 does (s3rver leaves v4 unchecked): a wrong
// one gets 403 SignatureDoesNotMatch and counts in signatureMismatch. GETs are also counted by
// the first word of their User-Agent (agents: { s3tail: n, 'aws-sdk-dotnet-coreclr': m }), and
// every request by operation and the region of its SigV4 scope (regions: { 'list eu-west-3': n }).
// ignoreRange: true answers a ranged GET with 200 and the whole body, as HTTP lets a server (or
// a proxy) do. skewSeconds: N gives the bucket a server clock N seconds off the real one: a
// request whose X-Amz-Date is more than 15 minutes from it gets 403 RequestTimeTooSkewed with
// ServerTime, and every answer's Date header shows that clock, as S3's do. requesterPays: true
// refuses (403 AccessDenied) a GET or listing without x-amz-request-payer: requester.
// Requests carrying x-amz-request-payer are counted by op in requestPayer: { list, getObject }.
// Usage: node --openssl-legacy-provider server.js [DIR] [PORT] [--exit-with-stdin]; prints "LISTENING <port>".
const S3rver = require('s3rver');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { Transform } = require('stream');

const args = process.argv.slice(2).filter(a => !a.startsWith('--'));
const dir = args[0] || fs.mkdtempSync(path.join(os.tmpdir(), 's3rver-'));
const port = Number(args[1] || 0);
const server = new S3rver({ address: '127.0.0.1', port, silent: true, directory: dir });

const original = server.store.listObjects.bind(server.store);
server.store.listObjects = async (bucket, options) => {
  const { startAfter, maxKeys = Infinity, ...rest } = options;
  const all = await original(bucket, { ...rest, startAfter: undefined, maxKeys: Infinity });
  const after = Buffer.from(startAfter || '', 'utf8');
  const sorted = all.objects
    .map(o => ({ o, k: Buffer.from(o.key, 'utf8') }))
    .filter(x => startAfter === undefined || Buffer.compare(x.k, after) > 0)
    .sort((x, y) => Buffer.compare(x.k, y.k))
    .map(x => x.o);
  return { objects: sorted.slice(0, maxKeys), commonPrefixes: all.commonPrefixes, isTruncated: sorted.length > maxKeys };
};

const rules = new Map();   // bucket -> [rule]
const counts = new Map();  // bucket -> { getObject, list, other, keys: { key: n } }

function countsFor(bucket) {
  if (!counts.has(bucket)) counts.set(bucket, { getObject: 0, ranged: 0, list: 0, other: 0, signatureMismatch: 0, agents: {}, keys: {}, regions: {}, requestPayer: {} });
  return counts.get(bucket);
}

function parse(ctx) {
  const parts = ctx.path.split('/').slice(1);
  const bucket = decodeURIComponent(parts[0] || '');
  const key = parts.length > 1 ? parts.slice(1).map(decodeURIComponent).join('/') : '';
  let op = 'other';
  if (ctx.method === 'GET' && key) op = 'getObject';
  else if (ctx.method === 'GET' && bucket && !key && ctx.query['list-type'] !== undefined) op = 'list';
  return { bucket, key, op };
}

function readJson(ctx) {
  return new Promise((resolve, reject) => {
    let data = '';
    ctx.req.on('data', c => (data += c));
    ctx.req.on('end', () => { try { resolve(data ? JSON.parse(data) : null); } catch (e) { reject(e); } });
    ctx.req.on('error', reject);
  });
}

async function control(ctx) {
  const bucket = ctx.query.bucket || '';
  if (ctx.path === '/__s3tail/rules' && ctx.method === 'POST') {
    rules.set(bucket, (await readJson(ctx)) || []);
    ctx.body = 'ok';
  } else if (ctx.path === '/__s3tail/counts') {
    ctx.type = 'application/json';
    ctx.body = JSON.stringify(countsFor(bucket));
  } else if (ctx.path === '/__s3tail/seed' && ctx.method === 'POST') {
    const objects = (await readJson(ctx)) || [];
    for (const o of objects) {
      await server.store.putObject({
        bucket, key: o.key, metadata: { 'content-type': 'text/plain' }, content: Buffer.from(o.text, 'utf8'),
      });
    }
    ctx.body = String(objects.length);
  } else if (ctx.path === '/__s3tail/bucket' && ctx.method === 'POST') {
    // s3rver's PUT Bucket refuses names S3 still serves (us-east-1 before 2018: upper case, '_').
    await server.store.putBucket(bucket);
    ctx.body = 'ok';
  } else if (ctx.path === '/__s3tail/secret' && ctx.method === 'POST') {
    const { secret } = (await readJson(ctx)) || {};
    if (secret && !secrets.S3RVER.includes(secret)) secrets.S3RVER.push(secret);
    ctx.body = 'ok';
  } else if (ctx.path === '/__s3tail/reset' && ctx.method === 'POST') {
    rules.delete(bucket);
    counts.delete(bucket);
    ctx.body = 'ok';
  } else {
    ctx.status = 404;
    ctx.body = 'unknown control endpoint';
  }
}

function pick(bucket, op, key, only) {
  for (const rule of rules.get(bucket) || []) {
    if (only && !rule[only]) continue;
    if (!only && (rule.ignoreRange || rule.skewSeconds !== undefined || rule.requesterPays)) continue;
    if (rule.op && rule.op !== 'any' && rule.op !== op) continue;
    if (rule.key && !new RegExp(rule.key).test(key)) continue;
    if (rule.times !== undefined && rule.times <= 0) continue;
    if (rule.probability !== undefined && Math.random() >= rule.probability) continue;
    if (rule.times !== undefined) rule.times--;
    return rule;
  }
  return null;
}

function unquote(etag) {
  return (etag || '').replace(/^W\//, '').replace(/"/g, '');
}

function errorXml(code, resource) {
  return '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>' + code + '</Code><Message>' + code +
    ' (injected by the test server)</Message><Resource>' + resource + '</Resource><RequestId>0</RequestId></Error>';
}

// S3's SigV4 for a GET without a query string: the canonical path is the decoded path encoded
// again, every byte but A-Z a-z 0-9 - _ . ~ and '/' as %XX. Returns true when the signature is
// right, or when there is nothing this server can check (another scheme, an unknown key).
const secrets = { S3RVER: ['S3RVER'] };  // POST /__s3tail/secret body { secret } adds one for S3RVER
function sigV4Holds(ctx) {
  const auth = ctx.get('Authorization');
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m || ctx.querystring !== '') return true;
  const [, accessKey, date, region, signedHeaders, signature] = m;
  if (!(accessKey in secrets)) return true;
  const rawPath = ctx.req.url.split('?')[0];
  const path = rawPath.split('/').map(seg => Buffer.from(decodeURIComponent(seg), 'utf8'))
    .map(bytes => [...bytes].map(b => /[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) && b < 128
      ? String.fromCharCode(b) : '%' + b.toString(16).toUpperCase().padStart(2, '0')).join('')).join('/');
  const names = signedHeaders.split(';');
  const headers = names.map(n => n + ':' + String(ctx.get(n)).trim().replace(/\s+/g, ' ') + '\n').join('');
  const canonical = ['GET', path, '', headers, signedHeaders, ctx.get('x-amz-content-sha256')].join('\n');
  const amzDate = ctx.get('x-amz-date');
  const scope = `${date}/${region}/s3/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, crypto.createHash('sha256').update(canonical).digest('hex')].join('\n');
  return secrets[accessKey].some(secret => {
    let key = 'AWS4' + secret;
    for (const part of [date, region, 's3', 'aws4_request']) key = crypto.createHmac('sha256', key).update(part).digest();
    return crypto.createHmac('sha256', key).update(toSign).digest('hex') === signature;
  });
}

async function faults(ctx, next) {
  if (ctx.path.startsWith('/__s3tail/')) return control(ctx);
  const { bucket, key, op } = parse(ctx);
  const c = countsFor(bucket);
  c[op]++;
  if (op === 'getObject') c.keys[key] = (c.keys[key] || 0) + 1;
  if (op === 'getObject' && ctx.get('Range')) c.ranged++;
  const scope = /Credential=[^/,]+\/\d{8}\/([^/,]+)\/s3\/aws4_request/.exec(ctx.get('Authorization'));
  const signedFor = `${op} ${scope ? scope[1] : 'unsigned'}`;
  c.regions[signedFor] = (c.regions[signedFor] || 0) + 1;
  if (op === 'getObject') {
    const agent = (ctx.get('User-Agent').split(/[\/ ]/)[0]) || 'none';
    c.agents[agent] = (c.agents[agent] || 0) + 1;
  }
  if (ctx.get('x-amz-request-payer') && op !== 'other') c.requestPayer[op] = (c.requestPayer[op] || 0) + 1;
  // A skewed server clock: checked before the signature, as S3 does.
  const skew = op !== 'other' ? pick(bucket, op, key, 'skewSeconds') : null;
  if (skew) {
    const now = new Date(Date.now() + skew.skewSeconds * 1000);
    ctx.set('Date', now.toUTCString());
    const m = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(ctx.get('x-amz-date'));
    const sent = m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : NaN;
    if (!(Math.abs(sent - now.getTime()) <= 15 * 60 * 1000)) {
      ctx.status = 403;
      ctx.type = 'application/xml';
      ctx.body = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>RequestTimeTooSkewed</Code><Message>The difference between ' +
        'the request time and the current time is too large.</Message><RequestTime>' + ctx.get('x-amz-date') +
        '</RequestTime><ServerTime>' + now.toISOString().replace(/\.\d+Z$/, 'Z') + '</ServerTime><MaxAllowedSkewMilliseconds>900000' +
        '</MaxAllowedSkewMilliseconds><RequestId>0</RequestId></Error>';
      return;
    }
  }
  if (op !== 'other' && ctx.get('x-amz-request-payer') !== 'requester' && pick(bucket, op, key, 'requesterPays')) {
    ctx.status = 403;
    ctx.type = 'application/xml';
    ctx.body = errorXml('AccessDenied', ctx.path);
    return;
  }
  if (op === 'getObject' && !sigV4Holds(ctx)) {
    c.signatureMismatch++;
    ctx.status = 403;
    ctx.type = 'application/xml';
    ctx.body = errorXml('SignatureDoesNotMatch', ctx.path);
    return;
  }

  if (skew && ctx.get('x-amz-date')) {
    // s3rver checks the time against the real clock: show it the request time in that clock.
    const m = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(ctx.get('x-amz-date'));
    const real = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) - skew.skewSeconds * 1000);
    ctx.req.headers['x-amz-date'] = real.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  }
  // After the signature check: the Range header may be signed.
  if (op === 'getObject' && ctx.get('Range') && pick(bucket, op, key, 'ignoreRange')) {
    // s3rver honours Range; a server that ignores it is one that never saw it.
    delete ctx.req.headers.range;
    delete ctx.request.header.range;
  }
  const rule = pick(bucket, op, key);
  if (rule && rule.delayMs) await new Promise(r => setTimeout(r, rule.delayMs));
  if (rule && rule.status) {
    ctx.status = rule.status;
    ctx.type = 'application/xml';
    ctx.body = errorXml(rule.code || 'InternalError', ctx.path);
    return;
  }
  await next();
  const ifMatch = ctx.get('If-Match');
  if (op === 'getObject' && ifMatch && ctx.status < 300 && unquote(ctx.response.get('ETag')) !== unquote(ifMatch)) {
    if (ctx.body && typeof ctx.body.destroy === 'function') ctx.body.destroy();
    ctx.status = 412;
    ctx.type = 'application/xml';
    ctx.body = errorXml('PreconditionFailed', ctx.path);
    return;
  }
  if (rule && rule.stallAfterBytes !== undefined && ctx.body && typeof ctx.body.pipe === 'function') {
    const length = ctx.response.get('Content-Length');
    let sent = 0;
    const limit = rule.stallAfterBytes;
    const stall = new Transform({
      transform(chunk, _enc, done) {
        const part = chunk.subarray(0, Math.max(0, limit - sent));
        sent += part.length;
        if (part.length) this.push(part);
        done();
      },
      flush() { /* never: the body neither ends nor closes */ },
    });
    ctx.body = ctx.body.pipe(stall);
    if (length) ctx.set('Content-Length', length);
    return;
  }
  if (rule && rule.bytesPerSecond && ctx.body && typeof ctx.body.pipe === 'function') {
    const length = ctx.response.get('Content-Length');
    const started = Date.now();
    let sent = 0;
    const paced = new Transform({
      transform(chunk, _enc, done) {
        sent += chunk.length;
        const due = started + (sent / rule.bytesPerSecond) * 1000;
        setTimeout(() => done(null, chunk), Math.max(0, due - Date.now()));
      },
    });
    ctx.body = ctx.body.pipe(paced);
    if (length) ctx.set('Content-Length', length);
    return;
  }
  if (rule && rule.cutAfterBytes !== undefined && ctx.body && typeof ctx.body.pipe === 'function') {
    // Send the full Content-Length, then drop the connection after cutAfterBytes bytes.
    const length = ctx.response.get('Content-Length');
    let sent = 0;
    const limit = rule.cutAfterBytes;
    const cut = new Transform({
      transform(chunk, _enc, done) {
        if (sent >= limit) return done();
        const part = chunk.subarray(0, Math.max(0, limit - sent));
        sent += part.length;
        this.push(part);
        if (sent >= limit) setTimeout(() => ctx.req.socket.destroy(), 20);
        done();
      },
    });
    ctx.body = ctx.body.pipe(cut);
    if (length) ctx.set('Content-Length', length);
  }
}

// Koa composes middleware at listen time: putting ours right after s3rver's logger puts it in
// front of the router.
server.middleware.splice(1, 0, faults);

server.run().then(address => {
  process.stdout.write('LISTENING ' + address.port + '\n');
}, err => {
  process.stderr.write('s3rver failed to start: ' + err.stack + '\n');
  process.exit(1);
});

// Started by a test process (--exit-with-stdin), exit when it dies: its pipe to our stdin closes.
if (process.argv.includes('--exit-with-stdin')) {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}
