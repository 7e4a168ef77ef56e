namespace S3Tail.Decoding;

/// <summary>How an object's decoded bytes are cut into lines (the CLI's --format).</summary>
internal enum ObjectFormat
{
    /// <summary>Told from the content, object by object: Parquet, JSON documents, else lines.</summary>
    Auto,
    /// <summary>The bytes as they are: what s3tail did before it knew formats.</summary>
    Lines,
    /// <summary>JSON documents, their record arrays one element a line (<see cref="JsonRecordStream"/>).</summary>
    Records,
    /// <summary>Parquet rows, one a line (<see cref="ParquetRowStream"/>).</summary>
    Parquet,
}

/// <summary>
/// What a run asks of decoding; it travels to workers with each object, so they decode as this
/// machine does.
/// </summary>
/// <param name="RecordsWithParent">each record also gets its document's scalar members (--records-with-parent).</param>
/// <param name="ParquetText">Parquet rows as space-separated values, <c>-</c> for null (--parquet-text).</param>
internal sealed record DecodeOptions(ObjectFormat Format = ObjectFormat.Auto, bool RecordsWithParent = false, bool ParquetText = false)
{
    public static DecodeOptions Default { get; } = new();

    /// <summary>
    /// What a cache entry's identity gets so that lines decoded otherwise never mix: nothing for
    /// the default (its entries keep the path docs/design.md gives), else the options.
    /// </summary>
    public string CacheSuffix => this == Default ? "" : $"|format={Format}{(RecordsWithParent ? ",parent" : "")}{(ParquetText ? ",text" : "")}";
}
