using Azure.Storage.Blobs;

namespace Fer.Benchmarks;

/// <summary>Fills the faces container with the sample face crops for the storage benchmarks.</summary>
internal static class SampleFaces
{
    /// <summary>Uploads count sample faces (repeating the samples) as batch/0000.jpg, batch/0001.jpg, ...</summary>
    public static async Task<List<BlobClient>> UploadAsync(BlobContainerClient faces, IReadOnlyList<string> sampleFiles, string batch, int count)
    {
        var uploaded = new List<BlobClient>(count);
        for (var i = 0; i < count; i++)
        {
            var blob = faces.GetBlobClient($"{batch}/{i:D4}.jpg");
            await blob.UploadAsync(sampleFiles[i % sampleFiles.Count], overwrite: true);
            uploaded.Add(blob);
        }

        return uploaded;
    }
}
