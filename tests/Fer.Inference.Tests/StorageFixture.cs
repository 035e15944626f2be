using Azure.Storage.Blobs;
using Fer.Inference.FaceDetection;
using Fer.Inference.Models;
using Fer.Inference.Pipeline;
using Fer.Inference.Storage;
using Fer.Testing;

namespace Fer.Inference.Tests;

/// <summary>Fresh containers and table (unique names) on the shared Azurite, plus the serving objects over them.</summary>
internal sealed class StorageFixture : IDisposable
{
    /// <param name="faceFinding">Whole-image by default: most tests here are about storage, with small generated images that hold no face.</param>
    public StorageFixture(Azurite azurite, TimeSpan? refresh = null, string faceFinding = FaceFinding.WholeImage)
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        Options = new FerOptions
        {
            FacesContainer = "faces" + suffix,
            ModelsContainer = "models" + suffix,
            ResultsTable = "emotions" + suffix,
            ModelRefreshInterval = refresh ?? TimeSpan.Zero,
            ModelCacheDirectory = Path.Combine(Path.GetTempPath(), "fer-model-cache-" + suffix),
            FaceFinding = faceFinding,
        };
        Components = new ServingComponents(new StorageConnection { ConnectionString = azurite.ConnectionString }, Options);
        Components.EnsureCreatedAsync().GetAwaiter().GetResult();
    }

    public ServingComponents Components { get; }

    public FerOptions Options { get; }

    public BlobContainerClient Faces => Components.Faces;

    public ModelStore Models => Components.Models;

    public ResultsStore Results => Components.Results;

    public ModelProvider Provider => Components.Provider;

    public ClassificationPipeline Pipeline => Components.Pipeline;

    public async Task<BlobClient> UploadAsync(string name, byte[] content)
    {
        var blob = Faces.GetBlobClient(name);
        await blob.UploadAsync(BinaryData.FromBytes(content), overwrite: true);
        return blob;
    }

    /// <summary>Every row of <paramref name="batch"/> in the results table.</summary>
    public async Task<List<EmotionRow>> AllRowsAsync(string batch)
    {
        var rows = new List<EmotionRow>();
        await foreach (var row in Results.AllAsync(batch))
        {
            rows.Add(row);
        }

        return rows;
    }

    public void Dispose() => Components.Dispose();
}
