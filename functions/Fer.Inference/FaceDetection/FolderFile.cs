using Fer.Inference.Models;

namespace Fer.Inference.FaceDetection;

/// <summary>Checks a file of a face model folder against the size and SHA-256 its manifest records.</summary>
internal static class FolderFile
{
    public static void Verify(string directory, string path, long bytes, string sha256, string manifestName)
    {
        if (!File.Exists(path))
        {
            throw new InvalidModelException(directory, $"'{Path.GetFileName(path)}' named by {manifestName} is missing");
        }

        var actual = ModelVersionFolder.Sha256Of(path);
        if (new FileInfo(path).Length != bytes || !string.Equals(actual, sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidModelException(directory, $"'{Path.GetFileName(path)}' has {new FileInfo(path).Length} bytes and SHA-256 {actual}; the manifest says {bytes} and {sha256} (corrupt or replaced file)");
        }
    }
}
