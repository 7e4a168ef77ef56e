namespace S3Tail.Tests.Support;

/// <summary>Finds the repository (the folder holding S3TailActors.sln) from the test binaries.</summary>
public static class RepoPaths
{
    public static string Root { get; } = Find();

    public static string S3Server => Path.Combine(Root, "tests", "s3server");

    public static string Samples => Path.Combine(Root, "samples");

    /// <summary>Objects in each format s3tail decodes, made by independent tools (tests/data/formats/make-*.sh).</summary>
    public static string Formats => Path.Combine(Root, "tests", "data", "formats");

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "S3TailActors.sln"))) return dir.FullName;
        throw new InvalidOperationException("S3TailActors.sln not found above " + AppContext.BaseDirectory);
    }
}
