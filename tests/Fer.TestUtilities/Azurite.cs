using Xunit;

namespace Fer.Testing;

/// <summary>The xunit fixture: one Azurite per test collection.</summary>
public sealed class Azurite : IAsyncLifetime, IAsyncDisposable
{
    private readonly AzuriteProcess process = new();

    public string ConnectionString => process.ConnectionString;

    public Task InitializeAsync() => process.StartAsync();

    public Task DisposeAsync() => process.DisposeAsync().AsTask();

    ValueTask IAsyncDisposable.DisposeAsync() => process.DisposeAsync();
}
