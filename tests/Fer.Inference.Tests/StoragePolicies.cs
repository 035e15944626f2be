using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;

namespace Fer.Inference.Tests;

/// <summary>
/// Storage clients with a hook in their pipeline, to put another party's action at an exact point of the code under
/// test (between a download and the write of its rows), instead of hoping a race falls the right way.
/// </summary>
internal static class StoragePolicies
{
    /// <summary>A client of <paramref name="container"/> on the same account that runs <paramref name="action"/> once, after the first blob download's body has been read.</summary>
    public static BlobContainerClient AfterFirstDownload(string connectionString, string container, Func<Task> action)
    {
        var options = new BlobClientOptions();
        options.AddPolicy(new AfterResponsePolicy(message => message.Request.Method == RequestMethod.Get && !message.Request.Uri.Query.Contains("comp=", StringComparison.Ordinal), action), HttpPipelinePosition.PerCall);
        return new BlobContainerClient(connectionString, container, options);
    }

    /// <summary>Runs an action once, after the first response to a matching request, with that response's body already read.</summary>
    private sealed class AfterResponsePolicy(Func<HttpMessage, bool> matches, Func<Task> action) : HttpPipelinePolicy
    {
        private int fired;

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            await ProcessNextAsync(message, pipeline);
            if (!matches(message) || Interlocked.Exchange(ref fired, 1) != 0)
            {
                return;
            }

            if (message.Response.ContentStream is { } body)
            {
                var copy = new MemoryStream();
                await body.CopyToAsync(copy);
                copy.Position = 0;
                message.Response.ContentStream = copy;
            }

            await action();
        }
    }
}

/// <summary>A request that waits at a gate until the test opens it; <see cref="Reached"/> completes when the first one arrives.</summary>
internal sealed class GatePolicy(Func<HttpMessage, bool> matches) : HttpPipelinePolicy, IDisposable
{
    private readonly TaskCompletionSource reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim open = new(0);

    public Task Reached => reached.Task;

    public void Open() => open.Release(int.MaxValue / 2);

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (matches(message))
        {
            reached.TrySetResult();
            await open.WaitAsync();
            open.Release();
        }

        await ProcessNextAsync(message, pipeline);
    }

    public void Dispose() => open.Dispose();
}
