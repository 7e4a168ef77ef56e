using System.Globalization;
using System.Xml.Linq;

namespace S3Tail.Storage;

/// <summary>What an S3 error answer's XML body says; empty parts when it has none or is not XML.</summary>
internal sealed record S3ErrorAnswer(string? Code, string? Message, string? RequestId, DateTime? ServerTime)
{
    public static async Task<S3ErrorAnswer> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (body.Length == 0 || body.Length > 64 * 1024) return new(null, null, null, null);
            var error = XDocument.Parse(body).Root;
            DateTime? serverTime = DateTime.TryParse(error?.Element("ServerTime")?.Value, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t) ? t : null;
            return new(error?.Element("Code")?.Value, error?.Element("Message")?.Value, error?.Element("RequestId")?.Value, serverTime);
        }
        catch (System.Xml.XmlException)
        {
            return new(null, null, null, null);
        }
    }
}
