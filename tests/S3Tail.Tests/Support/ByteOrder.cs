using System.Globalization;
using System.Text;

namespace S3Tail.Tests.Support;

/// <summary>
/// S3's key order, written out plainly for the tests' expectations: compare the keys' UTF-8 bytes
/// one by one, and a key that is a prefix of another sorts first. Deliberately naive (it encodes
/// every key on every comparison) so that it shares nothing with the engine's Utf8Order.
/// </summary>
public sealed class ByteOrder : IComparer<string>
{
    public static readonly ByteOrder Instance = new();

    public int Compare(string? x, string? y)
    {
        byte[] a = Encoding.UTF8.GetBytes(x ?? ""), b = Encoding.UTF8.GetBytes(y ?? "");
        for (int i = 0; i < a.Length && i < b.Length; i++)
            if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
        return a.Length.CompareTo(b.Length);
    }
}

/// <summary>The time in an S3 server access log's key (2016-09-11-14-00-00), formatted by hand.</summary>
public static class AccessLogTime
{
    public static string Of(DateTime time) => time.ToString("yyyy-MM-dd-HH-mm-ss", CultureInfo.InvariantCulture);
}
