namespace Fer.Training.Cli;

/// <summary>The value of <c>--data</c>: a local folder, or <c>blob:NAME</c>, a data set uploaded with <c>fer data upload</c>.</summary>
internal sealed record DataSource(string? Folder, string? BlobName)
{
    private const string BlobPrefix = "blob:";

    public bool IsBlob => BlobName is not null;

    public override string ToString() => IsBlob ? BlobPrefix + BlobName : Folder!;

    public static DataSource Parse(string value) =>
        value.StartsWith(BlobPrefix, StringComparison.Ordinal)
            ? new DataSource(null, value[BlobPrefix.Length..])
            : new DataSource(Path.GetFullPath(value), null);
}
