using S3Tail;
using S3Tail.Bookmarks;
using S3Tail.Storage;

// Counts the requests answered 404 in S3 access logs, from a bucket or a local folder,
// resuming after a KEY:LINE bookmark when one is given; stops after the 100th.
var where = SourceUri.Parse(args.Length > 0 ? args[0] : "./samples/s3/");
using IObjectSource source = where.IsLocal
    ? new LocalFolderSource(where.Bucket)
    : new S3ObjectSource(where.Bucket, new S3Settings(Region: "us-west-2"));

long notFound = 0;
var result = await S3TailEngine.RunAsync(
    new TailRequest
    {
        Source = source,
        Prefix = where.Prefix,
        Bookmark = args.Length > 1 ? Bookmark.Parse(args[1]) : null,
        KeyFilter = key => !key.EndsWith(".tmp"),
        Prefetch = 16,
    },
    (string key, long lineNumber, ReadOnlySpan<byte> line) =>
    {
        if (line.IndexOf(" 404 "u8) >= 0) notFound++;
        return notFound < 100; // false stops the run after this line
    });

Console.WriteLine($"{notFound} requests answered 404; {result.Reason}; resume with -b {result.Bookmark}");
