using Fer.Inference;
using Fer.Inference.Pipeline;
using Fer.Inference.Storage;
using Fer.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fer.Functions.Tests;

/// <summary>Blob names may name people: log lines carry a short hash of the name instead.</summary>
[Collection(AzuriteTests.Name)]
public sealed class LogPrivacyTests(Azurite azurite) : IDisposable
{
    private readonly string models = Path.Combine(Path.GetTempPath(), "fer-log-models-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(models))
        {
            Directory.Delete(models, recursive: true);
        }
    }

    [Fact]
    public async Task A_log_line_about_a_blob_names_its_hash_not_its_name()
    {
        using var host = new FunctionHost(azurite);
        TestModels.Export(models, seed: 41);
        await host.Get<ModelStore>().PublishAsync(models, promote: true);
        var logger = new CapturingLogger();
        var pipeline = new ClassificationPipeline(host.Get<ModelProvider>(), host.Get<ResultsStore>(), host.Faces, host.Get<IOptions<FerOptions>>(), logger);
        const string name = "family/Jane Doe at the beach.png";

        await pipeline.ProcessAsync(host.Faces.GetBlobClient(name)); // never uploaded: "no longer exists"

        var line = Assert.Single(logger.Lines);
        Assert.Contains(BlobNameHash.Of(name), line, StringComparison.Ordinal);
        Assert.DoesNotContain("Jane", line, StringComparison.Ordinal);
        Assert.Equal(12, BlobNameHash.Of(name).Length);
        Assert.NotEqual(BlobNameHash.Of(name), BlobNameHash.Of(name + "x"));
    }

    private sealed class CapturingLogger : ILogger<ClassificationPipeline>
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add(formatter(state, exception) + " " + string.Join(" ", (state as IEnumerable<KeyValuePair<string, object?>> ?? []).Select(p => $"{p.Key}={p.Value}")));
    }
}
