using Fer.Inference.Models;
using Fer.Inference.Pipeline;
using Fer.Inference.Storage;
using Fer.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Fer.Inference.Tests;

public sealed class GraphOptimizationTests : IDisposable
{
    private static readonly string[] Levels = ["all", "extended", "basic", "none"];
    private readonly TempFolder models = new();

    public void Dispose() => models.Dispose();

    [Fact]
    public void Every_level_gives_the_same_logits()
    {
        TestModels.Export(models.Sub("a"), seed: 8, size: 40);
        var input = Enumerable.Range(0, 2 * 3 * 40 * 40).Select(i => (float)Math.Sin(i * 0.01)).ToArray();
        var outputs = Levels.Select(level =>
        {
            using var folder = ModelVersionFolder.Open(models.Sub("a"), graphOptimization: level);
            return folder.Session.Run(input, 2);
        }).ToList();

        Assert.All(outputs.Skip(1), output => Assert.All(output.Zip(outputs[0]), pair => Assert.Equal(pair.First, pair.Second, 1e-4)));
    }

    [Fact]
    public void An_unknown_level_is_refused_when_serving_starts_with_the_setting_named()
    {
        var options = Options.Create(new FerOptions { GraphOptimization = "fastest" });
        var store = new ModelStore(new Azure.Storage.Blobs.BlobContainerClient("UseDevelopmentStorage=true", "models"));

        var error = Assert.Throws<FerException>(() => new ModelProvider(store, options, NullLogger<ModelProvider>.Instance));

        Assert.Contains("'fastest' is not one of all, extended, basic, none (setting Fer:GraphOptimization)", error.Message, StringComparison.Ordinal);
    }
}
