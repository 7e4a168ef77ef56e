using System.Text;

namespace S3Tail.Tests.Support;

/// <summary>
/// The rows DuckDB wrote into tests/data/formats/types-*.parquet (make-parquet.mjs), computed
/// again here by hand from the same formulas: what s3tail must write for them.
/// </summary>
public static class ParquetFixtures
{
    public const int TypesRows = 5000;

    public static byte[] File(string name) => System.IO.File.ReadAllBytes(Path.Combine(RepoPaths.Formats, name));

    private static string Price(int i) => (i / 4) + (i % 4) switch { 0 => "", 1 => ".25", 2 => ".5", _ => ".75" };

    private static string Timestamp(int i)
    {
        var t = new DateTime(2024, 3, 1, 0, 0, 0).AddSeconds(i);
        return $"{t:yyyy-MM-dd}T{t:HH:mm:ss}" + (i % 4) switch { 0 => "", 1 => ".25", 2 => ".5", _ => ".75" } + "Z";
    }

    private static string? Name(int i) => i % 7 == 0 ? null : i % 5 == 0 ? $"caf\u00e9 \"{i}\"" : $"n{i}";

    private static string? Tags(int i) => i % 11 == 0 ? null : i % 3 == 0 ? "[]" : $"[\"a{i}\",\"b\"]";

    private static string? Info(int i) => i % 17 == 0 ? null : $"{{\"a\":{i % 10},\"b\":\"x{i}\"}}";

    /// <summary>Row <paramref name="i"/> as one JSON object a line.</summary>
    public static string TypesJson(int i) =>
        $"{{\"id\":{i},\"small\":{(i % 13 == 0 ? "null" : (i % 100).ToString())}," +
        $"\"name\":{(Name(i) is { } n ? "\"" + n.Replace("\"", "\\\"") + "\"" : "null")},\"price\":{Price(i)}," +
        $"\"ok\":{(i % 2 == 0 ? "true" : "false")},\"ts\":\"{Timestamp(i)}\",\"tags\":{Tags(i) ?? "null"},\"info\":{Info(i) ?? "null"}}}\n";

    /// <summary>A name under --parquet-text: the names with a space are written as JSON strings, the space as \u0020.</summary>
    private static string? NameText(int i) => i % 7 == 0 ? null : i % 5 == 0 ? $"\"caf\u00e9\\u0020\\\"{i}\\\"\"" : $"n{i}";

    /// <summary>Row <paramref name="i"/> under --parquet-text: values in column order, '-' for null, groups and lists as JSON.</summary>
    public static string TypesText(int i) =>
        $"{i} {(i % 13 == 0 ? "-" : (i % 100).ToString())} {NameText(i) ?? "-"} {Price(i)} {(i % 2 == 0 ? "true" : "false")} {Timestamp(i)} " +
        $"{Tags(i) ?? "-"} {Info(i) ?? "-"}\n";

    public static byte[] AllTypesJson() => Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, TypesRows).Select(TypesJson)));
}
