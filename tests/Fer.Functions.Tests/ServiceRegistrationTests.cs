using Azure.Storage.Blobs;
using Fer.Api;
using Fer.Inference;
using Fer.Inference.Pipeline;
using Fer.Inference.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Fer.Functions.Tests;

/// <summary>AddFerServing is the shared inference wiring (the one ServingComponents uses) plus the HTTP API, with settings from the "Fer" section.</summary>
public sealed class ServiceRegistrationTests
{
    private static readonly StorageConnection Connection = new() { ConnectionString = StorageConnection.DevelopmentStorage };

    [Fact]
    public void Every_inference_service_is_registered_once_by_the_shared_registration_and_by_nothing_else()
    {
        var inference = new ServiceCollection().AddFerInference(_ => Connection);
        var serving = new ServiceCollection().AddFerServing(new ConfigurationBuilder().Build(), Connection);

        foreach (var shared in inference.GroupBy(d => (d.ServiceType, d.ServiceKey)))
        {
            var registered = serving.Where(d => d.ServiceType == shared.Key.ServiceType && Equals(d.ServiceKey, shared.Key.ServiceKey));
            Assert.Equal(shared.Select(d => d.Lifetime), registered.Select(d => d.Lifetime));
        }

        Assert.Single(serving, d => d.ServiceType == typeof(ModelProvider));
        Assert.Contains(serving, d => d.ServiceType == typeof(ResultsApi)); // and the API besides
    }

    [Fact]
    public void The_fer_section_reaches_the_shared_objects()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Fer:FacesContainer"] = "my-faces",
            ["Fer:ModelsContainer"] = "my-models",
            ["Fer:ResultsTable"] = "myemotions",
            ["Fer:ReconcileMaxBlobs"] = "7",
        }).Build();
        using var services = new ServiceCollection().AddFerServing(configuration, Connection)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        Assert.Equal("my-faces", services.GetRequiredKeyedService<BlobContainerClient>(InferenceServiceRegistration.FacesContainerKey).Name);
        Assert.Equal("my-models", services.GetRequiredService<ModelStore>().Container.Name);
        Assert.Equal("myemotions", services.GetRequiredService<ResultsStore>().Table.Name);
        Assert.Equal(7, services.GetRequiredService<IOptions<ReconcilerOptions>>().Value.ReconcileMaxBlobs);
    }
}
