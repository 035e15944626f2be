using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Fer.Inference.Pipeline;
using Fer.Inference.Storage;
using Fer.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Fer.Inference.Tests;

/// <summary>Fresh containers and table (unique names) on the shared Azurite, plus the serving objects over them.</summary>
internal sealed class StorageFixture : IDisposable
{
    public StorageFixture(Azurite azurite, TimeSpan? refresh = null)
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        Options = new FerOptions
        {
            FacesContainer = "faces" + suffix,
            ModelsContainer = "models" + suffix,
            ResultsTable = "emotions" + suffix,
            ModelRefreshInterval = refresh ?? TimeSpan.Zero,
            ModelCacheDirectory = Path.Combine(Path.GetTempPath(), "fer-model-cache-" + suffix),
        };
        var blobs = new BlobServiceClient(azurite.ConnectionString);
        Faces = blobs.GetBlobContainerClient(Options.FacesContainer);
        Faces.CreateIfNotExists();
        Models = new ModelStore(blobs.GetBlobContainerClient(Options.ModelsContainer));
        Results = new ResultsStore(new TableServiceClient(azurite.ConnectionString).GetTableClient(Options.ResultsTable));
        Results.CreateIfNotExistsAsync().GetAwaiter().GetResult();
        Provider = new ModelProvider(Models, Microsoft.Extensions.Options.Options.Create(Options), NullLogger<ModelProvider>.Instance);
        Pipeline = new ClassificationPipeline(Provider, Results, Microsoft.Extensions.Options.Options.Create(Options), NullLogger<ClassificationPipeline>.Instance);
    }

    public FerOptions Options { get; }

    public BlobContainerClient Faces { get; }

    public ModelStore Models { get; }

    public ResultsStore Results { get; }

    public ModelProvider Provider { get; }

    public ClassificationPipeline Pipeline { get; }

    public async Task<BlobClient> UploadAsync(string name, byte[] content)
    {
        var blob = Faces.GetBlobClient(name);
        await blob.UploadAsync(BinaryData.FromBytes(content), overwrite: true);
        return blob;
    }

    public void Dispose() => Provider.Dispose();
}
