using Azure.Storage.Blobs;
using Fer.Api;
using Fer.Inference;
using Fer.Inference.Storage;
using Fer.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Fer.Functions.Tests;

/// <summary>The function app's own service registration over Azurite, with unique container and table names.</summary>
internal sealed class FunctionHost : IDisposable
{
    private readonly ServiceProvider services;

    /// <param name="faceFinding">Whole-image unless a test is about finding faces: most uploads here are small generated images.</param>
    /// <param name="settings">More settings (<c>Fer:...</c>), or ones that replace the defaults here.</param>
    public FunctionHost(Azurite azurite, string faceFinding = "whole-image", IReadOnlyDictionary<string, string?>? settings = null)
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [ServiceRegistration.StorageConnectionName] = azurite.ConnectionString,
            ["Fer:FacesContainer"] = "faces" + suffix,
            ["Fer:ModelsContainer"] = "models" + suffix,
            ["Fer:ResultsTable"] = "emotions" + suffix,
            ["Fer:ModelRefreshInterval"] = "00:00:00",
            ["Fer:ModelCacheDirectory"] = Path.Combine(Path.GetTempPath(), "fer-fn-cache-" + suffix),
            ["Fer:FaceFinding"] = faceFinding,
        }).AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();
        services = new ServiceCollection().AddLogging(b => b.SetMinimumLevel(LogLevel.Warning)).AddFerServing(configuration).BuildServiceProvider();
        Faces = services.GetRequiredKeyedService<BlobContainerClient>(InferenceServiceRegistration.FacesContainerKey);
        Faces.CreateIfNotExists();
        Get<ResultsStore>().CreateIfNotExistsAsync().GetAwaiter().GetResult();
    }

    public BlobContainerClient Faces { get; }

    public T Get<T>()
        where T : notnull => services.GetRequiredService<T>();

    public T Create<T>() => ActivatorUtilities.CreateInstance<T>(services);

    public async Task<BlobClient> UploadAsync(string name, byte[] content)
    {
        var blob = Faces.GetBlobClient(name);
        await blob.UploadAsync(BinaryData.FromBytes(content), overwrite: true);
        return blob;
    }

    public void Dispose() => services.Dispose();
}
