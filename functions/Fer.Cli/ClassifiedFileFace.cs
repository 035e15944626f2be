using System.Diagnostics.CodeAnalysis;
using Fer.Api;

namespace Fer.Cli;

/// <summary>A line of <c>fer classify --format json</c>: a face item, the file it is in and the file's time (<c>ms</c>).</summary>
internal sealed record ClassifiedFileFace : FaceItem
{
    [SetsRequiredMembers]
    public ClassifiedFileFace(string path, FaceItem face, double ms)
        : base(face) => (Path, Ms) = (path, ms);

    public string Path { get; }

    public double Ms { get; }
}
