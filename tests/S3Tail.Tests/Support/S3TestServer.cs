using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace S3Tail.Tests.Support;

/// <summary>
/// A real S3 protocol server for the tests: s3rver (pinned in tests/s3server) started with node on
/// 127.0.0.1 at a free port, with a byte-ordered listing, fault rules and request counters
/// (see tests/s3server/server.js). One per test run; every test uses buckets of its own.
/// </summary>
public sealed class S3TestServer : IAsyncDisposable
{
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";

    private readonly Process _node;
    private readonly HttpClient _http;

    private S3TestServer(Process node, int port, string directory)
    {
        _node = node;
        Port = port;
        Directory = directory;
        Endpoint = $"http://127.0.0.1:{port}";
        _http = new HttpClient { BaseAddress = new Uri(Endpoint) };
        Client = new AmazonS3Client(new BasicAWSCredentials(AccessKey, SecretKey), new AmazonS3Config
        {
            ServiceURL = Endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });
    }

    public string Endpoint { get; }
    public int Port { get; }
    public string Directory { get; }
    public IAmazonS3 Client { get; }

    private static int _bucketCounter;

    /// <summary>A fresh, valid bucket name for one test.</summary>
    public static string NewBucketName(string hint = "t") =>
        $"{new string(hint.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).Take(20).ToArray())}-{Environment.ProcessId}-{Interlocked.Increment(ref _bucketCounter)}";

    public static async Task<S3TestServer> StartAsync(string? directory = null, int port = 0)
    {
        await EnsureInstalledAsync();
        directory ??= Path.Combine(Path.GetTempPath(), $"s3tail-s3rver-{Environment.ProcessId}-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(directory);
        var psi = new ProcessStartInfo("node", ["--openssl-legacy-provider", "server.js", directory, port.ToString(), "--exit-with-stdin"])
        {
            WorkingDirectory = RepoPaths.S3Server,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        var node = Process.Start(psi) ?? throw new InvalidOperationException("node did not start");
        var line = await node.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        if (line is null || !line.StartsWith("LISTENING "))
            throw new InvalidOperationException($"s3rver did not start: {line} {await node.StandardError.ReadToEndAsync()}");
        return new S3TestServer(node, int.Parse(line["LISTENING ".Length..]), directory);
    }

    /// <summary>Installs the pinned s3rver from the lock file once, if a fresh clone lacks it.</summary>
    private static async Task EnsureInstalledAsync()
    {
        if (File.Exists(Path.Combine(RepoPaths.S3Server, "node_modules", "s3rver", "package.json"))) return;
        var psi = new ProcessStartInfo("npm", ["ci", "--no-audit", "--no-fund"])
        {
            WorkingDirectory = RepoPaths.S3Server, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var npm = Process.Start(psi)!;
        var stderr = npm.StandardError.ReadToEndAsync();
        await npm.StandardOutput.ReadToEndAsync();
        await npm.WaitForExitAsync();
        if (npm.ExitCode != 0) throw new InvalidOperationException($"npm ci failed in tests/s3server: {await stderr}");
    }

    public async Task<string> CreateBucketAsync(string? name = null)
    {
        name ??= NewBucketName();
        await Client.PutBucketAsync(new PutBucketRequest { BucketName = name });
        return name;
    }

    public Task PutAsync(string bucket, string key, byte[] content) =>
        Client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = key,
            InputStream = new MemoryStream(content),
            // SDK v4 would send an aws-chunked body over http, which s3rver stores verbatim.
            UseChunkEncoding = false,
        });

    public async Task PutAllAsync(string bucket, IEnumerable<(string Key, byte[] Content)> objects, int parallel = 8)
    {
        await Parallel.ForEachAsync(objects, new ParallelOptions { MaxDegreeOfParallelism = parallel },
            async (o, _) => await PutAsync(bucket, o.Key, o.Content));
    }

    /// <summary>
    /// Stores many small text objects at once, straight into the server's store (one request
    /// for all of them): for tests that need thousands of keys. The bucket must exist.
    /// </summary>
    public async Task SeedAsync(string bucket, IEnumerable<(string Key, string Text)> objects)
    {
        var body = objects.Select(o => new { key = o.Key, text = o.Text }).ToList();
        var response = await _http.PostAsJsonAsync($"/__s3tail/seed?bucket={Uri.EscapeDataString(bucket)}", body);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Replaces the bucket's fault rules (see server.js for the fields).</summary>
    public async Task SetRulesAsync(string bucket, params object[] rules)
    {
        var response = await _http.PostAsJsonAsync($"/__s3tail/rules?bucket={Uri.EscapeDataString(bucket)}", rules);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Makes a bucket under a name s3rver's own PUT Bucket refuses (upper case, '_'), as S3 still serves legacy us-east-1 buckets.</summary>
    public async Task<string> CreateLegacyBucketAsync(string name)
    {
        (await _http.PostAsync($"/__s3tail/bucket?bucket={Uri.EscapeDataString(name)}", null)).EnsureSuccessStatusCode();
        return name;
    }

    /// <summary>Makes the server accept signatures made with this secret key (for the access key S3RVER) too.</summary>
    public async Task AcceptSecretAsync(string secret) =>
        (await _http.PostAsJsonAsync("/__s3tail/secret", new { secret })).EnsureSuccessStatusCode();

    public async Task<RequestCounts> CountsAsync(string bucket)
    {
        var json = await _http.GetStringAsync($"/__s3tail/counts?bucket={Uri.EscapeDataString(bucket)}");
        return JsonSerializer.Deserialize<RequestCounts>(json, new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
    }

    public async Task ResetAsync(string bucket) =>
        (await _http.PostAsync($"/__s3tail/reset?bucket={Uri.EscapeDataString(bucket)}", null)).EnsureSuccessStatusCode();

    /// <summary>Stops the server as if it crashed, keeping its data (to start again on the same port and folder).</summary>
    public async Task KillAsync()
    {
        try { _node.Kill(entireProcessTree: true); await _node.WaitForExitAsync(); } catch (InvalidOperationException) { }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        _http.Dispose();
        await KillAsync();
        _node.Dispose();
        try { System.IO.Directory.Delete(Directory, true); } catch (IOException) { }
    }
}

/// <summary>
/// What the test server counted for a bucket: GETs by key and by the first word of their
/// User-Agent, signatures it refused, and requests by operation and signing region ("list eu-west-3").
/// </summary>
public sealed record RequestCounts(int GetObject, int Ranged, int List, int Other, Dictionary<string, int> Keys,
    int SignatureMismatch = 0, Dictionary<string, int>? Agents = null, Dictionary<string, int>? Regions = null,
    Dictionary<string, int>? RequestPayer = null)
{
    /// <summary>The regions the requests were signed for, each once, in order.</summary>
    public IEnumerable<string> SigningRegions => (Regions ?? []).Keys.Select(k => k[(k.IndexOf(' ') + 1)..]).Distinct().Order();

    /// <summary>Listings and GETs that carried x-amz-request-payer.</summary>
    public int PayerLists => RequestPayer?.GetValueOrDefault("list") ?? 0;
    public int PayerGets => RequestPayer?.GetValueOrDefault("getObject") ?? 0;

    /// <summary>GETs s3tail sent itself (<c>DirectGetClient</c>), not through the AWS SDK.</summary>
    public int DirectGets => Agents?.GetValueOrDefault("s3tail") ?? 0;
}

